//! The Seqera Platform REST client: typed calls (one per operationId of docs/seqera-api.md section 6),
//! full paginated listings, client-side pacing, bounded concurrency, retries with exponential
//! backoff and full jitter, and cancellation. It knows nothing about YAML, plans or the desired
//! state.
//!
//! This file is only the facade: it names the parts and re-exports the public API.
//! - `transport.rs`: [`Client`], [`ClientConfig`]: sending, pacing, permits, cancellation,
//!   pagination;
//! - `pacer.rs`: the adaptive pacer (burst 1, AIMD on 429s, `Retry-After` pauses) shared by
//!   a client's clones;
//! - `retry.rs`: [`RetryPolicy`] and the pure [`decide`] (what follows a failed attempt);
//! - `error.rs`: [`ApiError`], [`ApiErrorKind`], [`ClientError`];
//! - the typed calls by area: `user.rs`, `orgs.rs` (with members and collaborators), `teams.rs`,
//!   `idp.rs` (the IdP group catalogue and SCIM configuration, read-only),
//!   `workspaces.rs` (with Studios settings and labels), `participants.rs`, `roles.rs` (custom
//!   roles, the permission catalogue and the org's quotas);
//! - [`dto`]: the wire types.
//!
//! The token is a [`secrecy::SecretString`]: it is sent only as the `Authorization` header and
//! never appears in `Debug` output, logs or errors.

pub mod dto;
mod error;
mod idp;
mod orgs;
mod pacer;
mod participants;
mod retry;
mod roles;
mod teams;
mod transport;
mod user;
mod workspaces;

#[cfg(test)]
mod loopback_tests;

pub use error::{ApiError, ApiErrorKind, ClientError};
pub use retry::{
    Attempt, CallKind, Decision, Failure, RETRY_AFTER_JITTER, RetryPolicy, decide,
    parse_retry_after,
};
pub use tokio_util::sync::CancellationToken;
pub use transport::{Client, ClientConfig};

/// The Seqera Cloud API endpoint, used when nothing else is configured.
pub const CLOUD_ENDPOINT: &str = "https://api.cloud.seqera.io";

/// Whether `endpoint` is Seqera Cloud's API (`api.cloud.seqera.io`, or the legacy
/// `api.tower.nf`), for a platform whose service info does not say.
pub fn is_cloud_endpoint(endpoint: &str) -> bool {
    let rest = endpoint
        .trim()
        .strip_prefix("https://")
        .unwrap_or(endpoint.trim());
    let host = rest.split(['/', ':']).next().unwrap_or("");
    host.eq_ignore_ascii_case("api.cloud.seqera.io") || host.eq_ignore_ascii_case("api.tower.nf")
}

/// The largest page the API accepts.
pub const PAGE_SIZE: usize = 100;
