//! Rate limits and faults at the default client settings (`--rate 20`, `--parallelism 8`): an
//! apply against a platform allowing 5 requests per second converges in one run; with 503s,
//! 429s, stale reads and latency together it converges in one run for 20 seeds, without
//! duplicates and without touching anything undeclared; against a platform allowing the declared
//! 20 per second, a plan and an apply receive no 429 at all.
//!
//! Each prints the 429s the emulator served (`eprintln!`, shown with `--nocapture`), so the
//! figures can be quoted.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use seqera_emulator::{Options, Stats, World};

use crate::support::{Platform, config_dir, stderr, stdout};

const USERS: usize = 13;

fn user(i: usize) -> String {
    if i == 0 {
        "admin@lab.org".to_string()
    } else {
        format!("u{i}@lab.org")
    }
}

/// The live state: org `lab` with the acting user, two members and an undeclared workspace
/// `legacy`; and an undeclared org `other` with a member, a team and a workspace.
fn world() -> String {
    let mut y = String::from("users:\n");
    for i in 0..USERS {
        let token = if i == 0 { ", token: admin-token" } else { "" };
        y.push_str(&format!(
            "  - {{email: {}, userName: user{i}{token}}}\n",
            user(i)
        ));
    }
    y.push_str(
        "organizations:
  - name: lab
    members:
      - {email: admin@lab.org, role: owner}
      - {email: u1@lab.org}
      - {email: u2@lab.org}
    workspaces:
      - name: legacy
        fullName: Legacy data
        participants:
          - {email: u1@lab.org, role: view}
          - {email: u2@lab.org, role: maintain}
  - name: other
    members:
      - {email: admin@lab.org, role: owner}
      - {email: u11@lab.org}
      - {email: u12@lab.org}
    teams:
      - name: ops
        members: [u11@lab.org]
    workspaces:
      - name: prod
        participants:
          - {team: ops, role: admin}
          - {email: u12@lab.org, role: launch}
",
    );
    y
}

const ROLES: [&str; 5] = ["view", "launch", "maintain", "admin", "connect"];

/// Org `lab` with members u1–u10, two teams and `workspaces` workspaces of `participants`
/// participants each (users and, in every workspace, one team). `legacy` is not declared.
fn config(workspaces: usize, participants: usize) -> String {
    let mut y = String::from(
        "kind: Settings\npolicy: {maxRemovalFraction: 1.0}\n---\nkind: Organization\nname: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n",
    );
    for i in 1..=10 {
        y.push_str(&format!("  - user: {}\n", user(i)));
    }
    y.push_str("teams:\n");
    y.push_str("  - name: t0\n    members: [u1@lab.org, u2@lab.org, u3@lab.org]\n");
    y.push_str("  - name: t1\n    members: [u4@lab.org, u5@lab.org, u6@lab.org]\n");
    for w in 0..workspaces {
        y.push_str(&format!(
            "---\nkind: Workspace\norg: lab\nname: ws{w}\nparticipants:\n  - {{team: t{}, role: maintain}}\n",
            w % 2
        ));
        for p in 1..participants {
            let u = (w + 3 * p) % 10 + 1;
            let role = ROLES[(w + p) % ROLES.len()];
            y.push_str(&format!("  - {{user: {}, role: {role}}}\n", user(u)));
        }
    }
    y
}

/// The 429s the emulator served, over every operation.
fn throttled(stats: &Stats) -> u64 {
    stats
        .requests
        .values()
        .filter_map(|by_status| by_status.get("429"))
        .sum()
}

fn count(stats: &Stats, status: &str) -> u64 {
    stats
        .requests
        .values()
        .filter_map(|by_status| by_status.get(status))
        .sum()
}

/// How many changes a plan's summary line announces (`Plan: 3 to add, 1 to change, …`).
fn changes(plan_stdout: &str) -> u64 {
    let line = plan_stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Plan:"))
        .unwrap_or_else(|| panic!("no summary line in\n{plan_stdout}"));
    line.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse::<u64>().ok())
        .sum()
}

