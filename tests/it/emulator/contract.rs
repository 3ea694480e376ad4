//! Every route on its success and error paths, each answer validated against the spec by
//! [`Emu::call`]; at the end, a coverage check that every operation of the emulator's table was
//! seen with a 2xx and with each error status it can give.

use std::collections::BTreeMap;

use seqera_emulator::OPERATIONS;
use serde_json::{Value, json};

use super::{Emu, Send, WORLD};

/// Ids substituted into path templates.
#[derive(Clone, Copy)]
struct Ids {
    org: i64,
    ws: i64,
    team: i64,
    member: i64,
    participant: i64,
    user: i64,
    label: i64,
    role: &'static str,
    group: i64,
}

fn fill(template: &str, ids: Ids) -> String {
    template
        .replace("{orgId}", &ids.org.to_string())
        .replace("{workspaceId}", &ids.ws.to_string())
        .replace("{teamId}", &ids.team.to_string())
        .replace("{memberId}", &ids.member.to_string())
        .replace("{participantId}", &ids.participant.to_string())
        .replace("{userId}", &ids.user.to_string())
        .replace("{labelId}", &ids.label.to_string())
        .replace("{roleName}", ids.role)
        .replace("{groupId}", &ids.group.to_string())
}

/// Custom-role routes: the organization is a query parameter.
const ROLE_OPS: [&str; 7] = [
    "ListRoles",
    "CreateRole",
    "ListRolePermissions",
    "ValidateRoleName",
    "DescribeRole",
    "UpdateRole",
    "DeleteRole",
];

/// Label routes take the workspace as a query parameter, custom-role routes the organization.
fn with_query(op: &str, path: String, ids: Ids) -> String {
    if matches!(
        op,
        "ListLabels" | "CreateLabel" | "UpdateLabel" | "DeleteLabel"
    ) {
        format!("{path}?workspaceId={}", ids.ws)
    } else if ROLE_OPS.contains(&op) {
        format!("{path}?orgId={}", ids.org)
    } else {
        path
    }
}

/// Whether an operation names an object outside its path (so an unknown one is a 404 too).
fn scoped_by_query(op: &str) -> bool {
    op.contains("Label") || ROLE_OPS.contains(&op)
}

/// A valid body for each operation that takes one.
fn sample_body(op: &str) -> Option<Value> {
    Some(match op {
        "CreateOrganization" => {
            json!({"organization": {"name": "sample-org", "fullName": "Sample"}})
        }
        "UpdateOrganization" => json!({"name": "acme", "fullName": "Acme Research"}),
        "CreateOrganizationMember" => json!({"user": "newbie@example.org"}),
        "UpdateOrganizationMemberRole" => json!({"role": "member"}),
        "CreateOrganizationTeam" => json!({"team": {"name": "sample-team"}}),
        "UpdateOrganizationTeam" => json!({"description": "changed"}),
        "CreateOrganizationTeamMember" => json!({"userNameOrEmail": "viewer@example.org"}),
        "CreateWorkspace" => {
            json!({"workspace": {"name": "sample-ws", "fullName": "Sample", "visibility": "PRIVATE"}})
        }
        "UpdateWorkspace" => {
            json!({"name": "genomics", "fullName": "Genomics", "visibility": "PRIVATE"})
        }
        "UpdateDataStudiosWorkspaceSettings" => json!({"lifespanHours": 4}),
        "CreateWorkspaceParticipant" => json!({"userNameOrEmail": "viewer@example.org"}),
        "UpdateWorkspaceParticipantRole" => json!({"role": "view"}),
        "CreateLabel" => json!({"name": "sample"}),
        "UpdateLabel" => json!({"name": "renamed"}),
        "CreateRole" => {
            json!({"name": "sample-role", "description": "Sample", "permissions": ["pipeline:read"]})
        }
        "UpdateRole" => json!({"description": "Runs pipelines", "permissions": ["pipeline:read"]}),
        "CreateOrganizationIdpGroup" => json!({"displayName": "sample-group"}),
        _ => return None,
    })
}

fn body(op: &str) -> Send {
    sample_body(op).map_or(Send::None, Send::Json)
}

