//! The arguments of the access-lifecycle commands: `expiring` (the grants that end soon). Clap
//! definitions and help text only; no logic.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpiringFormat {
    Text,
    /// A table, for the reminder issue the Action's drift command keeps.
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ExpiringArgs {
    /// Directory holding the config.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The window: grants whose `expires` is after now and at most SPAN later are listed
    /// (`14d`, `2w`, or a number of days).
    #[arg(long, default_value = "14d", value_name = "SPAN")]
    pub within: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExpiringFormat::Text)]
    pub format: ExpiringFormat,

    /// Exit 2 when some grant expires within the window, 0 when none does, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
}
