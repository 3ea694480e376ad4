//! Workspaces, their Studios settings and their labels (docs/seqera-api.md section 6.5).
//!
//! Like every area file it only names paths, bodies and the call kind of each operation; it must
//! not send, pace, retry or cancel by itself (`transport.rs` does).

use reqwest::Method;

use super::dto::*;
use super::error::ApiError;
use super::retry::CallKind;
use super::transport::{Client, gone_is_ok};

impl Client {
    /// operationId `ListWorkspaces` (not paginated).
    pub async fn list_workspaces(&self, org_id: i64) -> Result<Vec<WorkspaceDbDto>, ApiError> {
        let r: ListWorkspacesResponse = self
            .get("ListWorkspaces", &format!("/orgs/{org_id}/workspaces"), &[])
            .await?;
        Ok(r.workspaces)
    }

    /// operationId `CreateWorkspace`.
    pub async fn create_workspace(
        &self,
        org_id: i64,
        body: &WorkspaceBody,
    ) -> Result<WorkspaceDbDto, ApiError> {
        let path = format!("/orgs/{org_id}/workspaces");
        let req = CreateWorkspaceRequest {
            workspace: body.clone(),
        };
        let r: WorkspaceResponse = self
            .send(
                "CreateWorkspace",
                Method::POST,
                &path,
                Some(&req),
                CallKind::Create,
            )
            .await?
            .decode("CreateWorkspace", &path)?;
        Ok(r.workspace)
    }

    /// operationId `UpdateWorkspace`: answers 200 with the workspace.
    pub async fn update_workspace(
        &self,
        org_id: i64,
        workspace_id: i64,
        body: &WorkspaceBody,
    ) -> Result<(), ApiError> {
        self.send(
            "UpdateWorkspace",
            Method::PUT,
            &format!("/orgs/{org_id}/workspaces/{workspace_id}"),
            Some(body),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `DeleteWorkspace`. A workspace already gone counts as deleted.
    pub async fn delete_workspace(&self, org_id: i64, workspace_id: i64) -> Result<(), ApiError> {
        gone_is_ok(
            self.send::<()>(
                "DeleteWorkspace",
                Method::DELETE,
                &format!("/orgs/{org_id}/workspaces/{workspace_id}"),
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }

    /// operationId `FindDataStudiosWorkspaceSettings`.
    pub async fn studios_settings(
        &self,
        org_id: i64,
        workspace_id: i64,
    ) -> Result<StudiosSettingsResponse, ApiError> {
        self.get(
            "FindDataStudiosWorkspaceSettings",
            &format!("/orgs/{org_id}/workspaces/{workspace_id}/settings/studios"),
            &[],
        )
        .await
    }

    /// operationId `UpdateDataStudiosWorkspaceSettings`.
    pub async fn set_studios_settings(
        &self,
        org_id: i64,
        workspace_id: i64,
        body: &StudiosSettingsRequest,
    ) -> Result<(), ApiError> {
        self.send(
            "UpdateDataStudiosWorkspaceSettings",
            Method::PUT,
            &format!("/orgs/{org_id}/workspaces/{workspace_id}/settings/studios"),
            Some(body),
            CallKind::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `ListLabels`, for one workspace.
    pub async fn list_labels(&self, workspace_id: i64) -> Result<Vec<LabelDbDto>, ApiError> {
        // The workspace is a query parameter: list_all adds max and offset after it.
        self.list_all(
            "ListLabels",
            "/labels",
            &[("workspaceId", workspace_id.to_string())],
            |r: ListLabelsResponse| (r.labels, r.total_size),
        )
        .await
    }

    /// operationId `CreateLabel`: creates a label, or returns the existing one of that name/value.
    pub async fn create_label(
        &self,
        workspace_id: i64,
        body: &CreateLabelRequest,
    ) -> Result<LabelDbDto, ApiError> {
        let path = "/labels";
        let b = self
            .call(
                "CreateLabel",
                Method::POST,
                path,
                &[("workspaceId", workspace_id.to_string())],
                Some(body),
                // Idempotent by the spec's own words ("creates a new label or returns an existing").
                CallKind::Idempotent,
            )
            .await?;
        b.decode("CreateLabel", path)
    }

    /// operationId `DeleteLabel`. A label already gone counts as deleted.
    pub async fn delete_label(&self, workspace_id: i64, label_id: i64) -> Result<(), ApiError> {
        gone_is_ok(
            self.call::<()>(
                "DeleteLabel",
                Method::DELETE,
                &format!("/labels/{label_id}"),
                &[("workspaceId", workspace_id.to_string())],
                None,
                CallKind::Idempotent,
            )
            .await,
        )
    }
}
