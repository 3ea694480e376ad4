//! The BSSH v2 wire format the emulator answers with, named after the swagger's definitions
//! (`V2User`, `V2Workgroup`, `V2WorkgroupList`, `V2UserSubscription`, `V2Error`), with the
//! fields the emulator fills. Field names are the API's PascalCase; an unset optional field is
//! omitted (Swagger 2.0 has no `nullable`), so every answer is valid against the swagger.

use serde::{Deserialize, Serialize};

/// `V2User`: the current user (or, in a workgroup context, the workgroup as a user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct V2User {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_workgroup: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logged_in_user: Option<LoggedInUser>,
}

/// `LoggedInUser`: the person behind a workgroup-context token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggedInUser {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `V2Workgroup`: a workgroup's metadata (it has no members, admins or access fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct V2Workgroup {
    pub id: String,
    pub external_provider_id: String,
    pub name: String,
    pub domain_name: String,
    pub is_collaborative: bool,
    pub subscription: V2UserSubscription,
    pub display_name: String,
}

/// `V2UserSubscription`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct V2UserSubscription {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// `V2WorkgroupList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct V2WorkgroupList {
    pub items: Vec<V2Workgroup>,
    pub paging: V2Paging,
}

/// `V2WorkgroupSortFieldsV2Paging`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct V2Paging {
    pub displayed_count: i32,
    pub total_count: i32,
    pub offset: i32,
    pub limit: i32,
    pub sort_dir: String,
    pub sort_by: String,
}

/// `V2Error`. The swagger marks all four fields required and gives `AdditionalData` the shape
/// of a serialized .NET `IDictionary`; the emulator sends an empty one of that shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct V2Error {
    pub error_code: String,
    pub error_message: String,
    pub request_id: String,
    pub additional_data: serde_json::Value,
}

impl V2Error {
    pub fn new(code: &str, message: impl Into<String>, request_id: u64) -> V2Error {
        let empty = serde_json::json!({"Count": 0, "SyncRoot": {}, "IsSynchronized": false});
        V2Error {
            error_code: code.to_string(),
            error_message: message.into(),
            request_id: format!("emulator-{request_id}"),
            additional_data: serde_json::json!({
                "Item": {},
                "Keys": empty,
                "Values": empty,
                "IsReadOnly": true,
                "IsFixedSize": true,
            }),
        }
    }
}
