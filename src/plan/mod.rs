//! The pure diff: (desired, live) → ordered changes, and the guard rails evaluated on them. No I/O.
