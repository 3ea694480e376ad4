//! Teams of an organization and their members (docs/seqera-api.md section 6.4).
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use reqwest::Method;

use super::dto::*;
use super::error::ApiError;
use super::retry::CallKind;
use super::transport::{Client, gone_is_ok};

impl Client {
    /// operationId `ListOrganizationTeams`.
    pub async fn list_teams(&self, org_id: i64) -> Result<Vec<TeamDbDto>, ApiError> {
        self.list_all(
            "ListOrganizationTeams",
            &format!("/orgs/{org_id}/teams"),
            &[],
            |r: ListTeamResponse| (r.teams, r.total_size),
        )
        .await
    }

    /// operationId `CreateOrganizationTeam`, linked to the IdP catalogue entry `idp_group_id`
    /// when one is given.
    pub async fn create_team(
        &self,
        org_id: i64,
        name: &str,
        description: Option<&str>,
        idp_group_id: Option<i64>,
    ) -> Result<TeamDbDto, ApiError> {
        let path = format!("/orgs/{org_id}/teams");
        let req = CreateTeamRequest {
            team: TeamBody {
                name: name.to_string(),
                description: description.map(str::to_string),
            },
            idp_group_id,
        };
        let r: TeamResponse = self
            .send(
                "CreateOrganizationTeam",
                Method::POST,
                &path,
                Some(&req),
                CallKind::Create,
            )
            .await?
            .decode("CreateOrganizationTeam", &path)?;
        Ok(r.team)
    }

    /// operationId `UpdateOrganizationTeam`.
    pub async fn update_team(
        &self,
        org_id: i64,
        team_id: i64,
        body: &UpdateTeamRequest,
    ) -> Result<(), ApiError> {
        self.send(
            "UpdateOrganizationTeam",
            Method::PUT,
            &format!("/orgs/{org_id}/teams/{team_id}"),
            Some(body),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `DeleteOrganizationTeam`. A team already gone counts as deleted.
    pub async fn delete_team(&self, org_id: i64, team_id: i64) -> Result<(), ApiError> {
        gone_is_ok(
            self.send::<()>(
                "DeleteOrganizationTeam",
                Method::DELETE,
                &format!("/orgs/{org_id}/teams/{team_id}"),
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }

    /// operationId `ListOrganizationTeamMembers`.
    pub async fn list_team_members(
        &self,
        org_id: i64,
        team_id: i64,
    ) -> Result<Vec<MemberDbDto>, ApiError> {
        self.list_all(
            "ListOrganizationTeamMembers",
            &format!("/orgs/{org_id}/teams/{team_id}/members"),
            &[],
            |r: ListMembersResponse| (r.members, r.total_size),
        )
        .await
    }

    /// operationId `CreateOrganizationTeamMember`: `POST /orgs/{orgId}/teams/{teamId}/members`.
    pub async fn add_team_member(
        &self,
        org_id: i64,
        team_id: i64,
        user: &str,
    ) -> Result<MemberDbDto, ApiError> {
        let path = format!("/orgs/{org_id}/teams/{team_id}/members");
        let req = CreateTeamMemberRequest {
            user_name_or_email: user.to_string(),
        };
        let r: MemberResponse = self
            .send(
                "CreateOrganizationTeamMember",
                Method::POST,
                &path,
                Some(&req),
                CallKind::Create,
            )
            .await?
            .decode("CreateOrganizationTeamMember", &path)?;
        Ok(r.member)
    }

    /// operationId `DeleteOrganizationTeamMember`: note the trailing `/delete`.
    pub async fn remove_team_member(
        &self,
        org_id: i64,
        team_id: i64,
        member_id: i64,
    ) -> Result<(), ApiError> {
        gone_is_ok(
            self.send::<()>(
                "DeleteOrganizationTeamMember",
                Method::DELETE,
                &format!("/orgs/{org_id}/teams/{team_id}/members/{member_id}/delete"),
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }
}
