//! Grants that end (docs/lifecycle.md). At an instant `now`, a grant whose `expires` is before
//! `now` is no longer part of the desired state: [`split`] takes it out (and, for an organization
//! membership, the holder's team memberships and participations in that organization, which the
//! platform removes with the membership), so the diff removes it from the platform like any
//! other undeclared grant; [`mark`] then labels those removals with their reason. [`expiring`]
//! lists the grants that end in `(now, now + window]`, for reminders; `only` builds the
//! `--expired-only` plan; `review` compares the ends a config change sets.
//!
//! Pure: the instant is given (`app::clock` supplies it); no I/O.

mod mark;
pub(super) mod only;
mod review;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

pub use mark::mark;
pub use review::{review, review_changes};

use super::model::{Address, Kind};
use crate::config::desired::{Desired, Ensure, Org, Principal as Declared, UserList, UserRef};
pub use crate::config::time::{Span, When};
use crate::scope::{Path, Principal};

/// One declared grant with an end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The grant as a plan address, the user as the config names them (lower-cased).
    pub address: Address,
    /// The Settings platform of its organization (`default` when none is declared).
    pub platform: String,
    /// `member`, `team-member` or `participant`.
    pub kind: Kind,
    /// The organization role (members) or workspace role (participants).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<String>,
    pub expires: When,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Where the config declares it (`file:line:col`), when known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub declared_at: Option<String>,
}

/// A declared grant, with or without an end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry<'a> {
    pub address: Address,
    pub platform: &'a str,
    pub kind: Kind,
    pub role: Option<&'a str>,
    pub expires: Option<When>,
    pub reason: Option<&'a str>,
}

impl Entry<'_> {
    fn grant(&self) -> Option<Grant> {
        Some(Grant {
            address: self.address.clone(),
            platform: self.platform.to_string(),
            kind: self.kind,
            role: self.role.map(str::to_string),
            expires: self.expires?,
            reason: self.reason.map(str::to_string),
            declared_at: None,
        })
    }
}

fn principal(p: &Declared) -> Principal {
    match p {
        Declared::User(u) => Principal::user(u.as_str()),
        Declared::Team(t) => Principal::team(t),
    }
}

/// Every grant one organization declares (members, team members, participants of the
/// workspaces that are to exist), in declaration-independent order.
pub(crate) fn entries(org: &Org) -> Vec<Entry<'_>> {
    let platform = org.platform_name();
    let mut out = Vec::new();
    for m in org.members.iter().flatten() {
        out.push(Entry {
            address: Address::member(&org.name, m.user.as_str()),
            platform,
            kind: Kind::Member,
            role: Some(m.role.as_str()),
            expires: m.expires,
            reason: m.reason.as_deref(),
        });
    }
    for t in org.teams.iter().flatten() {
        for m in t.members.iter().flatten() {
            out.push(Entry {
                address: Address::team_member(&org.name, &t.name, m.user.as_str()),
                platform,
                kind: Kind::TeamMember,
                role: None,
                expires: m.expires,
                reason: m.reason.as_deref(),
            });
        }
    }
    for w in org
        .workspaces
        .iter()
        .filter(|w| w.ensure == Ensure::Present)
    {
        for p in w.participants.iter().flatten() {
            out.push(Entry {
                address: Address::participant(&org.name, &w.name, principal(&p.principal)),
                platform,
                kind: Kind::Participant,
                role: Some(p.role.as_str()),
                expires: p.expires,
                reason: p.reason.as_deref(),
            });
        }
    }
    out
}

/// Whether a grant that `expires` has ended at `now`: `expires < now`. A grant holds up to and
/// including its instant (a date's is the start of that day, UTC).
pub fn has_ended(expires: When, now: When) -> bool {
    expires < now
}

/// The desired state at `now`: every grant whose `expires` is before `now` taken out, and with an
/// organization membership that ended, its holder's team memberships and user participations in
/// that organization (the platform removes them with the membership; keeping them would make the
/// holder a collaborator). Returns that state and the grants that ended (their own `expires`
/// passed), sorted by address.
pub fn split(desired: &Desired, now: When) -> (Desired, Vec<Grant>) {
    let mut ended: Vec<Grant> = desired
        .orgs
        .iter()
        .flat_map(entries)
        .filter(|e| e.expires.is_some_and(|x| has_ended(x, now)))
        .filter_map(|e| e.grant())
        .collect();
    ended.sort_by(|a, b| a.address.cmp(&b.address));
    let mut out = desired.clone();
    for org in &mut out.orgs {
        let gone: BTreeSet<UserRef> = org
            .members
            .iter()
            .flatten()
            .filter(|m| m.expires.is_some_and(|x| has_ended(x, now)))
            .map(|m| m.user.clone())
            .collect();
        let ended_here = |e: Option<When>| e.is_some_and(|x| has_ended(x, now));
        if let Some(ms) = &mut org.members {
            ms.retain(|m| !ended_here(m.expires));
        }
        for t in org.teams.iter_mut().flatten() {
            if let Some(ms) = &mut t.members {
                ms.retain(|m| !ended_here(m.expires) && !gone.contains(&m.user));
            }
        }
        for w in &mut org.workspaces {
            if let Some(ps) = &mut w.participants {
                ps.retain(|p| {
                    !ended_here(p.expires)
                        && !matches!(&p.principal, Declared::User(u) if gone.contains(u))
                });
            }
        }
    }
    (out, ended)
}

/// The grants that end in `(now, now + within]`, soonest first (then by address): what a
/// reminder lists.
pub fn expiring(desired: &Desired, now: When, within: Span) -> Vec<Grant> {
    let until = now.plus(within);
    let mut out: Vec<Grant> = desired
        .orgs
        .iter()
        .flat_map(entries)
        .filter(|e| e.expires.is_some_and(|x| now < x && x <= until))
        .filter_map(|e| e.grant())
        .collect();
    out.sort_by(|a, b| (a.expires, &a.address).cmp(&(b.expires, &b.address)));
    locate(desired, &mut out);
    out
}

/// Fill in where each grant is declared: the user reference's place, or for a team's
/// participation, the workspace document's.
fn locate(desired: &Desired, grants: &mut [Grant]) {
    let sites: HashMap<(UserList, &UserRef), &str> = desired
        .user_sites
        .0
        .iter()
        .map(|s| ((s.list.clone(), &s.user), s.origin.0.as_str()))
        .collect();
    for g in grants {
        let org = g.address.org_name().key().to_string();
        let found = match g.address.path() {
            Path::Member { user, .. } => sites
                .get(&(UserList::OrgMembers { org }, &UserRef::new(user)))
                .map(|s| s.to_string()),
            Path::TeamMember { team, user, .. } => {
                let list = UserList::TeamMembers {
                    org,
                    team: team.key().to_string(),
                };
                sites
                    .get(&(list, &UserRef::new(user)))
                    .map(|s| s.to_string())
            }
            Path::Participant {
                workspace,
                principal: Principal::User(user),
                ..
            } => {
                let list = UserList::Participants {
                    org,
                    workspace: workspace.key().to_string(),
                };
                sites
                    .get(&(list, &UserRef::new(user)))
                    .map(|s| s.to_string())
            }
            Path::Participant { workspace, .. } => desired
                .orgs
                .iter()
                .find(|o| g.address.org_name().is(&o.name))
                .and_then(|o| o.workspaces.iter().find(|w| workspace.is(&w.name)))
                .map(|w| w.origin.0.clone())
                .filter(|o| !o.is_empty()),
            _ => None,
        };
        g.declared_at = found;
    }
}
