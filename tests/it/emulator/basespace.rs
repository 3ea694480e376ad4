//! The BaseSpace (BSSH v2) routes of the emulator against the swagger
//! (tests/fixtures/basespace-api/bssh-v2-swagger.json): every answer of [`bs`] is checked — a
//! 200 body must validate strictly (no undeclared field) against the operation's response
//! schema, and any other status (the swagger's `default` response) must carry a `V2Error`
//! body, validated the same way. Then the world section's located errors, the state file, and a
//! coverage check that every operation was seen answering 200 and an error.

use std::collections::BTreeSet;
use std::sync::Mutex;

use seqera_emulator::basespace::BASESPACE_OPERATIONS;
use serde_json::Value;

use super::schema;
use super::{Emu, Resp, Send};

/// Two regions; in use1 a professional workgroup (the admin and a user), an enterprise one in
/// a domain, an inactive one, and a workgroup the admin does not belong to; a user whose token
/// is in a workgroup context; in euc1 an instance of its own.
pub const BS_WORLD: &str = r#"
users:
  - {email: owner@example.org, userName: owner, token: owner-token}
basespace:
  regions:
    - name: use1
      users:
        - {id: "1001", email: admin@lab.org, name: Lab Admin, token: bs-admin}
        - {id: "1002", email: student@lab.org, token: bs-student, context: lab-seq}
        - {email: other@elsewhere.org, token: bs-other}
      workgroups:
        - id: "2001"
          name: lab-seq
          displayName: Lab sequencing
          members: [admin@lab.org, "1002"]
        - id: "2002"
          name: genomics-core
          domain: uq
          plan: Enterprise
          collaborative: true
          members: [admin@lab.org]
        - id: "2003"
          name: old-project
          active: false
          members: [admin@lab.org]
        - id: "2004"
          name: not-mine
          members: [other@elsewhere.org]
    - name: euc1
      users:
        - {email: admin@lab.org, token: bs-eu-admin}
      workgroups:
        - {name: lab-seq-eu, members: [admin@lab.org]}
"#;

/// (operationId, status) of every checked BaseSpace call, across tests.
static SEEN: Mutex<BTreeSet<(String, u16)>> = Mutex::new(BTreeSet::new());

/// How the token is sent.
#[derive(Clone, Copy)]
enum Auth<'a> {
    /// `x-access-token` (the swagger's `api_key`).
    Header(&'a str),
    Bearer(&'a str),
    None,
}

/// GET `/basespace/{region}/v2{path}`, checked against the swagger.
async fn bs(emu: &Emu, auth: Auth<'_>, region: &str, path: &str) -> Resp {
    let spec = schema::bssh();
    let bare = path.split('?').next().unwrap_or(path);
    let op = spec
        .operation("GET", bare)
        .unwrap_or_else(|| panic!("GET {bare} is not in the swagger"));
    let url = emu.url(&format!("/basespace/{region}/v2{path}"));
    let client = super::client();
    let mut req = client.get(url);
    req = match auth {
        Auth::Header(t) => req.header("x-access-token", t),
        Auth::Bearer(t) => req.bearer_auth(t),
        Auth::None => req,
    };
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    let ctx = format!("{} GET {path} -> {status}: {text}", op.id);
    let schema = if status == 200 {
        spec.response_schema(op.op, 200)
            .unwrap_or_else(|| panic!("no 200 schema: {ctx}"))
    } else {
        let default = &op.op["responses"]["default"]["schema"];
        assert!(default.is_object(), "the swagger gives a default: {ctx}");
        default
    };
    if let Err(errs) = spec.validate(schema, &body, true) {
        panic!("invalid body: {ctx}\n{}", errs.join("\n"));
    }
    SEEN.lock().unwrap().insert((op.id.clone(), status));
    Resp {
        status,
        body,
        text,
        headers: Default::default(),
    }
}

const LIST: &str =
    "includeloggedinuser=false&activeonly=false&refreshcache=false&includesubscription=true";

#[tokio::test]
async fn the_current_user_is_the_token_s_user_or_its_workgroup_context() {
    let emu = Emu::start(BS_WORLD).await;
    let me = bs(&emu, Auth::Header("bs-admin"), "use1", "/users/current").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["Id"], "1001");
    assert_eq!(me.body["Email"], "admin@lab.org");
    assert_eq!(me.body["IsWorkgroup"], false);
    // The same through a bearer header.
    let me = bs(&emu, Auth::Bearer("bs-admin"), "use1", "/users/current").await;
    assert_eq!(me.body["Id"], "1001");
    // A token in a workgroup's context: the workgroup is the current user, the person is
    // LoggedInUser.
    let ctx = bs(&emu, Auth::Header("bs-student"), "use1", "/users/current").await;
    assert_eq!(ctx.body["IsWorkgroup"], true);
    assert_eq!(ctx.body["Id"], "2001");
    assert_eq!(ctx.body["LoggedInUser"]["Id"], "1002");
    assert_eq!(ctx.body["LoggedInUser"]["Email"], "student@lab.org");
    // Generated ids are digits.
    let other = bs(&emu, Auth::Header("bs-other"), "use1", "/users/current").await;
    assert!(
        other.body["Id"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit()),
        "{}",
        other.text
    );
}

