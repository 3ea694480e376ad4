//! Executing one change of a plan against the platform's client.
//!
//! This file owns the translation of one [`Exec`] into client calls: request bodies, the ids it
//! resolves from changes this apply already made, the add-then-role sequence of members and
//! participants, and the record of each operation called. Every create goes through
//! [`reconcile_create`]. It must not decide the order of changes or whether one runs (the
//! scheduler does), nor write the audit log.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Mutex;

use super::reconcile::{Calls, reconcile_create};
use super::{ApplyError, Outcome};
use crate::live::ActingUser;
use crate::plan::{Address, Change, Exec, ParticipantType, Ref, TeamLink, Who};
use crate::platform::seqera::dto::{
    AddParticipantRequest, CreateLabelRequest, OrganizationBody, RoleBody, StudiosSettingsRequest,
    UpdateOrganizationRequest, UpdateTeamRequest, WorkspaceBody,
};
use crate::platform::seqera::{ApiError, Client};

/// Ids of objects created during this apply, by the address of the change that created them.
pub(super) type Created = Arc<Mutex<HashMap<Address, i64>>>;

type Result<T> = std::result::Result<T, ApplyError>;

async fn resolve(created: &Created, r: &Ref) -> Result<i64> {
    match r {
        Ref::Id(id) => Ok(*id),
        Ref::CreatedBy(addr) => created
            .lock()
            .await
            .get(addr)
            .copied()
            .ok_or_else(|| ApplyError::Unresolved(addr.clone())),
    }
}

async fn remember(created: &Created, addr: &Address, id: i64) {
    created.lock().await.insert(addr.clone(), id);
}

