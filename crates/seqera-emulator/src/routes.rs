//! The HTTP surface: the operation table (method, path, operationId of the official spec), the
//! router, the middleware that applies the fault knobs, authentication, statistics and state
//! persistence to every Seqera API route, the handlers, and the `/_emulator/*` routes.
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

use super::App;
use super::dto::*;
use super::faults::Fault;
use super::http::{ApiError, ApiResult, Body, Ids, Params};
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
        .route_layer(axum::middleware::from_fn_with_state(app.clone(), api_layer));
    Router::new()
        .merge(api)
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

// ---- Seqera API handlers ---------------------------------------------------------------------

type JsonResult<T> = ApiResult<Json<T>>;

fn no_content(r: ApiResult<()>) -> ApiResult<StatusCode> {
    r.map(|()| StatusCode::NO_CONTENT)
}

// operationId: Info
async fn service_info() -> Json<ServiceInfoResponse> {
    Json(ServiceInfoResponse {
        service_info: Some(ServiceInfo {
            version: Some(format!("roster-emulator-{}", env!("CARGO_PKG_VERSION"))),
            api_version: Some("1.187.0".into()),
            commit_id: Some("emulator".into()),
            auth_types: Some(Vec::new()),
            login_path: Some("/login".into()),
            heartbeat_interval: Some(60),
            user_workspace_enabled: Some(false),
            allow_instance_credentials: Some(false),
            seqera_cloud: Some(false),
            ..Default::default()
        }),
    })
}

// operationId: UserInfo
async fn user_info(
    State(app): State<Shared>,
    Caller(c): Caller,
) -> JsonResult<DescribeUserResponse> {
    app.lock().user_info(c).map(Json)
}

// operationId: DescribeUser
async fn describe_user(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(user): Ids<Id>,
) -> JsonResult<DescribeUserResponse> {
    app.lock().describe_user(c, user).map(Json)
}

// operationId: ListWorkspacesUser
async fn list_workspaces_user(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(user): Ids<Id>,
) -> JsonResult<ListWorkspacesAndOrgResponse> {
    app.lock().list_workspaces_user(c, user).map(Json)
}

// operationId: ListOrganizations
async fn list_orgs(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> JsonResult<ListOrganizationsResponse> {
    app.lock().list_orgs(c, q.get("role")).map(Json)
}

// operationId: CreateOrganization
async fn create_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Body(b): Body<CreateOrganizationRequest>,
) -> JsonResult<OrganizationResponse> {
    app.lock().create_org(c, b).map(Json)
}

// operationId: ValidateOrganizationName
async fn validate_org_name(
    State(app): State<Shared>,
    Caller(_): Caller,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_org_name(q.get("name")))
}

// operationId: DescribeOrganization
async fn describe_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<OrganizationResponse> {
    app.lock().describe_org(c, org).map(Json)
}

// operationId: UpdateOrganization
async fn update_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<UpdateOrganizationRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_org(c, org, b))
}

// operationId: DeleteOrganization
async fn delete_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_org(c, org))
}

// operationId: DescribeOrganizationQuotas
async fn quotas(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<DescribeOrganizationQuotasResponse> {
    app.lock().quotas(c, org).map(Json)
}

// operationId: ListUserRolesInOrganization
async fn user_roles(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, user)): Ids<(Id, Id)>,
) -> JsonResult<ListUserRolesResponse> {
    app.lock().user_roles(c, org, user).map(Json)
}

// operationId: ListOrganizationMembers
async fn list_members(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> JsonResult<ListMembersResponse> {
    app.lock().list_members(c, org, &q).map(Json)
}

// operationId: CreateOrganizationMember
async fn add_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<AddMemberRequest>,
) -> JsonResult<MemberResponse> {
    app.lock().add_member(c, org, b).map(Json)
}

// operationId: UpdateOrganizationMemberRole
async fn update_member_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, member)): Ids<(Id, Id)>,
    Body(b): Body<RoleRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_member_role(c, org, member, b))
}

// operationId: DeleteOrganizationMember
async fn delete_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, member)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_member(c, org, member))
}

// operationId: LeaveOrganization
async fn leave_org(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().leave_org(c, org))
}

// operationId: ListOrganizationCollaborators
async fn list_collaborators(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> JsonResult<ListMembersResponse> {
    app.lock().list_collaborators(c, org, &q).map(Json)
}

// operationId: ListOrganizationTeams
async fn list_teams(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> JsonResult<ListTeamResponse> {
    app.lock().list_teams(c, org, &q).map(Json)
}

// operationId: CreateOrganizationTeam
async fn create_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<CreateTeamRequest>,
) -> JsonResult<TeamResponse> {
    app.lock().create_team(c, org, b).map(Json)
}

// operationId: ValidateTeamName
async fn validate_team_name(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_team_name(c, org, q.get("name")))
}

// operationId: DescribeOrganizationTeam
async fn describe_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
) -> JsonResult<TeamResponse> {
    app.lock().describe_team(c, org, team).map(Json)
}

