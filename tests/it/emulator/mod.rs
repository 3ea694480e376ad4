//! `roster emulator`: contract tests against the official spec, the platform's rules, the fault
//! knobs, the world and state files, and the CLI.
//!
//! Every call made through [`Emu::call`] is checked against the spec: the status must be one
//! the operation lists (or one docs/seqera-api.md section 11 adds: 401, 404, 429, 503), a 200 body
//! must validate against the operation's response schema (strictly: no undeclared fields), a
//! 204 or 401 body must be empty, and an error body must be an `ErrorResponse`.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Mutex;

use seqera_emulator::world::World;
use seqera_emulator::{self as emulator, Handle, Options};
use serde_json::Value;

mod basespace;
mod behaviour;
mod cli;
mod contract;
mod faults;
mod idp;
mod recorded;
mod roles;
mod schema;
mod world;

/// The world most tests start from: an org with an owner, an admin (through a team), a member
/// participant, a member who participates nowhere, a collaborator, an IdP group catalogue (one
/// SCIM entry, one manual) with an active SCIM token, an IdP-linked team, two workspaces (one
/// SHARED), labels; and users outside the org.
pub const WORLD: &str = r#"
users:
  - {email: owner@example.org, userName: owner, token: owner-token, firstName: Olive, lastName: Owner}
  - {email: owner2@example.org, userName: owner2, token: owner2-token}
  - {email: admin@example.org, userName: admin, token: admin-token}
  - {email: member@example.org, userName: member, token: member-token, firstName: Mia}
  - {email: viewer@example.org, userName: viewer, token: viewer-token}
  - {email: collab@example.org, userName: collab, token: collab-token}
  - {email: outsider@example.org, userName: outsider, token: outsider-token}
  - {email: newbie@example.org, userName: newbie}
organizations:
  - name: acme
    fullName: Acme Research
    description: Research at Acme
    customRoles: [pipeline-runner]
    idpGroups:
      - {id: 42, name: idp-group, source: scim}
      - {name: manual-group}
    scimToken: {createdAt: "2026-01-05T10:00:00Z", lastUsed: "2026-02-01T08:30:00Z"}
    members:
      - {email: owner@example.org, role: owner}
      - {email: admin@example.org}
      - {email: member@example.org}
      - {email: viewer@example.org}
    teams:
      - name: admins
        description: Workspace admins
        members: [admin@example.org]
      - name: idp-team
        idpGroupId: 42
        idpGroupName: idp-group
        members: [viewer@example.org]
    workspaces:
      - name: genomics
        fullName: Genomics
        participants:
          - {email: owner@example.org, role: owner}
          - {team: admins, role: admin}
          - {email: member@example.org, role: launch}
          - {email: collab@example.org, role: view}
        labels:
          - {name: env, value: prod, resource: true}
          - {name: simple}
      - name: shared
        fullName: Shared space
        visibility: SHARED
  - name: other
    members:
      - {email: owner2@example.org, role: owner}
"#;

/// A running in-process emulator and a client that checks every answer against the spec.
pub struct Emu {
    pub handle: Handle,
    client: reqwest::Client,
    /// (operationId, status) of every checked call.
    pub seen: Mutex<BTreeSet<(String, u16)>>,
}

/// An answer: status, body (JSON, or `Null` when empty), raw text and headers.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }
}

/// A request body: JSON, or raw text (to send malformed JSON).
pub enum Send {
    None,
    Json(Value),
    Raw(&'static str),
}

pub fn client() -> reqwest::Client {
    // reqwest is built without a TLS provider; building a client needs one even for http.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
}

impl Emu {
    pub async fn start(yaml: &str) -> Emu {
        Emu::start_with(yaml, Options::default()).await
    }

