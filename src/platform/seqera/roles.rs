//! Custom workspace roles of an organization, scoped by the `orgId` query parameter
//! (docs/seqera-api.md section 6.7), and the organization's quotas.
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use reqwest::Method;

use super::dto::*;
use super::error::ApiError;
use super::retry::CallKind;
use super::transport::{Client, gone_is_ok};

/// A role name as one path segment: everything but unreserved characters percent-encoded.
fn segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Client {
    /// operationId `ListRoles` with `type=custom`: the organization's custom roles (names and
    /// descriptions; their permissions need `DescribeRole`).
    pub async fn list_custom_roles(&self, org_id: i64) -> Result<Vec<RoleInfo>, ApiError> {
        let roles: Vec<RoleInfo> = self
            .list_all(
                "ListRoles",
                "/roles",
                &[
                    ("orgId", org_id.to_string()),
                    ("type", "custom".to_string()),
                ],
                |r: ListRolesResponse| (r.roles, r.total_size),
            )
            .await?;
        // The filter is the server's; a predefined role is never the config's to manage.
        Ok(roles
            .into_iter()
            .filter(|r| r.is_predefined != Some(true))
            .collect())
    }

    /// operationId `DescribeRole`: one role with its permissions.
    pub async fn describe_role(&self, org_id: i64, name: &str) -> Result<RoleDto, ApiError> {
        let r: DescribeRoleResponse = self
            .get(
                "DescribeRole",
                &format!("/roles/{}", segment(name)),
                &[("orgId", org_id.to_string())],
            )
            .await?;
        Ok(r.role)
    }

    /// operationId `CreateRole`: answers 201 with the role.
    pub async fn create_role(
        &self,
        org_id: i64,
        body: &RoleBody,
    ) -> Result<CreateRoleResponse, ApiError> {
        let path = "/roles";
        self.call(
            "CreateRole",
            Method::POST,
            path,
            &[("orgId", org_id.to_string())],
            Some(body),
            CallKind::Create,
        )
        .await?
        .decode("CreateRole", path)
    }

    /// operationId `UpdateRole`: changes the role `name` in place (a new `body.name` renames
    /// it, and whoever holds it keeps it). Answers 204.
    pub async fn update_role(
        &self,
        org_id: i64,
        name: &str,
        body: &RoleBody,
    ) -> Result<(), ApiError> {
        self.call(
            "UpdateRole",
            Method::PUT,
            &format!("/roles/{}", segment(name)),
            &[("orgId", org_id.to_string())],
            Some(body),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `DeleteRole`. A role already gone counts as deleted.
    pub async fn delete_role(&self, org_id: i64, name: &str) -> Result<(), ApiError> {
        gone_is_ok(
            self.call::<()>(
                "DeleteRole",
                Method::DELETE,
                &format!("/roles/{}", segment(name)),
                &[("orgId", org_id.to_string())],
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }

    /// operationId `ListRolePermissions`: the permission names custom roles may grant.
    pub async fn list_role_permissions(&self, org_id: i64) -> Result<Vec<String>, ApiError> {
        let r: ListRolePermissionsResponse = self
            .get(
                "ListRolePermissions",
                "/roles/permissions",
                &[("orgId", org_id.to_string())],
            )
            .await?;
        Ok(r.permissions.into_iter().map(|p| p.name).collect())
    }

    /// operationId `DescribeOrganizationQuotas`.
    pub async fn quotas(&self, org_id: i64) -> Result<OrganizationQuotas, ApiError> {
        let r: DescribeOrganizationQuotasResponse = self
            .get(
                "DescribeOrganizationQuotas",
                &format!("/orgs/{org_id}/quotas"),
                &[],
            )
            .await?;
        Ok(r.quotas.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn role_names_are_one_path_segment() {
        assert_eq!(super::segment("pipeline-runner_2"), "pipeline-runner_2");
        assert_eq!(super::segment("a b/c?"), "a%20b%2Fc%3F");
        assert_eq!(super::segment("é"), "%C3%A9");
    }
}
