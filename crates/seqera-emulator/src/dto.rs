//! The wire format: request and response bodies of the Seqera Platform API, named after the
//! official spec's schemas (v1.187.0) with the fields roster and the emulator use.
//!
//! This module owns the shapes only. Every field is optional on input, so that real responses
//! (which send `null` for unset fields; see `tests/fixtures/seqera-api/recorded/`) and partial
//! requests deserialize; unknown fields are ignored, as the platform's clients must. On output,
//! an unset field is omitted unless the spec marks it `nullable`, in which case it is `null`:
//! that keeps every answer valid against the spec's schemas.

use serde::{Deserialize, Deserializer, Serialize};

/// `ErrorResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub message: String,
}

/// `UserResponseDto` (the fields the emulator keeps).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserResponseDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_use_consent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing_consent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_access: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
}

/// `DescribeUserResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeUserResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserResponseDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_consent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_workspace_id: Option<i64>,
}

/// `ServiceInfo` (the fields the emulator reports).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navbar: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_workspace_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_instance_credentials: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landing_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_use_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytics: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_local_repos: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_max_file_size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seqera_cloud: Option<bool>,
}

/// `ServiceInfoResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfoResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_info: Option<ServiceInfo>,
}

/// `OrgAndWorkspaceDto`: an org entry (no workspace fields) or a workspace entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgAndWorkspaceDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}

/// `ListWorkspacesAndOrgResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWorkspacesAndOrgResponse {
    #[serde(default)]
    pub orgs_and_workspaces: Vec<OrgAndWorkspaceDto>,
}

/// `OrganizationDbDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationDbDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The caller's membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// The caller's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_role: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub org_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paying: Option<bool>,
}

/// `ListOrganizationsResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationsResponse {
    #[serde(default)]
    pub organizations: Vec<OrganizationDbDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
}

/// `CreateOrganizationResponse` and `DescribeOrganizationResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationDbDto>,
}

/// `Organization` (the create request's object).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// `CreateOrganizationRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrganizationRequest {
    #[serde(default)]
    pub organization: Option<Organization>,
    #[serde(default)]
    pub logo_id: Option<String>,
}

/// `UpdateOrganizationRequest` (flat). `type: null` or absent leaves the type unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrganizationRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub logo_id: Option<String>,
    #[serde(default, rename = "type")]
    pub org_type: Option<String>,
    #[serde(default)]
    pub paying: Option<bool>,
}

/// `MemberDbDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberDbDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// `ListMembersResponse` (members, collaborators and team members).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMembersResponse {
    #[serde(default)]
    pub members: Vec<MemberDbDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
}

/// `AddMemberRequest`: a user name or an email.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AddMemberRequest {
    #[serde(default)]
    pub user: Option<String>,
}

/// `AddMemberResponse` and `AddTeamMemberResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberDbDto>,
}

/// `UpdateMemberRoleRequest` and `UpdateParticipantRoleRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleRequest {
    #[serde(default)]
    pub role: Option<String>,
}

/// `TeamDbDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamDbDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members_count: Option<i64>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub idp_group_id: Option<i64>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub idp_group_name: Option<String>,
}

/// `ListTeamResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTeamResponse {
    #[serde(default)]
    pub teams: Vec<TeamDbDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
}

/// `CreateTeamResponse` and `DescribeTeamResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamDbDto>,
}

/// `Team` (the create request's object).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `CreateTeamRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamRequest {
    #[serde(default)]
    pub team: Option<Team>,
    #[serde(default)]
    pub avatar_id: Option<String>,
    #[serde(default)]
    pub idp_group_id: Option<i64>,
}

/// `UpdateTeamRequest`: absent fields are unchanged; `idpGroupId: null` unlinks the team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTeamRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub avatar_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub idp_group_id: Option<Option<i64>>,
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `CreateTeamMemberRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamMemberRequest {
    #[serde(default)]
    pub user_name_or_email: Option<String>,
}

/// `WorkspaceParticipantResponseDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceParticipantResponseDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_role: Option<String>,
}

/// `ListWorkspacesByTeamResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWorkspacesByTeamResponse {
    #[serde(default)]
    pub workspaces: Vec<WorkspaceParticipantResponseDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
}

/// `WorkspaceDbDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceDbDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
}

/// `ListWorkspacesResponse` (no `totalSize`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListWorkspacesResponse {
    #[serde(default)]
    pub workspaces: Vec<WorkspaceDbDto>,
}

/// `Workspace`: the create request's object and the describe response's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
}

/// `CreateWorkspaceRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateWorkspaceRequest {
    #[serde(default)]
    pub workspace: Option<Workspace>,
}

/// `CreateWorkspaceResponse` and `DescribeWorkspaceResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Workspace>,
}

/// `UpdateWorkspaceRequest` (flat).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWorkspaceRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// `ParticipantResponseDto`: user fields for members and collaborators, team fields for teams.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantResponseDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsp_role: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub participant_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_avatar_url: Option<String>,
}

/// `ListParticipantsResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParticipantsResponse {
    #[serde(default)]
    pub participants: Vec<ParticipantResponseDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
}

/// `AddParticipantRequest`: exactly one of the three.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddParticipantRequest {
    #[serde(default)]
    pub member_id: Option<i64>,
    #[serde(default)]
    pub team_id: Option<i64>,
    #[serde(default)]
    pub user_name_or_email: Option<String>,
}

/// `AddParticipantResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AddParticipantResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<ParticipantResponseDto>,
}

/// `DataStudioWorkspaceSettingsResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataStudioWorkspaceSettingsResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsp_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifespan_hours: Option<i32>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub container_repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_studio_by_default: Option<bool>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub name_strategy: Option<String>,
}

/// `DataStudioWorkspaceSettingsRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataStudioWorkspaceSettingsRequest {
    #[serde(default)]
    pub lifespan_hours: Option<i32>,
    #[serde(default)]
    pub container_repository: Option<String>,
    #[serde(default)]
    pub private_studio_by_default: Option<bool>,
    #[serde(default)]
    pub name_strategy: Option<String>,
}

/// `LabelDbDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelDbDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_dynamic: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_interpolated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
}

/// `ListLabelsResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListLabelsResponse {
    #[serde(default)]
    pub labels: Vec<LabelDbDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<i64>,
}

/// `CreateLabelRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLabelRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub resource: Option<bool>,
    #[serde(default)]
    pub is_default: Option<bool>,
}

/// `CreateLabelResponse` and `UpdateLabelResponse` (the latter has no `resource`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
}

/// `UpdateLabelRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateLabelRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub is_default: Option<bool>,
}

/// `OrganizationQuotas` (the fields of CONTRACT.md section 5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationQuotas {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_members: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_workspaces: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_teams: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_participants_per_workspace: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_custom_roles_per_org: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_labels_per_workspace: Option<i64>,
}

/// `DescribeOrganizationQuotasResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DescribeOrganizationQuotasResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<OrganizationQuotas>,
}

/// `UserWorkspaceRoleDto`: one role of a user in a workspace and where it comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserWorkspaceRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `individual` or `team`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_source_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_team_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_team_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_team_type: Option<String>,
}

/// `UserWorkspaceRolesDto`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserWorkspaceRoles {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    #[serde(default)]
    pub roles: Vec<UserWorkspaceRole>,
    #[serde(default)]
    pub permissions: Vec<serde_json::Value>,
}

/// `ListUserRolesResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListUserRolesResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<MemberDbDto>,
    #[serde(default)]
    pub user_workspaces: Vec<UserWorkspaceRoles>,
}
