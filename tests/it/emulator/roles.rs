//! Custom roles (docs/seqera-api.md section 6.7 and the decisions of section 11): renames keep
//! who holds the role, a role still held is never deleted, the `maxCustomRolesPerOrg` quota,
//! permissions from the catalogue only, who may read and write roles, and roles as participant
//! roles once created.

use serde_json::json;

use super::Emu;

const ROLES_WORLD: &str = r#"
users:
  - {email: owner@example.org, userName: owner, token: owner-token}
  - {email: member@example.org, userName: member, token: member-token}
  - {email: collab@example.org, userName: collab, token: collab-token}
organizations:
  - name: acme
    quotas: {maxCustomRolesPerOrg: 4}
    customRoles:
      - name: runner
        description: Runs pipelines
        permissions: [pipeline:execute, workflow:read]
      - legacy
      - name: lab-only
        description: A permission only this platform has
        permissions: [sequencer:read]
    members:
      - {email: owner@example.org, role: owner}
      - {email: member@example.org}
    teams:
      - name: crew
        members: [member@example.org]
    workspaces:
      - name: genomics
        participants:
          - {email: owner@example.org, role: owner}
          - {email: member@example.org, role: runner}
          - {team: crew, role: RUNNER}
          - {email: collab@example.org, role: view}
      - name: imaging
        participants:
          - {email: member@example.org, role: runner}
"#;

