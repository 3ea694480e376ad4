//! Checking the access reviews (recertification) of Organization and Workspace documents:
//! `review.every` is a span of days, `reviewedOn` a date or date-time (and only with `review`),
//! and each of `review.owners` a user reference naming someone the config gives access: an
//! organization member, or for a workspace also one of its participants (unchecked when the
//! organization's members are unmanaged).
//!
//! It runs after the organizations and workspaces are built, reads them, and builds the
//! [`Review`]s; it must not change them. Whether a review is due depends on the clock, so that
//! is decided later (`access::review`), never here.

use super::Validator;
use crate::config::desired::{Org, Origin, Policy, Principal, Review, UserRef, Workspace};
use crate::config::load::{Doc, LoadedDoc};
use crate::config::model::{ReviewDoc, Sp};
use crate::config::time::{Span, When};
use crate::diag::{Code, Diagnostic};

impl Validator<'_> {
    /// Check every document's review and return the valid ones, in document order.
    pub(super) fn reviews(&mut self, orgs: &[Org], policy: &Policy) -> Vec<Review> {
        let loaded = self.loaded;
        let mut out = Vec::new();
        for doc in &loaded.docs {
            let (review, reviewed_on, org, workspace) = match &doc.doc {
                Doc::Organization(o) => (&o.review, &o.reviewed_on, &o.name, None),
                Doc::Workspace(w) => (&w.review, &w.reviewed_on, &w.org, Some(&w.name)),
                Doc::Settings(_) | Doc::BaseSpaceWorkgroup(_) => continue,
            };
            let reviewed = reviewed_on.as_ref().and_then(|r| self.when(doc, r));
            let Some(review) = review else {
                if let Some(r) = reviewed_on
                    && !doc.misspelt("", "review")
                {
                    let span = self.span(doc, r);
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            "`reviewedOn` without a `review` says when, but not how often",
                        )
                        .at(span, "no `review` in this document")
                        .help("add `review: {every: 180d}` (and the `owners` who review), or remove `reviewedOn`"),
                    );
                }
                continue;
            };
            let every = self.every(doc, &review.value);
            // The organization and workspace as validation built them (absent when they are
            // reported already: an undeclared org, a duplicate document).
            let Some(o) = orgs
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(&org.value))
            else {
                continue;
            };
            let ws = match workspace {
                Some(w) => match o
                    .workspaces
                    .iter()
                    .find(|x| x.name.eq_ignore_ascii_case(&w.value))
                {
                    Some(x) => Some(x),
                    None => continue,
                },
                None => None,
            };
            let mut owners: Vec<UserRef> = Vec::new();
            for u in review.value.owners.iter().flatten() {
                let Some(user) = self.user(doc, u, policy) else {
                    continue;
                };
                if owners.contains(&user) {
                    continue;
                }
                let member = o.members.as_ref().is_none_or(|_| o.member(&user).is_some());
                let participant = ws.is_some_and(|w| participates(o, w, &user));
                if !member && !participant {
                    let span = self.span(doc, u);
                    let whom = match &ws {
                        Some(w) => format!(
                            "a member of organization `{}` or a participant of workspace `{}`",
                            o.name, w.name
                        ),
                        None => format!("a member of organization `{}`", o.name),
                    };
                    self.push(
                        Diagnostic::error(
                            Code::UnknownReviewer,
                            format!("review owner `{user}` is not {whom}"),
                        )
                        .at(span, "nobody the config gives access to")
                        .help("a review goes to people who can act on it: name organization members (or leave `owners` out for the organization's owners)"),
                    );
                    continue;
                }
                owners.push(user);
            }
            let Some(every) = every else { continue };
            out.push(Review {
                org: o.name.clone(),
                workspace: ws.map(|w| w.name.clone()),
                every,
                owners,
                reviewed_on: reviewed,
                origin: Origin(self.loaded.origin(doc, review)),
                reviewed_origin: reviewed_on
                    .as_ref()
                    .map(|r| Origin(self.loaded.origin(doc, r))),
            });
        }
        out
    }

    /// `review.every` as a span, or a located problem.
    fn every(&mut self, doc: &LoadedDoc, review: &ReviewDoc) -> Option<Span> {
        match Span::parse(&review.every.value) {
            Ok(s) => Some(s),
            Err(e) => {
                let span = self.span(doc, &review.every);
                self.push(
                    Diagnostic::error(Code::InvalidValue, format!("review every: {e}"))
                        .at(span, "how often the access is reviewed"),
                );
                None
            }
        }
    }

    /// A `reviewedOn` as a point in time, or a located problem.
    fn when(&mut self, doc: &LoadedDoc, v: &Sp<String>) -> Option<When> {
        match When::parse(&v.value) {
            Ok(w) => Some(w),
            Err(e) => {
                let span = self.span(doc, v);
                self.push(
                    Diagnostic::error(Code::InvalidDate, format!("invalid `reviewedOn`: {e}"))
                        .at(span, "the day the access was last reviewed"),
                );
                None
            }
        }
    }
}

/// Whether `user` participates in `ws`, in person or through a team of `o`.
fn participates(o: &Org, ws: &Workspace, user: &UserRef) -> bool {
    ws.participants
        .iter()
        .flatten()
        .any(|p| match &p.principal {
            Principal::User(u) => u == user,
            Principal::Team(t) => o.teams.iter().flatten().any(|team| {
                team.name.eq_ignore_ascii_case(t)
                    && team.members.iter().flatten().any(|m| m.user == *user)
            }),
        })
}
