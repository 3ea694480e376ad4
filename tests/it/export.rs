//! `roster export` against the emulator: export then plan is `No changes.` (for the example world
//! and for random worlds), one hand edit plans exactly that edit, two exports are byte-identical,
//! a non-empty directory is refused, every modeline resolves, and the reads make one call per
//! page of each listing.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use crate::support::{Platform, expect_exit, manifest_dir, stderr, stdout};

const NOW: &str = "2026-12-01";

/// Run `roster export DIR` against `p` with a fixed date.
fn export(p: &Platform, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["export", dir.to_str().unwrap(), "--rate", "1000"];
    args.extend_from_slice(extra);
    p.roster(&args).env("ROSTER_NOW", NOW).output().unwrap()
}

/// Every file below `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn example_world() -> String {
    std::fs::read_to_string(manifest_dir().join("examples/biocommons/.roster/sandbox.world.yaml"))
        .unwrap()
}

/// `roster plan DIR --detailed-exitcode` must say `No changes.` and exit 0.
fn assert_no_changes(p: &Platform, dir: &Path) {
    let out = p
        .roster(&[
            "plan",
            dir.to_str().unwrap(),
            "--detailed-exitcode",
            "--rate",
            "1000",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "plan after export is not empty\n{}\n{}\nfiles:\n{}",
        stdout(&out),
        stderr(&out),
        dump(dir)
    );
    assert!(stdout(&out).contains("No changes."), "{}", stdout(&out));
}

fn dump(dir: &Path) -> String {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".yaml"))
        .map(|(p, b)| format!("--- {p}\n{}", String::from_utf8_lossy(&b)))
        .collect()
}

#[test]
fn the_example_world_round_trips_to_no_changes() {
    let p = Platform::start(&example_world());
    let dir = tempfile::tempdir().unwrap();
    let out = export(&p, dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = tree(dir.path());
    for f in [
        "roster.yaml",
        "schemas/roster.schema.json",
        "organizations/biocommons.yaml",
        "workspaces/biocommons/genomics.yaml",
        "workspaces/biocommons/scratch-2023.yaml",
    ] {
        assert!(files.contains_key(f), "{f} missing: {:?}", files.keys());
    }
    let genomics = String::from_utf8(files["workspaces/biocommons/genomics.yaml"].clone()).unwrap();
    assert!(
        genomics.contains("  # collaborator: not an org member\n  - user: visitor@partner.edu.au\n    role: view\n"),
        "{genomics}"
    );
    assert!(
        genomics.contains("studios:\n  lifespanHours: 4\n"),
        "{genomics}"
    );
    let org = String::from_utf8(files["organizations/biocommons.yaml"].clone()).unwrap();
    assert!(org.contains("customRoles:\n  - pipeline-runner\n"), "{org}");
    assert!(
        org.contains(&format!(
            "# created by roster export from {} on {NOW}\n",
            p.url()
        )),
        "{org}"
    );
    // The written config is valid on its own, and plans nothing against the same platform.
    expect_exit(
        crate::support::roster().args(["validate", dir.path().to_str().unwrap()]),
        0,
    );
    assert_no_changes(&p, dir.path());
    // The token never reaches a file.
    for (path, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains(&p.token),
            "{path} holds the token"
        );
    }
}

#[test]
fn two_exports_of_the_same_platform_are_byte_identical() {
    let p = Platform::start(&example_world());
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    expect_exit(
        p.roster(&["export", a.path().to_str().unwrap()])
            .env("ROSTER_NOW", NOW),
        0,
    );
    expect_exit(
        p.roster(&["export", b.path().to_str().unwrap()])
            .env("ROSTER_NOW", NOW),
        0,
    );
    assert_eq!(tree(a.path()), tree(b.path()));
}