// operationId: UpdateOrganizationTeam
async fn update_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    Body(b): Body<UpdateTeamRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_team(c, org, team, b))
}

// operationId: DeleteOrganizationTeam
async fn delete_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_team(c, org, team))
}

// operationId: ListOrganizationTeamMembers
async fn list_team_members(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    q: Params,
) -> JsonResult<ListMembersResponse> {
    app.lock().list_team_members(c, org, team, &q).map(Json)
}

// operationId: CreateOrganizationTeamMember
async fn add_team_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    Body(b): Body<CreateTeamMemberRequest>,
) -> JsonResult<MemberResponse> {
    app.lock().add_team_member(c, org, team, b).map(Json)
}

// operationId: DeleteOrganizationTeamMember
async fn delete_team_member(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team, member)): Ids<(Id, Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_team_member(c, org, team, member))
}

// operationId: ListWorkspacesByTeam
async fn list_workspaces_by_team(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, team)): Ids<(Id, Id)>,
    q: Params,
) -> JsonResult<ListWorkspacesByTeamResponse> {
    app.lock()
        .list_workspaces_by_team(c, org, team, &q)
        .map(Json)
}

// operationId: ListWorkspaces
async fn list_workspaces(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
) -> JsonResult<ListWorkspacesResponse> {
    app.lock().list_workspaces(c, org).map(Json)
}

// operationId: CreateWorkspace
async fn create_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    Body(b): Body<CreateWorkspaceRequest>,
) -> JsonResult<WorkspaceResponse> {
    app.lock().create_workspace(c, org, b).map(Json)
}

// operationId: ValidateWorkspaceName
async fn validate_workspace_name(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(org): Ids<Id>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().validate_workspace_name(c, org, q.get("name")))
}

// operationId: DescribeWorkspace
async fn describe_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> JsonResult<WorkspaceResponse> {
    app.lock().describe_workspace(c, org, ws).map(Json)
}

// operationId: UpdateWorkspace
async fn update_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    Body(b): Body<UpdateWorkspaceRequest>,
) -> JsonResult<WorkspaceResponse> {
    app.lock().update_workspace(c, org, ws, b).map(Json)
}

// operationId: DeleteWorkspace
async fn delete_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_workspace(c, org, ws))
}

// operationId: FindDataStudiosWorkspaceSettings
async fn studios(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> JsonResult<DataStudioWorkspaceSettingsResponse> {
    app.lock().studios(c, org, ws).map(Json)
}

// operationId: UpdateDataStudiosWorkspaceSettings
async fn update_studios(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    Body(b): Body<DataStudioWorkspaceSettingsRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_studios(c, org, ws, b))
}

// operationId: ListWorkspaceParticipants
async fn list_participants(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    q: Params,
) -> JsonResult<ListParticipantsResponse> {
    app.lock().list_participants(c, org, ws, &q).map(Json)
}

// operationId: LeaveWorkspaceParticipant
async fn leave_workspace(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().leave_workspace(c, org, ws))
}

// operationId: CreateWorkspaceParticipant
async fn add_participant(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws)): Ids<(Id, Id)>,
    Body(b): Body<AddParticipantRequest>,
) -> JsonResult<AddParticipantResponse> {
    app.lock().add_participant(c, org, ws, b).map(Json)
}

// operationId: UpdateWorkspaceParticipantRole
async fn update_participant_role(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws, p)): Ids<(Id, Id, Id)>,
    Body(b): Body<RoleRequest>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().update_participant_role(c, org, ws, p, b))
}

// operationId: DeleteWorkspaceParticipant
async fn delete_participant(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws, p)): Ids<(Id, Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_participant(c, org, ws, p))
}

// operationId: DeleteWorkspaceUser
async fn delete_workspace_user(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids((org, ws, user)): Ids<(Id, Id, Id)>,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_workspace_user(c, org, ws, user))
}

// operationId: ListLabels
async fn list_labels(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
) -> JsonResult<ListLabelsResponse> {
    app.lock().list_labels(c, &q).map(Json)
}

// operationId: CreateLabel
async fn create_label(
    State(app): State<Shared>,
    Caller(c): Caller,
    q: Params,
    Body(b): Body<CreateLabelRequest>,
) -> JsonResult<LabelResponse> {
    app.lock().create_label(c, &q, b).map(Json)
}

// operationId: UpdateLabel
async fn update_label(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(label): Ids<Id>,
    q: Params,
    Body(b): Body<UpdateLabelRequest>,
) -> JsonResult<LabelResponse> {
    app.lock().update_label(c, label, &q, b).map(Json)
}

// operationId: DeleteLabel
async fn delete_label(
    State(app): State<Shared>,
    Caller(c): Caller,
    Ids(label): Ids<Id>,
    q: Params,
) -> ApiResult<StatusCode> {
    no_content(app.lock().delete_label(c, label, &q))
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
