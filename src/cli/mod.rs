//! Command-line definitions (clap). This module owns the shape of the command line and its help
//! text only: no logic lives here. `app/` turns these structs into work.

mod adopt;
mod lifecycle;
pub use adopt::*;
pub use lifecycle::*;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Access-as-code for research platforms.
///
/// roster keeps the desired access of Seqera Platform organizations, teams, workspaces and
/// participants as YAML in a git repository. `validate` checks it offline, `plan` shows what would
/// change on the live platform, and `apply` makes the platform match, safely.
#[derive(Debug, Parser)]
#[command(
    name = "roster",
    version,
    propagate_version = true,
    after_help = "\
Examples:
  roster validate examples/biocommons      check a config repository offline
  roster plan --sandbox examples/biocommons
                                           plan against a local sandbox: no account needed
  roster plan --format markdown > plan.md  a plan for a pull-request comment
  roster apply --auto-approve              make the platform match (CI on merge)

Exit codes: 0 success (or no changes), 1 error or refused, 2 changes present (plan
--detailed-exitcode only), 3 applied, with manual BaseSpace steps pending (apply only).

Environment: TOWER_ACCESS_TOKEN, then SEQERA_ACCESS_TOKEN (token, unless Settings name a
tokenEnv), TOWER_API_ENDPOINT (API URL), ROSTER_ALLOWED_ENDPOINTS (where a token may go),
BASESPACE_TOKEN_<REGION> (a BaseSpace region's token, unless Settings name a tokenEnv),
ROSTER_NOW (the clock for expiries and the ledger), ROSTER_OPERATOR (who confirms manual
steps), CI, NO_COLOR."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour: auto uses it on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// More detail on stderr (-v: info, -vv: debug, -vvv: trace). Never shows the token.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr; results still go to stdout.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a config repository offline: syntax, names, roles, references and policy.
    #[command(after_help = "\
Every problem is reported in one run, sorted by file and line, each pointing at file:line:col.
No network access and no token are needed, so it is safe to run on any pull request.

Examples:
  roster validate                        the repository in the current directory
  roster validate examples/biocommons    another directory
  roster validate --format json          machine-readable diagnostics on stdout
  roster validate --allow-any-domain     a policy problem the override allows is a warning
  roster validate --strict               a grant whose `expires` has passed is an error

Grants that expire within --warn-within are warnings; a grant already expired is a warning (an
error under --strict): `plan` removes it. The clock is the system's, or ROSTER_NOW.

Exit codes: 0 valid, 1 problems found (or the directory could not be read).")]
    Validate(ValidateArgs),

    /// List the grants that expire soon: the reminder of who loses access when.
    #[command(after_help = "\
Offline: only the config is read. A grant is listed when its `expires` is after now and at most
--within later; the clock is the system's, or ROSTER_NOW (a date or an RFC 3339 date-time). A
grant whose `expires` has passed is not listed: `plan` removes it (and `apply --expired-only`
does so on a schedule). See docs/lifecycle.md.

Examples:
  roster expiring                              the next 14 days
  roster expiring examples/biocommons --within 30d
  roster expiring --format markdown --detailed-exitcode > reminder.md

Exit codes: 0 listed (or nothing expires), 1 error, 2 something expires within the window (with
--detailed-exitcode).")]
    Expiring(ExpiringArgs),

    /// Show what would change on the live platform to match the config (a dry run).
    #[command(after_help = "\
Reads only what the declared scope needs, compares, and prints the changes in dependency order.
Nothing is written to the platform. Save the plan with --out to apply exactly it later.

Examples:
  roster plan --sandbox examples/biocommons      against a local sandbox (no account or token)
  roster plan --detailed-exitcode                exit 2 when there are changes (drift checks)
  roster plan --format markdown > comment.md     for a pull-request comment
  roster plan --changed-from origin/main         only what a branch changes (pull requests)
  roster plan --expired-only                     only the removals of expired grants
  roster plan --out plan.json && roster apply plan.json

BaseSpace workgroups are checked through the read-only BSSH API; their membership changes are
shown as manual Admin Console steps (the config minus .roster/basespace-ledger.yaml) that cannot
be verified by API. See docs/basespace.md.

Exit codes: 0 no changes (or changes without --detailed-exitcode), 1 error or refused by a
guard rail (or a BaseSpace workgroup that does not match the config), 2 changes or manual
BaseSpace steps present (with --detailed-exitcode).")]
    Plan(PlanArgs),

    /// Make the live platform match the config, in dependency order.
    #[command(after_help = "\
From a directory it plans, prints the plan and asks for confirmation on a terminal (elsewhere it
needs --auto-approve). From a saved plan file it plans again from the config and the platform,
and applies the plan only when it is the same, change for change, without asking: a stale or
edited plan file is refused, naming the difference.

Nothing is ever written to BaseSpace: its manual steps are walked through one by one on a
terminal (each confirmed step is recorded in .roster/basespace-ledger.yaml, to commit); in CI
(no terminal, or CI set) the runbook is printed, appended to $GITHUB_STEP_SUMMARY and written to
--runbook FILE. See docs/basespace.md.

Examples:
  roster apply --sandbox examples/biocommons     apply to the local sandbox
  roster apply --auto-approve                    CI on merge to main
  roster apply plan.json                         apply a reviewed, saved plan
  roster apply --auto-approve --changed-from HEAD^ --expect-digest DIGEST
                                                 on merge: exactly what the pull request showed
  roster apply --auto-approve --runbook steps.md CI: the pending BaseSpace steps as a checklist
  roster apply --auto-approve --expired-only     on a schedule: remove expired grants, only

Exit codes: 0 applied (or nothing to do), 1 error, refusal, or some changes failed;
3 applied, and manual BaseSpace steps are pending (skipped on a terminal, or in CI);
130 stopped by a second Ctrl-C.")]
    Apply(ApplyArgs),

    /// Print a saved plan (from `roster plan --out`) as text, Markdown or JSON.
    #[command(
        after_help = "Nothing is read from the platform: the plan is shown as it was saved, with its digest.

Examples:
  roster show plan.json
  roster show plan.json --format markdown > comment.md"
    )]
    Show(ShowArgs),

    /// Who can reach what: one person's grants, or the access matrix of every organization.
    #[command(after_help = "\
