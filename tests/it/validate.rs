//! `roster validate`: fixtures, snapshots and properties.
