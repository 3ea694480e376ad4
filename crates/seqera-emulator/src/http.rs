//! HTTP plumbing shared by the handlers: the error type and its status codes, extractors that
//! turn every malformed path, query or body into `400 {"message": …}` (never a panic or a 500),
//! and pagination (`max`, `offset`, `search`).
//!
//! This module owns how errors look on the wire (docs/seqera-api.md sections 2 and 11). It must not
//! know the platform's rules.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::dto::ErrorResponse;

/// An answer other than success.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ApiError {
    /// 400 with a message.
    #[error("{0}")]
    BadRequest(String),
    /// 401, empty body: missing or unknown token.
    #[error("unauthorized")]
    Unauthorized,
    /// 403 `{"message":"Forbidden"}`.
    #[error("Forbidden")]
    Forbidden,
    /// 403 naming what the caller lacks, as the platform does for permission checks:
    /// `{"message":"Forbidden. Missing permission(s): \"workspace:write\""}`.
    #[error("Forbidden. Missing permission(s): {}", .0.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", "))]
    MissingPermissions(Vec<&'static str>),
    /// 404 with `… not found`.
    #[error("{0}")]
    NotFound(String),
    /// 409 with a message.
    #[error("{0}")]
    Conflict(String),
    /// 429 `{"message":"Too many requests"}` and `Retry-After: 1`.
    #[error("Too many requests")]
    TooManyRequests,
    /// 503 `{"message":"Service unavailable"}`.
    #[error("Service unavailable")]
    Unavailable,
    /// 500: the emulator itself failed (e.g. it could not write the state file).
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what} not found"))
    }

    pub fn conflict(msg: impl Into<String>) -> Self {
        ApiError::Conflict(msg.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::MissingPermissions(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if self == ApiError::Unauthorized {
            return status.into_response();
        }
        let mut resp = (
            status,
            axum::Json(ErrorResponse {
                message: self.to_string(),
            }),
        )
            .into_response();
        if self == ApiError::TooManyRequests {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// A JSON request body. Any content type is accepted; an empty, malformed or mistyped body is a
/// 400 that says what is wrong.
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad(format!("Cannot read the request body: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad("Missing request body"));
        }
        // Through a `Value` first: serde would accept `[]` for a struct whose fields are all
        // optional, and a body must be a JSON object.
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad(format!("Invalid request body: {e}")))?;
        if !value.is_object() {
            return Err(ApiError::bad(
                "Invalid request body: expected a JSON object",
            ));
        }
        serde_json::from_value(value)
            .map(Body)
            .map_err(|e| ApiError::bad(format!("Invalid request body: {e}")))
    }
}

/// Path parameters; a non-numeric id is a 400.
pub(crate) struct Ids<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Ids(p.0))
            .map_err(|e| ApiError::bad(format!("Invalid path parameter: {}", e.body_text())))
    }
}

/// Query parameters, all read as text and converted by the handler so that a bad value gets a
/// message naming the parameter.
pub(crate) struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|q| Params(q.0))
            .map_err(|e| ApiError::bad(format!("Invalid query string: {}", e.body_text())))
    }
}

impl Params {
    /// The last value of a parameter; empty values count as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                ApiError::bad(format!(
                    "Invalid value for parameter `{name}`: `{v}` is not an integer"
                ))
            }),
        }
    }

    pub fn bool(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(ApiError::bad(format!(
                    "Invalid value for parameter `{name}`: `{v}` is not true or false"
                ))),
            },
        }
    }

    /// `max`, `offset` and `search` of a paginated list of `object`s (e.g. "Member").
    pub fn page(&self, object: &str) -> ApiResult<Page> {
        let max = self.int("max")?.unwrap_or(Page::DEFAULT_MAX);
        let offset = self.int("offset")?.unwrap_or(0);
        if max > 100 {
            return Err(ApiError::bad(format!(
                "{object} length parameter cannot be greater than 100 (current value={max})"
            )));
        }
        if max < 0 {
            return Err(ApiError::bad(format!(
                "{object} length parameter cannot be negative (current value={max})"
            )));
        }
        if offset < 0 {
            return Err(ApiError::bad(format!(
                "Offset parameter cannot be negative (current value={offset})"
            )));
        }
        Ok(Page {
            max: max as usize,
            offset: offset as usize,
            search: self
                .get("search")
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty()),
        })
    }
}

/// One page request: items matching `search` (lowercased), from `offset`, at most `max`.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub max: usize,
    pub offset: usize,
    pub search: Option<String>,
}

impl Page {
    pub const DEFAULT_MAX: i64 = 50;

    /// Whether any of the fields contains the search text, case-insensitively.
    pub fn matches<'a>(&self, fields: impl IntoIterator<Item = Option<&'a str>>) -> bool {
        match &self.search {
            None => true,
            Some(s) => fields
                .into_iter()
                .flatten()
                .any(|f| f.to_lowercase().contains(s.as_str())),
        }
    }

    /// Cut a page out of the matching items; returns it with the number of matching items.
    pub fn apply<T>(&self, matching: impl Iterator<Item = T>) -> (Vec<T>, i64) {
        let mut total = 0usize;
        let mut out = Vec::new();
        for item in matching {
            if total >= self.offset && out.len() < self.max {
                out.push(item);
            }
            total += 1;
        }
        (out, total as i64)
    }
}
