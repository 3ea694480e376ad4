//! Organizations, their members and collaborators (docs/seqera-api.md sections 6.2 and 6.3).
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use reqwest::Method;

use super::dto::*;
use super::error::ApiError;
use super::retry::CallKind;
use super::transport::{Client, gone_is_ok};

impl Client {
    /// operationId `ListOrganizations`: `GET /orgs` (not paginated).
    pub async fn list_orgs(&self) -> Result<Vec<OrganizationDbDto>, ApiError> {
        let r: ListOrganizationsResponse = self.get("ListOrganizations", "/orgs", &[]).await?;
        Ok(r.organizations)
    }

    /// operationId `CreateOrganization`: `POST /orgs`.
    pub async fn create_org(&self, body: &OrganizationBody) -> Result<OrganizationDbDto, ApiError> {
        let req = CreateOrganizationRequest {
            organization: body.clone(),
        };
        let path = "/orgs";
        let r: OrganizationResponse = self
            .send(
                "CreateOrganization",
                Method::POST,
                path,
                Some(&req),
                CallKind::Create,
            )
            .await?
            .decode("CreateOrganization", path)?;
        Ok(r.organization)
    }

    /// operationId `UpdateOrganization`: `PUT /orgs/{orgId}` with every field.
    pub async fn update_org(
        &self,
        org_id: i64,
        body: &UpdateOrganizationRequest,
    ) -> Result<(), ApiError> {
        self.send(
            "UpdateOrganization",
            Method::PUT,
            &format!("/orgs/{org_id}"),
            Some(body),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    // --- 6.3 Members and collaborators -----------------------------------------------------

    /// operationId `ListOrganizationMembers`.
    pub async fn list_members(&self, org_id: i64) -> Result<Vec<MemberDbDto>, ApiError> {
        self.list_all(
            "ListOrganizationMembers",
            &format!("/orgs/{org_id}/members"),
            &[],
            |r: ListMembersResponse| (r.members, r.total_size),
        )
        .await
    }

    /// operationId `ListOrganizationMembers`, one page from `offset`: the members and the
    /// `totalSize` the platform reports.
    pub async fn list_members_page(
        &self,
        org_id: i64,
        offset: usize,
    ) -> Result<(Vec<MemberDbDto>, Option<i64>), ApiError> {
        self.list_page(
            "ListOrganizationMembers",
            &format!("/orgs/{org_id}/members"),
            &[],
            offset,
            |r: ListMembersResponse| (r.members, r.total_size),
        )
        .await
    }

    /// operationId `ListOrganizationMembers` with `search=TEXT`: the members whose fields the
    /// platform matches against `text`. How the platform matches is not specified
    /// (docs/seqera-api.md section 3), so callers match exactly themselves and must not treat an
    /// empty answer as proof of absence. Read page after page (a search's `totalSize` may count
    /// the whole collection), stopping at a short page.
    pub async fn search_members(
        &self,
        org_id: i64,
        text: &str,
    ) -> Result<Vec<MemberDbDto>, ApiError> {
        let path = format!("/orgs/{org_id}/members");
        let query = [("search", text.to_string())];
        let mut out = Vec::new();
        loop {
            let (items, _) = self
                .list_page(
                    "ListOrganizationMembers",
                    &path,
                    &query,
                    out.len(),
                    |r: ListMembersResponse| (r.members, r.total_size),
                )
                .await?;
            let n = items.len();
            out.extend(items);
            if n < super::PAGE_SIZE {
                return Ok(out);
            }
        }
    }

    /// operationId `ListOrganizationCollaborators`.
    pub async fn list_collaborators(&self, org_id: i64) -> Result<Vec<MemberDbDto>, ApiError> {
        self.list_all(
            "ListOrganizationCollaborators",
            &format!("/orgs/{org_id}/collaborators"),
            &[],
            |r: ListMembersResponse| (r.members, r.total_size),
        )
        .await
    }

    /// operationId `CreateOrganizationMember`: `PUT /orgs/{orgId}/members/add`.
    pub async fn add_member(&self, org_id: i64, user: &str) -> Result<MemberDbDto, ApiError> {
        let path = format!("/orgs/{org_id}/members/add");
        let req = AddMemberRequest {
            user: user.to_string(),
        };
        let r: MemberResponse = self
            .send(
                "CreateOrganizationMember",
                Method::PUT,
                &path,
                Some(&req),
                CallKind::Create,
            )
            .await?
            .decode("CreateOrganizationMember", &path)?;
        Ok(r.member)
    }

    /// operationId `UpdateOrganizationMemberRole`.
    pub async fn set_member_role(
        &self,
        org_id: i64,
        member_id: i64,
        role: &str,
    ) -> Result<(), ApiError> {
        let req = RoleRequest {
            role: role.to_string(),
        };
        self.send(
            "UpdateOrganizationMemberRole",
            Method::PUT,
            &format!("/orgs/{org_id}/members/{member_id}/role"),
            Some(&req),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `DeleteOrganizationMember`. A member already gone counts as removed.
    pub async fn remove_member(&self, org_id: i64, member_id: i64) -> Result<(), ApiError> {
        gone_is_ok(
            self.send::<()>(
                "DeleteOrganizationMember",
                Method::DELETE,
                &format!("/orgs/{org_id}/members/{member_id}"),
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }
}
