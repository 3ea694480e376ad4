//! What `plan` and `apply` share: reading the config, deciding which platforms to talk to (each
//! with its endpoint and token), building one client per platform, reading the live state of
//! each concurrently, and building the plan.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

use crate::app::basespace;
use crate::app::sandbox::Sandbox;
use crate::app::trust::Trust;
use crate::app::{Ui, clock};
use crate::cli::{ConnectionArgs, OverrideArgs};
use crate::config::desired::{DEFAULT_TOKEN_ENV, Desired, UserRef, When};
use crate::config::identity::LiveUser;
use crate::config::time::Span;
use crate::config::{self, Config, TimeChecks};
use crate::diag::{self, Code};
use crate::ledger::Ledger;
use crate::live::read;
use crate::live::{ActingUser, Live, ParticipantKind};
use crate::plan::{self, Change, FirstLogin, Overrides, Plan, PlatformInput};
use crate::platform::seqera::{
    CLOUD_ENDPOINT, Client, ClientConfig, RetryPolicy, is_cloud_endpoint,
};
use crate::scope::Scope;

/// Policy problems the validator reports, which plan and apply turn into guard rails (each with
/// its override flag) evaluated on the plan.
const POLICY_CODES: [Code; 3] = [
    Code::DomainNotAllowed,
    Code::TooFewOwners,
    Code::CollaboratorRole,
];

/// Read and validate the config; print its problems and fail when there are any (policy problems
/// are left to the guard rails).
pub fn load_config(ui: &Ui, dir: &Path) -> Result<Config> {
    let mut cfg = config::read(dir);
    // policy.maxGrantDays depends on the time; what `validate` says about ends is for it alone.
    config::check_times(
        &mut cfg,
        &TimeChecks {
            now: clock::now()?,
            warn_within: Span { days: 1 },
            strict: false,
        },
    );
    cfg.diags
        .retain(|d| !matches!(d.code, Code::Expired | Code::ExpiresSoon));
    cfg.diags.retain(|d| !POLICY_CODES.contains(&d.code));
    if cfg.has_errors() {
        eprint!(
            "{}",
            diag::render_text(&cfg.diags, &cfg.loaded.sources, ui.color_stderr)
        );
        bail!(
            "the config in {} has {} problem{}; `roster validate` lists them",
            dir.display(),
            cfg.diags.len(),
            if cfg.diags.len() == 1 { "" } else { "s" }
        );
    }
    Ok(cfg)
}

/// A platform to talk to.
pub struct Connection {
    pub platform: String,
    pub client: Client,
}

