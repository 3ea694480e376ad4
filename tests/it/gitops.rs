//! GitOps: change-scoped plans equal the full plan restricted to their scope, several platforms
//! in one run, and Markdown split for large plans. The example workflows and the action they use
//! are run step by step in `action.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use crate::support::{Platform, expect_exit, git, manifest_dir, stderr, stdout};

fn biocommons_world() -> String {
    std::fs::read_to_string(manifest_dir().join("examples/biocommons/.roster/sandbox.world.yaml"))
        .unwrap()
}

/// A git repository holding the biocommons example, its platform pointed at `endpoint` with the
/// token in TOWER_ACCESS_TOKEN, committed on `main`.
fn config_repo(endpoint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = manifest_dir().join("examples/biocommons");
    for f in crate_files(&src) {
        let rel = f.strip_prefix(&src).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, &to).unwrap();
    }
    let settings = std::fs::read_to_string(dir.path().join("roster.yaml"))
        .unwrap()
        .replace("https://seqera.services.biocommons.org.au/api", endpoint)
        .replace(
            "tokenEnv: BIOCOMMONS_TOWER_TOKEN",
            "tokenEnv: TOWER_ACCESS_TOKEN",
        );
    std::fs::write(dir.path().join("roster.yaml"), settings).unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "config"]);
    git(
        dir.path(),
        &["update-ref", "refs/remotes/origin/main", "main"],
    );
    dir
}

/// The config files of a directory (not its hidden sandbox files).
fn crate_files(dir: &Path) -> Vec<std::path::PathBuf> {
    roster::config::load::find_files(dir).unwrap()
}

// --- Change-scoped plans -------------------------------------------------------------------

/// The changes of the full plan in `units` and every change they need, as the scoped plan must
/// hold them (dependencies outside the kept set are dropped; waves are not compared).
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

/// A change without its wave, with dependencies limited to `keep`.
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

/// One edit of the config: (file, text to find, replacement).
fn edits() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "workspaces/genomics.yaml",
            "    role: pipeline-runner",
            "    role: launch",
        ),
        (
            "workspaces/genomics.yaml",
            "  - user: visitor@partner.edu.au\n    role: view\n",
            "",
        ),
        (
            "workspaces/genomics.yaml",
            "participants:\n",
            "participants:\n  - {user: former.postdoc@uq.edu.au, role: view}\n",
        ),
        (
            "workspaces/proteomics.yaml",
            "role: launch\n  - user: r.singh",
            "role: maintain\n  - user: r.singh",
        ),
        (
            "workspaces/proteomics.yaml",
            "fullName: Proteomics community workspace",
            "fullName: Proteomics (national)",
        ),
        (
            "workspaces/single-cell.yaml",
            "visibility: shared ",
            "visibility: private ",
        ),
        (
            "workspaces/single-cell.yaml",
            "    role: owner",
            "    role: admin",
        ),
        (
            "workspaces/training.yaml",
            "  - user: student01@adelaide.edu.au   # collaborator for the current workshop\n    role: view\n",
            "  - {user: student02@adelaide.edu.au, role: view}\n",
        ),
        (
            "workspaces/training.yaml",
            "fullName: Training and workshops",
            "fullName: Training",
        ),
        ("organization.yaml", "  - user: tom.nguyen@qut.edu.au\n", ""),
        (
            "organization.yaml",
            "members: [arjun.patel@unimelb.edu.au]",
            "members: [arjun.patel@unimelb.edu.au, sofia.rossi@csiro.au]",
        ),
        ("roster.yaml", "minOrgOwners: 2", "minOrgOwners: 1"),
    ]
}

fn plan_json(p: &Platform, repo: &Path, changed_from: Option<&str>) -> Option<Value> {
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
    let out = crate::support::roster()
        .args(&args)
        .env("TOWER_ACCESS_TOKEN", &p.token)
        .output()
        .unwrap();
    if out.status.code() != Some(0) {
        assert!(
            stderr(&out).contains("problem") || stderr(&out).contains("refused"),
            "unexpected failure: {}",
            stderr(&out)
        );
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).expect("json plan"))
}

