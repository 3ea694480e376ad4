//! The platform behaviours measured since the contract was written (docs/seqera-api.md): a 403
//! may name the missing permissions, and roster shows them; with active SSO a collaborator is
//! refused with 409, which roster reports naming the user, without retrying; deleting a
//! workspace removes its participants, which the plan accounts for; `/members` never lists
//! collaborators, and roster relies on neither answer; a platform that adds only existing
//! accounts makes the plan name the users who must log in once.

use roster::platform::seqera::{ApiError, Client, ClientConfig, RetryPolicy};
use serde_json::Value;

use crate::support::{Platform, config_dir, expect_exit, stderr, stdout};

const WORLD: &str = "\
users:
  - {email: admin@lab.org, userName: admin, token: admin-token}
  - {email: jane@lab.org, userName: jane, token: jane-token}
  - {email: bob@lab.org, userName: bob}
  - {email: ext@partner.org, userName: ext}
organizations:
  - name: lab
    members:
      - {email: admin@lab.org, role: owner}
      - {email: jane@lab.org}
      - {email: bob@lab.org}
    workspaces:
      - name: ws
        participants:
          - {email: jane@lab.org, role: launch}
";

const ORG: &str = "\
kind: Settings
policy: {maxRemovalFraction: 1.0}
---
kind: Organization
name: lab
members:
  - {user: admin@lab.org, role: owner}
  - {user: jane@lab.org}
  - {user: bob@lab.org}
";

fn ws(participants: &str) -> String {
    format!("{ORG}---\nkind: Workspace\norg: lab\nname: ws\nparticipants:\n{participants}")
}

