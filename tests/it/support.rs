//! Shared helpers of the integration tests: the real binary, and a platform to point it at (the
//! project's emulator, in-process, on loopback).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seqera_emulator::{self as emulator, Handle, Options, Stats};

/// The crate root: tests run the binary from here so paths in output are stable and relative.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real `roster` binary, run from the crate root, with colour off and no token in its
/// environment unless a test sets one.
pub fn roster() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roster"));
    cmd.current_dir(manifest_dir())
        .env_remove("TOWER_ACCESS_TOKEN")
        .env_remove("TOWER_API_ENDPOINT")
        .env_remove("ROSTER_LOG")
        .env("NO_COLOR", "1");
    cmd
}

/// An emulator running in this process, and the token of its first user.
pub struct Platform {
    pub handle: Handle,
    pub token: String,
    _rt: tokio::runtime::Runtime,
}

impl Platform {
    pub fn start(world: &str) -> Platform {
        Platform::start_with(world, Options::default())
    }

    pub fn start_with(world: &str, opts: Options) -> Platform {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let world = emulator::parse_world("world.yaml", world)
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let token = world
            .users
            .iter()
            .find_map(|u| u.token.as_ref().map(|t| t.value.clone()))
            .expect("a user with a token");
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let handle = rt
            .block_on(emulator::start(world, opts, listen))
            .expect("start the emulator");
        Platform {
            handle,
            token,
            _rt: rt,
        }
    }

    pub fn url(&self) -> String {
        self.handle.base_url()
    }

    /// `roster ARGS… --endpoint URL` with the token in `TOWER_ACCESS_TOKEN`.
    pub fn roster(&self, args: &[&str]) -> Command {
        let mut cmd = roster();
        cmd.args(args)
            .arg("--endpoint")
            .arg(self.url())
            .env("TOWER_ACCESS_TOKEN", &self.token);
        cmd
    }

    pub fn stats(&self) -> Stats {
        self.handle.stats()
    }

    pub fn reset_stats(&self) {
        self.handle.reset_stats();
    }

    /// Call the platform directly (as someone changing it by hand would): method, path, JSON body.
    pub fn api(&self, method: &str, path: &str, body: serde_json::Value) -> u16 {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = format!("{}{path}", self.url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let token = self.token.clone();
        self._rt.block_on(async move {
            let client = reqwest::Client::new();
            let r = client
                .request(method, url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("request");
            r.status().as_u16()
        })
    }

    /// Successful writes since the last reset.
    pub fn writes(&self) -> u64 {
        self.stats().writes
    }
}

/// A config directory in a temp dir, from (relative path, text) pairs.
pub fn config_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Copy a directory tree (a fixture) into a temp dir, so tests never write into the repo.
pub fn copy_dir(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_into(from, dir.path());
    dir
}

fn copy_into(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() == "sandbox" {
                continue; // a local sandbox state, never part of a fixture
            }
            std::fs::create_dir_all(&target).unwrap();
            copy_into(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Run and return the output, failing the test with both streams if the exit code differs.
pub fn expect_exit(cmd: &mut Command, code: i32) -> Output {
    let o = cmd.output().expect("run roster");
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

/// Run git in `dir` as a test user, failing the test with git's stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=roster-test",
            "-c",
            "user.email=test@example.org",
        ])
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
