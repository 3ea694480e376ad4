//! The BaseSpace client against recorded-shape answers (tests/fixtures/basespace-api/recorded/)
//! served by a scripted HTTP server on loopback, which also records what it received: the token
//! arrives only in the `x-access-token` header, never in a URL, and the listing asks for what
//! the swagger requires.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::*;

const TOKEN: &str = "bs-secret-token-1234";

fn recorded(name: &str) -> &'static str {
    match name {
        "users_current" => {
            include_str!("../../../tests/fixtures/basespace-api/recorded/users_current.json")
        }
        "users_current_workgroup" => {
            include_str!(
                "../../../tests/fixtures/basespace-api/recorded/users_current_workgroup.json"
            )
        }
        "page1" => include_str!(
            "../../../tests/fixtures/basespace-api/recorded/users_workgroups_page1.json"
        ),
        "page2" => include_str!(
            "../../../tests/fixtures/basespace-api/recorded/users_workgroups_page2.json"
        ),
        "workgroup" => {
            include_str!("../../../tests/fixtures/basespace-api/recorded/workgroup.json")
        }
        "401" => include_str!("../../../tests/fixtures/basespace-api/recorded/error_401.json"),
        "404" => include_str!("../../../tests/fixtures/basespace-api/recorded/error_404.json"),
        other => panic!("no recording {other}"),
    }
}