/// One client per platform that has declared orgs. `sandbox` gives an endpoint and token that
/// replace every platform's.
/// With `units`, only platforms with an org in scope are connected (and need a token).
pub fn connect(
    ui: &Ui,
    desired: &Desired,
    trust: &Trust,
    conn: &ConnectionArgs,
    sandbox: Option<(&str, &SecretString)>,
    units: Option<&plan::Units>,
) -> Result<Vec<Connection>> {
    let mut by_platform = plan::orgs_by_platform(desired);
    if let Some(units) = units {
        by_platform.retain(|p, _| !Scope::from_desired(desired, p, Some(units)).orgs.is_empty());
    }
    if conn.endpoint.is_some() && by_platform.len() > 1 {
        bail!(
            "--endpoint names one endpoint, but the config declares orgs on {} platforms ({}); set each platform's endpoint in Settings instead",
            by_platform.len(),
            by_platform.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let mut out = Vec::new();
    for platform in by_platform.keys() {
        let (endpoint, token) = match sandbox {
            Some((endpoint, token)) => (endpoint.to_string(), token.clone()),
            None => {
                // Endpoint and token variable come from the trusted Settings only.
                let Some(trusted) = trust.platform(platform) else {
                    ui.status(format!(
                        "Platform {platform} is not declared in the Settings at {}: its orgs are planned after merge.",
                        trust.trusted_ref().unwrap_or("the trusted ref")
                    ));
                    continue;
                };
                let env_endpoint = std::env::var("TOWER_API_ENDPOINT")
                    .ok()
                    .filter(|s| !s.is_empty());
                let endpoint = conn
                    .endpoint
                    .clone()
                    .or_else(|| trusted.map(|p| p.endpoint.clone()))
                    .or_else(|| env_endpoint.clone())
                    .unwrap_or_else(|| CLOUD_ENDPOINT.to_string());
                if let Some(e) = env_endpoint.filter(|e| *e != endpoint) {
                    ui.status(format!(
                        "warning: TOWER_API_ENDPOINT={e} is ignored for platform {platform}: {} wins ({endpoint})",
                        if conn.endpoint.is_some() { "--endpoint" } else { "the Settings endpoint" }
                    ));
                }
                trust.check_endpoint(platform, &endpoint)?;
                let var = trusted
                    .map(|p| p.token_env.clone())
                    .unwrap_or_else(|| DEFAULT_TOKEN_ENV.to_string());
                let (var, token) = token_from_env(&var);
                let Some(token) = token else {
                    bail!(
                        "no access token for platform {platform} ({endpoint}): set {var}, or try `--sandbox` to run against a local emulator"
                    )
                };
                tracing::info!(%platform, %endpoint, token_env = %var, "connecting");
                (endpoint, token)
            }
        };
        let client = Client::new(ClientConfig {
            endpoint: endpoint.clone(),
            token,
            parallelism: conn.parallelism as usize,
            rate: conn.rate,
            retry: RetryPolicy::default(),
        })
        .map_err(|e| anyhow::anyhow!("platform {platform}: {e}"))?;
        out.push(Connection {
            platform: platform.clone(),
            client,
        });
    }
    Ok(out)
}

/// The variable names a platform's token is read from, in order: a `tokenEnv` the Settings name
/// is the only one; the default, TOWER_ACCESS_TOKEN, falls back to SEQERA_ACCESS_TOKEN (the name
/// newer Seqera tools use). Returns the names to mention when none is set, and the token.
pub fn token_from_env(var: &str) -> (String, Option<SecretString>) {
    let names: &[&str] = if var == DEFAULT_TOKEN_ENV {
        &[DEFAULT_TOKEN_ENV, SEQERA_TOKEN_ENV]
    } else {
        &[var]
    };
    for name in names {
        if let Ok(t) = std::env::var(name)
            && !t.trim().is_empty()
        {
            return (
                name.to_string(),
                Some(SecretString::from(t.trim().to_string())),
            );
        }
    }
    (names.join(" or "), None)
}

/// The second name the default token is read from.
pub const SEQERA_TOKEN_ENV: &str = "SEQERA_ACCESS_TOKEN";

/// What was read from one platform.
pub struct Reading {
    pub platform: String,
    pub endpoint: String,
    pub acting: ActingUser,
    pub live: Live,
    pub scope: Scope,
}

/// Read every platform's scope concurrently.
pub async fn read_all(
    ui: &Ui,
    desired: &Desired,
    conns: &[Connection],
    units: Option<&plan::Units>,
) -> Result<Vec<Reading>> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, c) in conns.iter().enumerate() {
        let scope = Scope::from_desired(desired, &c.platform, units);
        if scope.orgs.is_empty() {
            continue; // nothing of this platform is in scope
        }
        let client = c.client.clone();
        let platform = c.platform.clone();
        ui.status(format!(
            "Reading platform {platform} at {} …",
            client.endpoint()
        ));
        tasks.spawn(async move {
            let r = read::read(&client, &scope)
                .await
                .with_context(|| format!("platform {platform} ({})", client.endpoint()));
            (i, r.map(|(acting, live)| (acting, live, scope)))
        });
    }
    if tasks.is_empty() {
        ui.status("No declared organization is in scope: nothing to read.");
        return Ok(Vec::new());
    }
    let mut out: Vec<Option<Reading>> = (0..conns.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (i, r) = joined.context("reader task")?;
        let (acting, live, scope) = r?;
        let c = &conns[i];
        tracing::info!(
            platform = %c.platform,
            listings = live.fingerprints.len(),
            calls = c.client.calls(),
            elapsed_ms = start.elapsed().as_millis() as u64,
            "read the live state"
        );
        ui.status(format!(
            "Read {} listings of platform {} as {} <{}>.",
            live.fingerprints.len(),
            c.platform,
            acting.user_name,
            acting.email
        ));
        out[i] = Some(Reading {
            platform: c.platform.clone(),
            endpoint: c.client.endpoint().to_string(),
            acting,
            live,
            scope,
        });
    }
    let calls: u64 = conns.iter().map(|c| c.client.calls()).sum();
    ui.status(format!(
        "{calls} API call{} in {:.2} s.",
        if calls == 1 { "" } else { "s" },
        start.elapsed().as_secs_f64()
    ));
    let out: Vec<Reading> = out.into_iter().flatten().collect();
    // Two references that the platform says are one user would flip roles on every apply.
    let users = LiveUsers::new(&out);
    // Only a reference that is not its user's own key (a user name, or an email other than the
    // platform's) can collide with another; the users they name are the only ones checked, so
    // the check holds almost nothing (it held every reference of the config: a tenth of a plan's
    // peak memory at 3,000 workspaces), and finds the same collisions.
    let aliased: HashSet<&str> = desired
        .user_sites
        .0
        .iter()
        .filter_map(|s| {
            let id = users.id(s.list.org(), &s.user)?;
            (id != s.user.as_str()).then_some(id)
        })
        .collect();
    let collisions = if aliased.is_empty() {
        Vec::new()
    } else {
        config::identity::collisions(desired, |org, user| {
            users
                .get(org, user)
                .filter(|u| aliased.contains(u.id.as_str()))
        })
    };
    if !collisions.is_empty() {
        for c in &collisions {
            eprintln!("{c}\n");
        }
        bail!(
            "the config names {} user{} twice under different references; nothing was planned",
            collisions.len(),
            if collisions.len() == 1 { "" } else { "s" }
        );
    }
    // Permissions of defined custom roles must be ones the platform lists.
    let by_platform = plan::orgs_by_platform(desired);
    let unknown: Vec<plan::roles::UnknownPermission> = out
        .iter()
        .flat_map(|r| {
            let orgs = by_platform.get(&r.platform).cloned().unwrap_or_default();
            plan::roles::unknown_permissions(&orgs, &r.live)
        })
        .collect();
    if !unknown.is_empty() {
        for u in &unknown {
            eprintln!("{}\n", unknown_permission(u));
        }
        bail!(
            "the config names {} permission{} the platform does not know; nothing was planned",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" }
        );
    }
    Ok(out)
}