#[test]
fn a_change_scoped_plan_equals_the_full_plan_restricted_to_its_scope() {
    let p = Platform::start(&biocommons_world());
    let repo = config_repo(&p.url());
    let all = edits();
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = prop::sample::subsequence((0..all.len()).collect::<Vec<_>>(), 1..4);
    let compared = std::cell::Cell::new(0);
    runner
        .run(&strategy, |chosen| {
            git(repo.path(), &["checkout", "-q", "--", "."]);
            for &i in &chosen {
                let (file, from, to) = all[i];
                let path = repo.path().join(file);
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(text.contains(from), "edit {i} does not apply to {file}");
                std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            }
            let Some(full) = plan_json(&p, repo.path(), None) else {
                return Ok(()); // the edit made the config invalid: nothing to compare
            };
            let scoped = plan_json(&p, repo.path(), Some("HEAD")).expect("scoped plan");
            let expected_units: BTreeSet<String> = match scoped["scope"].as_array() {
                Some(u) => u.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
                None => {
                    // Settings changed: the scoped plan is the full plan.
                    prop_assert!(chosen.iter().any(|&i| all[i].0 == "roster.yaml"));
                    prop_assert_eq!(&scoped["changes"], &full["changes"]);
                    return Ok(());
                }
            };
            let want = restrict(&full, &expected_units);
            let got: BTreeMap<String, Value> = scoped["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let keep: BTreeSet<String> = want.keys().cloned().collect();
                    (
                        c["address"].as_str().unwrap().to_string(),
                        normalize(c, &keep),
                    )
                })
                .collect();
            prop_assert_eq!(got, want, "edits {:?}, units {:?}", chosen, expected_units);
            compared.set(compared.get() + 1);
            Ok(())
        })
        .unwrap();
    assert!(
        compared.get() >= 10,
        "only {} cases compared",
        compared.get()
    );
}

/// A world and config of one org with `n` workspaces of a few participants each.
fn many_workspaces(n: usize) -> (String, String, String) {
    let mut world = String::from(
        "users:\n  - {email: owner@big.org, userName: owner, token: big-token}\n  - {email: a@big.org, userName: a}\n  - {email: b@big.org, userName: b}\norganizations:\n  - name: big\n    members:\n      - {email: owner@big.org, role: owner}\n      - {email: a@big.org}\n      - {email: b@big.org}\n    teams:\n      - name: staff\n        members: [a@big.org]\n    workspaces:\n",
    );
    let org = "kind: Organization\nname: big\nmembers:\n  - {user: owner@big.org, role: owner}\n  - user: a@big.org\n  - user: b@big.org\nteams:\n  - name: staff\n    members: [a@big.org]\n".to_string();
    for i in 0..n {
        world.push_str(&format!(
            "      - name: ws-{i}\n        participants:\n          - {{team: staff, role: maintain}}\n          - {{email: b@big.org, role: view}}\n"
        ));
    }
    let ws = |i: usize, role: &str| {
        format!(
            "kind: Workspace\norg: big\nname: ws-{i}\nparticipants:\n  - {{team: staff, role: maintain}}\n  - {{user: b@big.org, role: {role}}}\n"
        )
    };
    let _ = ws(0, "view");
    (world, org, ws(0, "view"))
}

#[test]
fn a_one_workspace_pull_request_reads_a_handful_of_listings_instead_of_the_whole_org() {
    let n = 500;
    let (world, org, _) = many_workspaces(n);
    let p = Platform::start(&world);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roster.yaml"),
        format!(
            "kind: Settings\nplatforms:\n  big:\n    endpoint: {}\n",
            p.url()
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("org.yaml"), org).unwrap();
    std::fs::create_dir(dir.path().join("ws")).unwrap();
    for i in 0..n {
        std::fs::write(
            dir.path().join(format!("ws/ws-{i}.yaml")),
            format!("kind: Workspace\norg: big\nname: ws-{i}\nparticipants:\n  - {{team: staff, role: maintain}}\n  - {{user: b@big.org, role: view}}\n"),
        )
        .unwrap();
    }
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "config"]);
    // The pull request: b becomes a launcher in one workspace.
    std::fs::write(
        dir.path().join("ws/ws-42.yaml"),
        "kind: Workspace\norg: big\nname: ws-42\nparticipants:\n  - {team: staff, role: maintain}\n  - {user: b@big.org, role: launch}\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let token = [("TOWER_ACCESS_TOKEN", p.token.clone())];

    p.reset_stats();
    let full = expect_exit(
        crate::support::roster()
            .args(["plan", d, "--format", "json"])
            .envs(token.clone()),
        0,
    );
    let full_calls = p.stats().total;
    p.reset_stats();
    let scoped = expect_exit(
        crate::support::roster()
            .args(["plan", d, "--format", "json", "--changed-from", "HEAD"])
            .envs(token),
        0,
    );
    let scoped_calls = p.stats().total;
    let full: Value = serde_json::from_slice(&full.stdout).unwrap();
    let scoped: Value = serde_json::from_slice(&scoped.stdout).unwrap();
    assert_eq!(full["changes"], scoped["changes"], "one change either way");
    assert_eq!(scoped["scope"][0], "org/big/workspace/ws-42");
    // user, orgs, members, collaborators, teams, workspaces, and the one workspace's participants.
    assert_eq!(scoped_calls, 7);
    // The full plan also reads the team's members and every workspace's participants.
    assert_eq!(full_calls, 6 + 1 + n as u64);
    println!(
        "one-workspace pull request against {n} workspaces: {full_calls} API calls in full, {scoped_calls} with --changed-from"
    );
}

