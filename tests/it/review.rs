//! `roster review`: which declared access reviews are overdue at the clock's instant
//! (`ROSTER_NOW`), who must review each, in text, Markdown and JSON, with the exit codes CI uses;
//! and the filters the Action uses to build one issue per review.

use serde_json::Value;

use crate::support::{config_dir, expect_exit, roster, stderr, stdout};

const EXAMPLE: &str = "examples/biocommons";

fn review(now: &str, args: &[&str], code: i32) -> std::process::Output {
    expect_exit(
        roster().env("ROSTER_NOW", now).arg("review").args(args),
        code,
    )
}

fn json(now: &str, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout(&review(now, &all, 0))).unwrap()
}

#[test]
fn a_review_is_overdue_from_reviewed_on_plus_every_and_names_its_reviewers() {
    // genomics: every 90d from 2026-06-15, due 2026-09-13; the org: every 180d from 2026-09-01.
    let before = json("2026-09-12T23:59:59Z", &[EXAMPLE, "--all"]);
    assert_eq!(before["overdue"], 0);
    assert_eq!(before["declared"], 2);
    let on_the_day = json("2026-09-13", &[EXAMPLE]);
    assert_eq!(on_the_day["overdue"], 1);
    let r = &on_the_day["reviews"][0];
    assert_eq!(r["key"], "biocommons/genomics");
    assert_eq!(r["due"], "2026-09-13");
    assert_eq!(r["days"], 0);
    assert_eq!(r["reviewers"], serde_json::json!(["jane.doe@uq.edu.au"]));
    assert_eq!(r["reviewersAreOrgOwners"], false);
    assert_eq!(
        r["reviewedOrigin"],
        "examples/biocommons/workspaces/genomics.yaml:32:13"
    );

    // The organization's review names no owners: its owners review it.
    let later = json("2027-03-01", &[EXAMPLE]);
    assert_eq!(later["overdue"], 2);
    let org = &later["reviews"][0];
    assert_eq!(org["key"], "biocommons");
    assert_eq!(
        org["reviewers"],
        serde_json::json!(["ops@biocommons.org.au", "platform-lead@biocommons.org.au"])
    );
    assert_eq!(org["reviewersAreOrgOwners"], true);
}

#[test]
fn text_lists_what_is_overdue_and_the_exit_code_tells_ci() {
    let out = stdout(&review("2026-12-01", &[EXAMPLE], 0));
    assert!(
        out.starts_with("Access reviews on 2026-12-01: 1 of 2 overdue\n"),
        "{out}"
    );
    assert!(
        out.contains("overdue  workspace biocommons/genomics\n"),
        "{out}"
    );
    assert!(
        out.contains("every 90d; last reviewed 2026-06-15; due 2026-09-13, 79 days ago"),
        "{out}"
    );
    assert!(out.contains("reviewers: jane.doe@uq.edu.au\n"), "{out}");
    assert!(
        !out.contains("organization biocommons"),
        "not overdue: {out}"
    );
    assert!(out.contains("`reviewedOn: 2026-12-01`"), "{out}");
    let all = stdout(&review("2026-12-01", &[EXAMPLE, "--all"], 0));
    assert!(all.contains("ok       organization biocommons\n"), "{all}");
    assert!(all.contains("due 2027-02-28, in 89 days"), "{all}");
    // --detailed-exitcode: 2 when something is overdue, 0 when nothing is.
    review("2026-12-01", &[EXAMPLE, "--detailed-exitcode"], 2);
    let none = review("2026-09-01", &[EXAMPLE, "--detailed-exitcode"], 0);
    assert!(
        stdout(&none).contains("0 of 2 overdue"),
        "{}",
        stdout(&none)
    );
}