USER is matched case-insensitively by email address or user name. Offline (the default) it reads
only the config; --live (or --sandbox) also reads the platform and marks each grant: + only in
the config (apply grants it), - only on the platform (apply removes it), ~ on the platform where
the config manages nothing. With --matrix the positional argument is DIR. See docs/access.md.

Examples:
  roster access jane.doe@uq.edu.au examples/biocommons
  roster access jdoe examples/biocommons --sandbox
  roster access --matrix examples/biocommons
  roster access --matrix --format html examples/biocommons > access.html
  roster access --matrix --format csv > access.csv
  roster access --matrix --workspace biocommons/genomics --format markdown

Exit codes: 0 shown, 1 error (or nobody matches USER on either side).")]
    Access(AccessArgs),

    /// Report each declared organization's IdP delegation: SCIM, the IdP group catalogue, and
    /// which teams follow which group (read-only).
    #[command(after_help = "\
For each declared organization it reads the SCIM configuration (DescribeOrganizationScimConfig:
whether a SCIM token is active, when it was made and last used, never the token), the IdP group
catalogue (ListOrganizationIdpGroups) and the teams, and shows which teams follow which group.
Both answer 404 when the organization has no IdP group mapping (it needs single sign-on: Seqera
Cloud Pro with SSO, or Enterprise): that is reported as off, not as an error. Nothing is written.

Examples:
  roster idp                                 the organizations of the config in .
  roster idp examples/biocommons --sandbox   against the config's sandbox
  roster idp --org biocommons --format json  one organization, for tools

Exit codes: 0 shown, 1 error.")]
    Idp(IdpArgs),

    /// Remove people from the config files everywhere (members, teams, participants), in place.
    #[command(after_help = "\
Edits every YAML file of the config directory in place, removing each entry that names USER:
organization membership, team member lists, workspace participations and review owners, on
every platform. Only those entries' lines change: comments, key order, quoting, anchors,
blank lines and line endings of everything else are kept. A list left empty stays as `[]`, so
it is still authoritative and apply removes the person from the platform. Users match as roster
matches them: emails case-insensitively, or the user name as written; a person listed both by
email and by user name needs both. The edited config is validated before anything is written.

