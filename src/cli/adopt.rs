//! The arguments of the adoption commands: `export`, `init`, `sandbox init` and `import`. Clap
//! definitions and help text only; no logic.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::parse_rate;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Directory to write the config repository into (created when missing; must be empty).
    pub dir: PathBuf,

    /// Export only this organization (repeatable); default: every org the token's user owns.
    #[arg(long = "org", value_name = "NAME", value_delimiter = ',')]
    pub orgs: Vec<String>,

    /// Export only this workspace (repeatable), as ORG/NAME; its org is exported too.
    #[arg(long = "workspace", value_name = "ORG/NAME", value_delimiter = ',')]
    pub workspaces: Vec<String>,

    /// Write into a non-empty DIR, overwriting the files export writes (others are left alone).
    #[arg(long)]
    pub force: bool,

    /// Also write an emulator world of what was read to FILE (no tokens), to rehearse offline.
    #[arg(long, value_name = "FILE")]
    pub world: Option<PathBuf>,

    /// Add to the config in DIR the organizations and workspaces it does not declare, as new
    /// files; nothing declared is touched and no file is overwritten.
    #[arg(long, conflicts_with = "force")]
    pub merge: bool,

    /// The platform's name in the written Settings.
    #[arg(long, default_value = "seqera", value_name = "NAME")]
    pub platform: String,

    /// The environment variable holding the token, read now and named in the written Settings.
    #[arg(long, default_value = "TOWER_ACCESS_TOKEN", value_name = "VAR")]
    pub token_env: String,

    /// API endpoint (default: TOWER_API_ENDPOINT, else Seqera Cloud).
    #[arg(long, value_name = "URL", help_heading = "Platform")]
    pub endpoint: Option<String>,

    /// Maximum API calls in flight at once (1–64).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64), help_heading = "Platform")]
    pub parallelism: u32,

    /// Client-side pacing, in requests per second per token (0.01–1000; the platform allows 20).
    #[arg(long, default_value_t = 20.0, value_name = "PER_SECOND", value_parser = parse_rate, help_heading = "Platform")]
    pub rate: f64,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also export a live platform into the new repository (the options of `roster export`).
    #[arg(long)]
    pub from_export: bool,

    #[command(flatten)]
    pub export: ExportArgs,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    pub command: SandboxCommand,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Write DIR/.roster/sandbox.world.yaml from the config in DIR, so `plan --sandbox` works.
    #[command(after_help = "\
The world holds every user, organization, team and workspace the config declares, so the first
`roster plan --sandbox DIR` shows no changes; --drift adds a few differences (a role, a team
member, a description, a former member) chosen by --seed, each listed in the world's header.
The sandbox acts as the first owner the config declares, with a placeholder token.

Examples:
  roster sandbox init .                  then: roster plan --sandbox .
  roster sandbox init . --drift --seed 7 --force

Exit codes: 0 written, 1 error (an invalid config, or an existing world without --force).")]
    Init(SandboxInitArgs),
}

#[derive(Debug, Args)]
pub struct SandboxInitArgs {
    /// Directory holding the config.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Start the sandbox a little drifted from the config.
    #[arg(long)]
    pub drift: bool,

    /// Seed choosing the drift (the same seed gives the same world).
    #[arg(long, default_value_t = 1, value_name = "N", requires = "drift")]
    pub seed: u64,

    /// Replace an existing world (and drop the sandbox state kept beside it).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Translate seqerakit YAML (organizations, members, teams, workspaces, participants).
    #[command(after_help = "\
Several files (or directories of *.yml) are merged, as seqerakit does. Blocks roster does not
manage (compute-envs, credentials, pipelines, launch, …) are listed with their file:line.
$VAR and ${VAR} must be set in the environment or in --env-file. seqerakit only adds, while
roster's lists are authoritative: plan the result before any apply.

Examples:
  roster import seqerakit seqerakit.yml --out access --owner me@lab.org
  roster import seqerakit yaml/ --env-file .env --out access

Exit codes: 0 written, 1 problems (each listed; nothing written).")]
    Seqerakit(ImportSeqerakitArgs),
}

#[derive(Debug, Args)]
pub struct ImportSeqerakitArgs {
    /// seqerakit files, or directories holding them.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub files: Vec<PathBuf>,

    /// Directory to write the roster config into (must be empty unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// KEY=VALUE lines supplying $VARs (before the environment).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// The user seqerakit ran as (the owner of what it created), added as owner everywhere.
    #[arg(long, value_name = "EMAIL")]
    pub owner: Vec<String>,

    /// Write into a non-empty DIR.
    #[arg(long)]
    pub force: bool,

    /// The endpoint the written Settings name (default: Seqera Cloud).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// The platform's name in the written Settings.
    #[arg(long, default_value = "seqera", value_name = "NAME")]
    pub platform: String,

    /// The token's variable in the written Settings.
    #[arg(long, default_value = "TOWER_ACCESS_TOKEN", value_name = "VAR")]
    pub token_env: String,
}
