//! Regressions of the typed core (issue 9): names compare case-insensitively and render as
//! declared, and a platform literally named `default` reads only its own orgs.

use serde_json::Value;

use crate::support::{Platform, config_dir, expect_exit, roster, stdout};

/// A world and a config with one org, team and workspace, named with `case` applied, and a few
/// changes to plan (a new member, a role change, a new participant, a removal).
fn named(case: fn(&str) -> String) -> (String, String) {
    let (org, team, ws) = (
        case("BioCommons"),
        case("Genomics-Admins"),
        case("Genomics"),
    );
    let world = format!(
        "users:
  - {{email: ops@bc.org, userName: ops, token: t}}
  - {{email: jane@bc.org, userName: jane}}
  - {{email: old@bc.org, userName: old}}
  - {{email: new@bc.org, userName: new}}
organizations:
  - name: {org}
    members:
      - {{email: ops@bc.org, role: owner}}
      - {{email: jane@bc.org}}
      - {{email: old@bc.org}}
    teams:
      - name: {team}
        members: [jane@bc.org]
    workspaces:
      - name: {ws}
        participants:
          - {{team: {team}, role: maintain}}
          - {{email: old@bc.org, role: view}}
"
    );
    let config = format!(
        "kind: Organization
name: {org}
members:
  - {{user: ops@bc.org, role: owner}}
  - {{user: jane@bc.org, role: owner}}
  - user: new@bc.org
teams:
  - name: {team}
    members: [jane@bc.org, new@bc.org]
---
kind: Workspace
org: {org}
name: {ws}
participants:
  - {{team: {team}, role: admin}}
  - {{user: new@bc.org, role: launch}}
"
    );
    (world, config)
}

fn plan_text(world: &str, config: &str, format: &str) -> String {
    let p = Platform::start(world);
    let dir = config_dir(&[
        (
            "roster.yaml",
            "kind: Settings\npolicy:\n  maxRemovalFraction: 1.0\n  minOrgOwners: 1\n",
        ),
        ("bc.yaml", config),
    ]);
    let out = expect_exit(
        &mut p.roster(&["plan", dir.path().to_str().unwrap(), "--format", format]),
        0,
    );
    // The emulator's port differs per run.
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    port.replace_all(&stdout(&out), "127.0.0.1:PORT")
        .into_owned()
}

#[test]
fn mixed_case_org_workspace_and_team_names_render_like_lower_case_ones() {
    let (mw, mc) = named(|s| s.to_string());
    let (lw, lc) = named(|s| s.to_lowercase());
    let mixed = plan_text(&mw, &mc, "text");
    let lower = plan_text(&lw, &lc, "text");
    // The same plan, line for line: only the names' case differs.
    assert_eq!(mixed.to_lowercase(), lower.to_lowercase());
    assert_eq!(mixed.lines().count(), lower.lines().count());
    // No line falls back to a full address, and names show as declared.
    assert!(!mixed.contains("org/"), "{mixed}");
    assert!(mixed.contains("organization BioCommons"), "{mixed}");
    assert!(mixed.contains("Genomics-Admins"), "{mixed}");
    insta::assert_snapshot!("mixed_case_names_text", mixed);

    let json: Value = serde_json::from_str(&plan_text(&mw, &mc, "json")).unwrap();
    let addrs: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert!(
        addrs.contains(&"org/BioCommons/workspace/Genomics/participant/team:Genomics-Admins"),
        "{addrs:?}"
    );
}

#[test]
fn a_platform_named_default_reads_only_its_own_orgs_with_its_own_token() {
    // The first platform's world also holds the second platform's org: reading it there would
    // be reading another platform's org with the wrong token.
    let a = Platform::start(
        "users:\n  - {email: ops@a.org, userName: ops, token: token-a}\norganizations:\n  - name: alpha\n    members:\n      - {email: ops@a.org, role: owner}\n  - name: beta\n    members:\n      - {email: ops@a.org, role: owner}\n",
    );
    let b = Platform::start(
        "users:\n  - {email: ops@b.org, userName: ops, token: token-b}\norganizations:\n  - name: beta\n    members:\n      - {email: ops@b.org, role: owner}\n",
    );
    let config = format!(
        "kind: Settings\nplatforms:\n  default:\n    endpoint: {}\n    tokenEnv: A_TOKEN\n  other:\n    endpoint: {}\n    tokenEnv: B_TOKEN\n---\nkind: Organization\nname: alpha\nplatform: default\nmembers:\n  - {{user: ops@a.org, role: owner}}\n---\nkind: Organization\nname: beta\nplatform: other\nmembers:\n  - {{user: ops@b.org, role: owner}}\n",
        a.url(),
        b.url()
    );
    let dir = config_dir(&[("c.yaml", &config)]);
    let out = expect_exit(
        roster()
            .args(["plan", dir.path().to_str().unwrap(), "--format", "json"])
            .env("A_TOKEN", "token-a")
            .env("B_TOKEN", "token-b"),
        0,
    );
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    for t in plan["targets"].as_array().unwrap() {
        let orgs: Vec<&str> = t["scope"]["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        let fingerprints: Vec<&String> = t["fingerprints"].as_object().unwrap().keys().collect();
        let (own, foreign) = match t["platform"].as_str().unwrap() {
            "default" => ("alpha", "beta"),
            "other" => ("beta", "alpha"),
            p => panic!("unexpected platform {p}"),
        };
        assert_eq!(orgs, [own], "platform {} reads only {own}", t["platform"]);
        assert!(
            !fingerprints.iter().any(|f| f.contains(foreign)),
            "platform {} fingerprints no listing of {foreign}: {fingerprints:?}",
            t["platform"]
        );
    }
}