/// Operations whose spec lists no 400: a malformed path id is still refused with 400, but
/// outside the spec's statuses, so it is checked without [`Emu::call`].
const NO_400: [&str; 3] = [
    "ListOrganizationIdpGroups",
    "DeleteOrganizationIdpGroup",
    "DescribeOrganizationScimConfig",
];

/// Operations any authenticated user may call (no 403 path).
const OPEN: [&str; 5] = [
    "Info",
    "UserInfo",
    "ListOrganizations",
    "CreateOrganization",
    "ValidateOrganizationName",
];

#[tokio::test]
async fn every_route_answers_as_the_spec_says_on_success_and_error_paths() {
    let emu = Emu::start(WORLD).await;
    let real = Ids {
        org: emu.org_id("acme"),
        ws: emu.ws_id("acme", "genomics"),
        team: emu.team_id("acme", "admins"),
        member: emu.member_id("acme", "member@example.org"),
        participant: emu.participant_id("acme", "genomics", "member@example.org"),
        user: emu.user_id("member@example.org"),
        label: emu.label_id("acme", "genomics", "env"),
        role: "pipeline-runner",
        group: emu.idp_group_id("acme", "manual-group"),
    };
    let unknown = Ids {
        org: 1,
        ws: 2,
        team: 3,
        member: 4,
        participant: 5,
        user: 6,
        label: 7,
        role: "no-such-role",
        group: 8,
    };

    // 401: no token, and a token nobody has, on every route but Info (which needs none).
    for (method, template, op) in OPERATIONS {
        let path = with_query(op, fill(template, real), real);
        for token in [None, Some("not-a-token")] {
            let r = emu.call(token, method, &path, body(op)).await;
            let want = if *op == "Info" { 200 } else { 401 };
            assert_eq!(r.status, want, "{op} with token {token:?}");
        }
    }

    // 404: unknown ids in the path (or an unknown workspaceId for labels, orgId for roles).
    for (method, template, op) in OPERATIONS {
        if !template.contains('{') && !scoped_by_query(op) {
            continue;
        }
        let path = with_query(op, fill(template, unknown), unknown);
        let r = emu.call(Some("owner-token"), method, &path, body(op)).await;
        assert_eq!(r.status, 404, "{op}: {}", r.text);
        assert!(r.message().ends_with("not found"), "{op}: {}", r.text);
    }
    // …and unknown inner ids under a real organization (and a real workspace when the inner id
    // is a participant, a user or a label).
    for (method, template, op) in OPERATIONS {
        let has = |p: &str| template.contains(p);
        let inner = [
            "{workspaceId}",
            "{teamId}",
            "{memberId}",
            "{participantId}",
            "{labelId}",
            "{roleName}",
            "{groupId}",
        ];
        if !(inner.iter().any(|p| has(p)) || (has("{orgId}") && has("{userId}"))) {
            continue;
        }
        let real_ws = has("{participantId}") || has("{userId}") || has("{labelId}");
        let ids = Ids {
            org: real.org,
            ws: if real_ws { real.ws } else { unknown.ws },
            ..unknown
        };
        let path = with_query(op, fill(template, ids), ids);
        let r = emu.call(Some("owner-token"), method, &path, body(op)).await;
        assert_eq!(r.status, 404, "{op} {path}: {}", r.text);
        assert!(r.message().ends_with("not found"), "{op}: {}", r.text);
    }

    // 400: a malformed body, an empty body, a wrongly typed field; a non-numeric id; bad paging.
    for (method, template, op) in OPERATIONS {
        let path = with_query(op, fill(template, real), real);
        if sample_body(op).is_some() {
            for bad in [
                "{bad",
                "",
                "[]",
                "{\"name\": 5, \"role\": 5, \"user\": 5, \"team\": 5, \"workspace\": 5, \"organization\": 5, \"userNameOrEmail\": 5, \"lifespanHours\": \"x\", \"memberId\": \"x\"}",
            ] {
                let r = emu
                    .call(Some("owner-token"), method, &path, Send::Raw(bad))
                    .await;
                assert_eq!(r.status, 400, "{op} with body {bad:?}: {}", r.text);
            }
        }
        if ROLE_OPS.contains(op) {
            let bad = format!("{}?orgId=abc", fill(template, real));
            let r = emu.call(Some("owner-token"), method, &bad, body(op)).await;
            assert_eq!(r.status, 400, "{op} {bad}: {}", r.text);
        } else if template.contains('{') {
            let bad = template
                .replace("{orgId}", "abc")
                .replace("{userId}", "abc")
                .replace("{labelId}", "abc");
            let bad = with_query(op, fill(&bad, real), real);
            let r = if NO_400.contains(op) {
                emu.raw(Some("owner-token"), method, &bad, body(op)).await
            } else {
                emu.call(Some("owner-token"), method, &bad, body(op)).await
            };
            assert_eq!(r.status, 400, "{op} {bad}: {}", r.text);
        }
    }
    let paged = [
        ("/orgs/{orgId}/members", "Member"),
        ("/orgs/{orgId}/collaborators", "Collaborator"),
        ("/orgs/{orgId}/teams", "Team"),
        ("/orgs/{orgId}/teams/{teamId}/members", "Member"),
        ("/orgs/{orgId}/teams/{teamId}/workspaces", "Workspace"),
        (
            "/orgs/{orgId}/workspaces/{workspaceId}/participants",
            "Participant",
        ),
        ("/labels?workspaceId={workspaceId}", "Label"),
        ("/roles?orgId={orgId}", "Role"),
    ];
    for (template, object) in paged {
        let path = fill(template, real);
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = emu.get("owner-token", &format!("{path}{sep}max=101")).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(
            r.message(),
            format!("{object} length parameter cannot be greater than 100 (current value=101)")
        );
        for q in ["max=abc", "offset=-1", "max=-5"] {
            let r = emu.get("owner-token", &format!("{path}{sep}{q}")).await;
            assert_eq!(r.status, 400, "{path} {q}");
        }
    }
    assert_eq!(emu.get("owner-token", "/orgs?role=boss").await.status, 400);
    let org = real.org;
    for (path, status) in [
        ("/orgs/validate", 400),
        ("/orgs/validate?name=a", 400),
        ("/orgs/validate?name=a--b", 400),
    ] {
        assert_eq!(emu.get("owner-token", path).await.status, status, "{path}");
    }
    for path in [
        format!("/orgs/{org}/teams/validate"),
        format!("/orgs/{org}/teams/validate?name=-x"),
        format!("/orgs/{org}/workspaces/validate"),
        format!("/orgs/{org}/workspaces/validate?name=x"),
        format!("/labels?workspaceId={}&type=weird", real.ws),
        format!("/labels?workspaceId={}&isDefault=maybe", real.ws),
        "/labels".to_string(),
        "/roles".to_string(),
        format!("/roles?orgId={org}&type=weird"),
        "/roles/permissions".to_string(),
        format!("/roles/validate?orgId={org}"),
        format!("/roles/validate?orgId={org}&name=a--b"),
    ] {
        assert_eq!(emu.get("owner-token", &path).await.status, 400, "{path}");
    }

    // 403: a user who belongs to nothing, on everything but the open operations.
    for (method, template, op) in OPERATIONS {
        if OPEN.contains(op) {
            continue;
        }
        let ids = Ids {
            user: emu.user_id("member@example.org"),
            ..real
        };
        let path = with_query(op, fill(template, ids), ids);
        let r = emu
            .call(Some("outsider-token"), method, &path, body(op))
            .await;
        assert_eq!(r.status, 403, "{op}: {}", r.text);
        assert_eq!(r.body, json!({"message": "Forbidden"}), "{op}");
    }

    success_paths(&emu, real).await;
    conflicts(&emu).await;

    // Coverage: each operation answered with a 2xx and with each error it can give.
    let seen = emu.seen.lock().unwrap().clone();
    let mut by_op: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    for (op, status) in &seen {
        by_op.entry(op.as_str()).or_default().push(*status);
    }
    let conflict_ops = [
        "CreateOrganization",
        "ValidateOrganizationName",
        "UpdateOrganization",
        "CreateOrganizationMember",
        "CreateOrganizationTeam",
        "UpdateOrganizationTeam",
        "CreateOrganizationTeamMember",
        "CreateWorkspace",
        "ValidateWorkspaceName",
        "UpdateWorkspace",
        "CreateWorkspaceParticipant",
        "CreateRole",
        "UpdateRole",
        "ValidateRoleName",
        "CreateOrganizationIdpGroup",
        "DeleteOrganizationIdpGroup",
    ];
    let mut missing = Vec::new();
    for (_, template, op) in OPERATIONS {
        let got = by_op.get(op).cloned().unwrap_or_default();
        let mut want = Vec::new();
        if !got.iter().any(|s| (200..300).contains(s)) {
            missing.push(format!("{op}: no success"));
        }
        if *op != "Info" {
            want.push(401);
        }
        if template.contains('{') || scoped_by_query(op) {
            want.push(404);
        }
        if !OPEN.contains(op) {
            want.push(403);
        }
        if !matches!(*op, "Info" | "UserInfo") && !NO_400.contains(op) {
            want.push(400);
        }
        if conflict_ops.contains(op) {
            want.push(409);
        }
        for s in want {
            if !got.contains(&s) {
                missing.push(format!("{op}: no {s}"));
            }
        }
    }
    assert!(missing.is_empty(), "not covered:\n{}", missing.join("\n"));
}

