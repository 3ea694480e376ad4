//! Scale benchmark (issue 13): generate a world and a config of given sizes, serve the world
//! with the in-process emulator (latency and a per-token rate limit injected), and run the real
//! `roster` binary for a full plan, a change-scoped plan (`--changed-from`, one workspace and
//! one participant changed) and an apply. For each it prints the API calls against the exact
//! lower bound, the wall time against the rate bound (calls / rate) and the latency bound
//! (calls × latency / parallelism), the 429s the emulator served, and the child's CPU time and
//! peak RSS. Reads under latency alone are timed at parallelism 8 and 32 against the larger of
//! the latency and the pacing bound. The CPU a plan costs after its reads is timed in-process
//! (`inprocess.rs`). In the same run it measures two peer patterns against the same emulator,
//! as ratios to roster: the Terraform provider's read (each declared participant found by
//! scanning its workspace's listing page by page) and a seqerakit-style apply (a lookup and a
//! write per declared item, one after another).
//!
//! It asserts nothing and is not a test: it reports. Run with `cargo bench --bench scale`;
//! sizes come from `SCALE_WORKSPACES`, `SCALE_PARTICIPANTS`, `SCALE_MEMBERS`, `SCALE_TEAMS`,
//! `SCALE_DRIFT` (share of declared participants whose live role differs), `SCALE_LATENCY_MS`,
//! `SCALE_RATE_LIMIT` (the emulator's 429 threshold per second), `SCALE_RATE` and
//! `SCALE_PARALLELISM` (roster's `--rate` and `--parallelism`). `SCALE_RUNS` picks the runs
//! (comma-separated, default all: `plan,scoped,latency,cpu,apply,peers`); `SCALE_PEERS=0` skips
//! the peer patterns (they take calls / 20 s each at large sizes). `SCALE_KEEP=DIR` writes the
//! world and the config repository to DIR and stops (for profiling by hand). BENCHMARKS.md has
//! the results.

mod inprocess;
mod peers;
mod world;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use roster::scope::{Address, Units};
use seqera_emulator::{self as emulator, Options};

