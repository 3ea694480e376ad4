//! The checks that depend on the time: a grant's `expires` already passed (a warning; an error
//! under `--strict`), or falling within the warning window (a warning), and
//! `policy.maxGrantDays`: a collaborator's participation (a user who is not an organization
//! member) must have an `expires`, at most that many days from now.
//!
//! Pure: the instant is given ([`TimeChecks::now`]); `app::clock` supplies it. It reads the
//! loaded documents again for the locations of `expires` values, and the validated desired state
//! for who is a member; it must not report what validation already did (a malformed date).

use std::collections::{HashMap, HashSet};

use super::super::desired::{Desired, UserRef};
use super::super::load::{Doc, Loaded, LoadedDoc};
use super::super::model::Sp;
use super::super::time::{Span, When};
use crate::diag::{Code, Diagnostic, Severity};

/// What the time checks need.
#[derive(Debug, Clone, Copy)]
pub struct TimeChecks {
    /// The current instant.
    pub now: When,
    /// Grants ending in `(now, now + warn_within]` are warned about.
    pub warn_within: Span,
    /// Whether a grant already ended is an error (else a warning).
    pub strict: bool,
}

/// One grant's `expires` as written, and what it is of.
struct Dated<'a> {
    doc: &'a LoadedDoc,
    expires: Option<&'a Sp<String>>,
    /// The user or team value the diagnostic points at when there is no `expires`.
    who: &'a Sp<String>,
    /// e.g. "membership of `jane@uq.edu.au` in organization `biocommons`".
    what: String,
    /// For a user participation: the org and the user (to tell a collaborator).
    collaborator: Option<(String, UserRef)>,
}

fn parsed(e: &Sp<String>) -> Option<When> {
    When::parse(&e.value).ok()
}

