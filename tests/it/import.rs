//! `roster import seqerakit` on the real seqerakit examples (tests/fixtures/seqerakit, copied
//! from upstream): each imports and validates, the blocks it does not translate are listed with
//! file:line, `$VAR`s are an error naming the variable unless supplied, the upstream members
//! template (wrong top-level key) is a clear error, and the import plans no changes against a
//! world seqerakit would have produced from the same file.

use std::path::PathBuf;

use crate::support::{Platform, expect_exit, manifest_dir, roster, stderr, stdout};

fn fixture(rel: &str) -> String {
    manifest_dir()
        .join("tests/fixtures/seqerakit")
        .join(rel)
        .display()
        .to_string()
}

fn out_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("access");
    (tmp, out)
}

#[test]
fn the_full_example_imports_validates_and_lists_what_it_leaves_out() {
    let (_tmp, out) = out_dir();
    let run = expect_exit(
        roster().args([
            "import",
            "seqerakit",
            &fixture("examples/yaml/seqerakit-e2e.yml"),
            "--owner",
            "runner@seqera.io",
            "--out",
            out.to_str().unwrap(),
        ]),
        0,
    );
    let err = stderr(&run);
    for block in [
        "credentials",
        "secrets",
        "compute-envs",
        "datasets",
        "pipelines",
        "launch",
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains("seqerakit-e2e.yml:") && l.contains(&format!(": {block} ("))),
            "{block} not listed:\n{err}"
        );
    }
    assert!(err.contains("on_exists"), "{err}");
    assert!(err.contains("authoritative"), "{err}");
    let ws = std::fs::read_to_string(out.join("workspaces/seqerakit-e2e/showcase.yaml")).unwrap();
    assert!(
        ws.contains("  - team: scidev_team\n    role: admin\n"),
        "{ws}"
    );
    assert!(
        ws.contains("  - user: adam.talbot@seqera.io\n    role: launch\n"),
        "{ws}"
    );
    assert!(ws.contains("visibility: private\n"), "{ws}");
    let org = std::fs::read_to_string(out.join("organizations/seqerakit-e2e.yaml")).unwrap();
    assert!(org.contains("      - drpatelhh@gmail.com\n"), "{org}");
    assert!(
        org.contains("# created by roster import seqerakit from seqerakit-e2e.yml on "),
        "{org}"
    );
    expect_exit(roster().args(["validate", out.to_str().unwrap()]), 0);
}

#[test]
fn a_directory_of_split_files_is_merged_as_seqerakit_does() {
    let (_tmp, out) = out_dir();
    expect_exit(
        roster().args([
            "import",
            "seqerakit",
            &fixture("examples/yaml/e2e"),
            "--owner",
            "runner@seqera.io",
            "--out",
            out.to_str().unwrap(),
        ]),
        0,
    );
    let ws = std::fs::read_to_string(out.join("workspaces/seqerakit-e2e/showcase.yaml")).unwrap();
    assert!(
        ws.contains("  - user: adam.talbot@seqera.io\n    role: maintain\n"),
        "{ws}"
    );
    let org = std::fs::read_to_string(out.join("organizations/seqerakit-e2e.yaml")).unwrap();
    assert!(org.contains("  - user: adam.talbot@seqera.io\n"), "{org}");
    assert!(org.contains("location: Global\n"), "{org}");
    expect_exit(roster().args(["validate", out.to_str().unwrap()]), 0);
}

#[test]
fn unset_variables_are_named_and_an_env_file_supplies_them() {
    for file in [
        "tests/e2e/aws-e2e.yml",
        "examples/yaml/cloud-providers/aws/seqerakit-aws-e2e.yml",
    ] {
        let (tmp, out) = out_dir();
        let run = expect_exit(
            roster().args([
                "import",
                "seqerakit",
                &fixture(file),
                "--out",
                out.to_str().unwrap(),
            ]),
            1,
        );
        assert!(
            stderr(&run).contains("`$SEQERA_ORGANIZATION_NAME`"),
            "{}",
            stderr(&run)
        );
        assert!(!out.exists(), "nothing written");
        let env = tmp.path().join(".env");
        std::fs::write(
            &env,
            "SEQERA_ORGANIZATION_NAME=lab\nexport SEQERA_TEAM_NAME='core'\nSEQERA_WORKSPACE_NAME=\"rnaseq\"\nTEAM_MEMBER_EMAIL1=a@lab.org\nTEAM_MEMBER_EMAIL2=b@lab.org\n",
        )
        .unwrap();
        let run = expect_exit(
            roster().args([
                "import",
                "seqerakit",
                &fixture(file),
                "--env-file",
                env.to_str().unwrap(),
                "--owner",
                "a@lab.org",
                "--out",
                out.to_str().unwrap(),
            ]),
            0,
        );
        // Variables in blocks that are not translated are not needed.
        assert!(stderr(&run).contains("credentials"), "{}", stderr(&run));
        let ws = std::fs::read_to_string(out.join("workspaces/lab/rnaseq.yaml")).unwrap();
        assert!(ws.contains("  - team: core\n    role: admin\n"), "{ws}");
        expect_exit(roster().args(["validate", out.to_str().unwrap()]), 0);
    }
}

