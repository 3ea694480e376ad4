//! The live model: what the platform reports now, read through the platform client. It decides
//! nothing; the planner compares it with the desired state.
