//! Who gains and who loses access: for every user the plan affects, their organization role and
//! their effective role in each declared workspace, before and after the plan. A user's effective
//! role in a workspace is the highest of their own role there and the roles of the teams they
//! belong to, so team membership counts: joining a team gains its workspaces, leaving it loses
//! them unless the user keeps access otherwise (their own role, or another team). Computed from
//! the same desired and live states as the diff, for reviewers; it executes nothing.
//!
//! It is computed one place (an org or a workspace) at a time, over borrowed names and small
//! sorted vectors, and keeps only what changes: its memory is that of the largest place plus the
//! changes, not of every grant of the org (at 3,000 workspaces × 30 participants the maps of every
//! grant were a third of a plan's peak memory).

use std::collections::{BTreeMap, HashMap};

use super::model::{AccessChange, Address, EffectiveAccess, EffectiveRole};
use crate::config::desired::{Ensure, IdpLink, Org, Principal, Workspace, workspace_role_rank};
use crate::live::{ActingUser, Live, LiveOrg, LiveWorkspace, OrgIndex, ParticipantKind};
use crate::scope::{Units, in_units};

/// A user's role somewhere, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grant<'a> {
    role: &'a str,
    /// The team the role comes from, when not the user's own.
    via: Option<&'a str>,
}

impl Grant<'_> {
    fn show(&self) -> String {
        match self.via {
            Some(t) => format!("{} (via team {t})", self.role),
            None => self.role.to_string(),
        }
    }

    fn effective(&self) -> EffectiveRole {
        EffectiveRole {
            role: self.role.to_string(),
            via: self.via.map(str::to_string),
        }
    }

    /// Whether this grant wins over `other` as a user's effective one: the higher role; on a
    /// tie, the user's own role, then the team whose name sorts first (so the choice does not
    /// depend on the order participants were listed in).
    fn beats(&self, other: &Grant<'_>) -> bool {
        let (a, b) = (rank(self.role), rank(other.role));
        if a != b {
            return a > b;
        }
        match (self.via, other.via) {
            (None, _) => other.via.is_some(),
            (Some(_), None) => false,
            (Some(x), Some(y)) => x.to_lowercase() < y.to_lowercase(),
        }
    }
}

fn rank(role: &str) -> u8 {
    workspace_role_rank(role).unwrap_or(0)
}

/// The grants of one place, one per user (their effective one), sorted by user.
type Grants<'a> = Vec<(String, Grant<'a>)>;

/// Reduce `(user, grant)` pairs to each user's effective grant, sorted by user.
fn effective<'a>(mut pairs: Vec<(String, Grant<'a>)>) -> Grants<'a> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Grants<'a> = Vec::with_capacity(pairs.len());
    for (user, g) in pairs {
        match out.last_mut() {
            Some((u, cur)) if *u == user => {
                if g.beats(cur) {
                    *cur = g;
                }
            }
            _ => out.push((user, g)),
        }
    }
    out
}

/// Team (lower-cased name) → its members (plan keys, sorted).
type TeamMembers = HashMap<String, Vec<String>>;

/// How a place is named in access entries: `ORG` or `ORG/WS`, as declared.
fn place_name(place: &Address) -> String {
    match place.workspace_name() {
        Some(ws) => format!("{}/{ws}", place.org_name()),
        None => place.org_name().to_string(),
    }
}

/// What one org contributes, with everything its places need.
struct OrgView<'a> {
    org: &'a Org,
    live: Option<&'a LiveOrg>,
    index: Option<OrgIndex<'a>>,
    acting: &'a ActingUser,
    teams_before: TeamMembers,
    teams_after: TeamMembers,
}

/// A place of an org: the org itself (its member roles) or one of its declared workspaces.
enum Place<'a> {
    Org,
    Workspace(&'a Workspace),
}