Then it prints the plan of the result when it can reach every platform (its token is set, or
--sandbox); otherwise run `roster plan` next. --no-plan skips it.

Examples:
  roster offboard jane.doe@uq.edu.au                       remove Jane from the config in .
  roster offboard jane.doe@uq.edu.au jdoe --dir access     two references of one person
  roster offboard visitor@partner.edu.au --dry-run         show the diff, write nothing
  roster offboard --expired                                tidy up grants past their expiry

Exit codes: 0 edited (or, with --dry-run, would edit), 1 error: a USER that no entry names, a
config that is invalid before or would be invalid after the edit, or an alias that refers to
an entry being removed. Nothing is written on error.")]
    Offboard(OffboardArgs),

    /// List the access reviews (recertifications) that are due, and who must do them.
    #[command(after_help = "\
An Organization or Workspace document may declare `review: {every: 180d, owners: [...]}` and
`reviewedOn: DATE`. A review is overdue when reviewedOn + every is today or earlier (by
ROSTER_NOW, or the system clock in UTC), or when it was never reviewed. The owners must review
it (the organization's owners when none are named); recording the review is a pull request
that sets `reviewedOn`. See docs/access.md.

Examples:
  roster review                               what is overdue in the config in .
  roster review --all --format markdown       every review with its due date
  roster review --detailed-exitcode           exit 2 when a review is overdue (CI)
  roster review --of biocommons/genomics --format markdown
                                              one review, as the Action's issue shows it

Exit codes: 0 nothing overdue (or overdue without --detailed-exitcode), 1 error (an invalid
config, or a reviewedOn more than a day in the future), 2 a review is overdue (with
--detailed-exitcode).")]
    Review(ReviewArgs),

    /// Print the JSON Schema (draft 2020-12) of a roster config document.
    #[command(after_help = "\
Editors with the YAML language server validate and complete config files that start with:
  # yaml-language-server: $schema=<path to>/schemas/roster.schema.json

Example:
  roster schema > schemas/roster.schema.json")]
    Schema,

    /// Run a local emulator of the Seqera Platform API (for sandboxes and tests).
    #[command(after_help = "\
Prints exactly one line, `listening on http://HOST:PORT`, to stdout once it accepts connections,
then serves until SIGINT or SIGTERM. See docs/emulator.md for the world file format.

Examples:
  roster emulator --listen 127.0.0.1:0 --world world.yaml
  roster emulator --listen 127.0.0.1:8080 --world world.yaml --state state.yaml --fail-rate 0.1 --seed 7")]
    Emulator(EmulatorArgs),

    /// Write a config repository from a live platform: its orgs, members, teams and workspaces.
    #[command(after_help = "\
Reads the orgs the token's user owns (or those named) and every workspace in them, one listing
call per page, and writes roster.yaml, organizations/ORG.yaml, workspaces/ORG/NAME.yaml and
schemas/roster.schema.json. `roster plan DIR` on the result shows no changes. Set ROSTER_NOW to
fix the date in the header comments.

Examples:
  roster export adopted                               every org the token's user owns
  roster export adopted --org biocommons              one org and all its workspaces
  roster export adopted --workspace biocommons/genomics --force

Exit codes: 0 written, 1 error (including a non-empty DIR without --force).")]
    Export(ExportArgs),

    /// Scaffold a new config repository: Settings, schema, GitHub workflows, CODEOWNERS.
    #[command(after_help = "\
Writes roster.yaml (the platform and a commented policy), schemas/roster.schema.json (every
file's modeline points at it), .github/workflows/ (plan on pull requests, apply on merge, a
drift check), .github/CODEOWNERS and .gitignore. With --from-export, the organizations and
workspaces of a live platform are exported into it too (the export options apply).

Examples:
  roster init access                         an empty repository
  roster init access --from-export --org biocommons

Exit codes: 0 written, 1 error (including a non-empty DIR without --force).")]
    Init(InitArgs),

    /// Translate another tool's files into a roster config (`roster import seqerakit`).
    Import(ImportArgs),

    /// The sandbox of a config: `roster sandbox init` writes its world from the config.
    Sandbox(SandboxArgs),

    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  roster completions bash > ~/.local/share/bash-completion/completions/roster
  roster completions zsh > ~/.zfunc/_roster")]
    Completions(CompletionsArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    Text,
    Json,
    /// GitHub workflow annotations (`::error file=…,line=…,col=…::…`) on stdout.
    Github,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Directory holding the config (every *.yaml / *.yml below it; hidden directories skipped).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,

    /// Warn about grants whose `expires` falls within SPAN from now (`14d`, `2w`, or days).
    #[arg(long, default_value = "14d", value_name = "SPAN")]
    pub warn_within: String,

    /// Treat a grant whose `expires` has passed as an error (it is a warning otherwise).
    #[arg(long)]
    pub strict: bool,

    /// The same overrides as `plan`: a policy problem an override allows is reported as a
    /// warning and does not fail validation (so a deliberate override passes the PR check).
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

/// `roster idp`.
#[derive(Debug, Args)]
pub struct IdpArgs {
    /// Directory holding the config.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = IdpFormat::Text)]
    pub format: IdpFormat,

    #[command(flatten)]
    pub select: SelectArgs,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IdpFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Text,
    Markdown,
    Json,
}

/// Where the live platform is and how to talk to it.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Platform")]
pub struct ConnectionArgs {
    /// Run against an embedded sandbox emulator seeded from DIR/.roster/sandbox.world.yaml (no account or token).
    #[arg(long)]
    pub sandbox: bool,

    /// API endpoint, overriding the Settings platform and TOWER_API_ENDPOINT.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Maximum API calls in flight at once (1–64).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub parallelism: u32,

    /// Client-side pacing, in requests per second per token (0.01–1000; the platform allows 20).
    #[arg(long, default_value_t = 20.0, value_name = "PER_SECOND", value_parser = parse_rate)]
    pub rate: f64,
}

/// The accepted `--rate`, in requests per second: slow enough to pace a shared token politely,
/// and bounded so the limiter's period (1 / rate) is a representable, non-zero duration.
pub const RATE_RANGE: std::ops::RangeInclusive<f64> = 0.01..=1000.0;

/// `--rate`: a finite number of requests per second within [`RATE_RANGE`] (a usage error otherwise).
fn parse_rate(s: &str) -> Result<f64, String> {
    let (lo, hi) = (*RATE_RANGE.start(), *RATE_RANGE.end());
    let rate: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("not a number of requests per second (expected {lo}–{hi})"))?;
    if RATE_RANGE.contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{s} is not in {lo}..={hi} requests per second"))
    }
}