#[test]
fn an_org_without_an_owner_asks_for_one() {
    let (_tmp, out) = out_dir();
    let run = expect_exit(
        roster().args([
            "import",
            "seqerakit",
            &fixture("examples/yaml/seqerakit-e2e.yml"),
            "--out",
            out.to_str().unwrap(),
        ]),
        1,
    );
    assert!(
        stderr(&run).contains("pass --owner EMAIL"),
        "{}",
        stderr(&run)
    );
    assert!(!out.exists());
}

#[test]
fn the_upstream_members_template_is_a_clear_error() {
    let (_tmp, out) = out_dir();
    let run = expect_exit(
        roster().args([
            "import",
            "seqerakit",
            &fixture("templates/members.yml"),
            "--out",
            out.to_str().unwrap(),
        ]),
        1,
    );
    let err = stderr(&run);
    assert!(err.contains("members.yml:2:"), "{err}");
    assert!(err.contains("`members` entry under the wrong key"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_participants_template_declares_the_workspace_it_adds_to() {
    let (_tmp, out) = out_dir();
    expect_exit(
        roster().args([
            "import",
            "seqerakit",
            &fixture("templates/participants.yml"),
            "--owner",
            "runner@seqera.io",
            "--out",
            out.to_str().unwrap(),
        ]),
        0,
    );
    let ws =
        std::fs::read_to_string(out.join("workspaces/my_organization/my_workspace.yaml")).unwrap();
    assert!(ws.contains("  - team: my_team\n    role: admin\n"), "{ws}");
}

/// What seqerakit-e2e.yml leaves on a platform, run as runner@seqera.io: the creator owns the
/// org and the workspace; team members became org members.
const SEQERAKIT_WORLD: &str = "\
users:
  - {email: runner@seqera.io, userName: runner, token: t}
  - {email: esha.joshi@seqera.io, userName: esha}
  - {email: adam.talbot@seqera.io, userName: adam}
  - {email: drpatelhh@gmail.com, userName: drpatel}
organizations:
  - name: seqerakit-e2e
    fullName: seqerakit-e2e
    description: Organization created E2E with seqerakit CLI scripting
    location: Global
    website: https://seqera.io/
    members:
      - {email: runner@seqera.io, role: owner}
      - {email: esha.joshi@seqera.io}
      - {email: adam.talbot@seqera.io}
      - {email: drpatelhh@gmail.com}
    teams:
      - name: scidev_team
        description: Scientific Development team @ Seqera Labs
        members: [esha.joshi@seqera.io, adam.talbot@seqera.io, drpatelhh@gmail.com]
    workspaces:
      - name: showcase
        fullName: showcase
        description: Workspace created E2E with seqerakit CLI scripting
        visibility: PRIVATE
        participants:
          - {email: runner@seqera.io, role: owner}
          - {team: scidev_team, role: admin}
          - {email: adam.talbot@seqera.io, role: launch}
";

#[test]
fn the_import_plans_no_changes_against_what_seqerakit_made() {
    let p = Platform::start(SEQERAKIT_WORLD);
    let (_tmp, out) = out_dir();
    expect_exit(
        roster().args([
            "import",
            "seqerakit",
            &fixture("examples/yaml/seqerakit-e2e.yml"),
            "--owner",
            "runner@seqera.io",
            "--out",
            out.to_str().unwrap(),
        ]),
        0,
    );
    let plan = expect_exit(
        &mut p.roster(&["plan", out.to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&plan).contains("No changes."), "{}", stdout(&plan));
}
