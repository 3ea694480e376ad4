//! Scale (issue 13): a change-scoped plan of a large org reads only what the change needs, by
//! targeted member lookups (`search=`, matched exactly by roster), so its call count does not
//! grow with the org; and what it plans still equals the full plan restricted to its scope, also
//! when the changed workspace names members beyond the listing's first page, users who are not
//! members, and members (owners among them) whom the config removes from the org.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::support::{Platform, git, stderr};

fn m(i: usize) -> String {
    format!("m{i}@big.org")
}

/// Org `big` with the acting owner, `n` members, a team, 4 workspaces; `stale@big.org` (a
/// member) and `oldowner@big.org` (an owner) are live but not declared as members, and take
/// part in ws-1 and ws-2.
fn world(n: usize) -> String {
    let mut y =
        String::from("users:\n  - {email: owner@big.org, userName: owner, token: big-token}\n");
    for i in 0..n {
        let _ = writeln!(y, "  - {{email: {}, userName: m{i}}}", m(i));
    }
    y.push_str("  - {email: stale@big.org, userName: stale}\n  - {email: oldowner@big.org, userName: oldowner}\n  - {email: nobody@else.org, userName: nobody}\n");
    y.push_str("organizations:\n  - name: big\n    members:\n      - {email: owner@big.org, role: owner}\n");
    for i in 0..n {
        let _ = writeln!(y, "      - {{email: {}}}", m(i));
    }
    y.push_str("      - {email: stale@big.org}\n      - {email: oldowner@big.org, role: owner}\n");
    let _ = write!(
        y,
        "    teams:\n      - name: staff\n        members: [{}]\n    workspaces:\n",
        m(0)
    );
    for (w, extra) in ws_users(n).iter().enumerate() {
        let _ = writeln!(
            y,
            "      - name: ws-{w}\n        participants:\n          - {{team: staff, role: maintain}}"
        );
        for (u, role) in extra {
            let _ = writeln!(y, "          - {{email: {u}, role: {role}}}");
        }
    }
    y
}

/// The user participants of each workspace, live and declared alike.
fn ws_users(n: usize) -> Vec<Vec<(String, &'static str)>> {
    vec![
        vec![(m(n - 1), "view"), (m(1), "launch")],
        vec![(m(2), "view"), ("stale@big.org".into(), "view")],
        vec![(m(3), "view"), ("oldowner@big.org".into(), "view")],
        vec![(m(n / 2), "admin")],
    ]
}

/// The config repository, committed: members are declared without stale and oldowner.
fn config_repo(p: &Platform, n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("roster.yaml"),
        format!(
            "kind: Settings\nplatforms:\n  big:\n    endpoint: {}\n",
            p.url()
        ),
    )
    .unwrap();
    let mut org = String::from(
        "kind: Organization\nname: big\nmembers:\n  - {user: owner@big.org, role: owner}\n",
    );
    for i in 0..n {
        let _ = writeln!(org, "  - user: {}", m(i));
    }
    let _ = write!(org, "teams:\n  - name: staff\n    members: [{}]\n", m(0));
    std::fs::write(d.join("org.yaml"), org).unwrap();
    std::fs::create_dir(d.join("ws")).unwrap();
    for (w, users) in ws_users(n).iter().enumerate() {
        std::fs::write(d.join(format!("ws/ws-{w}.yaml")), ws_file(w, users)).unwrap();
    }
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "config"]);
    dir
}

fn ws_file(w: usize, users: &[(String, &str)]) -> String {
    let mut f = format!(
        "kind: Workspace\norg: big\nname: ws-{w}\nparticipants:\n  - {{team: staff, role: maintain}}\n"
    );
    for (u, role) in users {
        let _ = writeln!(f, "  - {{user: {u}, role: {role}}}");
    }
    f
}