impl<'a> OrgView<'a> {
    fn new(org: &'a Org, live: Option<&'a LiveOrg>, acting: &'a ActingUser, whole: bool) -> Self {
        let index = live.map(OrgIndex::new);
        let mut view = OrgView {
            org,
            live,
            index,
            acting,
            teams_before: TeamMembers::new(),
            teams_after: TeamMembers::new(),
        };
        // Team memberships: known before only for teams that were read.
        if let Some(l) = live {
            for t in &l.teams {
                if let Some(ms) = &t.members {
                    let mut keys: Vec<String> = ms.iter().map(|m| m.key()).collect();
                    keys.sort();
                    view.teams_before.insert(t.name.to_lowercase(), keys);
                }
            }
        }
        let mut after = view.teams_before.clone();
        if let Some(ts) = &org.teams {
            after.retain(|name, _| ts.iter().any(|t| t.name.to_lowercase() == *name));
            for t in ts {
                let live_team = view.index.as_ref().and_then(|l| l.team(&t.name));
                let unread = live_team.is_some_and(|lt| lt.members.is_none());
                let linked_now = live_team.is_some_and(|lt| lt.idp_managed);
                // The identity provider decides who is in a team that follows an IdP group:
                // the plan changes nothing there.
                if t.follows().is_some() || (t.idp_group.is_none() && linked_now) {
                    continue;
                }
                let declared = |view: &OrgView<'_>| {
                    let mut keys: Vec<String> = t
                        .members
                        .iter()
                        .flatten()
                        .map(|m| view.canon(m.user.as_str()))
                        .collect();
                    keys.sort();
                    keys
                };
                // Unlinking removes every member; the declared ones come back.
                if t.idp_group == Some(IdpLink::Unlinked) && linked_now && !unread {
                    after.insert(t.name.to_lowercase(), declared(&view));
                    continue;
                }
                if t.members.is_none() {
                    continue;
                }
                let keys = declared(&view);
                match live_team {
                    // Read: the config's members replace the live ones.
                    Some(lt) if lt.members.is_some() => {
                        after.insert(t.name.to_lowercase(), keys);
                    }
                    // A change-scoped plan (the org file did not change) does not read team
                    // members: the config's, which the change leaves as they are, stand for both.
                    Some(_) if !whole => {
                        view.teams_before
                            .insert(t.name.to_lowercase(), keys.clone());
                        after.insert(t.name.to_lowercase(), keys);
                    }
                    // A live team whose members were not read is unknown on both sides.
                    Some(_) => {}
                    // A team the plan creates has the config's members.
                    None => {
                        after.insert(t.name.to_lowercase(), keys);
                    }
                }
            }
        }
        view.teams_after = after;
        view
    }

    /// The key a user has in plans: a live member's (or collaborator's) email when the config
    /// names them by user name, else the reference itself, lower-cased.
    fn canon(&self, user: &str) -> String {
        let user = user.to_lowercase();
        if user.contains('@') {
            return user;
        }
        if let Some(m) = self
            .index
            .as_ref()
            .and_then(|l| l.member(&user).or_else(|| l.collaborator(&user)))
        {
            return m.key();
        }
        user
    }

    /// A live custom role as the config names it: renamed by this plan, or spelled as declared
    /// (custom roles compare case-insensitively), so neither shows as a change.
    fn as_declared(&self, role: &'a str) -> &'a str {
        let org: &'a Org = self.org;
        let live = self.live;
        let renamed = org.defined_roles.iter().flatten().find(|d| {
            d.renamed_from
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(role))
                && live
                    .and_then(|l| l.roles.as_ref())
                    .is_some_and(|r| r.role(&d.name).is_none())
        });
        match renamed {
            Some(d) => &d.name,
            None => org
                .custom_roles
                .iter()
                .find(|c| c.eq_ignore_ascii_case(role))
                .map_or(role, String::as_str),
        }
    }

    fn live_workspace(&self, name: &str) -> Option<&'a LiveWorkspace> {
        self.index.as_ref().and_then(|l| l.workspace(name))
    }

    /// The grants of `place` before and after the plan; `None` when the plan does not manage it.
    fn grants(&self, place: &Place<'a>) -> Option<(Grants<'a>, Grants<'a>)> {
        match place {
            Place::Org => {
                let before: Vec<(String, Grant<'a>)> = self
                    .live
                    .into_iter()
                    .flat_map(|l| &l.members)
                    .map(|m| (m.key(), own(&m.role)))
                    .collect();
                let after = match &self.org.members {
                    Some(ms) => ms
                        .iter()
                        .map(|m| (self.canon(m.user.as_str()), own(m.role.as_str())))
                        .collect(),
                    // A new org, created by the acting user, who becomes its owner.
                    None if self.live.is_none() => {
                        vec![(self.acting.email.to_lowercase(), own("owner"))]
                    }
                    None => before.clone(),
                };
                Some((effective(before), effective(after)))
            }
            Place::Workspace(ws) => {
                let after = if ws.ensure == Ensure::Absent {
                    Vec::new()
                } else {
                    let ps = ws.participants.as_ref()?;
                    let mut after = Vec::new();
                    for p in ps {
                        match &p.principal {
                            Principal::Team(t) => {
                                for u in self
                                    .teams_after
                                    .get(&t.to_lowercase())
                                    .into_iter()
                                    .flatten()
                                {
                                    after.push((u.clone(), via(&p.role, t)));
                                }
                            }
                            Principal::User(u) => {
                                after.push((self.canon(u.as_str()), own(&p.role)));
                            }
                        }
                    }
                    after
                };
                let mut before = Vec::new();
                let live_ps = self
                    .live_workspace(&ws.name)
                    .and_then(|w| w.participants.as_ref());
                for p in live_ps.into_iter().flatten() {
                    if p.kind == ParticipantKind::Team {
                        let team = p.team_name.as_deref().unwrap_or("");
                        for u in self
                            .teams_before
                            .get(&team.to_lowercase())
                            .into_iter()
                            .flatten()
                        {
                            before.push((u.clone(), via(self.as_declared(&p.role), team)));
                        }
                    } else {
                        let who = p
                            .email
                            .as_deref()
                            .filter(|e| !e.is_empty())
                            .or(p.user_name.as_deref())
                            .unwrap_or("");
                        before.push((self.canon(who), own(self.as_declared(&p.role))));
                    }
                }
                Some((effective(before), effective(after)))
            }
        }
    }
}

