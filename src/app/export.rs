//! `roster export DIR`: read a live platform in full (the orgs the token's user owns, or those
//! named, and their workspaces) and write it as a config repository that plans no changes
//! against the same platform. The files are spelled by `adopt::export`; this file connects,
//! reads and writes. It reads each listing once (one call per page), never per-object lookups,
//! and reports progress and the call count on stderr. It must not print or write the token.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use secrecy::SecretString;
use tokio::task::JoinSet;

use crate::adopt;
use crate::app::plan::write_atomically;
use crate::app::trust::Trust;
use crate::app::{Outcome, Ui};
use crate::cli::ExportArgs;
use crate::config::desired::Desired;
use crate::live::read::{self, OrgScope, Scope};
use crate::live::{ActingUser, Live, LiveLabel, LiveMember, LiveParticipant, LiveStudios};
use crate::platform::seqera::{CLOUD_ENDPOINT, Client, ClientConfig, RetryPolicy};

pub fn run(ui: &Ui, args: &ExportArgs) -> Result<Outcome> {
    if args.merge {
        return merge(ui, args);
    }
    refuse_non_empty(&args.dir, args.force)?;
    let (files, world) = collect(ui, args)?;
    let stale = stale_files(&args.dir, &files);
    write_files(&args.dir, &files)?;
    if !stale.is_empty() {
        ui.status(format!(
            "warning: {} config file{} in {} {} not written by this export and {} still read as config (remove what the platform no longer has):\n  {}",
            stale.len(),
            if stale.len() == 1 { "" } else { "s" },
            args.dir.display(),
            if stale.len() == 1 { "was" } else { "were" },
            if stale.len() == 1 { "is" } else { "are" },
            stale.join("\n  ")
        ));
    }
    if let (Some(path), Some(text)) = (&args.world, world) {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        write_atomically(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        ui.status(format!(
            "Wrote the emulator world {} (no tokens: the sandbox acts as the token's user with a placeholder).",
            path.display()
        ));
    }
    ui.status(format!(
        "Wrote {} files to {}. Check them with: roster plan {}",
        files.len(),
        args.dir.display(),
        args.dir.display()
    ));
    Ok(Outcome::Success)
}

/// `--merge`: add to the config in `args.dir` the organizations and workspaces the platform has
/// and the config does not declare, each as a new file; nothing declared is touched, and no
/// existing file is overwritten (gradual adoption: declare what you review, merge the rest).
fn merge(ui: &Ui, args: &ExportArgs) -> Result<Outcome> {
    let cfg = crate::config::read(&args.dir);
    if cfg.has_errors() {
        bail!(
            "the config in {} has problems (`roster validate` lists them); fix them before merging an export into it",
            args.dir.display()
        );
    }
    let declared_org = |o: &str| {
        cfg.desired
            .orgs
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(o))
    };
    let declared_ws = |o: &str, w: &str| {
        cfg.desired.orgs.iter().any(|d| {
            d.name.eq_ignore_ascii_case(o)
                && d.workspaces.iter().any(|x| x.name.eq_ignore_ascii_case(w))
        })
    };
    let has_settings = cfg
        .loaded
        .docs
        .iter()
        .any(|d| matches!(d.doc, crate::config::load::Doc::Settings(_)));
    let (files, _) = collect(ui, args)?;
    let mut added = Vec::new();
    let mut kept = 0usize;
    for (rel, text) in files {
        let parts: Vec<&str> = rel.trim_end_matches(".yaml").split('/').collect();
        let new = match parts.as_slice() {
            ["roster"] => !has_settings,
            ["organizations", org] => !declared_org(org),
            ["workspaces", org, ws] => !declared_ws(org, ws),
            _ => true, // the schema, for the modelines
        };
        if !new || args.dir.join(&rel).exists() {
            kept += 1;
            continue;
        }
        added.push((rel, text));
    }
    write_files(&args.dir, &added)?;
    ui.status(format!(
        "Merged into {}: added {} file{} for what the platform has and the config does not declare; {} left as declared.",
        args.dir.display(),
        added.len(),
        if added.len() == 1 { "" } else { "s" },
        kept
    ));
    for (rel, _) in &added {
        ui.status(format!("  + {rel}"));
    }
    Ok(Outcome::Success)
}

