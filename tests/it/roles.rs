//! Custom roles as definitions, planned and applied against the emulator: create (a participant
//! given the new role waits for it), update in place, rename in place (same role, assignments
//! kept, never delete-and-recreate), delete only with --allow-destroy and never while someone
//! still holds the role, permissions checked against the platform's list at plan time, the
//! quota, the three renderers, and no role calls at all for configs that only name roles.

use crate::support::{Platform, config_dir, expect_exit, stderr, stdout};

const WORLD: &str = r#"
users:
  - {email: admin@lab.org, userName: admin, token: t-admin}
  - {email: bob@lab.org, userName: bob}
  - {email: erin@lab.org, userName: erin}
organizations:
  - name: lab
    customRoles:
      - name: runner
        description: Runs pipelines
        permissions: [pipeline:execute, workflow:read]
      - legacy
    members:
      - {email: admin@lab.org, role: owner}
      - {email: bob@lab.org}
      - {email: erin@lab.org}
    workspaces:
      - name: rnaseq
        participants:
          - {email: admin@lab.org, role: owner}
          - {email: bob@lab.org, role: runner}
      - name: imaging
        participants:
          - {email: admin@lab.org, role: owner}
          - {email: erin@lab.org, role: runner}
"#;

/// An Organization document with these `customRoles` entries, and the rnaseq workspace with
/// bob in `bob_role`.
fn config(roles: &str, bob_role: &str) -> String {
    format!(
        "kind: Organization\nname: lab\ncustomRoles:\n{roles}members:\n  - {{user: admin@lab.org, role: owner}}\n  - user: bob@lab.org\n  - user: erin@lab.org\n---\nkind: Workspace\norg: lab\nname: rnaseq\nparticipants:\n  - {{user: admin@lab.org, role: owner}}\n  - {{user: bob@lab.org, role: {bob_role}}}\n"
    )
}

const RUNNER: &str = "  - name: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, workflow:read]\n";

fn plan_json(p: &Platform, dir: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["plan", dir, "--format", "json"];
    args.extend_from_slice(extra);
    let out = expect_exit(&mut p.roster(&args), 0);
    serde_json::from_slice(&out.stdout).expect("json plan")
}