fn own(role: &str) -> Grant<'_> {
    Grant { role, via: None }
}

fn via<'a>(role: &'a str, team: &'a str) -> Grant<'a> {
    Grant {
        role,
        via: Some(team),
    }
}

/// How every affected user's access changes; with `units`, only in the places they cover.
pub fn access(
    orgs: &[&Org],
    live: &Live,
    acting: &ActingUser,
    units: Option<&Units>,
) -> Vec<AccessChange> {
    let mut per_user: BTreeMap<String, AccessChange> = BTreeMap::new();
    // Every place, in address order, so that each user's entries come out sorted.
    let mut views: Vec<OrgView<'_>> = Vec::new();
    let mut places: Vec<(Address, usize, Place<'_>)> = Vec::new();
    for org in orgs {
        let oplace = Address::org(&org.name);
        if units.is_some_and(|u| !u.iter().any(|x| x.is_within(&oplace))) {
            continue; // nothing of this org is in the plan's units
        }
        let whole = units.is_none_or(|u| u.contains(&oplace));
        let i = views.len();
        views.push(OrgView::new(org, live.orgs.get(&org.key()), acting, whole));
        // Organization roles are a place only when the whole org is in scope.
        if whole {
            places.push((oplace, i, Place::Org));
        }
        for ws in &org.workspaces {
            let place = Address::workspace(&org.name, &ws.name);
            if units.is_none_or(|u| in_units(u, &place)) {
                places.push((place, i, Place::Workspace(ws)));
            }
        }
    }
    places.sort_by(|a, b| a.0.cmp(&b.0));
    places.dedup_by(|a, b| a.0 == b.0);

    for (place, i, what) in &places {
        let Some((before, after)) = views[*i].grants(what) else {
            continue; // participants unmanaged
        };
        let name = place_name(place);
        // Merge the two sorted lists.
        let (mut b, mut a) = (before.iter().peekable(), after.iter().peekable());
        loop {
            let (user, gb, ga) = match (b.peek(), a.peek()) {
                (None, None) => break,
                (Some(x), Some(y)) if x.0 == y.0 => {
                    let (x, y) = (b.next().unwrap(), a.next().unwrap());
                    (&x.0, Some(&x.1), Some(&y.1))
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    let x = b.next().unwrap();
                    (&x.0, Some(&x.1), None)
                }
                (Some(_), None) => {
                    let x = b.next().unwrap();
                    (&x.0, Some(&x.1), None)
                }
                _ => {
                    let y = a.next().unwrap();
                    (&y.0, None, Some(&y.1))
                }
            };
            if gb == ga {
                continue;
            }
            let e = per_user
                .entry(user.clone())
                .or_insert_with(|| AccessChange {
                    user: user.clone(),
                    ..AccessChange::default()
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
            e.effective.push(EffectiveAccess {
                place: name.clone(),
                before: gb.map(Grant::effective),
                after: ga.map(Grant::effective),
            });
        }
    }
    per_user.into_values().collect()
}
