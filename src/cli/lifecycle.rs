//! The arguments of the access-lifecycle commands: `offboard`, `review` and `expiring` (the
//! grants that end soon). Clap definitions and help text only; no logic.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{ConnectionArgs, OverrideArgs, PlanFormat};

#[derive(Debug, Args)]
pub struct OffboardArgs {
    /// The people to remove: email addresses (compared case-insensitively) or user names, as
    /// the config writes them.
    #[arg(value_name = "USER", required_unless_present = "expired")]
    pub users: Vec<String>,

    /// Directory holding the config.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,

    /// Remove every grant whose `expires` has passed (by ROSTER_NOW or the system clock)
    /// instead of people: the tidy-up after `apply --expired-only` ended the access.
    #[arg(long, conflicts_with = "users")]
    pub expired: bool,

    /// Print the unified diff of the files instead of writing them.
    #[arg(long)]
    pub dry_run: bool,

    /// Do not plan the result against the platform, even when a token is set.
    #[arg(long)]
    pub no_plan: bool,

    /// Output format of the plan of the result.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// A policy problem the result would have (say, fewer owners than policy.minOrgOwners)
    /// refuses the edit unless its override is given; the plan then honours it too.
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Directory holding the config.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,

    /// List every declared review (with its next due date), not only the overdue ones.
    #[arg(long)]
    pub all: bool,

    /// Exit 2 when a review is overdue, 0 when none is, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Only this organization's reviews and its workspaces' (repeatable).
    #[arg(long = "org", value_name = "NAME", value_delimiter = ',')]
    pub orgs: Vec<String>,

    /// Only the review of KEY (repeatable): `ORG` for an organization's own review, `ORG/NAME`
    /// for a workspace's (the `key` of the JSON output).
    #[arg(long = "of", value_name = "KEY", value_delimiter = ',')]
    pub of: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpiringFormat {
    Text,
    /// A list, for the reminder issue the Action's drift command keeps.
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
