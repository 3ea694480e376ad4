//! `roster plan` over HTTP against the emulator: every kind of change, snapshots of the three
//! renderers, API call counts against the lower bound, determinism, exit codes, guard rails, the
//! sandbox, and that the token never leaks.

use std::path::Path;

use crate::support::{
    Platform, config_dir, copy_dir, expect_exit, manifest_dir, roster, stderr, stdout,
};

fn every_change_world() -> String {
    std::fs::read_to_string(
        manifest_dir().join("tests/fixtures/plan/every-change/.roster/sandbox.world.yaml"),
    )
    .unwrap()
}

const EVERY_CHANGE: &str = "tests/fixtures/plan/every-change";

/// Snapshot settings: the emulator's port differs per run.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        // The port differs per run, and so does the plan digest, which covers the endpoint.
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r#""digest": "[0-9a-f]{64}""#, r#""digest": "DIGEST""#),
            (r"plan digest `[0-9a-f]{64}`", "plan digest `DIGEST`"),
            (r"roster-plan-digest: [0-9a-f]{64}", "roster-plan-digest: DIGEST"),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

#[test]
fn every_kind_of_change_is_planned_and_rendered_in_three_formats() {
    let p = Platform::start(&every_change_world());
    let json = expect_exit(
        &mut p.roster(&["plan", EVERY_CHANGE, "--format", "json", "--allow-destroy"]),
        0,
    );
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json plan");
    let kinds: std::collections::BTreeSet<(String, String)> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for kind in [
        "organization",
        "member",
        "team",
        "team-member",
        "workspace",
        "participant",
    ] {
        for action in ["create", "update", "delete"] {
            if (kind == "team-member" && action == "update")
                || (kind == "organization" && action == "delete")
            {
                continue; // never planned: team memberships have no attributes; orgs are never deleted
            }
            assert!(
                kinds.contains(&(kind.to_string(), action.to_string())),
                "no {kind} {action} in the plan"
            );
        }
    }
    assert!(kinds.contains(&("studios".into(), "update".into())));
    assert!(kinds.contains(&("label".into(), "create".into())));
    assert!(kinds.contains(&("label".into(), "delete".into())));
    assert_eq!(plan["unmanaged"][0]["address"], "org/lab/workspace/legacy");
    snapshot!("plan_every_change_json", stdout(&json));

    let text = expect_exit(&mut p.roster(&["plan", EVERY_CHANGE, "--allow-destroy"]), 0);
    snapshot!("plan_every_change_text", stdout(&text));
    let md = expect_exit(
        &mut p.roster(&[
            "plan",
            EVERY_CHANGE,
            "--format",
            "markdown",
            "--allow-destroy",
        ]),
        0,
    );
    snapshot!("plan_every_change_markdown", stdout(&md));
    // Planning writes nothing.
    assert_eq!(p.writes(), 0);
}

#[test]
fn plans_are_byte_identical_across_runs() {
    let p = Platform::start(&every_change_world());
    for format in ["text", "markdown", "json"] {
        let args = ["plan", EVERY_CHANGE, "--format", format, "--allow-destroy"];
        let a = expect_exit(&mut p.roster(&args), 0);
        let b = expect_exit(&mut p.roster(&args), 0);
        assert_eq!(stdout(&a), stdout(&b), "{format} differs between runs");
    }
}

/// A world with enough members, team members and participants to need several pages.
fn big_world(members: usize, participants: usize) -> (String, String) {
    let mut world =
        String::from("users:\n  - {email: owner@big.org, userName: owner, token: big-token}\n");
    let mut org_members =
        String::from("    members:\n      - {email: owner@big.org, role: owner}\n");
    let mut config = String::from(
        "kind: Settings\npolicy: {maxRemovalFraction: 1.0}\n---\nkind: Organization\nname: big\nmembers:\n  - {user: owner@big.org, role: owner}\n",
    );
    for i in 0..members {
        world.push_str(&format!("  - {{email: u{i}@big.org, userName: u{i}}}\n"));
        org_members.push_str(&format!("      - {{email: u{i}@big.org}}\n"));
        config.push_str(&format!("  - user: u{i}@big.org\n"));
    }
    config.push_str("teams:\n  - name: all\n    members:\n");
    let mut team_members = String::new();
    for i in 0..members.min(150) {
        config.push_str(&format!("      - u{i}@big.org\n"));
        team_members.push_str(&format!("u{i}@big.org, "));
    }
    let mut ws_participants = String::new();
    config.push_str("---\nkind: Workspace\norg: big\nname: main\nparticipants:\n");
    for i in 0..participants {
        ws_participants.push_str(&format!(
            "          - {{email: u{i}@big.org, role: view}}\n"
        ));
        config.push_str(&format!("  - {{user: u{i}@big.org, role: view}}\n"));
    }
    world.push_str(&format!(
        "organizations:\n  - name: big\n{org_members}    teams:\n      - name: all\n        members: [{team_members}]\n    workspaces:\n      - name: main\n        participants:\n{ws_participants}"
    ));
    (world, config)
}