#[test]
fn markdown_and_the_filters_give_one_review_for_an_issue() {
    let out = stdout(&review(
        "2026-12-01",
        &[
            EXAMPLE,
            "--of",
            "biocommons/genomics",
            "--format",
            "markdown",
        ],
        0,
    ));
    assert!(
        out.starts_with("## Access review overdue: workspace biocommons/genomics\n"),
        "{out}"
    );
    assert!(
        out.contains("- **Reviewers:** jane.doe\\@uq.edu.au\n"),
        "{out}"
    );
    assert!(
        out.contains("in `examples/biocommons/workspaces/genomics.yaml`"),
        "{out}"
    );
    let org = json("2026-12-01", &[EXAMPLE, "--of", "BioCommons", "--all"]);
    assert_eq!(org["reviews"].as_array().unwrap().len(), 1);
    assert_eq!(org["reviews"][0]["key"], "biocommons");
    let e = review("2026-12-01", &[EXAMPLE, "--of", "biocommons/training"], 1);
    assert!(
        stderr(&e).contains(
            "--of biocommons/training: no review of that organization or workspace is declared"
        ),
        "{}",
        stderr(&e)
    );
    let e = review("2026-12-01", &[EXAMPLE, "--org", "nope"], 1);
    assert!(
        stderr(&e).contains("--org nope: no organization"),
        "{}",
        stderr(&e)
    );
}

#[test]
fn never_reviewed_is_overdue_and_a_review_recorded_in_the_future_is_an_error() {
    let dir = config_dir(&[(
        "lab.yaml",
        "kind: Organization\nname: lab\nmembers:\n  - {user: boss@lab.org, role: owner}\nreview: {every: 2w}\n---\nkind: Workspace\norg: lab\nname: ws\nparticipants: []\nreview: {every: 30d}\nreviewedOn: 2026-03-10T09:00:00+10:00\n",
    )]);
    let d = dir.path().to_str().unwrap();
    let out = stdout(&review("2026-03-09", &[d, "--all"], 0));
    assert!(out.contains("overdue  organization lab\n"), "{out}");
    assert!(
        out.contains("last reviewed never; never reviewed: due now"),
        "{out}"
    );
    assert!(
        out.contains("boss@lab.org (the organization's owners)"),
        "{out}"
    );
    // 2026-03-10T09:00+10:00 is 2026-03-09T23:00Z: within a day of the clock, not in the future.
    assert!(out.contains("ok       workspace lab/ws"), "{out}");
    let e = review("2026-03-08", &[d], 1);
    let err = stderr(&e);
    assert!(
        err.contains("reviewedOn 2026-03-09T23:00:00Z is in the future (today is 2026-03-08)"),
        "{err}"
    );
    assert!(err.contains("lab.yaml:12:13"), "{err}");
    assert!(e.stdout.is_empty());
}

#[test]
fn no_review_declared_is_said_plainly() {
    let dir = config_dir(&[("lab.yaml", "kind: Organization\nname: lab\n")]);
    let out = stdout(&review("2026-03-08", &[dir.path().to_str().unwrap()], 0));
    assert!(out.starts_with("No access review is declared"), "{out}");
}

#[test]
fn the_access_matrix_of_one_workspace_for_its_review() {
    let out = stdout(&expect_exit(
        roster().args([
            "access",
            "--matrix",
            EXAMPLE,
            "--workspace",
            "biocommons/proteomics",
            "--format",
            "csv",
        ]),
        0,
    ));
    let head = out.lines().next().unwrap();
    assert_eq!(head, "person,org role,proteomics,teams");
    assert!(
        out.contains("r.singh@monash.edu.au,collaborator,launch,"),
        "{out}"
    );
    assert!(!out.contains("student01"), "{out}");
    let e = expect_exit(
        roster().args([
            "access",
            "--matrix",
            EXAMPLE,
            "--workspace",
            "biocommons/nope",
        ]),
        1,
    );
    assert!(
        stderr(&e).contains("--workspace biocommons/nope: no workspace"),
        "{}",
        stderr(&e)
    );
    let org = stdout(&expect_exit(
        roster().args(["access", "--matrix", EXAMPLE, "--org", "biocommons"]),
        0,
    ));
    assert!(org.contains("student01"), "{org}");
}
