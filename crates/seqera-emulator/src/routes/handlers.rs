//! The Seqera API handlers, one per operationId of the table in `routes`: extract, lock the
//! store, call one rules method, answer.
//!
//! This module owns the mapping from HTTP extractors to rules calls. It must not decide the
//! platform's rules (`rules` does) nor apply faults, authentication or statistics (the
//! middleware in `routes` does).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::{Caller, Shared};
use crate::dto::*;
use crate::http::{ApiResult, Body, Ids, Params};
use crate::store::Id;

type JsonResult<T> = ApiResult<Json<T>>;

fn no_content(r: ApiResult<()>) -> ApiResult<StatusCode> {
    r.map(|()| StatusCode::NO_CONTENT)
}

// operationId: Info. `seqeraCloud` follows the world's `unknownUsers`: `invite` is what Cloud
// does with an email that has no account, `reject` what Enterprise does.
pub(super) async fn service_info(State(app): State<Shared>) -> Json<ServiceInfoResponse> {
    let cloud = app.lock().unknown_users() == crate::world::UnknownUsers::Invite;
    Json(ServiceInfoResponse {
        service_info: Some(ServiceInfo {
            version: Some(format!("roster-emulator-{}", env!("CARGO_PKG_VERSION"))),
            api_version: Some("1.187.0".into()),
            commit_id: Some("emulator".into()),
            auth_types: Some(Vec::new()),
            login_path: Some("/login".into()),
            heartbeat_interval: Some(60),
            user_workspace_enabled: Some(false),
            allow_instance_credentials: Some(false),
            seqera_cloud: Some(cloud),
            ..Default::default()
        }),
    })
}

// operationId: UserInfo
pub(super) async fn user_info(
    State(app): State<Shared>,
    Caller(c): Caller,
) -> JsonResult<DescribeUserResponse> {
    app.lock().user_info(c).map(Json)
}

// operationId: DescribeUser
pub(super) async fn describe_user(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(user): Ids<Id>,
) -> JsonResult<DescribeUserResponse> {
    app.lock().describe_user(c, user).map(Json)
}

// operationId: ListWorkspacesUser
pub(super) async fn list_workspaces_user(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(user): Ids<Id>,
) -> JsonResult<ListWorkspacesAndOrgResponse> {
    app.lock().list_workspaces_user(c, user).map(Json)
}

// operationId: ListOrganizations
pub(super) async fn list_orgs(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> JsonResult<ListOrganizationsResponse> {
    app.lock().list_orgs(c, q.get("role")).map(Json)
}

// operationId: CreateOrganization
pub(super) async fn create_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Body(b): Body<CreateOrganizationRequest>,
) -> JsonResult<OrganizationResponse> {
    app.lock().create_org(c, b).map(Json)
}

// operationId: ValidateOrganizationName
pub(super) async fn validate_org_name(
    State(app): State<Shared>,
    Caller(_): Caller,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_org_name(q.get("name")))
}

// operationId: DescribeOrganization
pub(super) async fn describe_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<OrganizationResponse> {
    app.lock().describe_org(c, org).map(Json)
}

// operationId: UpdateOrganization
pub(super) async fn update_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<UpdateOrganizationRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_org(c, org, b))
}

// operationId: DeleteOrganization
pub(super) async fn delete_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_org(c, org))
}

// operationId: DescribeOrganizationQuotas
pub(super) async fn quotas(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<DescribeOrganizationQuotasResponse> {
    app.lock().quotas(c, org).map(Json)
}

// operationId: ListUserRolesInOrganization
pub(super) async fn user_roles(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, user)): Ids<(Id, Id)>,
) -> JsonResult<ListUserRolesResponse> {
    app.lock().user_roles(c, org, user).map(Json)
}

// operationId: ListOrganizationMembers
pub(super) async fn list_members(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> JsonResult<ListMembersResponse> {
    app.lock().list_members(c, org, &q).map(Json)
}

// operationId: CreateOrganizationMember
pub(super) async fn add_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<AddMemberRequest>,
) -> JsonResult<MemberResponse> {
    app.lock().add_member(c, org, b).map(Json)
}

