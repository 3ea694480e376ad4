//! Wire types of the Seqera Platform API that the client reads and sends (official spec v1.187.0,
//! docs/seqera-api.md section 7). They ignore unknown fields, accept `null` for anything optional, and keep
//! enums as strings, because the API adds fields and enum values without a major version.
//!
//! These are the client's own types: the emulator has separate ones, and both are checked against
//! the spec, so neither can drift with the other.
//!
//! Response types also serialize, under the same names, so a test can check that every field the
//! client keeps reads the recorded real value (`tests/it/client_recorded.rs`); roster never sends
//! them. This file must hold only data shapes: no calls, no logic beyond serde attributes.

use serde::{Deserialize, Serialize};

/// `DescribeUserResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeUserResponse {
    pub user: UserDto,
}

/// `UserResponseDto` (the fields roster uses).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    pub id: i64,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `ListOrganizationsResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationsResponse {
    #[serde(default)]
    pub organizations: Vec<OrganizationDbDto>,
    #[serde(default)]
    pub total_size: Option<i64>,
}

/// `OrganizationDbDto`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationDbDto {
    pub org_id: i64,
    pub name: String,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub member_id: Option<i64>,
    #[serde(default)]
    pub member_role: Option<String>,
}

/// `CreateOrganizationResponse` / `DescribeOrganizationResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OrganizationResponse {
    pub organization: OrganizationDbDto,
}

/// `Organization` as sent in `CreateOrganizationRequest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationBody {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
}

/// `CreateOrganizationRequest`.
#[derive(Debug, Clone, Serialize)]
pub struct CreateOrganizationRequest {
    pub organization: OrganizationBody,
}

/// `UpdateOrganizationRequest` (flat). roster always sends every field.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrganizationRequest {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
}

/// `ListMembersResponse` (members, collaborators and team members).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMembersResponse {
    #[serde(default)]
    pub members: Vec<MemberDbDto>,
    #[serde(default)]
    pub total_size: Option<i64>,
}

/// `MemberDbDto`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberDbDto {
    pub member_id: i64,
    #[serde(default)]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
}

/// `AddMemberRequest`.
#[derive(Debug, Clone, Serialize)]
pub struct AddMemberRequest {
    pub user: String,
}

/// `AddMemberResponse` / `AddTeamMemberResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MemberResponse {
    pub member: MemberDbDto,
}

/// `UpdateMemberRoleRequest` / `UpdateParticipantRoleRequest`.
#[derive(Debug, Clone, Serialize)]
pub struct RoleRequest {
    pub role: String,
}

/// `ServiceInfoResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfoResponse {
    pub service_info: ServiceInfo,
}

/// `ServiceInfo`: the fields roster reads.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfo {
    #[serde(default)]
    pub version: Option<String>,
    /// Whether the platform is Seqera Cloud (absent from older versions).
    #[serde(default)]
    pub seqera_cloud: Option<bool>,
}

/// `ListTeamResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTeamResponse {
    #[serde(default)]
    pub teams: Vec<TeamDbDto>,
    #[serde(default)]
    pub total_size: Option<i64>,
}

/// `TeamDbDto`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamDbDto {
    pub team_id: i64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub members_count: Option<i64>,
    #[serde(default)]
    pub idp_group_id: Option<i64>,
    #[serde(default)]
    pub idp_group_name: Option<String>,
}

/// `Team` as sent in `CreateTeamRequest`.
#[derive(Debug, Clone, Serialize)]
pub struct TeamBody {
    pub name: String,
    pub description: Option<String>,
}

/// `CreateTeamRequest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamRequest {
    pub team: TeamBody,
    /// The IdP catalogue entry the new team follows; left out for a team that follows none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_group_id: Option<i64>,
}

/// `CreateTeamResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TeamResponse {
    pub team: TeamDbDto,
}

/// `UpdateTeamRequest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTeamRequest {
    pub name: String,
    pub description: Option<String>,
    /// Left out (`None`) for a team that follows no IdP group and stays so; `Some(Some(id))`
    /// links (or keeps the link of) a team, so that an update never unlinks by omission;
    /// `Some(None)` sends `null`, which unlinks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_group_id: Option<Option<i64>>,
}

/// `IdpGroupEntry`: an entry of an organization's IdP group catalogue.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpGroupEntry {
    pub id: i64,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `SCIM` or `MANUAL` (or a value this version does not know).
    #[serde(default)]
    pub source: Option<String>,
}

/// `ListIdpGroupsResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ListIdpGroupsResponse {
    #[serde(default)]
    pub groups: Vec<IdpGroupEntry>,
}