use world::{
    PAGE, Sizes, config_repo, drifted, git, read_bound, scoped_bound, world_yaml, ws_file, ws_users,
};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The pace roster keeps at `--rate r` (its pacer's margin below the declared rate).
const RATE_MARGIN: f64 = 0.95;

/// Runs of each latency row; the quickest is shown.
const LATENCY_RUNS: usize = 3;

/// The calls of a plan's first two rounds for one org: the acting user and the org list, then
/// the first member page, the collaborators, the teams and the workspace list.
const FIRST_TWO_ROUNDS: f64 = 6.0;

struct Run {
    calls: u64,
    throttled: u64,
    writes: u64,
    wall: Duration,
    /// The reads alone, as roster reports them (`N API calls in X s.`), for plans.
    read: Option<Duration>,
    /// User and system CPU of the child.
    cpu: Duration,
    /// Peak resident set of the child (getrusage's `ru_maxrss`).
    rss_kib: u64,
}

/// The read time roster reports on stderr: `N API calls in X s.`
fn read_time(stderr: &str) -> Option<Duration> {
    stderr.lines().find_map(|l| {
        let (_, rest) = l.split_once(" in ")?;
        let secs = rest.strip_suffix(" s.")?;
        l.contains("API call")
            .then(|| secs.parse::<f64>().ok())
            .flatten()
            .map(Duration::from_secs_f64)
    })
}

fn tv(t: libc::timeval) -> Duration {
    Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000)
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
    let pid = child.id() as libc::pid_t;
    let mut stderr = child.stderr.take().expect("piped stderr");
    let reader = std::thread::spawn(move || {
        let mut err = String::new();
        use std::io::Read as _;
        let _ = stderr.read_to_string(&mut err);
        err
    });
    // wait4 rather than Child::wait: it also gives the child's CPU time and peak RSS.
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value for wait4 to overwrite.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our child, not yet reaped; both pointers are valid.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        anyhow::ensure!(r >= 0, "wait4: {}", std::io::Error::last_os_error());
        if r == pid {
            break (status, usage);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = t.elapsed();
    let err = reader.join().unwrap_or_default();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    if !matches!(code, Some(0 | 2)) {
        anyhow::bail!("roster {args:?} exited {code:?}: {err}");
    }
    let stats = handle.stats();
    Ok(Run {
        calls: stats.total,
        throttled: stats.requests.values().filter_map(|m| m.get("429")).sum(),
        writes: stats.writes,
        wall,
        read: read_time(&err),
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss_kib: usage.ru_maxrss as u64,
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

/// The mean round trip of a listing from this process (one call at a time): the injected
/// latency plus the emulator's and HTTP's own time.
fn round_trip(rt: &tokio::runtime::Runtime, base: &str) -> anyhow::Result<Duration> {
    let http = reqwest::Client::new();
    rt.block_on(async {
        let (org, ws) = peers::ids(base, &http).await?;
        let calls = std::sync::atomic::AtomicU64::new(0);
        let mut urls = Vec::new();
        for (_, wid) in ws.iter().take(10) {
            urls.push(format!(
                "{base}/orgs/{org}/workspaces/{wid}/participants?max=100&offset=0"
            ));
            urls.push(format!("{base}/orgs/{org}/members?max=100&offset=0"));
        }
        let t = Instant::now();
        for u in &urls {
            peers::get(&http, u, &calls).await?;
        }
        Ok(t.elapsed() / urls.len().max(1) as u32)
    })
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
    let runs: Vec<String> = std::env::var("SCALE_RUNS")
        .unwrap_or_else(|_| "plan,scoped,latency,cpu,apply,peers".into())
        .split(',')
        .map(|r| r.trim().to_string())
        .collect();
    let wants = |r: &str| runs.iter().any(|x| x == r);
    let peers_on = wants("peers") && env_or("SCALE_PEERS", 1) != 0;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let yaml = world_yaml(&s);
    if let Ok(keep) = std::env::var("SCALE_KEEP") {
        // Write the world and the config repository and stop (for profiling by hand).
        let endpoint = std::env::var("SCALE_KEEP_ENDPOINT")
            .unwrap_or_else(|_| "http://127.0.0.1:18913".to_string());
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep)?;
        std::fs::write(keep.join("world.yaml"), &yaml)?;
        let repo = config_repo(&s, &endpoint)?;
        let dest = keep.join("config");
        let ok = Command::new("cp")
            .arg("-r")
            .arg(repo.path())
            .arg(&dest)
            .status()?
            .success();
        anyhow::ensure!(ok, "copying the config to {}", dest.display());
        println!(
            "wrote {} and {} (endpoint {endpoint})",
            keep.join("world.yaml").display(),
            dest.display()
        );
        return Ok(());
    }
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
    let header = || {
        println!(
            "{:<22} {:>7} {:>7} {:>6} {:>8} {:>9} {:>9} {:>5} {:>7} {:>8}",
            "run",
            "calls",
            "bound",
            "ratio",
            "wall s",
            "/rate bd",
            "/lat bd",
            "429s",
            "CPU s",
            "RSS MiB"
        )
    };
    let line = |name: &str, r: &Run, bound: u64| {
        let rate_bound = r.calls as f64 / s.rate;
        let lat_bound = r.calls as f64 * s.latency_ms as f64 / 1000.0 / s.parallelism as f64;
        // Without injected latency the latency bound is zero: no ratio to show.
        let lat_ratio = if s.latency_ms == 0 {
            "-".to_string()
        } else {
            format!("{:.2}", secs(r.wall) / lat_bound)
        };
        println!(
            "{:<22} {:>7} {:>7} {:>6.2} {:>8.2} {:>9.2} {:>9} {:>5} {:>7.2} {:>8.1}",
            name,
            r.calls,
            bound,
            r.calls as f64 / bound as f64,
            secs(r.wall),
            secs(r.wall) / rate_bound,
            lat_ratio,
            r.throttled,
            secs(r.cpu),
            r.rss_kib as f64 / 1024.0
        );
    };
    // The pull request: one participant's role in a workspace whose first user lies beyond the
    // member listing's first page (when the org has more than 100 members).
    let changed = (0..s.workspaces)
        .rev()
        .find(|&w| ws_users(&s, w).first().is_some_and(|&u| u >= PAGE))
        .unwrap_or(s.workspaces - 1);

    // Full plan and change-scoped plan against one emulator (plans write nothing).
    let mut plan = None;
    let mut tf = None;
    if wants("plan") || wants("scoped") || peers_on {
        header();
        let handle = start(&rt, &yaml, &s)?;
        let repo = config_repo(&s, &handle.base_url())?;
        if wants("plan") || peers_on {
            let r = roster(&handle, &s, &["plan", "--detailed-exitcode"], repo.path())?;
            line("plan", &r, read_bound(&s));
            plan = Some(r);
        }
        if wants("scoped") {
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
        }
        if peers_on {
            tf = Some(peers::terraform_read(&rt, &handle.base_url(), &s)?);
        }
        rt.block_on(handle.shutdown());
    }

    // Reads against latency alone (no server limit; roster at --rate 1000, the most it accepts,
    // which it paces at 950/s): the read time against the larger of calls × L / P and the
    // pacing bound calls / 950.
    if wants("latency") {
        let latency_ms = s.latency_ms.max(1);
        println!(
            "reads under latency alone: {latency_ms} ms injected, no server limit, roster --rate 1000 (paced at {:.0}/s)",
            1000.0 * RATE_MARGIN
        );
        let free = Sizes {
            rate_limit: 0,
            rate: 1000.0,
            latency_ms,
            ..s
        };
        let handle = start(&rt, &yaml, &free)?;
        let rtt = round_trip(&rt, &handle.base_url())?;
        println!(
            "  measured round trip of one listing, one at a time: {:.1} ms; quickest of {LATENCY_RUNS} runs each",
            ms(rtt)
        );
        println!(
            "  lat bd = calls x L / P; pace bd = calls / pace; bound = the larger; dep bd = 2 round trips + the other calls at P in flight (measured round trip) or at the pace, whichever is slower"
        );
        println!(
            "  {:<4} {:>6} {:>7} {:>7} {:>8} {:>8} {:>8} {:>10} {:>10} {:>12}",
            "P",
            "calls",
            "read s",
            "wall s",
            "lat bd",
            "pace bd",
            "bound",
            "read/bound",
            "wall/bound",
            "read/dep bd"
        );
        for parallelism in [8, 32] {
            let free = Sizes {
                parallelism,
                ..free
            };
            let repo = config_repo(&free, &handle.base_url())?;
            // The machine is shared: the quickest of a few runs.
            let mut best: Option<Run> = None;
            for _ in 0..LATENCY_RUNS {
                let r = roster(
                    &handle,
                    &free,
                    &["plan", "--detailed-exitcode"],
                    repo.path(),
                )?;
                if best.as_ref().is_none_or(|b| r.read < b.read) {
                    best = Some(r);
                }
            }
            let r = best.expect("at least one run");
            let calls = r.calls as f64;
            let lat = calls * latency_ms as f64 / 1000.0 / parallelism as f64;
            let pace = calls / (free.rate * RATE_MARGIN);
            // What any reader needs: the two rounds before the details can start (the user and
            // the org list; then the org's listings, whose ids the details need), each one
            // round trip with few calls in flight, then the rest at P in flight or at the pace,
            // whichever is slower, with the measured round trip.
            let rest = (calls - FIRST_TWO_ROUNDS).max(0.0);
            let dep_bound = 2.0 * secs(rtt)
                + (rest * secs(rtt) / parallelism as f64).max(rest / (free.rate * RATE_MARGIN));
            let bound = lat.max(pace);
            let read = r.read.map_or(f64::NAN, secs);
            println!(
                "  {:<4} {:>6} {:>7.2} {:>7.2} {:>8.2} {:>8.2} {:>8.2} {:>9.2}x {:>9.2}x {:>11.2}x{}",
                parallelism,
                r.calls,
                read,
                secs(r.wall),
                lat,
                pace,
                bound,
                read / bound,
                secs(r.wall) / bound,
                read / dep_bound,
                if pace > lat { "  (pacing-bound)" } else { "" }
            );
        }
        rt.block_on(handle.shutdown());
    }

    // Local CPU after the reads, in-process, for the change-scoped plan and the full plan.
    if wants("cpu") {
        let free = Sizes {
            rate_limit: 0,
            latency_ms: 0,
            ..s
        };
        let handle = start(&rt, &yaml, &free)?;
        let repo = config_repo(&free, &handle.base_url())?;
        std::fs::write(
            repo.path().join(format!("ws/ws-{changed}.yaml")),
            ws_file(&s, changed, true),
        )?;
        let units: Units = [Address::workspace("bench", &format!("ws-{changed}"))].into();
        println!("local CPU, in-process (least of 5 runs after one read; no latency):");
        for (name, units) in [("change-scoped plan", Some(&units)), ("full plan", None)] {
            let a = inprocess::after_read(&rt, repo.path(), &handle.base_url(), units)?;
            println!(
                "  {name:<18}: after the read {:.1} ms CPU (plan, access view, guard rails, preflight {:.1} ms; JSON + Markdown {:.1} ms); {} changes, {} calls; loading the config {:.0} ms CPU",
                ms(a.plan + a.render),
                ms(a.plan),
                ms(a.render),
                a.changes,
                a.calls,
                ms(a.load)
            );
        }
        rt.block_on(handle.shutdown());
    }

    // Apply against a fresh emulator, then the seqerakit pattern against another.
    let mut apply = None;
    if wants("apply") || peers_on {
        header();
        let handle = start(&rt, &yaml, &s)?;
        let repo = config_repo(&s, &handle.base_url())?;
        let r = roster(&handle, &s, &["apply", "--auto-approve"], repo.path())?;
        line("apply", &r, read_bound(&s) + drifted(&s));
        println!(
            "apply wrote {} changes ({} drifted roles)",
            r.writes,
            drifted(&s)
        );
        apply = Some(r);
        rt.block_on(handle.shutdown());
    }
    let sk = if peers_on {
        let handle = start(&rt, &yaml, &s)?;
        let r = peers::seqerakit_apply(&rt, &handle.base_url(), &s)?;
        rt.block_on(handle.shutdown());
        Some(r)
    } else {
        None
    };

    let (Some((tf_calls, tf_wall)), Some((sk_calls, sk_wall)), Some(plan), Some(apply)) =
        (tf, sk, plan, apply)
    else {
        println!("peer patterns skipped (SCALE_PEERS=0 or not in SCALE_RUNS)");
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
