//! The transport of the Seqera client: one [`Client`] per endpoint and token, which sends a
//! request with the bearer token, paces requests (the shared adaptive pacer of `pacer.rs`, told
//! of every success and 429), bounds the calls in flight (a semaphore), carries out the retry
//! [`decide`]d after each failure, stops starting requests and retries once its
//! [`CancellationToken`] is cancelled, and reads paginated listings in full.
//!
//! It must not know any endpoint's path or body (the area files do), nor decide by itself whether
//! a failure is retried (`retry.rs` does). The token is sent only as the `Authorization` header:
//! never in `Debug` output, logs or errors.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::PAGE_SIZE;
use super::error::{
    ApiError, ClientError, error_chain, error_message, status_error, transport_failure, with_hint,
};
use super::pacer::Pacer;
use super::retry::{Attempt, CallKind, Decision, Failure, RetryPolicy, decide, parse_retry_after};

/// Settings of a client.
#[derive(Debug)]
pub struct ClientConfig {
    /// API base URL, e.g. `https://api.cloud.seqera.io` or `https://HOST/api`.
    pub endpoint: String,
    pub token: SecretString,
    /// Calls in flight at once.
    pub parallelism: usize,
    /// Requests per second: the pace starts a little below this (see `pacer.rs`), slows down on
    /// 429s and recovers up to it.
    pub rate: f64,
    pub retry: RetryPolicy,
}

struct Inner {
    http: reqwest::Client,
    /// The endpoint without a trailing slash.
    base: String,
    token: SecretString,
    pacer: Pacer,
    permits: Semaphore,
    retry: RetryPolicy,
    calls: AtomicU64,
    throttled: AtomicU64,
}

/// A client of one Seqera Platform endpoint with one token. Cheap to clone; clones share the
/// pacing, the permits, the call count and the cancellation token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    cancel: CancellationToken,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.base)
            .field("token", &"[redacted]")
            .field("cancelled", &self.cancel.is_cancelled())
            .finish()
    }
}

/// A response body, decoded on demand.
pub(super) struct Body(bytes::Bytes);

