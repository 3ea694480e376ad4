//! The Seqera Platform REST client: typed calls (one per operationId of CONTRACT.md section 6),
//! full paginated listings, client-side pacing, bounded concurrency, and retries with exponential
//! backoff and full jitter. It knows nothing about YAML, plans or the desired state.
//!
//! Retries: 429 is always retried (the request was not processed), honouring `Retry-After`.
//! 502/503/504 and transport errors are retried for reads, updates and deletes, which are
//! idempotent; for creates they are not, because the write may have happened: the call returns
//! [`ApiError::Unsure`] and the caller re-reads before deciding to repeat it.
//!
//! The token is a [`SecretString`]: it is sent only as the `Authorization` header and never
//! appears in `Debug` output, logs or errors.

pub mod dto;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

use dto::*;

/// The Seqera Cloud API endpoint, used when nothing else is configured.
pub const CLOUD_ENDPOINT: &str = "https://api.cloud.seqera.io";

/// The largest page the API accepts.
pub const PAGE_SIZE: usize = 100;

/// How a failed call is retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub initial: Duration,
    pub max_interval: Duration,
    pub max_attempts: u32,
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_millis(200),
            max_interval: Duration::from_secs(10),
            max_attempts: 8,
            max_elapsed: Duration::from_secs(120),
        }
    }
}

/// Settings of a client.
#[derive(Debug)]
pub struct ClientConfig {
    /// API base URL, e.g. `https://api.cloud.seqera.io` or `https://HOST/api`.
    pub endpoint: String,
    pub token: SecretString,
    /// Calls in flight at once.
    pub parallelism: usize,
    /// Requests per second.
    pub rate: f64,
    pub retry: RetryPolicy,
}

/// An API call that failed, naming the operation and the request path.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("token rejected by {endpoint} ({operation} answered 401 Unauthorized)")]
    Unauthorized {
        endpoint: String,
        operation: &'static str,
    },
    #[error("{operation} {path}: forbidden by {endpoint} (403): {message}")]
    Forbidden {
        endpoint: String,
        operation: &'static str,
        path: String,
        message: String,
    },
    #[error("{operation} {path}: not found (404): {message}")]
    NotFound {
        operation: &'static str,
        path: String,
        message: String,
    },
    #[error("{operation} {path}: conflict (409): {message}")]
    Conflict {
        operation: &'static str,
        path: String,
        message: String,
    },
    #[error("{operation} {path}: rejected (400): {message}")]
    BadRequest {
        operation: &'static str,
        path: String,
        message: String,
    },
    #[error("{operation} {path}: HTTP {status}: {message}")]
    Status {
        operation: &'static str,
        path: String,
        status: u16,
        message: String,
    },
    /// A create whose outcome is unknown (a 5xx or a lost connection): re-read before repeating.
    #[error("{operation} {path}: outcome unknown ({cause})")]
    Unsure {
        operation: &'static str,
        path: String,
        cause: String,
    },
    #[error("{operation} {path}: cannot reach {endpoint}: {cause}")]
    Transport {
        endpoint: String,
        operation: &'static str,
        path: String,
        cause: String,
    },
    #[error("{operation} {path}: unexpected response body: {cause}")]
    Decode {
        operation: &'static str,
        path: String,
        cause: String,
    },
}

