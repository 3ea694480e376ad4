//! The BSSH v2 routes, under `/basespace/{region}`: authentication by the `x-access-token`
//! header (the swagger's `api_key`) or `Authorization: Bearer`, the three read operations, and
//! `V2Error` answers for everything else (401 without a known token, 400 for a malformed or
//! missing query parameter the swagger requires, 403 for another user's workgroups, 404 for an
//! unknown region, route or workgroup). Every request is counted in the emulator's stats under
//! its swagger operationId. There is no write route: the BSSH API has none for workgroups.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::dto::*;
use super::{BaseSpace, BsCaller, BsWorkgroup, id_of};
use crate::App;

type Shared = Arc<App>;

/// The BSSH v2 operations the emulator serves: method, path (as in the swagger, under its
/// basePath `/v2`) and operationId.
pub const BASESPACE_OPERATIONS: &[(&str, &str, &str)] = &[
    ("GET", "/users/current", "GetV2UsersCurrent"),
    ("GET", "/users/{id}/workgroups", "GetV2UsersIdWorkgroups"),
    ("GET", "/workgroups/{id}", "GetV2WorkgroupsId"),
];

/// Most items one listing page holds.
const MAX_LIMIT: i64 = 1024;
/// Items per page when `limit` is not given.
const DEFAULT_LIMIT: i64 = 10;
/// `DateCreated` of every emulated user.
const DATE_CREATED: &str = "2020-01-01T00:00:00Z";

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/basespace/{region}/v2/users/current", get(current_user))
        .route(
            "/basespace/{region}/v2/users/{id}/workgroups",
            get(user_workgroups),
        )
        .route("/basespace/{region}/v2/workgroups/{id}", get(workgroup))
        .route("/basespace/{region}/{*rest}", get(unknown).post(unknown))
}

/// A `V2Error` answer.
struct BsError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl BsError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> BsError {
        BsError {
            status,
            code,
            message: message.into(),
        }
    }
    fn bad(message: impl Into<String>) -> BsError {
        BsError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }
    fn not_found(message: impl Into<String>) -> BsError {
        BsError::new(StatusCode::NOT_FOUND, "NotFound", message)
    }
}

/// Answer `result` for `op`, counting it.
fn answer<T: serde::Serialize>(app: &App, op: &str, result: Result<T, BsError>) -> Response {
    let resp = match result {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(e) => {
            let id = app.basespace_requests();
            (e.status, Json(V2Error::new(e.code, e.message, id))).into_response()
        }
    };
    app.record(op, resp.status().as_u16(), false);
    resp
}

/// The token a request carries: `x-access-token`, else a bearer `Authorization`.
fn token(headers: &HeaderMap) -> Option<&str> {
    if let Some(t) = headers.get("x-access-token").and_then(|v| v.to_str().ok()) {
        return Some(t.trim()).filter(|t| !t.is_empty());
    }
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, t) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| t.trim())
        .filter(|t| !t.is_empty())
}

/// The caller of a request to `region`.
fn caller(bs: &BaseSpace, region: &str, headers: &HeaderMap) -> Result<BsCaller, BsError> {
    let Some(r) = bs.region(region) else {
        return Err(BsError::not_found(format!(
            "No BaseSpace region `{region}` in this emulator"
        )));
    };
    let unauthorized = || {
        BsError::new(
            StatusCode::UNAUTHORIZED,
            "BASESPACE.AUTHENTICATION.INVALID_TOKEN",
            "The access token is missing, invalid or expired",
        )
    };
    let t = token(headers).ok_or_else(unauthorized)?;
    bs.caller(r, t).ok_or_else(unauthorized)
}