#[test]
fn nothing_changed_means_nothing_is_read() {
    let p = Platform::start(&biocommons_world());
    let repo = config_repo(&p.url());
    p.reset_stats();
    let out = expect_exit(
        crate::support::roster()
            .args([
                "plan",
                repo.path().to_str().unwrap(),
                "--changed-from",
                "HEAD",
                "--detailed-exitcode",
            ])
            .env("TOWER_ACCESS_TOKEN", &p.token),
        0,
    );
    assert!(stderr(&out).contains("nothing to plan"), "{}", stderr(&out));
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
    assert_eq!(p.stats().total, 0);
}

#[test]
fn a_bad_ref_is_a_clear_error() {
    let p = Platform::start(&biocommons_world());
    let repo = config_repo(&p.url());
    let out = expect_exit(
        crate::support::roster()
            .args([
                "plan",
                repo.path().to_str().unwrap(),
                "--changed-from",
                "no-such-ref",
            ])
            .env("TOWER_ACCESS_TOKEN", &p.token),
        1,
    );
    assert!(
        stderr(&out).contains("--changed-from no-such-ref: not a commit"),
        "{}",
        stderr(&out)
    );
}

// --- Several platforms ----------------------------------------------------------------------

#[test]
fn several_platforms_are_planned_and_applied_in_one_run_and_errors_name_the_platform() {
    let world = |org: &str, token: &str| {
        format!(
            "users:\n  - {{email: ops@{org}.org, userName: ops, token: {token}}}\n  - {{email: u@{org}.org, userName: u}}\norganizations:\n  - name: {org}\n    members:\n      - {{email: ops@{org}.org, role: owner}}\n"
        )
    };
    let a = Platform::start(&world("alpha", "token-a"));
    let b = Platform::start(&world("beta", "token-b"));
    let config = format!(
        "kind: Settings\nplatforms:\n  cloud:\n    endpoint: {}\n    tokenEnv: CLOUD_TOKEN\n  national:\n    endpoint: {}\n    tokenEnv: NATIONAL_TOKEN\n---\nkind: Organization\nname: alpha\nplatform: cloud\nmembers:\n  - {{user: ops@alpha.org, role: owner}}\n  - user: u@alpha.org\n---\nkind: Organization\nname: beta\nplatform: national\nmembers:\n  - {{user: ops@beta.org, role: owner}}\n  - user: u@beta.org\n---\nkind: Workspace\norg: beta\nname: shared\nparticipants:\n  - {{user: u@beta.org, role: launch}}\n",
        a.url(),
        b.url()
    );
    let dir = crate::support::config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    let run = |args: &[&str], b_token: &str| {
        crate::support::roster()
            .args(args)
            .env("CLOUD_TOKEN", "token-a")
            .env("NATIONAL_TOKEN", b_token)
            .output()
            .unwrap()
    };
    let plan = run(
        &["plan", d, "--format", "json", "--detailed-exitcode"],
        "token-b",
    );
    assert_eq!(plan.status.code(), Some(2), "{}", stderr(&plan));
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    let platforms: Vec<&str> = plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, ["cloud", "national"]);
    let apply = run(&["apply", d, "--auto-approve"], "token-b");
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&apply),
        stderr(&apply)
    );
    assert!(
        a.writes() > 0 && b.writes() > 0,
        "both platforms were written"
    );
    let again = run(&["plan", d, "--detailed-exitcode"], "token-b");
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    // A bad token on one platform: the error names that platform and its endpoint.
    let bad = run(&["plan", d], "wrong");
    assert_eq!(bad.status.code(), Some(1));
    let err = stderr(&bad);
    assert!(
        err.contains(&format!("platform national ({})", b.url())),
        "{err}"
    );
    assert!(err.contains("token rejected"), "{err}");
    // A missing token names the variable and the platform.
    let missing = crate::support::roster()
        .args(["plan", d])
        .env("CLOUD_TOKEN", "token-a")
        .output()
        .unwrap();
    assert!(
        stderr(&missing).contains("no access token for platform national"),
        "{}",
        stderr(&missing)
    );
    assert!(
        stderr(&missing).contains("set NATIONAL_TOKEN"),
        "{}",
        stderr(&missing)
    );
}

// --- Markdown for large plans --------------------------------------------------------------

