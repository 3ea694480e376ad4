//! Grants with an end, against the emulator: a plan at time T (`ROSTER_NOW`, never the wall
//! clock) removes exactly the grants whose `expires` is before T, each with "expired on DATE
//! (reason)" in text, Markdown and JSON; `apply --expired-only` applies only those removals
//! (guard rails still on, the removal fraction not counting them), records the reason in the
//! audit log and converges; `validate` warns and `--strict` fails; `roster expiring` lists exactly
//! the grants in (T, T + window]; a pull request's plan lists the ends it sets. The acceptance
//! property runs against the emulator with random ends and clocks.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;

use crate::support::{Platform, config_dir, expect_exit, git, roster, stderr, stdout};

/// The platform as an earlier apply left it: everyone the config names has their access, plus
/// whatever `extra_members` adds (drift).
fn world(extra_members: &[&str]) -> String {
    let mut w = String::from(
        "users:\n  - {email: admin@lab.org, userName: admin, token: lab-token}\n  - {email: a@lab.org, userName: auser}\n  - {email: b@lab.org, userName: buser}\n  - {email: c@lab.org, userName: cuser}\n  - {email: v@partner.org, userName: visitor}\n  - {email: w@partner.org, userName: wuser}\n",
    );
    for e in extra_members {
        w.push_str(&format!(
            "  - {{email: {e}, userName: {}}}\n",
            e.split('@').next().unwrap()
        ));
    }
    w.push_str("organizations:\n  - name: lab\n    members:\n      - {email: admin@lab.org, role: owner}\n      - {email: a@lab.org}\n      - {email: b@lab.org}\n      - {email: c@lab.org}\n");
    for e in extra_members {
        w.push_str(&format!("      - {{email: {e}}}\n"));
    }
    w.push_str("    teams:\n      - name: core\n        members: [a@lab.org, b@lab.org]\n    workspaces:\n      - name: rnaseq\n        participants:\n          - {team: core, role: view}\n          - {email: a@lab.org, role: launch}\n          - {email: c@lab.org, role: maintain}\n          - {email: v@partner.org, role: view}\n          - {email: w@partner.org, role: view}\n");
    w
}

const SETTINGS: &str = "kind: Settings\npolicy:\n  maxRemovalFraction: 0.05\n";

/// `a`'s membership ended on 2030-01-01 (with it, their team membership and participation);
/// `b`'s team membership on 2030-01-05; `v`'s participation on 2030-01-03; `c`'s membership
/// ends on 2030-01-20; `w`'s participation on 2030-02-01.
const ORG: &str = "\
kind: Organization
name: lab
members:
  - {user: admin@lab.org, role: owner}
  - {user: a@lab.org, expires: 2030-01-01, reason: summer school}
  - user: b@lab.org
  - user: c@lab.org
    expires: 2030-01-20
    reason: thesis
teams:
  - name: core
    members:
      - a@lab.org
      - {user: b@lab.org, expires: 2030-01-05}
---
kind: Workspace
org: lab
name: rnaseq
participants:
  - {team: core, role: view}
  - {user: a@lab.org, role: launch}
  - {user: c@lab.org, role: maintain}
  - {user: v@partner.org, role: view, expires: 2030-01-03, reason: site visit}
  - {user: w@partner.org, role: view, expires: '2030-02-01T09:00:00+10:00'}
";

const T: &str = "2030-01-10";

fn lab() -> tempfile::TempDir {
    config_dir(&[("roster.yaml", SETTINGS), ("lab.yaml", ORG)])
}