#[test]
fn a_non_empty_directory_is_refused_unless_forced() {
    let p = Platform::start(&example_world());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = export(&p, dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert!(!dir.path().join("roster.yaml").exists(), "nothing written");
    // A file of an earlier export that this one does not write is named, not deleted.
    let old = dir.path().join("workspaces/biocommons/retired.yaml");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, "kind: Workspace\norg: biocommons\nname: retired\n").unwrap();
    let out = export(&p, dir.path(), &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not written by this export")
            && stderr(&out).contains("workspaces/biocommons/retired.yaml"),
        "{}",
        stderr(&out)
    );
    assert!(old.exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(dir.path().join("roster.yaml").exists());
}

#[test]
fn every_modeline_names_a_schema_that_exists() {
    let p = Platform::start(&example_world());
    let dir = tempfile::tempdir().unwrap();
    expect_exit(&mut p.roster(&["export", dir.path().to_str().unwrap()]), 0);
    let mut seen = 0;
    for (rel, bytes) in tree(dir.path()) {
        if !rel.ends_with(".yaml") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let first = text.lines().next().unwrap();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{rel} opens without a modeline: {first}"));
        let file = dir.path().join(&rel);
        let schema = file.parent().unwrap().join(target);
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&schema)
                .unwrap_or_else(|e| panic!("{rel}: modeline {target} does not resolve: {e}")),
        )
        .unwrap();
        assert!(json.get("$schema").is_some() || json.get("oneOf").is_some() || json.is_object());
        seen += 1;
    }
    assert!(seen >= 6, "{seen} YAML files");
}

