//! Labelling the removals an expiry causes: each ended grant is found on the platform (the config
//! may name a user by user name, the plan by email) and the removal of it is marked with when it
//! expired and why it was granted; the removals of a team membership or participation of a user
//! whose organization membership expired are marked as ending with it.

use std::collections::HashMap;

use super::Grant;
use crate::live::{Live, LiveOrg};
use crate::plan::model::{Action, Address, Change, Expired, Kind};
use crate::scope::{Path, Principal};

/// The address the plan gives an ended grant, when the grant is on the platform.
pub(super) fn on_platform(g: &Grant, live: &Live) -> Option<Address> {
    let org_of = |name: &crate::scope::Name| -> Option<&LiveOrg> { live.orgs.get(name.key()) };
    match g.address.path() {
        Path::Member { org, user } => {
            let m = org_of(org)?.member(user)?;
            Some(Address::member(org.as_str(), &m.key()))
        }
        Path::TeamMember { org, team, user } => {
            let t = org_of(org)?.team(team.as_str())?;
            let m = t.members.as_ref()?.iter().find(|m| m.is(user))?;
            Some(Address::team_member(org.as_str(), team.as_str(), &m.key()))
        }
        Path::Participant {
            org,
            workspace,
            principal,
        } => {
            let w = org_of(org)?.workspace(workspace.as_str())?;
            let ps = w.participants.as_ref()?;
            let p = match principal {
                Principal::User(u) => ps.iter().find(|p| p.is_user(u))?,
                Principal::Team(t) => ps.iter().find(|p| p.is_team(t.as_str()))?,
            };
            Some(Address::participant(
                org.as_str(),
                workspace.as_str(),
                p.principal(),
            ))
        }
        _ => None,
    }
}

/// Mark the removals in `changes` (of `platform`, planned against `live`) that `ended` grants
/// cause. Changes that are not removals of access are left alone.
pub fn mark(changes: &mut [Change], ended: &[Grant], platform: &str, live: &Live) {
    let by_address: HashMap<Address, &Grant> = ended
        .iter()
        .filter(|g| g.platform == platform)
        .filter_map(|g| Some((on_platform(g, live)?, g)))
        .collect();
    let removal = |c: &Change| c.action == Action::Delete && c.kind.is_access();
    for c in changes.iter_mut().filter(|c| removal(c)) {
        if let Some(g) = by_address.get(&c.address) {
            c.expired = Some(Expired {
                on: g.expires,
                reason: g.reason.clone(),
                membership: None,
            });
        }
    }
    // A member's team memberships and participations go with an expired membership.
    let memberships: HashMap<(String, String), (Address, Expired)> = changes
        .iter()
        .filter(|c| c.kind == Kind::Member && removal(c))
        .filter_map(|c| {
            let e = c.expired.clone()?;
            let key = (
                c.address.org_name().key().to_string(),
                c.address.user()?.to_string(),
            );
            Some((key, (c.address.clone(), e)))
        })
        .collect();
    for c in changes
        .iter_mut()
        .filter(|c| removal(c) && c.expired.is_none())
    {
        if !matches!(c.kind, Kind::TeamMember | Kind::Participant) {
            continue;
        }
        let Some(user) = c.address.user() else {
            continue;
        };
        let key = (c.address.org_name().key().to_string(), user.to_string());
        if let Some((membership, e)) = memberships.get(&key) {
            c.expired = Some(Expired {
                on: e.on,
                reason: e.reason.clone(),
                membership: Some(membership.clone()),
            });
        }
    }
}