/// Explicit overrides of the guard rails. A saved plan records the overrides it was made with, and
/// applying it needs the same ones.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Guard-rail overrides (see docs/apply.md)")]
pub struct OverrideArgs {
    /// Allow deleting workspaces declared with `ensure: absent`.
    #[arg(long)]
    pub allow_destroy: bool,

    /// Allow removing more than policy.maxRemovalFraction of existing access.
    #[arg(long)]
    pub allow_mass_removal: bool,

    /// Allow an organization to end with fewer owners than policy.minOrgOwners.
    #[arg(long)]
    pub allow_few_owners: bool,

    /// Allow a plan that stops the acting user (the token's owner) being an org owner.
    #[arg(long)]
    pub allow_self_lockout: bool,

    /// Allow collaborators a role above policy.collaboratorMaxRole.
    #[arg(long)]
    pub allow_collaborator_role: bool,

    /// Allow users outside policy.allowedEmailDomains.
    #[arg(long)]
    pub allow_any_domain: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Directory holding the config.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// Save the plan (JSON) to FILE, to apply exactly it later with `roster apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Exit 2 when there are changes, 0 when there are none, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Plan only the orgs and workspaces whose files differ from git REF (and what they depend on).
    #[arg(long, value_name = "REF")]
    pub changed_from: Option<String>,

    /// Also write the plan as Markdown comments PREFIX.1.md, PREFIX.2.md, …, each under GitHub's 65,536-character limit.
    #[arg(long, value_name = "PREFIX")]
    pub split: Option<PathBuf>,

    /// Plan only the removals of grants whose `expires` has passed; every other change is
    /// listed as held (see docs/lifecycle.md).
    #[arg(long, conflicts_with = "changed_from")]
    pub expired_only: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    #[command(flatten)]
    pub select: SelectArgs,
}

