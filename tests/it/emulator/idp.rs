//! IdP group catalogue, team links and SCIM status; active SSO refusing collaborators; 403s that
//! name the missing permissions; Studios' unlimited lifespan and dynamic label values kept as
//! written (docs/seqera-api.md §2, §6.4, §6.5, §6.6 and §8).

use serde_json::{Value, json};

use super::{Emu, WORLD};

#[tokio::test]
async fn teams_link_to_catalogue_entries_on_create_and_update_and_unlinking_purges_members() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let manual = emu.idp_group_id("acme", "manual-group");
    let teams = format!("/orgs/{org}/teams");
    // Created linked: the name comes from the catalogue.
    let r = emu
        .post(
            t,
            &teams,
            json!({"team": {"name": "linked"}, "idpGroupId": manual}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["team"]["idpGroupId"], manual);
    assert_eq!(r.body["team"]["idpGroupName"], "manual-group");
    // An id the catalogue does not hold is refused.
    let r = emu
        .post(
            t,
            &teams,
            json!({"team": {"name": "nowhere"}, "idpGroupId": 99}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("not in the catalogue"), "{}", r.text);
    // Linking an existing team keeps its members until they log in again.
    let admins = emu.team_id("acme", "admins");
    let path = format!("{teams}/{admins}");
    assert_eq!(
        emu.put(t, &path, json!({"idpGroupId": manual}))
            .await
            .status,
        204
    );
    let d = emu.get(t, &path).await;
    assert_eq!(d.body["team"]["idpGroupName"], "manual-group");
    assert_eq!(d.body["team"]["membersCount"], 1);
    // Renaming a linked team keeps the link when `idpGroupId` is not sent.
    assert_eq!(
        emu.put(t, &path, json!({"description": "now linked"}))
            .await
            .status,
        204
    );
    assert_eq!(emu.get(t, &path).await.body["team"]["idpGroupId"], manual);
    // Unlinking removes the members the provider gave it.
    assert_eq!(
        emu.put(t, &path, json!({"idpGroupId": null})).await.status,
        204
    );
    let d = emu.get(t, &path).await;
    assert_eq!(d.body["team"]["idpGroupId"], Value::Null);
    assert_eq!(d.body["team"]["idpGroupName"], Value::Null);
    assert_eq!(d.body["team"]["membersCount"], 0);
}

#[tokio::test]
async fn removing_a_catalogue_entry_unlinks_its_teams_and_removes_their_members() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let manual = emu.idp_group_id("acme", "manual-group");
    let idp_team = emu.team_id("acme", "idp-team");
    let team = format!("/orgs/{org}/teams/{idp_team}");
    assert_eq!(
        emu.put(t, &team, json!({"idpGroupId": manual}))
            .await
            .status,
        204
    );
    assert_eq!(emu.get(t, &team).await.body["team"]["membersCount"], 1);
    let r = emu
        .delete(t, &format!("/orgs/{org}/idp-groups/{manual}"))
        .await;
    assert_eq!(r.status, 204);
    let d = emu.get(t, &team).await;
    assert_eq!(d.body["team"]["idpGroupId"], Value::Null);
    assert_eq!(d.body["team"]["membersCount"], 0);
    let listed = emu.get(t, &format!("/orgs/{org}/idp-groups")).await;
    assert_eq!(listed.body["groups"].as_array().unwrap().len(), 1);
    // Only owners change the catalogue; members read it.
    let r = emu
        .post(
            "member-token",
            &format!("/orgs/{org}/idp-groups"),
            json!({"displayName": "x"}),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = emu
        .get("member-token", &format!("/orgs/{org}/idp-groups"))
        .await;
    assert_eq!(r.status, 200);
    let r = emu
        .post(
            t,
            &format!("/orgs/{org}/idp-groups"),
            json!({"displayName": "  "}),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn without_a_catalogue_the_feature_is_off_404_and_teams_cannot_link() {
    let emu = Emu::start(WORLD).await;
    let t = "owner2-token";
    let org = emu.org_id("other");
    for path in [
        format!("/orgs/{org}/idp-groups"),
        format!("/orgs/{org}/scim/config"),
    ] {
        let r = emu.get(t, &path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(
            r.message(),
            "IdP group mapping is not enabled for this organization"
        );
    }
    let r = emu
        .post(
            t,
            &format!("/orgs/{org}/teams"),
            json!({"team": {"name": "linked"}, "idpGroupId": 42}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("not enabled"), "{}", r.text);
}

#[tokio::test]
async fn the_scim_configuration_reports_sso_the_token_and_the_scim_groups_but_never_a_token() {
    let world = WORLD.replace(
        "    customRoles: [pipeline-runner]\n",
        "    customRoles: [pipeline-runner]\n    sso: true\n",
    );
    let emu = Emu::start(&world).await;
    let org = emu.org_id("acme");
    let r = emu
        .get("member-token", &format!("/orgs/{org}/scim/config"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["ssoActive"], true);
    assert_eq!(r.body["hasActiveToken"], true);
    assert_eq!(r.body["groupCount"], 1);
    assert_eq!(r.body["tokenCreatedAt"], "2026-01-05T10:00:00Z");
    assert_eq!(r.body["tokenLastUsed"], "2026-02-01T08:30:00Z");
    assert_eq!(r.body["maskedToken"], "scim_****");
    let r = emu
        .get("collab-token", &format!("/orgs/{org}/scim/config"))
        .await;
    assert_eq!(r.status, 403, "collaborators are not org members");
}

#[tokio::test]
async fn with_active_sso_a_collaborator_is_refused_with_409_and_members_still_join() {
    let world = WORLD.replace(
        "    customRoles: [pipeline-runner]\n",
        "    customRoles: [pipeline-runner]\n    sso: true\n",
    );
    let emu = Emu::start(&world).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "shared");
    let add = format!("/orgs/{org}/workspaces/{ws}/participants/add");
    let r = emu
        .put(t, &add, json!({"userNameOrEmail": "outsider@example.org"}))
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.message()
            .contains("Collaborator not permitted for organization with active SSO"),
        "{}",
        r.text
    );
    assert!(r.message().contains("outsider@example.org"), "{}", r.text);
    // Nothing was created: no collaborator, no invited user.
    let collabs = emu.get(t, &format!("/orgs/{org}/collaborators")).await;
    assert_eq!(collabs.body["totalSize"], 1, "only the existing one");
    let r = emu
        .put(
            t,
            &add,
            json!({"userNameOrEmail": "never-seen@example.org"}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(
        !emu.world()
            .users
            .iter()
            .any(|u| u.email.value == "never-seen@example.org")
    );
    // Members join by email as before; an existing collaborator keeps participating.
    let r = emu
        .put(t, &add, json!({"userNameOrEmail": "viewer@example.org"}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["participant"]["type"], "MEMBER");
    let collab = emu.member_id("acme", "collab@example.org");
    let r = emu.put(t, &add, json!({"memberId": collab})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["participant"]["type"], "COLLABORATOR");
}

#[tokio::test]
async fn a_403_names_the_missing_permissions_when_the_world_says_so() {
    let world = format!("listMissingPermissions: true\n{WORLD}");
    let emu = Emu::start(&world).await;
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let viewer = emu.member_id("acme", "viewer@example.org");
    let parts = format!("/orgs/{org}/workspaces/{ws}/participants");
    // A `launch` participant may not manage participants.
    let r = emu
        .put(
            "member-token",
            &format!("{parts}/add"),
            json!({"memberId": viewer}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body,
        json!({"message": "Forbidden. Missing permission(s): \"workspace:write\""})
    );
    // An admin may not touch owners.
    let owner_p = emu.participant_id("acme", "genomics", "owner@example.org");
    let r = emu
        .put(
            "admin-token",
            &format!("{parts}/{owner_p}/role"),
            json!({"role": "view"}),
        )
        .await;
    assert_eq!(
        r.body,
        json!({"message": "Forbidden. Missing permission(s): \"workspace:admin\""})
    );
    let r = emu
        .delete("admin-token", &format!("/orgs/{org}/workspaces/{ws}"))
        .await;
    assert_eq!(
        r.body,
        json!({"message": "Forbidden. Missing permission(s): \"workspace:delete\""})
    );
    // Someone outside the organization is told only "Forbidden".
    let r = emu.get("outsider-token", &parts).await;
    assert_eq!(r.body, json!({"message": "Forbidden"}));
    // Without the setting, the same refusal is bare.
    let bare = Emu::start(WORLD).await;
    let r = bare
        .put(
            "member-token",
            &format!("{parts}/add"),
            json!({"memberId": viewer}),
        )
        .await;
    assert_eq!(r.body, json!({"message": "Forbidden"}));
}

#[tokio::test]
async fn deleting_a_workspace_removes_its_participants_and_keeps_its_collaborators_memberships() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let admins = emu.team_id("acme", "admins");
    assert_eq!(
        emu.delete(t, &format!("/orgs/{org}/workspaces/{ws}"))
            .await
            .status,
        204
    );
    let by_team = emu
        .get(t, &format!("/orgs/{org}/teams/{admins}/workspaces"))
        .await;
    assert_eq!(
        by_team.body["totalSize"], 0,
        "the team participates nowhere"
    );
    let admin = emu.user_id("admin@example.org");
    let roles = emu
        .get(t, &format!("/orgs/{org}/users/{admin}/roles"))
        .await;
    assert_eq!(roles.body["userWorkspaces"], json!([]));
    // The collaborator's membership stays (docs/seqera-api.md §11), with no participation.
    let collabs = emu.get(t, &format!("/orgs/{org}/collaborators")).await;
    assert_eq!(collabs.body["members"][0]["email"], "collab@example.org");
    let members = emu.get(t, &format!("/orgs/{org}/members")).await;
    let emails: Vec<&str> = members.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert!(
        !emails.contains(&"collab@example.org"),
        "/members never lists collaborators: {emails:?}"
    );
}

#[tokio::test]
async fn an_unlimited_studios_lifespan_and_dynamic_label_values_round_trip_as_written() {
    let emu = Emu::start(WORLD).await;
    let t = "owner-token";
    let org = emu.org_id("acme");
    let ws = emu.ws_id("acme", "genomics");
    let studios = format!("/orgs/{org}/workspaces/{ws}/settings/studios");
    for hours in [0, 1, 120] {
        let r = emu.put(t, &studios, json!({"lifespanHours": hours})).await;
        assert_eq!(r.status, 204);
        assert_eq!(emu.get(t, &studios).await.body["lifespanHours"], hours);
    }
    let q = format!("/labels?workspaceId={ws}");
    let l = emu
        .post(
            t,
            &q,
            json!({"name": "run", "value": "nf-${workflowId}", "resource": true}),
        )
        .await;
    assert_eq!(l.status, 200);
    assert_eq!(l.body["value"], "nf-${workflowId}");
    let listed = emu.get(t, &format!("{q}&search=run")).await;
    let run = &listed.body["labels"][0];
    assert_eq!(run["value"], "nf-${workflowId}", "never expanded");
    assert_eq!(run["isDynamic"], true);
    let env = emu.get(t, &format!("{q}&search=env")).await;
    assert_eq!(env.body["labels"][0]["isDynamic"], false);
}
