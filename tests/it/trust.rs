//! Where the token goes (issue 10): a pull request cannot point a platform's endpoint at a
//! listener of its own, and `ROSTER_ALLOWED_ENDPOINTS` stops a token before it is sent.

use std::io::Read;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{Platform, config_dir, git, roster, stderr, stdout};

/// A loopback listener that records every byte sent to it (and answers nothing useful).
struct Listener {
    url: String,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Listener {
    fn start() -> Listener {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/api", l.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        std::thread::spawn(move || {
            for stream in l.incoming().take(50) {
                let Ok(mut stream) = stream else { continue };
                stream
                    .set_read_timeout(Some(Duration::from_millis(500)))
                    .ok();
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    s.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            }
        });
        Listener { url, seen }
    }
    fn received(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }
}

const WORLD: &str = "users:\n  - {email: ops@lab.org, userName: ops, token: secret-token-4f1d}\n  - {email: u@lab.org, userName: u}\norganizations:\n  - name: lab\n    members:\n      - {email: ops@lab.org, role: owner}\n";

fn settings(endpoint: &str) -> String {
    format!(
        "kind: Settings\nplatforms:\n  main:\n    endpoint: {endpoint}\n    tokenEnv: LAB_TOKEN\npolicy:\n  minOrgOwners: 1\n"
    )
}

const ORG: &str = "kind: Organization\nname: lab\nmembers:\n  - {user: ops@lab.org, role: owner}\n";

#[test]
fn a_pull_request_pointing_the_endpoint_at_a_listener_sends_it_no_token() {
    let p = Platform::start(WORLD);
    let listener = Listener::start();
    let dir = config_dir(&[("roster.yaml", &settings(&p.url())), ("lab.yaml", ORG)]);
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    // The pull request: redirect the endpoint and add a member.
    git(d, &["checkout", "-qb", "pr"]);
    std::fs::write(d.join("roster.yaml"), settings(&listener.url)).unwrap();
    std::fs::write(d.join("lab.yaml"), format!("{ORG}  - user: u@lab.org\n")).unwrap();
    git(d, &["commit", "-qam", "pr"]);
    let out = roster()
        .args([
            "plan",
            d.to_str().unwrap(),
            "--changed-from",
            "main",
            "--format",
            "json",
        ])
        .env("LAB_TOKEN", "secret-token-4f1d")
        .output()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !listener.received().contains("secret-token-4f1d") && listener.received().is_empty(),
        "the listener got: {}",
        listener.received()
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The plan was read from the trusted endpoint, and shows the redirection as pending.
    assert_eq!(plan["targets"][0]["endpoint"], p.url());
    let pending = &plan["pending_settings"][0];
    assert_eq!(pending["field"], "endpoint");
    assert_eq!(pending["trusted"], p.url());
    assert_eq!(pending["proposed"], listener.url);
    assert!(
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["address"] == "org/lab/member/user:u@lab.org"),
        "the member change is still planned"
    );
    // The text plan says so too.
    let text = roster()
        .args(["plan", d.to_str().unwrap(), "--changed-from", "main"])
        .env("LAB_TOKEN", "secret-token-4f1d")
        .output()
        .unwrap();
    assert!(stdout(&text).contains("after merge"), "{}", stdout(&text));
    assert!(listener.received().is_empty());
}

#[test]
fn an_endpoint_outside_the_allow_list_receives_no_token() {
    let p = Platform::start(WORLD);
    let listener = Listener::start();
    let dir = config_dir(&[("roster.yaml", &settings(&listener.url)), ("lab.yaml", ORG)]);
    let out = roster()
        .args(["plan", dir.path().to_str().unwrap()])
        .env("LAB_TOKEN", "secret-token-4f1d")
        .env("ROSTER_ALLOWED_ENDPOINTS", format!("{}/", p.url()))
        .output()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ROSTER_ALLOWED_ENDPOINTS"),
        "{}",
        stderr(&out)
    );
    assert!(listener.received().is_empty(), "{}", listener.received());
    // The allowed endpoint works.
    let ok_dir = config_dir(&[("roster.yaml", &settings(&p.url())), ("lab.yaml", ORG)]);
    let out = roster()
        .args(["plan", ok_dir.path().to_str().unwrap()])
        .env("LAB_TOKEN", "secret-token-4f1d")
        .env(
            "ROSTER_ALLOWED_ENDPOINTS",
            format!("https://other.example/api, {}", p.url()),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