/// The live users of every org read, by org (lower-cased name) and by lower-cased email and user
/// name, built once so that resolving every user reference of the config is linear, not a scan
/// of every member and participant per reference.
struct LiveUsers<'a> {
    orgs: HashMap<&'a str, HashMap<String, LiveUser>>,
}

impl<'a> LiveUsers<'a> {
    /// For each org, the first reading that has it; within it members, collaborators and team
    /// members come before workspace participants, and an email before a user name spelled alike.
    fn new(readings: &'a [Reading]) -> Self {
        let mut orgs: HashMap<&'a str, HashMap<String, LiveUser>> = HashMap::new();
        for r in readings {
            for (key, o) in &r.live.orgs {
                let Entry::Vacant(slot) = orgs.entry(key.as_str()) else {
                    continue;
                };
                let mut users: HashMap<String, LiveUser> = HashMap::new();
                let team_members = o.teams.iter().flat_map(|t| t.members.iter().flatten());
                let members: Vec<_> = o
                    .members
                    .iter()
                    .chain(&o.collaborators)
                    .chain(team_members)
                    .collect();
                let member_user = |m: &crate::live::LiveMember| LiveUser {
                    id: m.key(),
                    shown: format!("{} <{}>", m.user_name, m.email),
                };
                for m in members.iter().filter(|m| !m.email.is_empty()) {
                    users
                        .entry(m.email.to_lowercase())
                        .or_insert_with(|| member_user(m));
                }
                for m in members.iter().filter(|m| !m.user_name.is_empty()) {
                    users
                        .entry(m.user_name.to_lowercase())
                        .or_insert_with(|| member_user(m));
                }
                let participants: Vec<_> = o
                    .workspaces
                    .iter()
                    .flat_map(|w| w.participants.iter().flatten())
                    .filter(|p| p.kind != ParticipantKind::Team)
                    .collect();
                let participant_user = |p: &crate::live::LiveParticipant| LiveUser {
                    id: p.key().trim_start_matches("user:").to_string(),
                    shown: format!(
                        "{} <{}>",
                        p.user_name.as_deref().unwrap_or(""),
                        p.email.as_deref().unwrap_or("")
                    ),
                };
                for name in [
                    |p: &crate::live::LiveParticipant| p.email.clone(),
                    |p: &crate::live::LiveParticipant| p.user_name.clone(),
                ] {
                    for p in &participants {
                        if let Some(n) = name(p).filter(|n| !n.is_empty()) {
                            users
                                .entry(n.to_lowercase())
                                .or_insert_with(|| participant_user(p));
                        }
                    }
                }
                slot.insert(users);
            }
        }
        LiveUsers { orgs }
    }

    /// The live user of org `org` that a config reference names: a member, a collaborator, a
    /// team member or a workspace participant.
    fn get(&self, org: &str, user: &UserRef) -> Option<LiveUser> {
        self.find(org, user).cloned()
    }

    /// What identifies that user on the platform.
    fn id(&self, org: &str, user: &UserRef) -> Option<&str> {
        self.find(org, user).map(|u| u.id.as_str())
    }