#[test]
fn one_hand_edit_plans_exactly_that_edit() {
    let p = Platform::start(&example_world());
    let dir = tempfile::tempdir().unwrap();
    expect_exit(&mut p.roster(&["export", dir.path().to_str().unwrap()]), 0);
    let f = dir.path().join("workspaces/biocommons/proteomics.yaml");
    let text = std::fs::read_to_string(&f).unwrap();
    let edited = text.replace(
        "  - user: sofia.rossi@csiro.au\n    role: launch\n",
        "  - user: sofia.rossi@csiro.au\n    role: maintain\n",
    );
    assert_ne!(text, edited, "{text}");
    std::fs::write(&f, edited).unwrap();
    let out = expect_exit(
        &mut p.roster(&[
            "plan",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--detailed-exitcode",
        ]),
        2,
    );
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let changes = plan["changes"].as_array().unwrap();
    let addrs: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap(),
                c["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        addrs,
        [(
            "org/biocommons/workspace/proteomics/participant/user:sofia.rossi@csiro.au",
            "update"
        )],
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_export_makes_one_call_per_page_of_each_listing() {
    // 1 org, its 4 workspaces and 3 teams: every listing fits one page.
    let p = Platform::start(&example_world());
    let dir = tempfile::tempdir().unwrap();
    p.reset_stats();
    expect_exit(&mut p.roster(&["export", dir.path().to_str().unwrap()]), 0);
    let s = p.stats();
    let (workspaces, teams) = (4, 3);
    let lower_bound = 1 // UserInfo
        + 1 // ListOrganizations
        + 1 + 1 + 1 + 1 // members, collaborators, teams, workspaces
        + teams // team members
        + 3 * workspaces; // participants, studios, labels
    // + 1: without --org, the org list is read once more to find the orgs the user owns.
    assert_eq!(s.total, lower_bound + 1, "{:#?}", s.requests);
    assert_eq!(s.writes, 0);
    p.reset_stats();
    let named = tempfile::tempdir().unwrap();
    expect_exit(
        &mut p.roster(&[
            "export",
            named.path().to_str().unwrap(),
            "--org",
            "biocommons",
        ]),
        0,
    );
    assert_eq!(p.stats().total, lower_bound, "{:#?}", p.stats().requests);
}

#[test]
fn workspace_filter_exports_only_the_named_workspace() {
    let p = Platform::start(&example_world());
    let dir = tempfile::tempdir().unwrap();
    let out = export(&p, dir.path(), &["--workspace", "biocommons/genomics"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ws: Vec<String> = tree(dir.path())
        .into_keys()
        .filter(|k| k.starts_with("workspaces/"))
        .collect();
    assert_eq!(ws, ["workspaces/biocommons/genomics.yaml"]);
    let out = export(
        &p,
        tempfile::tempdir().unwrap().path(),
        &["--workspace", "biocommons/nope"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("biocommons/nope"), "{}", stderr(&out));
}

// --- Random worlds ------------------------------------------------------------------------

const USERS: [&str; 6] = [
    "a@lab.org",
    "b@lab.org",
    "c@lab.org",
    "d@lab.org",
    "e@uni.edu",
    "f@uni.edu",
];
const ROLES: [&str; 6] = ["owner", "admin", "maintain", "launch", "connect", "view"];

/// A random world: members (user, owner?), teams (members), workspaces (visibility, studios
/// lifespan, a label?, participants as user (`Ok`) or team (`Err`) with a role).
#[derive(Debug, Clone)]
struct World {
    members: Vec<(usize, bool)>,
    teams: Vec<(usize, Vec<usize>)>,
    workspaces: Vec<WorldWorkspace>,
}

#[derive(Debug, Clone)]
struct WorldWorkspace {
    index: usize,
    shared: bool,
    lifespan: u32,
    label: Option<(bool, bool)>,
    participants: Vec<(Result<usize, usize>, usize)>,
}

fn arb_world() -> impl Strategy<Value = World> {
    (
        prop::sample::subsequence((1..USERS.len()).collect::<Vec<_>>(), 0..5),
        prop::collection::vec(any::<bool>(), USERS.len()),
        prop::sample::subsequence(vec![0usize, 1, 2], 0..=3),
        prop::collection::vec(
            prop::sample::subsequence((0..USERS.len()).collect::<Vec<_>>(), 0..3),
            3,
        ),
        prop::sample::subsequence(vec![0usize, 1, 2], 0..=3),
        prop::collection::vec(
            (
                any::<bool>(),
                0u32..=48,
                prop::option::of((any::<bool>(), any::<bool>())),
                prop::collection::vec((0usize..USERS.len() + 3, 0usize..ROLES.len()), 0..5),
            ),
            3,
        ),
    )
        .prop_map(|(members, owners, teams, team_members, wss, details)| {
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
            let workspaces = wss
                .iter()
                .map(|&w| {
                    let (shared, lifespan, label, parts) = &details[w];
                    let mut seen = std::collections::BTreeSet::new();
                    let participants = parts
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
                            seen.insert(who).then_some((who, role))
                        })
                        .collect();
                    WorldWorkspace {
                        index: w,
                        shared: *shared,
                        lifespan: *lifespan,
                        label: *label,
                        participants,
                    }
                })
                .collect();
            World {
                members: ms,
                teams,
                workspaces,
            }
        })
}

fn world_yaml(s: &World) -> String {
    let mut y = String::from("users:\n");
    for (i, u) in USERS.iter().enumerate() {
        let token = if i == 0 { ", token: prop-token" } else { "" };
        y.push_str(&format!("  - {{email: {u}, userName: user{i}{token}}}\n"));
    }
    y.push_str("organizations:\n  - name: lab\n    description: \"A lab: #1\"\n    members:\n");
    for (u, owner) in &s.members {
        let role = if *owner { "owner" } else { "member" };
        y.push_str(&format!("      - {{email: {}, role: {role}}}\n", USERS[*u]));
    }
    if !s.teams.is_empty() {
        y.push_str("    teams:\n");
        for (t, ms) in &s.teams {
            let ms: Vec<&str> = ms.iter().map(|u| USERS[*u]).collect();
            y.push_str(&format!(
                "      - name: team{t}\n        description: \"yes\"\n        members: [{}]\n",
                ms.join(", ")
            ));
        }
    }
    if !s.workspaces.is_empty() {
        y.push_str("    workspaces:\n");
        for w in &s.workspaces {
            y.push_str(&format!(
                "      - name: ws{}\n        visibility: {}\n        studios: {{lifespanHours: {}}}\n",
                w.index,
                if w.shared { "SHARED" } else { "PRIVATE" },
                w.lifespan
            ));
            if let Some((valued, resource)) = w.label {
                let value = if valued { ", value: \"on\"" } else { "" };
                y.push_str(&format!(
                    "        labels:\n          - {{name: env{value}, resource: {}}}\n",
                    resource && valued
                ));
            }
            if w.participants.is_empty() {
                continue;
            }
            y.push_str("        participants:\n");
            for (who, role) in &w.participants {
                let who = match who {
                    Ok(u) => format!("email: {}", USERS[*u]),
                    Err(t) => format!("team: team{t}"),
                };
                y.push_str(&format!("          - {{{who}, role: {}}}\n", ROLES[*role]));
            }
        }
    }
    y
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// For random worlds, export then plan is `No changes.`
    #[test]
    fn export_then_plan_is_empty_for_random_worlds(world in arb_world()) {
        let yaml = world_yaml(&world);
        let p = Platform::start(&yaml);
        let dir = tempfile::tempdir().unwrap();
        let out = export(&p, dir.path(), &[]);
        prop_assert_eq!(out.status.code(), Some(0), "export failed\n{}\nworld:\n{}", stderr(&out), yaml);
        let plan = p
            .roster(&["plan", dir.path().to_str().unwrap(), "--detailed-exitcode", "--rate", "1000"])
            .output()
            .unwrap();
        prop_assert_eq!(plan.status.code(), Some(0), "not empty\n{}\n{}\nworld:\n{}\nfiles:\n{}",
            stdout(&plan), stderr(&plan), yaml, dump(dir.path()));

        // One hand edit (a participant's role) plans exactly that edit.
        if let Some((file, edited)) = edit_one_role(dir.path()) {
            std::fs::write(&file, edited).unwrap();
            let plan = p
                .roster(&["plan", dir.path().to_str().unwrap(), "--format", "json", "--rate", "1000"])
                .output()
                .unwrap();
            prop_assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
            let json: serde_json::Value = serde_json::from_str(&stdout(&plan)).unwrap();
            let changes = json["changes"].as_array().unwrap();
            prop_assert_eq!(changes.len(), 1, "exactly the edit\n{}\nworld:\n{}", stdout(&plan), yaml);
            prop_assert_eq!(&changes[0]["kind"], "participant");
            prop_assert_eq!(&changes[0]["action"], "update");
        }
    }
}

/// The first workspace file with a participant whose role is not `owner`, with that role
/// changed (`view` becomes `launch`, anything else `view`).
fn edit_one_role(dir: &Path) -> Option<(std::path::PathBuf, String)> {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let ws = dir.join("workspaces");
    for org in std::fs::read_dir(&ws).ok()?.flatten() {
        for f in std::fs::read_dir(org.path()).ok()?.flatten() {
            files.push(f.path());
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).ok()?;
        let Some(at) = text.find("participants:\n") else {
            continue;
        };
        let mut offset = at;
        while let Some(i) = text[offset..].find("\n    role: ") {
            let start = offset + i + "\n    role: ".len();
            let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
            let role = &text[start..end];
            if role != "owner" {
                let new = if role == "view" { "launch" } else { "view" };
                let edited = format!("{}{new}{}", &text[..start], &text[end..]);
                return Some((f, edited));
            }
            offset = end;
        }
    }
    None
}

#[test]
fn merge_adds_what_the_config_does_not_declare_and_touches_nothing_declared() {
    let p = Platform::start(&example_world());
    let full = tempfile::tempdir().unwrap();
    assert_eq!(export(&p, full.path(), &[]).status.code(), Some(0));
    let all = tree(full.path());
    // A config that has adopted one workspace so far, with a reviewer's comment in it.
    let part = tempfile::tempdir().unwrap();
    let kept = [
        "roster.yaml",
        "organizations/biocommons.yaml",
        "workspaces/biocommons/genomics.yaml",
    ];
    for f in kept {
        let path = part.path().join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = all[f].clone();
        bytes.extend_from_slice(b"# reviewed by the platform team\n");
        std::fs::write(path, bytes).unwrap();
    }
    let before = tree(part.path());
    let out = export(&p, part.path(), &["--merge"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = tree(part.path());
    for f in kept {
        assert_eq!(after[f], before[f], "{f} is declared: untouched");
    }
    // Everything else the platform has is added, as the full export writes it.
    for (f, bytes) in &all {
        if !kept.contains(&f.as_str()) {
            assert_eq!(after.get(f), Some(bytes), "{f} is added");
        }
    }
    assert_eq!(after.len(), all.len());
    // The merged config plans no changes, like the full export.
    let plan = expect_exit(
        &mut p.roster(&["plan", part.path().to_str().unwrap(), "--detailed-exitcode"]),
        0,
    );
    assert!(stdout(&plan).contains("No changes"), "{}", stdout(&plan));
}
