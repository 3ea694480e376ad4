//! Views of an apply's [`Report`]: the summary people read after `roster apply`, the word that
//! names each change's outcome on a progress line, and a JSON view for machines.
//!
//! This file owns how an apply's outcomes are presented. It must not decide anything (what
//! failed, what to skip): it shows the report it is given, in the report's order, and its
//! output depends on the report alone.

use serde::Serialize;

use crate::apply::{Outcome, Report};

/// The word for an outcome on a progress line (right-aligned by the caller).
pub fn status_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Applied => "applied",
        Outcome::AlreadyDone => "already done",
        Outcome::Failed { .. } => "FAILED",
        Outcome::Skipped { .. } => "skipped",
        Outcome::NotStarted => "not started",
        Outcome::Interrupted => "interrupted",
    }
}

/// The summary of an apply as text: a headline with counts, then each change that did not
/// succeed, then what to do about it.
pub fn report_text(report: &Report) -> String {
    let mut out = String::new();
    let applied = report.count(|o| matches!(o, Outcome::Applied | Outcome::AlreadyDone));
    let failed = report.count(|o| matches!(o, Outcome::Failed { .. }));
    let skipped = report.count(|o| matches!(o, Outcome::Skipped { .. }));
    let not_started = report.count(|o| matches!(o, Outcome::NotStarted));
    let in_flight = report.count(|o| matches!(o, Outcome::Interrupted));
    let head = if report.audit_error.is_some() {
        "Apply stopped: the audit log failed"
    } else if report.interrupted {
        "Apply interrupted"
    } else if failed + skipped > 0 {
        "Apply finished with errors"
    } else {
        "Apply complete"
    };
    let mut extra = String::new();
    if in_flight > 0 {
        extra.push_str(&format!(", {in_flight} interrupted"));
    }
    if not_started > 0 {
        extra.push_str(&format!(", {not_started} not started"));
    }
    out.push_str(&format!(
        "\n{head}: {applied} applied, {failed} failed, {skipped} skipped{extra}.\n"
    ));
    for (addr, o) in &report.outcomes {
        match o {
            Outcome::Failed { error, .. } => {
                out.push_str(&format!("  failed:  {addr}\n           {error}\n"))
            }
            Outcome::Skipped { because } => out.push_str(&format!(
                "  skipped: {addr} (depends on {because}, which did not succeed)\n"
            )),
            Outcome::NotStarted => out.push_str(&format!("  not started: {addr}\n")),
            Outcome::Interrupted => out.push_str(&format!(
                "  interrupted: {addr} (stopped in flight; the next plan shows whether it took effect)\n"
            )),
            _ => {}
        }
    }
    if let Some(e) = &report.audit_error {
        out.push_str(&format!(
            "  audit log: {e}; nothing new was started after it\n"
        ));
    }
    if failed + skipped + not_started + in_flight > 0 {
        out.push_str("Run `roster apply` again once the cause is fixed: it plans from the current state and converges.\n");
    }
    out
}