fn plan_json(p: &Platform, dir: &str) -> Value {
    let out = expect_exit(&mut p.roster(&["plan", dir, "--format", "json"]), 0);
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn a_403_that_lists_missing_permissions_is_reported_with_them() {
    let p = Platform::start(&format!("listMissingPermissions: true\n{WORLD}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let w = p.handle.world();
    let org = w.organizations[0].id.as_ref().unwrap().value;
    let ws = w.organizations[0].workspaces[0].id.as_ref().unwrap().value;
    // jane is a `launch` participant: she may not add participants.
    let client = Client::new(ClientConfig {
        endpoint: p.url(),
        token: "jane-token".to_string().into(),
        parallelism: 1,
        rate: 100.0,
        retry: RetryPolicy::default(),
    })
    .unwrap();
    let e = rt
        .block_on(client.remove_participant(org, ws, 1))
        .expect_err("forbidden");
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e}");
    assert_eq!(e.missing_permissions(), ["workspace:write"]);
    let text = e.to_string();
    assert!(
        text.contains("(403): the token's user lacks the permission workspace:write"),
        "{text}"
    );
    assert!(!text.contains("jane-token"), "never the token: {text}");
}

#[test]
fn with_active_sso_a_collaborator_is_reported_by_name_and_not_retried() {
    let p = Platform::start(&WORLD.replace("  - name: lab\n", "  - name: lab\n    sso: true\n"));
    let config = ws(
        "  - {user: jane@lab.org, role: launch}\n  - {user: bob@lab.org, role: view}\n  - {user: ext@partner.org, role: view}\n",
    );
    let dir = config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    p.reset_stats();
    let out = p.roster(&["apply", d, "--auto-approve"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        all.contains("cannot add ext@partner.org to workspace lab/ws: organization lab has single sign-on active, which permits no collaborators"),
        "{all}"
    );
    assert!(
        all.contains("make ext@partner.org an organization member first"),
        "{all}"
    );
    let s = p.stats();
    // bob (a member) is added; ext is tried once, the 409 settled by one re-read, never again.
    assert_eq!(
        s.count("CreateWorkspaceParticipant", 409),
        1,
        "{:#?}",
        s.requests
    );
    assert_eq!(
        s.count("CreateWorkspaceParticipant", 200),
        1,
        "{:#?}",
        s.requests
    );
    let w = p.handle.world();
    let emails: Vec<String> = w.organizations[0].workspaces[0]
        .participants
        .iter()
        .filter_map(|p| p.value.email.as_ref().map(|e| e.value.clone()))
        .collect();
    assert!(emails.contains(&"bob@lab.org".to_string()), "{emails:?}");
    assert!(
        !emails.contains(&"ext@partner.org".to_string()),
        "{emails:?}"
    );
}

#[test]
fn deleting_a_workspace_removes_its_participants_in_one_change() {
    let world = WORLD.replace(
        "          - {email: jane@lab.org, role: launch}\n",
        "          - {email: jane@lab.org, role: launch}\n          - {email: bob@lab.org, role: view}\n          - {email: ext@partner.org, role: view}\n",
    );
    let p = Platform::start(&world);
    let config = format!("{ORG}---\nkind: Workspace\norg: lab\nname: ws\nensure: absent\n");
    let dir = config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    let out = expect_exit(
        &mut p.roster(&["plan", d, "--format", "json", "--allow-destroy"]),
        0,
    );
    let plan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let changes = plan["changes"].as_array().unwrap();
    assert_eq!(
        changes.len(),
        1,
        "no participant removals of their own: {plan:#}"
    );
    assert_eq!(changes[0]["address"], "org/lab/workspace/ws");
    assert!(
        changes[0]["note"]
            .as_str()
            .unwrap()
            .contains("its 3 participants"),
        "{plan:#}"
    );
    let losers: Vec<&str> = plan["access"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["loses"].as_array().unwrap().is_empty())
        .map(|a| a["user"].as_str().unwrap())
        .collect();
    assert_eq!(losers, ["bob@lab.org", "ext@partner.org", "jane@lab.org"]);
    expect_exit(
        &mut p.roster(&["apply", d, "--auto-approve", "--allow-destroy"]),
        0,
    );
    let w = p.handle.world();
    assert!(w.organizations[0].workspaces.is_empty());
    // The collaborator's membership stays; the plan after is empty.
    expect_exit(
        &mut p.roster(&["plan", d, "--detailed-exitcode", "--allow-destroy"]),
        0,
    );
}

#[test]
fn a_collaborator_is_never_taken_for_a_member_to_remove() {
    let world = WORLD.replace(
        "          - {email: jane@lab.org, role: launch}\n",
        "          - {email: jane@lab.org, role: launch}\n          - {email: ext@partner.org, role: view}\n",
    );
    let p = Platform::start(&world);
    // The org's members are authoritative and ext is not among them: ext stays a collaborator.
    let config =
        ws("  - {user: jane@lab.org, role: launch}\n  - {user: ext@partner.org, role: view}\n");
    let dir = config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    assert_eq!(plan["changes"], serde_json::json!([]), "{plan:#}");
    // Making ext a member is an add, noted as a promotion.
    let promoted = config.replace(
        "  - {user: bob@lab.org}\n",
        "  - {user: bob@lab.org}\n  - {user: ext@partner.org}\n",
    );
    let dir = config_dir(&[("c.yaml", &promoted)]);
    let plan = plan_json(&p, dir.path().to_str().unwrap());
    let c = &plan["changes"][0];
    assert_eq!(c["address"], "org/lab/member/user:ext@partner.org");
    assert_eq!(c["action"], "create");
    assert_eq!(c["note"], "currently a collaborator; becomes a member");
}

#[test]
fn a_platform_that_adds_only_existing_accounts_makes_the_plan_name_who_must_log_in_once() {
    let p = Platform::start(&format!("unknownUsers: reject\n{WORLD}"));
    let config = format!(
        "{ORG}  - {{user: newbie@lab.org}}\n---\nkind: Workspace\norg: lab\nname: ws\nparticipants:\n  - {{user: jane@lab.org, role: launch}}\n  - {{user: newbie@lab.org, role: view}}\n  - {{user: bob@lab.org, role: view}}\n"
    );
    let dir = config_dir(&[("c.yaml", &config)]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    let logins = plan["first_logins"].as_array().unwrap();
    assert_eq!(logins.len(), 1, "only the user nothing shows: {plan:#}");
    assert_eq!(logins[0]["user"], "newbie@lab.org");
    let declared: Vec<&str> = logins[0]["declared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(declared.len(), 2, "{declared:?}");
    assert!(declared[0].ends_with("c.yaml:10:12"), "{declared:?}");
    let text = expect_exit(&mut p.roster(&["plan", d]), 0);
    assert!(
        stdout(&text).contains("Users who must log in once before apply"),
        "{}",
        stdout(&text)
    );
    let md = expect_exit(&mut p.roster(&["plan", d, "--format", "markdown"]), 0);
    assert!(
        stdout(&md).contains("#### Must log in once before apply (1 user)"),
        "{}",
        stdout(&md)
    );
    // Apply: that user's changes fail with the reason; the rest is applied.
    let out = p.roster(&["apply", d, "--auto-approve"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        all.contains("newbie@lab.org has no account on")
            && all.contains("ask them to log in once, then apply again"),
        "{all}"
    );
    let w = p.handle.world();
    let emails: Vec<String> = w.organizations[0].workspaces[0]
        .participants
        .iter()
        .filter_map(|p| p.value.email.as_ref().map(|e| e.value.clone()))
        .collect();
    assert!(emails.contains(&"bob@lab.org".to_string()), "{emails:?}");
    // On a platform that invites (Cloud), nobody is listed, and the plan asks once.
    let cloud = Platform::start(WORLD);
    cloud.reset_stats();
    let plan = plan_json(&cloud, d);
    assert!(plan.get("first_logins").is_none(), "{plan:#}");
    assert_eq!(cloud.stats().calls("Info"), 1);
    // A plan that adds nobody new does not ask.
    let known = config_dir(&[("c.yaml", &ws("  - {user: jane@lab.org, role: launch}\n"))]);
    cloud.reset_stats();
    plan_json(&cloud, known.path().to_str().unwrap());
    assert_eq!(cloud.stats().calls("Info"), 0);
}
