//! `roster sandbox init` and `roster export --world`: a sandbox world written from any config
//! plans no changes (or, with `--drift`, exactly the drift its header lists, the same for the same
//! seed), an existing world is kept unless forced, and an exported world rehearses the exported
//! config offline.

use std::path::Path;

use crate::support::{Platform, copy_dir, expect_exit, manifest_dir, roster, stderr, stdout};

/// A copy of the example config without its hand-written sandbox world.
fn example_config() -> tempfile::TempDir {
    let dir = copy_dir(&manifest_dir().join("examples/biocommons"));
    std::fs::remove_file(dir.path().join(".roster/sandbox.world.yaml")).unwrap();
    dir
}

fn world(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".roster/sandbox.world.yaml")).unwrap()
}

#[test]
fn a_world_from_the_config_plans_no_changes() {
    let dir = example_config();
    let d = dir.path().to_str().unwrap();
    let out = expect_exit(roster().args(["sandbox", "init", d]), 0);
    assert!(stderr(&out).contains("plan --sandbox"), "{}", stderr(&out));
    let w = world(dir.path());
    // Every declared workspace, including the one the hand-written world lacks.
    assert!(w.contains("- name: training\n"), "{w}");
    assert!(w.contains("token: sandbox-token"), "{w}");
    let plan = expect_exit(
        roster().args(["plan", "--sandbox", d, "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&plan).contains("No changes."), "{}", stdout(&plan));
    // An existing world is kept unless forced.
    let again = expect_exit(roster().args(["sandbox", "init", d]), 1);
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
}

#[test]
fn drift_is_seeded_listed_and_planned() {
    let dir = example_config();
    let d = dir.path().to_str().unwrap();
    expect_exit(
        roster().args(["sandbox", "init", d, "--drift", "--seed", "7"]),
        0,
    );
    let first = world(dir.path());
    assert!(
        first.contains("Notes and differences from the config:"),
        "{first}"
    );
    let plan = expect_exit(
        roster().args([
            "plan",
            "--sandbox",
            d,
            "--detailed-exitcode",
            "--format",
            "json",
        ]),
        2,
    );
    let plan: serde_json::Value = serde_json::from_str(&stdout(&plan)).unwrap();
    let n = plan["changes"].as_array().unwrap().len();
    // One change per drift: a role, a team member, a description, a former member.
    assert_eq!(n, 4, "{plan:#}\n{first}");
    expect_exit(
        roster().args(["sandbox", "init", d, "--drift", "--seed", "7", "--force"]),
        0,
    );
    assert_eq!(
        world(dir.path()),
        first,
        "the same seed gives the same world"
    );
}

#[test]
fn an_exported_world_rehearses_the_exported_config_offline() {
    let src = std::fs::read_to_string(
        manifest_dir().join("examples/biocommons/.roster/sandbox.world.yaml"),
    )
    .unwrap();
    let p = Platform::start(&src);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("adopted");
    let world_file = dir.join(".roster/sandbox.world.yaml");
    // DIR must be empty, so the world goes in afterwards.
    let w = tmp.path().join("world.yaml");
    expect_exit(
        &mut p.roster(&[
            "export",
            dir.to_str().unwrap(),
            "--world",
            w.to_str().unwrap(),
        ]),
        0,
    );
    let text = std::fs::read_to_string(&w).unwrap();
    assert!(!text.contains(&p.token), "the real token is left out");
    assert!(text.contains("token: sandbox-token"), "{text}");
    std::fs::create_dir_all(world_file.parent().unwrap()).unwrap();
    std::fs::write(&world_file, &text).unwrap();
    let plan = expect_exit(
        roster().args([
            "plan",
            "--sandbox",
            dir.to_str().unwrap(),
            "--detailed-exitcode",
        ]),
        0,
    );
    assert!(stdout(&plan).contains("No changes."), "{}", stdout(&plan));
}

#[test]
fn a_sandbox_world_keeps_custom_role_definitions_and_their_permissions() {
    let dir = crate::support::config_dir(&[(
        "c.yaml",
        "kind: Organization\nname: lab\ncustomRoles:\n  - name: runner\n    description: Runs pipelines\n    permissions: [pipeline:execute, sequencer:read]\n  - legacy\nmembers:\n  - {user: admin@lab.org, role: owner}\n  - user: bob@lab.org\n---\nkind: Workspace\norg: lab\nname: rnaseq\nparticipants:\n  - {user: admin@lab.org, role: owner}\n  - {user: bob@lab.org, role: runner}\n",
    )]);
    let d = dir.path().to_str().unwrap();
    expect_exit(roster().args(["sandbox", "init", d]), 0);
    let w = world(dir.path());
    assert!(
        w.contains("      - name: runner\n        description: Runs pipelines\n        permissions: [\"pipeline:execute\", \"sequencer:read\"]\n      - legacy\n"),
        "{w}"
    );
    // A permission the built-in catalogue lacks is one the sandbox's platform knows.
    let plan = expect_exit(
        roster().args(["plan", "--sandbox", d, "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&plan).contains("No changes."), "{}", stdout(&plan));
}
