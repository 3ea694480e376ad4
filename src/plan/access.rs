//! Who gains and who loses access: for every user the plan affects, their organization role and
//! their effective role in each declared workspace (the higher of their own and their teams'),
//! before and after the plan. Computed from the same desired and live states as the diff, for
//! reviewers; it executes nothing.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{AccessChange, Address};
use crate::config::desired::{Ensure, IdpLink, Org, Principal, workspace_role_rank};
use crate::live::{ActingUser, Live, OrgIndex, ParticipantKind};
use crate::scope::{Units, in_units};

/// A user's effective role somewhere, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Grant {
    role: String,
    /// The team the role comes from, when not the user's own.
    via: Option<String>,
}

impl Grant {
    fn show(&self) -> String {
        match &self.via {
            Some(t) => format!("{} (via team {t})", self.role),
            None => self.role.clone(),
        }
    }
}

fn rank(role: &str) -> u8 {
    workspace_role_rank(role).unwrap_or(0)
}

/// Give `user` the grant `g` in `place`, keeping the higher of it and what they already have
/// there (their own grant wins a tie with a team's).
fn grant(place: &mut BTreeMap<String, Grant>, user: &str, g: Grant) {
    let keep_current = place.get(user).is_some_and(|cur| {
        rank(&cur.role) > rank(&g.role) || (rank(&cur.role) == rank(&g.role) && cur.via.is_none())
    });
    if !keep_current {
        place.insert(user.to_string(), g);
    }
}

fn own(role: &str) -> Grant {
    Grant {
        role: role.to_string(),
        via: None,
    }
}

fn via(role: &str, team: &str) -> Grant {
    Grant {
        role: role.to_string(),
        via: Some(team.to_string()),
    }
}

/// Place (an org or a workspace) → user → grant.
type State = BTreeMap<Address, BTreeMap<String, Grant>>;

/// How a place is named in access entries: `ORG` or `ORG/WS`, as declared.
fn place_name(place: &Address) -> String {
    match place.workspace_name() {
        Some(ws) => format!("{}/{ws}", place.org_name()),
        None => place.org_name().to_string(),
    }
}

