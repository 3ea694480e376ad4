//! Local CPU, measured in-process with roster's library: loading the config, and what a plan
//! costs after its reads (the diff, the access view, the restriction to a change's scope, the
//! guard rails, preflight, and rendering JSON and Markdown). The child process's CPU mixes these
//! with start-up, git and waiting on the network; this separates them. The after-read stage runs
//! on one thread, so its CPU is that thread's (`CLOCK_THREAD_CPUTIME_ID`), the least of several
//! runs (the machine is shared); loading runs on several threads and is the process's CPU.

use std::path::Path;
use std::time::Duration;

use roster::live::read;
use roster::plan::{self, Overrides, PlatformInput, Units};
use roster::platform::seqera::{Client, ClientConfig, RetryPolicy};
use roster::scope::Scope;
use secrecy::SecretString;

/// The CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; the clock id is a constant.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The CPU time of this process (every thread, the emulator's too: it is idle meanwhile).
fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: as above.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

pub struct AfterRead {
    /// Loading and validating the config.
    pub load: Duration,
    pub calls: u64,
    /// `plan::build` and preflight.
    pub plan: Duration,
    /// JSON and Markdown.
    pub render: Duration,
    pub changes: usize,
}

const RUNS: usize = 5;

/// Load the config in `dir`, read `units` of it (all of it without) from the emulator at
/// `endpoint` unpaced, and time what comes after the read.
pub fn after_read(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    endpoint: &str,
    units: Option<&Units>,
) -> anyhow::Result<AfterRead> {
    let t = process_cpu();
    let cfg = roster::config::read(dir);
    let load = process_cpu() - t;
    anyhow::ensure!(!cfg.has_errors(), "the generated config is invalid");
    let desired = &cfg.desired;
    let platform = "bench";
    let client = Client::new(ClientConfig {
        endpoint: endpoint.to_string(),
        token: SecretString::from("bench-token"),
        parallelism: 32,
        rate: 1e6,
        retry: RetryPolicy::default(),
    })?;
    let scope = Scope::from_desired(desired, platform, units);
    let (acting, live) = rt.block_on(read::read(&client, &scope))?;
    let by_platform = plan::orgs_by_platform(desired);
    let orgs = by_platform
        .get(platform)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no org on platform {platform}"))?;
    let (mut best_plan, mut best_render, mut changes) = (Duration::MAX, Duration::MAX, 0);
    for _ in 0..RUNS {
        let t0 = thread_cpu();
        let p = plan::build(
            desired,
            "bench",
            &[PlatformInput {
                platform: platform.to_string(),
                endpoint: endpoint.to_string(),
                token_env: "TOWER_ACCESS_TOKEN".to_string(),
                orgs: orgs.clone(),
                live: &live,
                acting: &acting,
                scope: scope.clone(),
            }],
            Overrides::default(),
            units,
        );
        let problems = plan::preflight::check(&p.changes, &orgs, &live, &acting);
        anyhow::ensure!(problems.is_empty(), "preflight: {problems:?}");
        let t1 = thread_cpu();
        let rendered = roster::render::json(&p).len() + roster::render::markdown(&p).len();
        let t2 = thread_cpu();
        anyhow::ensure!(rendered > 0);
        best_plan = best_plan.min(t1 - t0);
        best_render = best_render.min(t2 - t1);
        changes = p.changes.len();
    }
    Ok(AfterRead {
        load,
        calls: client.calls(),
        plan: best_plan,
        render: best_render,
        changes,
    })
}
