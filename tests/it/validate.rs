//! `roster validate`: every invalid fixture exits 1 with its located message (pinned by a
//! snapshot), the examples are clean, the committed schema is fresh, and no input panics.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use proptest::prelude::*;
use roster::config;
use roster::diag::Code;

use crate::support::{manifest_dir, roster};

fn fixture_dirs() -> Vec<PathBuf> {
    let root = manifest_dir().join("tests/fixtures/invalid");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `# expect: CODE at FILE:LINE:COL` lines of a fixture: what it must report, and where.
fn expectations(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in config::load::find_files(dir).expect("fixture files") {
        let text = std::fs::read_to_string(&file).expect("fixture text");
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("# expect: ") {
                let (code, loc) = rest.split_once(" at ").expect("`CODE at FILE:LINE:COL`");
                out.push((code.to_string(), loc.to_string()));
            }
        }
    }
    out
}

/// (code, file:line:col) of every rendered diagnostic.
fn reported(stderr: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("error[")
            && let Some((code, _)) = rest.split_once(']')
            && let Some(next) = lines.get(i + 1)
            && let Some(loc) = next.trim().strip_prefix("--> ")
        {
            out.push((code.to_string(), loc.to_string()));
        }
    }
    out
}

fn validate(dir: &str) -> Output {
    roster()
        .args(["validate", "--color", "never", dir])
        .output()
        .expect("run roster")
}

/// `# args: …` and `# env: NAME=VALUE` lines of a fixture: extra arguments for `validate` and
/// its environment (the clock, `ROSTER_NOW`, for checks that depend on the time).
fn invocation(dir: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let (mut args, mut env) = (Vec::new(), Vec::new());
    for file in config::load::find_files(dir).expect("fixture files") {
        let text = std::fs::read_to_string(&file).expect("fixture text");
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("# args: ") {
                args.extend(rest.split_whitespace().map(str::to_string));
            }
            if let Some((k, v)) = line
                .trim()
                .strip_prefix("# env: ")
                .and_then(|r| r.split_once('='))
            {
                env.push((k.to_string(), v.to_string()));
            }
        }
    }
    (args, env)
}

fn validate_fixture(dir: &Path, rel: &str) -> Output {
    let (args, env) = invocation(dir);
    roster()
        .args(["validate", "--color", "never", rel])
        .args(args)
        .envs(env)
        .output()
        .expect("run roster")
}

#[test]
fn every_invalid_fixture_exits_1_with_its_located_message() {
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 25, "only {} invalid fixtures", dirs.len());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let rel = format!("tests/fixtures/invalid/{name}");
        let out = validate_fixture(&dir, &rel);
        let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
        assert_eq!(out.status.code(), Some(1), "{name}: exit code\n{stderr}");
        assert!(
            out.stdout.is_empty(),
            "{name}: text diagnostics go to stderr"
        );
        let expected = expectations(&dir);
        assert!(!expected.is_empty(), "{name}: no `# expect:` line");
        let got = reported(&stderr);
        for (code, loc) in expected {
            let want = (code.clone(), format!("{rel}/{loc}"));
            assert!(
                got.contains(&want),
                "{name}: expected error[{code}] at {rel}/{loc}; got {got:?}\n{stderr}"
            );
        }
        assert!(
            stderr.lines().last().unwrap_or("").starts_with("invalid: "),
            "{name}: summary line\n{stderr}"
        );
        insta::assert_snapshot!(format!("invalid__{name}"), stderr);
    }
}

#[test]
fn every_diagnostic_kind_has_an_invalid_fixture() {
    let covered: BTreeSet<String> = fixture_dirs()
        .iter()
        .flat_map(|d| expectations(d).into_iter().map(|(code, _)| code))
        .collect();
    // I/O failures, emulator world files and in-place edits (tests/it/offboard.rs) are
    // exercised elsewhere.
    let exempt = [
        Code::Io,
        Code::InvalidWorld,
        Code::CannotEdit,
        // Only ever a warning (tests/it/expiry.rs).
        Code::ExpiresSoon,
    ];
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !exempt.contains(c) && !covered.contains(c.as_str()))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "kinds without a fixture: {missing:?}");
}

