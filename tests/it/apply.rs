//! `roster apply` against the emulator: convergence (for the examples and for random live and
//! desired states), faults and rate limits without duplicates, stale saved plans, a run killed
//! midway, guard rails that write nothing, partial failure, the audit log, and Ctrl-C once (finish
//! what is in flight) and twice (stop at once, exit 130).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use seqera_emulator::Options;

use crate::support::{
    Platform, config_dir, copy_dir, expect_exit, manifest_dir, roster, stderr, stdout,
};

const EVERY_CHANGE: &str = "tests/fixtures/plan/every-change";

fn every_change_world() -> String {
    std::fs::read_to_string(
        manifest_dir().join("tests/fixtures/plan/every-change/.roster/sandbox.world.yaml"),
    )
    .unwrap()
}

/// No org has the same user twice, no team the same member twice, no workspace the same user or
/// team twice.
fn assert_no_duplicates(p: &Platform) {
    let world = p.handle.world();
    for org in &world.organizations {
        let mut seen = BTreeSet::new();
        for m in &org.members {
            assert!(
                seen.insert(m.email.value.to_lowercase()),
                "duplicate member {}",
                m.email.value
            );
        }
        for t in &org.teams {
            let mut seen = BTreeSet::new();
            for m in &t.members {
                assert!(
                    seen.insert(m.value.to_lowercase()),
                    "duplicate team member {}",
                    m.value
                );
            }
        }
        for w in &org.workspaces {
            let mut seen = BTreeSet::new();
            for part in &w.participants {
                let key = part
                    .value
                    .email
                    .as_ref()
                    .map(|e| format!("user:{}", e.value.to_lowercase()))
                    .or(part
                        .value
                        .team
                        .as_ref()
                        .map(|t| format!("team:{}", t.value.to_lowercase())))
                    .unwrap();
                assert!(
                    seen.insert(key.clone()),
                    "duplicate participant {key} in {}",
                    w.name.value
                );
            }
        }
    }
}

