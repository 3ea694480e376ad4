//! What `plan` and `apply` share: reading the config, deciding which platforms to talk to (each
//! with its endpoint and token), building one client per platform, reading the live state of
//! each concurrently, and building the plan.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

use crate::app::Ui;
use crate::app::trust::Trust;
use crate::cli::{ConnectionArgs, OverrideArgs};
use crate::config::desired::{DEFAULT_TOKEN_ENV, Desired, UserRef};
use crate::config::identity::LiveUser;
use crate::config::{self, Config};
use crate::diag::{self, Code};
use crate::live::read;
use crate::live::{ActingUser, Live};
use crate::plan::{self, Overrides, Plan, PlatformInput};
use crate::platform::seqera::{CLOUD_ENDPOINT, Client, ClientConfig, RetryPolicy};
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
                let endpoint = conn
                    .endpoint
                    .clone()
                    .or_else(|| trusted.map(|p| p.endpoint.clone()))
                    .or_else(|| {
                        std::env::var("TOWER_API_ENDPOINT")
                            .ok()
                            .filter(|s| !s.is_empty())
                    })
                    .unwrap_or_else(|| CLOUD_ENDPOINT.to_string());
                trust.check_endpoint(platform, &endpoint)?;
                let var = trusted
                    .map(|p| p.token_env.clone())
                    .unwrap_or_else(|| DEFAULT_TOKEN_ENV.to_string());
                let token = match std::env::var(&var) {
                    Ok(t) if !t.trim().is_empty() => SecretString::from(t.trim().to_string()),
                    _ => bail!(
                        "no access token for platform {platform} ({endpoint}): set {var}, or try `--sandbox` to run against a local emulator"
                    ),
                };
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
    let collisions = config::identity::collisions(desired, |org, user| live_user(&out, org, user));
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
    Ok(out)
}

/// The live user of org `org` (any reading) that a config reference names: a member, a
/// collaborator, a team member or a workspace participant.
fn live_user(readings: &[Reading], org: &str, user: &UserRef) -> Option<LiveUser> {
    let u = user.as_str();
    let o = readings.iter().find_map(|r| r.live.orgs.get(org))?;
    let team_members = o.teams.iter().flat_map(|t| t.members.iter().flatten());
    let member = o.members.iter().chain(&o.collaborators).chain(team_members);
    if let Some(m) = member.into_iter().find(|m| m.is(u)) {
        return Some(LiveUser {
            id: m.key(),
            shown: format!("{} <{}>", m.user_name, m.email),
        });
    }
    o.workspaces
        .iter()
        .flat_map(|w| w.participants.iter().flatten())
        .find(|p| p.is_user(u))
        .map(|p| LiveUser {
            id: p.key().trim_start_matches("user:").to_string(),
            shown: format!(
                "{} <{}>",
                p.user_name.as_deref().unwrap_or(""),
                p.email.as_deref().unwrap_or("")
            ),
        })
}

/// Build the plan from readings.
pub fn make_plan(
    desired: &Desired,
    trust: &Trust,
    source: &str,
    readings: &[Reading],
    overrides: Overrides,
    units: Option<&plan::Units>,
) -> Plan {
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
    let mut plan = plan::build(desired, source, &inputs, overrides, units);
    plan.pending_settings = trust.pending(desired);
    plan
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
