//! Store → world: the live state as a world with every id, which is what the state file
//! holds. Deterministic: the same state gives the same world.
//!
//! This module owns that conversion. It must not check anything (a store is valid by
//! construction) nor write files (the crate root's `persist` does, through `state`).

use super::*;
use crate::world::{
    Loc, World, WorldIdpGroup, WorldLabel, WorldMember, WorldOrg, WorldParticipant, WorldQuotas,
    WorldRole, WorldScimToken, WorldStudios, WorldTeam, WorldUser, WorldWorkspace,
};

impl Store {
    /// The whole state as a world with every id: the state file's content. Deterministic.
    pub fn to_world(&self) -> World {
        let users = self
            .users
            .values()
            .map(|u| WorldUser {
                id: Some(Loc::new(u.id)),
                email: Loc::new(u.email.clone()),
                user_name: Loc::new(u.user_name.clone()),
                token: u.token.clone().map(Loc::new),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
            })
            .collect();
        let organizations = self.orgs.values().map(|o| self.org_to_world(o)).collect();
        World {
            unknown_users: Some(self.unknown_users),
            list_missing_permissions: self.list_missing_permissions,
            default_participant_role: Some(Loc::new(self.default_role.clone())),
            last_id: Some(self.ids.last()),
            users,
            organizations,
            basespace: None,
        }
    }

    fn email_of_member(&self, org: &Org, mid: Id) -> String {
        org.members
            .get(&mid)
            .and_then(|m| self.users.get(&m.user_id))
            .map(|u| u.email.clone())
            .unwrap_or_default()
    }

    fn org_to_world(&self, o: &Org) -> WorldOrg {
        let members = o
            .members
            .values()
            .map(|m| WorldMember {
                id: Some(Loc::new(m.id)),
                email: Loc::new(self.email_of_member(o, m.id)),
                role: Some(Loc::new(m.role.as_str().to_string())),
            })
            .collect();
        let teams = o
            .teams
            .values()
            .map(|t| WorldTeam {
                id: Some(Loc::new(t.id)),
                name: Loc::new(t.name.clone()),
                description: t.description.clone(),
                avatar_id: t.avatar_id.clone(),
                idp_group: None,
                idp_group_id: t.idp_group_id,
                idp_group_name: t.idp_group_name.clone(),
                members: t
                    .members
                    .iter()
                    .map(|m| Loc::new(self.email_of_member(o, *m)))
                    .collect(),
            })
            .collect();
        let workspaces = o
            .workspaces
            .values()
            .map(|w| WorldWorkspace {
                id: Some(Loc::new(w.id)),
                name: Loc::new(w.name.clone()),
                full_name: Some(w.full_name.clone()),
                description: w.description.clone(),
                visibility: Some(Loc::new(w.visibility.as_str().to_string())),
                date_created: Some(w.date_created.clone()),
                last_updated: Some(w.last_updated.clone()),
                participants: w
                    .participants
                    .values()
                    .map(|p| {
                        let (email, team) = match p.subject {
                            Subject::Member(m) => {
                                (Some(Loc::new(self.email_of_member(o, m))), None)
                            }
                            Subject::Team(t) => (
                                None,
                                Some(Loc::new(
                                    o.teams.get(&t).map(|t| t.name.clone()).unwrap_or_default(),
                                )),
                            ),
                        };
                        Loc::new(WorldParticipant {
                            id: Some(Loc::new(p.id)),
                            email,
                            team,
                            role: Some(Loc::new(p.role.clone())),
                        })
                    })
                    .collect(),
                labels: w
                    .labels
                    .values()
                    .map(|l| WorldLabel {
                        id: Some(Loc::new(l.id)),
                        name: Loc::new(l.name.clone()),
                        value: l.value.clone(),
                        resource: l.resource,
                        is_default: l.is_default,
                        date_created: Some(l.date_created.clone()),
                    })
                    .collect(),
                studios: (w.studios != Studios::default()).then(|| WorldStudios {
                    lifespan_hours: w.studios.lifespan_hours,
                    container_repository: w.studios.container_repository.clone(),
                    private_studio_by_default: w.studios.private_studio_by_default,
                    name_strategy: w.studios.name_strategy.clone().map(Loc::new),
                }),
            })
            .collect();
        WorldOrg {
            id: Some(Loc::new(o.id)),
            name: Loc::new(o.name.clone()),
            full_name: Some(o.full_name.clone()),
            description: o.description.clone(),
            location: o.location.clone(),
            website: o.website.clone(),
            logo_id: o.logo_id.clone(),
            org_type: o.org_type.clone().map(Loc::new),
            custom_roles: o
                .roles
                .values()
                .map(|r| {
                    Loc::new(WorldRole {
                        id: Some(Loc::new(r.id)),
                        name: Loc::new(r.name.clone()),
                        description: r.description.clone(),
                        permissions: r.permissions.iter().cloned().map(Loc::new).collect(),
                    })
                })
                .collect(),
            quotas: o.max_custom_roles.map(|m| WorldQuotas {
                max_custom_roles_per_org: Some(Loc::new(m)),
            }),
            sso: o.sso,
            idp_groups: o.idp_groups.as_ref().map(|gs| {
                gs.values()
                    .map(|g| WorldIdpGroup {
                        id: Some(Loc::new(g.id)),
                        name: Loc::new(g.name.clone()),
                        source: Some(Loc::new(g.source.as_str().to_ascii_lowercase())),
                    })
                    .collect()
            }),
            scim_token: o.scim_token.as_ref().map(|t| WorldScimToken {
                created_at: t.created_at.clone(),
                last_used: t.last_used.clone(),
            }),
            members,
            teams,
            workspaces,
        }
    }
}
