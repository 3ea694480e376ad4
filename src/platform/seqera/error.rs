//! The errors of the Seqera client: [`ApiError`] (a call that failed, naming the operation and the
//! request path), its serializable [`ApiErrorKind`], and [`ClientError`] (a client that cannot be
//! built). It also turns an HTTP status and body into the matching [`ApiError`].
//!
//! It also classifies a transport error ([`transport_failure`]) and adds a hint for the usual
//! causes (an untrusted certificate, a refused connection, an endpoint without `/api`).
//!
//! It must not decide whether to retry (that is `retry.rs`), and no error may carry the token.

use reqwest::StatusCode;
use serde::Serialize;

use super::dto::ErrorResponse;
use super::retry::Failure;
use crate::endpoint::EndpointError;

/// Why [`Client::new`](super::Client::new) refused its configuration.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The HTTP stack could not be built (TLS setup); the text is reqwest's.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
    #[error("the request rate must be positive, not {0}")]
    Rate(f64),
}

/// An API call that failed, naming the operation and the request path.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("token rejected by {endpoint} ({operation} answered 401 Unauthorized)")]
    Unauthorized {
        endpoint: String,
        operation: &'static str,
    },
    /// A 403. When the platform's message lists the permissions the token's user lacks
    /// (`Forbidden. Missing permission(s): "workspace:write"`), they are shown by name.
    #[error(
        "{operation} {path}: forbidden by {endpoint} (403): {}",
        forbidden_text(message)
    )]
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
    /// The client was cancelled before this call (or its next retry) was sent.
    #[error("{operation} {path}: cancelled before it was sent")]
    Cancelled {
        operation: &'static str,
        path: String,
    },
}

/// Which kind of [`ApiError`] a call ended with, without its text: small enough to keep in an
/// outcome and to serialize (kebab-case: `not-found`, `bad-request`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApiErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    BadRequest,
    Status,
    Unsure,
    Transport,
    Decode,
    Cancelled,
}

