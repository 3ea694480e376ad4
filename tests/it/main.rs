//! The integration-test binary: drives the real `roster` binary, and the emulator over HTTP on
//! loopback. One binary keeps link time down; each module covers one command or component.

mod access;
mod action;
mod apply;
mod basespace;
mod boundaries;
mod cli_usage;
mod client_recorded;
mod emulator;
mod expiry;
mod export;
mod gitops;
mod hostile;
mod idp;
mod import;
mod init;
mod measured;
mod offboard;
mod plan;
mod preflight;
mod rate;
mod review;
mod roles;
mod sandbox_init;
mod saved_plan;
mod scale;
mod studios_labels;
mod support;
mod trust;
mod typed_core;
mod validate;
