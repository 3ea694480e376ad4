//! Emulator benchmark (issue 3's targets): load a world of 2,000 workspaces × 50 participants
//! (< 2 s), then answer participants pages on loopback with no latency injected (< 5 ms each).
//!
//! Also reports what `--state` costs on that world (one snapshot per write, and a reload).
//!
//! Run with `cargo bench --bench emulator` from the workspace root (release profile). Sizes can be changed with
//! `EMU_BENCH_WORKSPACES`, `EMU_BENCH_PARTICIPANTS` and `EMU_BENCH_REQUESTS`.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use seqera_emulator::{self as emulator, Options};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One organization, `users` members, 50 teams of 20, and `workspaces` workspaces whose
/// participants are 5 teams and `participants - 5` users.
fn world_yaml(workspaces: usize, participants: usize) -> String {
    let users = 1_000.max(participants);
    let mut y = String::with_capacity(workspaces * participants * 60);
    y.push_str("users:\n");
    for u in 0..users {
        let _ = writeln!(
            y,
            "  - {{email: user{u}@example.org, userName: user{u}, token: token-{u}, firstName: First{u}, lastName: Last{u}}}"
        );
    }
    y.push_str("organizations:\n  - name: bench\n    fullName: Bench org\n    members:\n");
    for u in 0..users {
        let role = if u == 0 { "owner" } else { "member" };
        let _ = writeln!(y, "      - {{email: user{u}@example.org, role: {role}}}");
    }
    y.push_str("    teams:\n");
    for t in 0..50 {
        let _ = write!(y, "      - name: team-{t}\n        members: [");
        for k in 0..20 {
            if k > 0 {
                y.push_str(", ");
            }
            let _ = write!(y, "user{}@example.org", (t * 20 + k) % users);
        }
        y.push_str("]\n");
    }
    y.push_str("    workspaces:\n");
    let teams = 5.min(participants);
    for w in 0..workspaces {
        let _ = write!(
            y,
            "      - name: ws-{w}\n        fullName: Workspace {w}\n        participants:\n"
        );
        for k in 0..teams {
            let _ = writeln!(
                y,
                "          - {{team: team-{}, role: view}}",
                (w + k * 7) % 50
            );
        }
        for k in 0..participants - teams {
            let u = 1 + (w * 13 + k) % (users - 1);
            let role = ["launch", "maintain", "admin", "view"][k % 4];
            let _ = writeln!(
                y,
                "          - {{email: user{u}@example.org, role: {role}}}"
            );
        }
    }
    y
}

fn main() -> anyhow::Result<()> {
    let workspaces = env_or("EMU_BENCH_WORKSPACES", 2_000);
    let participants = env_or("EMU_BENCH_PARTICIPANTS", 50);
    let requests = env_or("EMU_BENCH_REQUESTS", 2_000);

    let yaml = world_yaml(workspaces, participants);
    println!(
        "world: {workspaces} workspaces x {participants} participants, {:.1} MiB of YAML",
        yaml.len() as f64 / (1024.0 * 1024.0)
    );

    let t = Instant::now();
    let world = emulator::parse_world("bench.yaml", &yaml).map_err(|e| anyhow::anyhow!("{e}"))?;
    let parsed = t.elapsed();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listen: SocketAddr = "127.0.0.1:0".parse()?;
        let t = Instant::now();
        let handle = emulator::start(world, Options::default(), listen).await?;
        let started = t.elapsed();
        println!(
            "load: parse+check {:.0} ms, build+listen {:.0} ms, total {:.0} ms (target < 2000 ms)",
            ms(parsed),
            ms(started),
            ms(parsed + started)
        );

        // reqwest is built without a default TLS provider; plain http still needs one installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::new();
        let base = handle.base_url();
        let token = "Bearer token-0";
        let orgs: serde_json::Value = client
            .get(format!("{base}/orgs"))
            .header("Authorization", token)
            .send()
            .await?
            .json()
            .await?;
        let org = orgs["organizations"][0]["orgId"]
            .as_i64()
            .ok_or_else(|| anyhow::anyhow!("no org"))?;
        let list: serde_json::Value = client
            .get(format!("{base}/orgs/{org}/workspaces"))
            .header("Authorization", token)
            .send()
            .await?
            .json()
            .await?;
        let ws: Vec<i64> = list["workspaces"]
            .as_array()
            .map(|a| a.iter().filter_map(|w| w["id"].as_i64()).collect())
            .unwrap_or_default();
        anyhow::ensure!(ws.len() == workspaces, "expected {workspaces} workspaces");

        let mut times = Vec::with_capacity(requests);
        for i in 0..requests + 50 {
            let id = ws[(i * 7919) % ws.len()];
            let t = Instant::now();
            let resp = client
                .get(format!(
                    "{base}/orgs/{org}/workspaces/{id}/participants?max=100&offset=0"
                ))
                .header("Authorization", token)
                .send()
                .await?;
            anyhow::ensure!(resp.status() == 200, "status {}", resp.status());
            let body = resp.bytes().await?;
            let d = t.elapsed();
            anyhow::ensure!(!body.is_empty());
            if i >= 50 {
                times.push(d);
            }
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "participants page ({requests} requests, {participants} per page): mean {:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target < 5 ms)",
            ms(mean),
            ms(pct(0.50)),
            ms(pct(0.99)),
            ms(times[times.len() - 1])
        );

        // What --state costs on this world: one snapshot written per write, and a reload.
        let t = Instant::now();
        let state = handle.world().to_yaml();
        let snapshot = t.elapsed();
        let t = Instant::now();
        emulator::parse_world("state.yaml", &state).map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "state file: snapshot+serialize {:.0} ms ({:.1} MiB), reload {:.0} ms",
            ms(snapshot),
            state.len() as f64 / (1024.0 * 1024.0),
            ms(t.elapsed())
        );
        handle.shutdown().await;
        Ok(())
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
