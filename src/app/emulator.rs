//! `roster emulator`: the command line's [`EmulatorArgs`] turned into the emulator crate's
//! [`RunConfig`], with roster's colour decision, and handed to [`seqera_emulator::run`].
//!
//! This module owns that conversion and the flag-level checks. It must not implement any of the
//! emulator: that lives in `crates/seqera-emulator`, which knows nothing of roster.

use anyhow::{Result, bail};
use seqera_emulator::{Options, RunConfig};

use crate::app::Ui;
use crate::cli::EmulatorArgs;

/// The emulator's configuration for these flags.
pub fn config(ui: &Ui, args: &EmulatorArgs) -> Result<RunConfig> {
    if !(0.0..=1.0).contains(&args.fail_rate) {
        bail!(
            "--fail-rate must be between 0 and 1 (got {})",
            args.fail_rate
        );
    }
    Ok(RunConfig {
        listen: args.listen,
        world: args.world.clone(),
        options: Options {
            latency_ms: args.latency,
            rate_limit: args.rate_limit,
            fail_rate: args.fail_rate,
            seed: args.seed,
            stale_reads_ms: args.stale_reads,
            state: args.state.clone(),
            ..Options::default()
        },
        color: ui.color_stderr,
    })
}

/// Serve until SIGINT or SIGTERM.
pub fn run(ui: &Ui, args: &EmulatorArgs) -> Result<()> {
    seqera_emulator::run(config(ui, args)?)
}
