//! `roster offboard`: people are removed from the files in place and nothing else changes, byte
//! for byte. Checked for every person of the example and of a fixture written in every YAML
//! style (comments, quoted keys and values, flow and block lists, a `-` alone on its line,
//! anchors and aliases, several documents in a file, CRLF line endings): each removed line
//! belongs to an entry of that person, the config stays valid, the person has no access left,
//! and everyone else's access is unchanged. Refusals (unknown user, invalid result, an alias of
//! a removed entry) write nothing. `--dry-run` prints the diff; with a platform, the plan.

use std::collections::BTreeMap;
use std::path::Path;

use similar::{DiffOp, TextDiff};

use crate::support::{copy_dir, expect_exit, manifest_dir, roster, stderr, stdout};

const EXAMPLE: &str = "examples/biocommons";
const STYLES: &str = "tests/fixtures/offboard/styles";

/// Every config file under `dir` (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if e.file_type().is_file() && !rel.starts_with('.') && rel.ends_with(".yaml") {
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// The people of a config and their access, from `roster access --matrix --format json`.
fn matrix(dir: &Path) -> BTreeMap<String, serde_json::Value> {
    let o = expect_exit(
        roster()
            .args(["access", "--matrix", "--format", "json"])
            .arg(dir),
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["user"].as_str().unwrap().to_string(), p.clone()))
        .collect()
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `new` is `old` with `user`'s item removed from a flow list (its comma with it), or with
/// ` []` added where a block list lost its last item.
fn line_edit_ok(old: &str, new: &str, user: &str) -> bool {
    let (o, n) = (old.to_lowercase(), new.to_lowercase());
    if n.replacen(" []", "", 1) == o {
        return true;
    }
    if !o.contains(user) || n.contains(user) {
        return false;
    }
    ["", "\"", "'"].iter().any(|q| {
        let item = format!("{q}{user}{q}");
        [format!("{item}, "), format!(", {item}"), item.clone()]
            .iter()
            .any(|cut| o.replacen(cut.as_str(), "", 1) == n)
            || flow_map_removed(&o, &n, &item)
    })
}

/// `new` is `old` without one `{…}` flow mapping naming `item` (and its comma).
fn flow_map_removed(old: &str, new: &str, item: &str) -> bool {
    let Some(at) = old.find(item) else {
        return false;
    };
    let (Some(open), Some(close)) = (old[..at].rfind('{'), old[at..].find('}')) else {
        return false;
    };
    let close = at + close + 1;
    let with_comma_after = old[close..].starts_with(", ");
    let cut = if with_comma_after {
        format!("{}{}", &old[..open], &old[close + 2..])
    } else {
        let before = old[..open].trim_end_matches(' ').trim_end_matches(',');
        format!("{before}{}", &old[close..])
    };
    cut == new
}

/// Removed lines form whole entries of `user`: a run that starts at an item (`-`, or a line of
/// a flow list) naming the user, continued only by lines indented deeper.
fn removed_run_ok(lines: &[&str], user: &str) -> bool {
    if lines.is_empty() {
        return true;
    }
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i];
        let depth = indent(first);
        let mut j = i + 1;
        while j < lines.len() && indent(lines[j]) > depth {
            j += 1;
        }
        let entry = lines[i..j].join("\n").to_lowercase();
        let starts_item = first.trim_start().starts_with('-') || !first.contains(':');
        if !starts_item || !entry.contains(user) {
            return false;
        }
        i = j;
    }
    true
}