fn plan_is_empty(p: &Platform, dir: &str, extra: &[&str]) {
    let mut args = vec!["plan", dir, "--detailed-exitcode"];
    args.extend_from_slice(extra);
    let out = p.roster(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "plan after apply is not empty:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn apply_then_plan_is_empty_for_every_change() {
    let p = Platform::start(&every_change_world());
    let out = expect_exit(
        &mut p.roster(&["apply", EVERY_CHANGE, "--auto-approve", "--allow-destroy"]),
        0,
    );
    assert!(stdout(&out).contains("Apply complete"), "{}", stdout(&out));
    plan_is_empty(&p, EVERY_CHANGE, &["--allow-destroy"]);
    assert_no_duplicates(&p);
}

#[test]
fn apply_then_plan_is_empty_for_the_example() {
    let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
    let d = dir.path().to_str().unwrap();
    expect_exit(
        roster().args(["apply", "--sandbox", d, "--auto-approve"]),
        0,
    );
    expect_exit(
        roster().args(["plan", "--sandbox", d, "--detailed-exitcode"]),
        0,
    );
}

#[test]
fn faults_rate_limits_and_stale_reads_still_converge_without_duplicates() {
    let opts = Options {
        fail_rate: 0.1,
        rate_limit: 20,
        stale_reads_ms: 500,
        seed: 7,
        ..Options::default()
    };
    let p = Platform::start_with(&every_change_world(), opts);
    let out = p
        .roster(&["apply", EVERY_CHANGE, "--auto-approve", "--allow-destroy"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let stats = p.stats();
    let faults: u64 = stats
        .requests
        .values()
        .map(|by_status| by_status.get("503").copied().unwrap_or(0))
        .sum();
    assert!(faults > 0, "no fault was injected: {:#?}", stats.requests);
    assert_no_duplicates(&p);
    // Past the stale-read window, the platform matches the config.
    std::thread::sleep(Duration::from_millis(600));
    plan_is_empty(&p, EVERY_CHANGE, &["--allow-destroy"]);
    assert_no_duplicates(&p);
}

#[test]
fn a_stale_saved_plan_is_refused_naming_what_changed() {
    let p = Platform::start(&every_change_world());
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    expect_exit(
        &mut p.roster(&["plan", EVERY_CHANGE, "--allow-destroy", "--out", saved]),
        0,
    );
    // Someone changes the platform by hand after the plan was reviewed.
    let org_id = p
        .handle
        .world()
        .organizations
        .iter()
        .find(|o| o.name.value == "lab")
        .and_then(|o| o.id.as_ref().map(|i| i.value))
        .unwrap();
    let status = p.api(
        "PUT",
        &format!("/orgs/{org_id}/members/add"),
        serde_json::json!({"user": "ext@partner.org"}),
    );
    assert_eq!(status, 200);
    p.reset_stats();
    let out = expect_exit(&mut p.roster(&["apply", saved, "--allow-destroy"]), 1);
    let err = stderr(&out);
    assert!(err.contains("plan is stale"), "{err}");
    assert!(err.contains("org/lab/members"), "{err}");
    assert_eq!(p.writes(), 0, "a stale plan writes nothing");
}

#[test]
fn a_saved_plan_applies_exactly_and_needs_the_same_overrides() {
    let p = Platform::start(&every_change_world());
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    expect_exit(
        &mut p.roster(&["plan", EVERY_CHANGE, "--allow-destroy", "--out", saved]),
        0,
    );
    let out = expect_exit(&mut p.roster(&["apply", saved]), 1);
    assert!(stderr(&out).contains("--allow-destroy"), "{}", stderr(&out));
    assert_eq!(p.writes(), 0);
    // No confirmation is asked for a saved plan, even without a terminal.
    expect_exit(&mut p.roster(&["apply", saved, "--allow-destroy"]), 0);
    plan_is_empty(&p, EVERY_CHANGE, &["--allow-destroy"]);
}

#[test]
fn without_a_terminal_apply_needs_auto_approve_and_writes_nothing() {
    let p = Platform::start(&every_change_world());
    let out = expect_exit(
        &mut p.roster(&["apply", EVERY_CHANGE, "--allow-destroy"]),
        1,
    );
    assert!(stderr(&out).contains("--auto-approve"), "{}", stderr(&out));
    assert_eq!(p.writes(), 0);
}

#[test]
fn a_plan_refused_by_a_guard_rail_writes_nothing() {
    let p = Platform::start(&every_change_world());
    let dir = copy_dir(&manifest_dir().join(EVERY_CHANGE));
    // A strict removal policy: the plan removes too much.
    std::fs::write(
        dir.path().join("roster.yaml"),
        "kind: Settings\npolicy:\n  maxRemovalFraction: 0.1\n",
    )
    .unwrap();
    let out = expect_exit(
        &mut p.roster(&[
            "apply",
            dir.path().to_str().unwrap(),
            "--auto-approve",
            "--allow-destroy",
        ]),
        1,
    );
    let err = stderr(&out);
    assert!(err.contains("--allow-mass-removal"), "{err}");
    assert_eq!(p.writes(), 0, "emulator write count");
}

#[test]
fn a_failed_change_skips_its_dependents_and_the_rest_carries_on() {
    // The config uses a custom role the platform does not know: setting it fails with 400.
    let world = "users:\n  - {email: admin@lab.org, userName: admin, token: t}\n  - {email: bob@lab.org, userName: bob}\n  - {email: erin@lab.org, userName: erin}\norganizations:\n  - name: lab\n    members:\n      - {email: admin@lab.org, role: owner}\n      - {email: bob@lab.org}\n";
    let config = "kind: Organization\nname: lab\ncustomRoles: [ghost-role]\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n  - user: erin@lab.org\n---\nkind: Workspace\norg: lab\nname: new-ws\nparticipants:\n  - {user: bob@lab.org, role: ghost-role}\n  - {user: erin@lab.org, role: view}\n";
    let p = Platform::start(world);
    let dir = config_dir(&[("c.yaml", config)]);
    let tmp = tempfile::tempdir().unwrap();
    let audit = tmp.path().join("audit.jsonl");
    let out = expect_exit(
        &mut p.roster(&[
            "apply",
            dir.path().to_str().unwrap(),
            "--auto-approve",
            "--audit-log",
            audit.to_str().unwrap(),
        ]),
        1,
    );
    let report = stdout(&out);
    assert!(report.contains("Apply finished with errors"), "{report}");
    assert!(
        report.contains("failed:  org/lab/workspace/new-ws/participant/user:bob@lab.org"),
        "{report}"
    );
    // The creator's leave waits for every participant, so it is skipped.
    assert!(
        report.contains("skipped: org/lab/workspace/new-ws/participant/user:admin@lab.org"),
        "{report}"
    );
    // Independent changes went through: erin is a member and a participant.
    let world = p.handle.world();
    let org = &world.organizations[0];
    assert!(org.members.iter().any(|m| m.email.value == "erin@lab.org"));
    // The audit log has one JSON line per change, with what was called and how it ended.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(lines.len() >= 4, "{lines:#?}");
    for l in &lines {
        for field in [
            "time",
            "platform",
            "acting_user",
            "address",
            "action",
            "operations",
            "status",
        ] {
            assert!(l.get(field).is_some(), "audit line lacks {field}: {l}");
        }
        assert_eq!(l["acting_user"], "admin <admin@lab.org>");
    }
    let failed = lines
        .iter()
        .find(|l| l["status"] == "failed")
        .expect("a failed line");
    assert!(
        failed["error"].as_str().unwrap().contains("400"),
        "{failed}"
    );
    // Running again, after fixing the cause, converges.
    let fixed = config.replace("role: ghost-role", "role: launch");
    std::fs::write(dir.path().join("c.yaml"), fixed).unwrap();
    expect_exit(
        &mut p.roster(&["apply", dir.path().to_str().unwrap(), "--auto-approve"]),
        0,
    );
    plan_is_empty(&p, dir.path().to_str().unwrap(), &[]);
}

/// Start `roster ARGS` in the background and return once the platform has taken `writes` writes.
fn spawn_until_writes(p: &Platform, args: &[&str], writes: u64) -> std::process::Child {
    let child = p
        .roster(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while p.writes() < writes {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "apply never wrote"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn a_run_killed_midway_then_run_again_converges() {
    let opts = Options {
        latency_ms: 40,
        ..Options::default()
    };
    let p = Platform::start_with(&every_change_world(), opts);
    let apply = [
        "apply",
        EVERY_CHANGE,
        "--auto-approve",
        "--allow-destroy",
        "--parallelism",
        "1",
    ];
    let mut child = spawn_until_writes(&p, &apply, 3);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    // The kill landed midway: the platform is part-way, with changes still to make.
    let midway = p
        .roster(&[
            "plan",
            EVERY_CHANGE,
            "--detailed-exitcode",
            "--allow-destroy",
        ])
        .output()
        .unwrap();
    assert_eq!(midway.status.code(), Some(2), "{}", stdout(&midway));
    expect_exit(
        &mut p.roster(&["apply", EVERY_CHANGE, "--auto-approve", "--allow-destroy"]),
        0,
    );
    plan_is_empty(&p, EVERY_CHANGE, &["--allow-destroy"]);
    assert_no_duplicates(&p);
}

/// A running `roster apply` whose stderr is read line by line as it comes.
struct Running {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    stderr: Vec<String>,
}

impl Running {
    fn new(mut child: std::process::Child) -> Running {
        let pipe = child.stderr.take().expect("stderr is piped");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            stderr: Vec::new(),
        }
    }

    fn interrupt(&self) {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits until stderr has a line containing `needle`.
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.stderr.iter().any(|l| l.contains(needle)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.stderr.push(line),
                Err(_) => panic!("no {needle:?} on stderr:\n{}", self.stderr.join("\n")),
            }
        }
    }

    /// Waits for the exit; returns it with stdout and the whole of stderr.
    fn finish(mut self) -> (std::process::Output, String) {
        let out = self.child.wait_with_output().unwrap();
        self.stderr.extend(self.lines.iter());
        (out, self.stderr.join("\n"))
    }
}

#[test]
fn ctrl_c_finishes_calls_in_flight_starts_nothing_new_and_reports() {
    let opts = Options {
        latency_ms: 150,
        ..Options::default()
    };
    let p = Platform::start_with(&every_change_world(), opts);
    let apply = [
        "apply",
        EVERY_CHANGE,
        "--auto-approve",
        "--allow-destroy",
        "--parallelism",
        "1",
    ];
    let mut run = Running::new(spawn_until_writes(&p, &apply, 2));
    run.interrupt();
    run.wait_for("letting calls in flight finish");
    // Writes counted from the moment the interrupt is acknowledged: only the change in flight
    // (one, with --parallelism 1) may still write, and a change writes at most twice (an add,
    // then its role).
    let at_interrupt = p.writes();
    let (out, err) = run.finish();
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    let report = stdout(&out);
    assert!(report.contains("Apply interrupted"), "{report}");
    assert!(report.contains("not started: "), "{report}");
    let written = p.writes();
    assert!(
        written - at_interrupt <= 2,
        "{} writes started after the interrupt: {at_interrupt} then {written}",
        written - at_interrupt
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(p.writes(), written, "no write after the process ended");
    // Running again converges.
    expect_exit(
        &mut p.roster(&["apply", EVERY_CHANGE, "--auto-approve", "--allow-destroy"]),
        0,
    );
    plan_is_empty(&p, EVERY_CHANGE, &["--allow-destroy"]);
}

#[test]
fn a_second_ctrl_c_exits_130_at_once_and_the_audit_log_names_the_unfinished_changes() {
    const NEW: usize = 8;
    let world = "users:\n  - {email: admin@lab.org, userName: admin, token: t}\norganizations:\n  - name: lab\n    members:\n      - {email: admin@lab.org, role: owner}\n";
    let mut config = String::from(
        "kind: Organization\nname: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n",
    );
    for i in 0..NEW {
        config.push_str(&format!("  - user: u{i}@lab.org\n"));
    }
    let latency = Duration::from_millis(3_000);
    let opts = Options {
        latency_ms: latency.as_millis() as u64,
        ..Options::default()
    };
    let p = Platform::start_with(world, opts);
    let dir = config_dir(&[("c.yaml", &config)]);
    let tmp = tempfile::tempdir().unwrap();
    let audit = tmp.path().join("audit.jsonl");
    let apply = [
        "apply",
        dir.path().to_str().unwrap(),
        "--auto-approve",
        "--parallelism",
        "2",
        "--audit-log",
        audit.to_str().unwrap(),
    ];
    let mut run = Running::new(spawn_until_writes(&p, &apply, 1));
    // The next changes leave the pacer within milliseconds and then stay in flight for the
    // emulator's latency: interrupt once they are surely in flight, so the first Ctrl-C cannot
    // find them still waiting to start (it would cancel them at once and the run would end).
    std::thread::sleep(latency / 6);
    run.interrupt();
    run.wait_for("letting calls in flight finish");
    run.interrupt();
    let second = Instant::now();
    let (out, err) = run.finish();
    let took = second.elapsed();
    assert_eq!(out.status.code(), Some(130), "{}\n{err}", stdout(&out));
    assert!(err.contains("Interrupted again: stopping now"), "{err}");
    // Waiting for the calls in flight and the rest would take at least a latency per wave.
    assert!(took < latency * 3, "took {took:?} after the second Ctrl-C");
    let report = stdout(&out);
    assert!(report.contains("Apply interrupted"), "{report}");
    assert!(report.contains("  interrupted: org/lab/member"), "{report}");
    // The audit log has a line for every change of the plan, the unfinished ones included.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let addresses: BTreeSet<&str> = lines
        .iter()
        .map(|l| l["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses.len(),
        lines.len(),
        "one line per change: {lines:#?}"
    );
    assert_eq!(lines.len(), NEW, "{lines:#?}");
    let status = |s: &str| lines.iter().filter(|l| l["status"] == s).count();
    assert!(status("interrupted") >= 1, "{lines:#?}");
    assert!(status("not-started") >= 1, "{lines:#?}");
    for l in lines.iter().filter(|l| l["status"] == "interrupted") {
        assert_eq!(
            l["operations"],
            serde_json::json!(["CreateOrganizationMember"]),
            "an interrupted change records the call it had made: {l}"
        );
    }
    // Nothing more is written once the process is gone, and a new run converges.
    let written = p.writes();
    std::thread::sleep(latency + Duration::from_millis(200));
    let settled = p.writes();
    assert!(settled - written <= 2, "only the abandoned calls complete");
    expect_exit(
        &mut p.roster(&["apply", dir.path().to_str().unwrap(), "--auto-approve"]),
        0,
    );
    plan_is_empty(&p, dir.path().to_str().unwrap(), &[]);
}

// --- Random live and desired states -------------------------------------------------------

const USERS: [&str; 6] = [
    "a@lab.org",
    "b@lab.org",
    "c@lab.org",
    "d@lab.org",
    "e@uni.edu",
    "f@uni.edu",
];
const ROLES: [&str; 6] = ["owner", "admin", "maintain", "launch", "connect", "view"];
/// Custom role names, descriptions and permissions the random states draw from.
const CUSTOM: [&str; 3] = ["runner", "analyst", "curator"];
const DESCRIPTIONS: [&str; 2] = ["Runs pipelines", "Reads results"];
const PERMISSIONS: [&str; 4] = [
    "dataset:read",
    "pipeline:execute",
    "studio:view",
    "workflow:read",
];

/// A participant: a user (`Ok`) or a team (`Err`) index, and a role index (below
/// `ROLES.len()` a predefined role, above it a custom one).
type RandomParticipant = (Result<usize, usize>, usize);

/// A custom role: name, description and permission indexes.
type RandomRole = (usize, usize, Vec<usize>);

/// One side (live or desired) of a random case.
#[derive(Debug, Clone)]
struct Side {
    /// (user index, is owner)
    members: Vec<(usize, bool)>,
    /// team index → member user indexes (must be members)
    teams: Vec<(usize, Vec<usize>)>,
    /// team index → its IdP group link. Live: 0 none, 1 follows g0, 2 follows g1. Desired:
    /// 0 the link unmanaged, 1 `idpGroup: null` (unlinked), 2 follows g0, 3 follows g1 (and
    /// then declares no members).
    links: Vec<u8>,
    /// workspace index → participants
    workspaces: Vec<(usize, Vec<RandomParticipant>)>,
    /// Custom roles (defined, on the desired side).
    roles: Vec<RandomRole>,
    /// Desired side: a role the live side lacks is renamed from a live one the config drops.
    rename: bool,
}

impl Side {
    /// The name of role index `r` on this side.
    fn role(&self, r: usize) -> &'static str {
        if r < ROLES.len() {
            ROLES[r]
        } else {
            CUSTOM[self.roles[r - ROLES.len()].0]
        }
    }
}

fn arb_side() -> impl Strategy<Value = Side> {
    (
        (
            prop::sample::subsequence((1..USERS.len()).collect::<Vec<_>>(), 0..5),
            prop::collection::vec(any::<bool>(), USERS.len()),
            prop::sample::subsequence(vec![0usize, 1, 2], 0..=3),
            prop::collection::vec(
                prop::sample::subsequence((0..USERS.len()).collect::<Vec<_>>(), 0..3),
                3,
            ),
        ),
        prop::sample::subsequence(vec![0usize, 1, 2], 0..=3),
        prop::collection::vec(
            prop::collection::vec(
                (0usize..USERS.len() + 3, 0usize..ROLES.len() + CUSTOM.len()),
                0..5,
            ),
            3,
        ),
        (
            prop::sample::subsequence((0..CUSTOM.len()).collect::<Vec<_>>(), 0..=CUSTOM.len()),
            prop::collection::vec(
                (
                    0usize..DESCRIPTIONS.len(),
                    prop::sample::subsequence((0..PERMISSIONS.len()).collect::<Vec<_>>(), 0..=2),
                ),
                CUSTOM.len(),
            ),
            any::<bool>(),
        ),
        prop::collection::vec(0u8..4, 3),
    )
        .prop_map(
            |((members, owners, teams, team_members), wss, parts, (names, defs, rename), links)| {
                // User 0 (the acting user) is always an owner.
                let mut ms = vec![(0usize, true)];
                ms.extend(members.iter().map(|&u| (u, owners[u])));
                let is_member = |u: usize| ms.iter().any(|(m, _)| *m == u);
                let teams: Vec<(usize, Vec<usize>)> = teams
                    .iter()
                    .map(|&t| {
                        (
                            t,
                            team_members[t]
                                .iter()
                                .copied()
                                .filter(|u| is_member(*u))
                                .collect(),
                        )
                    })
                    .collect();
                let roles: Vec<RandomRole> = names
                    .iter()
                    .map(|&n| (n, defs[n].0, defs[n].1.clone()))
                    .collect();
                let workspaces = wss
                    .iter()
                    .map(|&w| {
                        let mut seen = BTreeSet::new();
                        let ps = parts[w]
                            .iter()
                            .filter_map(|&(who, role)| {
                                let who = if who < USERS.len() {
                                    Ok(who)
                                } else {
                                    let t = who - USERS.len();
                                    if !teams.iter().any(|(x, _)| *x == t) {
                                        return None;
                                    }
                                    Err(t)
                                };
                                // A custom role this side lacks becomes a predefined one.
                                let role = if role >= ROLES.len() + roles.len() {
                                    role % ROLES.len()
                                } else {
                                    role
                                };
                                seen.insert(who).then_some((who, role))
                            })
                            .collect();
                        (w, ps)
                    })
                    .collect();
                Side {
                    members: ms,
                    teams,
                    links,
                    workspaces,
                    roles,
                    rename,
                }
            },
        )
}

fn world_yaml(s: &Side) -> String {
    let mut y = String::from("users:\n");
    for (i, u) in USERS.iter().enumerate() {
        let token = if i == 0 { ", token: prop-token" } else { "" };
        y.push_str(&format!("  - {{email: {u}, userName: user{i}{token}}}\n"));
    }
    // Every org has an IdP group catalogue: a SCIM group and a manual one.
    y.push_str("organizations:\n  - name: lab\n    idpGroups:\n      - {name: g0, source: scim}\n      - {name: g1}\n");
    if !s.roles.is_empty() {
        y.push_str("    customRoles:\n");
        for (n, d, ps) in &s.roles {
            let ps: Vec<&str> = ps.iter().map(|p| PERMISSIONS[*p]).collect();
            y.push_str(&format!(
                "      - {{name: {}, description: {}, permissions: [{}]}}\n",
                CUSTOM[*n],
                DESCRIPTIONS[*d],
                ps.join(", ")
            ));
        }
    }
    y.push_str("    members:\n");
    for (u, owner) in &s.members {
        let role = if *owner { "owner" } else { "member" };
        y.push_str(&format!("      - {{email: {}, role: {role}}}\n", USERS[*u]));
    }
    if !s.teams.is_empty() {
        y.push_str("    teams:\n");
        for (t, ms) in &s.teams {
            let ms: Vec<&str> = ms.iter().map(|u| USERS[*u]).collect();
            // Live links: 0 none, 1 g0, 2 g1 (3 counts as none).
            let link = match s.links[*t] {
                1 => "        idpGroup: g0\n",
                2 => "        idpGroup: g1\n",
                _ => "",
            };
            y.push_str(&format!(
                "      - name: team{t}\n{link}        members: [{}]\n",
                ms.join(", ")
            ));
        }
    }
    if !s.workspaces.is_empty() {
        y.push_str("    workspaces:\n");
        for (w, ps) in &s.workspaces {
            if ps.is_empty() {
                y.push_str(&format!("      - name: ws{w}\n"));
                continue;
            }
            y.push_str(&format!("      - name: ws{w}\n        participants:\n"));
            for (who, role) in ps {
                let who = match who {
                    Ok(u) => format!("email: {}", USERS[*u]),
                    Err(t) => format!("team: team{t}"),
                };
                y.push_str(&format!("          - {{{who}, role: {}}}\n", s.role(*role)));
            }
        }
    }
    y
}

/// The `customRoles` of the desired side against `live`: its definitions (one of them renamed
/// from a live role the config drops, when `rename` is set), and as bare names the live roles
/// it drops that someone still holds in a workspace the config does not declare (the plan
/// would refuse to delete those).
fn custom_roles_yaml(desired: &Side, live: &Side) -> String {
    let live_names: Vec<usize> = live.roles.iter().map(|r| r.0).collect();
    let declared: Vec<usize> = desired.roles.iter().map(|r| r.0).collect();
    let mut dropped: Vec<usize> = live_names
        .iter()
        .copied()
        .filter(|n| !declared.contains(n))
        .collect();
    let mut y = String::new();
    for (n, d, ps) in &desired.roles {
        let ps: Vec<&str> = ps.iter().map(|p| PERMISSIONS[*p]).collect();
        let renamed = if desired.rename && !live_names.contains(n) && !dropped.is_empty() {
            format!(", renamedFrom: {}", CUSTOM[dropped.remove(0)])
        } else {
            String::new()
        };
        y.push_str(&format!(
            "  - {{name: {}, description: {}, permissions: [{}]{renamed}}}\n",
            CUSTOM[*n],
            DESCRIPTIONS[*d],
            ps.join(", ")
        ));
    }
    let declared_ws: Vec<usize> = desired.workspaces.iter().map(|w| w.0).collect();
    for n in dropped {
        let held = live
            .workspaces
            .iter()
            .filter(|(w, _)| !declared_ws.contains(w))
            .any(|(_, ps)| ps.iter().any(|(_, r)| live.role(*r) == CUSTOM[n]));
        if held {
            y.push_str(&format!("  - {}\n", CUSTOM[n]));
        }
    }
    y
}

fn config_yaml(s: &Side, live: &Side) -> String {
    let mut y = String::from(
        "kind: Settings\npolicy: {maxRemovalFraction: 1.0}\n---\nkind: Organization\nname: lab\n",
    );
    let roles = custom_roles_yaml(s, live);
    if !roles.is_empty() {
        y.push_str("customRoles:\n");
        y.push_str(&roles);
    }
    y.push_str("members:\n");
    for (u, owner) in &s.members {
        let role = if *owner { "owner" } else { "member" };
        y.push_str(&format!("  - {{user: {}, role: {role}}}\n", USERS[*u]));
    }
    y.push_str("teams:\n");
    if s.teams.is_empty() {
        y.truncate(y.len() - "teams:\n".len());
        y.push_str("teams: []\n");
    }
    for (t, ms) in &s.teams {
        let ms: Vec<&str> = ms.iter().map(|u| USERS[*u]).collect();
        match s.links[*t] {
            // A team that follows a group declares no members: the provider gives them.
            2 => y.push_str(&format!("  - name: team{t}\n    idpGroup: g0\n")),
            3 => y.push_str(&format!("  - name: team{t}\n    idpGroup: g1\n")),
            link => y.push_str(&format!(
                "  - name: team{t}\n{}    members: [{}]\n",
                if link == 1 {
                    "    idpGroup: null\n"
                } else {
                    ""
                },
                ms.join(", ")
            )),
        }
    }
    for (w, ps) in &s.workspaces {
        y.push_str(&format!(
            "---\nkind: Workspace\norg: lab\nname: ws{w}\nparticipants:\n"
        ));
        if ps.is_empty() {
            y.truncate(y.len() - "participants:\n".len());
            y.push_str("participants: []\n");
        }
        for (who, role) in ps {
            let who = match who {
                Ok(u) => format!("user: {}", USERS[*u]),
                Err(t) => format!("team: team{t}"),
            };
            y.push_str(&format!("  - {{{who}, role: {}}}\n", s.role(*role)));
        }
    }
    y
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    /// For random (live, desired) pairs, custom roles included (created, updated, renamed in
    /// place, deleted once no one holds them) and teams linked to IdP groups or not (linked,
    /// relinked, unlinked, links left unmanaged), apply then plan is empty, with no duplicates.
    #[test]
    fn apply_then_plan_is_empty_for_random_states(live in arb_side(), desired in arb_side()) {
        let p = Platform::start(&world_yaml(&live));
        let before: Vec<(String, i64)> = p.handle.world().organizations[0].custom_roles.iter()
            .map(|r| (r.value.name.value.clone(), r.value.id.as_ref().unwrap().value))
            .collect();
        let config = config_yaml(&desired, &live);
        let dir = config_dir(&[("c.yaml", &config)]);
        let d = dir.path().to_str().unwrap();
        let out = p.roster(&["apply", d, "--auto-approve", "--allow-destroy", "--rate", "1000"]).output().unwrap();
        prop_assert_eq!(out.status.code(), Some(0), "apply failed\n{}\n{}\nworld:\n{}\nconfig:\n{}",
            stdout(&out), stderr(&out), world_yaml(&live), config);
        let again = p.roster(&["plan", d, "--detailed-exitcode", "--rate", "1000"]).output().unwrap();
        prop_assert_eq!(again.status.code(), Some(0), "not converged\n{}\n{}\nworld:\n{}\nconfig:\n{}",
            stdout(&again), stderr(&again), world_yaml(&live), config);
        assert_no_duplicates(&p);
        // Never delete-and-recreate: a role kept under its name, or renamed by the config, keeps
        // its id; what is left is what the config names.
        let ids = |w: &seqera_emulator::World| -> Vec<(String, i64)> {
            w.organizations[0].custom_roles.iter()
                .map(|r| (r.value.name.value.clone(), r.value.id.as_ref().unwrap().value))
                .collect()
        };
        let renames: Vec<(String, String)> = config.lines().filter_map(|l| {
            let (head, old) = l.split_once(", renamedFrom: ")?;
            let new = head.split("name: ").nth(1)?.split(',').next()?;
            Some((new.to_string(), old.trim_end_matches('}').to_string()))
        }).collect();
        let now = ids(&p.handle.world());
        for (name, id) in &now {
            let was = renames.iter().find(|(n, _)| n == name).map_or(name.as_str(), |(_, o)| o.as_str());
            if let Some((_, before)) = before.iter().find(|(n, _)| n == was) {
                prop_assert_eq!(id, before, "role {} was recreated\n{}", name, config);
            }
            // Without a definition, custom roles are unmanaged and stay as they are.
            prop_assert!(desired.roles.is_empty()
                || desired.roles.iter().any(|r| CUSTOM[r.0] == name)
                || config.contains(&format!("  - {name}\n")), "{} left over\n{}", name, config);
        }
        prop_assert!(p.stats().calls("CreateRole") as usize <= desired.roles.len());
    }
}