/// The report as JSON: `{"succeeded", "interrupted", "aborted", "counts", "changes": [{address,
/// status, kind?, error?, because?}]}`, pretty-printed, with a final newline.
pub fn report_json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Counts {
        applied: usize,
        already_done: usize,
        failed: usize,
        skipped: usize,
        not_started: usize,
        interrupted: usize,
    }
    #[derive(Serialize)]
    struct Line<'a> {
        address: &'a crate::plan::Address,
        #[serde(flatten)]
        outcome: &'a Outcome,
    }
    #[derive(Serialize)]
    struct View<'a> {
        succeeded: bool,
        interrupted: bool,
        aborted: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        audit_error: Option<&'a str>,
        counts: Counts,
        changes: Vec<Line<'a>>,
    }
    let view = View {
        succeeded: report.succeeded(),
        interrupted: report.interrupted,
        aborted: report.aborted,
        audit_error: report.audit_error.as_deref(),
        counts: Counts {
            applied: report.count(|o| matches!(o, Outcome::Applied)),
            already_done: report.count(|o| matches!(o, Outcome::AlreadyDone)),
            failed: report.count(|o| matches!(o, Outcome::Failed { .. })),
            skipped: report.count(|o| matches!(o, Outcome::Skipped { .. })),
            not_started: report.count(|o| matches!(o, Outcome::NotStarted)),
            interrupted: report.count(|o| matches!(o, Outcome::Interrupted)),
        },
        changes: report
            .outcomes
            .iter()
            .map(|(address, outcome)| Line { address, outcome })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&view).expect("a report serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::ErrorKind;

    fn report(outcomes: Vec<(&str, Outcome)>, interrupted: bool) -> Report {
        Report {
            outcomes: outcomes
                .into_iter()
                .map(|(a, o)| (a.parse().expect("a test address"), o))
                .collect(),
            interrupted,
            aborted: false,
            audit_error: None,
        }
    }

    #[test]
    fn a_complete_apply_is_one_line() {
        let r = report(
            vec![
                ("org/lab", Outcome::Applied),
                ("org/x", Outcome::AlreadyDone),
            ],
            false,
        );
        assert_eq!(
            report_text(&r),
            "\nApply complete: 2 applied, 0 failed, 0 skipped.\n"
        );
    }

    #[test]
    fn failures_skips_and_unstarted_changes_are_listed_with_advice() {
        let r = report(
            vec![
                ("org/lab", Outcome::Applied),
                (
                    "org/lab/member/user:a",
                    Outcome::Failed {
                        kind: ErrorKind::BadRequest,
                        error: "rejected (400): no".into(),
                    },
                ),
                (
                    "org/lab/team/t",
                    Outcome::Skipped {
                        because: "org/lab/member/user:a".parse().unwrap(),
                    },
                ),
                ("org/lab/team/u", Outcome::NotStarted),
            ],
            true,
        );
        assert_eq!(
            report_text(&r),
            "\nApply interrupted: 1 applied, 1 failed, 1 skipped, 1 not started.\n\
             \x20 failed:  org/lab/member/user:a\n\
             \x20          rejected (400): no\n\
             \x20 skipped: org/lab/team/t (depends on org/lab/member/user:a, which did not succeed)\n\
             \x20 not started: org/lab/team/u\n\
             Run `roster apply` again once the cause is fixed: it plans from the current state and converges.\n"
        );
    }

    #[test]
    fn changes_stopped_in_flight_are_counted_and_listed() {
        let mut r = report(
            vec![
                ("org/lab/member/user:a", Outcome::Interrupted),
                ("org/lab/member/user:b", Outcome::NotStarted),
            ],
            true,
        );
        r.aborted = true;
        let t = report_text(&r);
        assert!(
            t.contains(
                "Apply interrupted: 0 applied, 0 failed, 0 skipped, 1 interrupted, 1 not started."
            ),
            "{t}"
        );
        assert!(
            t.contains("  interrupted: org/lab/member/user:a (stopped in flight"),
            "{t}"
        );
    }

    #[test]
    fn the_json_view_names_each_change_and_its_status() {
        let r = report(
            vec![
                ("org/lab", Outcome::Applied),
                (
                    "org/lab/member/user:a",
                    Outcome::Failed {
                        kind: ErrorKind::Forbidden,
                        error: "forbidden".into(),
                    },
                ),
            ],
            false,
        );
        let v: serde_json::Value = serde_json::from_str(&report_json(&r)).unwrap();
        assert_eq!(v["succeeded"], false);
        assert_eq!(v["counts"]["applied"], 1);
        assert_eq!(v["counts"]["failed"], 1);
        assert_eq!(v["changes"][0]["address"], "org/lab");
        assert_eq!(v["changes"][0]["status"], "applied");
        assert_eq!(v["changes"][1]["status"], "failed");
        assert_eq!(v["changes"][1]["kind"], "forbidden");
        assert_eq!(v["changes"][1]["error"], "forbidden");
    }
}
