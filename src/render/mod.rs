//! Views of one plan: text for a terminal, Markdown for a pull-request comment, JSON for
//! machines and saved plans; (`edit`) the summary and diff of an in-place config edit; and
//! (`idp`) the IdP status `roster idp` reads; (`lifecycle`) the grants that expire soon.
//!
//! This module owns how a [`Plan`](crate::plan::Plan) is presented. It must not compute diffs or
//! decide anything: it shows the changes, access summary, unmanaged items and guard rails the plan
//! holds, in the plan's order, and derives nothing but counts and layout. Output depends on the
//! plan alone (and the `color` flag for text): no clock, environment or terminal is consulted,
//! so the same plan renders to the same bytes.

pub mod edit;
mod escape;
mod idp;
mod json;
mod lifecycle;
mod markdown;
mod paging;
mod report;
mod runbook;
mod text;
mod view;

pub use idp::{IDP_FORMAT_VERSION, idp_json, idp_text};
pub use json::json;
pub use lifecycle::{expiring_json, expiring_markdown, expiring_text};
pub use markdown::{MARKDOWN_LIMIT, MIN_PART_LIMIT, markdown, markdown_parts};
pub use report::{report_json, report_text, status_word};
pub use runbook::{manual_step_text, runbook_markdown, runbook_text};
pub use text::text;