impl ApiError {
    /// The kind of this error.
    pub fn kind(&self) -> ApiErrorKind {
        match self {
            ApiError::Unauthorized { .. } => ApiErrorKind::Unauthorized,
            ApiError::Forbidden { .. } => ApiErrorKind::Forbidden,
            ApiError::NotFound { .. } => ApiErrorKind::NotFound,
            ApiError::Conflict { .. } => ApiErrorKind::Conflict,
            ApiError::BadRequest { .. } => ApiErrorKind::BadRequest,
            ApiError::Status { .. } => ApiErrorKind::Status,
            ApiError::Unsure { .. } => ApiErrorKind::Unsure,
            ApiError::Transport { .. } => ApiErrorKind::Transport,
            ApiError::Decode { .. } => ApiErrorKind::Decode,
            ApiError::Cancelled { .. } => ApiErrorKind::Cancelled,
        }
    }
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
    /// Whether the call was not sent because the client was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, ApiError::Cancelled { .. })
    }
    /// The permissions a 403's message says the token's user lacks (empty when it names none).
    pub fn missing_permissions(&self) -> Vec<String> {
        match self {
            ApiError::Forbidden { message, .. } => missing_permissions(message),
            _ => Vec::new(),
        }
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

/// The permissions named after `Missing permission(s):` in a 403's message, unquoted, in the
/// order given: `Forbidden. Missing permission(s): "studio:view", "label:write"` gives
/// `studio:view` and `label:write`.
pub(super) fn missing_permissions(message: &str) -> Vec<String> {
    const MARK: &str = "missing permission(s):";
    let Some(at) = message.to_ascii_lowercase().find(MARK) else {
        return Vec::new();
    };
    message[at + MARK.len()..]
        .split(',')
        .map(|p| {
            p.trim()
                .trim_matches(|c| c == '"' || c == '\'' || c == '`')
                .trim()
        })
        .map(|p| p.trim_end_matches('.'))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A 403's message as roster shows it: the missing permissions by name when the platform lists
/// them, its message as sent otherwise.
fn forbidden_text(message: &str) -> String {
    let missing = missing_permissions(message);
    if missing.is_empty() {
        message.to_string()
    } else {
        format!(
            "the token's user lacks the permission{} {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )
    }
}

/// The platform's `message`, or the status's reason phrase when the body has none.
pub(super) fn error_message(bytes: &[u8], status: StatusCode) -> String {
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

/// The error for a final, non-success status.
pub(super) fn status_error(
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
            message: missing_api_hint(endpoint, operation, message),
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

/// How a request that got no answer failed: a certificate the client does not trust, a
/// connection that could not be made, or a request that may have reached the server.
pub(super) fn transport_failure(e: &reqwest::Error) -> Failure {
    if is_certificate_error(&error_chain(e)) {
        Failure::Certificate
    } else if e.is_connect() {
        Failure::Refused
    } else {
        Failure::Lost
    }
}

/// Whether an error chain's text is a TLS certificate failure (rustls names them
/// `invalid peer certificate: UnknownIssuer`, `…: Expired`, `…: NotValidForName`, …).
fn is_certificate_error(chain: &str) -> bool {
    let c = chain.to_lowercase();
    c.contains("certificate") || c.contains("unknownissuer")
}

/// A transport error's text with a hint for its usual cause appended.
pub(super) fn with_hint(cause: String) -> String {
    let hint = if is_certificate_error(&cause) {
        "hint: the server's TLS certificate is not trusted here; for a private or institutional CA, set SSL_CERT_FILE to its PEM bundle"
    } else if cause.to_lowercase().contains("refused") || cause.contains("dns error") {
        "hint: check the endpoint's host and port (the Seqera API is usually https://HOST/api)"
    } else {
        return cause;
    };
    format!("{cause} ({hint})")
}

/// The hint for a first call answered 404: an endpoint without `/api` reaches the web app.
fn missing_api_hint(endpoint: &str, operation: &str, message: String) -> String {
    if operation == "UserInfo" && !endpoint.trim_end_matches('/').ends_with("/api") {
        format!(
            "{message} (hint: the endpoint {endpoint} does not end in /api; the Seqera API is usually https://HOST/api)"
        )
    } else {
        message
    }
}

/// An error and its sources, joined by `: `.
pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> ApiError {
        status_error(
            "https://x",
            "Op",
            "/p",
            StatusCode::from_u16(code).unwrap(),
            "m".into(),
        )
    }

    #[test]
    fn statuses_map_to_their_kinds() {
        assert_eq!(status(400).kind(), ApiErrorKind::BadRequest);
        assert_eq!(status(401).kind(), ApiErrorKind::Unauthorized);
        assert_eq!(status(403).kind(), ApiErrorKind::Forbidden);
        assert_eq!(status(404).kind(), ApiErrorKind::NotFound);
        assert_eq!(status(409).kind(), ApiErrorKind::Conflict);
        assert_eq!(status(500).kind(), ApiErrorKind::Status);
        let cancelled = ApiError::Cancelled {
            operation: "Op",
            path: "/p".into(),
        };
        assert_eq!(cancelled.kind(), ApiErrorKind::Cancelled);
        assert!(cancelled.is_cancelled());
    }

    #[test]
    fn kinds_serialize_in_kebab_case() {
        let all = [
            (ApiErrorKind::Unauthorized, "unauthorized"),
            (ApiErrorKind::Forbidden, "forbidden"),
            (ApiErrorKind::NotFound, "not-found"),
            (ApiErrorKind::Conflict, "conflict"),
            (ApiErrorKind::BadRequest, "bad-request"),
            (ApiErrorKind::Status, "status"),
            (ApiErrorKind::Unsure, "unsure"),
            (ApiErrorKind::Transport, "transport"),
            (ApiErrorKind::Decode, "decode"),
            (ApiErrorKind::Cancelled, "cancelled"),
        ];
        for (kind, text) in all {
            assert_eq!(serde_json::to_value(kind).unwrap(), text);
        }
    }

    #[test]
    fn the_platform_message_is_kept_and_a_missing_one_falls_back_to_the_reason() {
        let e = status_error(
            "https://x",
            "Op",
            "/p",
            StatusCode::CONFLICT,
            error_message(br#"{"message":"name taken"}"#, StatusCode::CONFLICT),
        );
        assert_eq!(e.message(), "name taken");
        assert_eq!(
            error_message(b"<html>", StatusCode::BAD_GATEWAY),
            "Bad Gateway"
        );
        assert_eq!(
            error_message(br#"{"message":"  "}"#, StatusCode::NOT_FOUND),
            "Not Found"
        );
    }

    #[test]
    fn a_403_that_lists_missing_permissions_names_them() {
        let e = status_error(
            "https://x",
            "CreateWorkspaceParticipant",
            "/p",
            StatusCode::FORBIDDEN,
            error_message(
                br#"{"message":"Forbidden. Missing permission(s): \"workspace:write\", \"label:write\""}"#,
                StatusCode::FORBIDDEN,
            ),
        );
        assert_eq!(e.missing_permissions(), ["workspace:write", "label:write"]);
        assert_eq!(
            e.to_string(),
            "CreateWorkspaceParticipant /p: forbidden by https://x (403): the token's user lacks the permissions workspace:write, label:write"
        );
        let one = missing_permissions(r#"Forbidden. Missing permission(s): "studio:view""#);
        assert_eq!(one, ["studio:view"]);
        let bare = status_error(
            "https://x",
            "Op",
            "/p",
            StatusCode::FORBIDDEN,
            "Forbidden".into(),
        );
        assert!(bare.missing_permissions().is_empty());
        assert_eq!(
            bare.to_string(),
            "Op /p: forbidden by https://x (403): Forbidden"
        );
    }

    #[test]
    fn certificate_and_connection_failures_carry_a_hint() {
        let tls =
            with_hint("error sending request: invalid peer certificate: UnknownIssuer".into());
        assert!(tls.contains("SSL_CERT_FILE"), "{tls}");
        assert!(is_certificate_error("invalid peer certificate: Expired"));
        let refused = with_hint("tcp connect error: Connection refused (os error 111)".into());
        assert!(refused.contains("host and port"), "{refused}");
        assert_eq!(
            with_hint("operation timed out".into()),
            "operation timed out"
        );
    }

    #[test]
    fn a_first_call_answered_404_on_an_endpoint_without_api_says_so() {
        let e = status_error(
            "https://seqera.example.org",
            "UserInfo",
            "/user-info",
            StatusCode::NOT_FOUND,
            "Not Found".into(),
        );
        assert!(e.to_string().contains("does not end in /api"), "{e}");
        let e = status_error(
            "https://seqera.example.org/api",
            "UserInfo",
            "/user-info",
            StatusCode::NOT_FOUND,
            "Not Found".into(),
        );
        assert!(!e.to_string().contains("hint"), "{e}");
    }
}