/// Sharding a large estate across CI jobs (docs/scale.md): plan or apply only some orgs.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectArgs {
    /// Plan or apply only the declared organization(s) NAME (repeat the flag or separate names
    /// with commas); the others are neither read nor changed. Apply a saved plan with the same
    /// selection it was made with.
    #[arg(long = "org", value_name = "NAME", value_delimiter = ',')]
    pub orgs: Vec<String>,

    /// Plan or apply only the organizations of platform(s) NAME (as named in Settings'
    /// `platforms`; `default` when Settings declares none).
    #[arg(long = "platform", value_name = "NAME", value_delimiter = ',')]
    pub platforms: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A config directory, or a plan file saved with `roster plan --out`.
    #[arg(default_value = ".", value_name = "DIR|PLAN_FILE")]
    pub target: PathBuf,

    /// Apply without asking for confirmation (needed when stdin is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,

    /// Append a JSON-lines record of every API write to FILE.
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Output format of the plan printed before applying.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// Apply only what differs from git REF (the commit a pull request was reviewed against),
    /// with the endpoints and token variables of REF's Settings, as `plan --changed-from` does.
    #[arg(long, value_name = "REF")]
    pub changed_from: Option<String>,

    /// Refuse unless the plan's digest equals DIGEST: the `digest` of the plan a reviewer saw
    /// (in `plan --format json` and the pull-request comment).
    #[arg(long, value_name = "DIGEST")]
    pub expect_digest: Option<String>,

    /// With a saved plan: the config directory to plan again (default: the one the plan names).
    #[arg(long, value_name = "DIR")]
    pub config: Option<PathBuf>,

    /// Also write the runbook of pending manual BaseSpace steps (Markdown, a checklist) to FILE.
    #[arg(long, value_name = "FILE")]
    pub runbook: Option<PathBuf>,

    /// Apply only the removals of grants whose `expires` has passed, nothing else (a scheduled
    /// job: access ends on time without waiting for a merge). Other changes are listed as held.
    #[arg(long, conflicts_with = "changed_from")]
    pub expired_only: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    #[command(flatten)]
    pub select: SelectArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan file saved with `roster plan --out`.
    #[arg(value_name = "PLAN_FILE")]
    pub plan: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free port (the line printed on start gives it).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: SocketAddr,

    /// World file (YAML): users, and optionally organizations, teams and workspaces to start from.
    #[arg(long, value_name = "FILE")]
    pub world: PathBuf,

    /// Persist the world to FILE after every write (atomic rename) and load it on start if it exists.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Delay every answer by MS milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency: u64,

    /// Answer 429 past N requests per second per token (0 = off).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub rate_limit: u32,

    /// Answer 503 to this share of API requests (0.0–1.0), chosen by a seeded generator.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_rate: f64,

    /// Seed of the fault generator (the same seed gives the same faults).
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,

    /// For MS milliseconds after a role update, list endpoints may still show the previous role.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub stale_reads: u64,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    Text,
    Markdown,
    Csv,
    Json,
    Html,
}

#[derive(Debug, Args)]
pub struct AccessArgs {
    /// The person (an email address or user name); with --matrix, the config directory.
    #[arg(value_name = "USER")]
    pub user: Option<String>,

    /// Directory holding the config.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Print every person × workspace of the config's organizations instead of one person.
    #[arg(long)]
    pub matrix: bool,

    /// Output format (markdown, csv and html need --matrix).
    #[arg(long, value_enum, default_value_t = AccessFormat::Text)]
    pub format: AccessFormat,

    /// Also read the platform and mark what differs from the config (with --matrix: show the
    /// platform's matrix instead of the config's).
    #[arg(long)]
    pub live: bool,

    /// With --matrix: only this workspace (ORG/NAME, repeatable) and the people with access to
    /// it, e.g. for the access review of one workspace.
    #[arg(
        long = "workspace",
        value_name = "ORG/NAME",
        value_delimiter = ',',
        requires = "matrix"
    )]
    pub workspaces: Vec<String>,

    /// With --matrix: only this organization (repeatable) and its workspaces.
    #[arg(
        long = "org",
        value_name = "NAME",
        value_delimiter = ',',
        requires = "matrix"
    )]
    pub orgs: Vec<String>,

    #[command(flatten)]
    pub connection: ConnectionArgs,
}
