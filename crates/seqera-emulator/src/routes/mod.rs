//! The HTTP surface: the operation table (method, path, operationId of the official spec), the
//! router, the middleware that applies the fault knobs, authentication, statistics and state
//! persistence to every Seqera API route, and the `/_emulator/*` routes. The handlers, one per
//! operation, are in `handlers`.
//!
//! Handlers are thin: extract, lock the store, call one [`super::rules`] method, answer. This
//! module must not decide the platform's rules.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};

mod handlers;

use handlers::*;

use super::App;
use super::faults::Fault;
use super::http::ApiError;
use super::store::Id;

/// Every Seqera API route the emulator serves: method, path template (as in the spec) and the
/// spec's operationId, which keys `/_emulator/stats`.
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("GET", "/service-info", "Info"),
    ("GET", "/user-info", "UserInfo"),
    ("GET", "/users/{userId}", "DescribeUser"),
    ("GET", "/user/{userId}/workspaces", "ListWorkspacesUser"),
    ("GET", "/orgs", "ListOrganizations"),
    ("POST", "/orgs", "CreateOrganization"),
    ("GET", "/orgs/validate", "ValidateOrganizationName"),
    ("GET", "/orgs/{orgId}", "DescribeOrganization"),
    ("PUT", "/orgs/{orgId}", "UpdateOrganization"),
    ("DELETE", "/orgs/{orgId}", "DeleteOrganization"),
    ("GET", "/orgs/{orgId}/quotas", "DescribeOrganizationQuotas"),
    (
        "GET",
        "/orgs/{orgId}/users/{userId}/roles",
        "ListUserRolesInOrganization",
    ),
    ("GET", "/orgs/{orgId}/members", "ListOrganizationMembers"),
    (
        "PUT",
        "/orgs/{orgId}/members/add",
        "CreateOrganizationMember",
    ),
    (
        "PUT",
        "/orgs/{orgId}/members/{memberId}/role",
        "UpdateOrganizationMemberRole",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/members/{memberId}",
        "DeleteOrganizationMember",
    ),
    ("DELETE", "/orgs/{orgId}/members/leave", "LeaveOrganization"),
    (
        "GET",
        "/orgs/{orgId}/collaborators",
        "ListOrganizationCollaborators",
    ),
    (
        "GET",
        "/orgs/{orgId}/idp-groups",
        "ListOrganizationIdpGroups",
    ),
    (
        "POST",
        "/orgs/{orgId}/idp-groups",
        "CreateOrganizationIdpGroup",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/idp-groups/{groupId}",
        "DeleteOrganizationIdpGroup",
    ),
    (
        "GET",
        "/orgs/{orgId}/scim/config",
        "DescribeOrganizationScimConfig",
    ),
    ("GET", "/orgs/{orgId}/teams", "ListOrganizationTeams"),
    ("POST", "/orgs/{orgId}/teams", "CreateOrganizationTeam"),
    ("GET", "/orgs/{orgId}/teams/validate", "ValidateTeamName"),
    (
        "GET",
        "/orgs/{orgId}/teams/{teamId}",
        "DescribeOrganizationTeam",
    ),
    (
        "PUT",
        "/orgs/{orgId}/teams/{teamId}",
        "UpdateOrganizationTeam",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/teams/{teamId}",
        "DeleteOrganizationTeam",
    ),
    (
        "GET",
        "/orgs/{orgId}/teams/{teamId}/members",
        "ListOrganizationTeamMembers",
    ),
    (
        "POST",
        "/orgs/{orgId}/teams/{teamId}/members",
        "CreateOrganizationTeamMember",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/teams/{teamId}/members/{memberId}/delete",
        "DeleteOrganizationTeamMember",
    ),
    (
        "GET",
        "/orgs/{orgId}/teams/{teamId}/workspaces",
        "ListWorkspacesByTeam",
    ),
    ("GET", "/orgs/{orgId}/workspaces", "ListWorkspaces"),
    ("POST", "/orgs/{orgId}/workspaces", "CreateWorkspace"),
    (
        "GET",
        "/orgs/{orgId}/workspaces/validate",
        "ValidateWorkspaceName",
    ),
    (
        "GET",
        "/orgs/{orgId}/workspaces/{workspaceId}",
        "DescribeWorkspace",
    ),
    (
        "PUT",
        "/orgs/{orgId}/workspaces/{workspaceId}",
        "UpdateWorkspace",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/workspaces/{workspaceId}",
        "DeleteWorkspace",
    ),
    (
        "GET",
        "/orgs/{orgId}/workspaces/{workspaceId}/settings/studios",
        "FindDataStudiosWorkspaceSettings",
    ),
    (
        "PUT",
        "/orgs/{orgId}/workspaces/{workspaceId}/settings/studios",
        "UpdateDataStudiosWorkspaceSettings",
    ),
    (
        "GET",
        "/orgs/{orgId}/workspaces/{workspaceId}/participants",
        "ListWorkspaceParticipants",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/workspaces/{workspaceId}/participants",
        "LeaveWorkspaceParticipant",
    ),
    (
        "PUT",
        "/orgs/{orgId}/workspaces/{workspaceId}/participants/add",
        "CreateWorkspaceParticipant",
    ),
    (
        "PUT",
        "/orgs/{orgId}/workspaces/{workspaceId}/participants/{participantId}/role",
        "UpdateWorkspaceParticipantRole",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/workspaces/{workspaceId}/participants/{participantId}",
        "DeleteWorkspaceParticipant",
    ),
    (
        "DELETE",
        "/orgs/{orgId}/workspaces/{workspaceId}/users/{userId}",
        "DeleteWorkspaceUser",
    ),
    ("GET", "/labels", "ListLabels"),
    ("POST", "/labels", "CreateLabel"),
    ("PUT", "/labels/{labelId}", "UpdateLabel"),
    ("DELETE", "/labels/{labelId}", "DeleteLabel"),
    ("GET", "/roles", "ListRoles"),
    ("POST", "/roles", "CreateRole"),
    ("GET", "/roles/permissions", "ListRolePermissions"),
    ("GET", "/roles/validate", "ValidateRoleName"),
    ("GET", "/roles/{roleName}", "DescribeRole"),
    ("PUT", "/roles/{roleName}", "UpdateRole"),
    ("DELETE", "/roles/{roleName}", "DeleteRole"),
];