// operationId: UpdateOrganizationMemberRole
pub(super) async fn update_member_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, member)): Ids<(Id, Id)>,
    Body(b): Body<RoleRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_member_role(c, org, member, b))
}

// operationId: DeleteOrganizationMember
pub(super) async fn delete_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, member)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_member(c, org, member))
}

// operationId: LeaveOrganization
pub(super) async fn leave_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().leave_org(c, org))
}

// operationId: ListOrganizationCollaborators
pub(super) async fn list_collaborators(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> JsonResult<ListMembersResponse> {
    app.lock().list_collaborators(c, org, &q).map(Json)
}

// operationId: ListOrganizationIdpGroups
pub(super) async fn list_idp_groups(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<ListIdpGroupsResponse> {
    app.lock().list_idp_groups(c, org).map(Json)
}

// operationId: CreateOrganizationIdpGroup
pub(super) async fn create_idp_group(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<CreateIdpGroupRequest>,
) -> JsonResult<IdpGroupEntry> {
    app.lock().create_idp_group(c, org, b).map(Json)
}

// operationId: DeleteOrganizationIdpGroup
pub(super) async fn delete_idp_group(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, group)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_idp_group(c, org, group))
}

// operationId: DescribeOrganizationScimConfig
pub(super) async fn scim_config(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<DescribeScimConfigResponse> {
    app.lock().scim_config(c, org).map(Json)
}

// operationId: ListOrganizationTeams
pub(super) async fn list_teams(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> JsonResult<ListTeamResponse> {
    app.lock().list_teams(c, org, &q).map(Json)
}

// operationId: CreateOrganizationTeam
pub(super) async fn create_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<CreateTeamRequest>,
) -> JsonResult<TeamResponse> {
    app.lock().create_team(c, org, b).map(Json)
}

// operationId: ValidateTeamName
pub(super) async fn validate_team_name(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_team_name(c, org, q.get("name")))
}

// operationId: DescribeOrganizationTeam
pub(super) async fn describe_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
) -> JsonResult<TeamResponse> {
    app.lock().describe_team(c, org, team).map(Json)
}

// operationId: UpdateOrganizationTeam
pub(super) async fn update_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    Body(b): Body<UpdateTeamRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_team(c, org, team, b))
}

// operationId: DeleteOrganizationTeam
pub(super) async fn delete_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_team(c, org, team))
}

// operationId: ListOrganizationTeamMembers
pub(super) async fn list_team_members(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    q: Params,
) -> JsonResult<ListMembersResponse> {
    app.lock().list_team_members(c, org, team, &q).map(Json)
}

// operationId: CreateOrganizationTeamMember
pub(super) async fn add_team_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    Body(b): Body<CreateTeamMemberRequest>,
) -> JsonResult<MemberResponse> {
    app.lock().add_team_member(c, org, team, b).map(Json)
}

// operationId: DeleteOrganizationTeamMember
pub(super) async fn delete_team_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team, member)): Ids<(Id, Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_team_member(c, org, team, member))
}

// operationId: ListWorkspacesByTeam
pub(super) async fn list_workspaces_by_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    q: Params,
) -> JsonResult<ListWorkspacesByTeamResponse> {
    app.lock()
        .list_workspaces_by_team(c, org, team, &q)
        .map(Json)
}

// operationId: ListWorkspaces
pub(super) async fn list_workspaces(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<ListWorkspacesResponse> {
    app.lock().list_workspaces(c, org).map(Json)
}

// operationId: CreateWorkspace
pub(super) async fn create_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<CreateWorkspaceRequest>,
) -> JsonResult<WorkspaceResponse> {
    app.lock().create_workspace(c, org, b).map(Json)
}

// operationId: ValidateWorkspaceName
pub(super) async fn validate_workspace_name(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_workspace_name(c, org, q.get("name")))
}

// operationId: DescribeWorkspace
pub(super) async fn describe_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> JsonResult<WorkspaceResponse> {
    app.lock().describe_workspace(c, org, ws).map(Json)
}