#[test]
fn the_biocommons_example_is_valid() {
    let out = validate("examples/biocommons");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.trim(), "valid: 6 documents in 6 files");
}

#[test]
fn json_diagnostics_carry_code_and_location_on_stdout() {
    let out = roster()
        .args([
            "validate",
            "--format",
            "json",
            "tests/fixtures/invalid/duplicate-member",
        ])
        .output()
        .expect("run roster");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_eq!(doc["format_version"], "1");
    assert_eq!(doc["valid"], false);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "duplicate");
    assert_eq!(
        d["location"]["file"],
        "tests/fixtures/invalid/duplicate-member/a.yaml"
    );
    assert_eq!(d["location"]["line"], 8);
    assert_eq!(d["related"][0]["line"], 7);
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let out = validate("tests/fixtures/does-not-exist");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read config directory tests/fixtures/does-not-exist"),
        "{stderr}"
    );
}

#[test]
fn hidden_directories_and_files_are_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".roster")).unwrap();
    std::fs::write(tmp.path().join(".roster/world.yaml"), "users: []\n").unwrap();
    std::fs::write(tmp.path().join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    std::fs::write(
        tmp.path().join("org.yml"),
        "kind: Organization\nname: lab\nmembers:\n  - {user: a@lab.org, role: owner}\n",
    )
    .unwrap();
    let loaded = config::read(tmp.path());
    assert!(loaded.diags.is_empty(), "{:?}", loaded.diags);
    assert_eq!(loaded.counts(), (1, 1));
}

#[test]
fn the_committed_schema_is_fresh() {
    let committed =
        std::fs::read_to_string(manifest_dir().join("schemas/roster.schema.json")).unwrap();
    let out = roster().arg("schema").output().expect("run roster schema");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "schemas/roster.schema.json is stale: run `cargo run -- schema > schemas/roster.schema.json`"
    );
}

#[test]
fn the_schema_describes_each_kind() {
    let schema: serde_json::Value =
        serde_json::from_str(&config::schema_json()).expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for (def, kind) in [
        ("SettingsDoc", "Settings"),
        ("OrganizationDoc", "Organization"),
        ("WorkspaceDoc", "Workspace"),
    ] {
        let d = &schema["$defs"][def];
        assert_eq!(d["additionalProperties"], false, "{def}");
        let kind_ref = d["properties"]["kind"]["$ref"].as_str().expect("kind ref");
        let kind_def = kind_ref.trim_start_matches("#/$defs/");
        assert_eq!(schema["$defs"][kind_def]["enum"][0], kind, "{def}");
    }
}

#[test]
fn every_example_file_starts_with_the_schema_modeline() {
    let examples = manifest_dir().join("examples");
    let schema = manifest_dir()
        .join("schemas/roster.schema.json")
        .canonicalize()
        .unwrap();
    let files = config::load::find_files(&examples).unwrap();
    let config_files: Vec<_> = files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "github"))
        .collect();
    assert!(config_files.len() >= 6);
    for file in config_files {
        let text = std::fs::read_to_string(file).unwrap();
        let first = text.lines().next().unwrap_or("");
        let rel = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{} lacks the modeline", file.display()));
        let target = file.parent().unwrap().join(rel).canonicalize();
        assert_eq!(
            target.ok().as_ref(),
            Some(&schema),
            "{}: modeline points elsewhere",
            file.display()
        );
    }
}

