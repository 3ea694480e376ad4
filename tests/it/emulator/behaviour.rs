//! The platform's rules (docs/seqera-api.md sections 8 and 11): ownership on create, last-owner
//! protection, collaborators, cascades, permissions, unknown users, default roles, search and
//! paging, role names, PUT semantics, IdP teams, and no 500 on bad input.

use serde_json::{Value, json};

use super::{Emu, Send, WORLD};

fn emails(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["email"]
                .as_str()
                .or(m["teamName"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_creator_owns_a_new_org_and_its_new_workspace() {
    let emu = Emu::start(WORLD).await;
    let t = "outsider-token";
    let org = emu
        .post(
            t,
            "/orgs",
            json!({"organization": {"name": "mine", "fullName": "Mine"}}),
        )
        .await;
    let org = org.body["organization"]["orgId"].as_i64().unwrap();
    let members = emu.get(t, &format!("/orgs/{org}/members")).await;
    assert_eq!(members.body["members"][0]["email"], "outsider@example.org");
    assert_eq!(members.body["members"][0]["role"], "owner");
    let ws = json!({"workspace": {"name": "w1", "fullName": "W1", "visibility": "PRIVATE"}});
    let ws = emu.post(t, &format!("/orgs/{org}/workspaces"), ws).await;
    let ws = ws.body["workspace"]["id"].as_i64().unwrap();
    let parts = emu
        .get(t, &format!("/orgs/{org}/workspaces/{ws}/participants"))
        .await;
    assert_eq!(parts.body["totalSize"], 1);
    assert_eq!(parts.body["participants"][0]["wspRole"], "owner");
    assert_eq!(parts.body["participants"][0]["orgRole"], "owner");
    let listed = emu.get(t, "/orgs").await;
    assert_eq!(listed.body["organizations"][0]["memberRole"], "owner");
}

#[tokio::test]
async fn the_last_owner_cannot_be_removed_demoted_or_leave() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let owner = emu.member_id("acme", "owner@example.org");
    let msg = json!({"message": "Cannot remove the last owner of the organization"});
    let r = emu
        .put(
            t,
            &format!("/orgs/{org}/members/{owner}/role"),
            json!({"role": "member"}),
        )
        .await;
    assert_eq!((r.status, &r.body), (400, &msg));
    let r = emu.delete(t, &format!("/orgs/{org}/members/{owner}")).await;
    assert_eq!((r.status, &r.body), (400, &msg));
    let r = emu.delete(t, &format!("/orgs/{org}/members/leave")).await;
    assert_eq!((r.status, &r.body), (400, &msg));
    // With a second owner, the first may go.
    let admin = emu.member_id("acme", "admin@example.org");
    let r = emu
        .put(
            t,
            &format!("/orgs/{org}/members/{admin}/role"),
            json!({"role": "Owner"}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        emu.delete(t, &format!("/orgs/{org}/members/leave"))
            .await
            .status,
        204
    );
    assert_eq!(emu.get(t, &format!("/orgs/{org}")).await.status, 403);
}

#[tokio::test]
async fn a_non_member_added_by_email_becomes_a_collaborator_and_can_be_promoted() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let add = format!("/orgs/{org}/workspaces/{ws}/participants/add");
    let p = emu
        .put(t, &add, json!({"userNameOrEmail": "Outsider@Example.org"}))
        .await;
    let p = &p.body["participant"];
    assert_eq!(p["type"], "COLLABORATOR");
    assert_eq!(p["orgRole"], "collaborator");
    assert_eq!(p["email"], "outsider@example.org");
    let mid = p["memberId"].as_i64().unwrap();
    let collabs = emu.get(t, &format!("/orgs/{org}/collaborators")).await;
    assert_eq!(
        emails(&collabs.body, "members"),
        ["collab@example.org", "outsider@example.org"]
    );
    let members = emu.get(t, &format!("/orgs/{org}/members")).await;
    assert!(!emails(&members.body, "members").contains(&"outsider@example.org".to_string()));
    // Adding the collaborator as a member promotes them and keeps their memberId.
    let m = emu
        .put(
            t,
            &format!("/orgs/{org}/members/add"),
            json!({"user": "outsider"}),
        )
        .await;
    assert_eq!(m.body["member"]["memberId"], mid);
    assert_eq!(m.body["member"]["role"], "member");
    let parts = emu
        .get(
            t,
            &format!("/orgs/{org}/workspaces/{ws}/participants?search=outsider"),
        )
        .await;
    assert_eq!(parts.body["participants"][0]["type"], "MEMBER");
    let collabs = emu.get(t, &format!("/orgs/{org}/collaborators")).await;
    assert_eq!(collabs.body["totalSize"], 1);
}

#[tokio::test]
async fn removals_cascade() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    // Removing a member removes their team memberships and participations.
    let admin = emu.member_id("acme", "admin@example.org");
    let admins = emu.team_id("acme", "admins");
    let member = emu.member_id("acme", "member@example.org");
    let path = format!("/orgs/{org}/teams/{admins}/members");
    emu.post(t, &path, json!({"userNameOrEmail": "member@example.org"}))
        .await;
    assert_eq!(
        emu.get(t, &format!("/orgs/{org}/teams/{admins}"))
            .await
            .body["team"]["membersCount"],
        2
    );
    assert_eq!(
        emu.delete(t, &format!("/orgs/{org}/members/{member}"))
            .await
            .status,
        204
    );
    let team = emu.get(t, &format!("/orgs/{org}/teams/{admins}")).await;
    assert_eq!(team.body["team"]["membersCount"], 1);
    let listed = emu.get(t, &parts).await;
    assert_eq!(
        emails(&listed.body, "participants"),
        ["owner@example.org", "admins", "collab@example.org"]
    );
    // Deleting a team removes its participations.
    assert_eq!(
        emu.delete(t, &format!("/orgs/{org}/teams/{admins}"))
            .await
            .status,
        204
    );
    let listed = emu.get(t, &parts).await;
    assert_eq!(
        emails(&listed.body, "participants"),
        ["owner@example.org", "collab@example.org"]
    );
    assert_eq!(
        emu.get(t, &format!("/orgs/{org}/teams/{admins}"))
            .await
            .status,
        404
    );
    let _ = admin;
    // Deleting a workspace removes it and what it holds.
    let q = format!("/labels?workspaceId={ws}");
    assert_eq!(emu.get(t, &q).await.body["totalSize"], 2);
    assert_eq!(
        emu.delete(t, &format!("/orgs/{org}/workspaces/{ws}"))
            .await
            .status,
        204
    );
    assert_eq!(emu.get(t, &parts).await.status, 404);
    assert_eq!(emu.get(t, &q).await.status, 404);
    // Deleting an organization removes everything.
    assert_eq!(emu.delete(t, &format!("/orgs/{org}")).await.status, 204);
    assert_eq!(
        emu.get(t, &format!("/orgs/{org}/members")).await.status,
        404
    );
    assert_eq!(emu.get(t, "/orgs").await.body["totalSize"], 0);
    assert_eq!(emu.get(t, "/orgs/validate?name=acme").await.status, 204);
}

#[tokio::test]
async fn workspace_owners_and_admins_manage_participants_and_others_are_forbidden() {
    let emu = Emu::start(WORLD).await;
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    let member_p = emu.participant_id("acme", "genomics", "member@example.org");
    let owner_p = emu.participant_id("acme", "genomics", "owner@example.org");
    let viewer = emu.member_id("acme", "viewer@example.org");

    // The admin (through the team) adds, re-roles and removes, but never touches owners.
    let a = "admin-token";
    let p = emu
        .put(a, &format!("{parts}/add"), json!({"memberId": viewer}))
        .await;
    assert_eq!(p.status, 200);
    let viewer_p = p.body["participant"]["participantId"].as_i64().unwrap();
    let path = format!("{parts}/{member_p}/role");
    assert_eq!(
        emu.put(a, &path, json!({"role": "maintain"})).await.status,
        204
    );
    assert_eq!(
        emu.put(a, &path, json!({"role": "owner"})).await.status,
        403
    );
    let path = format!("{parts}/{owner_p}/role");
    assert_eq!(emu.put(a, &path, json!({"role": "view"})).await.status, 403);
    assert_eq!(
        emu.delete(a, &format!("{parts}/{owner_p}")).await.status,
        403
    );
    assert_eq!(
        emu.delete(a, &format!("{parts}/{viewer_p}")).await.status,
        204
    );
    // Admins update a workspace but cannot delete it.
    let wpath = format!("/orgs/{org}/workspaces/{ws}");
    let upd = json!({"name": "genomics", "fullName": "Genomics 2", "visibility": "PRIVATE"});
    assert_eq!(emu.put(a, &wpath, upd).await.status, 200);
    assert_eq!(emu.delete(a, &wpath).await.status, 403);
    // Org members manage nothing at org level.
    let path = format!("/orgs/{org}/members/add");
    assert_eq!(
        emu.put(a, &path, json!({"user": "newbie@example.org"}))
            .await
            .status,
        403
    );
    let team = json!({"team": {"name": "t2"}});
    assert_eq!(
        emu.post(a, &format!("/orgs/{org}/teams"), team)
            .await
            .status,
        403
    );

    // A `launch` participant sees but does not manage.
    let m = "member-token";
    assert_eq!(emu.get(m, &parts).await.status, 200);
    let p = emu
        .put(m, &format!("{parts}/add"), json!({"memberId": viewer}))
        .await;
    assert_eq!(p.status, 403);
    assert_eq!(p.body, json!({"message": "Forbidden"}));
    assert_eq!(
        emu.put(
            m,
            &format!("{parts}/{member_p}/role"),
            json!({"role": "admin"})
        )
        .await
        .status,
        403
    );

    // Visibility: owners see all, members their workspaces plus SHARED ones, collaborators theirs.
    let names = |r: super::Resp| -> Vec<String> {
        r.body["workspaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_string())
            .collect()
    };
    let list = format!("/orgs/{org}/workspaces");
    assert_eq!(
        names(emu.get("owner-token", &list).await),
        ["genomics", "shared"]
    );
    assert_eq!(names(emu.get(m, &list).await), ["genomics", "shared"]);
    assert_eq!(names(emu.get("viewer-token", &list).await), ["shared"]);
    assert_eq!(names(emu.get("collab-token", &list).await), ["genomics"]);
    assert_eq!(emu.get("viewer-token", &parts).await.status, 403);
    let shared = emu.ws_id("acme", "shared");
    let shared_parts = format!("/orgs/{org}/workspaces/{shared}/participants");
    assert_eq!(emu.get("viewer-token", &shared_parts).await.status, 200);
    assert_eq!(emu.get("collab-token", &shared_parts).await.status, 403);
    // Collaborators do not see the org's members.
    assert_eq!(
        emu.get("collab-token", &format!("/orgs/{org}/members"))
            .await
            .status,
        403
    );
    assert_eq!(
        emu.get("collab-token", &format!("/orgs/{org}"))
            .await
            .status,
        200
    );
    // The caller's own discovery list: org entries first, then workspace entries.
    let me = emu.user_id("collab@example.org");
    let mine = emu
        .get("collab-token", &format!("/user/{me}/workspaces"))
        .await;
    let entries = mine.body["orgsAndWorkspaces"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries[0].get("workspaceId").is_none());
    assert_eq!(entries[1]["workspaceName"], "genomics");
    assert_eq!(entries[1]["roles"], json!(["collaborator"]));
}

#[tokio::test]
async fn the_higher_of_direct_and_team_roles_applies() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    let viewer = emu.member_id("acme", "viewer@example.org");
    // member (launch directly) joins the admins team: now an admin of the workspace.
    let admins = emu.team_id("acme", "admins");
    let m = "member-token";
    assert_eq!(
        emu.put(m, &format!("{parts}/add"), json!({"memberId": viewer}))
            .await
            .status,
        403
    );
    let path = format!("/orgs/{org}/teams/{admins}/members");
    emu.post(t, &path, json!({"userNameOrEmail": "member@example.org"}))
        .await;
    assert_eq!(
        emu.put(m, &format!("{parts}/add"), json!({"memberId": viewer}))
            .await
            .status,
        200
    );
    let member_user = emu.user_id("member@example.org");
    let roles = emu
        .get(t, &format!("/orgs/{org}/users/{member_user}/roles"))
        .await;
    let roles = &roles.body["userWorkspaces"][0]["roles"];
    assert_eq!(roles[0]["role"], "launch");
    assert_eq!(roles[0]["roleSourceType"], "individual");
    assert_eq!(roles[1]["role"], "admin");
    assert_eq!(roles[1]["sourceTeamName"], "admins");
}

#[tokio::test]
async fn unknown_emails_are_invited_or_rejected_as_the_world_says() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let add = format!("/orgs/{org}/members/add");
    let m = emu
        .put(t, &add, json!({"user": "member@elsewhere.org"}))
        .await;
    assert_eq!(m.status, 200);
    // The user name comes from the email's local part, made unique.
    assert_eq!(m.body["member"]["userName"], "member2");
    assert_eq!(m.body["member"]["email"], "member@elsewhere.org");
    let r = emu.put(t, &add, json!({"user": "no-such-user-name"})).await;
    assert_eq!(r.status, 400);

    let reject = format!("unknownUsers: reject\n{WORLD}");
    let emu = Emu::start(&reject).await;
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let r = emu
        .put(
            t,
            &format!("/orgs/{org}/members/add"),
            json!({"user": "x@elsewhere.org"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let path = format!("/orgs/{org}/workspaces/{ws}/participants/add");
    let r = emu
        .put(t, &path, json!({"userNameOrEmail": "x@elsewhere.org"}))
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn the_default_participant_role_is_configurable() {
    for (prefix, want) in [("", "launch"), ("defaultParticipantRole: VIEW\n", "view")] {
        let emu = Emu::start(&format!("{prefix}{WORLD}")).await;
        let org = emu.org_id("acme");
        let ws = emu.ws_id("acme", "genomics");
        let viewer = emu.member_id("acme", "viewer@example.org");
        let path = format!("/orgs/{org}/workspaces/{ws}/participants/add");
        let p = emu
            .put("owner-token", &path, json!({"memberId": viewer}))
            .await;
        assert_eq!(p.body["participant"]["wspRole"], want);
    }
}

#[tokio::test]
async fn search_filters_case_insensitively_and_total_size_counts_matches() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let members = format!("/orgs/{org}/members");
    let r = emu.get(t, &format!("{members}?search=MIA")).await;
    assert_eq!(emails(&r.body, "members"), ["member@example.org"]);
    assert_eq!(r.body["totalSize"], 1);
    let r = emu
        .get(t, &format!("{members}?search=example.org&max=2&offset=1"))
        .await;
    assert_eq!(
        emails(&r.body, "members"),
        ["admin@example.org", "member@example.org"]
    );
    assert_eq!(r.body["totalSize"], 4);
    let r = emu.get(t, &format!("{members}?offset=10")).await;
    assert_eq!(
        (
            r.body["members"].as_array().unwrap().len(),
            &r.body["totalSize"]
        ),
        (0, &json!(4))
    );
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    let r = emu.get(t, &format!("{parts}?search=admin")).await;
    assert_eq!(emails(&r.body, "participants"), ["admins"]);
    let r = emu.get(t, &format!("{parts}?search=Olive")).await;
    assert_eq!(emails(&r.body, "participants"), ["owner@example.org"]);
    let r = emu.get(t, &format!("/orgs/{org}/teams?search=IDP")).await;
    assert_eq!(r.body["teams"][0]["name"], "idp-team");
    assert_eq!(r.body["teams"][0]["idpGroupId"], 42);
    // Lists are in creation order; the default page is 50.
    let r = emu.get(t, &parts).await;
    assert_eq!(
        emails(&r.body, "participants"),
        [
            "owner@example.org",
            "admins",
            "member@example.org",
            "collab@example.org"
        ]
    );
}

#[tokio::test]
async fn roles_are_accepted_in_any_case_custom_roles_too_and_unknown_roles_are_400() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    let p = emu.participant_id("acme", "genomics", "member@example.org");
    let path = format!("{parts}/{p}/role");
    assert_eq!(
        emu.put(t, &path, json!({"role": "Maintain"})).await.status,
        204
    );
    let listed = emu.get(t, &format!("{parts}?search=member@")).await;
    assert_eq!(listed.body["participants"][0]["wspRole"], "maintain");
    assert_eq!(
        emu.put(t, &path, json!({"role": "PIPELINE-RUNNER"}))
            .await
            .status,
        204
    );
    let listed = emu.get(t, &format!("{parts}?search=member@")).await;
    assert_eq!(listed.body["participants"][0]["wspRole"], "pipeline-runner");
    let r = emu.put(t, &path, json!({"role": "superuser"})).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("superuser"), "{}", r.text);
    let m = emu.member_id("acme", "member@example.org");
    let path = format!("/orgs/{org}/members/{m}/role");
    assert_eq!(
        emu.put(t, &path, json!({"role": "collaborator"}))
            .await
            .status,
        400
    );
    assert_eq!(emu.put(t, &path, json!({"role": "view"})).await.status, 400);
}

#[tokio::test]
async fn put_on_orgs_and_workspaces_clears_omitted_fields() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let r = emu
        .put(t, &format!("/orgs/{org}"), json!({"fullName": "Acme"}))
        .await;
    assert_eq!(r.status, 204);
    let o = emu.get(t, &format!("/orgs/{org}")).await;
    assert_eq!(o.body["organization"]["name"], "acme");
    assert!(
        o.body["organization"].get("description").is_none(),
        "{}",
        o.text
    );
    let ws = emu.ws_id("acme", "genomics");
    let path = format!("/orgs/{org}/workspaces/{ws}");
    emu.put(
        t,
        &path,
        json!({"description": "x", "visibility": "SHARED"}),
    )
    .await;
    let r = emu.put(t, &path, json!({"visibility": "SHARED"})).await;
    assert!(r.body["workspace"].get("description").is_none());
    assert_eq!(r.body["workspace"]["visibility"], "SHARED");
    assert_eq!(r.body["workspace"]["fullName"], "Genomics");
    assert_eq!(
        emu.put(t, &path, json!({"visibility": "shared"}))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn idp_linked_teams_refuse_membership_changes_and_deletion() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let idp = emu.team_id("acme", "idp-team");
    let viewer = emu.member_id("acme", "viewer@example.org");
    let msg = json!({"message": "Team membership is managed by the identity provider"});
    let path = format!("/orgs/{org}/teams/{idp}/members");
    let r = emu
        .post(t, &path, json!({"userNameOrEmail": "member@example.org"}))
        .await;
    assert_eq!((r.status, &r.body), (400, &msg));
    let r = emu.delete(t, &format!("{path}/{viewer}/delete")).await;
    assert_eq!((r.status, &r.body), (400, &msg));
    let team = format!("/orgs/{org}/teams/{idp}");
    assert_eq!(emu.delete(t, &team).await.status, 400);
    // Name and description stay editable; unlinking allows deletion.
    assert_eq!(
        emu.put(t, &team, json!({"description": "d"})).await.status,
        204
    );
    assert_eq!(
        emu.put(t, &team, json!({"idpGroupId": null})).await.status,
        204
    );
    let described = emu.get(t, &team).await;
    assert_eq!(described.body["team"]["idpGroupId"], Value::Null);
    assert_eq!(emu.delete(t, &team).await.status, 204);
}

#[tokio::test]
async fn labels_are_created_once_per_name_and_value() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let ws = emu.ws_id("acme", "genomics");
    let q = format!("/labels?workspaceId={ws}");
    let a = emu
        .post(
            t,
            &q,
            json!({"name": "env", "value": "prod", "resource": true}),
        )
        .await;
    assert_eq!(a.body["id"], emu.label_id("acme", "genomics", "env"));
    let r = emu
        .post(t, &q, json!({"name": "env", "resource": true}))
        .await;
    assert_eq!(r.status, 400, "a resource label needs a value");
    assert_eq!(
        emu.post("member-token", &q, json!({"name": "x"}))
            .await
            .status,
        403
    );
    assert_eq!(emu.get("member-token", &q).await.status, 200);
    let simple = emu.get(t, &format!("{q}&type=simple")).await;
    assert_eq!(simple.body["labels"][0]["name"], "simple");
}