/// Every time-dependent problem of the config at `t.now`.
pub fn check(loaded: &Loaded, desired: &Desired, t: &TimeChecks) -> Vec<Diagnostic> {
    let max_days = desired.policy.max_grant_days;
    // Only a grant with an end, or (under policy.maxGrantDays) a user's participation, can have
    // a problem here: the others are not collected (at 3,000 workspaces they were 90,000
    // descriptions formatted for nothing, a fifth of a plan's peak memory).
    let wanted = |expires: Option<&Sp<String>>, user_participation: bool| {
        expires.is_some() || (user_participation && max_days.is_some())
    };
    let mut dated: Vec<Dated<'_>> = Vec::new();
    for d in &loaded.docs {
        match &d.doc {
            Doc::Organization(o) => {
                for m in o.members.iter().flatten() {
                    let m = &m.value;
                    if !wanted(m.expires.as_ref(), false) {
                        continue;
                    }
                    dated.push(Dated {
                        doc: d,
                        expires: m.expires.as_ref(),
                        who: &m.user,
                        what: format!(
                            "the membership of `{}` in organization `{}`",
                            m.user.value.trim(),
                            o.name.value
                        ),
                        collaborator: None,
                    });
                }
                for team in o.teams.iter().flatten() {
                    for m in team.value.members.iter().flatten() {
                        if !wanted(m.expires.as_ref(), false) {
                            continue;
                        }
                        dated.push(Dated {
                            doc: d,
                            expires: m.expires.as_ref(),
                            who: &m.user,
                            what: format!(
                                "the membership of `{}` in team `{}`",
                                m.user.value.trim(),
                                team.value.name.value
                            ),
                            collaborator: None,
                        });
                    }
                }
            }
            Doc::Workspace(w) => {
                for p in w.participants.iter().flatten() {
                    let p = &p.value;
                    if !wanted(p.expires.as_ref(), p.user.is_some() && p.team.is_none()) {
                        continue;
                    }
                    let (who, collaborator) = match (&p.user, &p.team) {
                        (Some(u), None) => (
                            u,
                            Some((w.org.value.to_lowercase(), UserRef::new(&u.value))),
                        ),
                        (None, Some(t)) => (t, None),
                        _ => continue, // reported by validation
                    };
                    let kind = if p.team.is_some() { "team " } else { "" };
                    dated.push(Dated {
                        doc: d,
                        expires: p.expires.as_ref(),
                        who,
                        what: format!(
                            "the participation of {kind}`{}` in workspace `{}/{}`",
                            who.value.trim(),
                            w.org.value,
                            w.name.value
                        ),
                        collaborator,
                    });
                }
            }
            // BaseSpace users end as Seqera grants do (their removal is a manual step).
            Doc::BaseSpaceWorkgroup(w) => {
                for u in w.users.iter().flatten() {
                    let u = &u.value;
                    dated.push(Dated {
                        doc: d,
                        expires: u.expires.as_ref(),
                        who: &u.user,
                        what: format!(
                            "the membership of `{}` in BaseSpace workgroup `{}`",
                            u.user.value.trim(),
                            w.name.value
                        ),
                        collaborator: None,
                    });
                }
            }
            Doc::Settings(_) => {}
        }
    }
    let mut out = Vec::new();
    let soon_until = t.now.plus(t.warn_within);
    // Who is a member of each org whose membership the config manages, looked up once per
    // collaborator check instead of scanned.
    let members: HashMap<String, HashSet<&UserRef>> = match max_days {
        Some(_) => desired
            .orgs
            .iter()
            .filter_map(|o| {
                Some((
                    o.key(),
                    o.members.as_ref()?.iter().map(|m| &m.user).collect(),
                ))
            })
            .collect(),
        None => HashMap::new(),
    };
    for g in &dated {
        let end = g.expires.and_then(parsed);
        if let (Some(e), Some(end)) = (g.expires, end) {
            let span = loaded.span(g.doc, e);
            if end < t.now {
                let mut d = Diagnostic::error(
                    Code::Expired,
                    format!("{} expired on {end}", g.what),
                )
                .at(span, "in the past: `plan` removes this grant")
                .help("remove the entry (`roster offboard --expired` removes every expired one), or set a later `expires`");
                if !t.strict {
                    d.severity = Severity::Warning;
                }
                out.push(d);
                continue;
            }
            if end <= soon_until {
                let days = (end.at - t.now.at).whole_days();
                let when = match days {
                    0 => "within a day".to_string(),
                    1 => "in 1 day".to_string(),
                    n => format!("in {n} days"),
                };
                let mut d = Diagnostic::error(
                    Code::ExpiresSoon,
                    format!("{} expires on {end}, {when}", g.what),
                )
                .at(span, format!("within --warn-within {}", t.warn_within))
                .help("extend `expires` to keep the access; otherwise `plan` removes it once the date has passed");
                d.severity = Severity::Warning;
                out.push(d);
            }
        }
        // policy.maxGrantDays: collaborators' grants end, and not too far ahead.
        let (Some(max), Some((org, user))) = (max_days, &g.collaborator) else {
            continue;
        };
        let Some(org_members) = members.get(org) else {
            continue; // an undeclared org, or one whose membership is not managed
        };
        if org_members.contains(user) {
            continue; // a member
        }
        let limit = t.now.plus(Span { days: max });
        match (g.expires, end) {
            (None, _) => {
                let span = loaded.span(g.doc, g.who);
                out.push(
                    Diagnostic::error(
                        Code::MaxGrantDays,
                        format!(
                            "collaborator `{user}` has no `expires`; policy.maxGrantDays requires one at most {max} days ahead"
                        ),
                    )
                    .at(span, "not an organization member, so a collaborator")
                    .help(format!(
                        "add `expires:` on or before {}, or make the user an organization member",
                        When { date_only: true, ..limit }
                    )),
                );
            }
            (Some(e), Some(end)) if end > limit => {
                let span = loaded.span(g.doc, e);
                out.push(
                    Diagnostic::error(
                        Code::MaxGrantDays,
                        format!(
                            "collaborator `{user}`'s grant ends on {end}, more than policy.maxGrantDays ({max} days) ahead"
                        ),
                    )
                    .at(span, format!("at most {limit}"))
                    .help("shorten the grant; renew it when it nears its end"),
                );
            }
            _ => {}
        }
    }
    out
}
