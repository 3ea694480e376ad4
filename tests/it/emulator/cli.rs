//! `roster emulator` as a process: the one `listening on` line, exit 0 on SIGTERM and SIGINT,
//! the state file across restarts, and a located error with exit 1 for a bad world.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use super::WORLD;

struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
    addr: String,
}

fn spawn(world: &Path, state: Option<&Path>) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
    cmd.args(["emulator", "--listen", "127.0.0.1:0", "--world"])
        .arg(world)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(s) = state {
        cmd.arg("--state").arg(s);
    }
    let mut child = cmd.spawn().expect("spawn roster");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).expect("first line");
    let addr = line
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .trim_end()
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
        "{line}"
    );
    assert!(line.ends_with('\n'));
    Running {
        child,
        stdout,
        addr,
    }
}

impl Running {
    /// Signal the process, wait for it, and return its exit code and the rest of its stdout.
    fn stop(mut self, signal: &str) -> (Option<i32>, String) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let code = self.child.wait().expect("wait").code();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (code, rest)
    }
}

/// A minimal HTTP/1.1 exchange: status and body.
fn http(addr: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp[9..12].parse().unwrap();
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn write_world(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("world.yaml");
    std::fs::write(&path, WORLD).unwrap();
    path
}

#[test]
fn prints_one_listening_line_serves_and_exits_0_on_sigterm_and_sigint() {
    let dir = tempfile::tempdir().unwrap();
    let world = write_world(dir.path());
    for signal in ["-TERM", "-INT"] {
        let run = spawn(&world, None);
        let (status, body) = http(&run.addr, "GET", "/user-info", "owner-token", "");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("owner@example.org"), "{body}");
        let (code, rest) = run.stop(signal);
        assert_eq!(code, Some(0), "{signal}");
        assert_eq!(rest, "", "exactly one line on stdout");
    }
}

#[test]
fn the_state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let world = write_world(dir.path());
    let state = dir.path().join("state.yaml");
    let run = spawn(&world, Some(&state));
    assert!(state.exists(), "written at start");
    let (_, orgs) = http(&run.addr, "GET", "/orgs", "owner-token", "");
    let orgs: serde_json::Value = serde_json::from_str(&orgs).unwrap();
    let org = orgs["organizations"][0]["orgId"].as_i64().unwrap();
    let path = format!("/orgs/{org}/teams");
    let (status, body) = http(
        &run.addr,
        "POST",
        &path,
        "owner-token",
        r#"{"team":{"name":"kept"}}"#,
    );
    assert_eq!(status, 200, "{body}");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("kept"), "written after the write:\n{saved}");
    assert_eq!(run.stop("-TERM").0, Some(0));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let run = spawn(&world, Some(&state));
    let (_, teams) = http(&run.addr, "GET", &path, "owner-token", "");
    assert!(teams.contains("\"kept\""), "{teams}");
    assert_eq!(run.stop("-TERM").0, Some(0));
}

#[test]
fn a_bad_world_file_gets_a_located_error_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.yaml");
    std::fs::write(
        &world,
        "users:\n  - {email: a@x.org, userName: a, token: t}\norganizations:\n  - name: o1\n    members:\n      - {email: b@x.org}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["emulator", "--world"])
        .arg(&world)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    let loc = format!("{}:6:17", world.display());
    assert!(err.contains(&loc), "want {loc} in:\n{err}");
    assert!(err.contains("error[invalid-world]"), "{err}");
    assert!(err.contains("`b@x.org` is not a declared user"), "{err}");

    let missing = dir.path().join("missing.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["emulator", "--world"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read world file"));
}

/// The in-process emulator keeps serving while a single-threaded test blocks, as a test that
/// runs the `roster` binary synchronously does.
#[tokio::test(flavor = "current_thread")]
async fn an_in_process_emulator_serves_while_the_test_blocks() {
    let world = seqera_emulator::parse_world("world.yaml", WORLD).unwrap();
    let handle = seqera_emulator::start(
        world,
        seqera_emulator::Options::default(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let (status, body) = http(
        &handle.addr.to_string(),
        "GET",
        "/user-info",
        "owner-token",
        "",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(handle.stats().count("UserInfo", 200), 1);
    handle.shutdown().await;
}
