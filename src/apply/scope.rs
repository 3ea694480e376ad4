//! The executor's last line of defence: every write must target an object in the declared
//! scope (a declared org that was read, one of its teams, a declared workspace), or one that this
//! apply creates. The plan is derived afresh before it runs, so this never fires for a plan roster
//! made; it stops a plan that names any other id. It must not decide what to change.

use std::collections::HashSet;

use crate::live::Live;
use crate::plan::{Exec, Ref, Scope, Who};

/// The ids a plan may write to on one platform.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    orgs: HashSet<i64>,
    teams: HashSet<i64>,
    workspaces: HashSet<i64>,
}

impl Allowed {
    /// The declared orgs of `scope` that `live` holds, their teams, and their declared workspaces.
    pub fn new(scope: &Scope, live: &Live) -> Allowed {
        let mut a = Allowed::default();
        for os in &scope.orgs {
            let Some(lo) = live.orgs.get(&os.name.to_lowercase()) else {
                continue;
            };
            a.orgs.insert(lo.id);
            a.teams.extend(lo.teams.iter().map(|t| t.id));
            for lw in &lo.workspaces {
                if os
                    .workspaces
                    .iter()
                    .any(|w| w.name.eq_ignore_ascii_case(&lw.name))
                {
                    a.workspaces.insert(lw.id);
                }
            }
        }
        a
    }

    /// Why `exec` writes outside the scope, or `None` when it does not. Objects this apply
    /// creates (`Ref::CreatedBy`) are in scope by construction.
    pub fn check(&self, exec: &Exec) -> Option<String> {
        let org = |id: i64| (!self.orgs.contains(&id)).then(|| format!("organization id {id}"));
        let team = |id: i64| (!self.teams.contains(&id)).then(|| format!("team id {id}"));
        let ws = |id: i64| (!self.workspaces.contains(&id)).then(|| format!("workspace id {id}"));
        let oref = |r: &Ref| match r {
            Ref::Id(id) => org(*id),
            Ref::CreatedBy(_) => None,
        };
        let tref = |r: &Ref| match r {
            Ref::Id(id) => team(*id),
            Ref::CreatedBy(_) => None,
        };
        let wref = |r: &Ref| match r {
            Ref::Id(id) => ws(*id),
            Ref::CreatedBy(_) => None,
        };
        match exec {
            Exec::CreateOrg { .. } => None,
            Exec::UpdateOrg { org_id, .. }
            | Exec::SetMemberRole { org_id, .. }
            | Exec::RemoveMember { org_id, .. }
            | Exec::UpdateRole { org_id, .. }
            | Exec::DeleteRole { org_id, .. } => org(*org_id),
            Exec::AddMember { org: o, .. }
            | Exec::CreateTeam { org: o, .. }
            | Exec::CreateRole { org: o, .. } => oref(o),
            Exec::CreateWorkspace { org: o, .. } => oref(o),
            Exec::UpdateTeam {
                org_id, team_id, ..
            }
            | Exec::DeleteTeam { org_id, team_id }
            | Exec::RemoveTeamMember {
                org_id, team_id, ..
            } => org(*org_id).or_else(|| team(*team_id)),
            Exec::AddTeamMember {
                org: o, team: t, ..
            } => oref(o).or_else(|| tref(t)),
            Exec::UpdateWorkspace {
                org_id,
                workspace_id,
                ..
            }
            | Exec::DeleteWorkspace {
                org_id,
                workspace_id,
            }
            | Exec::SetParticipantRole {
                org_id,
                workspace_id,
                ..
            }
            | Exec::RemoveParticipant {
                org_id,
                workspace_id,
                ..
            } => org(*org_id).or_else(|| ws(*workspace_id)),
            Exec::DeleteLabel { workspace_id, .. } => ws(*workspace_id),
            Exec::CreateLabel { workspace, .. } => wref(workspace),
            Exec::SetStudios {
                org: o, workspace, ..
            }
            | Exec::SetOwnParticipantRole {
                org: o, workspace, ..
            }
            | Exec::LeaveWorkspace { org: o, workspace } => oref(o).or_else(|| wref(workspace)),
            Exec::AddParticipant {
                org: o,
                workspace,
                who,
                ..
            } => oref(o).or_else(|| wref(workspace)).or_else(|| match who {
                Who::Team(t) => tref(t),
                Who::User(_) => None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::read::{OrgScope, WorkspaceScope};
    use crate::live::{LiveOrg, LiveWorkspace};

    fn allowed() -> Allowed {
        let ws = |id, name: &str| LiveWorkspace {
            id,
            name: name.into(),
            full_name: None,
            description: None,
            visibility: "private".into(),
            participants: None,
            studios: None,
            labels: None,
        };
        let mut live = Live::default();
        live.orgs.insert(
            "lab".into(),
            LiveOrg {
                id: 1,
                name: "lab".into(),
                full_name: None,
                description: None,
                location: None,
                website: None,
                members: vec![],
                collaborators: vec![],
                teams: vec![],
                workspaces: vec![ws(10, "declared"), ws(11, "undeclared")],
                idp_catalogue: None,
                roles: None,
            },
        );
        let scope = Scope {
            orgs: vec![OrgScope {
                name: "Lab".into(),
                team_members: vec![],
                idp_groups: false,
                workspaces: vec![WorkspaceScope {
                    name: "declared".into(),
                    participants: true,
                    studios: false,
                    labels: false,
                }],
                member_lookup: None,
                roles: None,
            }],
        };
        Allowed::new(&scope, &live)
    }

    #[test]
    fn writes_to_declared_objects_pass_and_others_are_named() {
        let a = allowed();
        let del = |org_id, workspace_id| Exec::DeleteWorkspace {
            org_id,
            workspace_id,
        };
        assert_eq!(a.check(&del(1, 10)), None);
        assert_eq!(a.check(&del(1, 11)).as_deref(), Some("workspace id 11"));
        assert_eq!(a.check(&del(2, 10)).as_deref(), Some("organization id 2"));
        assert_eq!(
            a.check(&Exec::RemoveMember {
                org_id: 3,
                member_id: 1
            })
            .as_deref(),
            Some("organization id 3")
        );
        let created = Ref::CreatedBy(crate::plan::Address::org("new"));
        assert_eq!(
            a.check(&Exec::AddMember {
                org: created,
                user: "a@b.org".into(),
                role: "member".into()
            }),
            None
        );
    }
}