impl ApiError {
    /// Whether the platform answered 404 (a delete of something already gone counts as done).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::NotFound { .. })
    }
    pub fn is_conflict(&self) -> bool {
        matches!(self, ApiError::Conflict { .. })
    }
    pub fn is_unsure(&self) -> bool {
        matches!(self, ApiError::Unsure { .. })
    }
    /// The platform's own message, when it sent one.
    pub fn message(&self) -> String {
        match self {
            ApiError::Forbidden { message, .. }
            | ApiError::NotFound { message, .. }
            | ApiError::Conflict { message, .. }
            | ApiError::BadRequest { message, .. }
            | ApiError::Status { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

/// How a call may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Reads, updates and deletes: safe to repeat.
    Idempotent,
    /// Creates: repeat only what certainly was not processed (429, refused connections).
    Create,
}

struct Inner {
    http: reqwest::Client,
    /// The endpoint without a trailing slash.
    base: String,
    token: SecretString,
    limiter: DefaultDirectRateLimiter,
    permits: Semaphore,
    retry: RetryPolicy,
    calls: AtomicU64,
}

/// A client of one Seqera Platform endpoint with one token. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.base)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, String> {
        crate::endpoint::check(&config.endpoint).map_err(|e| e.to_string())?;
        // reqwest is built without a bundled crypto provider; install ring's once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("roster/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        if !(config.rate.is_finite() && config.rate > 0.0) {
            return Err(format!(
                "the request rate must be positive, not {}",
                config.rate
            ));
        }
        let rate = config.rate;
        let burst = NonZeroU32::new(rate.ceil().clamp(1.0, 1000.0) as u32).expect("burst >= 1");
        let quota = Quota::with_period(Duration::from_secs_f64(1.0 / rate))
            .expect("positive period")
            .allow_burst(burst);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: config.endpoint.trim_end_matches('/').to_string(),
                token: config.token,
                limiter: RateLimiter::direct(quota),
                permits: Semaphore::new(config.parallelism.max(1)),
                retry: config.retry,
                calls: AtomicU64::new(0),
            }),
        })
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &str {
        &self.inner.base
    }

    /// How many HTTP requests this client has sent (retries included).
    pub fn calls(&self) -> u64 {
        self.inner.calls.load(Ordering::Relaxed)
    }

    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(ra) = retry_after {
            // Honour the server, plus a little jitter so paced clients do not stampede.
            return ra + Duration::from_millis(rand::random_range(0..=100));
        }
        let p = &self.inner.retry;
        let ceiling = p
            .initial
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(p.max_interval);
        // Full jitter: uniform in [0, ceiling].
        Duration::from_millis(rand::random_range(0..=ceiling.as_millis() as u64))
    }

    async fn call<B: Serialize + ?Sized>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        mode: Mode,
    ) -> Result<bytes_body::Body, ApiError> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base, path);
        let start = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let outcome = {
                let _permit = inner
                    .permits
                    .acquire()
                    .await
                    .expect("semaphore never closed");
                inner.limiter.until_ready().await;
                inner.calls.fetch_add(1, Ordering::Relaxed);
                let mut req = inner
                    .http
                    .request(method.clone(), &url)
                    .bearer_auth(inner.token.expose_secret());
                if !query.is_empty() {
                    req = req.query(query);
                }
                if let Some(b) = body {
                    req = req.json(b);
                }
                match req.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        let retry_after = resp
                            .headers()
                            .get(reqwest::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map(Duration::from_secs);
                        match resp.bytes().await {
                            Ok(bytes) => Ok((status, retry_after, bytes)),
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => Err(e),
                }
            };
            let give_up =
                attempt >= inner.retry.max_attempts || start.elapsed() >= inner.retry.max_elapsed;
            match outcome {
                Ok((status, retry_after, bytes)) => {
                    tracing::debug!(operation, %method, path, status = status.as_u16(), attempt, "api call");
                    if status.is_success() {
                        return Ok(bytes_body::Body(bytes));
                    }
                    let message = error_message(&bytes, status);
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS
                        || (mode == Mode::Idempotent && matches!(status.as_u16(), 502..=504));
                    if retryable && !give_up {
                        let wait = self.backoff(attempt - 1, retry_after);
                        tracing::info!(
                            operation,
                            path,
                            status = status.as_u16(),
                            ?wait,
                            "retrying"
                        );
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    if mode == Mode::Create && matches!(status.as_u16(), 500 | 502..=504) {
                        return Err(ApiError::Unsure {
                            operation,
                            path: path.to_string(),
                            cause: format!("HTTP {}: {message}", status.as_u16()),
                        });
                    }
                    return Err(status_error(&inner.base, operation, path, status, message));
                }
                Err(e) => {
                    tracing::debug!(operation, path, error = %e, attempt, "transport error");
                    // A refused connection never reached the server: safe to repeat even a create.
                    let safe = mode == Mode::Idempotent || e.is_connect();
                    if safe && !give_up {
                        let wait = self.backoff(attempt - 1, None);
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    let cause = error_chain(&e);
                    return Err(if mode == Mode::Create && !e.is_connect() {
                        ApiError::Unsure {
                            operation,
                            path: path.to_string(),
                            cause,
                        }
                    } else {
                        ApiError::Transport {
                            endpoint: inner.base.clone(),
                            operation,
                            path: path.to_string(),
                            cause,
                        }
                    });
                }
            }
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let body = self
            .call::<()>(operation, Method::GET, path, query, None, Mode::Idempotent)
            .await?;
        body.decode(operation, path)
    }

    async fn send<B: Serialize + ?Sized>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Option<&B>,
        mode: Mode,
    ) -> Result<bytes_body::Body, ApiError> {
        self.call(operation, method, path, &[], body, mode).await
    }

    /// Every item of a paginated listing: pages of 100 until a short or empty page, or until the
    /// offset reaches `totalSize`.
    async fn list_all<R: DeserializeOwned, T>(
        &self,
        operation: &'static str,
        path: &str,
        split: impl Fn(R) -> (Vec<T>, Option<i64>),
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let page: R = self
                .get(
                    operation,
                    path,
                    &[
                        ("max", PAGE_SIZE.to_string()),
                        ("offset", offset.to_string()),
                    ],
                )
                .await?;
            let (items, total) = split(page);
            let n = items.len();
            out.extend(items);
            offset += n;
            let reached_total = total.is_some_and(|t| t > 0 && offset as i64 >= t);
            if n < PAGE_SIZE || reached_total {
                return Ok(out);
            }
        }
    }

    // --- 6.1 Current user -------------------------------------------------------------------

    /// operationId `UserInfo`: `GET /user-info`.
    pub async fn user_info(&self) -> Result<UserDto, ApiError> {
        let r: DescribeUserResponse = self.get("UserInfo", "/user-info", &[]).await?;
        Ok(r.user)
    }

    // --- 6.2 Organizations ------------------------------------------------------------------

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
                Mode::Create,
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
            Mode::Idempotent,
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
            |r: ListMembersResponse| (r.members, r.total_size),
        )
        .await
    }

    /// operationId `ListOrganizationCollaborators`.
    pub async fn list_collaborators(&self, org_id: i64) -> Result<Vec<MemberDbDto>, ApiError> {
        self.list_all(
            "ListOrganizationCollaborators",
            &format!("/orgs/{org_id}/collaborators"),
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
                Mode::Create,
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
            Mode::Idempotent,
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
                Mode::Idempotent,
            )
            .await,
        )
    }

    // --- 6.4 Teams --------------------------------------------------------------------------

    /// operationId `ListOrganizationTeams`.
    pub async fn list_teams(&self, org_id: i64) -> Result<Vec<TeamDbDto>, ApiError> {
        self.list_all(
            "ListOrganizationTeams",
            &format!("/orgs/{org_id}/teams"),
            |r: ListTeamResponse| (r.teams, r.total_size),
        )
        .await
    }

    /// operationId `CreateOrganizationTeam`.
    pub async fn create_team(
        &self,
        org_id: i64,
        name: &str,
        description: Option<&str>,
    ) -> Result<TeamDbDto, ApiError> {
        let path = format!("/orgs/{org_id}/teams");
        let req = CreateTeamRequest {
            team: TeamBody {
                name: name.to_string(),
                description: description.map(str::to_string),
            },
        };
        let r: TeamResponse = self
            .send(
                "CreateOrganizationTeam",
                Method::POST,
                &path,
                Some(&req),
                Mode::Create,
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
            Mode::Idempotent,
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
                Mode::Idempotent,
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
                Mode::Create,
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
                Mode::Idempotent,
            )
            .await,
        )
    }

    // --- 6.5 Workspaces ---------------------------------------------------------------------

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
                Mode::Create,
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
            Mode::Idempotent,
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
                Mode::Idempotent,
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
            Mode::Idempotent,
        )
        .await
        .map(drop)
    }

    /// operationId `ListLabels`, for one workspace.
    pub async fn list_labels(&self, workspace_id: i64) -> Result<Vec<LabelDbDto>, ApiError> {
        // The workspace is a query parameter: list_all adds max and offset after it.
        let operation = "ListLabels";
        let path = "/labels";
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let page: ListLabelsResponse = self
                .get(
                    operation,
                    path,
                    &[
                        ("workspaceId", workspace_id.to_string()),
                        ("max", PAGE_SIZE.to_string()),
                        ("offset", offset.to_string()),
                    ],
                )
                .await?;
            let n = page.labels.len();
            out.extend(page.labels);
            offset += n;
            if n < PAGE_SIZE || page.total_size.is_some_and(|t| t > 0 && offset as i64 >= t) {
                return Ok(out);
            }
        }
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
                Mode::Idempotent,
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
                Mode::Idempotent,
            )
            .await,
        )
    }

    // --- 6.6 Participants ------------------------------------------------------------------

    /// operationId `ListWorkspaceParticipants`.
    pub async fn list_participants(
        &self,
        org_id: i64,
        workspace_id: i64,
    ) -> Result<Vec<ParticipantResponseDto>, ApiError> {
        self.list_all(
            "ListWorkspaceParticipants",
            &format!("/orgs/{org_id}/workspaces/{workspace_id}/participants"),
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
                Mode::Create,
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
                Mode::Idempotent,
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
            Mode::Idempotent,
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
                Mode::Idempotent,
            )
            .await,
        )
    }
}