impl Body {
    pub(super) fn decode<T: DeserializeOwned>(
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

/// A delete of something already gone counts as done.
pub(super) fn gone_is_ok(r: Result<Body, ApiError>) -> Result<(), ApiError> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ClientError> {
        crate::endpoint::check(&config.endpoint)?;
        // reqwest is built without a bundled crypto provider; install ring's once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("roster/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ClientError::Http(e.to_string()))?;
        if !(config.rate.is_finite() && config.rate > 0.0) {
            return Err(ClientError::Rate(config.rate));
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: config.endpoint.trim_end_matches('/').to_string(),
                token: config.token,
                pacer: Pacer::new(config.rate),
                permits: Semaphore::new(config.parallelism.max(1)),
                retry: config.retry,
                calls: AtomicU64::new(0),
                throttled: AtomicU64::new(0),
            }),
            cancel: CancellationToken::new(),
        })
    }

    /// This client, stopped by `token`: once it is cancelled no new request and no new retry
    /// starts (the call returns [`ApiError::Cancelled`], and a backoff in progress is cut short);
    /// a request already sent is left to finish or time out. Without it, a client is never
    /// cancelled.
    pub fn with_cancellation(self, token: CancellationToken) -> Client {
        Client {
            inner: self.inner,
            cancel: token,
        }
    }

    /// The token that cancels this client.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &str {
        &self.inner.base
    }

    /// How many HTTP requests this client has sent (retries included).
    pub fn calls(&self) -> u64 {
        self.inner.calls.load(Ordering::Relaxed)
    }

    /// How many of those requests were answered `429 Too Many Requests`.
    pub fn throttled(&self) -> u64 {
        self.inner.throttled.load(Ordering::Relaxed)
    }

    /// The pace now, in requests per second (it adapts to 429s).
    pub fn pace(&self) -> f64 {
        self.inner.pacer.rate()
    }

    /// One API call, retried as [`decide`] says.
    pub(super) async fn call<B: Serialize + ?Sized>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        kind: CallKind,
    ) -> Result<Body, ApiError> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base, path);
        let cancelled = || ApiError::Cancelled {
            operation,
            path: path.to_string(),
        };
        let start = Instant::now();
        let (mut failures, mut throttles) = (0u32, 0u32);
        loop {
            let (sent, outcome) = {
                // Waiting for a permit or for the pacer starts nothing: cancellation ends it.
                let _permit = tokio::select! {
                    biased;
                    _ = self.cancel.cancelled() => return Err(cancelled()),
                    p = inner.permits.acquire() => p.expect("semaphore never closed"),
                };
                let sent = tokio::select! {
                    biased;
                    _ = self.cancel.cancelled() => return Err(cancelled()),
                    sent = inner.pacer.wait() => sent,
                };
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
                // Once sent, a request is not interrupted: it finishes or times out.
                let outcome = match req.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        let retry_after = resp
                            .headers()
                            .get(reqwest::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| parse_retry_after(v, SystemTime::now()));
                        match resp.bytes().await {
                            Ok(bytes) => Ok((status, retry_after, bytes)),
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => Err(e),
                };
                (sent, outcome)
            };
            let throttled = matches!(&outcome, Ok((status, ..)) if status.as_u16() == 429);
            if throttled {
                throttles += 1;
            } else if !matches!(&outcome, Ok((status, ..)) if status.is_success()) {
                failures += 1;
            }
            let attempt = Attempt {
                failures,
                throttles,
                elapsed: start.elapsed(),
                jitter: rand::random::<f64>(),
            };
            let (decision, failed) = match outcome {
                Ok((status, retry_after, bytes)) => {
                    tracing::debug!(operation, %method, path, status = status.as_u16(), failures, throttles, "api call");
                    if status.is_success() {
                        inner.pacer.succeeded();
                        return Ok(Body(bytes));
                    }
                    if throttled {
                        inner.throttled.fetch_add(1, Ordering::Relaxed);
                        let pause = retry_after.map(|ra| ra.min(inner.retry.max_retry_after));
                        inner.pacer.throttled(sent, pause);
                    }
                    let failure = Failure::Status {
                        status: status.as_u16(),
                        retry_after,
                    };
                    let decision = decide(&inner.retry, failure, attempt, kind);
                    if let Decision::Retry { after } = decision {
                        tracing::info!(
                            operation,
                            path,
                            status = status.as_u16(),
                            wait = ?after,
                            "retrying"
                        );
                    }
                    let message = error_message(&bytes, status);
                    let error = match decision {
                        Decision::Unsure => ApiError::Unsure {
                            operation,
                            path: path.to_string(),
                            cause: format!("HTTP {}: {message}", status.as_u16()),
                        },
                        _ => status_error(&inner.base, operation, path, status, message),
                    };
                    (decision, error)
                }
                Err(e) => {
                    tracing::debug!(operation, path, error = %e, failures, "transport error");
                    let failure = transport_failure(&e);
                    let decision = decide(&inner.retry, failure, attempt, kind);
                    let cause = with_hint(error_chain(&e));
                    let error = match decision {
                        Decision::Unsure => ApiError::Unsure {
                            operation,
                            path: path.to_string(),
                            cause,
                        },
                        _ => ApiError::Transport {
                            endpoint: inner.base.clone(),
                            operation,
                            path: path.to_string(),
                            cause,
                        },
                    };
                    (decision, error)
                }
            };
            match decision {
                Decision::Retry { after } => {
                    tokio::select! {
                        biased;
                        _ = self.cancel.cancelled() => return Err(cancelled()),
                        _ = tokio::time::sleep(after) => {}
                    }
                }
                Decision::GiveUp | Decision::Unsure => return Err(failed),
            }
        }
    }

    /// A `GET`, decoded.
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let body = self
            .call::<()>(
                operation,
                Method::GET,
                path,
                query,
                None,
                CallKind::Idempotent,
            )
            .await?;
        body.decode(operation, path)
    }

    /// A call without query parameters.
    pub(super) async fn send<B: Serialize + ?Sized>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Option<&B>,
        kind: CallKind,
    ) -> Result<Body, ApiError> {
        self.call(operation, method, path, &[], body, kind).await
    }

    /// Every item of a paginated listing: pages of 100 until a short or empty page, or until the
    /// offset reaches `totalSize`. `query` comes before `max` and `offset`.
    ///
    /// Once the first page is in and reports a positive `totalSize`, the pages still needed are
    /// known, so pages 2…N are requested concurrently (still paced and bounded by the permits):
    /// a 30-page listing costs one round trip after the first instead of 29. They are merged in
    /// offset order, and the listing is cut at the first short page, exactly as the sequential
    /// loop would have read it; if the listing grew meanwhile the loop goes on sequentially from
    /// there. The number of calls is the same as one page after another.
    pub(super) async fn list_all<R: DeserializeOwned, T>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&'static str, String)],
        split: impl Fn(R) -> (Vec<T>, Option<i64>),
    ) -> Result<Vec<T>, ApiError> {
        let page_query = |offset: usize| {
            let mut q = query.to_vec();
            q.push(("max", PAGE_SIZE.to_string()));
            q.push(("offset", offset.to_string()));
            q
        };
        let first: R = self.get(operation, path, &page_query(0)).await?;
        let (mut out, mut total) = split(first);
        let mut offset = out.len();
        let done = |n: usize, offset: usize, total: Option<i64>| {
            n < PAGE_SIZE || total.is_some_and(|t| t > 0 && offset as i64 >= t)
        };
        if done(out.len(), offset, total) {
            return Ok(out);
        }
        if let Some(t) = total.filter(|t| *t > 0) {
            let offsets: Vec<usize> = (1..)
                .map(|k| k * PAGE_SIZE)
                .take_while(|o| (*o as i64) < t)
                .collect();
            let mut tasks = tokio::task::JoinSet::new();
            for (i, o) in offsets.iter().enumerate() {
                let (client, path, q) = (self.clone(), path.to_string(), page_query(*o));
                tasks.spawn(async move {
                    let body = client
                        .call::<()>(
                            operation,
                            Method::GET,
                            &path,
                            &q,
                            None,
                            CallKind::Idempotent,
                        )
                        .await;
                    (i, body)
                });
            }
            let mut bodies: Vec<Option<Body>> = (0..offsets.len()).map(|_| None).collect();
            while let Some(joined) = tasks.join_next().await {
                let (i, body) = joined.map_err(|e| ApiError::Transport {
                    endpoint: self.inner.base.clone(),
                    operation,
                    path: path.to_string(),
                    cause: format!("page reader task: {e}"),
                })?;
                bodies[i] = Some(body?);
            }
            for body in bodies.into_iter().flatten() {
                let (items, t) = split(body.decode(operation, path)?);
                let n = items.len();
                out.extend(items);
                offset += n;
                total = t;
                if done(n, offset, total) {
                    return Ok(out);
                }
            }
        }
        // No usable `totalSize`, or the listing grew while it was read: one page after another.
        loop {
            let page: R = self.get(operation, path, &page_query(offset)).await?;
            let (items, total) = split(page);
            let n = items.len();
            out.extend(items);
            offset += n;
            if done(n, offset, total) {
                return Ok(out);
            }
        }
    }

    /// One page of a listing from `offset`: its items and the `totalSize` it reports.
    pub(super) async fn list_page<R: DeserializeOwned, T>(
        &self,
        operation: &'static str,
        path: &str,
        query: &[(&'static str, String)],
        offset: usize,
        split: impl Fn(R) -> (Vec<T>, Option<i64>),
    ) -> Result<(Vec<T>, Option<i64>), ApiError> {
        let mut q = query.to_vec();
        q.push(("max", PAGE_SIZE.to_string()));
        q.push(("offset", offset.to_string()));
        let page: R = self.get(operation, path, &q).await?;
        Ok(split(page))
    }
}