    pub async fn start_with(yaml: &str, opts: Options) -> Emu {
        let world = emulator::parse_world("world.yaml", yaml)
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let handle = emulator::start(world, opts, listen).await.expect("start");
        Emu {
            handle,
            client: client(),
            seen: Mutex::new(BTreeSet::new()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    /// A request without spec checks (for paths outside the spec).
    pub async fn raw(&self, token: Option<&str>, method: &str, path: &str, body: Send) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        req = match body {
            Send::None => req,
            Send::Json(v) => req
                .header("Content-Type", "application/json")
                .body(v.to_string()),
            Send::Raw(s) => req.header("Content-Type", "application/json").body(s),
        };
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        Resp {
            status,
            body,
            text,
            headers,
        }
    }

    /// A request checked against the spec (see the module docs).
    pub async fn call(&self, token: Option<&str>, method: &str, path: &str, body: Send) -> Resp {
        let spec = schema::spec();
        let bare = path.split('?').next().unwrap_or(path);
        let op = spec
            .operation(method, bare)
            .unwrap_or_else(|| panic!("{method} {bare} is not in the spec"));
        let resp = self.raw(token, method, path, body).await;
        let ctx = format!(
            "{} {method} {path} -> {}: {}",
            op.id, resp.status, resp.text
        );
        let mut allowed = spec.statuses(op.op);
        allowed.extend([401, 404, 429, 503]);
        if op.id == "CreateOrganizationTeamMember" {
            allowed.push(409); // not in the spec; tf handles it (docs/seqera-api.md §6.4)
        }
        assert!(allowed.contains(&resp.status), "status not allowed: {ctx}");
        match resp.status {
            401 | 204 => assert!(resp.text.is_empty(), "body must be empty: {ctx}"),
            200..=299 => {
                let schema = spec
                    .response_schema(op.op, resp.status)
                    .unwrap_or_else(|| panic!("no response schema: {ctx}"));
                if let Err(errs) = spec.validate(schema, &resp.body, true) {
                    panic!("invalid response body: {ctx}\n{}", errs.join("\n"));
                }
            }
            _ => {
                let schema = spec.schema("ErrorResponse");
                if let Err(errs) = spec.validate(schema, &resp.body, true) {
                    panic!("invalid error body: {ctx}\n{}", errs.join("\n"));
                }
                assert!(!resp.message().is_empty(), "empty message: {ctx}");
            }
        }
        self.seen.lock().unwrap().insert((op.id, resp.status));
        resp
    }

    pub async fn get(&self, token: &str, path: &str) -> Resp {
        self.call(Some(token), "GET", path, Send::None).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Resp {
        self.call(Some(token), "DELETE", path, Send::None).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Resp {
        self.call(Some(token), "PUT", path, Send::Json(body)).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.call(Some(token), "POST", path, Send::Json(body)).await
    }

    pub fn world(&self) -> World {
        self.handle.world()
    }

    // ---- ids, read from the live world --------------------------------------------------

    pub fn user_id(&self, email: &str) -> i64 {
        let w = self.world();
        let u = w.users.iter().find(|u| u.email.value == email);
        u.and_then(|u| u.id.as_ref()).map(|i| i.value).expect(email)
    }

    pub fn org_id(&self, org: &str) -> i64 {
        self.org(org).id.unwrap().value
    }

    fn org(&self, org: &str) -> seqera_emulator::world::WorldOrg {
        let w = self.world();
        w.organizations
            .into_iter()
            .find(|o| o.name.value == org)
            .expect(org)
    }

    pub fn member_id(&self, org: &str, email: &str) -> i64 {
        let o = self.org(org);
        let m = o.members.iter().find(|m| m.email.value == email);
        m.and_then(|m| m.id.as_ref()).map(|i| i.value).expect(email)
    }

    pub fn team_id(&self, org: &str, team: &str) -> i64 {
        let o = self.org(org);
        let t = o.teams.iter().find(|t| t.name.value == team);
        t.and_then(|t| t.id.as_ref()).map(|i| i.value).expect(team)
    }

    pub fn ws_id(&self, org: &str, ws: &str) -> i64 {
        let o = self.org(org);
        let w = o.workspaces.iter().find(|w| w.name.value == ws);
        w.and_then(|w| w.id.as_ref()).map(|i| i.value).expect(ws)
    }

    /// The participant of a user (by email) or a team (by name).
    pub fn participant_id(&self, org: &str, ws: &str, who: &str) -> i64 {
        let o = self.org(org);
        let w = o.workspaces.iter().find(|w| w.name.value == ws).expect(ws);
        let p = w.participants.iter().find(|p| {
            p.email.as_ref().is_some_and(|e| e.value == who)
                || p.team.as_ref().is_some_and(|t| t.value == who)
        });
        p.and_then(|p| p.id.as_ref()).map(|i| i.value).expect(who)
    }

    pub fn idp_group_id(&self, org: &str, name: &str) -> i64 {
        let o = self.org(org);
        let g = o.idp_groups.iter().flatten().find(|g| g.name.value == name);
        g.and_then(|g| g.id.as_ref()).map(|i| i.value).expect(name)
    }

    pub fn label_id(&self, org: &str, ws: &str, name: &str) -> i64 {
        let o = self.org(org);
        let w = o.workspaces.iter().find(|w| w.name.value == ws).expect(ws);
        let l = w.labels.iter().find(|l| l.name.value == name);
        l.and_then(|l| l.id.as_ref()).map(|i| i.value).expect(name)
    }
}