/// Every operation once on its success path, as the owner unless said otherwise.
async fn success_paths(emu: &Emu, real: Ids) {
    let t = "owner-token";
    let org = real.org;
    let ws = real.ws;
    let owner_id = emu.user_id("owner@example.org");

    assert_eq!(
        emu.call(None, "GET", "/service-info", Send::None)
            .await
            .status,
        200
    );
    let me = emu.get(t, "/user-info").await;
    assert_eq!(me.body["user"]["email"], "owner@example.org");
    assert_eq!(emu.get(t, &format!("/users/{owner_id}")).await.status, 200);
    let mine = emu.get(t, &format!("/user/{owner_id}/workspaces")).await;
    assert_eq!(mine.status, 200);
    assert_eq!(emu.get(t, "/orgs?role=owner").await.status, 200);

    // Organizations.
    let created = emu
        .post(t, "/orgs", json!({"organization": {"name": "new-org", "fullName": "New org", "website": "https://example.org"}}))
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let new_org = created.body["organization"]["orgId"].as_i64().unwrap();
    assert_eq!(created.body["organization"]["memberRole"], "owner");
    assert_eq!(
        emu.get(t, "/orgs/validate?name=free-name").await.status,
        204
    );
    assert_eq!(emu.get(t, &format!("/orgs/{org}")).await.status, 200);
    let upd = json!({"name": "acme", "fullName": "Acme", "description": "d", "location": "l", "website": "w"});
    assert_eq!(emu.put(t, &format!("/orgs/{org}"), upd).await.status, 204);
    assert_eq!(emu.get(t, &format!("/orgs/{org}/quotas")).await.status, 200);
    let admin_user = emu.user_id("admin@example.org");
    let roles = emu
        .get(t, &format!("/orgs/{org}/users/{admin_user}/roles"))
        .await;
    assert_eq!(
        roles.body["userWorkspaces"][0]["roles"][0]["roleSourceType"],
        "team"
    );

    // Members and collaborators.
    assert_eq!(
        emu.get(t, &format!("/orgs/{org}/members")).await.status,
        200
    );
    let added = emu
        .put(
            t,
            &format!("/orgs/{org}/members/add"),
            json!({"user": "newbie@example.org"}),
        )
        .await;
    assert_eq!(added.body["member"]["role"], "member");
    let newbie = added.body["member"]["memberId"].as_i64().unwrap();
    let role = json!({"role": "owner"});
    let path = format!("/orgs/{org}/members/{newbie}/role");
    assert_eq!(emu.put(t, &path, role).await.status, 204);
    let path = format!("/orgs/{org}/members/{newbie}");
    assert_eq!(emu.delete(t, &path).await.status, 204);
    let collabs = emu.get(t, &format!("/orgs/{org}/collaborators")).await;
    assert_eq!(collabs.body["members"][0]["role"], "collaborator");

    // The IdP group catalogue and the SCIM configuration.
    let groups = format!("/orgs/{org}/idp-groups");
    let listed = emu.get(t, &groups).await;
    assert_eq!(listed.body["groups"][0]["displayName"], "idp-group");
    assert_eq!(listed.body["groups"][0]["source"], "SCIM");
    let g = emu
        .post(t, &groups, json!({"displayName": "Bioinformatics"}))
        .await;
    assert_eq!(g.body["source"], "MANUAL");
    let gid = g.body["id"].as_i64().unwrap();
    assert_eq!(emu.delete(t, &format!("{groups}/{gid}")).await.status, 204);
    let scim = emu.get(t, &format!("/orgs/{org}/scim/config")).await;
    assert_eq!(scim.body["hasActiveToken"], true);
    assert_eq!(scim.body["groupCount"], 1);
    assert_eq!(scim.body["ssoActive"], false);

    // Teams.
    assert_eq!(emu.get(t, &format!("/orgs/{org}/teams")).await.status, 200);
    let team = emu
        .post(
            t,
            &format!("/orgs/{org}/teams"),
            json!({"team": {"name": "new-team", "description": "d"}}),
        )
        .await;
    assert_eq!(team.body["team"]["membersCount"], 0);
    let team = team.body["team"]["teamId"].as_i64().unwrap();
    let path = format!("/orgs/{org}/teams/validate?name=free-team");
    assert_eq!(emu.get(t, &path).await.status, 204);
    assert_eq!(
        emu.get(t, &format!("/orgs/{org}/teams/{team}"))
            .await
            .status,
        200
    );
    let path = format!("/orgs/{org}/teams/{team}");
    assert_eq!(
        emu.put(t, &path, json!({"description": "new"}))
            .await
            .status,
        204
    );
    let path = format!("/orgs/{org}/teams/{team}/members");
    let tm = emu
        .post(t, &path, json!({"userNameOrEmail": "member"}))
        .await;
    assert_eq!(tm.body["member"]["email"], "member@example.org");
    assert_eq!(emu.get(t, &path).await.body["totalSize"], 1);
    let member = real.member;
    let path = format!("/orgs/{org}/teams/{team}/members/{member}/delete");
    assert_eq!(emu.delete(t, &path).await.status, 204);
    let path = format!("/orgs/{org}/teams/{}/workspaces", real.team);
    let by_team = emu.get(t, &path).await;
    assert_eq!(by_team.body["workspaces"][0]["participantRole"], "admin");
    assert_eq!(
        emu.delete(t, &format!("/orgs/{org}/teams/{team}"))
            .await
            .status,
        204
    );

    // Workspaces and studios.
    assert_eq!(
        emu.get(t, &format!("/orgs/{org}/workspaces")).await.status,
        200
    );
    let body = json!({"workspace": {"name": "new-ws", "fullName": "New", "visibility": "SHARED"}});
    let created = emu.post(t, &format!("/orgs/{org}/workspaces"), body).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let new_ws = created.body["workspace"]["id"].as_i64().unwrap();
    let path = format!("/orgs/{org}/workspaces/validate?name=free-ws");
    assert_eq!(emu.get(t, &path).await.status, 204);
    let path = format!("/orgs/{org}/workspaces/{new_ws}");
    assert_eq!(emu.get(t, &path).await.status, 200);
    let upd = json!({"name": "new-ws2", "fullName": "New 2", "description": "d", "visibility": "PRIVATE"});
    let updated = emu.put(t, &path, upd).await;
    assert_eq!(updated.body["workspace"]["name"], "new-ws2");
    let studios = format!("{path}/settings/studios");
    assert_eq!(emu.get(t, &studios).await.body["lifespanHours"], 8);
    let s = json!({"lifespanHours": 12, "containerRepository": "cr.example.org/s", "nameStrategy": "tagPrefix", "privateStudioByDefault": true});
    assert_eq!(emu.put(t, &studios, s).await.status, 204);
    assert_eq!(emu.get(t, &studios).await.body["nameStrategy"], "tagPrefix");
    assert_eq!(emu.delete(t, &path).await.status, 204);

    // Participants.
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    assert_eq!(emu.get(t, &parts).await.status, 200);
    let viewer = emu.member_id("acme", "viewer@example.org");
    let p = emu
        .put(t, &format!("{parts}/add"), json!({"memberId": viewer}))
        .await;
    assert_eq!(p.body["participant"]["type"], "MEMBER");
    assert_eq!(p.body["participant"]["wspRole"], "launch");
    let pid = p.body["participant"]["participantId"].as_i64().unwrap();
    let idp = emu.team_id("acme", "idp-team");
    let p = emu
        .put(t, &format!("{parts}/add"), json!({"teamId": idp}))
        .await;
    assert_eq!(p.body["participant"]["type"], "TEAM");
    let p = emu
        .put(
            t,
            &format!("{parts}/add"),
            json!({"userNameOrEmail": "outsider@example.org"}),
        )
        .await;
    assert_eq!(p.body["participant"]["type"], "COLLABORATOR");
    let path = format!("{parts}/{pid}/role");
    assert_eq!(
        emu.put(t, &path, json!({"role": "MAINTAIN"})).await.status,
        204
    );
    assert_eq!(emu.delete(t, &format!("{parts}/{pid}")).await.status, 204);
    let outsider = emu.user_id("outsider@example.org");
    let path = format!("/orgs/{org}/workspaces/{ws}/users/{outsider}");
    assert_eq!(emu.delete(t, &path).await.status, 204);
    assert_eq!(emu.delete("member-token", &parts).await.status, 204);

    // Labels.
    let q = format!("?workspaceId={ws}");
    let labels = emu.get(t, &format!("/labels{q}&type=resource")).await;
    assert_eq!(labels.body["totalSize"], 1);
    let l = emu
        .post(
            t,
            &format!("/labels{q}"),
            json!({"name": "team", "value": "x", "resource": true}),
        )
        .await;
    let lid = l.body["id"].as_i64().unwrap();
    let path = format!("/labels/{lid}{q}");
    assert_eq!(
        emu.put(t, &path, json!({"value": "y"})).await.body["value"],
        "y"
    );
    assert_eq!(emu.delete(t, &path).await.status, 204);

    // Custom roles: listed after the predefined ones, created (201), described, renamed in
    // place, validated, deleted; the permission catalogue.
    let q = format!("?orgId={org}");
    let roles = emu.get(t, &format!("/roles{q}")).await;
    assert_eq!(roles.body["totalSize"], 7, "{}", roles.text);
    assert_eq!(roles.body["roles"][0]["name"], "owner");
    assert_eq!(roles.body["roles"][6]["name"], "pipeline-runner");
    assert_eq!(roles.body["roles"][6]["isPredefined"], false);
    let custom = emu.get(t, &format!("/roles{q}&type=custom&max=1")).await;
    assert_eq!(custom.body["roles"].as_array().unwrap().len(), 1);
    let perms = emu.get(t, &format!("/roles/permissions{q}")).await;
    assert!(
        perms.body["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "pipeline:execute"),
        "{}",
        perms.text
    );
    let created = emu
        .post(
            t,
            &format!("/roles{q}"),
            json!({"name": "analyst", "description": "Reads results", "permissions": ["workflow:read", "dataset:read"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.body["permissions"],
        json!(["dataset:read", "workflow:read"])
    );
    let path = format!("/roles/validate{q}&name=free-role");
    assert_eq!(emu.get(t, &path).await.status, 204);
    let one = emu.get(t, &format!("/roles/analyst{q}")).await;
    assert_eq!(one.body["role"]["description"], "Reads results");
    let owner_role = emu.get(t, &format!("/roles/owner{q}")).await;
    assert_eq!(owner_role.body["role"]["isPredefined"], true);
    let renamed =
        json!({"name": "reader", "description": "Reads", "permissions": ["workflow:read"]});
    assert_eq!(
        emu.put(t, &format!("/roles/analyst{q}"), renamed)
            .await
            .status,
        204
    );
    assert_eq!(emu.get(t, &format!("/roles/analyst{q}")).await.status, 404);
    let reader = emu.get(t, &format!("/roles/reader{q}")).await;
    assert_eq!(reader.body["role"]["permissions"], json!(["workflow:read"]));
    assert_eq!(
        emu.delete(t, &format!("/roles/reader{q}")).await.status,
        204
    );

    // Leaving and deleting last: the second owner leaves the new org, then it is deleted.
    let path = format!("/orgs/{new_org}/members/add");
    emu.put(t, &path, json!({"user": "admin@example.org"}))
        .await;
    assert_eq!(
        emu.delete("admin-token", &format!("/orgs/{new_org}/members/leave"))
            .await
            .status,
        204
    );
    assert_eq!(emu.delete(t, &format!("/orgs/{new_org}")).await.status, 204);
}

/// Every 409: duplicates on create, rename, add and validate.
async fn conflicts(emu: &Emu) {
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let dup_org = json!({"organization": {"name": "ACME", "fullName": "Dup"}});
    assert_eq!(emu.post(t, "/orgs", dup_org).await.status, 409);
    assert_eq!(emu.get(t, "/orgs/validate?name=Acme").await.status, 409);
    let rename = json!({"name": "other", "fullName": "Acme"});
    assert_eq!(
        emu.put(t, &format!("/orgs/{org}"), rename).await.status,
        409
    );
    let path = format!("/orgs/{org}/members/add");
    assert_eq!(
        emu.put(t, &path, json!({"user": "MEMBER@example.org"}))
            .await
            .status,
        409
    );
    let team = json!({"team": {"name": "Admins"}});
    assert_eq!(
        emu.post(t, &format!("/orgs/{org}/teams"), team)
            .await
            .status,
        409
    );
    let idp = emu.team_id("acme", "idp-team");
    let path = format!("/orgs/{org}/teams/{idp}");
    assert_eq!(
        emu.put(t, &path, json!({"name": "admins"})).await.status,
        409
    );
    let admins = emu.team_id("acme", "admins");
    let path = format!("/orgs/{org}/teams/{admins}/members");
    let r = emu
        .post(t, &path, json!({"userNameOrEmail": "admin@example.org"}))
        .await;
    assert_eq!(r.status, 409);
    let w = json!({"workspace": {"name": "GENOMICS", "fullName": "G", "visibility": "PRIVATE"}});
    assert_eq!(
        emu.post(t, &format!("/orgs/{org}/workspaces"), w)
            .await
            .status,
        409
    );
    let path = format!("/orgs/{org}/workspaces/validate?name=Shared");
    assert_eq!(emu.get(t, &path).await.status, 409);
    let path = format!("/orgs/{org}/workspaces/{ws}");
    let rename = json!({"name": "shared", "fullName": "G", "visibility": "PRIVATE"});
    assert_eq!(emu.put(t, &path, rename).await.status, 409);
    let path = format!("/orgs/{org}/workspaces/{ws}/participants/add");
    assert_eq!(
        emu.put(t, &path, json!({"teamId": admins})).await.status,
        409
    );
    let r = emu
        .put(t, &path, json!({"userNameOrEmail": "COLLAB@example.org"}))
        .await;
    assert_eq!(r.status, 409);
    // Custom roles: a name a predefined or custom role has, on create, rename and validate.
    let q = format!("?orgId={org}");
    for name in ["Pipeline-Runner", "ADMIN"] {
        let dup = json!({"name": name, "description": "Dup"});
        assert_eq!(
            emu.post(t, &format!("/roles{q}"), dup).await.status,
            409,
            "{name}"
        );
        let path = format!("/roles/validate{q}&name={name}");
        assert_eq!(emu.get(t, &path).await.status, 409, "{name}");
    }
    let other = json!({"name": "other-role", "description": "Other"});
    assert_eq!(emu.post(t, &format!("/roles{q}"), other).await.status, 201);
    let rename = json!({"name": "PIPELINE-runner", "description": "Other"});
    assert_eq!(
        emu.put(t, &format!("/roles/other-role{q}"), rename)
            .await
            .status,
        409
    );
    // The catalogue: a group value twice; a SCIM entry removed by hand.
    let groups = format!("/orgs/{org}/idp-groups");
    let r = emu
        .post(t, &groups, json!({"displayName": "idp-group"}))
        .await;
    assert_eq!(r.status, 409);
    let scim = emu.idp_group_id("acme", "idp-group");
    let r = emu.delete(t, &format!("{groups}/{scim}")).await;
    assert_eq!(r.status, 409);
    assert!(r.message().contains("managed through SCIM"), "{}", r.text);
}