fn changes(plan: &serde_json::Value) -> Vec<(String, String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
                c["address"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn change<'a>(plan: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no change {address} in {plan:#}"))
}

fn apply(p: &Platform, dir: &str, extra: &[&str]) {
    let mut args = vec!["apply", dir, "--auto-approve"];
    args.extend_from_slice(extra);
    let out = expect_exit(&mut p.roster(&args), 0);
    assert!(stdout(&out).contains("Apply complete"), "{}", stdout(&out));
}

fn plan_is_empty(p: &Platform, dir: &str, extra: &[&str]) {
    let mut args = vec!["plan", dir, "--detailed-exitcode"];
    args.extend_from_slice(extra);
    let out = p.roster(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "not converged:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The world's custom roles of `lab`: (id, name, description, permissions).
fn roles(p: &Platform) -> Vec<(i64, String, Option<String>, Vec<String>)> {
    let w = p.handle.world();
    let o = w
        .organizations
        .iter()
        .find(|o| o.name.value == "lab")
        .unwrap();
    o.custom_roles
        .iter()
        .map(|r| {
            let r = &r.value;
            (
                r.id.as_ref().unwrap().value,
                r.name.value.clone(),
                r.description.clone(),
                r.permissions.iter().map(|p| p.value.clone()).collect(),
            )
        })
        .collect()
}

/// The role each participant of `ws` holds: (email or team, role).
fn held(p: &Platform, ws: &str) -> Vec<(String, String)> {
    let w = p.handle.world();
    let o = w
        .organizations
        .iter()
        .find(|o| o.name.value == "lab")
        .unwrap();
    let w = o.workspaces.iter().find(|w| w.name.value == ws).unwrap();
    w.participants
        .iter()
        .map(|p| {
            let who = p.value.email.as_ref().or(p.value.team.as_ref()).unwrap();
            (
                who.value.clone(),
                p.value.role.as_ref().unwrap().value.clone(),
            )
        })
        .collect()
}

#[test]
fn a_defined_role_is_created_before_anyone_is_given_it() {
    let p = Platform::start(WORLD);
    let roles_cfg = format!(
        "{RUNNER}  - legacy\n  - name: analyst\n    description: Reads results\n    permissions: [workflow:read, dataset:read]\n"
    );
    let dir = config_dir(&[("c.yaml", &config(&roles_cfg, "analyst"))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &[]);
    let role = change(&plan, "org/lab/role/analyst");
    assert_eq!(role["action"], "create");
    assert_eq!(role["kind"], "role");
    assert_eq!(role["exec"]["op"], "create_role");
    assert_eq!(
        role["after"]["permissions"],
        serde_json::json!(["dataset:read", "workflow:read"])
    );
    let bob = change(
        &plan,
        "org/lab/workspace/rnaseq/participant/user:bob@lab.org",
    );
    assert_eq!(bob["role"]["after"], "analyst");
    assert_eq!(
        bob["depends_on"],
        serde_json::json!(["org/lab/role/analyst"]),
        "given the role only once it exists"
    );
    assert!(bob["wave"].as_u64() > role["wave"].as_u64());
    apply(&p, d, &[]);
    let analyst = roles(&p).into_iter().find(|r| r.1 == "analyst").unwrap();
    assert_eq!(analyst.2.as_deref(), Some("Reads results"));
    assert_eq!(analyst.3, ["dataset:read", "workflow:read"]);
    assert!(held(&p, "rnaseq").contains(&("bob@lab.org".into(), "analyst".into())));
    plan_is_empty(&p, d, &[]);
}

#[test]
fn a_changed_description_or_permission_list_is_updated_in_place() {
    let p = Platform::start(WORLD);
    let before = roles(&p);
    let roles_cfg = "  - name: runner\n    description: Runs and watches pipelines\n    permissions: [pipeline:execute, workflow:read, workflow:execute]\n  - legacy\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "runner"))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &[]);
    assert_eq!(
        changes(&plan),
        [(
            "update".to_string(),
            "role".to_string(),
            "org/lab/role/runner".to_string()
        )]
    );
    let c = change(&plan, "org/lab/role/runner");
    assert_eq!(c["before"]["description"], "Runs pipelines");
    assert_eq!(c["after"]["description"], "Runs and watches pipelines");
    apply(&p, d, &[]);
    let after = roles(&p);
    assert_eq!(after[0].0, before[0].0, "the same role");
    assert_eq!(after[0].2.as_deref(), Some("Runs and watches pipelines"));
    assert_eq!(
        after[0].3,
        ["pipeline:execute", "workflow:execute", "workflow:read"]
    );
    plan_is_empty(&p, d, &[]);
    // Permissions left out are not managed: only the description changes.
    let roles_cfg = "  - name: runner\n    description: Runs\n  - legacy\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "runner"))]);
    let d = dir.path().to_str().unwrap();
    apply(&p, d, &[]);
    assert_eq!(
        roles(&p)[0].3,
        ["pipeline:execute", "workflow:execute", "workflow:read"]
    );
    plan_is_empty(&p, d, &[]);
}

#[test]
fn a_rename_is_one_update_in_place_that_keeps_every_assignment() {
    let p = Platform::start(WORLD);
    let id = roles(&p)[0].0;
    let roles_cfg = "  - name: pipeline-runner\n    renamedFrom: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, workflow:read]\n  - legacy\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "pipeline-runner"))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &[]);
    // One change: bob keeps his assignment through the rename, so his role is not touched.
    assert_eq!(
        changes(&plan),
        [(
            "update".to_string(),
            "role".to_string(),
            "org/lab/role/pipeline-runner".to_string()
        )]
    );
    let c = change(&plan, "org/lab/role/pipeline-runner");
    assert_eq!(c["exec"]["op"], "update_role");
    assert_eq!(c["exec"]["role"], "runner");
    assert_eq!(c["exec"]["fields"]["name"], "pipeline-runner");
    assert!(
        c["note"].as_str().unwrap().contains("renamed in place"),
        "{c}"
    );
    let text = expect_exit(&mut p.roster(&["plan", d]), 0);
    assert!(
        stdout(&text).contains("runner → pipeline-runner"),
        "{}",
        stdout(&text)
    );
    p.reset_stats();
    apply(&p, d, &[]);
    let stats = p.stats();
    assert_eq!(stats.calls("UpdateRole"), 1);
    assert_eq!(stats.calls("CreateRole"), 0, "never recreated");
    assert_eq!(stats.calls("DeleteRole"), 0, "never deleted");
    assert_eq!(stats.calls("UpdateWorkspaceParticipantRole"), 0);
    let after = roles(&p);
    assert_eq!(
        (after[0].0, after[0].1.as_str()),
        (id, "pipeline-runner"),
        "same id"
    );
    // Everyone who held it holds it under the new name, in the workspace roster manages and in
    // the one it does not.
    assert!(held(&p, "rnaseq").contains(&("bob@lab.org".into(), "pipeline-runner".into())));
    assert!(held(&p, "imaging").contains(&("erin@lab.org".into(), "pipeline-runner".into())));
    plan_is_empty(&p, d, &[]);
}

#[test]
fn previous_name_is_another_spelling_of_renamed_from() {
    let p = Platform::start(WORLD);
    let roles_cfg = "  - name: pipeline-runner\n    previousName: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, workflow:read]\n  - legacy\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "pipeline-runner"))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &[]);
    let c = change(&plan, "org/lab/role/pipeline-runner");
    assert_eq!(c["exec"]["op"], "update_role");
    assert_eq!(c["exec"]["role"], "runner");
}

#[test]
fn an_undeclared_role_is_deleted_only_with_allow_destroy() {
    let p = Platform::start(WORLD);
    // `legacy` is held by no one; the config no longer names it.
    let dir = config_dir(&[("c.yaml", &config(RUNNER, "runner"))]);
    let d = dir.path().to_str().unwrap();
    let out = p.roster(&["plan", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("- role legacy"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("the plan permanently deletes 1 custom role"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("--allow-destroy"), "{}", stderr(&out));
    let refused = p.roster(&["apply", d, "--auto-approve"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(p.stats().calls("DeleteRole"), 0);
    apply(&p, d, &["--allow-destroy"]);
    assert_eq!(p.stats().calls("DeleteRole"), 1);
    assert_eq!(roles(&p).len(), 1);
    plan_is_empty(&p, d, &[]);
}

#[test]
fn a_role_someone_still_holds_is_never_deleted_and_the_plan_names_them() {
    let p = Platform::start(WORLD);
    // `runner` is held in rnaseq (declared: bob moves to view) and in imaging, which the config
    // does not declare: erin would still hold it.
    let dir = config_dir(&[(
        "c.yaml",
        &config("  - legacy\n  - name: x1\n    description: X\n", "view"),
    )]);
    let d = dir.path().to_str().unwrap();
    p.reset_stats();
    let out = p.roster(&["plan", d, "--allow-destroy"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("custom role runner of organization lab: the plan deletes it"),
        "{err}"
    );
    assert!(err.contains("imaging/user:erin@lab.org (runner)"), "{err}");
    assert!(!err.contains("bob@lab.org"), "bob is moved off it: {err}");
    assert_eq!(p.writes(), 0);
    let out = p
        .roster(&["apply", d, "--auto-approve", "--allow-destroy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(p.writes(), 0, "nothing written");
}

#[test]
fn the_plan_moves_holders_off_a_role_before_deleting_it() {
    let p = Platform::start(WORLD);
    let config = format!(
        "{}---\nkind: Workspace\norg: lab\nname: imaging\nparticipants:\n  - {{user: admin@lab.org, role: owner}}\n  - {{user: erin@lab.org, role: launch}}\n",
        config("  - legacy\n  - name: x1\n    description: X\n", "view")
    );
    let dir = config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &["--allow-destroy"]);
    let delete = change(&plan, "org/lab/role/runner");
    assert_eq!(delete["action"], "delete");
    let deps = delete["depends_on"].as_array().unwrap();
    for a in [
        "org/lab/workspace/imaging/participant/user:erin@lab.org",
        "org/lab/workspace/rnaseq/participant/user:bob@lab.org",
    ] {
        assert!(deps.contains(&serde_json::json!(a)), "{a} in {deps:?}");
        assert!(change(&plan, a)["wave"].as_u64() < delete["wave"].as_u64());
    }
    apply(&p, d, &["--allow-destroy"]);
    assert!(!roles(&p).iter().any(|r| r.1 == "runner"));
    plan_is_empty(&p, d, &[]);
}

#[test]
fn permissions_the_platform_does_not_list_stop_the_plan_with_their_location() {
    let p = Platform::start(WORLD);
    let roles_cfg = "  - name: runner\n    description: Runs pipelines\n    permissions:\n      - pipeline:execute\n      - pipeline:fly\n  - legacy\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "runner"))]);
    let d = dir.path().to_str().unwrap();
    // Offline the name is well-formed, so validate accepts it.
    expect_exit(crate::support::roster().args(["validate", d]), 0);
    let out = p.roster(&["plan", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error[invalid-permission]: `pipeline:fly` is not a permission the platform knows"
        ),
        "{err}"
    );
    assert!(err.contains(&format!("--> {d}/c.yaml:8:9")), "{err}");
    assert!(
        err.contains("`pipeline:execute`"),
        "related permissions: {err}"
    );
    assert!(stdout(&out).is_empty(), "nothing planned");
    assert_eq!(p.writes(), 0);
}

#[test]
fn the_custom_roles_quota_stops_a_plan_that_exceeds_it() {
    let world = WORLD.replace(
        "  - name: lab\n",
        "  - name: lab\n    quotas: {maxCustomRolesPerOrg: 2}\n",
    );
    let p = Platform::start(&world);
    let roles_cfg = format!("{RUNNER}  - legacy\n  - name: third\n    description: One too many\n");
    let dir = config_dir(&[("c.yaml", &config(&roles_cfg, "runner"))]);
    let d = dir.path().to_str().unwrap();
    let out = p.roster(&["plan", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the plan leaves it with 3 custom roles, more than its quota maxCustomRolesPerOrg (2) allows"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn configs_that_only_name_roles_read_no_roles() {
    let p = Platform::start(WORLD);
    let dir = config_dir(&[("c.yaml", &config("  - runner\n  - legacy\n", "runner"))]);
    let d = dir.path().to_str().unwrap();
    plan_is_empty(&p, d, &[]);
    let stats = p.stats();
    for op in [
        "ListRoles",
        "DescribeRole",
        "ListRolePermissions",
        "DescribeOrganizationQuotas",
    ] {
        assert_eq!(stats.calls(op), 0, "{op}");
    }
    // Defining one reads the roles, the catalogue, the quota and that role's permissions, and
    // no participants beyond the declared workspace's (every live role is named).
    let dir = config_dir(&[(
        "c.yaml",
        &config(&format!("{RUNNER}  - legacy\n"), "runner"),
    )]);
    let d = dir.path().to_str().unwrap();
    p.reset_stats();
    plan_is_empty(&p, d, &[]);
    let stats = p.stats();
    for (op, n) in [
        ("ListRoles", 1),
        ("DescribeRole", 1),
        ("ListRolePermissions", 1),
        ("DescribeOrganizationQuotas", 1),
        ("ListWorkspaceParticipants", 1),
    ] {
        assert_eq!(stats.calls(op), n, "{op}");
    }
}

/// Snapshot settings: the emulator's port differs per run, and so does the plan digest.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r#""digest": "[0-9a-f]{64}""#, r#""digest": "DIGEST""#),
            (r"plan digest `[0-9a-f]{64}`", "plan digest `DIGEST`"),
            (r"roster-plan-digest: [0-9a-f]{64}", "roster-plan-digest: DIGEST"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "CONFIG"),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

#[test]
fn role_changes_render_in_text_markdown_and_json() {
    let p = Platform::start(WORLD);
    // A rename, a create given to bob, and `legacy` deleted.
    let roles_cfg = "  - name: pipeline-runner\n    renamedFrom: runner\n    description: Runs pipelines and reads runs\n    permissions: [pipeline:execute, workflow:read]\n  - name: analyst\n    description: Reads results\n    permissions: [dataset:read]\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "analyst"))]);
    let d = dir.path().to_str().unwrap();
    for (format, name) in [
        ("text", "roles_plan_text"),
        ("markdown", "roles_plan_markdown"),
        ("json", "roles_plan_json"),
    ] {
        let out = expect_exit(
            &mut p.roster(&["plan", d, "--format", format, "--allow-destroy"]),
            0,
        );
        snapshot!(name, stdout(&out));
    }
}

#[test]
fn a_saved_plan_with_role_changes_applies_as_planned() {
    let p = Platform::start(WORLD);
    let roles_cfg = "  - name: pipeline-runner\n    renamedFrom: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, workflow:read]\n  - name: analyst\n    description: Reads results\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "analyst"))]);
    let d = dir.path().to_str().unwrap();
    let saved = dir.path().join("plan.json");
    let s = saved.to_str().unwrap();
    expect_exit(
        &mut p.roster(&["plan", d, "--out", s, "--allow-destroy"]),
        0,
    );
    let out = expect_exit(
        &mut p.roster(&["apply", s, "--auto-approve", "--allow-destroy"]),
        0,
    );
    assert!(stdout(&out).contains("Apply complete"), "{}", stdout(&out));
    let names: Vec<String> = roles(&p).into_iter().map(|r| r.1).collect();
    assert_eq!(names, ["pipeline-runner", "analyst"]);
    plan_is_empty(&p, d, &[]);
    // A role changed by hand after planning makes a saved plan stale.
    let roles_cfg = roles_cfg.replace("Reads results", "Reads every result");
    std::fs::write(dir.path().join("c.yaml"), config(&roles_cfg, "analyst")).unwrap();
    expect_exit(&mut p.roster(&["plan", d, "--out", s]), 0);
    let org = p.handle.world().organizations[0].id.as_ref().unwrap().value;
    let status = p.api(
        "PUT",
        &format!("/roles/analyst?orgId={org}"),
        serde_json::json!({"description": "Changed by hand"}),
    );
    assert_eq!(status, 204);
    let stale = p.roster(&["apply", s, "--auto-approve"]).output().unwrap();
    assert_ne!(stale.status.code(), Some(0), "{}", stdout(&stale));
    assert!(
        stderr(&stale).contains("org/lab/roles"),
        "{}",
        stderr(&stale)
    );
    let r = roles(&p).into_iter().find(|r| r.1 == "analyst").unwrap();
    assert_eq!(r.2.as_deref(), Some("Changed by hand"), "nothing written");
}

#[test]
fn role_changes_converge_in_one_apply_under_injected_faults() {
    let roles_cfg = "  - name: pipeline-runner\n    renamedFrom: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, workflow:read]\n  - name: analyst\n    description: Reads results\n    permissions: [dataset:read]\n  - name: curator\n    description: Curates\n";
    let config = config(roles_cfg, "analyst");
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = (1..=10u64)
            .map(|seed| {
                let config = &config;
                s.spawn(move || -> Result<(), String> {
                    let p = Platform::start_with(
                        WORLD,
                        seqera_emulator::Options {
                            fail_rate: 0.25,
                            seed,
                            ..seqera_emulator::Options::default()
                        },
                    );
                    let id = roles(&p)[0].0;
                    let dir = config_dir(&[("c.yaml", config)]);
                    let d = dir.path().to_str().unwrap();
                    let out = p
                        .roster(&["apply", d, "--auto-approve", "--allow-destroy"])
                        .output()
                        .unwrap();
                    if out.status.code() != Some(0) {
                        return Err(format!("apply: {}\n{}", stdout(&out), stderr(&out)));
                    }
                    let now = roles(&p);
                    let mut names: Vec<&str> = now.iter().map(|r| r.1.as_str()).collect();
                    names.sort();
                    if names != ["analyst", "curator", "pipeline-runner"] {
                        return Err(format!("roles {names:?}"));
                    }
                    if now[0].0 != id {
                        return Err("the renamed role was recreated".into());
                    }
                    let again = p
                        .roster(&["plan", d, "--detailed-exitcode"])
                        .output()
                        .unwrap();
                    if again.status.code() != Some(0) {
                        return Err(format!(
                            "not converged: {}\n{}",
                            stdout(&again),
                            stderr(&again)
                        ));
                    }
                    Ok(())
                })
            })
            .collect();
        runs.into_iter()
            .enumerate()
            .filter_map(|(i, h)| match h.join() {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(format!("seed {}: {e}", i + 1)),
                Err(_) => Some(format!("seed {}: panicked", i + 1)),
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn role_changes_need_an_owner_of_the_organization() {
    // bob, a plain member, is the acting user.
    let world = WORLD.replace(
        "{email: bob@lab.org, userName: bob}",
        "{email: bob@lab.org, userName: bob, token: t-bob}",
    );
    let p = Platform::start(&world);
    let dir = config_dir(&[(
        "c.yaml",
        "kind: Organization\nname: lab\ncustomRoles:\n  - name: runner\n    description: Changed\n  - legacy\n",
    )]);
    let d = dir.path().to_str().unwrap();
    let out = p
        .roster(&["plan", d])
        .env("TOWER_ACCESS_TOKEN", "t-bob")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out)
            .contains("needs an owner of the organization (e.g. update org/lab/role/runner)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_new_organization_gets_its_roles_before_its_participants() {
    let p = Platform::start(
        "users:\n  - {email: admin@lab.org, userName: admin, token: t-admin}\n  - {email: bob@lab.org, userName: bob}\n",
    );
    let dir = config_dir(&[(
        "c.yaml",
        &config(
            "  - name: analyst\n    description: Reads results\n    permissions: [workflow:read]\n",
            "analyst",
        ),
    )]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &[]);
    let role = change(&plan, "org/lab/role/analyst");
    assert_eq!(
        role["exec"]["org"],
        serde_json::json!({"created_by": "org/lab"})
    );
    assert_eq!(role["depends_on"], serde_json::json!(["org/lab"]));
    apply(&p, d, &[]);
    assert!(held(&p, "rnaseq").contains(&("bob@lab.org".into(), "analyst".into())));
    plan_is_empty(&p, d, &[]);
}

#[test]
fn a_rename_already_done_leaves_the_old_role_alone() {
    // Both names exist: the rename is not planned again, and the old role is neither renamed
    // nor deleted, but reported.
    let world = WORLD.replace(
        "      - legacy\n",
        "      - legacy\n      - {name: pipeline-runner, description: Runs pipelines, permissions: [pipeline:execute, workflow:read]}\n",
    );
    let p = Platform::start(&world);
    let roles_cfg = "  - name: pipeline-runner\n    renamedFrom: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, workflow:read]\n  - legacy\n";
    let dir = config_dir(&[("c.yaml", &config(roles_cfg, "pipeline-runner"))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d, &[]);
    assert!(
        !changes(&plan).iter().any(|c| c.1 == "role"),
        "{:?}",
        changes(&plan)
    );
    let unmanaged = plan["unmanaged"].as_array().unwrap();
    assert!(
        unmanaged
            .iter()
            .any(|u| u["address"] == "org/lab/role/runner"
                && u["reason"].as_str().unwrap().contains("exists already")),
        "{unmanaged:?}"
    );
}