/// No org with the same user twice, no team with the same member twice, no workspace with the
/// same user or team twice.
fn duplicates(world: &World) -> Vec<String> {
    let mut found = Vec::new();
    for org in &world.organizations {
        let mut seen = BTreeSet::new();
        for m in &org.members {
            if !seen.insert(m.email.value.to_lowercase()) {
                found.push(format!("member {} in {}", m.email.value, org.name.value));
            }
        }
        for t in &org.teams {
            let mut seen = BTreeSet::new();
            for m in &t.members {
                if !seen.insert(m.value.to_lowercase()) {
                    found.push(format!("team member {} in {}", m.value, t.name.value));
                }
            }
        }
        for w in &org.workspaces {
            let mut seen = BTreeSet::new();
            for part in &w.participants {
                let key = match (&part.value.email, &part.value.team) {
                    (Some(e), _) => format!("user:{}", e.value.to_lowercase()),
                    (None, Some(t)) => format!("team:{}", t.value.to_lowercase()),
                    (None, None) => "nobody".to_string(),
                };
                if !seen.insert(key.clone()) {
                    found.push(format!("participant {key} in {}", w.name.value));
                }
            }
        }
    }
    found
}

/// The undeclared org `other` and the undeclared workspace `lab/legacy`, serialized with every
/// id, role and member: what must stay byte-identical.
fn undeclared(world: &World) -> String {
    let other = world
        .organizations
        .iter()
        .find(|o| o.name.value == "other")
        .expect("org other");
    let legacy = world
        .organizations
        .iter()
        .find(|o| o.name.value == "lab")
        .and_then(|o| o.workspaces.iter().find(|w| w.name.value == "legacy"))
        .expect("workspace lab/legacy");
    format!(
        "{}\n{}",
        serde_json::to_string(other).unwrap(),
        serde_json::to_string(legacy).unwrap()
    )
}

/// Run a command, returning its output or a message with both streams.
fn run(cmd: &mut std::process::Command, code: i32, what: &str) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.code() == Some(code) {
        Ok(stdout(&out))
    } else {
        Err(format!(
            "{what}: exit {:?}, expected {code}\n--- stdout\n{}\n--- stderr\n{}",
            out.status.code(),
            stdout(&out),
            stderr(&out)
        ))
    }
}

#[test]
fn the_generated_config_has_about_seventy_changes() {
    let p = Platform::start(&world());
    let dir = config_dir(&[("c.yaml", &config(10, 4))]);
    let d = dir.path().to_str().unwrap();
    let plan = run(&mut p.roster(&["plan", d]), 0, "plan").unwrap();
    let n = changes(&plan);
    eprintln!("the rate tests' config: {n} changes");
    assert!((60..=90).contains(&n), "{n} changes\n{plan}");
}

#[test]
fn a_429_storm_does_not_fail_an_apply() {
    let p = Platform::start_with(
        &world(),
        Options {
            rate_limit: 5,
            ..Options::default()
        },
    );
    let dir = config_dir(&[("c.yaml", &config(10, 4))]);
    let d = dir.path().to_str().unwrap();
    let before = undeclared(&p.handle.world());
    let started = Instant::now();
    let out = run(&mut p.roster(&["apply", d, "--auto-approve"]), 0, "apply").unwrap();
    let wall = started.elapsed();
    let stats = p.stats();
    eprintln!(
        "apply of {} changes against --rate-limit 5 at the default --rate 20: {} requests, {} answered 429, {:.1} s",
        changes(&out),
        stats.total,
        throttled(&stats),
        wall.as_secs_f64()
    );
    assert!(out.contains("Apply complete"), "{out}");
    // Converged in that one apply.
    run(
        &mut p.roster(&["plan", d, "--detailed-exitcode"]),
        0,
        "plan after apply",
    )
    .unwrap();
    assert_eq!(duplicates(&p.handle.world()), Vec::<String>::new());
    assert_eq!(undeclared(&p.handle.world()), before);
    // Few 429s: the pace comes down to the server's after the first ones. (The bound is loose:
    // a run of ~120 requests at 20/s into a 5/s limit would see dozens without adapting.)
    assert!(
        throttled(&stats) <= 25,
        "{} 429s: {:#?}",
        throttled(&stats),
        stats.requests
    );
}

/// What one converged seed saw.
struct Run {
    throttled: u64,
    unavailable: u64,
    wall: Duration,
}