#[tokio::test]
async fn a_user_sees_only_the_workgroups_they_belong_to() {
    let emu = Emu::start(BS_WORLD).await;
    let names = |r: &Resp| -> Vec<String> {
        r.body["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["Name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = bs(
        &emu,
        Auth::Header("bs-admin"),
        "use1",
        &format!("/users/1001/workgroups?{LIST}"),
    )
    .await;
    assert_eq!(all.status, 200);
    assert_eq!(names(&all), ["lab-seq", "genomics-core", "old-project"]);
    assert_eq!(all.body["Paging"]["TotalCount"], 3);
    let core = &all.body["Items"][1];
    assert_eq!(core["DomainName"], "uq");
    assert_eq!(core["IsCollaborative"], true);
    assert_eq!(core["Subscription"]["Plan"], "Enterprise");
    // `current` names the token's user; inactive workgroups drop out with activeonly.
    let active = bs(
        &emu,
        Auth::Header("bs-admin"),
        "use1",
        "/users/current/workgroups?includeloggedinuser=true&activeonly=true&refreshcache=true&includesubscription=true",
    )
    .await;
    assert_eq!(names(&active), ["lab-seq", "genomics-core"]);
    // Paging and sorting.
    let page = bs(
        &emu,
        Auth::Header("bs-admin"),
        "use1",
        &format!("/users/1001/workgroups?{LIST}&sortby=Name&sortdir=Desc&limit=1&offset=1"),
    )
    .await;
    assert_eq!(names(&page), ["lab-seq"]);
    assert_eq!(page.body["Paging"]["DisplayedCount"], 1);
    assert_eq!(page.body["Paging"]["SortBy"], "Name");
    assert_eq!(page.body["Paging"]["SortDir"], "Desc");
    // Without the subscription, its plan is not given.
    let bare = bs(
        &emu,
        Auth::Header("bs-admin"),
        "use1",
        "/users/1001/workgroups?includeloggedinuser=false&activeonly=false&refreshcache=false&includesubscription=false",
    )
    .await;
    assert!(bare.body["Items"][0]["Subscription"].get("Plan").is_none());
    // In a workgroup context, the workgroup's id lists the logged-in person's workgroups.
    let ctx = bs(
        &emu,
        Auth::Header("bs-student"),
        "use1",
        &format!("/users/2001/workgroups?{LIST}"),
    )
    .await;
    assert_eq!(names(&ctx), ["lab-seq"]);
    // Regions are separate instances.
    let eu = bs(
        &emu,
        Auth::Header("bs-eu-admin"),
        "euc1",
        &format!("/users/current/workgroups?{LIST}"),
    )
    .await;
    assert_eq!(names(&eu), ["lab-seq-eu"]);
}

#[tokio::test]
async fn a_workgroup_s_metadata_is_visible_to_its_members_only() {
    let emu = Emu::start(BS_WORLD).await;
    let wg = bs(&emu, Auth::Header("bs-admin"), "use1", "/workgroups/2001").await;
    assert_eq!(wg.status, 200);
    assert_eq!(wg.body["Name"], "lab-seq");
    assert_eq!(wg.body["DisplayName"], "Lab sequencing");
    assert_eq!(wg.body["DomainName"], "basespace");
    assert_eq!(wg.body["IsCollaborative"], false);
    assert_eq!(wg.body["Subscription"]["Plan"], "Professional");
    assert!(wg.body.get("Members").is_none(), "the API has no members");
    for id in ["2004", "9999"] {
        let r = bs(
            &emu,
            Auth::Header("bs-admin"),
            "use1",
            &format!("/workgroups/{id}"),
        )
        .await;
        assert_eq!(r.status, 404, "{id}: {}", r.text);
        assert_eq!(r.body["ErrorCode"], "NotFound");
    }
}

#[tokio::test]
async fn every_error_is_a_v2_error() {
    let emu = Emu::start(BS_WORLD).await;
    let cases: &[(Auth, &str, String, u16)] = &[
        (Auth::None, "use1", "/users/current".into(), 401),
        (Auth::Header("nope"), "use1", "/users/current".into(), 401),
        // A token of one region is unknown in another.
        (
            Auth::Header("bs-eu-admin"),
            "use1",
            "/users/current".into(),
            401,
        ),
        (
            Auth::Header("bs-admin"),
            "aps2",
            "/users/current".into(),
            404,
        ),
        (
            Auth::Header("bs-admin"),
            "use1",
            "/users/1001/workgroups?activeonly=true".into(),
            400,
        ),
        (
            Auth::Header("bs-admin"),
            "use1",
            format!("/users/1001/workgroups?{LIST}&sortby=Size"),
            400,
        ),
        (
            Auth::Header("bs-admin"),
            "use1",
            format!("/users/1001/workgroups?{LIST}&limit=many"),
            400,
        ),
        (
            Auth::Header("bs-admin"),
            "use1",
            format!("/users/1002/workgroups?{LIST}"),
            403,
        ),
        (Auth::None, "use1", "/workgroups/2001".into(), 401),
    ];
    for (auth, region, path, want) in cases {
        let r = bs(&emu, *auth, region, path).await;
        assert_eq!(r.status, *want, "{region} {path}: {}", r.text);
        assert!(!r.body["ErrorMessage"].as_str().unwrap().is_empty());
        assert!(
            r.body["RequestId"]
                .as_str()
                .unwrap()
                .starts_with("emulator-")
        );
    }
    // A route the emulator does not serve (and the BSSH API may not have) is a 404 V2Error.
    let r = emu
        .raw(
            None,
            "GET",
            "/basespace/use1/v2/workgroups/2001/users",
            Send::None,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["ErrorCode"], "NotFound");
    // No write route exists.
    let r = emu
        .raw(
            None,
            "POST",
            "/basespace/use1/v2/workgroups/2001",
            Send::None,
        )
        .await;
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn basespace_calls_are_counted_under_their_operation_ids_and_write_nothing() {
    let emu = Emu::start(BS_WORLD).await;
    emu.handle.reset_stats();
    bs(&emu, Auth::Header("bs-admin"), "use1", "/users/current").await;
    bs(&emu, Auth::None, "use1", "/users/current").await;
    bs(&emu, Auth::Header("bs-admin"), "use1", "/workgroups/2001").await;
    let stats = emu.handle.stats();
    assert_eq!(stats.count("GetV2UsersCurrent", 200), 1);
    assert_eq!(stats.count("GetV2UsersCurrent", 401), 1);
    assert_eq!(stats.count("GetV2WorkgroupsId", 200), 1);
    assert_eq!(stats.writes, 0);
}

#[test]
fn bad_basespace_sections_get_located_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "basespace:\n  regions:\n    - name: use1\n      users:\n        - {email: a@x.org}\n      workgroups:\n        - {name: lab, members: [ghost@x.org]}\n",
            "world.yaml:7:33",
        ),
        (
            "basespace:\n  regions:\n    - name: US\n",
            "world.yaml:3:13",
        ),
        (
            "basespace:\n  regions:\n    - name: use1\n      users:\n        - {email: a@x.org, token: t, context: lab}\n",
            "world.yaml:5:47",
        ),
        (
            "basespace:\n  regions:\n    - name: use1\n      colour: blue\n",
            "world.yaml:4:7",
        ),
    ];
    for (yaml, at) in cases {
        let e = seqera_emulator::parse_world("world.yaml", yaml).expect_err(yaml);
        let text = e.render(false);
        assert!(text.contains(at), "{yaml}\nexpected {at} in:\n{text}");
    }
}

