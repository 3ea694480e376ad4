//! Executing a plan wave by wave against the platform, with bounded concurrency. It never
//! re-decides what to do: the plan alone describes the apply.