fn at(p: &Platform, now: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = p.roster(args);
    cmd.env("ROSTER_NOW", now);
    cmd
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// The removals of a JSON plan, as `ADDRESS: REASON`.
fn removals(plan: &Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["action"], "delete", "{c}");
            let e = &c["expired"];
            format!(
                "{}: {} {} {}",
                c["address"].as_str().unwrap(),
                e["on"].as_str().unwrap_or("-"),
                e["reason"].as_str().unwrap_or("-"),
                e["membership"].as_str().unwrap_or("-"),
            )
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

const EXPECTED: [&str; 5] = [
    "org/lab/member/user:a@lab.org: 2030-01-01 summer school -",
    "org/lab/team/core/member/user:a@lab.org: 2030-01-01 summer school org/lab/member/user:a@lab.org",
    "org/lab/team/core/member/user:b@lab.org: 2030-01-05 - -",
    "org/lab/workspace/rnaseq/participant/user:a@lab.org: 2030-01-01 summer school org/lab/member/user:a@lab.org",
    "org/lab/workspace/rnaseq/participant/user:v@partner.org: 2030-01-03 site visit -",
];

#[test]
fn a_plan_removes_what_expired_before_the_clock_with_the_reason() {
    let p = Platform::start(&world(&[]));
    let dir = lab();
    let d = dir.path().to_str().unwrap();

    // Before anything ends: nothing to do.
    let o = expect_exit(
        &mut at(&p, "2029-12-31", &["plan", d, "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&o).contains("No changes."), "{}", stdout(&o));

    // At T: exactly the expired grants, and a's team membership and participation with the
    // membership; not refused by the removal rail (5% would refuse any other removal).
    let o = expect_exit(&mut at(&p, T, &["plan", d, "--format", "json"]), 0);
    let plan = json(&o);
    assert_eq!(removals(&plan), EXPECTED);
    assert_eq!(plan["violations"], serde_json::json!([]));

    let o = expect_exit(&mut at(&p, T, &["plan", d]), 0);
    let text = stdout(&o);
    assert!(
        text.contains("expired on 2030-01-03 (site visit)"),
        "{text}"
    );
    assert!(
        text.contains("expired on 2030-01-01 (summer school), with the organization membership"),
        "{text}"
    );
    let o = expect_exit(&mut at(&p, T, &["plan", d, "--format", "markdown"]), 0);
    let md = stdout(&o);
    assert!(md.contains("expired on 2030-01-05"), "{md}");
    assert!(md.contains("expired on 2030-01-01 (summer school)"), "{md}");

    // A grant that expired but is not on the platform plans nothing; an instant exactly at an
    // end keeps the grant (it holds up to and including its `expires`).
    let o = expect_exit(
        &mut at(&p, "2030-01-03T00:00:00Z", &["plan", d, "--format", "json"]),
        0,
    );
    let got = removals(&json(&o));
    assert!(got.iter().all(|r| !r.contains("v@partner.org")), "{got:?}");
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(p.writes(), 0, "plans write nothing");
}

#[test]
fn apply_expired_only_removes_only_expired_grants_and_records_why() {
    let p = Platform::start(&world(&["stray@lab.org"]));
    let dir = lab();
    let d = dir.path().to_str().unwrap();
    let audit = dir.path().join("audit.jsonl");

    // The full plan also removes the stray member, and the removal rail refuses it.
    let o = expect_exit(&mut at(&p, T, &["plan", d, "--format", "json"]), 1);
    assert!(
        json(&o)["violations"][0]["rail"] == "max-removal-fraction",
        "{}",
        stdout(&o)
    );

    // --expired-only: the expired grants only, the stray member held back.
    let o = expect_exit(
        &mut at(&p, T, &["plan", d, "--expired-only", "--format", "json"]),
        0,
    );
    let plan = json(&o);
    assert_eq!(removals(&plan), EXPECTED);
    assert_eq!(plan["expired_only"], true);
    assert_eq!(
        plan["held"],
        serde_json::json!([{"address": "org/lab/member/user:stray@lab.org", "action": "delete", "kind": "member"}])
    );
    let o = expect_exit(&mut at(&p, T, &["plan", d, "--expired-only"]), 0);
    assert!(stdout(&o).contains("Held back"), "{}", stdout(&o));

    let o = expect_exit(
        &mut at(
            &p,
            T,
            &[
                "apply",
                d,
                "--expired-only",
                "--auto-approve",
                "--audit-log",
                audit.to_str().unwrap(),
            ],
        ),
        0,
    );
    assert!(
        stdout(&o).contains("5 applied, 0 failed"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let log = std::fs::read_to_string(&audit).unwrap();
    let records: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 5);
    for r in &records {
        assert_eq!(r["status"], "applied");
        assert!(
            r["reason"]
                .as_str()
                .unwrap()
                .starts_with("expired on 2030-01-0"),
            "{r}"
        );
    }
    assert!(
        log.contains(r#""reason":"expired on 2030-01-03 (site visit)""#),
        "{log}"
    );

    // Converged: nothing expired is left; the stray member is still there (only a full apply
    // removes it).
    let o = expect_exit(
        &mut at(&p, T, &["plan", d, "--expired-only", "--detailed-exitcode"]),
        0,
    );
    assert!(
        stdout(&o).contains("No grant on the platform has expired."),
        "{}",
        stdout(&o)
    );
    let o = expect_exit(&mut at(&p, T, &["plan", d, "--format", "json"]), 1);
    assert_eq!(
        removals(&json(&o)),
        ["org/lab/member/user:stray@lab.org: - - -"]
    );
}

#[test]
fn a_saved_expired_only_plan_applies_exactly_and_a_stale_clock_is_refused() {
    let p = Platform::start(&world(&["stray@lab.org"]));
    let dir = lab();
    let d = dir.path().to_str().unwrap();
    let saved = dir.path().join("expire.json");
    let s = saved.to_str().unwrap();
    expect_exit(
        &mut at(&p, T, &["plan", d, "--expired-only", "--out", s]),
        0,
    );
    // Later, c's membership has ended too: the saved plan is not what the config gives now.
    let o = expect_exit(&mut at(&p, "2030-01-21", &["apply", s]), 1);
    assert!(stderr(&o).contains("is not the plan"), "{}", stderr(&o));
    assert_eq!(p.writes(), 0);
    let o = expect_exit(&mut at(&p, T, &["apply", s]), 0);
    assert!(stdout(&o).contains("5 applied"), "{}", stdout(&o));
}

#[test]
fn expired_only_is_not_change_scoped() {
    let o = expect_exit(
        roster().args(["plan", "--expired-only", "--changed-from", "main"]),
        1,
    );
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

#[test]
fn an_expired_owner_below_the_minimum_is_refused_even_expired_only() {
    let p = Platform::start(&world(&[]).replace(
        "      - {email: a@lab.org}\n",
        "      - {email: a@lab.org, role: owner}\n",
    ));
    let dir = config_dir(&[
        (
            "roster.yaml",
            "kind: Settings\npolicy:\n  minOrgOwners: 2\n",
        ),
        (
            "lab.yaml",
            "kind: Organization\nname: lab\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - {user: a@lab.org, role: owner, expires: 2030-01-01}\n  - {user: b@lab.org, role: owner}\n",
        ),
    ]);
    let d = dir.path().to_str().unwrap();
    // b is not an owner on the platform yet: a's end would leave one owner.
    let o = expect_exit(
        &mut at(&p, T, &["apply", d, "--expired-only", "--auto-approve"]),
        1,
    );
    assert!(stderr(&o).contains("--allow-few-owners"), "{}", stderr(&o));
    assert_eq!(p.writes(), 0);
}

#[test]
fn validate_warns_about_ends_and_strict_fails_on_expired_ones() {
    let dir = lab();
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(
        roster()
            .args(["validate", d, "--format", "json"])
            .env("ROSTER_NOW", T),
        0,
    );
    let doc = json(&o);
    let diags: Vec<(String, String, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_string(),
                x["severity"].as_str().unwrap().to_string(),
                x["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        diags,
        [
            ("expired".to_string(), "warning".to_string(), 5),
            ("expires-soon".to_string(), "warning".to_string(), 8),
            ("expired".to_string(), "warning".to_string(), 14),
            ("expired".to_string(), "warning".to_string(), 23),
        ]
    );
    // A wider window also warns about w's end; a narrower one about none.
    let o = expect_exit(
        roster()
            .args(["validate", d, "--warn-within", "4w"])
            .env("ROSTER_NOW", T),
        0,
    );
    assert_eq!(stderr(&o).matches("warning[expires-soon]").count(), 2);
    let o = expect_exit(
        roster()
            .args(["validate", d, "--warn-within", "1d"])
            .env("ROSTER_NOW", T),
        0,
    );
    assert!(!stderr(&o).contains("expires-soon"), "{}", stderr(&o));
    let o = expect_exit(
        roster()
            .args(["validate", d, "--strict"])
            .env("ROSTER_NOW", T),
        1,
    );
    assert_eq!(stderr(&o).matches("error[expired]").count(), 3);
    assert!(stderr(&o).contains("lab.yaml:5:32"), "{}", stderr(&o));
    // Before any end: clean.
    let o = expect_exit(
        roster()
            .args(["validate", d, "--strict"])
            .env("ROSTER_NOW", "2029-01-01"),
        0,
    );
    assert!(
        stderr(&o).trim().ends_with("valid: 3 documents in 2 files"),
        "{}",
        stderr(&o)
    );
    // Bad spans and clocks are errors, not panics.
    let o = expect_exit(
        roster()
            .args(["validate", d, "--warn-within", "soon"])
            .env("ROSTER_NOW", T),
        1,
    );
    assert!(stderr(&o).contains("--warn-within soon"), "{}", stderr(&o));
    let o = expect_exit(
        roster().args(["validate", d]).env("ROSTER_NOW", "tomorrow"),
        1,
    );
    assert!(stderr(&o).contains("ROSTER_NOW"), "{}", stderr(&o));
}

#[test]
fn expiring_lists_exactly_the_grants_in_the_window() {
    let dir = lab();
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(
        roster()
            .args(["expiring", d, "--format", "json", "--detailed-exitcode"])
            .env("ROSTER_NOW", T),
        2,
    );
    let doc = json(&o);
    assert_eq!(doc["now"], T);
    assert_eq!(doc["within"], "14d");
    assert_eq!(doc["until"], "2030-01-24");
    let grants = doc["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 1, "{doc}");
    assert_eq!(grants[0]["address"], "org/lab/member/user:c@lab.org");
    assert_eq!(grants[0]["expires"], "2030-01-20");
    assert_eq!(grants[0]["reason"], "thesis");
    assert_eq!(grants[0]["role"], "member");
    let at_line = grants[0]["declared_at"].as_str().unwrap();
    assert!(at_line.ends_with("lab.yaml:7:11"), "{at_line}");

    let o = expect_exit(
        roster()
            .args(["expiring", d, "--within", "4w"])
            .env("ROSTER_NOW", T),
        0,
    );
    let text = stdout(&o);
    assert!(text.starts_with("2 grants expire within 28d"), "{text}");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert!(lines[0].contains("2030-01-20  org/lab/member/user:c@lab.org (member)  thesis"));
    assert!(lines[1].contains(
        "2030-01-31T23:00:00Z  org/lab/workspace/rnaseq/participant/user:w@partner.org (view)"
    ));

    let o = expect_exit(
        roster()
            .args(["expiring", d, "--format", "markdown"])
            .env("ROSTER_NOW", T),
        0,
    );
    let md = stdout(&o);
    assert!(md.starts_with("### Access that expires within 14d"), "{md}");
    assert!(
        md.contains("- **2030-01-20** `org/lab/member/user:c@lab.org` (member): thesis"),
        "{md}"
    );

    // An end exactly at the window's edge is in; exactly now is out (it is still in force,
    // and no longer "soon").
    let o = expect_exit(
        roster()
            .args(["expiring", d, "--within", "10d", "--format", "json"])
            .env("ROSTER_NOW", T),
        0,
    );
    assert_eq!(json(&o)["grants"].as_array().unwrap().len(), 1);
    let o = expect_exit(
        roster()
            .args([
                "expiring",
                d,
                "--within",
                "1d",
                "--format",
                "json",
                "--detailed-exitcode",
            ])
            .env("ROSTER_NOW", "2030-01-20"),
        0,
    );
    assert_eq!(json(&o)["grants"], serde_json::json!([]));
    let o = expect_exit(
        roster()
            .args(["expiring", d, "--within", "0d"])
            .env("ROSTER_NOW", T),
        1,
    );
    assert!(stderr(&o).contains("--within 0d"), "{}", stderr(&o));
}

fn commit(dir: &Path, msg: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", msg]);
}

#[test]
fn a_pull_request_plan_lists_the_ends_it_adds_or_extends() {
    let p = Platform::start(&world(&[]));
    let dir = lab();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    commit(dir.path(), "base");
    git(dir.path(), &["checkout", "-q", "-b", "pr"]);
    let text = ORG
        .replace("    expires: 2030-01-20\n", "    expires: 2030-03-20\n")
        .replace(
            "  - user: b@lab.org\n",
            "  - {user: b@lab.org, expires: 2030-06-30, reason: contract}\n",
        )
        .replace(
            "  - {user: w@partner.org, role: view, expires: '2030-02-01T09:00:00+10:00'}\n",
            "  - {user: w@partner.org, role: view}\n",
        );
    std::fs::write(dir.path().join("lab.yaml"), text).unwrap();
    commit(dir.path(), "ends");
    let d = dir.path().to_str().unwrap();
    let o = expect_exit(
        &mut at(
            &p,
            "2029-12-01",
            &["plan", d, "--changed-from", "main", "--format", "json"],
        ),
        0,
    );
    let plan = json(&o);
    let got: Vec<String> = plan["expiries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["address"].as_str().unwrap(),
                e["change"].as_str().unwrap(),
                e["before"].as_str().unwrap_or("-"),
                e["after"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "org/lab/member/user:b@lab.org added - 2030-06-30",
            "org/lab/member/user:c@lab.org extended 2030-01-20 2030-03-20",
            "org/lab/workspace/rnaseq/participant/user:w@partner.org removed 2030-01-31T23:00:00Z -",
        ]
    );
    let o = expect_exit(
        &mut at(
            &p,
            "2029-12-01",
            &["plan", d, "--changed-from", "main", "--format", "markdown"],
        ),
        0,
    );
    let md = stdout(&o);
    assert!(
        md.contains("#### Ends of grants this change sets (3)"),
        "{md}"
    );
    assert!(
        md.contains(
            "! org/lab/member/user:c@lab.org: end extended 2030-01-20 → 2030-03-20 (thesis)"
        ),
        "{md}"
    );
    assert!(
        md.contains("+ org/lab/member/user:b@lab.org: ends 2030-06-30 (end added) (contract)"),
        "{md}"
    );

    // Without a base, every grant with an end among the plan's creates and updates is listed.
    let fresh = Platform::start(
        "users:\n  - {email: admin@lab.org, userName: admin, token: t}\n  - {email: a@lab.org, userName: ua}\n  - {email: b@lab.org, userName: ub}\n  - {email: c@lab.org, userName: uc}\n  - {email: v@partner.org, userName: uv}\n  - {email: w@partner.org, userName: uw}\n",
    );
    let o = expect_exit(
        &mut at(&fresh, "2029-12-01", &["plan", d, "--format", "json"]),
        0,
    );
    let plan = json(&o);
    let set: Vec<&str> = plan["expiries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["change"], "set");
            e["address"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        set,
        [
            "org/lab/member/user:a@lab.org",
            "org/lab/member/user:b@lab.org",
            "org/lab/member/user:c@lab.org",
            "org/lab/team/core/member/user:b@lab.org",
            "org/lab/workspace/rnaseq/participant/user:v@partner.org",
        ]
    );
}

// --- The acceptance property, against the emulator ------------------------------------------

/// An end as written in YAML, `base + k` half days from 2030-01-10T00:00Z (a bare date at
/// midnight when `date` is set).
fn end(k: i64, date: bool) -> String {
    let t = time::macros::datetime!(2030-01-10 00:00 UTC) + time::Duration::hours(12 * k);
    if date && t.hour() == 0 {
        format!("{}", t.date())
    } else {
        format!(
            "'{}'",
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        )
    }
}

/// Ends of: a's, b's and c's memberships; a's and b's team memberships; the participations of
/// a, c, v (a collaborator) and the team.
fn arb_ends() -> impl Strategy<Value = Vec<Option<(i64, bool)>>> {
    prop::collection::vec(prop::option::weighted(0.7, (-4i64..=6, any::<bool>())), 9)
}

fn config_with(ends: &[Option<(i64, bool)>]) -> String {
    let e = |i: usize| match ends[i] {
        Some((k, d)) => format!(", expires: {}", end(k, d)),
        None => String::new(),
    };
    format!(
        "kind: Organization\nname: lab\nmembers:\n  - {{user: admin@lab.org, role: owner}}\n  - {{user: a@lab.org{}}}\n  - {{user: b@lab.org{}}}\n  - {{user: c@lab.org{}}}\nteams:\n  - name: core\n    members:\n      - {{user: a@lab.org{}}}\n      - {{user: b@lab.org{}}}\n---\nkind: Workspace\norg: lab\nname: rnaseq\nparticipants:\n  - {{user: a@lab.org, role: launch{}}}\n  - {{user: c@lab.org, role: maintain{}}}\n  - {{user: v@partner.org, role: view{}}}\n  - {{team: core, role: view{}}}\n",
        e(0),
        e(1),
        e(2),
        e(3),
        e(4),
        e(5),
        e(6),
        e(7),
        e(8)
    )
}

/// What a plan at `now` (k half days) removes: grants with `expires < now`, and a member's team
/// memberships and participations with an expired membership.
fn expected(ends: &[Option<(i64, bool)>], now: i64) -> BTreeSet<String> {
    let gone = |i: usize| ends[i].is_some_and(|(k, _)| k < now);
    let addrs = [
        "org/lab/member/user:a@lab.org",
        "org/lab/member/user:b@lab.org",
        "org/lab/member/user:c@lab.org",
        "org/lab/team/core/member/user:a@lab.org",
        "org/lab/team/core/member/user:b@lab.org",
        "org/lab/workspace/rnaseq/participant/user:a@lab.org",
        "org/lab/workspace/rnaseq/participant/user:c@lab.org",
        "org/lab/workspace/rnaseq/participant/user:v@partner.org",
        "org/lab/workspace/rnaseq/participant/team:core",
    ];
    // Which membership each grant rests on (a, b, c) when it is a user's.
    let holder = [
        None,
        None,
        None,
        Some(0),
        Some(1),
        Some(0),
        Some(2),
        None,
        None,
    ];
    (0..9)
        .filter(|&i| gone(i) || holder[i].is_some_and(gone))
        .map(|i| addrs[i].to_string())
        .collect()
}

fn the_world() -> String {
    "users:\n  - {email: admin@lab.org, userName: admin, token: lab-token}\n  - {email: a@lab.org, userName: ua}\n  - {email: b@lab.org, userName: ub}\n  - {email: c@lab.org, userName: uc}\n  - {email: v@partner.org, userName: uv}\norganizations:\n  - name: lab\n    members:\n      - {email: admin@lab.org, role: owner}\n      - {email: a@lab.org}\n      - {email: b@lab.org}\n      - {email: c@lab.org}\n    teams:\n      - name: core\n        members: [a@lab.org, b@lab.org]\n    workspaces:\n      - name: rnaseq\n        participants:\n          - {email: a@lab.org, role: launch}\n          - {email: c@lab.org, role: maintain}\n          - {email: v@partner.org, role: view}\n          - {team: core, role: view}\n".to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random ends and clocks: the plan at T removes exactly the grants with `expires < T`
    /// (and what goes with an expired membership), each marked; `apply --expired-only`
    /// converges (planning again at T is empty); the reminders are exactly the grants in
    /// (T, T + 1 day].
    #[test]
    fn a_plan_at_t_removes_exactly_what_expired_before_t(ends in arb_ends(), now in -3i64..=5) {
        let p = Platform::start(&the_world());
        let dir = config_dir(&[("lab.yaml", &config_with(&ends))]);
        let d = dir.path().to_str().unwrap();
        let t = end(now, false).trim_matches('\'').to_string();
        let o = at(&p, &t, &["plan", d, "--format", "json"]).output().unwrap();
        prop_assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let plan = json(&o);
        let got: BTreeSet<String> = plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert_eq!(c["action"], "delete");
                assert!(c["expired"]["on"].is_string(), "{c}");
                c["address"].as_str().unwrap().to_string()
            })
            .collect();
        prop_assert_eq!(&got, &expected(&ends, now));

        let o = at(&p, &t, &["apply", d, "--expired-only", "--auto-approve"]).output().unwrap();
        prop_assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let o = at(&p, &t, &["plan", d, "--detailed-exitcode"]).output().unwrap();
        prop_assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

        let o = roster()
            .args(["expiring", d, "--within", "1d", "--format", "json"])
            .env("ROSTER_NOW", &t)
            .output()
            .unwrap();
        let listed: BTreeSet<String> = json(&o)["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["address"].as_str().unwrap().to_string())
            .collect();
        let addrs = [
            "org/lab/member/user:a@lab.org",
            "org/lab/member/user:b@lab.org",
            "org/lab/member/user:c@lab.org",
            "org/lab/team/core/member/user:a@lab.org",
            "org/lab/team/core/member/user:b@lab.org",
            "org/lab/workspace/rnaseq/participant/user:a@lab.org",
            "org/lab/workspace/rnaseq/participant/user:c@lab.org",
            "org/lab/workspace/rnaseq/participant/user:v@partner.org",
            "org/lab/workspace/rnaseq/participant/team:core",
        ];
        let soon: BTreeSet<String> = (0..9)
            .filter(|&i| ends[i].is_some_and(|(k, _)| now < k && k <= now + 2))
            .map(|i| addrs[i].to_string())
            .collect();
        prop_assert_eq!(listed, soon);
    }
}

#[test]
fn plan_refuses_a_collaborator_grant_beyond_max_grant_days() {
    let p = Platform::start(&world(&[]));
    let settings = "kind: Settings\npolicy:\n  maxGrantDays: 30\n";
    let dir = config_dir(&[("roster.yaml", settings), ("lab.yaml", ORG)]);
    let d = dir.path().to_str().unwrap();
    // On 2029-12-01, v's end (2030-01-03) is 33 days away and w's (2030-02-01) 62: more than 30.
    let o = expect_exit(&mut at(&p, "2029-12-01", &["plan", d]), 1);
    let err = stderr(&o);
    assert_eq!(err.matches("error[max-grant-days]").count(), 2, "{err}");
    assert!(err.contains("lab.yaml:23:48"), "{err}");
    assert!(err.contains("lab.yaml:24:48"), "{err}");
    assert!(
        !err.contains("expires-soon"),
        "validate's warnings stay in validate: {err}"
    );
    assert_eq!(p.writes(), 0);
    // A month later it is within 30 days, and v's grant has ended (which the policy allows).
    let o = expect_exit(
        &mut at(&p, "2030-01-05", &["plan", d, "--format", "json"]),
        0,
    );
    assert!(
        removals(&json(&o))
            .iter()
            .any(|r| r.contains("v@partner.org"))
    );
}
