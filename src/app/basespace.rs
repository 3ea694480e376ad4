//! BaseSpace for `plan` and `apply`: reading the ledger, reading each region a declared
//! workgroup uses (its host and token variable from the trusted Settings, or the sandbox), and
//! putting the checks and the manual steps into the plan (expiries decided by `clock`). Nothing here writes to BaseSpace:
//! the client has no write.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

use crate::app::Ui;
use crate::app::sandbox::Sandbox;
use crate::app::session::token_from_env;
use crate::app::trust::Trust;
use crate::config::desired::When;
use crate::config::desired::basespace::{BaseSpace, Region};
use crate::diag;
use crate::ledger::{self, Ledger};
use crate::live::basespace::BsRegionLive;
use crate::plan::Plan;
use crate::plan::basespace::BsInput;
use crate::platform::basespace::{BsClient, BsClientConfig};

/// An instant as the ledger writes it: RFC 3339 in UTC.
pub fn timestamp(now: &When) -> String {
    When::instant(now.at).to_string()
}

/// Read the BaseSpace ledger of `dir` (none yet: empty); print its problems and fail when it
/// has any.
pub fn load_ledger(ui: &Ui, dir: &Path) -> Result<Ledger> {
    ledger::load(dir).map_err(|e| {
        eprint!(
            "{}",
            diag::render_text(&e.diags, &e.sources, ui.color_stderr)
        );
        anyhow::anyhow!(
            "the BaseSpace ledger {} has {} problem{}; fix it (it is a YAML file in git) before planning",
            ledger::path(dir).display(),
            e.diags.len(),
            if e.diags.len() == 1 { "" } else { "s" }
        )
    })
}

/// What was read from BaseSpace for a plan.
pub struct BsReading {
    /// The workgroups planned: those whose every region could be read.
    pub desired: BaseSpace,
    pub regions: Vec<BsRegionLive>,
    /// (platform, region) → the token variable used.
    pub token_envs: BTreeMap<(String, Region), String>,
}

/// Read every region a declared workgroup uses, concurrently. Hosts and token variables come
/// from the trusted Settings (or the sandbox); a workgroup with a region the trusted Settings
/// do not declare is left out of the plan, with a note.
pub async fn read(
    ui: &Ui,
    desired: &BaseSpace,
    trust: &Trust,
    sandbox: Option<&Sandbox>,
) -> Result<BsReading> {
    let start = Instant::now();
    let mut wanted: BTreeMap<(String, Region), Vec<String>> = BTreeMap::new();
    for w in &desired.workgroups {
        for r in &w.regions {
            wanted
                .entry((w.platform.clone(), r.clone()))
                .or_default()
                .push(w.name.clone());
        }
    }
    let mut untrusted = Vec::new();
    let mut token_envs = BTreeMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for ((platform, region), names) in wanted {
        let (endpoint, token, token_env) = match sandbox {
            Some(s) => {
                let Some((endpoint, token)) = s.basespace_region(region.as_str()) else {
                    bail!(
                        "the sandbox world has no BaseSpace region {region} with a user who has a token (platform {platform}); add it to the world's `basespace.regions` (docs/emulator.md)"
                    );
                };
                (endpoint, token, "(sandbox)".to_string())
            }
            None => {
                let Some(conf) = trust.basespace_region(&platform, &region) else {
                    ui.status(format!(
                        "BaseSpace platform {platform} region {region} is not declared in the Settings at {}: its workgroups are checked after merge.",
                        trust.trusted_ref().unwrap_or("the trusted ref")
                    ));
                    untrusted.push((platform, region));
                    continue;
                };
                trust.check_endpoint(&format!("{platform} ({region})"), &conf.endpoint)?;
                let (var, token) = token_from_env(&conf.token_env);
                let Some(token) = token else {
                    bail!(
                        "no access token for BaseSpace platform {platform} region {region} ({}): set {var} (a token made with `bs auth --api-server {}`), or try `--sandbox`",
                        conf.endpoint,
                        conf.endpoint
                    );
                };
                (conf.endpoint, token, conf.token_env)
            }
        };
        token_envs.insert((platform.clone(), region.clone()), token_env);
        let client = client(&endpoint, token)
            .with_context(|| format!("BaseSpace platform {platform} region {region}"))?;
        ui.status(format!(
            "Reading BaseSpace {platform} region {region} at {} …",
            client.endpoint()
        ));
        tasks.spawn(async move {
            let r = crate::live::basespace::read(&client, &platform, &region, &names).await;
            let calls = client.calls();
            (platform, region, client.endpoint().to_string(), r, calls)
        });
    }
    let mut regions = Vec::new();
    let mut calls = 0;
    while let Some(joined) = tasks.join_next().await {
        let (platform, region, endpoint, r, n) = joined.context("BaseSpace reader task")?;
        calls += n;
        let live = r.with_context(|| {
            format!("BaseSpace platform {platform} region {region} ({endpoint})")
        })?;
        ui.status(format!(
            "Read BaseSpace {platform} region {region} as {}.",
            live.acting.shown()
        ));
        regions.push(live);
    }
    regions.sort_by(|a, b| (&a.platform, &a.region).cmp(&(&b.platform, &b.region)));
    if !regions.is_empty() {
        ui.status(format!(
            "{calls} BaseSpace API call{} (reads only) in {:.2} s.",
            if calls == 1 { "" } else { "s" },
            start.elapsed().as_secs_f64()
        ));
    }
    let mut planned = desired.clone();
    planned.workgroups.retain(|w| {
        !w.regions
            .iter()
            .any(|r| untrusted.contains(&(w.platform.clone(), r.clone())))
    });
    Ok(BsReading {
        desired: planned,
        regions,
        token_envs,
    })
}

fn client(endpoint: &str, token: SecretString) -> Result<BsClient> {
    BsClient::new(BsClientConfig {
        endpoint: endpoint.to_string(),
        token,
        backoff: std::time::Duration::from_millis(500),
    })
    .map_err(anyhow::Error::from)
}

/// Check the workgroups and put the manual steps into `plan`; a mismatch fails the plan,
/// naming each workgroup.
pub fn add(
    plan: &mut Plan,
    reading: &BsReading,
    ledger: &Ledger,
    now: When,
    expired_only: bool,
) -> Result<()> {
    let state = ledger.state();
    let input = BsInput {
        desired: &reading.desired,
        ledger: &state,
        regions: &reading.regions,
        token_envs: &reading.token_envs,
        now,
        expired_only,
    };
    crate::plan::basespace::add_to(plan, &input).map_err(|errors| {
        anyhow::anyhow!(
            "BaseSpace does not match the config; nothing was planned:\n  - {}",
            errors.join("\n  - ")
        )
    })
}