#[test]
fn a_plan_makes_exactly_the_lower_bound_of_api_calls() {
    // 1 owner + 250 members = 251 members (3 pages); 150 team members (2 pages);
    // 120 participants (2 pages); collaborators, teams: 1 page each; workspaces is not paged.
    let (world, config) = big_world(250, 120);
    let p = Platform::start(&world);
    let dir = config_dir(&[("config.yaml", &config)]);
    p.reset_stats();
    let out = expect_exit(
        &mut p.roster(&["plan", dir.path().to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
    let stats = p.stats();
    let pages = |n: usize| n.div_ceil(100).max(1) as u64;
    let lower_bound = 1 // UserInfo
        + 1 // ListOrganizations
        + pages(251) // members
        + pages(0) // collaborators
        + pages(1) // teams
        + pages(150) // team members
        + 1 // workspaces
        + pages(120); // participants
    assert_eq!(stats.total, lower_bound, "{:#?}", stats.requests);
    assert_eq!(stats.calls("ListOrganizationMembers"), 3);
    assert_eq!(stats.calls("ListWorkspaceParticipants"), 2);
    assert_eq!(stats.writes, 0);
}

#[test]
fn detailed_exit_codes_tell_changes_from_no_changes() {
    let p = Platform::start(&every_change_world());
    expect_exit(
        &mut p.roster(&[
            "plan",
            EVERY_CHANGE,
            "--detailed-exitcode",
            "--allow-destroy",
        ]),
        2,
    );
    expect_exit(&mut p.roster(&["plan", EVERY_CHANGE, "--allow-destroy"]), 0);
    let empty_world = "users:\n  - {email: admin@lab.org, userName: admin, token: t}\norganizations:\n  - name: solo\n    members:\n      - {email: admin@lab.org, role: owner}\n";
    let q = Platform::start(empty_world);
    let dir = config_dir(&[(
        "o.yaml",
        "kind: Organization\nname: solo\nmembers:\n  - {user: admin@lab.org, role: owner}\n",
    )]);
    let out = expect_exit(
        &mut q.roster(&["plan", dir.path().to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&out).contains("No changes"));
}

#[test]
fn a_rejected_token_names_the_endpoint_and_exits_1() {
    let p = Platform::start(&every_change_world());
    let out = expect_exit(
        p.roster(&["plan", EVERY_CHANGE, "--detailed-exitcode"])
            .env("TOWER_ACCESS_TOKEN", "not-a-valid-token"),
        1,
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!("token rejected by {}", p.url())),
        "{err}"
    );
    assert!(
        err.contains("UserInfo") || err.contains("ListOrganizations"),
        "{err}"
    );
    assert_eq!(p.stats().count("UserInfo", 401), 1, "401 is not retried");
}

#[test]
fn a_missing_token_is_a_clear_error_naming_the_variable() {
    let out = expect_exit(roster().args(["plan", "examples/biocommons"]), 1);
    let err = stderr(&out);
    assert!(err.contains("set BIOCOMMONS_TOWER_TOKEN"), "{err}");
    assert!(err.contains("--sandbox"), "{err}");
}

#[test]
fn plain_http_is_refused_except_to_loopback() {
    let dir = config_dir(&[("o.yaml", "kind: Organization\nname: lab\n")]);
    let out = expect_exit(
        roster()
            .args([
                "plan",
                dir.path().to_str().unwrap(),
                "--endpoint",
                "http://seqera.example.org/api",
            ])
            .env("TOWER_ACCESS_TOKEN", "x"),
        1,
    );
    assert!(
        stderr(&out).contains("refusing plain http"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn guard_rails_refuse_the_plan_naming_their_override() {
    let p = Platform::start(&every_change_world());
    let out = expect_exit(&mut p.roster(&["plan", EVERY_CHANGE]), 1);
    let err = stderr(&out);
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("--allow-destroy"), "{err}");
    // The plan is still shown, so the reviewer sees what was refused: the change itself, and the
    // refusal naming its override with the address it refuses, right below it.
    let shown = stdout(&out);
    assert!(
        shown.contains("- workspace beta (description: (none), visibility: private)"),
        "the refused delete is in the plan:\n{shown}"
    );
    let lines: Vec<&str> = shown.lines().collect();
    let refusal = lines
        .iter()
        .position(|l| l.trim_start().starts_with("✗ destroy:"))
        .unwrap_or_else(|| panic!("no destroy refusal in the plan:\n{shown}"));
    assert!(
        lines[refusal].ends_with("(override with --allow-destroy)"),
        "{shown}"
    );
    assert_eq!(
        lines.get(refusal + 1).map(|l| l.trim()),
        Some("org/lab/workspace/beta"),
        "the refusal names what it refuses:\n{shown}"
    );
    assert!(shown.contains("Refused by guard rails:"), "{shown}");
    // A refused plan is not saved.
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("plan.json");
    expect_exit(
        &mut p.roster(&["plan", EVERY_CHANGE, "--out", saved.to_str().unwrap()]),
        1,
    );
    assert!(!saved.exists());
}

#[test]
fn a_saved_plan_holds_the_digest_endpoint_and_fingerprints_but_no_secret() {
    let secret = "tok-DISTINCTIVE-5e1f0c9a7b3d";
    let world = every_change_world().replace("admin-token", secret);
    let p = Platform::start(&world);
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("plan.json");
    let audit = tmp.path().join("audit.jsonl");
    let mut outputs = Vec::new();
    for args in [
        vec!["plan", EVERY_CHANGE, "--allow-destroy", "-vvv"],
        vec![
            "plan",
            EVERY_CHANGE,
            "--allow-destroy",
            "--format",
            "markdown",
        ],
        vec![
            "plan",
            EVERY_CHANGE,
            "--allow-destroy",
            "--format",
            "json",
            "--out",
            saved.to_str().unwrap(),
        ],
        vec![
            "apply",
            EVERY_CHANGE,
            "--allow-destroy",
            "--auto-approve",
            "-vv",
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    ] {
        let o = p.roster(&args).output().unwrap();
        outputs.push(stdout(&o));
        outputs.push(stderr(&o));
    }
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(plan["format_version"], "1");
    assert_eq!(plan["desired_digest"].as_str().unwrap().len(), 64);
    assert_eq!(plan["targets"][0]["endpoint"], p.url());
    assert_eq!(plan["targets"][0]["token_env"], "TOWER_ACCESS_TOKEN");
    assert!(plan["targets"][0]["fingerprints"]["org/lab/members"].is_string());
    outputs.push(std::fs::read_to_string(&saved).unwrap());
    outputs.push(std::fs::read_to_string(&audit).unwrap());
    assert!(
        outputs.iter().any(|o| o.contains("admin@lab.org")),
        "outputs were captured"
    );
    for o in &outputs {
        assert!(!o.contains(secret), "the token leaked:\n{o}");
    }
}

#[test]
fn the_sandbox_quick_start_needs_no_account_and_converges() {
    let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
    let d = dir.path().to_str().unwrap();
    let plan = expect_exit(
        roster().args(["plan", "--sandbox", d, "--detailed-exitcode"]),
        2,
    );
    let text = stdout(&plan);
    for expected in [
        "training",
        "former.postdoc@uq.edu.au",
        "liam.oconnor@wehi.edu.au",
        "k.wright@sahmri.org.au",
        "scratch-2023",
    ] {
        assert!(text.contains(expected), "plan lacks {expected}:\n{text}");
    }
    assert!(stderr(&plan).contains("Sandbox: a local Seqera Platform emulator"));
    expect_exit(
        roster().args(["apply", "--sandbox", d, "--auto-approve"]),
        0,
    );
    let again = expect_exit(
        roster().args(["plan", "--sandbox", d, "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&again).contains("No changes"), "{}", stdout(&again));
    // The state lives under .roster/sandbox/, which is never read as config.
    assert!(Path::new(d).join(".roster/sandbox/state.yaml").exists());
    expect_exit(roster().args(["validate", d]), 0);
}

/// The live side of `effective_access_*`: teams `core` (carol, dave) with maintain on `alpha`
/// and `ops` (dave, erin) with launch on `alpha` and admin on `beta`; dave's own view on alpha.
const TEAMS_WORLD: &str = "users:
  - {email: admin@lab.org, userName: admin, token: admin-token}
  - {email: carol@lab.org, userName: carol}
  - {email: dave@lab.org, userName: dave}
  - {email: erin@lab.org, userName: erin}
  - {email: fay@lab.org, userName: fay}
organizations:
  - name: lab
    members:
      - {email: admin@lab.org, role: owner}
      - {email: carol@lab.org}
      - {email: dave@lab.org}
      - {email: erin@lab.org}
      - {email: fay@lab.org}
    teams:
      - name: core
        members: [carol@lab.org, dave@lab.org]
      - name: ops
        members: [dave@lab.org, erin@lab.org]
    workspaces:
      - name: alpha
        participants:
          - {team: core, role: maintain}
          - {team: ops, role: launch}
          - {email: dave@lab.org, role: view}
      - name: beta
        participants:
          - {team: ops, role: admin}
";

#[test]
fn effective_access_counts_team_membership_and_shows_each_role_change() {
    let p = Platform::start(TEAMS_WORLD);
    // The change: carol leaves core (she loses alpha), dave leaves core (he keeps alpha through
    // ops, at launch), fay joins ops (she gains alpha and beta through it), and ops's role on
    // beta drops to maintain (erin's and dave's effective role there changes).
    let dir = config_dir(&[
        ("roster.yaml", "kind: Settings\n"),
        (
            "lab.yaml",
            "kind: Organization
name: lab
members:
  - {user: admin@lab.org, role: owner}
  - user: carol@lab.org
  - user: dave@lab.org
  - user: erin@lab.org
  - user: fay@lab.org
teams:
  - name: core
    members: []
  - name: ops
    members: [dave@lab.org, erin@lab.org, fay@lab.org]
",
        ),
        (
            "alpha.yaml",
            "kind: Workspace
org: lab
name: alpha
participants:
  - {team: core, role: maintain}
  - {team: ops, role: launch}
  - {user: dave@lab.org, role: view}
",
        ),
        (
            "beta.yaml",
            "kind: Workspace
org: lab
name: beta
participants:
  - {team: ops, role: maintain}
",
        ),
    ]);
    let d = dir.path().to_str().unwrap();
    let json = expect_exit(&mut p.roster(&["plan", d, "--format", "json"]), 0);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json plan");
    let access = |user: &str| {
        plan["access"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["user"] == user)
            .unwrap_or_else(|| panic!("no access entry for {user}: {:#}", plan["access"]))
            .clone()
    };
    let carol = access("carol@lab.org");
    assert_eq!(
        carol["loses"],
        serde_json::json!(["lab/alpha: maintain (via team core)"])
    );
    assert_eq!(
        carol["effective"],
        serde_json::json!([{"place": "lab/alpha", "before": {"role": "maintain", "via": "core"}}])
    );
    let dave = access("dave@lab.org");
    assert_eq!(
        dave["changes"],
        serde_json::json!([
            "lab/alpha: maintain (via team core) → launch (via team ops)",
            "lab/beta: admin (via team ops) → maintain (via team ops)"
        ])
    );
    assert!(
        dave.get("loses").is_none(),
        "dave keeps alpha through ops: {dave:#}"
    );
    let fay = access("fay@lab.org");
    assert_eq!(
        fay["gains"],
        serde_json::json!([
            "lab/alpha: launch (via team ops)",
            "lab/beta: maintain (via team ops)"
        ])
    );
    let erin = access("erin@lab.org");
    assert_eq!(
        erin["effective"],
        serde_json::json!([{
            "place": "lab/beta",
            "before": {"role": "admin", "via": "ops"},
            "after": {"role": "maintain", "via": "ops"}
        }])
    );
    // admin's access does not change, so admin has no entry.
    assert!(
        plan["access"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["user"] != "admin@lab.org")
    );

    let text = expect_exit(&mut p.roster(&["plan", d]), 0);
    let text = stdout(&text);
    let section = text
        .split("Who gains and who loses access:\n")
        .nth(1)
        .expect("an access section")
        .split("\n\n")
        .next()
        .unwrap();
    insta::assert_snapshot!("plan_effective_access_text", section);
    let md = expect_exit(&mut p.roster(&["plan", d, "--format", "markdown"]), 0);
    let md = stdout(&md);
    let start = md
        .find("#### Who gains and who loses access")
        .expect("markdown access section");
    let end = md[start..]
        .find("\n```\n")
        .map_or(md.len(), |i| start + i + 5);
    insta::assert_snapshot!("plan_effective_access_markdown", &md[start..end]);
    assert_eq!(p.writes(), 0);
}