/// The operationId of a matched route.
fn operation_id(method: &Method, path: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|(m, p, _)| *p == path && method.as_str() == *m)
        .map(|(_, _, op)| *op)
}

/// Counted for requests that match no route.
const UNMATCHED: &str = "unmatched";

type Shared = Arc<App>;

/// The authenticated user, put in the request by the middleware.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller(pub Id);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .copied()
            .ok_or(ApiError::Unauthorized)
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Rate limit, faults, authentication, persistence, latency and statistics, in that order,
/// around every Seqera API route.
async fn api_layer(State(app): State<Shared>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let op = req
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| operation_id(&method, p.as_str()))
        .unwrap_or(UNMATCHED);
    let is_write = !matches!(method, Method::GET | Method::HEAD);
    let token = bearer(req.headers()).map(str::to_owned);
    let mut wrote = false;
    let resp = if !app.limiter.admit(token.as_deref().unwrap_or("")) {
        ApiError::TooManyRequests.into_response()
    } else {
        match app.faults.decide(is_write) {
            Fault::Before => ApiError::Unavailable.into_response(),
            fault => {
                let caller = token.as_deref().and_then(|t| app.lock().caller_by_token(t));
                let mut resp = match caller {
                    Some(c) => {
                        req.extensions_mut().insert(Caller(c));
                        next.run(req).await
                    }
                    None if op == "Info" => next.run(req).await,
                    None => ApiError::Unauthorized.into_response(),
                };
                if is_write && resp.status().is_success() {
                    wrote = true;
                    if let Err(e) = app.persist().await {
                        tracing::error!("cannot write the state file: {e}");
                        resp = ApiError::Internal(format!("Cannot write the state file: {e}"))
                            .into_response();
                    }
                }
                if fault == Fault::After {
                    ApiError::Unavailable.into_response()
                } else {
                    resp
                }
            }
        }
    };
    if app.opts.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(app.opts.latency_ms)).await;
    }
    app.record(op, resp.status().as_u16(), wrote);
    resp
}

async fn unmatched(State(app): State<Shared>) -> Response {
    app.record(UNMATCHED, 404, false);
    ApiError::NotFound("Not found".into()).into_response()
}

