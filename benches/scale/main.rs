//! Scale benchmark (issue 13): generate a world and a config of given sizes, serve the world
//! with the in-process emulator (latency and a per-token rate limit injected), and run the real
//! `roster` binary for a full plan, a change-scoped plan (`--changed-from`, one workspace and
//! one participant changed) and an apply. For each it prints the API calls against the exact
//! lower bound, the wall time against the rate bound (calls / rate) and the latency bound
//! (calls × latency / parallelism), the 429s the emulator served, and the child's peak RSS. In
//! the same run it measures two peer patterns against the same emulator, as ratios to roster:
//! the Terraform provider's read (each declared participant found by scanning its workspace's
//! listing page by page) and a seqerakit-style apply (a lookup and a write per declared item,
//! one after another).
//!
//! It asserts nothing and is not a test: it reports. Run with `cargo bench --bench scale`;
//! sizes come from `SCALE_WORKSPACES`, `SCALE_PARTICIPANTS`, `SCALE_MEMBERS`, `SCALE_TEAMS`,
//! `SCALE_DRIFT` (share of declared participants whose live role differs), `SCALE_LATENCY_MS`,
//! `SCALE_RATE_LIMIT` (the emulator's 429 threshold per second), `SCALE_RATE` and
//! `SCALE_PARALLELISM` (roster's `--rate` and `--parallelism`); `SCALE_PEERS=0` skips the peer
//! patterns (they take calls / 20 s each at large sizes). BENCHMARKS.md has the results.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use seqera_emulator::{self as emulator, Options};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone, Copy)]
struct Sizes {
    workspaces: usize,
    participants: usize,
    members: usize,
    teams: usize,
    drift: f64,
    latency_ms: u64,
    rate_limit: u32,
    rate: f64,
    parallelism: usize,
}

const PAGE: usize = 100;
const TEAM_SIZE: usize = 10;
const TEAMS_PER_WS: usize = 2;

fn user(u: usize) -> String {
    format!("user{u}@bench.org")
}

/// The user participants of workspace `w` (after its team participants).
fn ws_users(s: &Sizes, w: usize) -> Vec<usize> {
    let k = s.participants.saturating_sub(TEAMS_PER_WS.min(s.teams));
    (0..k)
        .map(|i| 1 + (w * 31 + i * 7) % (s.members - 1))
        .fold(Vec::new(), |mut v, u| {
            if !v.contains(&u) {
                v.push(u);
            }
            v
        })
}

fn ws_teams(s: &Sizes, w: usize) -> Vec<usize> {
    (0..TEAMS_PER_WS.min(s.teams))
        .map(|k| (w + k * 3) % s.teams)
        .fold(Vec::new(), |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        })
}

const ROLES: [&str; 4] = ["view", "launch", "maintain", "admin"];

/// The declared role of the `i`th user participant of workspace `w`, and whether the live one
/// differs (drift).
fn role(s: &Sizes, w: usize, i: usize) -> (&'static str, bool) {
    let want = ROLES[(w + i) % 4];
    let drifted = ((w * 7919 + i * 104_729) % 10_000) as f64 / 10_000.0 < s.drift;
    (want, drifted)
}

fn world_yaml(s: &Sizes) -> String {
    let mut y = String::from("users:\n");
    for u in 0..s.members {
        let token = if u == 0 { ", token: bench-token" } else { "" };
        let _ = writeln!(y, "  - {{email: {}, userName: user{u}{token}}}", user(u));
    }
    y.push_str("organizations:\n  - name: bench\n    members:\n");
    for u in 0..s.members {
        let role = if u == 0 { "owner" } else { "member" };
        let _ = writeln!(y, "      - {{email: {}, role: {role}}}", user(u));
    }
    y.push_str("    teams:\n");
    for t in 0..s.teams {
        let ms: Vec<String> = (0..TEAM_SIZE)
            .map(|k| user(1 + (t * TEAM_SIZE + k) % (s.members - 1)))
            .collect();
        let _ = writeln!(
            y,
            "      - name: team-{t}\n        members: [{}]",
            ms.join(", ")
        );
    }
    y.push_str("    workspaces:\n");
    for w in 0..s.workspaces {
        let _ = writeln!(y, "      - name: ws-{w}\n        participants:");
        for t in ws_teams(s, w) {
            let _ = writeln!(y, "          - {{team: team-{t}, role: maintain}}");
        }
        for (i, u) in ws_users(s, w).into_iter().enumerate() {
            let (want, drifted) = role(s, w, i);
            let live = if drifted {
                ROLES[(w + i + 1) % 4]
            } else {
                want
            };
            let _ = writeln!(y, "          - {{email: {}, role: {live}}}", user(u));
        }
    }
    y
}

