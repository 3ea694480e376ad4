//! Tests of the transport against a scripted HTTP server on loopback: cancellation stops new
//! requests and retries (and pacer pauses), and leaves a request in flight alone; 429s are
//! retried past the attempt budget and pause every call; requests leave one interval apart. The
//! server counts what it gets and when, so "sends nothing" is checked where the requests would
//! arrive.
//!
//! The server speaks just enough HTTP/1.1 for reqwest; it must not grow into an emulator.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use super::*;

/// One scripted answer: status, extra header lines, body, and a delay before answering.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: &'static str,
    body: &'static str,
    delay: Duration,
}

const ORGS: &str = r#"{"organizations":[{"orgId":1,"name":"acme"}],"totalSize":1}"#;

fn ok(body: &'static str) -> Answer {
    Answer {
        status: 200,
        headers: "",
        body,
        delay: Duration::ZERO,
    }
}

struct Server {
    endpoint: String,
    requests: Arc<AtomicUsize>,
    arrived: Arc<Notify>,
    /// When each request arrived, in order.
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

/// Serve `script(n)` to the n-th request (0-based), on every connection.
async fn serve(script: impl Fn(usize) -> Answer + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let arrived = Arc::new(Notify::new());
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(script);
    let (count, notify, times) = (requests.clone(), arrived.clone(), arrivals.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (count, notify, script, times) =
                (count.clone(), notify.clone(), script.clone(), times.clone());
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                loop {
                    // Request line and headers, then the body by Content-Length.
                    let mut length = 0usize;
                    let mut saw_any = false;
                    loop {
                        let mut line = String::new();
                        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" && saw_any {
                            break;
                        }
                        saw_any = true;
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if stream.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    times.lock().unwrap().push(Instant::now());
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    notify.notify_one();
                    let a = script(n);
                    tokio::time::sleep(a.delay).await;
                    let response = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n{}",
                        a.status,
                        a.body.len(),
                        a.headers,
                        a.body
                    );
                    if stream
                        .get_mut()
                        .write_all(response.as_bytes())
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Server {
        endpoint,
        requests,
        arrived,
        arrivals,
    }
}

fn client(endpoint: &str) -> Client {
    Client::new(ClientConfig {
        endpoint: endpoint.to_string(),
        token: SecretString::from("t0ken".to_string()),
        parallelism: 4,
        rate: 1000.0,
        retry: RetryPolicy {
            initial: Duration::from_millis(10),
            max_interval: Duration::from_millis(50),
            max_attempts: 8,
            max_elapsed: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        },
    })
    .unwrap()
}

#[tokio::test]
async fn a_cancelled_client_sends_nothing() {
    let server = serve(|_| ok(ORGS)).await;
    let live = client(&server.endpoint);
    // The same client, uncancelled, reaches the server: the count below is not vacuous.
    assert_eq!(live.list_orgs().await.unwrap().len(), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);

    let token = CancellationToken::new();
    let stopped = live.clone().with_cancellation(token.clone());
    token.cancel();
    let errors = [
        stopped.list_orgs().await.unwrap_err(),
        stopped.list_members(1).await.unwrap_err(),
        stopped
            .create_team(1, "t", None, None)
            .await
            .expect_err("a create must not be sent either"),
        stopped.delete_team(1, 2).await.unwrap_err(),
    ];
    for e in &errors {
        assert_eq!(e.kind(), ApiErrorKind::Cancelled, "{e}");
    }
    assert!(matches!(
        &errors[3],
        ApiError::Cancelled { operation: "DeleteOrganizationTeam", path } if path == "/orgs/1/teams/2"
    ));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "nothing was sent"
    );
    assert_eq!(live.calls(), 1, "the shared call count saw nothing either");
    assert!(stopped.cancellation().is_cancelled());
    assert!(!live.cancellation().is_cancelled());
}

#[tokio::test]
async fn cancellation_cuts_a_retry_backoff_short() {
    // 503 with Retry-After: 30 makes the client wait 30 s before its retry.
    let server = serve(|_| Answer {
        status: 503,
        headers: "retry-after: 30\r\n",
        body: r#"{"message":"busy"}"#,
        delay: Duration::ZERO,
    })
    .await;
    let token = CancellationToken::new();
    let c = client(&server.endpoint).with_cancellation(token.clone());
    let arrived = server.arrived.notified();
    let call = tokio::spawn(async move { c.list_orgs().await });
    tokio::time::timeout(Duration::from_secs(10), arrived)
        .await
        .expect("the first request arrives");
    // Let the client read the 503 and enter its backoff, then cancel.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cancelled_at = Instant::now();
    token.cancel();
    let result = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call returns well before its 30 s backoff ends")
        .unwrap();
    assert!(cancelled_at.elapsed() < Duration::from_secs(10));
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ApiErrorKind::Cancelled, "{e}");
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "no retry was sent after the cancellation"
    );
}

#[tokio::test]
async fn a_request_in_flight_is_left_to_finish() {
    let server = serve(|_| Answer {
        delay: Duration::from_millis(300),
        ..ok(ORGS)
    })
    .await;
    let token = CancellationToken::new();
    let c = client(&server.endpoint).with_cancellation(token.clone());
    let arrived = server.arrived.notified();
    let call = tokio::spawn(async move { c.list_orgs().await });
    tokio::time::timeout(Duration::from_secs(10), arrived)
        .await
        .expect("the request arrives");
    token.cancel();
    let orgs = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call ends")
        .unwrap()
        .expect("the answer to a request already sent is still read");
    assert_eq!(orgs[0].name, "acme");
}