#[tokio::test]
async fn the_state_file_keeps_the_basespace_section_with_its_ids() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.yaml");
    let opts = seqera_emulator::Options {
        state: Some(state.clone()),
        ..Default::default()
    };
    let emu = Emu::start_with(BS_WORLD, opts.clone()).await;
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("lab-seq-eu"), "{saved}");
    let world = emu.world();
    let bs = world.basespace.expect("the section is kept");
    assert!(
        bs.regions
            .iter()
            .flat_map(|r| &r.users)
            .all(|u| u.id.is_some())
    );
    drop(emu);
    // Resumed from the state file: the same ids answer.
    let again = Emu::start_with("users: []\n", opts).await;
    let me = bs_current_id(&again, "bs-eu-admin", "euc1").await;
    let first = seqera_emulator::parse_world("s", &saved).unwrap();
    let want = first.basespace.unwrap().regions[1].users[0]
        .id
        .clone()
        .unwrap()
        .value;
    assert_eq!(me, want);
}

async fn bs_current_id(emu: &Emu, token: &str, region: &str) -> String {
    let r = bs(emu, Auth::Header(token), region, "/users/current").await;
    r.body["Id"].as_str().unwrap().to_string()
}

/// Runs after the others in this module (by name order within one thread it may not; so it
/// drives every operation itself and then checks the union of what was seen).
#[tokio::test]
async fn zz_every_operation_is_seen_answering_200_and_an_error() {
    let emu = Emu::start(BS_WORLD).await;
    bs(&emu, Auth::Header("bs-admin"), "use1", "/users/current").await;
    bs(&emu, Auth::None, "use1", "/users/current").await;
    bs(
        &emu,
        Auth::Header("bs-admin"),
        "use1",
        &format!("/users/1001/workgroups?{LIST}"),
    )
    .await;
    bs(
        &emu,
        Auth::Header("bs-admin"),
        "use1",
        "/users/1001/workgroups",
    )
    .await;
    bs(&emu, Auth::Header("bs-admin"), "use1", "/workgroups/2001").await;
    bs(&emu, Auth::Header("bs-admin"), "use1", "/workgroups/2004").await;
    let seen = SEEN.lock().unwrap().clone();
    for (_, path, op) in BASESPACE_OPERATIONS {
        assert!(
            seen.contains(&(op.to_string(), 200)),
            "{op} ({path}) never answered 200"
        );
        assert!(
            seen.iter().any(|(o, s)| o == op && *s >= 400),
            "{op} ({path}) never answered an error"
        );
    }
}
