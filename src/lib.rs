//! roster: access-as-code for research platforms.
//!
//! Data flows one way (see ARCHITECTURE.md):
//! files ─[`config`]─▶ desired ─┐
//!                              ├─[`plan`]─▶ plan ─[`render`]─▶ text | markdown | json
//! platform ─[`live`]─▶ live ───┘        └─[`apply`]─▶ platform ─▶ report
//!
//! [`cli`] defines the command line, [`app`] wires one command each, [`diag`] locates and renders
//! problems, and [`platform`] talks to the Seqera REST API (and reads BaseSpace's; its manual
//! steps are recorded in the [`ledger`]). The local stand-in for that API is its
//! own crate, `seqera-emulator` (crates/seqera-emulator), which depends on nothing of roster's.

pub mod access;
pub mod adopt;
pub mod app;
pub mod apply;
pub mod cli;
pub mod config;
pub mod diag;
pub mod endpoint;
pub mod ledger;
pub mod live;
pub mod plan;
pub mod platform;
pub mod render;
pub mod scope;
