//! Shared helpers of the integration tests.

use std::path::PathBuf;
use std::process::Command;

/// The crate root: tests run the binary from here so paths in output are stable and relative.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real `roster` binary, run from the crate root, with colour off and no token in its
/// environment unless a test sets one.
pub fn roster() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
    cmd.current_dir(manifest_dir())
        .env_remove("TOWER_ACCESS_TOKEN")
        .env_remove("TOWER_API_ENDPOINT")
        .env_remove("ROSTER_LOG")
        .env("NO_COLOR", "1");
    cmd
}
