//! The pure diff: (desired, live) → ordered changes with addresses, risks and dependencies, and the
//! guard rails evaluated on them. No I/O: everything it needs is passed in.

pub mod model;

pub use model::*;
