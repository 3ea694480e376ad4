//! Wire format of an organization's IdP group catalogue and its SCIM configuration
//! (`ListOrganizationIdpGroups`, `CreateOrganizationIdpGroup`, `DescribeOrganizationScimConfig`).
//!
//! Shapes only, under the conventions stated in `dto`; this module must not hold behaviour.

use serde::{Deserialize, Serialize};

/// `IdpGroupEntry`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpGroupEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `OrgIdpGroupSource`: `SCIM` or `MANUAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `ListIdpGroupsResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListIdpGroupsResponse {
    #[serde(default)]
    pub groups: Vec<IdpGroupEntry>,
}

/// `CreateIdpGroupRequest`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIdpGroupRequest {
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `DescribeScimConfigResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeScimConfigResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_active_token: Option<bool>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub masked_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_active: Option<bool>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub token_created_at: Option<String>,
    /// Nullable in the spec: always sent.
    #[serde(default)]
    pub token_last_used: Option<String>,
}
