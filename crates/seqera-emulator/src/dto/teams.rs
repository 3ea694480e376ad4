//! Wire format of teams and their members.
//!
//! Shapes only, under the conventions stated in `dto`; this module must not hold behaviour.

use serde::{Deserialize, Serialize};

use super::present;

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

/// `CreateTeamMemberRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamMemberRequest {
    #[serde(default)]
    pub user_name_or_email: Option<String>,
}