    fn find(&self, org: &str, user: &UserRef) -> Option<&LiveUser> {
        // References are lower-cased already (`UserRef::new`).
        self.orgs.get(org)?.get(user.as_str())
    }
}

/// `error[invalid-permission]: …`, where, and what the platform has instead.
fn unknown_permission(u: &plan::roles::UnknownPermission) -> String {
    let clean = |s: &str| crate::diag::sanitize(s).into_owned();
    let help = if u.related.is_empty() {
        "help: the platform lists its permissions at GET /roles/permissions".to_string()
    } else {
        let related: Vec<String> = u
            .related
            .iter()
            .map(|p| format!("`{}`", clean(p)))
            .collect();
        format!("help: the platform has {}", related.join(", "))
    };
    format!(
        "error[invalid-permission]: `{}` is not a permission the platform knows (custom role `{}` of organization `{}`)\n --> {}: not in GET /roles/permissions\n{help}",
        clean(&u.permission),
        clean(&u.role),
        clean(&u.org),
        clean(&u.origin.0)
    )
}

/// What to plan against the live platforms.
pub struct PlanRequest<'a> {
    pub desired: &'a Desired,
    pub trust: &'a Trust,
    pub connection: &'a ConnectionArgs,
    /// The config directory, as the plan records it.
    pub source: &'a str,
    pub overrides: Overrides,
    pub units: Option<&'a plan::Units>,
    /// The BaseSpace ledger of the config directory: the manual steps already confirmed.
    pub ledger: &'a Ledger,
    /// The time expiries are decided by.
    pub now: When,
    /// The running sandbox, which stands in for BaseSpace's regions too.
    pub sandbox: Option<&'a Sandbox>,
    /// Plan only the removals of expired grants (`--expired-only`).
    pub expired_only: bool,
    /// The config at the base ref (`--changed-from`), to list the ends of grants the change
    /// sets; without it, the ends of the grants the plan creates or updates are listed.
    pub base: Option<&'a Desired>,
}

/// What planning against the live platforms gives.
pub struct Planned {
    pub conns: Vec<Connection>,
    pub readings: Vec<Reading>,
    pub plan: Plan,
}

/// Connect to every platform in scope (or the sandbox), read each concurrently, and plan.
pub async fn plan_live(
    ui: &Ui,
    req: &PlanRequest<'_>,
    sandbox: Option<(&str, &SecretString)>,
) -> Result<Planned> {
    // Grants whose `expires` has passed are not part of the desired state any more.
    // One instant for the Seqera grants and the BaseSpace users alike.
    let now = req.now;
    let (desired, ended) = plan::expiry::split(req.desired, now);
    if !ended.is_empty() {
        tracing::info!(ended = ended.len(), %now, "grants past their expires");
    }
    let conns = connect(ui, &desired, req.trust, req.connection, sandbox, req.units)?;
    let readings = read_all(ui, &desired, &conns, req.units).await?;
    let mut plan = make_plan(
        &desired,
        req.trust,
        req.source,
        &readings,
        req.overrides,
        req.units,
        &ended,
        req.expired_only,
    )?;
    // BaseSpace: checked by its read-only API, its members planned against the ledger (with
    // `--expired-only`, only the removals of its expired users).
    if !req.desired.basespace.workgroups.is_empty() {
        let reading = basespace::read(ui, &req.desired.basespace, req.trust, req.sandbox).await?;
        basespace::add(&mut plan, &reading, req.ledger, req.now, req.expired_only)?;
    }
    plan.first_logins = first_logins(req.desired, &plan, &conns, &readings).await;
    if !req.expired_only {
        plan.expiries = match req.base {
            Some(base) => {
                let mut review = plan::expiry::review(base, req.desired);
                // A change-scoped plan's base holds only what its units need.
                if let Some(units) = req.units {
                    review.retain(|e| crate::scope::in_units(units, &e.address));
                }
                review
            }
            None => plan::expiry::review_changes(req.desired, &plan.changes),
        };
    }
    Ok(Planned {
        conns,
        readings,
        plan,
    })
}

