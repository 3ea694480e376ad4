//! Who can reach what: every grant a person holds (org role, teams, each workspace's effective
//! role and where it comes from), from the config or a platform's live state, compared between
//! the two; and the access matrix of whole organizations (people × workspaces), rendered as
//! text, Markdown, CSV (RFC 4180), JSON or a self-contained HTML page; and (`review`) which
//! declared access reviews are due at an instant, with their views.
//!
//! `model` (grants and effective roles), `person` (one person's facts and their comparison) and
//! `matrix` compute; `text`, `csv`, `json` and `html` render. It must not do I/O, read the
//! platform, or decide changes (that is `plan`).

pub mod csv;
pub mod html;
pub mod json;
pub mod matrix;
pub mod model;
pub mod person;
pub mod review;
pub mod text;

pub use matrix::Matrix;
pub use model::{People, Snapshot};
