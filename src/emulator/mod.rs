//! A local emulator of the Seqera Platform API (axum): its world, its rules and its fault knobs.
//! It shares nothing with the client but the wire format.

use anyhow::Result;

use crate::cli::EmulatorArgs;

/// Run the emulator until SIGINT or SIGTERM.
pub fn run(_args: &EmulatorArgs) -> Result<()> {
    anyhow::bail!("the emulator is not built yet")
}