/// Whatever the body, a write route answers 2xx or 4xx: never 500, never a dropped connection.
#[tokio::test]
async fn odd_request_bodies_never_give_a_server_error() {
    let emu = Emu::start(WORLD).await;
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let team = emu.team_id("acme", "admins");
    let p = emu.participant_id("acme", "genomics", "member@example.org");
    let m = emu.member_id("acme", "member@example.org");
    let routes = [
        ("POST", "/orgs".to_string()),
        ("PUT", format!("/orgs/{org}")),
        ("PUT", format!("/orgs/{org}/members/add")),
        ("PUT", format!("/orgs/{org}/members/{m}/role")),
        ("POST", format!("/orgs/{org}/teams")),
        ("PUT", format!("/orgs/{org}/teams/{team}")),
        ("POST", format!("/orgs/{org}/teams/{team}/members")),
        ("POST", format!("/orgs/{org}/workspaces")),
        ("PUT", format!("/orgs/{org}/workspaces/{ws}")),
        (
            "PUT",
            format!("/orgs/{org}/workspaces/{ws}/settings/studios"),
        ),
        (
            "PUT",
            format!("/orgs/{org}/workspaces/{ws}/participants/add"),
        ),
        (
            "PUT",
            format!("/orgs/{org}/workspaces/{ws}/participants/{p}/role"),
        ),
        ("POST", format!("/labels?workspaceId={ws}")),
    ];
    let bodies: [&'static str; 14] = [
        "null",
        "42",
        "\"text\"",
        "{}",
        "{\"organization\": {}}",
        "{\"organization\": null, \"team\": null, \"workspace\": null}",
        "{\"workspace\": {\"name\": \"\", \"fullName\": \"\", \"visibility\": \"\"}}",
        "{\"team\": {\"name\": \"\\u0000\"}}",
        "{\"role\": \"\", \"user\": \"\", \"userNameOrEmail\": \"\"}",
        "{\"memberId\": -1}",
        "{\"memberId\": 1, \"teamId\": 2}",
        "{\"lifespanHours\": -1, \"nameStrategy\": \"bogus\"}",
        "{\"name\": \"ééééééééééééééééééééééééééééééééééééééééééé\"}",
        "{\"memberId\": 99999999999999999999999}",
    ];
    for (method, path) in &routes {
        for body in bodies {
            let r = emu
                .call(Some("owner-token"), method, path, Send::Raw(body))
                .await;
            assert!(
                r.status < 500,
                "{method} {path} {body}: {} {}",
                r.status,
                r.text
            );
        }
    }
}