/// `roster plan --format json` (with every guard rail overridden), and the API calls it made.
fn plan(p: &Platform, repo: &Path, changed_from: Option<&str>) -> (Value, u64) {
    let mut args = vec![
        "plan",
        repo.to_str().unwrap(),
        "--format",
        "json",
        "--allow-mass-removal",
        "--allow-few-owners",
        "--allow-collaborator-role",
        "--allow-any-domain",
        "--allow-destroy",
    ];
    if let Some(r) = changed_from {
        args.extend(["--changed-from", r]);
    }
    p.reset_stats();
    let out = crate::support::roster()
        .args(&args)
        .env("TOWER_ACCESS_TOKEN", &p.token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let calls = p.stats().total;
    (
        serde_json::from_slice(&out.stdout).expect("json plan"),
        calls,
    )
}

/// The full plan's changes in `units` and every change they need (as tests/it/gitops.rs).
fn restrict(full: &Value, units: &BTreeSet<String>) -> BTreeMap<String, Value> {
    let changes: BTreeMap<String, Value> = full["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["address"].as_str().unwrap().to_string(), c.clone()))
        .collect();
    let in_units = |c: &Value| {
        let org = format!("org/{}", c["org"].as_str().unwrap().to_lowercase());
        units.contains(&org)
            || c["workspace"]
                .as_str()
                .is_some_and(|w| units.contains(&format!("{org}/workspace/{}", w.to_lowercase())))
    };
    let mut keep: BTreeSet<String> = changes
        .values()
        .filter(|c| in_units(c))
        .map(|c| c["address"].as_str().unwrap().to_string())
        .collect();
    let mut todo: Vec<String> = keep.iter().cloned().collect();
    while let Some(a) = todo.pop() {
        let c = &changes[&a];
        for d in c["depends_on"].as_array().into_iter().flatten() {
            let d = d.as_str().unwrap();
            let dep = &changes[d];
            let ordering_only = c["kind"] == "member"
                && c["action"] == "delete"
                && dep["action"] == "delete"
                && (dep["kind"] == "participant" || dep["kind"] == "team-member");
            if !ordering_only && keep.insert(d.to_string()) {
                todo.push(d.to_string());
            }
        }
    }
    keep.iter()
        .map(|a| (a.clone(), normalize(&changes[a], &keep)))
        .collect()
}

fn normalize(c: &Value, keep: &BTreeSet<String>) -> Value {
    let mut c = c.clone();
    let obj = c.as_object_mut().unwrap();
    obj.remove("wave");
    let deps: Vec<Value> = obj
        .remove("depends_on")
        .and_then(|d| d.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter(|d| keep.contains(d.as_str().unwrap()))
        .collect();
    if !deps.is_empty() {
        obj.insert("depends_on".into(), Value::Array(deps));
    }
    c
}

/// Edit workspace `w`'s file so that its user participants are `users`.
fn edit(repo: &Path, w: usize, users: &[(String, &str)]) {
    git(repo, &["checkout", "-q", "--", "."]);
    std::fs::write(repo.join(format!("ws/ws-{w}.yaml")), ws_file(w, users)).unwrap();
}

#[test]
fn a_change_scoped_plan_costs_the_same_calls_for_100_and_3000_members() {
    let mut calls = Vec::new();
    for n in [100, 3_000] {
        let p = Platform::start(&world(n));
        let repo = config_repo(&p, n);
        // The pull request: the last member (beyond the listing's first page) becomes a
        // launcher in ws-0.
        let mut users = ws_users(n)[0].clone();
        users[0].1 = "launch";
        edit(repo.path(), 0, &users);
        let (scoped, scoped_calls) = plan(&p, repo.path(), Some("HEAD"));
        let (full, full_calls) = plan(&p, repo.path(), None);
        let units: BTreeSet<String> = ["org/big/workspace/ws-0".to_string()].into();
        let want = restrict(&full, &units);
        assert_eq!(want.len(), 1, "one change: {want:?}");
        let got: BTreeMap<String, Value> = scoped["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["address"].as_str().unwrap().to_string(),
                    normalize(c, &BTreeSet::new()),
                )
            })
            .collect();
        assert_eq!(got, want);
        println!("{n} members: change-scoped plan {scoped_calls} calls, full plan {full_calls}");
        calls.push(scoped_calls);
    }
    assert_eq!(
        calls[0], calls[1],
        "the scoped plan's calls grow with the org"
    );
    assert!(calls[0] <= 10, "{} calls", calls[0]);
}

#[test]
fn member_lookups_plan_what_the_full_plan_restricted_to_the_change_plans() {
    let n = 250;
    let p = Platform::start(&world(n));
    let repo = config_repo(&p, n);
    let base = ws_users(n);
    let cases: Vec<(usize, Vec<(String, &str)>)> = vec![
        // A member beyond the first page changes role; another joins the workspace.
        (
            0,
            vec![(m(n - 1), "maintain"), (m(1), "launch"), (m(n - 2), "view")],
        ),
        // A user who is not a member: the lookup misses, and the listing decides.
        (
            0,
            vec![(m(n - 1), "view"), ("nobody@else.org".into(), "view")],
        ),
        // A member the config removes from the org stays a participant (re-added afterwards).
        (1, vec![(m(2), "launch"), ("stale@big.org".into(), "view")]),
        // An owner the config removes: the removal waits for the owner grants.
        (
            2,
            vec![(m(3), "launch"), ("oldowner@big.org".into(), "view")],
        ),
        // Only a team and one member are left.
        (3, vec![(m(n / 2), "view")]),
    ];
    for (w, users) in cases {
        assert_ne!(users, base[w]);
        edit(repo.path(), w, &users);
        let (scoped, _) = plan(&p, repo.path(), Some("HEAD"));
        let (full, _) = plan(&p, repo.path(), None);
        let units: BTreeSet<String> = [format!("org/big/workspace/ws-{w}")].into();
        assert_eq!(scoped["scope"][0], format!("org/big/workspace/ws-{w}"));
        let want = restrict(&full, &units);
        let keep: BTreeSet<String> = want.keys().cloned().collect();
        let got: BTreeMap<String, Value> = scoped["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["address"].as_str().unwrap().to_string(),
                    normalize(c, &keep),
                )
            })
            .collect();
        assert!(!want.is_empty(), "ws-{w}: the edit changes nothing");
        assert_eq!(got, want, "ws-{w} with {users:?}");
    }
}

