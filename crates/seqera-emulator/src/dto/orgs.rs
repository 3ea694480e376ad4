//! Wire format of the current user and discovery, organizations, their members and
//! collaborators, quotas and a user's roles (docs/seqera-api.md sections 6.1 to 6.3).
//!
//! Shapes only, under the conventions stated in `dto`; this module must not hold behaviour.

use serde::{Deserialize, Serialize};

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

/// `OrganizationQuotas` (the fields of docs/seqera-api.md section 5).
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