/// The whole router: the Seqera API at the root, `/_emulator/*` beside it.
pub(crate) fn router(app: Shared) -> Router {
    let api = Router::new()
        .route("/service-info", get(service_info))
        .route("/user-info", get(user_info))
        .route("/users/{userId}", get(describe_user))
        .route("/user/{userId}/workspaces", get(list_workspaces_user))
        .route("/orgs", get(list_orgs).post(create_org))
        .route("/orgs/validate", get(validate_org_name))
        .route(
            "/orgs/{orgId}",
            get(describe_org).put(update_org).delete(delete_org),
        )
        .route("/orgs/{orgId}/quotas", get(quotas))
        .route("/orgs/{orgId}/users/{userId}/roles", get(user_roles))
        .route("/orgs/{orgId}/members", get(list_members))
        .route("/orgs/{orgId}/members/add", put(add_member))
        .route("/orgs/{orgId}/members/leave", delete(leave_org))
        .route("/orgs/{orgId}/members/{memberId}", delete(delete_member))
        .route(
            "/orgs/{orgId}/members/{memberId}/role",
            put(update_member_role),
        )
        .route("/orgs/{orgId}/collaborators", get(list_collaborators))
        .route(
            "/orgs/{orgId}/idp-groups",
            get(list_idp_groups).post(create_idp_group),
        )
        .route(
            "/orgs/{orgId}/idp-groups/{groupId}",
            delete(delete_idp_group),
        )
        .route("/orgs/{orgId}/scim/config", get(scim_config))
        .route("/orgs/{orgId}/teams", get(list_teams).post(create_team))
        .route("/orgs/{orgId}/teams/validate", get(validate_team_name))
        .route(
            "/orgs/{orgId}/teams/{teamId}",
            get(describe_team).put(update_team).delete(delete_team),
        )
        .route(
            "/orgs/{orgId}/teams/{teamId}/members",
            get(list_team_members).post(add_team_member),
        )
        .route(
            "/orgs/{orgId}/teams/{teamId}/members/{memberId}/delete",
            delete(delete_team_member),
        )
        .route(
            "/orgs/{orgId}/teams/{teamId}/workspaces",
            get(list_workspaces_by_team),
        )
        .route(
            "/orgs/{orgId}/workspaces",
            get(list_workspaces).post(create_workspace),
        )
        .route(
            "/orgs/{orgId}/workspaces/validate",
            get(validate_workspace_name),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}",
            get(describe_workspace)
                .put(update_workspace)
                .delete(delete_workspace),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}/settings/studios",
            get(studios).put(update_studios),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}/participants",
            get(list_participants).delete(leave_workspace),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}/participants/add",
            put(add_participant),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}/participants/{participantId}",
            delete(delete_participant),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}/participants/{participantId}/role",
            put(update_participant_role),
        )
        .route(
            "/orgs/{orgId}/workspaces/{workspaceId}/users/{userId}",
            delete(delete_workspace_user),
        )
        .route("/labels", get(list_labels).post(create_label))
        .route("/labels/{labelId}", put(update_label).delete(delete_label))
        .route("/roles", get(list_roles).post(create_role))
        .route("/roles/permissions", get(list_role_permissions))
        .route("/roles/validate", get(validate_role_name))
        .route(
            "/roles/{roleName}",
            get(describe_role).put(update_role).delete(delete_role),
        )
        .route_layer(axum::middleware::from_fn_with_state(app.clone(), api_layer));
    Router::new()
        .merge(api)
        .merge(super::basespace::router())
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/stats/reset", post(reset_stats))
        .fallback(unmatched)
        .with_state(app)
}

// ---- /_emulator ------------------------------------------------------------------------------

async fn stats(State(app): State<Shared>) -> Json<super::Stats> {
    Json(app.stats())
}

async fn reset_stats(State(app): State<Shared>) -> StatusCode {
    app.reset_stats();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (method, path) of the table has that operationId in the official spec (kept with
    /// the workspace's test fixtures at the root).
    #[test]
    fn the_operation_table_matches_the_spec() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/seqera-api/seqera-api-cloud.yaml"
        );
        let text = std::fs::read_to_string(path).expect("spec fixture");
        let mut budget = serde_saphyr::Budget::default();
        budget.max_nodes = 10_000_000;
        budget.max_events = 10_000_000;
        let spec: serde_json::Value = serde_saphyr::from_str_with_options(
            &text,
            serde_saphyr::options! { budget: Some(budget) },
        )
        .expect("spec parses");
        for (method, p, op) in OPERATIONS {
            let found = spec["paths"][*p][method.to_ascii_lowercase()]["operationId"].as_str();
            assert_eq!(found, Some(*op), "{method} {p}");
        }
    }
}