/// A request as the server saw it: the request line and the headers (lower-cased names).
#[derive(Debug, Clone)]
struct Seen {
    line: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Serve `route(request line, n-th request)` → (status, body) on loopback.
async fn serve(
    route: impl Fn(&str, usize) -> (u16, &'static str) + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let route = Arc::new(route);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (log, route) = (log.clone(), route.clone());
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut headers = Vec::new();
                    let mut length = 0usize;
                    loop {
                        let mut h = String::new();
                        stream.read_line(&mut h).await.unwrap();
                        let h = h.trim_end();
                        if h.is_empty() {
                            break;
                        }
                        if let Some((n, v)) = h.split_once(':') {
                            let n = n.trim().to_ascii_lowercase();
                            if n == "content-length" {
                                length = v.trim().parse().unwrap_or(0);
                            }
                            headers.push((n, v.trim().to_string()));
                        }
                    }
                    let mut body = vec![0; length];
                    stream.read_exact(&mut body).await.unwrap();
                    let n = {
                        let mut l = log.lock().unwrap();
                        l.push(Seen {
                            line: line.trim_end().to_string(),
                            headers,
                        });
                        l.len() - 1
                    };
                    let (status, body) = route(line.trim_end(), n);
                    let resp = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.get_mut().write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (endpoint, seen)
}

fn client(endpoint: &str) -> BsClient {
    BsClient::new(BsClientConfig {
        endpoint: endpoint.to_string(),
        token: SecretString::from(TOKEN),
        backoff: Duration::from_millis(1),
    })
    .unwrap()
}

#[tokio::test]
async fn the_current_user_reads_personal_and_workgroup_context_tokens() {
    let (endpoint, seen) = serve(|line, n| match n {
        0 => {
            assert!(line.starts_with("GET /v2/users/current "), "{line}");
            (200, recorded("users_current"))
        }
        _ => (200, recorded("users_current_workgroup")),
    })
    .await;
    let c = client(&endpoint);
    let me = c.current_user().await.unwrap();
    assert_eq!(me.id.as_deref(), Some("18470731"));
    assert_eq!(me.email.as_deref(), Some("pi.smith@uq.edu.au"));
    assert_eq!(me.is_workgroup, Some(false));
    let ctx = c.current_user().await.unwrap();
    assert_eq!(ctx.is_workgroup, Some(true));
    let person = ctx.logged_in_user.unwrap();
    assert_eq!(person.id.as_deref(), Some("18470731"));
    let seen = seen.lock().unwrap();
    for s in seen.iter() {
        assert_eq!(s.header("x-access-token"), Some(TOKEN));
        assert!(!s.line.contains(TOKEN), "the token is never in a URL");
        assert!(s.header("authorization").is_none());
    }
}

#[tokio::test]
async fn a_listing_reads_every_page_with_the_parameters_the_swagger_requires() {
    let (endpoint, seen) = serve(|line, _| {
        if line.contains("offset=0") {
            (200, recorded("page1"))
        } else {
            (200, recorded("page2"))
        }
    })
    .await;
    let wgs = client(&endpoint).workgroups("18470731").await.unwrap();
    let names: Vec<_> = wgs.iter().map(|w| w.name.clone().unwrap()).collect();
    assert_eq!(
        names,
        [
            "smith-lab-sequencing",
            "imb-genomics-core",
            "old-pilot-2022"
        ]
    );
    assert_eq!(
        wgs[1].subscription.as_ref().unwrap().plan.as_deref(),
        Some("Enterprise")
    );
    assert_eq!(wgs[2].subscription.as_ref().unwrap().is_active, Some(false));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "two pages, then done: {seen:?}");
    for required in [
        "includeloggedinuser=",
        "activeonly=false",
        "refreshcache=",
        "includesubscription=true",
    ] {
        assert!(
            seen[0].line.contains(required),
            "{required}: {}",
            seen[0].line
        );
    }
    assert!(
        seen[0]
            .line
            .starts_with("GET /v2/users/18470731/workgroups?")
    );
}

#[tokio::test]
async fn a_workgroup_s_metadata_and_the_errors_of_a_call() {
    let (endpoint, _) = serve(|line, _| {
        if line.contains("/v2/workgroups/30218854") {
            (200, recorded("workgroup"))
        } else if line.contains("/v2/workgroups/") {
            (404, recorded("404"))
        } else {
            (401, recorded("401"))
        }
    })
    .await;
    let c = client(&endpoint);
    let wg = c.workgroup("30218854").await.unwrap();
    assert_eq!(wg.is_collaborative, Some(true));
    assert_eq!(wg.display_name.as_deref(), Some("Smith lab sequencing"));
    let e = c.workgroup("30999999").await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(e.to_string().contains("could not be found"), "{e}");
    let e = c.current_user().await.unwrap_err();
    assert!(matches!(e, BsApiError::Unauthorized { .. }), "{e}");
    assert!(!e.to_string().contains(TOKEN));
    assert!(!format!("{e:?}").contains(TOKEN));
    assert!(!format!("{c:?}").contains(TOKEN));
    // A path segment cannot be escaped from.
    assert_eq!(segment("../users/1"), "%2E%2E%2Fusers%2F1");
}

#[tokio::test]
async fn transient_answers_are_retried_and_then_reported() {
    let (endpoint, seen) = serve(|_, n| match n {
        0 => (
            503,
            "{\"ErrorCode\":\"Unavailable\",\"ErrorMessage\":\"busy\"}",
        ),
        _ => (200, recorded("users_current")),
    })
    .await;
    let c = client(&endpoint);
    assert!(c.current_user().await.is_ok());
    assert_eq!(seen.lock().unwrap().len(), 2);
    let (endpoint, seen) = serve(|_, _| (500, "oops")).await;
    let e = client(&endpoint).current_user().await.unwrap_err();
    assert!(e.to_string().contains("HTTP 500: oops"), "{e}");
    assert_eq!(seen.lock().unwrap().len(), ATTEMPTS as usize);
    // A 400 is not retried.
    let (endpoint, seen) = serve(|_, _| (400, recorded("404"))).await;
    assert!(client(&endpoint).current_user().await.is_err());
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn only_https_or_loopback_http_is_accepted() {
    let make = |e: &str| {
        BsClient::new(BsClientConfig {
            endpoint: e.to_string(),
            token: SecretString::from(TOKEN),
            backoff: Duration::ZERO,
        })
    };
    assert!(make("https://api.basespace.illumina.com").is_ok());
    assert!(make("http://127.0.0.1:9/basespace/use1").is_ok());
    assert!(make("http://[::1]:9").is_ok());
    for bad in [
        "http://api.basespace.illumina.com",
        "http://api.euc1.sh.basespace.illumina.com/",
        "ftp://api.basespace.illumina.com",
        "api.basespace.illumina.com",
    ] {
        let e = make(bad).unwrap_err();
        assert!(!e.to_string().contains(TOKEN), "{e}");
    }
}

/// Every recorded file deserializes, and every field the DTOs keep reads the recorded value.
#[test]
fn recordings_read_back_field_for_field() {
    fn back<T: DeserializeOwned + serde::Serialize>(name: &str) {
        let orig: serde_json::Value = serde_json::from_str(recorded(name)).unwrap();
        let dto: T = serde_json::from_value(orig.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kept = serde_json::to_value(&dto).unwrap();
        fn subset(k: &serde_json::Value, o: &serde_json::Value, at: &str) {
            match (k, o) {
                (serde_json::Value::Object(k), serde_json::Value::Object(o)) => {
                    for (key, v) in k {
                        let ov = o
                            .get(key)
                            .unwrap_or_else(|| panic!("{at}.{key} not recorded"));
                        subset(v, ov, &format!("{at}.{key}"));
                    }
                }
                (serde_json::Value::Array(k), serde_json::Value::Array(o)) => {
                    assert_eq!(k.len(), o.len(), "{at}");
                    for (i, (a, b)) in k.iter().zip(o).enumerate() {
                        subset(a, b, &format!("{at}[{i}]"));
                    }
                }
                (k, o) => assert_eq!(k, o, "{at}"),
            }
        }
        subset(&kept, &orig, name);
        assert_ne!(kept, serde_json::json!({}), "{name}: nothing was read");
    }
    back::<V2User>("users_current");
    back::<V2User>("users_current_workgroup");
    back::<V2WorkgroupList>("page1");
    back::<V2WorkgroupList>("page2");
    back::<V2Workgroup>("workgroup");
    back::<V2Error>("401");
    back::<V2Error>("404");
}