/// Execute one change; `ops` collects the API operations it called.
pub(super) async fn execute(
    client: &Client,
    acting: &ActingUser,
    change: &Change,
    created: &Created,
    ops: &Calls,
) -> Result<Outcome> {
    let addr = &change.address;
    match &change.exec {
        Exec::CreateOrg { fields } => {
            let body = OrganizationBody {
                name: fields.name.clone(),
                full_name: fields.full_name.clone(),
                description: fields.description.clone(),
                location: fields.location.clone(),
                website: fields.website.clone(),
            };
            let body = &body;
            let (id, outcome) = reconcile_create(
                ops,
                ("CreateOrganization", "ListOrganizations"),
                move || async move { client.create_org(body).await.map(|o| o.org_id) },
                move || async move {
                    let orgs = client.list_orgs().await?;
                    Ok(orgs
                        .iter()
                        .find(|o| o.name.eq_ignore_ascii_case(&fields.name))
                        .map(|o| o.org_id))
                },
            )
            .await?;
            remember(created, addr, id).await;
            Ok(outcome)
        }
        Exec::UpdateOrg { org_id, fields } => {
            ops.push("UpdateOrganization");
            client
                .update_org(
                    *org_id,
                    &UpdateOrganizationRequest {
                        name: fields.name.clone(),
                        full_name: fields.full_name.clone(),
                        description: fields.description.clone(),
                        location: fields.location.clone(),
                        website: fields.website.clone(),
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::AddMember { org, user, role } => {
            let org_id = resolve(created, org).await?;
            let ((member_id, current), outcome) = reconcile_create(
                ops,
                ("CreateOrganizationMember", "ListOrganizationMembers"),
                move || async move {
                    let m = client.add_member(org_id, user).await?;
                    Ok((m.member_id, m.role.unwrap_or_default()))
                },
                move || async move {
                    let ms = client.list_members(org_id).await?;
                    Ok(ms
                        .into_iter()
                        .find(|m| same_user(&m.email, &m.user_name, user))
                        .map(|m| (m.member_id, m.role.unwrap_or_default())))
                },
            )
            .await
            .map_err(|e| user_error(client, user, "CreateOrganizationMember", e))?;
            // Add-then-role: the add carries no role; set it only when it differs.
            if !current.eq_ignore_ascii_case(role) {
                ops.push("UpdateOrganizationMemberRole");
                client.set_member_role(org_id, member_id, role).await?;
                return Ok(Outcome::Applied);
            }
            Ok(outcome)
        }
        Exec::SetMemberRole {
            org_id,
            member_id,
            role,
        } => {
            ops.push("UpdateOrganizationMemberRole");
            client.set_member_role(*org_id, *member_id, role).await?;
            Ok(Outcome::Applied)
        }
        Exec::RemoveMember { org_id, member_id } => {
            ops.push("DeleteOrganizationMember");
            client.remove_member(*org_id, *member_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateTeam {
            org,
            name,
            description,
            idp_group_id,
        } => {
            let org_id = resolve(created, org).await?;
            let (id, outcome) = reconcile_create(
                ops,
                ("CreateOrganizationTeam", "ListOrganizationTeams"),
                move || async move {
                    let t = client
                        .create_team(org_id, name, description.as_deref(), *idp_group_id)
                        .await?;
                    Ok(t.team_id)
                },
                move || async move {
                    let ts = client.list_teams(org_id).await?;
                    Ok(ts
                        .iter()
                        .find(|t| t.name.eq_ignore_ascii_case(name))
                        .map(|t| t.team_id))
                },
            )
            .await?;
            remember(created, addr, id).await;
            Ok(outcome)
        }
        Exec::UpdateTeam {
            org_id,
            team_id,
            name,
            description,
            idp_group,
        } => {
            ops.push("UpdateOrganizationTeam");
            client
                .update_team(
                    *org_id,
                    *team_id,
                    &UpdateTeamRequest {
                        name: name.clone(),
                        description: description.clone(),
                        idp_group_id: idp_group.map(|l| match l {
                            TeamLink::Link(id) => Some(id),
                            TeamLink::Unlink => None,
                        }),
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::DeleteTeam { org_id, team_id } => {
            ops.push("DeleteOrganizationTeam");
            client.delete_team(*org_id, *team_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateRole { org, fields } => {
            let org_id = resolve(created, org).await?;
            let body = role_body(fields);
            let body = &body;
            let ((), outcome) = reconcile_create(
                ops,
                ("CreateRole", "ListRoles"),
                move || async move { client.create_role(org_id, body).await.map(drop) },
                move || async move {
                    let roles = client.list_custom_roles(org_id).await?;
                    Ok(roles
                        .iter()
                        .any(|r| r.name.eq_ignore_ascii_case(&fields.name))
                        .then_some(()))
                },
            )
            .await?;
            Ok(outcome)
        }
        Exec::UpdateRole {
            org_id,
            role,
            fields,
        } => {
            ops.push("UpdateRole");
            match client.update_role(*org_id, role, &role_body(fields)).await {
                Ok(()) => Ok(Outcome::Applied),
                // A rename whose answer was lost and was retried finds the old name gone: done
                // when the role is there under its new name.
                Err(e) if e.is_not_found() && !role.eq_ignore_ascii_case(&fields.name) => {
                    ops.push("DescribeRole");
                    match client.describe_role(*org_id, &fields.name).await {
                        Ok(_) => Ok(Outcome::AlreadyDone),
                        Err(_) => Err(e.into()),
                    }
                }
                Err(e) => Err(e.into()),
            }
        }
        Exec::DeleteRole { org_id, role } => {
            ops.push("DeleteRole");
            client.delete_role(*org_id, role).await?;
            Ok(Outcome::Applied)
        }
        Exec::AddTeamMember { org, team, user } => {
            let org_id = resolve(created, org).await?;
            let team_id = resolve(created, team).await?;
            let ((), outcome) = reconcile_create(
                ops,
                (
                    "CreateOrganizationTeamMember",
                    "ListOrganizationTeamMembers",
                ),
                move || async move {
                    client
                        .add_team_member(org_id, team_id, user)
                        .await
                        .map(drop)
                },
                move || async move {
                    let ms = client.list_team_members(org_id, team_id).await?;
                    Ok(ms
                        .iter()
                        .any(|m| same_user(&m.email, &m.user_name, user))
                        .then_some(()))
                },
            )
            .await
            .map_err(|e| user_error(client, user, "CreateOrganizationTeamMember", e))?;
            Ok(outcome)
        }
        Exec::RemoveTeamMember {
            org_id,
            team_id,
            member_id,
        } => {
            ops.push("DeleteOrganizationTeamMember");
            client
                .remove_team_member(*org_id, *team_id, *member_id)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateWorkspace { org, fields } => {
            let org_id = resolve(created, org).await?;
            let body = WorkspaceBody {
                name: fields.name.clone(),
                full_name: fields.full_name.clone(),
                description: fields.description.clone(),
                visibility: fields.visibility.clone(),
            };
            let body = &body;
            let (id, outcome) = reconcile_create(
                ops,
                ("CreateWorkspace", "ListWorkspaces"),
                move || async move { client.create_workspace(org_id, body).await.map(|w| w.id) },
                move || async move {
                    let ws = client.list_workspaces(org_id).await?;
                    Ok(ws
                        .iter()
                        .find(|w| w.name.eq_ignore_ascii_case(&fields.name))
                        .map(|w| w.id))
                },
            )
            .await?;
            remember(created, addr, id).await;
            Ok(outcome)
        }
        Exec::UpdateWorkspace {
            org_id,
            workspace_id,
            fields,
        } => {
            ops.push("UpdateWorkspace");
            client
                .update_workspace(
                    *org_id,
                    *workspace_id,
                    &WorkspaceBody {
                        name: fields.name.clone(),
                        full_name: fields.full_name.clone(),
                        description: fields.description.clone(),
                        visibility: fields.visibility.clone(),
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::DeleteWorkspace {
            org_id,
            workspace_id,
        } => {
            ops.push("DeleteWorkspace");
            client.delete_workspace(*org_id, *workspace_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::SetStudios {
            org,
            workspace,
            lifespan_hours,
        } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            // Every field is sent: the others keep their current values.
            ops.push("FindDataStudiosWorkspaceSettings");
            let current = client.studios_settings(org_id, ws_id).await?;
            ops.push("UpdateDataStudiosWorkspaceSettings");
            client
                .set_studios_settings(
                    org_id,
                    ws_id,
                    &StudiosSettingsRequest {
                        lifespan_hours: *lifespan_hours as i32,
                        container_repository: current.container_repository,
                        private_studio_by_default: current
                            .private_studio_by_default
                            .unwrap_or(false),
                        name_strategy: current.name_strategy,
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::CreateLabel {
            workspace,
            name,
            value,
            resource,
        } => {
            let ws_id = resolve(created, workspace).await?;
            ops.push("CreateLabel");
            client
                .create_label(
                    ws_id,
                    &CreateLabelRequest {
                        name: name.clone(),
                        value: value.clone(),
                        resource: *resource,
                    },
                )
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::DeleteLabel {
            workspace_id,
            label_id,
        } => {
            ops.push("DeleteLabel");
            client.delete_label(*workspace_id, *label_id).await?;
            Ok(Outcome::Applied)
        }
        Exec::AddParticipant {
            org,
            workspace,
            who,
            role,
        } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            let (req, team_id) = match who {
                Who::User(u) => (
                    AddParticipantRequest {
                        user_name_or_email: Some(u.clone()),
                        ..Default::default()
                    },
                    None,
                ),
                Who::Team(t) => {
                    let id = resolve(created, t).await?;
                    (
                        AddParticipantRequest {
                            team_id: Some(id),
                            ..Default::default()
                        },
                        Some(id),
                    )
                }
            };
            let req = &req;
            let ((pid, current), outcome) = reconcile_create(
                ops,
                ("CreateWorkspaceParticipant", "ListWorkspaceParticipants"),
                move || async move {
                    let p = client.add_participant(org_id, ws_id, req).await?;
                    Ok((p.participant_id, p.wsp_role.unwrap_or_default()))
                },
                move || async move {
                    let ps = client.list_participants(org_id, ws_id).await?;
                    let hit = ps.into_iter().find(|p| match (who, team_id) {
                        (Who::Team(_), Some(id)) => p.team_id == Some(id),
                        (Who::User(u), _) => {
                            p.team_id.is_none() && same_user(&p.email, &p.user_name, u)
                        }
                        _ => false,
                    });
                    Ok(hit.map(|p| (p.participant_id, p.wsp_role.unwrap_or_default())))
                },
            )
            .await
            .map_err(|e| match who {
                Who::User(u) => participant_error(client, change, u, e),
                Who::Team(_) => e.into(),
            })?;
            // Add-then-role: the add carries no role; set it only when it differs.
            if !current.eq_ignore_ascii_case(role) {
                ops.push("UpdateWorkspaceParticipantRole");
                client
                    .set_participant_role(org_id, ws_id, pid, role)
                    .await?;
                return Ok(Outcome::Applied);
            }
            Ok(outcome)
        }
        Exec::SetParticipantRole {
            org_id,
            workspace_id,
            participant_id,
            role,
        } => {
            ops.push("UpdateWorkspaceParticipantRole");
            client
                .set_participant_role(*org_id, *workspace_id, *participant_id, role)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::RemoveParticipant {
            org_id,
            workspace_id,
            participant_id,
        } => {
            ops.push("DeleteWorkspaceParticipant");
            client
                .remove_participant(*org_id, *workspace_id, *participant_id)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::SetOwnParticipantRole {
            org,
            workspace,
            role,
        } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            ops.push("ListWorkspaceParticipants");
            let ps = client.list_participants(org_id, ws_id).await?;
            let me = ps
                .into_iter()
                .find(|p| p.team_id.is_none() && (same_user(&p.email, &p.user_name, &acting.email)))
                .ok_or(ApplyError::NotAParticipant)?;
            ops.push("UpdateWorkspaceParticipantRole");
            client
                .set_participant_role(org_id, ws_id, me.participant_id, role)
                .await?;
            Ok(Outcome::Applied)
        }
        Exec::LeaveWorkspace { org, workspace } => {
            let org_id = resolve(created, org).await?;
            let ws_id = resolve(created, workspace).await?;
            ops.push("LeaveWorkspaceParticipant");
            client.leave_workspace(org_id, ws_id).await?;
            Ok(Outcome::Applied)
        }
    }
}

/// The error of an add that names a user by email or user name: a 400 that says the user is not
/// found means the user has no account, on a platform that adds only existing users (Enterprise;
/// docs/seqera-api.md §6.3).
fn user_error(client: &Client, user: &str, operation: &'static str, e: ApiError) -> ApplyError {
    match e {
        ApiError::BadRequest { message, .. } if message.to_lowercase().contains("not found") => {
            ApplyError::NoAccount {
                user: user.to_string(),
                endpoint: client.endpoint().to_string(),
                operation,
                message,
            }
        }
        e => e.into(),
    }
}

/// The error of adding a user as a participant: as [`user_error`], and a 409 that a re-read
/// did not explain, for a user the plan adds as a collaborator, is the organization's active
/// single sign-on refusing collaborators (docs/seqera-api.md §6.6): reported, never retried.
fn participant_error(client: &Client, change: &Change, user: &str, e: ApiError) -> ApplyError {
    match e {
        ApiError::Conflict { message, .. }
            if change.participant_type == Some(ParticipantType::Collaborator) =>
        {
            ApplyError::CollaboratorNotPermitted {
                user: user.to_string(),
                org: change.org.clone(),
                workspace: change.workspace.clone().unwrap_or_default(),
                message,
            }
        }
        e => user_error(client, user, "CreateWorkspaceParticipant", e),
    }
}

fn role_body(f: &crate::plan::RoleFields) -> RoleBody {
    RoleBody {
        name: f.name.clone(),
        description: f.description.clone(),
        permissions: f.permissions.clone(),
    }
}

fn same_user(email: &Option<String>, user_name: &Option<String>, user: &str) -> bool {
    email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(user))
        || user_name
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(user))
}