#[test]
fn a_large_plan_is_split_into_comments_under_githubs_limit() {
    let n = 1200;
    let world = String::from(
        "users:\n  - {email: ops@big.org, userName: ops, token: t}\norganizations:\n  - name: big\n    members:\n      - {email: ops@big.org, role: owner}\n    workspaces:\n      - name: wide\n",
    );
    let mut config = String::from(
        "kind: Settings\npolicy: {maxRemovalFraction: 1.0}\n---\nkind: Organization\nname: big\nmembers:\n  - {user: ops@big.org, role: owner}\n---\nkind: Workspace\norg: big\nname: wide\nparticipants:\n",
    );
    for i in 0..n {
        config.push_str(&format!("  - {{user: collaborator-with-a-long-name-{i:04}@partner-institute.edu.au, role: view}}\n"));
    }
    let p = Platform::start(&world);
    let dir = crate::support::config_dir(&[("c.yaml", &config)]);
    let out_dir = tempfile::tempdir().unwrap();
    let prefix = out_dir.path().join("plan");
    let out = expect_exit(
        &mut p.roster(&[
            "plan",
            dir.path().to_str().unwrap(),
            "--format",
            "markdown",
            "--split",
            prefix.to_str().unwrap(),
        ]),
        0,
    );
    let single = stdout(&out);
    assert!(single.len() <= 65_000, "{}", single.len());
    let mut parts = Vec::new();
    for i in 1.. {
        let f = out_dir.path().join(format!("plan.{i}.md"));
        if !f.exists() {
            break;
        }
        parts.push(std::fs::read_to_string(f).unwrap());
    }
    assert!(parts.len() >= 2, "{} parts", parts.len());
    for (i, part) in parts.iter().enumerate() {
        assert!(
            part.len() <= 65_536,
            "part {} has {} bytes",
            i + 1,
            part.len()
        );
        assert!(
            part.contains(&format!("part {} of {}", i + 1, parts.len())),
            "part {i}"
        );
    }
    let all = parts.concat();
    for i in 0..n {
        let who = format!("collaborator-with-a-long-name-{i:04}@partner-institute.edu.au");
        assert!(all.contains(&who), "{who} missing from the parts");
    }
}

// --- Tokens, endpoints and connection failures ----------------------------------------------

#[test]
fn seqera_access_token_is_read_when_tower_access_token_is_unset_and_a_losing_endpoint_variable_is_named()
 {
    let world = "users:\n  - {email: ops@lab.org, userName: ops, token: t-lab}\norganizations:\n  - name: lab\n    members:\n      - {email: ops@lab.org, role: owner}\n";
    let p = Platform::start(world);
    let config = format!(
        "kind: Settings\nplatforms:\n  lab:\n    endpoint: {}\n---\nkind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {{user: ops@lab.org, role: owner}}\n",
        p.url()
    );
    let dir = crate::support::config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    let out = expect_exit(
        crate::support::roster()
            .args(["plan", d, "--detailed-exitcode"])
            .env("SEQERA_ACCESS_TOKEN", "t-lab")
            .env("TOWER_API_ENDPOINT", "https://elsewhere.example/api"),
        0,
    );
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: TOWER_API_ENDPOINT=https://elsewhere.example/api is ignored for platform lab"
        ),
        "{err}"
    );
    assert!(!err.contains("t-lab"), "the token is never shown: {err}");
    // Neither set: the error names both variables, in the order they are read.
    let out = expect_exit(
        crate::support::roster()
            .args(["plan", d])
            .env_remove("SEQERA_ACCESS_TOKEN"),
        1,
    );
    assert!(
        stderr(&out).contains("set TOWER_ACCESS_TOKEN or SEQERA_ACCESS_TOKEN"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_refused_connection_fails_fast_with_a_hint() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The listener is dropped: nothing listens on the port now.
    let config = format!(
        "kind: Settings\nplatforms:\n  lab:\n    endpoint: http://127.0.0.1:{port}\n---\nkind: Organization\nname: lab\nplatform: lab\nmembers:\n  - {{user: ops@lab.org, role: owner}}\n"
    );
    let dir = crate::support::config_dir(&[("c.yaml", &config)]);
    let start = std::time::Instant::now();
    let out = expect_exit(
        crate::support::roster()
            .args(["plan", dir.path().to_str().unwrap()])
            .env("TOWER_ACCESS_TOKEN", "t"),
        1,
    );
    let took = start.elapsed();
    let err = stderr(&out);
    assert!(err.contains("check the endpoint's host and port"), "{err}");
    assert!(
        took < std::time::Duration::from_secs(5),
        "took {took:?}: {err}"
    );
}
