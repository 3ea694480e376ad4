//! A saved plan is not trusted (issue 10): `apply PLAN` plans again from the config and the live
//! platform and runs only a plan that derives again change for change; guard rails are checked
//! afresh; endpoints and token variables come from the config. Every tampering is refused with
//! nothing written. Also: the audit log must take writes, and `--expect-digest` pins the
//! reviewed plan.

use std::io::Read;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Platform, config_dir, roster, stderr, stdout};

const WORLD: &str = "users:
  - {email: ops@lab.org, userName: ops, token: tok-5e1f}
  - {email: u@lab.org, userName: u}
  - {email: old@lab.org, userName: old}
organizations:
  - name: lab
    members:
      - {email: ops@lab.org, role: owner}
      - {email: old@lab.org}
    workspaces:
      - name: ws1
        participants:
          - {email: old@lab.org, role: view}
      - name: ws2
  - name: other
    members:
      - {email: ops@lab.org, role: owner}
";

fn config(endpoint: &str, members: &str) -> String {
    format!(
        "kind: Settings
platforms:
  lab:
    endpoint: {endpoint}
    tokenEnv: LAB_TOKEN
policy:
  minOrgOwners: 1
  maxRemovalFraction: 0.9
---
kind: Organization
name: lab
members:
  - {{user: ops@lab.org, role: owner}}
{members}---
kind: Workspace
org: lab
name: ws1
participants:
  - {{user: u@lab.org, role: launch}}
"
    )
}

struct Case {
    p: Platform,
    dir: tempfile::TempDir,
    plan: Value,
}

impl Case {
    fn new(members: &str, plan_args: &[&str]) -> Case {
        let p = Platform::start(WORLD);
        let dir = config_dir(&[("c.yaml", &config(&p.url(), members))]);
        let out = roster()
            .arg("plan")
            .arg(dir.path())
            .args(["--out"])
            .arg(dir.path().join(".plan.json"))
            .args(plan_args)
            .env("LAB_TOKEN", &p.token)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let plan =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(".plan.json")).unwrap())
                .unwrap();
        p.reset_stats();
        Case { p, dir, plan }
    }

    fn apply(&self, plan: &Value, extra: &[&str]) -> std::process::Output {
        let path = self.dir.path().join(".tampered.json");
        std::fs::write(&path, serde_json::to_string_pretty(plan).unwrap()).unwrap();
        roster()
            .arg("apply")
            .arg(&path)
            .args(extra)
            .env("LAB_TOKEN", &self.p.token)
            .env("OTHER_SECRET", "other-secret-value")
            .output()
            .unwrap()
    }

    fn id(&self, org: &str, ws: Option<&str>) -> i64 {
        let w = self.p.handle.world();
        let o = w
            .organizations
            .iter()
            .find(|o| o.name.value == org)
            .unwrap();
        match ws {
            None => o.id.as_ref().unwrap().value,
            Some(ws) => {
                o.workspaces
                    .iter()
                    .find(|w| w.name.value == ws)
                    .and_then(|w| w.id.as_ref())
                    .unwrap()
                    .value
            }
        }
    }

    fn change_mut<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
        plan["changes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["address"] == address)
            .unwrap_or_else(|| panic!("no change {address}"))
    }

    fn assert_refused(&self, out: &std::process::Output, why: &str) {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(1), "{why}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(self.p.writes(), 0, "{why}: nothing is written");
    }
}

const MEMBER: &str = "org/lab/member/user:u@lab.org";

#[test]
fn an_untampered_saved_plan_applies() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let out = c.apply(&c.plan, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(c.p.writes() > 0);
}

#[test]
fn a_role_raised_to_owner_is_refused() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let mut t = c.plan.clone();
    let ch = Case::change_mut(&mut t, MEMBER);
    ch["exec"]["role"] = json!("owner");
    ch["after"]["role"] = json!("owner");
    let out = c.apply(&t, &[]);
    c.assert_refused(&out, "role raised");
    assert!(stderr(&out).contains(MEMBER), "{}", stderr(&out));
}

#[test]
fn a_change_aimed_at_an_undeclared_workspace_or_org_is_refused() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    for (address, exec) in [
        (
            "org/lab/workspace/ws2/participant/user:u@lab.org",
            json!({"op": "add_participant", "org": {"id": c.id("lab", None)},
                   "workspace": {"id": c.id("lab", Some("ws2"))},
                   "who": {"user": "u@lab.org"}, "role": "owner"}),
        ),
        (
            "org/other/member/user:u@lab.org",
            json!({"op": "add_member", "org": {"id": c.id("other", None)},
                   "user": "u@lab.org", "role": "owner"}),
        ),
    ] {
        let mut t = c.plan.clone();
        let mut extra = Case::change_mut(&mut t, MEMBER).clone();
        extra["address"] = json!(address);
        extra["exec"] = exec;
        t["changes"].as_array_mut().unwrap().push(extra);
        let out = c.apply(&t, &[]);
        c.assert_refused(&out, address);
        assert!(stderr(&out).contains(address), "{}", stderr(&out));
    }
}

#[test]
fn an_added_workspace_deletion_is_refused_even_with_allow_destroy() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let mut t = c.plan.clone();
    let mut extra = Case::change_mut(&mut t, MEMBER).clone();
    extra["address"] = json!("org/lab/workspace/ws1");
    extra["kind"] = json!("workspace");
    extra["action"] = json!("delete");
    extra["exec"] = json!({"op": "delete_workspace", "org_id": c.id("lab", None),
                           "workspace_id": c.id("lab", Some("ws1"))});
    t["changes"].as_array_mut().unwrap().push(extra);
    for flags in [&[][..], &["--allow-destroy"][..]] {
        let out = c.apply(&t, flags);
        c.assert_refused(&out, "added delete_workspace");
    }
}

