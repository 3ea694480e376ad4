//! The BaseSpace Sequence Hub client: read-only calls of the BSSH v2 API, one client per region
//! (each region is an instance with its own host and token). It calls exactly three operations,
//! which are all the API offers about workgroups: `GET /v2/users/current`,
//! `GET /v2/users/{id}/workgroups` (every page) and `GET /v2/workgroups/{id}`. It has no method
//! that writes, because the API has no workgroup write (docs/basespace.md).
//!
//! It refuses an endpoint that is not https, except plain http to loopback (the emulator), by
//! the one rule of [`crate::endpoint`]. The token is a [`SecretString`] sent only as the
//! `x-access-token` header (the swagger's `api_key`): never in a URL, `Debug` output, log or
//! error. Reads are retried a few times on 429 and 5xx answers and on lost connections.
//!
//! It must not know about YAML or plans.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

pub mod dto;
mod error;

pub use error::{BsApiError, BsClientError};

use dto::{V2Error, V2User, V2Workgroup, V2WorkgroupList};

/// Items asked for per listing page.
pub const PAGE_SIZE: usize = 100;
/// A listing that has not ended after this many pages is refused (a server that ignores
/// `offset` would otherwise be read forever).
const MAX_PAGES: usize = 1_000;
/// Attempts of one read (the first and its retries).
const ATTEMPTS: u32 = 3;

/// Settings of a client.
pub struct BsClientConfig {
    /// The region's API host, e.g. `https://api.basespace.illumina.com` (calls go to
    /// `{endpoint}/v2/…`).
    pub endpoint: String,
    pub token: SecretString,
    /// Pause before the first retry (doubled before the next).
    pub backoff: Duration,
}

/// A client of one BaseSpace region's API with one token. Cheap to clone.
#[derive(Clone)]
pub struct BsClient {
    http: reqwest::Client,
    base: String,
    token: SecretString,
    backoff: Duration,
    calls: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for BsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BsClient")
            .field("endpoint", &self.base)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl BsClient {
    pub fn new(config: BsClientConfig) -> Result<BsClient, BsClientError> {
        crate::endpoint::check(&config.endpoint)?;
        // reqwest is built without a bundled crypto provider; install ring's once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("roster/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BsClientError::Http(e.to_string()))?;
        Ok(BsClient {
            http,
            base: config.endpoint.trim_end_matches('/').to_string(),
            token: config.token,
            backoff: config.backoff,
            calls: Default::default(),
        })
    }

    /// The region's API host, as configured (without a trailing slash).
    pub fn endpoint(&self) -> &str {
        &self.base
    }

    /// Requests sent so far (retries included).
    pub fn calls(&self) -> u64 {
        self.calls.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `GetV2UsersCurrent`: the token's user (or workgroup context).
    pub async fn current_user(&self) -> Result<V2User, BsApiError> {
        self.get("GetV2UsersCurrent", "/v2/users/current", &[])
            .await
    }

    /// `GetV2UsersIdWorkgroups`, every page: the workgroups user `id` belongs to, active or not,
    /// with their subscriptions.
    pub async fn workgroups(&self, id: &str) -> Result<Vec<V2Workgroup>, BsApiError> {
        let path = format!("/v2/users/{}/workgroups", segment(id));
        let mut out = Vec::new();
        for page in 0..MAX_PAGES {
            let offset = (page * PAGE_SIZE).to_string();
            let limit = PAGE_SIZE.to_string();
            let query = [
                ("includeloggedinuser", "false"),
                ("activeonly", "false"),
                ("refreshcache", "false"),
                ("includesubscription", "true"),
                ("sortby", "Id"),
                ("sortdir", "Asc"),
                ("offset", offset.as_str()),
                ("limit", limit.as_str()),
            ];
            let list: V2WorkgroupList = self.get("GetV2UsersIdWorkgroups", &path, &query).await?;
            let got = list.items.len();
            out.extend(list.items);
            let total = list
                .paging
                .and_then(|p| p.total_count)
                .map(|t| t.max(0) as usize);
            let done = match total {
                Some(t) => out.len() >= t || got == 0,
                None => got < PAGE_SIZE,
            };
            if done {
                return Ok(out);
            }
        }
        Err(BsApiError::Unbounded {
            operation: "GetV2UsersIdWorkgroups",
            path,
            pages: MAX_PAGES,
        })
    }

    /// `GetV2WorkgroupsId`: one workgroup's metadata.
    pub async fn workgroup(&self, id: &str) -> Result<V2Workgroup, BsApiError> {
        let path = format!("/v2/workgroups/{}", segment(id));
        self.get("GetV2WorkgroupsId", &path, &[]).await
    }

    /// GET `path` with `query`, retried on 429, 5xx and lost connections.
    async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, BsApiError> {
        let url = format!("{}{path}", self.base);
        let mut pause = self.backoff;
        let mut attempt = 1;
        loop {
            self.calls
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let sent = self
                .http
                .get(&url)
                .query(query)
                .header("x-access-token", self.token.expose_secret())
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await;
            let retry = match sent {
                Err(e) => {
                    let err = BsApiError::Transport {
                        endpoint: self.base.clone(),
                        operation,
                        path: path.to_string(),
                        cause: transport_cause(&e),
                    };
                    if attempt >= ATTEMPTS || !(e.is_connect() || e.is_timeout()) {
                        return Err(err);
                    }
                    err
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let bytes = resp.bytes().await.map_err(|e| BsApiError::Transport {
                        endpoint: self.base.clone(),
                        operation,
                        path: path.to_string(),
                        cause: transport_cause(&e),
                    })?;
                    if (200..300).contains(&status) {
                        return serde_json::from_slice(&bytes).map_err(|e| BsApiError::Decode {
                            operation,
                            path: path.to_string(),
                            cause: e.to_string(),
                        });
                    }
                    let message = error_message(&bytes);
                    let err = match status {
                        401 => BsApiError::Unauthorized {
                            endpoint: self.base.clone(),
                            operation,
                        },
                        404 => BsApiError::NotFound {
                            operation,
                            path: path.to_string(),
                            message,
                        },
                        _ => BsApiError::Status {
                            operation,
                            path: path.to_string(),
                            status,
                            message,
                        },
                    };
                    let transient = status == 429 || (500..600).contains(&status);
                    if !transient || attempt >= ATTEMPTS {
                        return Err(err);
                    }
                    err
                }
            };
            tracing::debug!(%operation, attempt, "retrying BaseSpace read: {retry}");
            tokio::time::sleep(pause).await;
            pause *= 2;
            attempt += 1;
        }
    }
}

/// An id as one path segment: the API's ids are digits, but nothing else may change the path.
fn segment(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32 & 0xff)
            }
        })
        .collect()
}

/// The message of a `V2Error` body, or the start of whatever else came back.
fn error_message(bytes: &[u8]) -> String {
    if let Ok(e) = serde_json::from_slice::<V2Error>(bytes)
        && let Some(m) = e.error_message.or(e.error_code)
    {
        return printable(&m);
    }
    printable(&String::from_utf8_lossy(bytes))
}

/// At most 200 characters of a server's text, without control characters.
fn printable(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out.trim().to_string()
}

/// A transport error and its causes (the URL it names holds no token: that is a header).
fn transport_cause(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests;