/// One seed: fresh emulator with faults, one apply, then the checks. `Err` says what failed.
fn converge_with_faults(seed: u64) -> Result<Run, String> {
    let p = Platform::start_with(
        &world(),
        Options {
            fail_rate: 0.1,
            rate_limit: 5,
            stale_reads_ms: 500,
            latency_ms: 20,
            seed,
            ..Options::default()
        },
    );
    let dir = config_dir(&[("c.yaml", &config(10, 4))]);
    let d = dir.path().to_str().unwrap();
    let before = undeclared(&p.handle.world());
    let started = Instant::now();
    let out = run(&mut p.roster(&["apply", d, "--auto-approve"]), 0, "apply")?;
    let wall = started.elapsed();
    if !out.contains("Apply complete") {
        return Err(format!("apply did not complete:\n{out}"));
    }
    let stats = p.stats();
    let world = p.handle.world();
    let dups = duplicates(&world);
    if !dups.is_empty() {
        return Err(format!("duplicates: {dups:?}"));
    }
    if undeclared(&world) != before {
        return Err(format!(
            "an undeclared object changed:\nbefore {before}\nafter  {}",
            undeclared(&world)
        ));
    }
    // Past the stale-read window, the platform matches the config: one apply was enough.
    std::thread::sleep(Duration::from_millis(600));
    run(
        &mut p.roster(&["plan", d, "--detailed-exitcode"]),
        0,
        "plan after apply",
    )?;
    Ok(Run {
        throttled: throttled(&stats),
        unavailable: count(&stats, "503"),
        wall,
    })
}

#[test]
fn fault_convergence_over_20_seeds() {
    // Every seed has its own emulator (its own rate-limit windows), so they run side by side:
    // the runs mostly wait on their pace, not on the CPU.
    let started = Instant::now();
    let results: Vec<(u64, Result<Run, String>)> = std::thread::scope(|s| {
        let runs: Vec<_> = (1..=20u64)
            .map(|seed| (seed, s.spawn(move || converge_with_faults(seed))))
            .collect();
        runs.into_iter()
            .map(|(seed, h)| {
                let r = h
                    .join()
                    .unwrap_or_else(|_| Err("the run panicked".to_string()));
                (seed, r)
            })
            .collect()
    });
    let mut failed = Vec::new();
    let mut faults = 0;
    for (seed, r) in &results {
        match r {
            Ok(Run {
                throttled,
                unavailable,
                wall,
            }) => {
                faults += unavailable;
                eprintln!(
                    "seed {seed}: converged in one apply, {throttled} × 429, {unavailable} × 503, {:.1} s",
                    wall.as_secs_f64()
                );
            }
            Err(e) => failed.push(format!("seed {seed}: {e}")),
        }
    }
    eprintln!("20 seeds in {:.1} s", started.elapsed().as_secs_f64());
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    assert!(faults > 0, "no 503 was injected in any seed");
}

#[test]
fn zero_429s_at_the_declared_rate() {
    let p = Platform::start_with(
        &world(),
        Options {
            rate_limit: 20,
            ..Options::default()
        },
    );
    // 30 workspaces: the apply is ~150 writes (7–8 s at the pace), the plan ~40 reads, both
    // well past the first second, where a burst would go over.
    let dir = config_dir(&[("c.yaml", &config(30, 3))]);
    let d = dir.path().to_str().unwrap();
    let out = run(&mut p.roster(&["apply", d, "--auto-approve"]), 0, "apply").unwrap();
    let apply = p.stats();
    eprintln!(
        "apply of {} changes against --rate-limit 20: {} requests, {} answered 429",
        changes(&out),
        apply.total,
        throttled(&apply)
    );
    // A new run starts in a new one-second window of the server's, as separate CI steps do.
    std::thread::sleep(Duration::from_millis(1100));
    p.reset_stats();
    run(
        &mut p.roster(&["plan", d, "--detailed-exitcode"]),
        0,
        "plan after apply",
    )
    .unwrap();
    let plan = p.stats();
    eprintln!(
        "plan against --rate-limit 20: {} requests, {} answered 429",
        plan.total,
        throttled(&plan)
    );
    assert!(
        apply.total > 100,
        "the apply is long enough to test the pace"
    );
    assert!(plan.total > 25, "the plan is longer than a burst");
    assert_eq!(throttled(&apply), 0, "{:#?}", apply.requests);
    assert_eq!(throttled(&plan), 0, "{:#?}", plan.requests);
}
