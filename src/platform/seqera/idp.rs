//! An organization's IdP group catalogue and its SCIM configuration (docs/seqera-api.md §6.4):
//! read-only. Both answer 404 when the organization has no IdP group mapping (a Cloud Pro
//! organization without single sign-on, or a Basic one): the calls return `None` then.
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use super::dto::*;
use super::error::ApiError;
use super::transport::Client;

/// `None` for a 404 (the feature is off), the value otherwise.
fn off_is_none<T>(r: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

impl Client {
    /// operationId `ListOrganizationIdpGroups` (unpaged); `None` when the feature is off.
    pub async fn list_idp_groups(
        &self,
        org_id: i64,
    ) -> Result<Option<Vec<IdpGroupEntry>>, ApiError> {
        let r: Result<ListIdpGroupsResponse, ApiError> = self
            .get(
                "ListOrganizationIdpGroups",
                &format!("/orgs/{org_id}/idp-groups"),
                &[],
            )
            .await;
        off_is_none(r.map(|r| r.groups))
    }

    /// operationId `DescribeOrganizationScimConfig`; `None` when the feature is off.
    pub async fn scim_config(&self, org_id: i64) -> Result<Option<ScimConfig>, ApiError> {
        off_is_none(
            self.get(
                "DescribeOrganizationScimConfig",
                &format!("/orgs/{org_id}/scim/config"),
                &[],
            )
            .await,
        )
    }
}