/// The users the plan adds that nothing read shows, on each platform that adds only users who
/// already have an account (Seqera Enterprise): they must log in once before apply. Whether a
/// platform does is asked (`GET /service-info`) only when the plan adds such users; a platform
/// that does not say is taken to be Cloud when its endpoint is Cloud's.
async fn first_logins(
    desired: &Desired,
    plan: &Plan,
    conns: &[Connection],
    readings: &[Reading],
) -> Vec<FirstLogin> {
    let mut out = Vec::new();
    for r in readings {
        let changes: Vec<Change> = plan
            .changes
            .iter()
            .filter(|c| c.platform == r.platform)
            .cloned()
            .collect();
        let unseen = plan::accounts::unseen_users(&changes, &r.live, &r.acting);
        if unseen.is_empty() {
            continue;
        }
        let Some(c) = conns.iter().find(|c| c.platform == r.platform) else {
            continue;
        };
        let existing_only = match c.client.service_info().await {
            Ok(info) => match info.seqera_cloud {
                Some(cloud) => !cloud,
                None => !is_cloud_endpoint(&r.endpoint),
            },
            Err(e) => {
                tracing::warn!(platform = %r.platform, "cannot tell whether the platform adds only existing accounts: {e}");
                continue;
            }
        };
        if existing_only {
            out.extend(plan::accounts::first_logins(
                &r.platform,
                &r.endpoint,
                &unseen,
                &desired.user_sites,
            ));
        }
    }
    out
}

/// Build the plan from readings.
#[allow(clippy::too_many_arguments)]
fn make_plan(
    desired: &Desired,
    trust: &Trust,
    source: &str,
    readings: &[Reading],
    overrides: Overrides,
    units: Option<&plan::Units>,
    ended: &[plan::expiry::Grant],
    expired_only: bool,
) -> Result<Plan> {
    let by_platform = plan::orgs_by_platform(desired);
    let inputs: Vec<PlatformInput<'_>> = readings
        .iter()
        .map(|r| PlatformInput {
            platform: r.platform.clone(),
            endpoint: r.endpoint.clone(),
            token_env: trust
                .platform(&r.platform)
                .flatten()
                .map_or_else(|| DEFAULT_TOKEN_ENV.to_string(), |p| p.token_env.clone()),
            orgs: by_platform.get(&r.platform).cloned().unwrap_or_default(),
            live: &r.live,
            acting: &r.acting,
            scope: r.scope.clone(),
        })
        .collect();
    let mut plan = match expired_only {
        true => plan::build_expired_only(desired, source, &inputs, overrides, ended),
        false => plan::build_at(desired, source, &inputs, overrides, units, ended),
    };
    plan.pending_settings = trust.pending(desired);
    tracing::info!(
        changes = plan.changes.len(),
        refused = plan.is_refused(),
        scoped = units.is_some(),
        "planned"
    );
    // Every IdP group a declared team follows must be in its organization's catalogue.
    let unlinkable: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            plan::idp::problems(&i.orgs, i.live)
                .into_iter()
                .map(|p| format!("platform {}: {p}", i.platform))
                .collect::<Vec<_>>()
        })
        .collect();
    if !unlinkable.is_empty() {
        bail!(
            "the config links teams to IdP groups the platform does not have; nothing was planned:\n  - {}",
            unlinkable.join("\n  - ")
        );
    }
    // Preflight: the acting user must have the rights the plan needs.
    let problems: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            let changes: Vec<_> = plan
                .changes
                .iter()
                .filter(|c| c.platform == i.platform)
                .cloned()
                .collect();
            plan::preflight::check(&changes, &i.orgs, i.live, i.acting)
                .into_iter()
                .map(|p| format!("platform {}: {p}", i.platform))
                .collect::<Vec<_>>()
        })
        .collect();
    if !problems.is_empty() {
        bail!(
            "the token's user lacks the rights this plan needs:\n  - {}",
            problems.join("\n  - ")
        );
    }
    // Custom-role changes the platform would refuse.
    let problems: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            let changes: Vec<_> = plan
                .changes
                .iter()
                .filter(|c| c.platform == i.platform)
                .cloned()
                .collect();
            plan::roles::problems(&changes, &i.orgs, i.live)
                .into_iter()
                .map(|p| format!("platform {}: {p}", i.platform))
                .collect::<Vec<_>>()
        })
        .collect();
    if !problems.is_empty() {
        bail!(
            "the plan's custom-role changes cannot be applied:\n  - {}",
            problems.join("\n  - ")
        );
    }
    Ok(plan)
}

impl From<&OverrideArgs> for Overrides {
    fn from(o: &OverrideArgs) -> Self {
        Overrides {
            allow_destroy: o.allow_destroy,
            allow_mass_removal: o.allow_mass_removal,
            allow_few_owners: o.allow_few_owners,
            allow_self_lockout: o.allow_self_lockout,
            allow_collaborator_role: o.allow_collaborator_role,
            allow_any_domain: o.allow_any_domain,
        }
    }
}

/// A tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