#[test]
fn the_example_desired_state_is_normalised() {
    let cfg = config::read(&manifest_dir().join("examples/biocommons"));
    assert!(cfg.diags.is_empty());
    let d = &cfg.desired;
    assert_eq!(d.policy.min_org_owners, 2);
    assert_eq!(
        d.platforms["biocommons"].token_env,
        "BIOCOMMONS_TOWER_TOKEN"
    );
    let org = &d.orgs[0];
    assert_eq!(org.platform.as_deref(), Some("biocommons"));
    let names: Vec<&str> = org.workspaces.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["genomics", "proteomics", "single-cell", "training"]);
    let members = org.members.as_ref().unwrap();
    assert!(members.windows(2).all(|w| w[0].user < w[1].user));
    assert_eq!(
        members
            .iter()
            .filter(|m| m.role.as_str() == "owner")
            .count(),
        2
    );
    let genomics = &org.workspaces[0];
    let first = &genomics.participants.as_ref().unwrap()[0];
    assert_eq!(first.principal.to_string(), "team:genomics-admins");
}

fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "kind: ",
        "Organization",
        "Workspace",
        "Settings",
        "name: ",
        "members:",
        "\n",
        "  - ",
        "user: ",
        "role: ",
        "owner",
        "---\n",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "&a ",
        "*a",
        "<<: ",
        "!!str ",
        "\t",
        "\"",
        "'",
        "#",
        "é",
        "participants:",
        "team: ",
        "org: ",
        "policy:",
        "|\n",
        ">-\n",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn loading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut loaded = config::load::Loaded::default();
        config::load::load_bytes(&mut loaded, "fuzz.yaml", bytes);
        let _ = config::validate::validate(&loaded);
    }

    #[test]
    fn loading_yaml_like_text_never_panics_and_every_diagnostic_is_located(text in yamlish()) {
        let mut loaded = config::load::Loaded::default();
        config::load::load_text(&mut loaded, "fuzz.yaml", text);
        let (_, diags) = config::validate::validate(&loaded);
        for d in diags.iter().chain(loaded.diags.iter()) {
            prop_assert!(d.primary.is_some(), "unlocated: {d:?}");
        }
        let _ = roster::diag::render_text(&loaded.diags, &loaded.sources, false);
    }
}

/// A problem's code and `file:line:col`.
type Found = (String, String);

/// (code, file:line:col) of every problem `roster validate DIR` reports, and of every problem the
/// fixture's `# expect:` lines declare, both sorted, with locations relative to `dir`.
fn reported_and_expected(dir: &Path, shown: &str) -> (Vec<Found>, Vec<Found>) {
    let out = validate(shown);
    let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let prefix = format!("{shown}/");
    let mut got: Vec<Found> = reported(&stderr)
        .into_iter()
        .map(|(code, loc)| {
            let rel = loc.strip_prefix(&prefix).unwrap_or(&loc).to_string();
            (code, rel)
        })
        .collect();
    got.sort();
    let mut want = expectations(dir);
    want.sort();
    (got, want)
}

#[test]
fn unknown_field_does_not_hide_other_problems() {
    // Every problem of the documents is reported in the run that finds the misspelt fields...
    let rel = "tests/fixtures/invalid/unknown-field-keeps-checking";
    let (got, want) = reported_and_expected(&manifest_dir().join(rel), rel);
    assert_eq!(got, want);
    assert_eq!(got.iter().filter(|(c, _)| c == "unknown-field").count(), 3);
    assert!(got.len() > 3, "{got:?}");

    // ...so fixing them reveals nothing new: the same problems remain, less the unknown fields.
    let tmp = tempfile::tempdir().unwrap();
    for file in ["org.yaml", "ws.yaml"] {
        let text = std::fs::read_to_string(manifest_dir().join(rel).join(file)).unwrap();
        let fixed = text
            .replace("fulname:", "fullName:")
            .replace("membrs:", "members:")
            .replace("visibilty:", "visibility:");
        std::fs::write(tmp.path().join(file), fixed).unwrap();
    }
    let shown = tmp.path().to_str().unwrap();
    let (after, _) = reported_and_expected(tmp.path(), shown);
    let before: Vec<_> = got
        .into_iter()
        .filter(|(c, _)| c != "unknown-field")
        .collect();
    assert_eq!(after, before);
}

