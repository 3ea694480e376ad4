//! The BSSH v2 wire types the client reads, named after the swagger's definitions
//! (tests/fixtures/basespace-api/bssh-v2-swagger.json), with only the fields roster uses. Every
//! field is optional on input and unknown fields are ignored, as real answers carry many more
//! (`HrefRuns`, `GravatarUrl`, `StorageStatistics`…) and may leave some out; on output an unset
//! field is omitted (so a DTO read from a recording serializes back to a subset of it).

use serde::{Deserialize, Serialize};

/// `V2User`: `GET /v2/users/current`. In a workgroup context (`IsWorkgroup`) the current user is
/// the workgroup, and `LoggedInUser` the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct V2User {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_workgroup: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logged_in_user: Option<LoggedInUser>,
}

/// `LoggedInUser`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LoggedInUser {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `V2Workgroup`: a workgroup's metadata. It has no members: the API offers none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct V2Workgroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_collaborative: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<V2UserSubscription>,
}

/// `V2UserSubscription`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct V2UserSubscription {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// `V2WorkgroupList`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct V2WorkgroupList {
    pub items: Vec<V2Workgroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paging: Option<V2Paging>,
}

/// `V2WorkgroupSortFieldsV2Paging`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct V2Paging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displayed_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// `V2Error`: only the code and the message are read (`AdditionalData` is a serialized .NET
/// dictionary in the swagger, and its content is not documented).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct V2Error {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}
