//! The desired state of an `--expired-only` plan: the platform as it is, less the grants that
//! ended. Each declared organization that exists keeps what the platform has in every list the
//! config manages (members, teams and their members, the participants of declared workspaces
//! that exist), without the ended grants and without the team memberships and participations of
//! a member whose membership ended; everything else is unmanaged. Diffing it against the same
//! live state plans exactly the removals of ended grants, and the guard rails and the access view
//! see what those removals alone do.

use std::collections::HashSet;

use super::Grant;
use super::mark::on_platform;
use crate::config::desired::{Ensure, Member, Org, OrgRole, Participant, Principal, Team, UserRef};
use crate::config::desired::{TeamMember, Workspace};
use crate::live::{Live, LiveMember, LiveParticipant, ParticipantKind};
use crate::plan::model::Address;

/// The `--expired-only` desired state of the declared `orgs` of one platform (see the module
/// docs). Organizations the platform does not have are left out: nothing is created.
pub fn orgs(orgs: &[&Org], platform: &str, live: &Live, ended: &[Grant]) -> Vec<Org> {
    let ended: HashSet<Address> = ended
        .iter()
        .filter(|g| g.platform == platform)
        .filter_map(|g| on_platform(g, live))
        .collect();
    let mut out = Vec::new();
    for org in orgs {
        let Some(l) = live.orgs.get(&org.key()) else {
            continue;
        };
        let gone: Vec<&LiveMember> = l
            .members
            .iter()
            .filter(|m| ended.contains(&Address::member(&org.name, &m.key())))
            .collect();
        let went = |m: &LiveMember| {
            gone.iter().any(|g| {
                (!g.email.is_empty() && m.is(&g.email))
                    || (!g.user_name.is_empty() && m.is(&g.user_name))
            })
        };
        let went_p = |p: &LiveParticipant| {
            p.kind != ParticipantKind::Team
                && gone.iter().any(|g| {
                    (!g.email.is_empty() && p.is_user(&g.email))
                        || (!g.user_name.is_empty() && p.is_user(&g.user_name))
                })
        };
        let members = org.members.as_ref().map(|_| {
            let mut ms: Vec<Member> = l
                .members
                .iter()
                .filter(|m| !gone.iter().any(|g| std::ptr::eq(*g, *m)))
                .map(|m| {
                    let role = OrgRole::parse(&m.role).unwrap_or(OrgRole::Member);
                    Member::new(UserRef::new(&m.key()), role)
                })
                .collect();
            ms.sort_by(|a, b| a.user.cmp(&b.user));
            ms.dedup_by(|a, b| a.user == b.user);
            ms
        });
        let teams = org.teams.as_ref().map(|_| {
            l.teams
                .iter()
                .map(|lt| Team {
                    name: lt.name.clone(),
                    description: None,
                    members: lt.members.as_ref().map(|ms| {
                        let mut v: Vec<TeamMember> = ms
                            .iter()
                            .filter(|m| {
                                !went(m)
                                    && !ended.contains(&Address::team_member(
                                        &org.name,
                                        &lt.name,
                                        &m.key(),
                                    ))
                            })
                            .map(|m| TeamMember::new(UserRef::new(&m.key())))
                            .collect();
                        v.sort();
                        v.dedup_by(|a, b| a.user == b.user);
                        v
                    }),
                    idp_group: None,
                    idp_origin: Default::default(),
                })
                .collect()
        });
        let workspaces = org
            .workspaces
            .iter()
            .filter_map(|w| {
                let lw = l.workspace(&w.name)?;
                let participants = match (&w.participants, &lw.participants) {
                    (Some(_), Some(ps)) => Some(
                        ps.iter()
                            .filter(|p| {
                                !went_p(p)
                                    && !ended.contains(&Address::participant(
                                        &org.name,
                                        &lw.name,
                                        p.principal(),
                                    ))
                            })
                            .map(|p| {
                                let who = match p.kind {
                                    ParticipantKind::Team => {
                                        Principal::Team(p.team_name.clone().unwrap_or_default())
                                    }
                                    _ => Principal::User(UserRef::new(
                                        p.principal().as_user().unwrap_or(""),
                                    )),
                                };
                                Participant::new(who, p.role.clone())
                            })
                            .collect::<Vec<_>>(),
                    ),
                    _ => None,
                };
                let participants = participants.map(|mut ps| {
                    ps.sort_by(|a, b| a.principal.cmp(&b.principal));
                    ps
                });
                Some(Workspace {
                    name: lw.name.clone(),
                    ensure: Ensure::Present,
                    full_name: None,
                    description: None,
                    visibility: None,
                    studios: None,
                    labels: None,
                    participants,
                    origin: w.origin.clone(),
                })
            })
            .collect();
        out.push(Org {
            name: org.name.clone(),
            platform: org.platform.clone(),
            full_name: None,
            description: None,
            location: None,
            website: None,
            custom_roles: org.custom_roles.clone(),
            // Role definitions are not grants: --expired-only leaves them unmanaged.
            defined_roles: None,
            members,
            teams,
            workspaces,
            origin: org.origin.clone(),
        });
    }
    out
}