/// Assert that `new` differs from `old` only by `user`'s entries, byte for byte elsewhere:
/// every unchanged line keeps its bytes (line endings included).
fn only_entries_of(file: &str, old: &[u8], new: &[u8], user: &str) {
    let (old, new) = (
        std::str::from_utf8(old).unwrap(),
        std::str::from_utf8(new).unwrap(),
    );
    let o: Vec<&str> = old.split_inclusive('\n').collect();
    let n: Vec<&str> = new.split_inclusive('\n').collect();
    let diff = TextDiff::from_slices(&o, &n);
    let strip = |l: &str| l.trim_end_matches('\n').trim_end_matches('\r').to_string();
    for op in diff.ops() {
        let ok = match *op {
            DiffOp::Equal { .. } => true,
            DiffOp::Delete {
                old_index, old_len, ..
            } => removed_run_ok(&o[old_index..old_index + old_len], user),
            DiffOp::Insert { .. } => false,
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let olds = &o[old_index..old_index + old_len];
                let news = &n[new_index..new_index + new_len];
                // Pair each new line with the next old line it is an edit of; the old lines
                // left over are removed, run by run.
                let mut j = 0;
                let mut endings_kept = true;
                let mut runs: Vec<Vec<&str>> = vec![Vec::new()];
                for a in olds {
                    if j < news.len() && line_edit_ok(&strip(a), &strip(news[j]), user) {
                        endings_kept &= a.ends_with("\r\n") == news[j].ends_with("\r\n");
                        j += 1;
                        runs.push(Vec::new());
                    } else {
                        runs.last_mut().unwrap().push(a);
                    }
                }
                endings_kept && j == news.len() && runs.iter().all(|r| removed_run_ok(r, user))
            }
        };
        assert!(
            ok,
            "{file}: offboarding {user} changed more than its entries ({op:?}):\n--- before\n{old}\n--- after\n{new}"
        );
    }
}