/// Read the platform `args` names and return the files of the exported repository, and with
/// `--world` the text of an emulator world of what was read.
pub fn collect(ui: &Ui, args: &ExportArgs) -> Result<(adopt::Files, Option<String>)> {
    let client = client(args)?;
    let start = Instant::now();
    let rt = crate::app::session::runtime()?;
    let (acting, live) = rt.block_on(read_everything(ui, &client, args))?;
    let calls = client.calls();
    let (orgs, wss) = (
        live.orgs.len(),
        live.orgs
            .values()
            .map(|o| o.workspaces.len())
            .sum::<usize>(),
    );
    ui.status(format!(
        "Read {orgs} organization{} and {wss} workspace{}: {calls} API call{} in {:.2} s.",
        if orgs == 1 { "" } else { "s" },
        if wss == 1 { "" } else { "s" },
        if calls == 1 { "" } else { "s" },
        start.elapsed().as_secs_f64()
    ));
    let date = export_date()?;
    let src = adopt::export::Source {
        tool: "roster export",
        from: client.endpoint(),
        endpoint: client.endpoint(),
        platform: &args.platform,
        token_env: &args.token_env,
        date: &date,
    };
    let files = adopt::export::export(&src, &live, &crate::config::schema_json());
    let world = args.world.as_ref().map(|_| {
        let header = format!(
            "An emulator world exported by roster export from {} on {date}: what the platform had, for\n\
             rehearsing changes offline (`roster emulator --world FILE`, or as DIR/.roster/sandbox.world.yaml).\n\
             No token is copied: the sandbox acts as {} <{}> with the placeholder token.",
            client.endpoint(),
            acting.user_name,
            acting.email
        );
        adopt::world::render(&adopt::world::from_live(&live, &acting), &header)
    });
    Ok((files, world))
}

