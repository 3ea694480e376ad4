//! Recertification: which declared access reviews are due at a given instant, and who must do
//! them; and the report's text, Markdown and JSON views (`roster review`, and the body of the
//! issue the Action opens per overdue review).
//!
//! A review is overdue when `reviewedOn + every` is at or before now, or when it was never
//! reviewed. A `reviewedOn` more than a day ahead of now is a problem (it would postpone the
//! review unseen); the day of slack allows for a date written in a zone ahead of UTC.
//!
//! It must not do I/O or read the clock: the instant is given.

use std::fmt::Write;

use serde::Serialize;
use serde_json::json;

use super::json::FORMAT_VERSION;
use super::text::md;
use crate::config::desired::{Desired, OrgRole, Review};
use crate::config::time::When;

/// One declared review at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Due {
    pub org: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// `ORG` or `ORG/WORKSPACE`: what the review is of, and a stable key for it.
    pub key: String,
    /// The span, as `180d`.
    pub every: String,
    pub every_days: u32,
    /// When it was last reviewed, as written (a date or a UTC date-time).
    pub reviewed_on: Option<String>,
    /// `reviewedOn + every`; `None` when never reviewed (due at once).
    pub due: Option<String>,
    pub overdue: bool,
    /// Whole days past due (overdue) or left (not yet due); `None` when never reviewed.
    pub days: Option<i64>,
    /// Who must review: the declared owners, or the organization's owners.
    pub reviewers: Vec<String>,
    /// Whether `reviewers` are the organization's owners because none are declared.
    pub reviewers_are_org_owners: bool,
    /// Where `review:` is (`file:line:col`).
    pub origin: String,
    /// Where `reviewedOn:` is, when it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_origin: Option<String>,
}

impl Due {
    /// "organization ORG" or "workspace ORG/WS".
    pub fn subject(&self) -> String {
        match &self.workspace {
            Some(w) => format!("workspace {}/{w}", self.org),
            None => format!("organization {}", self.org),
        }
    }

    /// The file that declares the review.
    pub fn file(&self) -> &str {
        file_of(&self.origin)
    }
}

/// A `reviewedOn` later than the clock allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Future {
    pub key: String,
    pub origin: String,
    pub reviewed_on: String,
}

/// Every declared review at `now`, sorted by what it is of, and the `reviewedOn`s in the future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub now: When,
    pub reviews: Vec<Due>,
    pub future: Vec<Future>,
}

impl Report {
    pub fn overdue(&self) -> impl Iterator<Item = &Due> {
        self.reviews.iter().filter(|d| d.overdue)
    }
}

/// The reviews of `desired` at `now`.
pub fn report(desired: &Desired, now: When) -> Report {
    let mut reviews = Vec::new();
    let mut future = Vec::new();
    for r in &desired.reviews.0 {
        let d = due(desired, r, now);
        if let Some(at) = r.reviewed_on
            && at.at > now.at + time::Duration::days(1)
        {
            future.push(Future {
                key: d.key.clone(),
                origin: d.reviewed_origin.clone().unwrap_or_default(),
                reviewed_on: at.to_string(),
            });
        }
        reviews.push(d);
    }
    reviews.sort_by(|a, b| {
        (
            a.org.to_lowercase(),
            a.workspace.as_ref().map(|w| w.to_lowercase()),
        )
            .cmp(&(
                b.org.to_lowercase(),
                b.workspace.as_ref().map(|w| w.to_lowercase()),
            ))
    });
    Report {
        now,
        reviews,
        future,
    }
}

