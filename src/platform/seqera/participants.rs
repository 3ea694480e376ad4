//! Participants of a workspace (docs/seqera-api.md section 6.6): members, teams and collaborators.
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use reqwest::Method;

use super::dto::*;
use super::error::ApiError;
use super::retry::CallKind;
use super::transport::{Client, gone_is_ok};

impl Client {
    /// operationId `ListWorkspaceParticipants`.
    pub async fn list_participants(
        &self,
        org_id: i64,
        workspace_id: i64,
    ) -> Result<Vec<ParticipantResponseDto>, ApiError> {
        self.list_all(
            "ListWorkspaceParticipants",
            &format!("/orgs/{org_id}/workspaces/{workspace_id}/participants"),
            &[],
            |r: ListParticipantsResponse| (r.participants, r.total_size),
        )
        .await
    }

    /// operationId `CreateWorkspaceParticipant`: `PUT …/participants/add` with one of memberId,
    /// teamId or userNameOrEmail.
    pub async fn add_participant(
        &self,
        org_id: i64,
        workspace_id: i64,
        req: &AddParticipantRequest,
    ) -> Result<ParticipantResponseDto, ApiError> {
        let path = format!("/orgs/{org_id}/workspaces/{workspace_id}/participants/add");
        let r: ParticipantResponse = self
            .send(
                "CreateWorkspaceParticipant",
                Method::PUT,
                &path,
                Some(req),
                CallKind::Create,
            )
            .await?
            .decode("CreateWorkspaceParticipant", &path)?;
        Ok(r.participant)
    }

    /// operationId `LeaveWorkspaceParticipant`: the caller leaves the workspace.
    pub async fn leave_workspace(&self, org_id: i64, workspace_id: i64) -> Result<(), ApiError> {
        gone_is_ok(
            self.send::<()>(
                "LeaveWorkspaceParticipant",
                Method::DELETE,
                &format!("/orgs/{org_id}/workspaces/{workspace_id}/participants"),
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }

    /// operationId `UpdateWorkspaceParticipantRole`.
    pub async fn set_participant_role(
        &self,
        org_id: i64,
        workspace_id: i64,
        participant_id: i64,
        role: &str,
    ) -> Result<(), ApiError> {
        let req = RoleRequest {
            role: role.to_string(),
        };
        self.send(
            "UpdateWorkspaceParticipantRole",
            Method::PUT,
            &format!("/orgs/{org_id}/workspaces/{workspace_id}/participants/{participant_id}/role"),
            Some(&req),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `DeleteWorkspaceParticipant`. A participant already gone counts as removed.
    pub async fn remove_participant(
        &self,
        org_id: i64,
        workspace_id: i64,
        participant_id: i64,
    ) -> Result<(), ApiError> {
        gone_is_ok(
            self.send::<()>(
                "DeleteWorkspaceParticipant",
                Method::DELETE,
                &format!("/orgs/{org_id}/workspaces/{workspace_id}/participants/{participant_id}"),
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }
}
