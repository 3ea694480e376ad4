//! The errors of the BaseSpace client: a client that cannot be built ([`BsClientError`]), and a
//! call that failed ([`BsApiError`]), naming the operation, the request path and the host. None
//! carries the token: it exists only in the request header.

use crate::endpoint::EndpointError;

/// Why a BaseSpace client was not built.
#[derive(Debug, thiserror::Error)]
pub enum BsClientError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The HTTP stack could not be built (TLS setup); the text is reqwest's.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}

/// A BSSH call that failed.
#[derive(Debug, thiserror::Error)]
pub enum BsApiError {
    #[error(
        "token rejected by {endpoint} ({operation} answered 401): make a token for this region with `bs auth --api-server {endpoint}`"
    )]
    Unauthorized {
        endpoint: String,
        operation: &'static str,
    },
    #[error("{operation} {path}: not found (404){}", with_message(message))]
    NotFound {
        operation: &'static str,
        path: String,
        message: String,
    },
    #[error("{operation} {path}: HTTP {status}{}", with_message(message))]
    Status {
        operation: &'static str,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{operation} {path}: cannot reach {endpoint}: {cause}")]
    Transport {
        endpoint: String,
        operation: &'static str,
        path: String,
        cause: String,
    },
    #[error("{operation} {path}: the answer is not what the BSSH v2 API returns: {cause}")]
    Decode {
        operation: &'static str,
        path: String,
        cause: String,
    },
    #[error("{operation} {path}: the listing did not end after {pages} pages")]
    Unbounded {
        operation: &'static str,
        path: String,
        pages: usize,
    },
}

fn with_message(m: &str) -> String {
    if m.is_empty() {
        String::new()
    } else {
        format!(": {m}")
    }
}

impl BsApiError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, BsApiError::NotFound { .. })
    }
}