#[test]
fn cleared_violations_are_checked_again() {
    // Removing `old` (a member and a participant) is over maxRemovalFraction 0.1: a plan made
    // with the override, whose violations and overrides are then cleared, still needs it.
    let p = Platform::start(WORLD);
    let cfg = config(&p.url(), "").replace("maxRemovalFraction: 0.9", "maxRemovalFraction: 0.1");
    let dir = config_dir(&[("c.yaml", &cfg)]);
    let saved = dir.path().join(".plan.json");
    let out = roster()
        .arg("plan")
        .arg(dir.path())
        .arg("--out")
        .arg(&saved)
        .arg("--allow-mass-removal")
        .env("LAB_TOKEN", &p.token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut t: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert!(!t["violations"].as_array().unwrap().is_empty());
    t["violations"] = json!([]);
    t["overrides"]["allow_mass_removal"] = json!(false);
    std::fs::write(&saved, t.to_string()).unwrap();
    p.reset_stats();
    let out = roster()
        .arg("apply")
        .arg(&saved)
        .env("LAB_TOKEN", &p.token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--allow-mass-removal"),
        "{}",
        stderr(&out)
    );
    assert_eq!(p.writes(), 0);
}

#[test]
fn a_token_variable_pointed_at_another_secret_is_refused() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let mut t = c.plan.clone();
    t["targets"][0]["token_env"] = json!("OTHER_SECRET");
    let out = c.apply(&t, &[]);
    c.assert_refused(&out, "token_env");
    assert!(stderr(&out).contains("token variable"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("other-secret-value"));
}

#[test]
fn an_endpoint_pointed_at_a_listener_is_refused_and_the_listener_hears_nothing() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(5) {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_millis(300)))
                .ok();
            let mut buf = [0u8; 2048];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    });
    let mut t = c.plan.clone();
    t["targets"][0]["endpoint"] = json!(url);
    let out = c.apply(&t, &[]);
    std::thread::sleep(Duration::from_millis(200));
    c.assert_refused(&out, "endpoint");
    assert!(
        seen.lock().unwrap().is_empty(),
        "the listener received a request"
    );
}

#[test]
fn an_audit_log_that_cannot_be_written_stops_the_apply_before_its_first_write() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let dir = c.dir.path().to_str().unwrap().to_string();
    for log in ["/dev/full", "/nonexistent-dir/audit.jsonl"] {
        let out = roster()
            .args(["apply", &dir, "--auto-approve", "--audit-log", log])
            .env("LAB_TOKEN", &c.p.token)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{log}: {}", stderr(&out));
        assert!(stderr(&out).contains("audit log"), "{}", stderr(&out));
        assert_eq!(c.p.writes(), 0, "{log}: nothing written");
    }
}

#[test]
fn apply_with_a_digest_other_than_the_reviewed_one_is_refused() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let dir = c.dir.path().to_str().unwrap().to_string();
    let digest = c.plan["digest"].as_str().unwrap().to_string();
    assert_eq!(digest.len(), 64);
    // The platform changes after review: the merge would do something else.
    let status = c.p.api(
        "PUT",
        &format!("/orgs/{}/members/add", c.id("lab", None)),
        json!({"user": "u@lab.org"}),
    );
    assert_eq!(status, 200);
    c.p.reset_stats();
    let out = roster()
        .args(["apply", &dir, "--auto-approve", "--expect-digest", &digest])
        .env("LAB_TOKEN", &c.p.token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("differs from the reviewed one"),
        "{}",
        stderr(&out)
    );
    assert_eq!(c.p.writes(), 0);
}

#[test]
fn apply_with_the_reviewed_digest_runs_and_json_output_is_one_document() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let dir = c.dir.path().to_str().unwrap().to_string();
    let digest = c.plan["digest"].as_str().unwrap().to_string();
    let out = roster()
        .args(["apply", &dir, "--auto-approve", "--format", "json"])
        .args(["--expect-digest", &digest])
        .env("LAB_TOKEN", &c.p.token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
    assert_eq!(doc["plan"]["digest"], digest);
    assert_eq!(doc["report"]["succeeded"], true);
}

#[test]
fn show_prints_a_saved_plan_in_each_format_as_plan_did() {
    let c = Case::new("  - user: u@lab.org\n", &[]);
    let saved = c.dir.path().join(".plan.json");
    let planned: Vec<String> = ["text", "markdown", "json"]
        .iter()
        .map(|format| {
            let o = roster()
                .arg("plan")
                .arg(c.dir.path())
                .args(["--format", format])
                .env("LAB_TOKEN", &c.p.token)
                .output()
                .unwrap();
            stdout(&o)
        })
        .collect();
    c.p.reset_stats();
    for (format, planned) in ["text", "markdown", "json"].iter().zip(planned) {
        let shown = roster()
            .arg("show")
            .arg(&saved)
            .args(["--format", format])
            .env_remove("LAB_TOKEN")
            .output()
            .unwrap();
        assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
        assert_eq!(stdout(&shown), planned, "{format}");
    }
    assert_eq!(c.p.stats().total, 0, "show reads nothing from the platform");
    let out = roster()
        .args(["show", "/nonexistent.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