#[test]
fn parse_failure_does_not_cascade_into_undeclared_org() {
    // Two Organization documents fail to parse (a wrong type; a syntax error, with the name
    // written in another case): only their own problems are reported, not their workspaces'
    // references to them.
    let rel = "tests/fixtures/invalid/parse-failure-no-cascade";
    let (got, want) = reported_and_expected(&manifest_dir().join(rel), rel);
    assert_eq!(got, want);
    assert!(got.iter().all(|(c, _)| c != "undeclared-org"), "{got:?}");

    // A reference to an organization no document declares is still reported.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("org.yaml"),
        "kind: Organization\nname: lab\nmembers: 3\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("ws.yaml"),
        "kind: Workspace\norg: elsewhere\nname: rnaseq\n",
    )
    .unwrap();
    let (got, _) = reported_and_expected(tmp.path(), tmp.path().to_str().unwrap());
    let codes: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["undeclared-org", "wrong-type"]);
}

#[test]
fn github_format_prints_one_annotation_per_diagnostic_on_stdout() {
    let out = roster()
        .args([
            "validate",
            "--format",
            "github",
            "tests/fixtures/invalid/duplicate-member",
        ])
        .output()
        .expect("run roster");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(!lines.is_empty(), "no annotations");
    for line in &lines {
        assert!(
            line.starts_with("::error file=tests/fixtures/invalid/duplicate-member/a.yaml,line="),
            "{line}"
        );
        assert!(line.contains(",title=duplicate::"), "{line}");
        assert!(
            line.contains("%0A"),
            "the second place follows on its own line: {line}"
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().starts_with("invalid: "), "{stderr}");
}

#[test]
fn expires_and_reason_reach_the_desired_state_on_every_kind_of_grant() {
    use roster::config::desired::Principal;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("org.yaml"),
        "kind: Organization\nname: lab\nmembers:\n  - {user: a@lab.org, role: owner}\n  - {user: B@lab.org, expires: 2027-01-31, reason: visiting}\nteams:\n  - name: core\n    members:\n      - a@lab.org\n      - {user: b@lab.org, expires: '2027-01-15T09:00:00+10:00', reason: '  project x  '}\n---\nkind: Workspace\norg: lab\nname: ws\nparticipants:\n  - {team: core, role: launch, expires: 2027-03-01}\n  - {user: c@partner.org, role: view, expires: 2027-02-01, reason: collaborator}\n",
    )
    .unwrap();
    let cfg = config::read(tmp.path());
    assert!(cfg.diags.is_empty(), "{:?}", cfg.diags);
    let org = &cfg.desired.orgs[0];
    let b = &org.members.as_ref().unwrap()[1];
    assert_eq!(b.user.as_str(), "b@lab.org");
    assert_eq!(b.expires.unwrap().to_string(), "2027-01-31");
    assert_eq!(b.reason.as_deref(), Some("visiting"));
    assert!(org.members.as_ref().unwrap()[0].expires.is_none());
    let team = &org.teams.as_ref().unwrap()[0];
    let tm = team.members.as_ref().unwrap();
    assert_eq!(tm.len(), 2);
    assert!(tm[0].expires.is_none());
    assert_eq!(tm[1].expires.unwrap().to_string(), "2027-01-14T23:00:00Z");
    assert_eq!(tm[1].reason.as_deref(), Some("project x"));
    let ps = org.workspaces[0].participants.as_ref().unwrap();
    assert!(matches!(ps[0].principal, Principal::Team(_)));
    assert_eq!(ps[0].expires.unwrap().to_string(), "2027-03-01");
    assert_eq!(ps[1].reason.as_deref(), Some("collaborator"));
}