/// Offboard `user` from a copy of `fixture` (extra args allowed) and check everything the
/// acceptance asks: only their entries' lines change, the result validates, they have no
/// access left, and everyone else's access is unchanged.
fn offboard_and_check(fixture: &str, user: &str, extra: &[&str]) {
    let dir = copy_dir(&manifest_dir().join(fixture));
    let before = files(dir.path());
    let access_before = matrix(dir.path());
    let o = expect_exit(
        roster()
            .arg("offboard")
            .arg(user)
            .arg("--dir")
            .arg(dir.path())
            .args(extra),
        0,
    );
    assert!(
        stdout(&o).starts_with(&format!("Offboarding {user}: ")),
        "{}",
        stdout(&o)
    );
    let after = files(dir.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut changed = 0;
    for (f, old) in &before {
        if old != &after[f] {
            changed += 1;
            only_entries_of(f, old, &after[f], user);
        }
    }
    assert!(changed > 0, "{user}: no file changed");
    assert!(
        stdout(&o).contains(&format!("Edited {changed} file")),
        "{}",
        stdout(&o)
    );
    expect_exit(roster().arg("validate").arg(dir.path()).args(extra), 0);
    let gone = expect_exit(roster().arg("access").arg(user).arg(dir.path()), 1);
    assert!(stderr(&gone).contains("nobody named"), "{}", stderr(&gone));
    let mut expected = access_before;
    expected.remove(&user.to_lowercase());
    // Teams keep their other members, so everyone else's effective access is the same.
    let access_after = matrix(dir.path());
    assert_eq!(
        access_after, expected,
        "{user}: someone else's access changed"
    );
}

#[test]
fn offboarding_anyone_from_the_example_changes_only_their_lines() {
    let people: Vec<String> = matrix(&manifest_dir().join(EXAMPLE)).into_keys().collect();
    assert!(people.len() >= 12, "{people:?}");
    for user in &people {
        // The two owners are all the owners policy.minOrgOwners allows.
        let owner = user.starts_with("ops@") || user.starts_with("platform-lead@");
        let extra: &[&str] = if owner { &["--allow-few-owners"] } else { &[] };
        offboard_and_check(EXAMPLE, user, extra);
    }
}

#[test]
fn offboarding_anyone_from_a_file_in_every_style_changes_only_their_lines() {
    // ada defines the `&owner` anchor that fay's role uses: refused, see below.
    for user in [
        "bob@lab.org",
        "carol@lab.org",
        "dan",
        "eve@lab.org",
        "fay@lab.org",
        "vic@partner.org",
    ] {
        offboard_and_check(STYLES, user, &[]);
    }
}

#[test]
fn the_edits_in_every_style_are_exactly_these() {
    let dir = copy_dir(&manifest_dir().join(STYLES));
    let d = dir.path();
    let o = expect_exit(
        roster()
            .args([
                "offboard",
                "Dan",
                "bob@lab.org",
                "vic@partner.org",
                "fay@lab.org",
            ])
            .arg("--dir")
            .arg(d),
        0,
    );
    let org = std::fs::read_to_string(d.join("organization.yaml")).unwrap();
    let want_org = std::fs::read_to_string(manifest_dir().join(STYLES).join("organization.yaml"))
        .unwrap()
        .replace("  - user: \"Bob@Lab.org\"\n", "")
        .replace(
            "  -\n    # a dash alone on its line\n    user: dan\n    role: member\n",
            "",
        )
        .replace("  - user: fay@lab.org\n    role: *owner\n", "")
        .replace(
            "[ada@lab.org, \"bob@lab.org\", carol@lab.org]",
            "[ada@lab.org, carol@lab.org]",
        )
        .replace("      - dan   # by user name\n", "")
        .replace(
            "      - user: fay@lab.org   # a grant with an end\n        expires: 2030-01-01\n        reason: on-call cover\n",
            "",
        )
        .replace("      fay@lab.org\n", "")
        .replace("members: [dan]", "members: []");
    assert_eq!(org, want_org);
    let all = std::fs::read_to_string(d.join("workspaces/all.yaml")).unwrap();
    let want_all = std::fs::read_to_string(manifest_dir().join(STYLES).join("workspaces/all.yaml"))
        .unwrap()
        .replace(
            "  - user: bob@lab.org   # bob, by email in another case\n    role: launch\n",
            "",
        )
        .replace("  - user: 'dan'\n    role: \"admin\"\n", "")
        .replace(
            "  - user: vic@partner.org\n    role: view\n--- # the second",
            "--- # the second",
        )
        .replace(", {user: vic@partner.org, role: view}]", "]")
        .replace(
            "participants:   # only vic\n  - user: vic@partner.org\n    role: view\n",
            "participants: []   # only vic\n",
        );
    assert_eq!(all, want_all);
    // CRLF stays CRLF on every line.
    let crlf = std::fs::read(d.join("workspaces/crlf.yaml")).unwrap();
    let want_crlf =
        std::fs::read(manifest_dir().join(STYLES).join("workspaces/crlf.yaml")).unwrap();
    let want_crlf = String::from_utf8(want_crlf)
        .unwrap()
        .replace("  - user: fay@lab.org   # fay\r\n    role: admin\r\n", "");
    assert_eq!(String::from_utf8(crlf).unwrap(), want_crlf);
    assert!(!want_crlf.replace("\r\n", "").contains('\n'));
    let out = stdout(&o);
    assert!(out.contains("Offboarding Dan: 4 entries"), "{out}");
    assert!(
        out.contains("organization.yaml:18") && out.contains("member of organization lab (member)"),
        "{out}"
    );
    assert!(out.contains("Edited 3 files."), "{out}");
    expect_exit(roster().arg("validate").arg(d), 0);
}

#[test]
fn an_alias_of_a_removed_entry_is_refused_at_its_place_and_nothing_is_written() {
    let dir = copy_dir(&manifest_dir().join(STYLES));
    let before = files(dir.path());
    let o = expect_exit(
        roster()
            .args(["offboard", "ada@lab.org", "--dir"])
            .arg(dir.path()),
        1,
    );
    let err = stderr(&o);
    assert!(
        err.contains(
            "error[cannot-edit]: the alias `*owner` refers to what offboarding would remove"
        ),
        "{err}"
    );
    assert!(err.contains("organization.yaml:23:11"), "{err}");
    assert!(err.contains("the anchor is defined here"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(o.stdout.is_empty());
    assert_eq!(files(dir.path()), before);
}

#[test]
fn a_list_shared_through_an_alias_loses_the_person_once() {
    // `core-mirror` is `*core`: the person leaves both teams by one edit of the anchored list.
    let dir = copy_dir(&manifest_dir().join(STYLES));
    let o = expect_exit(
        roster()
            .args(["offboard", "carol@lab.org", "--dir"])
            .arg(dir.path()),
        0,
    );
    let out = stdout(&o);
    assert!(out.contains("member of team lab/core\n"), "{out}");
    assert!(out.contains("member of team lab/core-mirror\n"), "{out}");
    let org = std::fs::read_to_string(dir.path().join("organization.yaml")).unwrap();
    assert!(org.contains("members: &core [ada@lab.org, \"bob@lab.org\"]   # trailing comment\n"));
    assert!(org.contains("members: *core\n"));
}

#[test]
fn a_person_nobody_names_is_an_error_naming_them_and_nothing_is_written() {
    let dir = copy_dir(&manifest_dir().join(EXAMPLE));
    let before = files(dir.path());
    let o = expect_exit(
        roster()
            .args([
                "offboard",
                "jane.doe@uq.edu.au",
                "nobody@uq.edu.au",
                "--dir",
            ])
            .arg(dir.path()),
        1,
    );
    let err = stderr(&o);
    assert!(
        err.contains("nobody named `nobody@uq.edu.au` is in the config"),
        "{err}"
    );
    assert!(!err.contains("`jane.doe@uq.edu.au`"), "{err}");
    assert_eq!(files(dir.path()), before);
}

#[test]
fn an_edit_that_leaves_the_config_invalid_is_refused_unless_overridden() {
    let dir = copy_dir(&manifest_dir().join(EXAMPLE));
    let before = files(dir.path());
    let o = expect_exit(
        roster()
            .args(["offboard", "ops@biocommons.org.au", "--dir"])
            .arg(dir.path()),
        1,
    );
    let err = stderr(&o);
    assert!(err.contains("error[too-few-owners]"), "{err}");
    assert!(err.contains("would not be valid"), "{err}");
    assert_eq!(files(dir.path()), before);
}

#[test]
fn an_invalid_config_is_not_edited() {
    let dir = copy_dir(&manifest_dir().join(EXAMPLE));
    let org = dir.path().join("organization.yaml");
    let text = std::fs::read_to_string(&org).unwrap() + "bogus: 1\n";
    std::fs::write(&org, &text).unwrap();
    let before = files(dir.path());
    let o = expect_exit(
        roster()
            .args(["offboard", "jane.doe@uq.edu.au", "--dir"])
            .arg(dir.path()),
        1,
    );
    assert!(
        stderr(&o).contains("error[unknown-field]"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files(dir.path()), before);
}

#[test]
fn a_dry_run_prints_the_diff_and_writes_nothing() {
    let dir = copy_dir(&manifest_dir().join(EXAMPLE));
    let before = files(dir.path());
    let o = expect_exit(
        roster()
            .current_dir(dir.path())
            .args(["offboard", "mei.chen@garvan.org.au", "--dry-run"]),
        0,
    );
    assert_eq!(files(dir.path()), before);
    let out = stdout(&o);
    assert_eq!(
        out,
        "\
--- a/./organization.yaml
+++ b/./organization.yaml
@@ -17,7 +17,6 @@
     role: owner
   - user: jane.doe@uq.edu.au
   - user: arjun.patel@unimelb.edu.au
-  - user: mei.chen@garvan.org.au
   - user: liam.oconnor@wehi.edu.au
   - user: sofia.rossi@csiro.au
   - user: tom.nguyen@qut.edu.au
@@ -26,7 +25,7 @@
 teams:
   - name: genomics-admins
     description: Admins of the genomics community
-    members: [jane.doe@uq.edu.au, mei.chen@garvan.org.au]
+    members: [jane.doe@uq.edu.au]
   - name: proteomics-admins
     description: Admins of the proteomics community
     members: [arjun.patel@unimelb.edu.au]
--- a/./workspaces/single-cell.yaml
+++ b/./workspaces/single-cell.yaml
@@ -11,7 +11,5 @@
     role: maintain
   - team: platform-support
     role: admin
-  - user: mei.chen@garvan.org.au
-    role: owner
   - user: tom.nguyen@qut.edu.au
     role: launch
"
    );
    let err = stderr(&o);
    assert!(err.contains("Dry run: nothing was written."), "{err}");
    assert!(
        err.contains("Not planned: platform biocommons has no token in BIOCOMMONS_TOWER_TOKEN"),
        "{err}"
    );

    // The diff is a patch that makes the same edit.
    let real = copy_dir(&manifest_dir().join(EXAMPLE));
    expect_exit(
        roster()
            .current_dir(real.path())
            .args(["offboard", "mei.chen@garvan.org.au"]),
        0,
    );
    std::fs::write(dir.path().join("offboard.patch"), &out).unwrap();
    let patched = std::process::Command::new("patch")
        .current_dir(dir.path())
        .args(["-p1", "-s", "-i", "offboard.patch"])
        .status();
    if let Ok(status) = patched {
        assert!(status.success());
        std::fs::remove_file(dir.path().join("offboard.patch")).unwrap();
        assert_eq!(files(dir.path()), files(real.path()));
    }
}

#[test]
fn with_a_platform_the_plan_of_the_result_follows() {
    let dir = copy_dir(&manifest_dir().join(EXAMPLE));
    let o = expect_exit(
        roster()
            .args(["offboard", "liam.oconnor@wehi.edu.au", "--sandbox", "--dir"])
            .arg(dir.path()),
        0,
    );
    let out = stdout(&o);
    let summary_end = out.find("Edited 2 files.").expect("the summary first");
    let plan = &out[summary_end..];
    assert!(
        plan.contains("- member user:liam.oconnor@wehi.edu.au (role: member)"),
        "{out}"
    );
    assert!(
        plan.contains("- participant user:liam.oconnor@wehi.edu.au"),
        "{out}"
    );
    // --no-plan: the summary only.
    let again = copy_dir(&manifest_dir().join(EXAMPLE));
    let o = expect_exit(
        roster()
            .args([
                "offboard",
                "liam.oconnor@wehi.edu.au",
                "--sandbox",
                "--no-plan",
                "--dir",
            ])
            .arg(again.path()),
        0,
    );
    assert!(!stdout(&o).contains("roster plan for"), "{}", stdout(&o));
}

#[test]
fn the_byte_level_check_catches_any_other_change() {
    let old = "members:\n  - user: a@x.org   # a\n    role: owner\n  - user: b@x.org\nteam: [a@x.org, \"b@x.org\"]\n";
    // What offboarding b does passes.
    only_entries_of(
        "f",
        old.as_bytes(),
        b"members:\n  - user: a@x.org   # a\n    role: owner\nteam: [a@x.org]\n",
        "b@x.org",
    );
    // Anything else fails: a comment lost, a requoted value, a line ending changed, another
    // person's entry removed, a line added.
    for bad in [
        "members:\n  - user: a@x.org\n    role: owner\nteam: [a@x.org]\n",
        "members:\n  - user: 'a@x.org'   # a\n    role: owner\nteam: [a@x.org]\n",
        "members:\r\n  - user: a@x.org   # a\n    role: owner\nteam: [a@x.org]\n",
        "members:\n  - user: b@x.org\nteam: [\"b@x.org\"]\n",
        "members:\n  - user: a@x.org   # a\n    role: owner\nteam: [a@x.org]\n# new\n",
    ] {
        let caught = std::panic::catch_unwind(|| {
            only_entries_of("f", old.as_bytes(), bad.as_bytes(), "b@x.org")
        });
        assert!(caught.is_err(), "not caught:\n{bad}");
    }
}

const EXPIRED: &str = "tests/fixtures/offboard/expired";

fn expired_at(dir: &Path, now: &str) -> std::process::Output {
    expect_exit(
        roster()
            .env("ROSTER_NOW", now)
            .args(["offboard", "--expired", "--dir"])
            .arg(dir),
        0,
    )
}

#[test]
fn expired_removes_the_grants_past_their_end_and_what_goes_with_a_membership() {
    let dir = copy_dir(&manifest_dir().join(EXPIRED));
    let original = std::fs::read_to_string(dir.path().join("lab.yaml")).unwrap();
    // Before anything ends: nothing to remove, nothing written.
    let o = expired_at(dir.path(), "2025-12-31");
    assert!(stderr(&o).contains("No grant in"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // At the instant a grant ends it still holds (`expires < now` ends it): on 2026-06-30 the
    // student stays; boss's cover on the team (2026-01-01) and the visitor (2026-05-01) go.
    expired_at(dir.path(), "2026-06-30");
    let mid = std::fs::read_to_string(dir.path().join("lab.yaml")).unwrap();
    assert_eq!(
        mid,
        original
            .replace(", {user: boss@lab.org, expires: 2026-01-01, reason: covering}]", "]")
            .replace(
                "  - user: vis@partner.org\n    role: view\n    expires: 2026-05-01T12:00:00+10:00\n",
                ""
            )
            .replace("owners: [vis@partner.org, ann@lab.org]", "owners: [ann@lab.org]")
    );
    // A day later the student's membership has ended, and with it their team membership and
    // participation.
    let o = expired_at(dir.path(), "2026-06-30T00:00:01Z");
    let out = stdout(&o);
    assert!(
        out.starts_with("Removing 3 entries of grants that expired:\n"),
        "{out}"
    );
    assert!(
        out.contains("stu@lab.org, member of organization lab (member): expired on 2026-06-30 (summer school)"),
        "{out}"
    );
    assert!(
        out.contains("stu@lab.org, participant of workspace lab/ws (launch): the membership of organization lab expired on 2026-06-30 (summer school)"),
        "{out}"
    );
    let after = std::fs::read_to_string(dir.path().join("lab.yaml")).unwrap();
    assert_eq!(
        after,
        mid.replace(
            "  - user: stu@lab.org      # a student\n    expires: 2026-06-30\n    reason: summer school\n",
            ""
        )
        .replace("members: [stu@lab.org, ann@lab.org]", "members: [ann@lab.org]")
        .replace("  - {user: stu@lab.org, role: launch}\n", "")
    );
    expect_exit(roster().arg("validate").arg(dir.path()), 0);
    // Run again: nothing left to remove.
    let o = expired_at(dir.path(), "2026-12-01");
    assert!(stderr(&o).contains("nothing to remove"), "{}", stderr(&o));
}

#[test]
fn expired_takes_no_users_and_a_dry_run_writes_nothing() {
    let e = expect_exit(roster().args(["offboard", "--expired", "a@x.org"]), 1);
    assert!(stderr(&e).contains("cannot be used with"), "{}", stderr(&e));
    let dir = copy_dir(&manifest_dir().join(EXPIRED));
    let before = files(dir.path());
    let o = expect_exit(
        roster()
            .env("ROSTER_NOW", "2027-06-01")
            .args(["offboard", "--expired", "--dry-run", "--dir"])
            .arg(dir.path()),
        0,
    );
    assert_eq!(files(dir.path()), before);
    let out = stdout(&o);
    assert!(
        out.contains("-    expires: 2027-01-01   # thesis\n"),
        "{out}"
    );
    let err = stderr(&o);
    assert!(
        err.contains("Removing 7 entries of grants that expired:"),
        "{err}"
    );
    // ann is still an organization member: she still reviews the workspace.
    assert!(!err.contains("ann@lab.org, review owner"), "{err}");
}