fn user_json(bs: &BaseSpace, c: BsCaller) -> V2User {
    let u = bs.user(c);
    let id = u.id.as_ref().map(|i| i.value.clone()).unwrap_or_default();
    let name = u.name.clone().unwrap_or_else(|| u.email.value.clone());
    match bs.context(c) {
        None => V2User {
            href: Some(format!("v2/users/{id}")),
            id,
            name: Some(name),
            email: Some(u.email.value.clone()),
            date_created: Some(DATE_CREATED.to_string()),
            is_workgroup: Some(false),
            domain_name: None,
            logged_in_user: None,
        },
        Some(w) => V2User {
            id: id_of(w).to_string(),
            name: Some(display_name(w)),
            email: None,
            href: Some(format!("v2/users/{}", id_of(w))),
            date_created: Some(DATE_CREATED.to_string()),
            is_workgroup: Some(true),
            domain_name: Some(domain(w)),
            logged_in_user: Some(LoggedInUser {
                id,
                name: Some(name),
                email: Some(u.email.value.clone()),
            }),
        },
    }
}

fn display_name(w: &BsWorkgroup) -> String {
    w.display_name
        .clone()
        .unwrap_or_else(|| w.name.value.clone())
}

fn domain(w: &BsWorkgroup) -> String {
    w.domain.clone().unwrap_or_else(|| "basespace".to_string())
}

fn workgroup_json(w: &BsWorkgroup, subscription: bool) -> V2Workgroup {
    let plan = w.plan.clone().unwrap_or_else(|| "Professional".to_string());
    V2Workgroup {
        id: id_of(w).to_string(),
        external_provider_id: format!("ext-{}", id_of(w)),
        name: w.name.value.clone(),
        domain_name: domain(w),
        is_collaborative: w.collaborative,
        subscription: V2UserSubscription {
            name: plan.clone(),
            plan: subscription.then_some(plan),
            is_active: subscription.then_some(w.active),
        },
        display_name: display_name(w),
    }
}

async fn current_user(
    State(app): State<Shared>,
    Path(region): Path<String>,
    headers: HeaderMap,
) -> Response {
    let bs = &app.basespace;
    let r = caller(bs, &region, &headers).map(|c| user_json(bs, c));
    answer(&app, "GetV2UsersCurrent", r)
}

/// The query parameters of a listing, checked as the swagger declares them.
struct ListQuery {
    active_only: bool,
    subscription: bool,
    offset: i64,
    limit: i64,
    sort_by: &'static str,
    descending: bool,
}

fn list_query(q: &[(String, String)]) -> Result<ListQuery, BsError> {
    let get = |k: &str| {
        q.iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.trim())
    };
    let boolean = |k: &str| -> Result<bool, BsError> {
        match get(k) {
            None => Err(BsError::bad(format!(
                "The query parameter `{k}` is required"
            ))),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(BsError::bad(format!(
                "The query parameter `{k}` must be true or false, not `{v}`"
            ))),
        }
    };
    let _ = boolean("includeloggedinuser")?;
    let active_only = boolean("activeonly")?;
    let _ = boolean("refreshcache")?;
    let subscription = boolean("includesubscription")?;
    let int = |k: &str, default: i64| -> Result<i64, BsError> {
        match get(k) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| BsError::bad(format!("`{v}` is not a valid {k}"))),
        }
    };
    let offset = int("offset", 0)?;
    let limit = int("limit", DEFAULT_LIMIT)?.clamp(1, MAX_LIMIT);
    let sort_by = match get("sortby") {
        None => "Id",
        Some(v) if v.eq_ignore_ascii_case("id") => "Id",
        Some(v) if v.eq_ignore_ascii_case("name") => "Name",
        Some(v) => {
            return Err(BsError::bad(format!(
                "`{v}` is not a sort field (Id, Name)"
            )));
        }
    };
    let descending = match get("sortdir") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("asc") => false,
        Some(v) if v.eq_ignore_ascii_case("desc") => true,
        Some(v) => return Err(BsError::bad(format!("`{v}` is not a sort direction"))),
    };
    Ok(ListQuery {
        active_only,
        subscription,
        offset,
        limit,
        sort_by,
        descending,
    })
}

/// Whether `id` names the caller: `current`, the user's own id, or (in a workgroup context)
/// the workgroup's id.
fn is_self(bs: &BaseSpace, c: BsCaller, id: &str) -> bool {
    let own = bs.user(c).id.as_ref().is_some_and(|i| i.value == id);
    let context = bs.context(c).is_some_and(|w| id_of(w) == id);
    id.eq_ignore_ascii_case("current") || own || context
}