#[tokio::test]
async fn a_retry_follows_a_503_when_not_cancelled() {
    // The counterpart of the backoff test: the same fault without cancellation is retried.
    let server = serve(|n| {
        if n == 0 {
            Answer {
                status: 503,
                headers: "",
                body: "",
                delay: Duration::ZERO,
            }
        } else {
            ok(ORGS)
        }
    })
    .await;
    let c = client(&server.endpoint);
    assert_eq!(c.list_orgs().await.unwrap().len(), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    assert_eq!(c.calls(), 2);
}

#[test]
fn a_bad_configuration_is_a_typed_error() {
    let base = || ClientConfig {
        endpoint: "http://127.0.0.1:1".to_string(),
        token: SecretString::from("t".to_string()),
        parallelism: 1,
        rate: 1.0,
        retry: RetryPolicy::default(),
    };
    let e = Client::new(ClientConfig {
        endpoint: "http://example.com".to_string(),
        ..base()
    })
    .unwrap_err();
    assert!(matches!(e, ClientError::Endpoint(_)), "{e}");
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = Client::new(ClientConfig { rate, ..base() }).unwrap_err();
        assert!(matches!(e, ClientError::Rate(_)), "{e}");
        assert!(
            e.to_string()
                .starts_with("the request rate must be positive")
        );
    }
}

fn too_many(retry_after: &'static str) -> Answer {
    Answer {
        status: 429,
        headers: retry_after,
        body: r#"{"message":"Too many requests"}"#,
        delay: Duration::ZERO,
    }
}

#[tokio::test]
async fn a_429_storm_is_retried_past_the_attempt_budget() {
    // Ten 429s, with a budget of three failures: 429s are not failures.
    let server = serve(|n| {
        if n < 10 {
            too_many("retry-after: 0\r\n")
        } else {
            ok(ORGS)
        }
    })
    .await;
    let c = Client::new(ClientConfig {
        retry: RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        },
        ..config(&server.endpoint)
    })
    .unwrap();
    assert_eq!(c.list_orgs().await.unwrap().len(), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 11);
    assert_eq!(c.calls(), 11);
    assert_eq!(c.throttled(), 10);
    assert!(
        c.pace() < 1000.0 * 0.95 / 2.0,
        "the pace came down: {}",
        c.pace()
    );
}

#[tokio::test]
async fn a_retry_after_pauses_every_call_and_cancellation_cuts_the_pause_short() {
    let server = serve(|_| too_many("retry-after: 30\r\n")).await;
    let token = CancellationToken::new();
    let c = client(&server.endpoint).with_cancellation(token.clone());
    let arrived = server.arrived.notified();
    let first = tokio::spawn({
        let c = c.clone();
        async move { c.list_orgs().await.map(|_| ()) }
    });
    tokio::time::timeout(Duration::from_secs(10), arrived)
        .await
        .expect("the first request arrives");
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Another call, on a clone, waits for the pause rather than hitting the limit too.
    let second = tokio::spawn({
        let c = c.clone();
        async move { c.list_members(1).await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "the second call is held by the first call's Retry-After"
    );
    let cancelled_at = Instant::now();
    token.cancel();
    for call in [first, second] {
        let e = tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .expect("the call returns well before the 30 s pause ends")
            .unwrap()
            .unwrap_err();
        assert_eq!(e.kind(), ApiErrorKind::Cancelled, "{e}");
    }
    assert!(cancelled_at.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn requests_leave_one_interval_apart_without_a_burst() {
    let server = serve(|_| ok(ORGS)).await;
    // 20/s configured: 19/s paced, 52.6 ms apart, from the very first request.
    let c = Client::new(ClientConfig {
        rate: 20.0,
        parallelism: 8,
        ..config(&server.endpoint)
    })
    .unwrap();
    let calls: Vec<_> = (0..12)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.list_orgs().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let times = server.arrivals.lock().unwrap().clone();
    assert_eq!(times.len(), 12);
    // Arrivals add jitter to the send-time spacing (a loaded machine delays one request and
    // not the next), so check spans, not single gaps: any three requests span two intervals
    // (105 ms paced) less one delay, and a burst would put them within a few milliseconds.
    for w in times.windows(3) {
        let span = w[2] - w[0];
        assert!(
            span >= Duration::from_millis(60),
            "{span:?} across three requests"
        );
    }
    assert!(
        times[11] - times[0] >= Duration::from_millis(10 * 50),
        "12 requests span 11 intervals, less a delay of the first"
    );
}

/// The settings of [`client`], as a config to vary.
fn config(endpoint: &str) -> ClientConfig {
    ClientConfig {
        endpoint: endpoint.to_string(),
        token: SecretString::from("t0ken".to_string()),
        parallelism: 4,
        rate: 1000.0,
        retry: RetryPolicy {
            initial: Duration::from_millis(10),
            max_interval: Duration::from_millis(50),
            max_attempts: 8,
            max_elapsed: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        },
    }
}