fn due(desired: &Desired, r: &Review, now: When) -> Due {
    let next = r.reviewed_on.map(|at| at.plus(r.every));
    let overdue = next.is_none_or(|n| n.at <= now.at);
    let days = next.map(|n| {
        let whole = (now.at - n.at).whole_days();
        if overdue { whole } else { -whole }
    });
    let declared: Vec<String> = r.owners.iter().map(|u| u.to_string()).collect();
    let org_owners = || -> Vec<String> {
        desired
            .orgs
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(&r.org))
            .and_then(|o| o.members.as_ref())
            .map(|ms| {
                ms.iter()
                    .filter(|m| m.role == OrgRole::Owner)
                    .map(|m| m.user.to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (reviewers, from_owners) = match declared.is_empty() {
        true => (org_owners(), true),
        false => (declared, false),
    };
    Due {
        org: r.org.clone(),
        workspace: r.workspace.clone(),
        key: match &r.workspace {
            Some(w) => format!("{}/{w}", r.org),
            None => r.org.clone(),
        },
        every: r.every.to_string(),
        every_days: r.every.days,
        reviewed_on: r.reviewed_on.map(|w| w.to_string()),
        due: next.map(|w| w.to_string()),
        overdue,
        days,
        reviewers,
        reviewers_are_org_owners: from_owners,
        origin: r.origin.0.clone(),
        reviewed_origin: r.reviewed_origin.as_ref().map(|o| o.0.clone()),
    }
}

/// `path` of `path:line:col`.
fn file_of(origin: &str) -> &str {
    let mut parts = origin.rsplitn(3, ':');
    let (_, _, path) = (parts.next(), parts.next(), parts.next());
    path.unwrap_or(origin)
}

/// The date of `now`, as the day to write in `reviewedOn`.
pub fn today(now: When) -> String {
    When {
        at: now.at,
        date_only: true,
    }
    .to_string()
}

fn when_due(d: &Due) -> String {
    match (&d.due, d.days) {
        (None, _) => "never reviewed: due now".to_string(),
        (Some(due), Some(0)) if d.overdue => format!("due {due}, today"),
        (Some(due), Some(n)) if d.overdue => format!("due {due}, {n} day{} ago", s(n)),
        (Some(due), Some(n)) => format!("due {due}, in {n} day{}", s(n)),
        (Some(due), None) => format!("due {due}"),
    }
}

fn reviewers(d: &Due) -> String {
    match (d.reviewers.is_empty(), d.reviewers_are_org_owners) {
        (true, _) => "the organization's owners (its members are not managed by the config)".into(),
        (false, true) => format!("{} (the organization's owners)", d.reviewers.join(", ")),
        (false, false) => d.reviewers.join(", "),
    }
}

fn s(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The reviews as text: the overdue ones, or every one with `all`.
pub fn text(r: &Report, all: bool) -> String {
    let mut out = String::new();
    let today = today(r.now);
    let overdue = r.overdue().count();
    if r.reviews.is_empty() {
        out.push_str("No access review is declared: add `review: {every: 180d, owners: [...]}` to an Organization or Workspace document.\n");
        return out;
    }
    writeln!(
        out,
        "Access reviews on {today}: {overdue} of {} overdue",
        r.reviews.len()
    )
    .unwrap();
    for d in r.reviews.iter().filter(|d| all || d.overdue) {
        let status = if d.overdue { "overdue" } else { "ok" };
        writeln!(out, "\n{status:<8} {}", d.subject()).unwrap();
        let last = d.reviewed_on.as_deref().unwrap_or("never");
        writeln!(
            out,
            "         every {}; last reviewed {last}; {}",
            d.every,
            when_due(d)
        )
        .unwrap();
        writeln!(out, "         reviewers: {}", reviewers(d)).unwrap();
        writeln!(out, "         declared at {}", d.origin).unwrap();
    }
    if overdue > 0 {
        writeln!(
            out,
            "\nRecord a review in a pull request that sets `reviewedOn: {today}` in its file, after checking who has access (`roster access --matrix`)."
        )
        .unwrap();
    }
    clean(&out)
}

/// The reviews as Markdown: one section per review shown.
pub fn markdown(r: &Report, all: bool) -> String {
    let mut out = String::new();
    for d in r.reviews.iter().filter(|d| all || d.overdue) {
        out.push_str(&markdown_one(d, r.now));
        out.push('\n');
    }
    if out.is_empty() {
        out = format!(
            "No access review is overdue on {} ({} declared).\n",
            today(r.now),
            r.reviews.len()
        );
    }
    out
}

/// One review as Markdown (the body of its issue, before the access matrix).
pub fn markdown_one(d: &Due, now: When) -> String {
    let mut out = String::new();
    let head = if d.overdue {
        "Access review overdue"
    } else {
        "Access review"
    };
    writeln!(out, "## {head}: {}\n", md(&d.subject())).unwrap();
    writeln!(out, "- **Every:** {} days", d.every_days).unwrap();
    let last = d.reviewed_on.as_deref().unwrap_or("never");
    writeln!(
        out,
        "- **Last reviewed:** {} ({})",
        md(last),
        md(&when_due(d))
    )
    .unwrap();
    writeln!(out, "- **Reviewers:** {}", md(&reviewers(d))).unwrap();
    writeln!(out, "- **Declared in:** `{}`", code(&d.origin)).unwrap();
    if d.overdue {
        writeln!(
            out,
            "\nCheck who has access (below, or `roster access --matrix`), change what should change, and record the review in a pull request that sets `reviewedOn: {}` in `{}`.",
            today(now),
            code(d.file())
        )
        .unwrap();
    }
    out
}

/// The report as JSON: every review (each with `overdue`), or only the overdue ones.
pub fn json(r: &Report, all: bool, source: &str) -> String {
    let shown: Vec<&Due> = r.reviews.iter().filter(|d| all || d.overdue).collect();
    let doc = json!({
        "formatVersion": FORMAT_VERSION,
        "source": source,
        "now": r.now.to_string(),
        "today": today(r.now),
        "declared": r.reviews.len(),
        "overdue": r.overdue().count(),
        "reviews": shown,
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}

/// Text safe in a Markdown code span: no backticks or line breaks.
fn code(s: &str) -> String {
    s.chars()
        .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
        .collect()
}

/// Text safe on a terminal: control characters other than newlines become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::desired::{Member, Org, Origin, Reviews, UserRef};
    use crate::config::time::Span;

    fn at(s: &str) -> When {
        When::parse(s).unwrap()
    }

    fn desired(reviewed_on: Option<&str>, owners: &[&str]) -> Desired {
        Desired {
            orgs: vec![Org {
                name: "lab".into(),
                platform: None,
                full_name: None,
                description: None,
                location: None,
                website: None,
                custom_roles: vec![],
                defined_roles: None,
                members: Some(vec![
                    Member::new(UserRef::new("boss@lab.org"), OrgRole::Owner),
                    Member::new(UserRef::new("ann@lab.org"), OrgRole::Member),
                ]),
                teams: None,
                workspaces: vec![],
                origin: Origin::default(),
            }],
            reviews: Reviews(vec![Review {
                org: "lab".into(),
                workspace: Some("ws".into()),
                every: Span::parse("30d").unwrap(),
                owners: owners.iter().map(|o| UserRef::new(o)).collect(),
                reviewed_on: reviewed_on.map(at),
                origin: Origin("w.yaml:9:1".into()),
                reviewed_origin: reviewed_on.map(|_| Origin("w.yaml:12:13".into())),
            }]),
            ..Desired::default()
        }
    }

    #[test]
    fn a_review_is_overdue_from_the_day_reviewed_on_plus_every() {
        let d = desired(Some("2026-01-01"), &["ann@lab.org"]);
        let r = report(&d, at("2026-01-30T23:59:59Z"));
        assert!(!r.reviews[0].overdue);
        assert_eq!(r.reviews[0].days, Some(0));
        let r = report(&d, at("2026-01-31"));
        assert!(r.reviews[0].overdue, "due at the start of the day");
        assert_eq!(r.reviews[0].due.as_deref(), Some("2026-01-31"));
        assert_eq!(r.reviews[0].reviewers, ["ann@lab.org"]);
        let r = report(&d, at("2026-03-02"));
        assert_eq!(r.reviews[0].days, Some(30));
        assert!(r.future.is_empty());
    }

    #[test]
    fn never_reviewed_is_overdue_and_no_owners_means_the_org_owners() {
        let r = report(&desired(None, &[]), at("2026-01-01"));
        let d = &r.reviews[0];
        assert!(d.overdue && d.days.is_none() && d.due.is_none());
        assert_eq!(d.reviewers, ["boss@lab.org"]);
        assert!(d.reviewers_are_org_owners);
        assert_eq!(d.key, "lab/ws");
        assert_eq!(d.file(), "w.yaml");
        let text = text(&r, false);
        assert!(text.contains("never reviewed: due now"), "{text}");
        assert!(
            text.contains("boss@lab.org (the organization's owners)"),
            "{text}"
        );
    }

    #[test]
    fn a_review_recorded_in_the_future_is_reported() {
        let d = desired(Some("2026-03-01"), &[]);
        assert!(
            report(&d, at("2026-02-28")).future.is_empty(),
            "a day of slack"
        );
        let r = report(&d, at("2026-02-20"));
        assert_eq!(r.future.len(), 1);
        assert_eq!(r.future[0].origin, "w.yaml:12:13");
    }

    #[test]
    fn markdown_escapes_what_github_acts_on() {
        let r = report(&desired(None, &["ann@lab.org"]), at("2026-01-01"));
        let m = markdown(&r, false);
        assert!(m.contains("ann\\@lab.org"), "{m}");
        assert!(m.contains("`reviewedOn: 2026-01-01`"), "{m}");
    }
}