async fn user_workgroups(
    State(app): State<Shared>,
    Path((region, id)): Path<(String, String)>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let bs = &app.basespace;
    let r = (|| {
        let c = caller(bs, &region, &headers)?;
        let Query(q) = q.map_err(|e| BsError::bad(format!("Malformed query string: {e}")))?;
        let q = list_query(&q)?;
        if !is_self(bs, c, &id) {
            return Err(BsError::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "A token can list only its own user's workgroups",
            ));
        }
        let mut all: Vec<&BsWorkgroup> = bs
            .workgroups_of(c)
            .filter(|w| !q.active_only || w.active)
            .collect();
        match q.sort_by {
            "Name" => all.sort_by_key(|w| w.name.value.to_lowercase()),
            _ => all.sort_by_key(|w| (id_of(w).len(), id_of(w).to_string())),
        }
        if q.descending {
            all.reverse();
        }
        let items: Vec<V2Workgroup> = all
            .iter()
            .skip(q.offset as usize)
            .take(q.limit as usize)
            .map(|w| workgroup_json(w, q.subscription))
            .collect();
        Ok(V2WorkgroupList {
            paging: V2Paging {
                displayed_count: items.len() as i32,
                total_count: all.len() as i32,
                offset: q.offset.min(i32::MAX as i64) as i32,
                limit: q.limit as i32,
                sort_dir: if q.descending { "Desc" } else { "Asc" }.to_string(),
                sort_by: q.sort_by.to_string(),
            },
            items,
        })
    })();
    answer(&app, "GetV2UsersIdWorkgroups", r)
}

async fn workgroup(
    State(app): State<Shared>,
    Path((region, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let bs = &app.basespace;
    let r = caller(bs, &region, &headers).and_then(|c| {
        bs.workgroups_of(c)
            .find(|w| id_of(w) == id)
            .map(|w| workgroup_json(w, true))
            .ok_or_else(|| BsError::not_found(format!("Workgroup {id} was not found")))
    });
    answer(&app, "GetV2WorkgroupsId", r)
}

/// Any other path under a region: the BSSH API has more routes, but not in this emulator.
async fn unknown(State(app): State<Shared>) -> Response {
    let r: Result<(), BsError> = Err(BsError::not_found(
        "This emulator serves only GET /v2/users/current, /v2/users/{id}/workgroups and /v2/workgroups/{id}",
    ));
    answer(&app, "basespace-unmatched", r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (method, path) of the table has that operationId in the BSSH v2 swagger (kept with
    /// the workspace's test fixtures at the root).
    #[test]
    fn the_operation_table_matches_the_swagger() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/basespace-api/bssh-v2-swagger.json"
        );
        let text = std::fs::read_to_string(path).expect("swagger fixture");
        let spec: serde_json::Value = serde_json::from_str(&text).expect("swagger parses");
        assert_eq!(spec["basePath"], "/v2");
        for (method, p, op) in BASESPACE_OPERATIONS {
            let found = spec["paths"][*p][method.to_ascii_lowercase()]["operationId"].as_str();
            assert_eq!(found, Some(*op), "{method} {p}");
        }
    }

    #[test]
    fn listing_parameters_the_swagger_requires_are_required() {
        let q = |s: &[(&str, &str)]| -> Vec<(String, String)> {
            s.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let all = [
            ("includeloggedinuser", "true"),
            ("activeonly", "false"),
            ("refreshcache", "false"),
            ("includesubscription", "true"),
        ];
        let ok = list_query(&q(&all)).ok().expect("all four given");
        assert_eq!((ok.offset, ok.limit, ok.sort_by), (0, DEFAULT_LIMIT, "Id"));
        assert!(
            list_query(&q(&all[1..])).is_err(),
            "includeloggedinuser missing"
        );
        let mut bad = all.to_vec();
        bad.push(("limit", "-1"));
        assert!(list_query(&q(&bad)).is_err());
        let mut big = all.to_vec();
        big.push(("limit", "100000"));
        assert_eq!(list_query(&q(&big)).ok().unwrap().limit, MAX_LIMIT);
    }
}