fn ws_file(s: &Sizes, w: usize, bump: bool) -> String {
    let mut f = format!("kind: Workspace\norg: bench\nname: ws-{w}\nparticipants:\n");
    for t in ws_teams(s, w) {
        let _ = writeln!(f, "  - {{team: team-{t}, role: maintain}}");
    }
    for (i, u) in ws_users(s, w).into_iter().enumerate() {
        let (mut want, _) = role(s, w, i);
        if bump && i == 0 {
            want = if want == "admin" { "view" } else { "admin" };
        }
        let _ = writeln!(f, "  - {{user: {}, role: {want}}}", user(u));
    }
    f
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.org",
        ])
        .args(args)
        .output()?
        .status
        .success();
    anyhow::ensure!(ok, "git {args:?} failed");
    Ok(())
}

/// The config (every member, team and workspace declared, as the world is without drift),
/// committed in a git repository.
fn config_repo(s: &Sizes, endpoint: &str) -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    std::fs::write(
        d.join("roster.yaml"),
        format!(
            "kind: Settings\nplatforms:\n  bench:\n    endpoint: {endpoint}\npolicy:\n  maxRemovalFraction: 1.0\n  minOrgOwners: 1\n"
        ),
    )?;
    let mut org = String::from("kind: Organization\nname: bench\nmembers:\n");
    for u in 0..s.members {
        let role = if u == 0 { "owner" } else { "member" };
        let _ = writeln!(org, "  - {{user: {}, role: {role}}}", user(u));
    }
    org.push_str("teams:\n");
    for t in 0..s.teams {
        let ms: Vec<String> = (0..TEAM_SIZE)
            .map(|k| user(1 + (t * TEAM_SIZE + k) % (s.members - 1)))
            .collect();
        let _ = writeln!(org, "  - name: team-{t}\n    members: [{}]", ms.join(", "));
    }
    std::fs::write(d.join("org.yaml"), org)?;
    std::fs::create_dir(d.join("ws"))?;
    for w in 0..s.workspaces {
        std::fs::write(d.join(format!("ws/ws-{w}.yaml")), ws_file(s, w, false))?;
    }
    git(d, &["init", "-q", "-b", "main"])?;
    git(d, &["add", "-A"])?;
    git(d, &["commit", "-qm", "config"])?;
    Ok(dir)
}

fn pages(n: usize) -> u64 {
    n.div_ceil(PAGE).max(1) as u64
}

/// The fewest reads any tool needs to know the state the config covers: the acting user, the
/// org list, every page of members, collaborators and teams, the workspace list, every page of
/// each managed team's members and of each declared workspace's participants.
fn read_bound(s: &Sizes) -> u64 {
    let participants: u64 = (0..s.workspaces)
        .map(|w| pages(ws_users(s, w).len() + ws_teams(s, w).len()))
        .sum();
    1 + 1
        + pages(s.members)
        + 1
        + pages(s.teams)
        + 1
        + s.teams as u64 * pages(TEAM_SIZE)
        + participants
}

/// The fewest calls of a one-workspace change, whatever the org's size: the user, the org list,
/// the collaborators, the teams (to resolve team participants), the workspace list, the
/// workspace's participants, and at least one read of the org's members (to know which of its
/// users are members).
fn scoped_bound(s: &Sizes, w: usize) -> u64 {
    1 + 1 + 1 + pages(s.teams) + 1 + pages(ws_users(s, w).len() + ws_teams(s, w).len()) + 1
}