/// How every affected user's access changes; with `units`, only in the places they cover.
pub fn access(
    orgs: &[&Org],
    live: &Live,
    acting: &ActingUser,
    units: Option<&Units>,
) -> Vec<AccessChange> {
    let mut before: State = BTreeMap::new();
    let mut after: State = BTreeMap::new();
    for org in orgs {
        let oplace = Address::org(&org.name);
        let whole = units.is_none_or(|u| u.contains(&oplace));
        if units.is_some_and(|u| !u.iter().any(|x| x.is_within(&oplace))) {
            continue; // nothing of this org is in the plan's units
        }
        let l = live.orgs.get(&org.key());
        let lix = l.map(OrgIndex::new);
        let canon = |u: &str| canonical_user(lix.as_ref(), u);
        // A live custom role as the config names it: renamed by this plan, or spelled as
        // declared (custom roles compare case-insensitively), so neither shows as a change.
        let as_declared = |role: &str| -> String {
            let renamed = org.defined_roles.iter().flatten().find(|d| {
                d.renamed_from
                    .as_deref()
                    .is_some_and(|o| o.eq_ignore_ascii_case(role))
                    && l.and_then(|l| l.roles.as_ref())
                        .is_some_and(|r| r.role(&d.name).is_none())
            });
            match renamed {
                Some(d) => d.name.clone(),
                None => org
                    .custom_roles
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(role))
                    .cloned()
                    .unwrap_or_else(|| role.to_string()),
            }
        };

        // Organization roles (a place only when the whole org is in scope).
        if whole {
            let mut ob = BTreeMap::new();
            if let Some(l) = l {
                for m in &l.members {
                    ob.insert(m.key(), own(&m.role));
                }
            }
            let oa = match &org.members {
                Some(ms) => ms
                    .iter()
                    .map(|m| (canon(m.user.as_str()), own(m.role.as_str())))
                    .collect(),
                None if l.is_none() => {
                    BTreeMap::from([(acting.email.to_lowercase(), own("owner"))])
                }
                None => ob.clone(),
            };
            before.insert(oplace.clone(), ob);
            after.insert(oplace.clone(), oa);
        }

        // Team memberships: known before only for teams that were read.
        let mut teams_before: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if let Some(l) = l {
            for t in &l.teams {
                if let Some(ms) = &t.members {
                    teams_before
                        .insert(t.name.to_lowercase(), ms.iter().map(|m| m.key()).collect());
                }
            }
        }
        let mut teams_after = teams_before.clone();
        if let Some(ts) = &org.teams {
            teams_after.retain(|name, _| ts.iter().any(|t| t.name.to_lowercase() == *name));
            for t in ts {
                let lt = lix.as_ref().and_then(|l| l.team(&t.name));
                // A live team whose members were not read is unknown on both sides.
                let unread = lt.is_some_and(|lt| lt.members.is_none());
                let linked_now = lt.is_some_and(|lt| lt.idp_managed);
                // The identity provider decides who is in a team that follows an IdP group:
                // the plan changes nothing there.
                if t.follows().is_some() || (t.idp_group.is_none() && linked_now) {
                    continue;
                }
                // Unlinking removes every member; the declared ones come back.
                if t.idp_group == Some(IdpLink::Unlinked) && linked_now && !unread {
                    let back = t.members.iter().flatten();
                    teams_after.insert(
                        t.name.to_lowercase(),
                        back.map(|m| canon(m.user.as_str())).collect(),
                    );
                    continue;
                }
                if let (Some(ms), false) = (&t.members, unread) {
                    teams_after.insert(
                        t.name.to_lowercase(),
                        ms.iter().map(|m| canon(m.user.as_str())).collect(),
                    );
                }
            }
        }

        // Workspaces whose participants the config manages (or that it deletes).
        for ws in &org.workspaces {
            let place = Address::workspace(&org.name, &ws.name);
            if !whole && units.is_some_and(|u| !u.contains(&place)) {
                continue;
            }
            let lw = lix.as_ref().and_then(|l| l.workspace(&ws.name));
            let mut wb: BTreeMap<String, Grant> = BTreeMap::new();
            if let Some(ps) = lw.and_then(|w| w.participants.as_ref()) {
                for p in ps {
                    if p.kind == ParticipantKind::Team {
                        let team = p.team_name.clone().unwrap_or_default();
                        for u in teams_before.get(&team.to_lowercase()).into_iter().flatten() {
                            grant(&mut wb, u, via(&as_declared(&p.role), &team));
                        }
                    } else {
                        let who = p.principal();
                        let role = as_declared(&p.role);
                        grant(&mut wb, &canon(who.as_user().unwrap_or("")), own(&role));
                    }
                }
            }
            let wa: BTreeMap<String, Grant> = if ws.ensure == Ensure::Absent {
                BTreeMap::new()
            } else if let Some(ps) = &ws.participants {
                let mut wa = BTreeMap::new();
                for p in ps {
                    match &p.principal {
                        Principal::Team(t) => {
                            for u in teams_after.get(&t.to_lowercase()).into_iter().flatten() {
                                grant(&mut wa, u, via(&p.role, t));
                            }
                        }
                        Principal::User(u) => grant(&mut wa, &canon(u.as_str()), own(&p.role)),
                    }
                }
                wa
            } else {
                continue;
            };
            before.insert(place.clone(), wb);
            after.insert(place, wa);
        }
    }

    // Per user: compare every place.
    let mut per_user: BTreeMap<String, AccessChange> = BTreeMap::new();
    let places: BTreeSet<&Address> = before
        .keys()
        .chain(after.keys())
        .filter(|p| units.is_none_or(|u| in_units(u, p)))
        .collect();
    let empty = BTreeMap::new();
    for place in places {
        let name = place_name(place);
        let b = before.get(place).unwrap_or(&empty);
        let a = after.get(place).unwrap_or(&empty);
        let users: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
        for u in users {
            let (gb, ga) = (b.get(u), a.get(u));
            if gb == ga {
                continue;
            }
            let e = per_user.entry(u.clone()).or_insert_with(|| AccessChange {
                user: u.clone(),
                gains: Vec::new(),
                changes: Vec::new(),
                loses: Vec::new(),
            });
            match (gb, ga) {
                (None, Some(g)) => e.gains.push(format!("{name}: {}", g.show())),
                (Some(g), None) => e.loses.push(format!("{name}: {}", g.show())),
                (Some(x), Some(y)) => {
                    e.changes
                        .push(format!("{name}: {} → {}", x.show(), y.show()))
                }
                (None, None) => {}
            }
        }
    }
    per_user.into_values().collect()
}

/// The key a user has in plans: a live member's (or participant's) email when the config names
/// them by user name, else the reference itself.
fn canonical_user(l: Option<&OrgIndex<'_>>, user: &str) -> String {
    let user = user.to_lowercase();
    if user.contains('@') {
        return user;
    }
    if let Some(m) = l.and_then(|l| l.member(&user).or_else(|| l.collaborator(&user))) {
        return m.key();
    }
    user
}