#[test]
fn org_and_platform_selection_plans_only_the_chosen_shard() {
    let p = Platform::start(
        "users:\n  - {email: owner@big.org, userName: owner, token: big-token}\n  - {email: a@big.org, userName: a}\norganizations:\n  - name: one\n    members:\n      - {email: owner@big.org, role: owner}\n  - name: two\n    members:\n      - {email: owner@big.org, role: owner}\n",
    );
    let dir = crate::support::config_dir(&[
        (
            "roster.yaml",
            &format!(
                "kind: Settings\nplatforms:\n  big:\n    endpoint: {}\npolicy:\n  minOrgOwners: 1\n",
                p.url()
            ),
        ),
        (
            "one.yaml",
            "kind: Organization\nname: one\nmembers:\n  - {user: owner@big.org, role: owner}\n  - user: a@big.org\n",
        ),
        (
            "two.yaml",
            "kind: Organization\nname: two\nmembers:\n  - {user: owner@big.org, role: owner}\n  - user: a@big.org\n",
        ),
    ]);
    let d = dir.path().to_str().unwrap();
    let run = |extra: &[&str]| {
        let out = crate::support::roster()
            .args(["plan", d, "--format", "json"])
            .args(extra)
            .env("TOWER_ACCESS_TOKEN", &p.token)
            .output()
            .unwrap();
        (out.status.code(), out)
    };
    let orgs_of = |out: &std::process::Output| -> BTreeSet<String> {
        let v: Value = serde_json::from_slice(&out.stdout).expect("json plan");
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["org"].as_str().unwrap().to_string())
            .collect()
    };
    let (code, all) = run(&[]);
    assert_eq!(code, Some(0), "{}", stderr(&all));
    assert_eq!(orgs_of(&all), ["one".to_string(), "two".to_string()].into());
    let (code, one) = run(&["--org", "ONE"]);
    assert_eq!(code, Some(0), "{}", stderr(&one));
    assert_eq!(orgs_of(&one), ["one".to_string()].into());
    let (code, both) = run(&["--org", "one,two", "--platform", "big"]);
    assert_eq!(code, Some(0), "{}", stderr(&both));
    assert_eq!(orgs_of(&both), orgs_of(&all));
    let (code, typo) = run(&["--org", "tow"]);
    assert_eq!(code, Some(1));
    assert!(stderr(&typo).contains("--org tow"), "{}", stderr(&typo));
    let (code, typo) = run(&["--platform", "other"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr(&typo).contains("--platform other"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn a_change_scoped_plan_lists_the_ends_its_change_sets_and_no_others() {
    // The base already gives ws-0's first user an end; the pull request gives one to ws-1's
    // first user and moves ws-0's later. Only ws-1 is in the change's scope (ws-0's file is
    // committed with its end before), so only ws-1's end is listed: the config at the base ref
    // is read only as far as the change needs (its changed files and the org's).
    let n = 100;
    let p = Platform::start(&world(n));
    let repo = config_repo(&p, n);
    let with_end = |w: usize, end: &str| {
        let users = &ws_users(n)[w];
        let mut f = ws_file(w, &users[1..]);
        let _ = writeln!(
            f,
            "  - {{user: {}, role: {}, expires: {end}, reason: visiting}}",
            users[0].0, users[0].1
        );
        std::fs::write(repo.path().join(format!("ws/ws-{w}.yaml")), f).unwrap();
    };
    with_end(0, "2031-01-01");
    git(repo.path(), &["commit", "-qam", "ws-0 ends"]);
    with_end(1, "2032-06-30");
    let plan_at = |changed_from: Option<&str>| {
        let mut cmd = crate::support::roster();
        cmd.args(["plan", repo.path().to_str().unwrap(), "--format", "json"])
            .env("TOWER_ACCESS_TOKEN", &p.token)
            .env("ROSTER_NOW", "2030-01-01");
        if let Some(r) = changed_from {
            cmd.args(["--changed-from", r]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<Value>(&out.stdout).expect("json plan")
    };
    let ends = |plan: &Value| -> Vec<String> {
        plan["expiries"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {}",
                    e["address"].as_str().unwrap(),
                    e["change"].as_str().unwrap()
                )
            })
            .collect()
    };
    let scoped = plan_at(Some("HEAD"));
    assert_eq!(
        ends(&scoped),
        [format!(
            "org/big/workspace/ws-1/participant/user:{} added",
            ws_users(n)[1][0].0
        )]
    );
    // Against the previous commit ws-0's end is new too, and both are in scope.
    let both = plan_at(Some("HEAD~1"));
    assert_eq!(ends(&both).len(), 2, "{:?}", ends(&both));
}
