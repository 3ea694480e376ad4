//! The world file: located errors (as config files get), the state file round trip, and a
//! medium-sized world that loads and pages correctly (the timed version is benches/emulator.rs).

use std::fmt::Write as _;

use seqera_emulator::{Options, parse_world};
use serde_json::json;

use super::{Emu, WORLD};

/// The rendered diagnostics of a bad world.
fn errors(yaml: &str) -> String {
    match parse_world("world.yaml", yaml) {
        Ok(_) => panic!("accepted:\n{yaml}"),
        Err(e) => {
            let text = e.render(false);
            assert!(
                e.to_string().starts_with("invalid world file world.yaml"),
                "{e}"
            );
            text
        }
    }
}

#[test]
fn bad_worlds_get_located_errors() {
    let users = "users:\n  - {email: a@x.org, userName: a, token: ta}\n";
    let cases: &[(String, &str, &str)] = &[
        (
            format!("{users}  - {{email: A@x.org, userName: b}}\n"),
            "world.yaml:3:13",
            "duplicate user email",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    members:\n      - {{email: nobody@x.org}}\n"
            ),
            "world.yaml:6:17",
            "`nobody@x.org` is not a declared user",
        ),
        ("users: [\n".to_string(), "world.yaml:", "yaml-syntax"),
        (
            format!("{users}colour: blue\n"),
            "world.yaml:3:1",
            "unknown field `colour`",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    members:\n      - {{email: a@x.org, role: boss}}\n"
            ),
            "world.yaml:6:32",
            "`boss` is not an organization role",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    workspaces:\n      - name: w1\n        participants:\n          - {{email: a@x.org, team: t}}\n"
            ),
            "world.yaml:8:13",
            "exactly one of `email` or `team`",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    workspaces:\n      - name: w1\n        participants:\n          - {{team: nope}}\n"
            ),
            "world.yaml:8:20",
            "`nope` is not a team",
        ),
        (
            format!("{users}organizations:\n  - name: bad--name\n"),
            "world.yaml:4:11",
            "not a valid organization name",
        ),
        (
            format!("{users}organizations:\n  - {{id: 5, name: o1}}\n  - {{id: 5, name: o2}}\n"),
            "world.yaml:5:10",
            "duplicate id 5",
        ),
        (
            format!("defaultParticipantRole: boss\n{users}"),
            "world.yaml:1:25",
            "not a predefined",
        ),
        (
            format!("unknownUsers: maybe\n{users}"),
            "world.yaml:1:15",
            "`maybe`",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    workspaces:\n      - name: w1\n        participants:\n          - {{email: a@x.org, role: runner}}\n"
            ),
            "world.yaml:8:36",
            "not a workspace role",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    customRoles:\n      - runner\n      - {{name: Runner, description: again}}\n"
            ),
            "world.yaml:7:16",
            "duplicate custom role `Runner`",
        ),
        (
            format!("{users}organizations:\n  - name: o1\n    customRoles:\n      - Admin\n"),
            "world.yaml:6:9",
            "`Admin` cannot be a custom role name",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    customRoles:\n      - name: runner\n        permissions: [pipeline:execute, Pipeline:Fly]\n"
            ),
            "world.yaml:7:41",
            "`Pipeline:Fly` is not a permission name",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    customRoles:\n      - {{name: runner, colour: red}}\n"
            ),
            "world.yaml:6:24",
            "unknown field `colour`",
        ),
        (
            format!(
                "{users}organizations:\n  - name: o1\n    quotas: {{maxCustomRolesPerOrg: -1}}\n"
            ),
            "world.yaml:5:36",
            "a quota cannot be negative",
        ),
    ];
    let mut failures = Vec::new();
    for (yaml, loc, what) in cases {
        let text = errors(yaml);
        if !text.contains(loc) || !text.contains(what) {
            failures.push(format!("want {loc} and {what:?} in:\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every problem is reported, sorted by line.
    let many = format!("{users}  - {{email: a@x.org, userName: a}}\norganizations:\n  - name: x\n");
    let text = errors(&many);
    let first = text.find("world.yaml:3:").unwrap();
    let second = text.find("world.yaml:5:").unwrap();
    assert!(first < second, "{text}");
}

#[tokio::test]
async fn the_state_is_the_world_with_ids_and_loads_back_identically() {
    let emu = Emu::start(WORLD).await;
    let org = emu.org_id("acme");
    let team = json!({"team": {"name": "later"}});
    emu.post("owner-token", &format!("/orgs/{org}/teams"), team)
        .await;
    let role = json!({"name": "analyst", "description": "Reads", "permissions": ["workflow:read"]});
    let r = emu
        .post("owner-token", &format!("/roles?orgId={org}"), role)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let state = emu.world().to_yaml();
    assert!(
        state.contains(
            "name: analyst\n    description: Reads\n    permissions:\n    - workflow:read"
        ),
        "custom roles are kept with their definitions:\n{state}"
    );
    let again = parse_world("state.yaml", &state).unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert_eq!(again, emu.world());
    assert_eq!(again.to_yaml(), state, "deterministic");
    // A world loads with the same ids every time.
    let a = parse_world("w.yaml", WORLD).unwrap();
    let e1 = Emu::start(WORLD).await;
    let e2 = Emu::start(WORLD).await;
    assert_eq!(e1.world(), e2.world());
    assert_ne!(
        a,
        e1.world(),
        "the world file has no ids; the state has them all"
    );
    // Restarted from the state, new ids continue after the old ones.
    let e3 = Emu::start(&state).await;
    let t = json!({"team": {"name": "newer"}});
    let created = e3
        .post("owner-token", &format!("/orgs/{org}/teams"), t)
        .await;
    let id = created.body["team"]["teamId"].as_i64().unwrap();
    assert!(id > emu.team_id("acme", "later"));
}

#[tokio::test]
async fn a_medium_world_loads_and_pages_correctly() {
    let (workspaces, per_ws) = (200, 50);
    let mut y = String::from("users:\n");
    for u in 0..per_ws {
        let _ = writeln!(y, "  - {{email: u{u}@x.org, userName: u{u}, token: t{u}}}");
    }
    y.push_str("organizations:\n  - name: big\n    members:\n");
    for u in 0..per_ws {
        let role = if u == 0 { "owner" } else { "member" };
        let _ = writeln!(y, "      - {{email: u{u}@x.org, role: {role}}}");
    }
    y.push_str("    workspaces:\n");
    for w in 0..workspaces {
        let _ = writeln!(y, "      - name: ws-{w}\n        participants:");
        for u in 0..per_ws {
            let _ = writeln!(y, "          - {{email: u{u}@x.org, role: view}}");
        }
    }
    let emu = Emu::start_with(&y, Options::default()).await;
    let org = emu.org_id("big");
    let ws = emu.ws_id("big", "ws-199");
    let path = format!("/orgs/{org}/workspaces/{ws}/participants");
    let mut seen = Vec::new();
    for offset in (0..per_ws).step_by(20) {
        let page = emu
            .get("t0", &format!("{path}?max=20&offset={offset}"))
            .await;
        assert_eq!(page.body["totalSize"], per_ws);
        for p in page.body["participants"].as_array().unwrap() {
            seen.push(p["email"].as_str().unwrap().to_string());
        }
    }
    let want: Vec<String> = (0..per_ws).map(|u| format!("u{u}@x.org")).collect();
    assert_eq!(seen, want, "every participant once, in creation order");
    let list = emu.get("t1", &format!("/orgs/{org}/workspaces")).await;
    assert_eq!(
        list.body["workspaces"].as_array().unwrap().len(),
        workspaces
    );
}

/// The example in docs/emulator.md is a valid world, and means what the doc says.
#[tokio::test]
async fn the_documented_example_world_is_valid() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/emulator.md"))
        .expect("docs/emulator.md");
    let start = doc.find("```yaml\n").expect("a yaml example") + "```yaml\n".len();
    let yaml = &doc[start..start + doc[start..].find("```").unwrap()];
    let emu = Emu::start(yaml).await;
    let org = emu.org_id("biocommons");
    let collabs = emu
        .get("ops-token", &format!("/orgs/{org}/collaborators"))
        .await;
    assert_eq!(
        collabs.body["members"][0]["email"],
        "visitor@partner.edu.au"
    );
    let ws = emu.ws_id("biocommons", "genomics");
    let parts = emu
        .get(
            "ops-token",
            &format!("/orgs/{org}/workspaces/{ws}/participants"),
        )
        .await;
    assert_eq!(parts.body["totalSize"], 5);
    let studios = emu
        .get(
            "jane-token",
            &format!("/orgs/{org}/workspaces/{ws}/settings/studios"),
        )
        .await;
    assert_eq!(studios.body["nameStrategy"], "tagPrefix");
}
