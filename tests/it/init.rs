//! `roster init`: a new repository validates clean, every modeline resolves from its file's
//! location, the workflows and CODEOWNERS are there, a non-empty directory is refused, and
//! `--from-export` gives a repository that plans no changes against the platform it read.

use std::path::Path;

use crate::support::{Platform, expect_exit, manifest_dir, roster, stderr, stdout};

/// The schema each YAML file's first-line modeline names, resolved from the file's directory.
fn assert_modelines_resolve(dir: &Path) -> usize {
    let mut yaml = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != ".github") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push(p);
            }
        }
    }
    walk(dir, &mut yaml);
    for f in &yaml {
        let text = std::fs::read_to_string(f).unwrap();
        let target = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# yaml-language-server: $schema="))
            .unwrap_or_else(|| panic!("{} has no modeline", f.display()));
        let schema = f.parent().unwrap().join(target);
        let json = std::fs::read_to_string(&schema)
            .unwrap_or_else(|e| panic!("{}: {target} does not resolve: {e}", f.display()));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v.is_object(), "{target} is a JSON Schema object");
    }
    yaml.len()
}

#[test]
fn a_new_repository_validates_clean_and_its_modelines_resolve() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("access");
    expect_exit(roster().args(["init", dir.to_str().unwrap()]), 0);
    for f in [
        "roster.yaml",
        "schemas/roster.schema.json",
        ".github/CODEOWNERS",
        ".github/workflows/roster-pr.yml",
        ".github/workflows/roster-apply.yml",
        ".github/workflows/roster-drift.yml",
        ".github/workflows/roster-expire.yml",
        ".gitignore",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    // The workflows are the project's examples, verbatim.
    assert_eq!(
        std::fs::read_to_string(dir.join(".github/workflows/roster-pr.yml")).unwrap(),
        std::fs::read_to_string(manifest_dir().join("examples/github/roster-pr.yml")).unwrap()
    );
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .contains(".roster/sandbox/")
    );
    let settings = std::fs::read_to_string(dir.join("roster.yaml")).unwrap();
    assert!(settings.contains("policy:\n"), "{settings}");
    assert!(
        settings.contains("  # allowedEmailDomains: [example.org]\n"),
        "{settings}"
    );
    let out = expect_exit(roster().args(["validate", dir.to_str().unwrap()]), 0);
    assert!(!stdout(&out).contains("error"), "{}", stdout(&out));
    assert_eq!(assert_modelines_resolve(&dir), 1);
    // The schema is the one `roster schema` prints.
    let schema = expect_exit(roster().arg("schema"), 0);
    assert_eq!(
        std::fs::read_to_string(dir.join("schemas/roster.schema.json")).unwrap(),
        stdout(&schema)
    );
}

#[test]
fn init_refuses_a_non_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("roster.yaml"), "kind: Settings\n").unwrap();
    let out = expect_exit(roster().args(["init", dir.path().to_str().unwrap()]), 1);
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("roster.yaml")).unwrap(),
        "kind: Settings\n"
    );
}

#[test]
fn init_from_export_plans_no_changes() {
    let world = std::fs::read_to_string(
        manifest_dir().join("examples/biocommons/.roster/sandbox.world.yaml"),
    )
    .unwrap();
    let p = Platform::start(&world);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("access");
    let out = expect_exit(
        &mut p.roster(&[
            "init",
            dir.to_str().unwrap(),
            "--from-export",
            "--rate",
            "1000",
        ]),
        0,
    );
    assert!(stderr(&out).contains("Wrote"), "{}", stderr(&out));
    assert!(dir.join(".github/workflows/roster-pr.yml").is_file());
    assert!(dir.join("workspaces/biocommons/genomics.yaml").is_file());
    assert!(assert_modelines_resolve(&dir) >= 6);
    expect_exit(roster().args(["validate", dir.to_str().unwrap()]), 0);
    let plan = expect_exit(
        &mut p.roster(&["plan", dir.to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&plan).contains("No changes."), "{}", stdout(&plan));
}