fn drifted(s: &Sizes) -> u64 {
    (0..s.workspaces)
        .map(|w| {
            (0..ws_users(s, w).len())
                .filter(|&i| role(s, w, i).1)
                .count() as u64
        })
        .sum()
}

struct Run {
    calls: u64,
    throttled: u64,
    writes: u64,
    wall: Duration,
    rss_kib: u64,
}

/// Peak resident set of a running process (VmHWM), in KiB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn roster(handle: &emulator::Handle, s: &Sizes, args: &[&str], dir: &Path) -> anyhow::Result<Run> {
    handle.reset_stats();
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .arg(dir)
        .args(["--rate", &s.rate.to_string()])
        .args(["--parallelism", &s.parallelism.to_string()])
        .args(["--format", "json"])
        .env("TOWER_ACCESS_TOKEN", "bench-token")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let pid = child.id();
    let mut rss = 0;
    let status = loop {
        if let Some(hwm) = vm_hwm(pid) {
            rss = rss.max(hwm);
        }
        if let Some(st) = child.try_wait()? {
            break st;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = t.elapsed();
    if !matches!(status.code(), Some(0 | 2)) {
        let mut err = String::new();
        use std::io::Read as _;
        child.stderr.take().map(|mut e| e.read_to_string(&mut err));
        anyhow::bail!("roster {args:?} exited {status}: {err}");
    }
    let stats = handle.stats();
    Ok(Run {
        calls: stats.total,
        throttled: stats.requests.values().filter_map(|m| m.get("429")).sum(),
        writes: stats.writes,
        wall,
        rss_kib: rss,
    })
}

fn start(rt: &tokio::runtime::Runtime, yaml: &str, s: &Sizes) -> anyhow::Result<emulator::Handle> {
    let world = emulator::parse_world("bench.yaml", yaml).map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = Options {
        latency_ms: s.latency_ms,
        rate_limit: s.rate_limit,
        ..Options::default()
    };
    let listen: SocketAddr = "127.0.0.1:0".parse()?;
    rt.block_on(emulator::start(world, opts, listen))
}

/// A GET on loopback with the bench token; a 429 waits a second and tries again (as the
/// provider's and seqerakit's HTTP clients do).
async fn get(
    http: &reqwest::Client,
    url: &str,
    calls: &std::sync::atomic::AtomicU64,
) -> anyhow::Result<serde_json::Value> {
    loop {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let r = http.get(url).bearer_auth("bench-token").send().await?;
        if r.status().as_u16() == 429 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        return Ok(r.json().await?);
    }
}

async fn ids(base: &str, http: &reqwest::Client) -> anyhow::Result<(i64, Vec<(String, i64)>)> {
    let c = std::sync::atomic::AtomicU64::new(0);
    let orgs = get(http, &format!("{base}/orgs"), &c).await?;
    let org = orgs["organizations"][0]["orgId"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no org"))?;
    let ws = get(http, &format!("{base}/orgs/{org}/workspaces"), &c).await?;
    let ws = ws["workspaces"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| Some((w["name"].as_str()?.to_string(), w["id"].as_i64()?)))
        .collect();
    Ok((org, ws))
}

/// The Terraform provider's read: one resource per declared participant, each refreshed by
/// scanning its workspace's participant listing page by page (max 100) until it is found; ten
/// resources at a time (Terraform's default parallelism).
fn terraform_read(
    rt: &tokio::runtime::Runtime,
    base: &str,
    s: &Sizes,
) -> anyhow::Result<(u64, Duration)> {
    let http = reqwest::Client::new();
    rt.block_on(async {
        let (org, ws) = ids(base, &http).await?;
        let calls = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let permits = Arc::new(tokio::sync::Semaphore::new(10));
        let t = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (name, wid) in ws {
            let w: usize = name.trim_start_matches("ws-").parse()?;
            for u in ws_users(s, w) {
                let (http, calls, permits, base) =
                    (http.clone(), calls.clone(), permits.clone(), base.to_string());
                let email = user(u);
                tasks.spawn(async move {
                    let _p = permits.acquire().await?;
                    let mut offset = 0;
                    loop {
                        let page = get(
                            &http,
                            &format!("{base}/orgs/{org}/workspaces/{wid}/participants?max=100&offset={offset}"),
                            &calls,
                        )
                        .await?;
                        let ps = page["participants"].as_array().cloned().unwrap_or_default();
                        if ps.iter().any(|p| p["email"] == email.as_str()) || ps.len() < 100 {
                            return anyhow::Ok(());
                        }
                        offset += ps.len();
                    }
                });
            }
        }
        while let Some(r) = tasks.join_next().await {
            r??;
        }
        Ok((calls.load(std::sync::atomic::Ordering::Relaxed), t.elapsed()))
    })
}

/// A seqerakit-style apply: for every declared participant, one after another, a lookup of the
/// user among the org's members (`search`) and a write that sets it (add, which answers that it
/// exists, then a role update when the role differs: counted as one write, as seqerakit issues
/// one `tw` command per item).
fn seqerakit_apply(
    rt: &tokio::runtime::Runtime,
    base: &str,
    s: &Sizes,
) -> anyhow::Result<(u64, Duration)> {
    let http = reqwest::Client::new();
    rt.block_on(async {
        let (org, ws) = ids(base, &http).await?;
        let calls = std::sync::atomic::AtomicU64::new(0);
        let t = Instant::now();
        for (name, wid) in ws {
            let w: usize = name.trim_start_matches("ws-").parse()?;
            for (i, u) in ws_users(s, w).into_iter().enumerate() {
                let email = user(u);
                get(
                    &http,
                    &format!("{base}/orgs/{org}/members?search={email}&max=100"),
                    &calls,
                )
                .await?;
                loop {
                    calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let r = http
                        .put(format!(
                            "{base}/orgs/{org}/workspaces/{wid}/participants/add"
                        ))
                        .bearer_auth("bench-token")
                        .json(
                            &serde_json::json!({"userNameOrEmail": email, "role": role(s, w, i).0}),
                        )
                        .send()
                        .await?;
                    if r.status().as_u16() == 429 {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    break;
                }
            }
        }
        Ok((
            calls.load(std::sync::atomic::Ordering::Relaxed),
            t.elapsed(),
        ))
    })
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() -> anyhow::Result<()> {
    let s = Sizes {
        workspaces: env_or("SCALE_WORKSPACES", 50).max(1),
        participants: env_or("SCALE_PARTICIPANTS", 10),
        members: env_or("SCALE_MEMBERS", 300).max(3),
        teams: env_or("SCALE_TEAMS", 10).max(1),
        drift: env_or("SCALE_DRIFT", 0.05),
        latency_ms: env_or("SCALE_LATENCY_MS", 20),
        rate_limit: env_or("SCALE_RATE_LIMIT", 20),
        rate: env_or("SCALE_RATE", 20.0),
        parallelism: env_or("SCALE_PARALLELISM", 8),
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let yaml = world_yaml(&s);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "machine: {cpu}, {} logical CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "sizes: {} workspaces x {} participants, {} members, {} teams, drift {:.0}% ({} drifted roles); latency {} ms, server limit {}/s; roster --rate {} --parallelism {}",
        s.workspaces,
        s.participants,
        s.members,
        s.teams,
        s.drift * 100.0,
        drifted(&s),
        s.latency_ms,
        s.rate_limit,
        s.rate,
        s.parallelism
    );
    println!(
        "{:<22} {:>7} {:>7} {:>6} {:>8} {:>9} {:>9} {:>5} {:>8}",
        "run", "calls", "bound", "ratio", "wall s", "/rate bd", "/lat bd", "429s", "RSS MiB"
    );
    let line = |name: &str, r: &Run, bound: u64| {
        let rate_bound = r.calls as f64 / s.rate;
        let lat_bound = r.calls as f64 * s.latency_ms as f64 / 1000.0 / s.parallelism as f64;
        println!(
            "{:<22} {:>7} {:>7} {:>6.2} {:>8.2} {:>9.2} {:>9.2} {:>5} {:>8.1}",
            name,
            r.calls,
            bound,
            r.calls as f64 / bound as f64,
            secs(r.wall),
            secs(r.wall) / rate_bound,
            secs(r.wall) / lat_bound.max(1e-9),
            r.throttled,
            r.rss_kib as f64 / 1024.0
        );
    };

    // Full plan and change-scoped plan against one emulator (plans write nothing).
    let handle = start(&rt, &yaml, &s)?;
    let repo = config_repo(&s, &handle.base_url())?;
    let plan = roster(&handle, &s, &["plan", "--detailed-exitcode"], repo.path())?;
    line("plan", &plan, read_bound(&s));
    // The pull request: one participant's role in a workspace whose first user lies beyond the
    // member listing's first page (when the org has more than 100 members).
    let changed = (0..s.workspaces)
        .rev()
        .find(|&w| ws_users(&s, w).first().is_some_and(|&u| u >= PAGE))
        .unwrap_or(s.workspaces - 1);
    std::fs::write(
        repo.path().join(format!("ws/ws-{changed}.yaml")),
        ws_file(&s, changed, true),
    )?;
    let scoped = roster(
        &handle,
        &s,
        &["plan", "--changed-from", "HEAD"],
        repo.path(),
    )?;
    line("plan --changed-from", &scoped, scoped_bound(&s, changed));
    git(repo.path(), &["checkout", "-q", "--", "."])?;
    let peers = env_or("SCALE_PEERS", 1) != 0;
    let base = handle.base_url();
    let tf = if peers {
        Some(terraform_read(&rt, &base, &s)?)
    } else {
        None
    };
    rt.block_on(handle.shutdown());

    // Reads against latency alone (no rate limit, roster unpaced): wall vs calls × L / P.
    for parallelism in [8, 32] {
        let free = Sizes {
            rate_limit: 0,
            rate: 1000.0,
            parallelism,
            latency_ms: s.latency_ms.max(1),
            ..s
        };
        let handle = start(&rt, &yaml, &free)?;
        let repo = config_repo(&free, &handle.base_url())?;
        let r = roster(
            &handle,
            &free,
            &["plan", "--detailed-exitcode"],
            repo.path(),
        )?;
        let lat_bound = r.calls as f64 * free.latency_ms as f64 / 1000.0 / parallelism as f64;
        println!(
            "plan, latency only, P={parallelism:<2}: {} calls, {:.2} s = {:.2}x the latency bound ({:.2} s), {} 429s",
            r.calls,
            secs(r.wall),
            secs(r.wall) / lat_bound,
            lat_bound,
            r.throttled
        );
        rt.block_on(handle.shutdown());
    }

    // Apply against a fresh emulator, then the seqerakit pattern against another.
    let handle = start(&rt, &yaml, &s)?;
    let repo = config_repo(&s, &handle.base_url())?;
    let apply = roster(&handle, &s, &["apply", "--auto-approve"], repo.path())?;
    let writes = apply.writes;
    line("apply", &apply, read_bound(&s) + drifted(&s));
    rt.block_on(handle.shutdown());
    let sk = if peers {
        let handle = start(&rt, &yaml, &s)?;
        let r = seqerakit_apply(&rt, &handle.base_url(), &s)?;
        rt.block_on(handle.shutdown());
        Some(r)
    } else {
        None
    };

    println!(
        "apply wrote {writes} changes ({} drifted roles)",
        drifted(&s)
    );
    let (Some((tf_calls, tf_wall)), Some((sk_calls, sk_wall))) = (tf, sk) else {
        println!("peer patterns skipped (SCALE_PEERS=0)");
        return Ok(());
    };
    println!(
        "terraform-provider read: {tf_calls} calls, {:.2} s = {:.1}x roster's plan calls, {:.1}x its wall time",
        secs(tf_wall),
        tf_calls as f64 / plan.calls as f64,
        secs(tf_wall) / secs(plan.wall)
    );
    println!(
        "seqerakit-style apply: {sk_calls} calls, {:.2} s = {:.1}x roster's apply calls, {:.1}x its wall time",
        secs(sk_wall),
        sk_calls as f64 / apply.calls as f64,
        secs(sk_wall) / secs(apply.wall)
    );
    Ok(())
}