/// The endpoint `args` names (else `TOWER_API_ENDPOINT`, else Seqera Cloud).
pub fn endpoint(args: &ExportArgs) -> String {
    args.endpoint
        .clone()
        .or_else(|| {
            std::env::var("TOWER_API_ENDPOINT")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| CLOUD_ENDPOINT.to_string())
}

fn client(args: &ExportArgs) -> Result<Client> {
    let endpoint = endpoint(args);
    Trust::of_config(&Desired::default()).check_endpoint(&args.platform, &endpoint)?;
    let token = match std::env::var(&args.token_env) {
        Ok(t) if !t.trim().is_empty() => SecretString::from(t.trim().to_string()),
        _ => bail!(
            "no access token for {endpoint}: set {} (or name another variable with --token-env)",
            args.token_env
        ),
    };
    Client::new(ClientConfig {
        endpoint: endpoint.clone(),
        token,
        parallelism: args.parallelism as usize,
        rate: args.rate,
        retry: RetryPolicy::default(),
    })
    .map_err(|e| anyhow::anyhow!("{endpoint}: {e}"))
}

/// Today's date from the one clock (`ROSTER_NOW` when set).
pub fn export_date() -> Result<String> {
    super::clock::today()
}

/// Refuse to write into a directory that has anything in it, unless `force`.
pub fn refuse_non_empty(dir: &Path, force: bool) -> Result<()> {
    if force || !dir.exists() {
        return Ok(());
    }
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    if entries.next().is_some() {
        bail!(
            "{} is not empty: choose an empty directory, or pass --force to overwrite the files export writes",
            dir.display()
        );
    }
    Ok(())
}

/// YAML files under `dir/organizations` and `dir/workspaces` (an earlier export, with `--force`)
/// that `files` does not include, as relative paths.
fn stale_files(dir: &Path, files: &[(String, String)]) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                && let Ok(rel) = p.strip_prefix(root)
            {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut found = Vec::new();
    for sub in ["organizations", "workspaces"] {
        walk(dir, &dir.join(sub), &mut found);
    }
    found.retain(|f| !files.iter().any(|(p, _)| p == f));
    found.sort();
    found
}

/// Write `(relative path, text)` pairs under `dir`, each atomically.
pub fn write_files(dir: &Path, files: &[(String, String)]) -> Result<()> {
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        write_atomically(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Which workspaces of an org to export: all, or those `--workspace ORG/NAME` names.
fn wanted_workspaces(args: &ExportArgs) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for w in &args.workspaces {
        let Some((org, name)) = w
            .split_once('/')
            .filter(|(o, n)| !o.is_empty() && !n.is_empty())
        else {
            bail!("--workspace {w}: expected ORG/NAME");
        };
        out.entry(org.to_lowercase())
            .or_default()
            .push(name.to_lowercase());
    }
    Ok(out)
}

/// Read every org in scope and everything roster manages in it.
async fn read_everything(
    ui: &Ui,
    client: &Client,
    args: &ExportArgs,
) -> Result<(ActingUser, Live)> {
    let wanted = wanted_workspaces(args)?;
    // The orgs: those named (by --org or --workspace), or every org the user owns.
    let mut names: Vec<String> = args.orgs.iter().map(|o| o.to_lowercase()).collect();
    names.extend(wanted.keys().cloned());
    if names.is_empty() {
        let orgs = client.list_orgs().await.context("listing organizations")?;
        names = orgs
            .iter()
            .filter(|o| {
                o.member_role
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case("owner"))
            })
            .map(|o| o.name.to_lowercase())
            .collect();
        if names.is_empty() {
            bail!(
                "the token's user owns none of the {} organization{} it can see; name orgs with --org",
                orgs.len(),
                if orgs.len() == 1 { "" } else { "s" }
            );
        }
    }
    names.sort();
    names.dedup();
    ui.status(format!(
        "Reading {} organization{} at {} …",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        client.endpoint()
    ));
    // Round one: the org-level listings (members, collaborators, teams, workspaces).
    let scope = Scope {
        orgs: names
            .iter()
            .map(|n| OrgScope {
                name: n.clone(),
                team_members: Vec::new(),
                idp_groups: false,
                workspaces: Vec::new(),
                member_lookup: None,
                roles: None,
            })
            .collect(),
    };
    let (acting, mut live) = read::read(client, &scope)
        .await
        .with_context(|| format!("reading {}", client.endpoint()))?;
    live.fingerprints.clear();
    for n in &names {
        if !live.orgs.contains_key(n) {
            bail!(
                "organization {n} is not visible to {} <{}> at {}",
                acting.user_name,
                acting.email,
                client.endpoint()
            );
        }
    }
    for (org, ws) in &wanted {
        let o = &live.orgs[org];
        for w in ws {
            if o.workspace(w).is_none() {
                bail!("workspace {org}/{w} does not exist (or is not visible to the token's user)");
            }
        }
    }
    for org in live.orgs.values_mut() {
        if let Some(ws) = wanted.get(&org.name.to_lowercase()) {
            org.workspaces
                .retain(|w| ws.iter().any(|n| w.name.eq_ignore_ascii_case(n)));
        }
    }
    let workspaces: usize = live.orgs.values().map(|o| o.workspaces.len()).sum();
    ui.status(format!(
        "Reading the members of {} team{} and the participants, studios and labels of {workspaces} workspace{} …",
        live.orgs.values().map(|o| o.teams.len()).sum::<usize>(),
        if live.orgs.values().map(|o| o.teams.len()).sum::<usize>() == 1 { "" } else { "s" },
        if workspaces == 1 { "" } else { "s" },
    ));
    read_details(client, &mut live).await?;
    Ok((acting, live))
}

/// What one detail listing returned: (org key, index, content).
enum Detail {
    TeamMembers(String, usize, Vec<LiveMember>),
    Participants(String, usize, Vec<LiveParticipant>),
    Studios(String, usize, LiveStudios),
    Labels(String, usize, Vec<LiveLabel>),
}

/// Round two: team members (of teams roster can manage) and every workspace's participants,
/// studios settings and labels, all concurrently (the client bounds calls in flight).
async fn read_details(client: &Client, live: &mut Live) -> Result<()> {
    let mut tasks: JoinSet<Result<Detail>> = JoinSet::new();
    for (key, org) in &live.orgs {
        let org_id = org.id;
        for (i, t) in org.teams.iter().enumerate() {
            if t.idp_managed {
                continue; // the identity provider owns its membership
            }
            let (c, k, team_id, label) = (
                client.clone(),
                key.clone(),
                t.id,
                format!("{}/{}", org.name, t.name),
            );
            tasks.spawn(async move {
                let ms = c
                    .list_team_members(org_id, team_id)
                    .await
                    .with_context(|| format!("listing members of team {label}"))?;
                let mut v: Vec<LiveMember> = ms.into_iter().map(read::member).collect();
                v.sort_by_key(|m| m.member_id);
                Ok(Detail::TeamMembers(k, i, v))
            });
        }
        for (i, w) in org.workspaces.iter().enumerate() {
            let wid = w.id;
            let label = format!("{}/{}", org.name, w.name);
            let (c, k, l) = (client.clone(), key.clone(), label.clone());
            tasks.spawn(async move {
                let ps = c
                    .list_participants(org_id, wid)
                    .await
                    .with_context(|| format!("listing participants of workspace {l}"))?;
                let mut v: Vec<LiveParticipant> = ps.into_iter().map(read::participant).collect();
                v.sort_by_key(|p| p.participant_id);
                Ok(Detail::Participants(k, i, v))
            });
            let (c, k, l) = (client.clone(), key.clone(), label.clone());
            tasks.spawn(async move {
                let s = c
                    .studios_settings(org_id, wid)
                    .await
                    .with_context(|| format!("reading studios settings of workspace {l}"))?;
                Ok(Detail::Studios(
                    k,
                    i,
                    LiveStudios {
                        lifespan_hours: s.lifespan_hours.unwrap_or(0),
                        container_repository: s.container_repository,
                        private_studio_by_default: s.private_studio_by_default.unwrap_or(false),
                        name_strategy: s.name_strategy,
                    },
                ))
            });
            let (c, k, l) = (client.clone(), key.clone(), label);
            tasks.spawn(async move {
                let ls = c
                    .list_labels(wid)
                    .await
                    .with_context(|| format!("listing labels of workspace {l}"))?;
                let v = ls
                    .into_iter()
                    .map(|l| LiveLabel {
                        id: l.id,
                        name: l.name,
                        value: l.value,
                        resource: l.resource.unwrap_or(false),
                    })
                    .collect();
                Ok(Detail::Labels(k, i, v))
            });
        }
    }
    while let Some(joined) = tasks.join_next().await {
        match joined.context("export reader task")?? {
            Detail::TeamMembers(k, i, v) => {
                if let Some(o) = live.orgs.get_mut(&k) {
                    o.teams[i].members = Some(v);
                }
            }
            Detail::Participants(k, i, v) => {
                if let Some(o) = live.orgs.get_mut(&k) {
                    o.workspaces[i].participants = Some(v);
                }
            }
            Detail::Studios(k, i, s) => {
                if let Some(o) = live.orgs.get_mut(&k) {
                    o.workspaces[i].studios = Some(s);
                }
            }
            Detail::Labels(k, i, v) => {
                if let Some(o) = live.orgs.get_mut(&k) {
                    o.workspaces[i].labels = Some(v);
                }
            }
        }
    }
    Ok(())
}