/// The role names participants of `ws` hold, sorted.
async fn held(emu: &Emu, ws: &str) -> Vec<String> {
    let org = emu.org_id("acme");
    let id = emu.ws_id("acme", ws);
    let r = emu
        .get(
            "owner-token",
            &format!("/orgs/{org}/workspaces/{id}/participants"),
        )
        .await;
    let mut roles: Vec<String> = r.body["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["wspRole"].as_str().unwrap().to_string())
        .collect();
    roles.sort();
    roles
}

fn role_id(emu: &Emu, name: &str) -> i64 {
    let w = emu.world();
    let o = w
        .organizations
        .iter()
        .find(|o| o.name.value == "acme")
        .unwrap();
    let r = o
        .custom_roles
        .iter()
        .find(|r| r.value.name.value == name)
        .unwrap_or_else(|| panic!("no role {name}"));
    r.value.id.as_ref().unwrap().value
}

#[tokio::test]
async fn a_rename_keeps_the_role_its_id_and_everyone_who_holds_it() {
    let emu = Emu::start(ROLES_WORLD).await;
    let t = "owner-token";
    let q = format!("?orgId={}", emu.org_id("acme"));
    let before = role_id(&emu, "runner");
    assert_eq!(
        held(&emu, "genomics").await,
        ["owner", "runner", "runner", "view"]
    );
    let body = json!({"name": "pipeline-runner", "description": "Runs pipelines", "permissions": ["pipeline:execute"]});
    let r = emu.put(t, &format!("/roles/Runner{q}"), body).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(role_id(&emu, "pipeline-runner"), before, "renamed in place");
    assert_eq!(
        held(&emu, "genomics").await,
        ["owner", "pipeline-runner", "pipeline-runner", "view"]
    );
    assert_eq!(held(&emu, "imaging").await, ["pipeline-runner"]);
    let r = emu.get(t, &format!("/roles/pipeline-runner{q}")).await;
    assert_eq!(r.body["role"]["permissions"], json!(["pipeline:execute"]));
    assert_eq!(emu.get(t, &format!("/roles/runner{q}")).await.status, 404);
    // The old name is free again; the new one is taken.
    let path = format!("/roles/validate{q}&name=runner");
    assert_eq!(emu.get(t, &path).await.status, 204);
    let path = format!("/roles/validate{q}&name=Pipeline-Runner");
    assert_eq!(emu.get(t, &path).await.status, 409);
    // An update without `permissions` keeps them; one without `name` keeps the name.
    let r = emu
        .put(
            t,
            &format!("/roles/pipeline-runner{q}"),
            json!({"description": "Runs"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = emu.get(t, &format!("/roles/pipeline-runner{q}")).await;
    assert_eq!(r.body["role"]["description"], "Runs");
    assert_eq!(r.body["role"]["permissions"], json!(["pipeline:execute"]));
}

#[tokio::test]
async fn a_role_anyone_holds_is_not_deleted() {
    let emu = Emu::start(ROLES_WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let q = format!("?orgId={org}");
    let r = emu.delete(t, &format!("/roles/runner{q}")).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(
        r.message(),
        "Role 'runner' is assigned to 3 participants: give them another role first"
    );
    // Move everyone off the role (a team participant too), then it goes.
    for ws in ["genomics", "imaging"] {
        let id = emu.ws_id("acme", ws);
        let parts = format!("/orgs/{org}/workspaces/{id}/participants");
        let list = emu.get(t, &parts).await;
        for p in list.body["participants"].as_array().unwrap() {
            if p["wspRole"] == "runner" {
                let pid = p["participantId"].as_i64().unwrap();
                let path = format!("{parts}/{pid}/role");
                assert_eq!(emu.put(t, &path, json!({"role": "view"})).await.status, 204);
            }
        }
    }
    assert_eq!(
        emu.delete(t, &format!("/roles/runner{q}")).await.status,
        204
    );
    assert_eq!(
        emu.delete(t, &format!("/roles/runner{q}")).await.status,
        404
    );
    // Gone: no longer a role participants may get.
    let id = emu.ws_id("acme", "imaging");
    let p = emu.participant_id("acme", "imaging", "member@example.org");
    let path = format!("/orgs/{org}/workspaces/{id}/participants/{p}/role");
    assert_eq!(
        emu.put(t, &path, json!({"role": "runner"})).await.status,
        400
    );
    // Predefined roles are neither changed nor deleted.
    let r = emu.delete(t, &format!("/roles/admin{q}")).await;
    assert_eq!(r.status, 400);
    let r = emu
        .put(t, &format!("/roles/VIEW{q}"), json!({"description": "x"}))
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn creates_honour_the_quota_the_catalogue_and_the_description_rule() {
    let emu = Emu::start(ROLES_WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let q = format!("?orgId={org}");
    let quotas = emu.get(t, &format!("/orgs/{org}/quotas")).await;
    assert_eq!(quotas.body["quotas"]["maxCustomRolesPerOrg"], 4);
    for (body, message) in [
        (
            json!({"name": "a1", "description": "x", "permissions": ["pipeline:fly", "workflow:read", "moon:land"]}),
            "Unknown permission(s): pipeline:fly, moon:land",
        ),
        (
            json!({"name": "a1", "description": "x".repeat(121)}),
            "Role description must be between 1 and 120 characters (current length=121)",
        ),
        (json!({"name": "a1"}), "Missing role `description`"),
        (
            json!({"name": "a--1", "description": "x"}),
            "Role name must contain a minimum of 2 and a maximum of 39 alphanumeric characters separated by dashes or underscores",
        ),
    ] {
        let r = emu.post(t, &format!("/roles{q}"), body).await;
        assert_eq!((r.status, r.message()), (400, message));
    }
    let ok = json!({"name": "third", "description": "The third"});
    let r = emu.post(t, &format!("/roles{q}"), ok).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["permissions"], json!([]));
    // A permission a world role grants is one the modelled platform knows.
    let catalogue = emu.get(t, &format!("/roles/permissions{q}")).await;
    assert!(
        catalogue.body["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!({"name": "sequencer:read", "category": "sequencer"})),
        "{}",
        catalogue.text
    );
    let r = emu
        .post(
            t,
            &format!("/roles{q}"),
            json!({"name": "fourth", "description": "x"}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.message(),
        "Custom roles limit reached: the organization may have at most 4 custom roles (maxCustomRolesPerOrg)"
    );
    // A new role is a participant role at once.
    let ws = emu.ws_id("acme", "genomics");
    let p = emu.participant_id("acme", "genomics", "collab@example.org");
    let path = format!("/orgs/{org}/workspaces/{ws}/participants/{p}/role");
    assert_eq!(
        emu.put(t, &path, json!({"role": "Third"})).await.status,
        204
    );
    assert!(held(&emu, "genomics").await.contains(&"third".to_string()));
}

#[tokio::test]
async fn members_read_roles_and_only_owners_write_them() {
    let emu = Emu::start(ROLES_WORLD).await;
    let org = emu.org_id("acme");
    let q = format!("?orgId={org}");
    let m = "member-token";
    let list = emu.get(m, &format!("/roles{q}&type=custom")).await;
    assert_eq!(list.status, 200);
    let names: Vec<&str> = list.body["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["runner", "legacy", "lab-only"]);
    assert_eq!(list.body["totalSize"], 3);
    let filtered = emu.get(m, &format!("/roles{q}&name=UNN")).await;
    assert_eq!(filtered.body["roles"][0]["name"], "runner");
    assert_eq!(filtered.body["totalSize"], 1);
    let page = emu
        .get(m, &format!("/roles{q}&type=custom&max=1&offset=1"))
        .await;
    assert_eq!(page.body["roles"][0]["name"], "legacy");
    assert_eq!(page.body["totalSize"], 3);
    assert_eq!(emu.get(m, &format!("/roles/runner{q}")).await.status, 200);
    assert_eq!(
        emu.get(m, &format!("/roles/permissions{q}")).await.status,
        200
    );
    let body = json!({"name": "mine", "description": "x"});
    assert_eq!(emu.post(m, &format!("/roles{q}"), body).await.status, 403);
    let body = json!({"description": "x"});
    assert_eq!(
        emu.put(m, &format!("/roles/runner{q}"), body).await.status,
        403
    );
    assert_eq!(
        emu.delete(m, &format!("/roles/legacy{q}")).await.status,
        403
    );
    // A collaborator is not a member: no roles at all.
    assert_eq!(
        emu.get("collab-token", &format!("/roles{q}")).await.status,
        403
    );
    // The predefined roles list their permissions, the lowest fewest.
    let view = emu.get(m, &format!("/roles/view{q}")).await;
    let owner = emu.get(m, &format!("/roles/owner{q}")).await;
    let n = |r: &super::Resp| r.body["role"]["permissions"].as_array().unwrap().len();
    assert!(
        n(&view) > 0 && n(&view) < n(&owner),
        "{} {}",
        view.text,
        owner.text
    );
    assert!(
        owner.body["role"]["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("workspace:admin"))
    );
}