/// `DescribeScimConfigResponse`. The masked token is not read: roster never shows a token.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimConfig {
    #[serde(default)]
    pub endpoint_url: Option<String>,
    #[serde(default)]
    pub group_count: Option<i32>,
    #[serde(default)]
    pub has_active_token: Option<bool>,
    #[serde(default)]
    pub sso_active: Option<bool>,
    #[serde(default)]
    pub token_created_at: Option<String>,
    #[serde(default)]
    pub token_last_used: Option<String>,
}

/// `CreateTeamMemberRequest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamMemberRequest {
    pub user_name_or_email: String,
}

/// `ListWorkspacesResponse` (no pagination).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ListWorkspacesResponse {
    #[serde(default)]
    pub workspaces: Vec<WorkspaceDbDto>,
}

/// `WorkspaceDbDto` / `Workspace`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceDbDto {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// `CreateWorkspaceResponse` / `DescribeWorkspaceResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WorkspaceResponse {
    pub workspace: WorkspaceDbDto,
}

/// `Workspace` as sent in `CreateWorkspaceRequest`, and `UpdateWorkspaceRequest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceBody {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub visibility: String,
}

/// `CreateWorkspaceRequest`.
#[derive(Debug, Clone, Serialize)]
pub struct CreateWorkspaceRequest {
    pub workspace: WorkspaceBody,
}

/// `ListParticipantsResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParticipantsResponse {
    #[serde(default)]
    pub participants: Vec<ParticipantResponseDto>,
    #[serde(default)]
    pub total_size: Option<i64>,
}

/// `ParticipantResponseDto`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantResponseDto {
    pub participant_id: i64,
    #[serde(default)]
    pub member_id: Option<i64>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub org_role: Option<String>,
    #[serde(default)]
    pub team_id: Option<i64>,
    #[serde(default)]
    pub team_name: Option<String>,
    #[serde(default)]
    pub wsp_role: Option<String>,
    /// `MEMBER`, `TEAM` or `COLLABORATOR`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `AddParticipantRequest`: exactly one field set.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddParticipantRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name_or_email: Option<String>,
}

/// `AddParticipantResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ParticipantResponse {
    pub participant: ParticipantResponseDto,
}

/// `DataStudioWorkspaceSettingsResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StudiosSettingsResponse {
    #[serde(default)]
    pub lifespan_hours: Option<i32>,
    #[serde(default)]
    pub container_repository: Option<String>,
    #[serde(default)]
    pub private_studio_by_default: Option<bool>,
    #[serde(default)]
    pub name_strategy: Option<String>,
}

/// `DataStudioWorkspaceSettingsRequest`: roster sends every field, current where unmanaged.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StudiosSettingsRequest {
    pub lifespan_hours: i32,
    pub container_repository: Option<String>,
    pub private_studio_by_default: bool,
    pub name_strategy: Option<String>,
}

/// `ListLabelsResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListLabelsResponse {
    #[serde(default)]
    pub labels: Vec<LabelDbDto>,
    #[serde(default)]
    pub total_size: Option<i64>,
}

/// `LabelDbDto` / `CreateLabelResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelDbDto {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub resource: Option<bool>,
}

/// `CreateLabelRequest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLabelRequest {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub resource: bool,
}

/// `OrganizationQuotas` (the one roster reads).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationQuotas {
    #[serde(default)]
    pub max_custom_roles_per_org: Option<i64>,
}

/// `DescribeOrganizationQuotasResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DescribeOrganizationQuotasResponse {
    #[serde(default)]
    pub quotas: Option<OrganizationQuotas>,
}

/// `ListRolesResponse.RoleInfo`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleInfo {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_predefined: Option<bool>,
}

/// `ListRolesResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRolesResponse {
    #[serde(default)]
    pub roles: Vec<RoleInfo>,
    #[serde(default)]
    pub total_size: Option<i64>,
}

/// `RoleDto`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleDto {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_predefined: Option<bool>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// `DescribeRoleResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DescribeRoleResponse {
    pub role: RoleDto,
}

/// `CreateRoleRequest` and `UpdateRoleRequest`: roster sends every field.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleBody {
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// `CreateRoleResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRoleResponse {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// `RolePermissionResponseDto`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolePermission {
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
}

/// `ListRolePermissionsResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ListRolePermissionsResponse {
    #[serde(default)]
    pub permissions: Vec<RolePermission>,
}

/// `ErrorResponse`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ErrorResponse {
    #[serde(default)]
    pub message: Option<String>,
}