/// A response body, decoded on demand.
mod bytes_body {
    use super::ApiError;
    use serde::de::DeserializeOwned;

    pub struct Body(pub bytes::Bytes);

    impl Body {
        pub fn decode<T: DeserializeOwned>(
            &self,
            operation: &'static str,
            path: &str,
        ) -> Result<T, ApiError> {
            serde_json::from_slice(&self.0).map_err(|e| ApiError::Decode {
                operation,
                path: path.to_string(),
                cause: e.to_string(),
            })
        }
    }
}

fn gone_is_ok(r: Result<bytes_body::Body, ApiError>) -> Result<(), ApiError> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

fn error_message(bytes: &[u8], status: StatusCode) -> String {
    serde_json::from_slice::<ErrorResponse>(bytes)
        .ok()
        .and_then(|e| e.message)
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("no message")
                .to_string()
        })
}

fn status_error(
    endpoint: &str,
    operation: &'static str,
    path: &str,
    status: StatusCode,
    message: String,
) -> ApiError {
    let path = path.to_string();
    match status.as_u16() {
        401 => ApiError::Unauthorized {
            endpoint: endpoint.to_string(),
            operation,
        },
        403 => ApiError::Forbidden {
            endpoint: endpoint.to_string(),
            operation,
            path,
            message,
        },
        404 => ApiError::NotFound {
            operation,
            path,
            message,
        },
        409 => ApiError::Conflict {
            operation,
            path,
            message,
        },
        400 => ApiError::BadRequest {
            operation,
            path,
            message,
        },
        s => ApiError::Status {
            operation,
            path,
            status: s,
            message,
        },
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