// operationId: UpdateWorkspace
pub(super) async fn update_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    Body(b): Body<UpdateWorkspaceRequest>,
) -> JsonResult<WorkspaceResponse> {
    app.lock().update_workspace(c, org, ws, b).map(Json)
}

// operationId: DeleteWorkspace
pub(super) async fn delete_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_workspace(c, org, ws))
}

// operationId: FindDataStudiosWorkspaceSettings
pub(super) async fn studios(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> JsonResult<DataStudioWorkspaceSettingsResponse> {
    app.lock().studios(c, org, ws).map(Json)
}

// operationId: UpdateDataStudiosWorkspaceSettings
pub(super) async fn update_studios(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    Body(b): Body<DataStudioWorkspaceSettingsRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_studios(c, org, ws, b))
}

// operationId: ListWorkspaceParticipants
pub(super) async fn list_participants(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    q: Params,
) -> JsonResult<ListParticipantsResponse> {
    app.lock().list_participants(c, org, ws, &q).map(Json)
}

// operationId: LeaveWorkspaceParticipant
pub(super) async fn leave_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().leave_workspace(c, org, ws))
}

// operationId: CreateWorkspaceParticipant
pub(super) async fn add_participant(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    Body(b): Body<AddParticipantRequest>,
) -> JsonResult<AddParticipantResponse> {
    app.lock().add_participant(c, org, ws, b).map(Json)
}

// operationId: UpdateWorkspaceParticipantRole
pub(super) async fn update_participant_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws, p)): Ids<(Id, Id, Id)>,
    Body(b): Body<RoleRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_participant_role(c, org, ws, p, b))
}

// operationId: DeleteWorkspaceParticipant
pub(super) async fn delete_participant(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws, p)): Ids<(Id, Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_participant(c, org, ws, p))
}

// operationId: DeleteWorkspaceUser
pub(super) async fn delete_workspace_user(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws, user)): Ids<(Id, Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_workspace_user(c, org, ws, user))
}

// operationId: ListLabels
pub(super) async fn list_labels(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> JsonResult<ListLabelsResponse> {
    app.lock().list_labels(c, &q).map(Json)
}

// operationId: CreateLabel
pub(super) async fn create_label(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
    Body(b): Body<CreateLabelRequest>,
) -> JsonResult<LabelResponse> {
    app.lock().create_label(c, &q, b).map(Json)
}

// operationId: UpdateLabel
pub(super) async fn update_label(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(label): Ids<Id>,
    q: Params,
    Body(b): Body<UpdateLabelRequest>,
) -> JsonResult<LabelResponse> {
    app.lock().update_label(c, label, &q, b).map(Json)
}

// operationId: DeleteLabel
pub(super) async fn delete_label(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(label): Ids<Id>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_label(c, label, &q))
}

// operationId: ListRoles
pub(super) async fn list_roles(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> JsonResult<ListRolesResponse> {
    app.lock().list_roles(c, &q).map(Json)
}

// operationId: CreateRole (answers 201)
pub(super) async fn create_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
    Body(b): Body<CustomRoleRequest>,
) -> ApiResult<(StatusCode, Json<CreateRoleResponse>)> {
    app.lock()
        .create_role(c, &q, b)
        .map(|r| (StatusCode::CREATED, Json(r)))
}

// operationId: ListRolePermissions
pub(super) async fn list_role_permissions(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> JsonResult<ListRolePermissionsResponse> {
    app.lock().list_role_permissions(c, &q).map(Json)
}

// operationId: ValidateRoleName
pub(super) async fn validate_role_name(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_role_name(c, &q))
}

// operationId: DescribeRole
pub(super) async fn describe_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(name): Ids<String>,
    q: Params,
) -> JsonResult<DescribeRoleResponse> {
    app.lock().describe_role(c, &name, &q).map(Json)
}

// operationId: UpdateRole
pub(super) async fn update_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(name): Ids<String>,
    q: Params,
    Body(b): Body<CustomRoleRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_role(c, &name, &q, b))
}

// operationId: DeleteRole
pub(super) async fn delete_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(name): Ids<String>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_role(c, &name, &q))
}
