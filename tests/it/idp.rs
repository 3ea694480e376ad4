//! IdP-linked teams: the config's `idpGroup` planned as the link on create and update, no member
//! changes for a team that follows a group (and the plan says why), unlinking (`idpGroup: null`)
//! flagged for the members the platform removes, groups the catalogue lacks refused before
//! anything is planned, and `roster idp` reporting the SCIM status and the catalogue.

use serde_json::Value;

use crate::support::{Platform, config_dir, expect_exit, stderr, stdout};

const WORLD: &str = "\
users:
  - {email: admin@lab.org, userName: admin, token: admin-token}
  - {email: jane@lab.org, userName: jane}
  - {email: bob@lab.org, userName: bob}
organizations:
  - name: lab
    idpGroups:
      - {name: genomics-users, source: scim}
      - {name: Bioinfo}
    members:
      - {email: admin@lab.org, role: owner}
      - {email: jane@lab.org}
      - {email: bob@lab.org}
    teams:
      - name: linked
        idpGroup: genomics-users
        members: [jane@lab.org]
      - name: plain
        members: [bob@lab.org]
      - name: to-unlink
        idpGroup: Bioinfo
        members: [jane@lab.org, bob@lab.org]
";

const MEMBERS: &str = "\
kind: Settings
policy: {maxRemovalFraction: 1.0}
---
kind: Organization
name: lab
members:
  - {user: admin@lab.org, role: owner}
  - {user: jane@lab.org}
  - {user: bob@lab.org}
teams:
";

fn config(teams: &str) -> String {
    format!("{MEMBERS}{teams}")
}

fn plan_json(p: &Platform, dir: &str) -> Value {
    let out = expect_exit(&mut p.roster(&["plan", dir, "--format", "json"]), 0);
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn change<'a>(plan: &'a Value, address: &str) -> &'a Value {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no change {address}: {plan:#}"))
}

fn addresses(plan: &Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap().to_string())
        .collect()
}

fn unmanaged<'a>(plan: &'a Value, address: &str) -> &'a str {
    plan["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["address"] == address)
        .and_then(|u| u["reason"].as_str())
        .unwrap_or_else(|| panic!("{address} not unmanaged: {plan:#}"))
}

/// (idpGroupName, member emails) of a team, as the emulator holds it now.
fn team(p: &Platform, name: &str) -> (Option<String>, Vec<String>) {
    let w = p.handle.world();
    let t = w.organizations[0]
        .teams
        .iter()
        .find(|t| t.name.value == name)
        .unwrap_or_else(|| panic!("no team {name}"));
    let mut ms: Vec<String> = t.members.iter().map(|m| m.value.clone()).collect();
    ms.sort();
    (t.idp_group_name.clone(), ms)
}

/// The teams as they are, so the plan has nothing else to do.
const AS_IS: &str = "  - {name: linked, idpGroup: genomics-users}\n  - {name: plain, members: [bob@lab.org]}\n  - {name: to-unlink, idpGroup: Bioinfo}\n";

#[test]
fn a_new_team_is_created_linked_and_its_members_are_left_to_the_provider() {
    let p = Platform::start(WORLD);
    let teams = format!("{AS_IS}  - {{name: new-linked, idpGroup: genomics-users}}\n");
    let dir = config_dir(&[("c.yaml", &config(&teams))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    assert_eq!(addresses(&plan), ["org/lab/team/new-linked"], "{plan:#}");
    let c = change(&plan, "org/lab/team/new-linked");
    assert_eq!(c["after"]["idpGroup"], "genomics-users");
    assert!(c["exec"]["idp_group_id"].as_i64().is_some(), "{c:#}");
    assert!(
        c["note"]
            .as_str()
            .unwrap()
            .contains("follows IdP group `genomics-users`"),
        "{c:#}"
    );
    let why = unmanaged(&plan, "org/lab/team/new-linked/members");
    assert!(
        why.contains("the identity provider manages its members")
            && why.contains("no member changes"),
        "{why}"
    );
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    assert_eq!(team(&p, "new-linked").0.as_deref(), Some("genomics-users"));
    expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
}

#[test]
fn linking_an_existing_team_plans_the_link_and_no_member_change() {
    let p = Platform::start(WORLD);
    let teams = AS_IS.replace(
        "{name: plain, members: [bob@lab.org]}",
        "{name: plain, idpGroup: Bioinfo}",
    );
    let dir = config_dir(&[("c.yaml", &config(&teams))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    assert_eq!(addresses(&plan), ["org/lab/team/plain"], "{plan:#}");
    let c = change(&plan, "org/lab/team/plain");
    assert_eq!(c["action"], "update");
    assert_eq!(c["before"]["idpGroup"], Value::Null);
    assert_eq!(c["after"]["idpGroup"], "Bioinfo");
    assert!(c["exec"]["idp_group"]["link"].as_i64().is_some(), "{c:#}");
    assert!(
        c["note"]
            .as_str()
            .unwrap()
            .contains("its 1 member stays until then"),
        "{c:#}"
    );
    let text = expect_exit(&mut p.roster(&["plan", d]), 0);
    assert!(
        stdout(&text).contains("team follows IdP group `Bioinfo`"),
        "the text plan says why: {}",
        stdout(&text)
    );
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    assert_eq!(
        team(&p, "plain"),
        (Some("Bioinfo".to_string()), vec!["bob@lab.org".to_string()])
    );
    expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
}

#[test]
fn a_linked_team_whose_config_lists_members_gets_no_member_changes_and_the_plan_says_why() {
    let p = Platform::start(WORLD);
    // `linked` has jane; the config (which manages no link) lists bob.
    let teams = "  - {name: linked, members: [bob@lab.org]}\n  - {name: plain, members: [bob@lab.org]}\n  - {name: to-unlink}\n";
    let dir = config_dir(&[("c.yaml", &config(teams))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    assert!(addresses(&plan).is_empty(), "{plan:#}");
    let why = unmanaged(&plan, "org/lab/team/linked/members");
    assert!(
        why.starts_with("team follows IdP group `genomics-users`"),
        "{why}"
    );
    // Nothing asked for the catalogue: the config names no group.
    assert_eq!(p.stats().calls("ListOrganizationIdpGroups"), 0);
}

#[test]
fn a_rename_of_a_linked_team_keeps_its_link() {
    let p = Platform::start(WORLD);
    let teams = AS_IS.replace(
        "{name: linked, idpGroup: genomics-users}",
        "{name: linked, description: Genomics users from the IdP}",
    );
    let dir = config_dir(&[("c.yaml", &config(&teams))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    let c = change(&plan, "org/lab/team/linked");
    assert!(
        c["exec"]["idp_group"]["link"].as_i64().is_some(),
        "an update of a linked team always sends its link: {c:#}"
    );
    assert!(c["after"].get("idpGroup").is_none(), "unmanaged: not shown");
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    assert_eq!(
        team(&p, "linked"),
        (
            Some("genomics-users".to_string()),
            vec!["jane@lab.org".to_string()]
        )
    );
}

#[test]
fn unlinking_warns_that_the_platform_removes_the_members_and_adds_back_the_declared_ones() {
    let p = Platform::start(WORLD);
    let teams = AS_IS.replace(
        "{name: to-unlink, idpGroup: Bioinfo}",
        "{name: to-unlink, idpGroup: null, members: [bob@lab.org]}",
    );
    let dir = config_dir(&[("c.yaml", &config(&teams))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    assert_eq!(
        addresses(&plan),
        [
            "org/lab/team/to-unlink",
            "org/lab/team/to-unlink/member/user:bob@lab.org"
        ],
        "no removal of jane: the unlink removes her; bob is added back"
    );
    let c = change(&plan, "org/lab/team/to-unlink");
    assert_eq!(c["exec"]["idp_group"], "unlink");
    assert_eq!(c["risks"], serde_json::json!(["removes-access"]));
    let note = c["note"].as_str().unwrap();
    assert!(
        note.contains("unlinks the team from IdP group `Bioinfo`: the platform removes all its 2 members, then adds back the members the config lists"),
        "{note}"
    );
    let bob = change(&plan, "org/lab/team/to-unlink/member/user:bob@lab.org");
    assert_eq!(
        bob["depends_on"],
        serde_json::json!(["org/lab/team/to-unlink"])
    );
    // Who loses what: jane loses the team; bob keeps it.
    let access = plan["access"].as_array().unwrap();
    assert!(
        access.iter().all(|a| a["user"] != "bob@lab.org"),
        "{access:#?}"
    );
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    assert_eq!(
        team(&p, "to-unlink"),
        (None, vec!["bob@lab.org".to_string()])
    );
    expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
}

#[test]
fn the_members_an_unlink_removes_count_toward_the_removal_guard_rail() {
    let p = Platform::start(WORLD);
    let teams = AS_IS.replace(
        "{name: to-unlink, idpGroup: Bioinfo}",
        "{name: to-unlink, idpGroup: null}",
    );
    let strict = config(&teams).replace("maxRemovalFraction: 1.0", "maxRemovalFraction: 0.25");
    let dir = config_dir(&[("c.yaml", &strict)]);
    let d = dir.path().to_str().unwrap();
    // 2 of 3 members + 4 team memberships = 2 of 7 grants: above 25%.
    let out = expect_exit(&mut p.roster(&["plan", d]), 1);
    assert!(
        stdout(&out).contains("removes 2 of 7 existing grants"),
        "{}",
        stdout(&out)
    );
    assert_eq!(p.writes(), 0);
}

#[test]
fn a_group_the_catalogue_lacks_is_refused_before_planning_naming_the_team_and_the_file() {
    let p = Platform::start(WORLD);
    let teams = AS_IS.replace(
        "{name: plain, members: [bob@lab.org]}",
        "{name: plain, idpGroup: bioinfo}",
    );
    let dir = config_dir(&[("c.yaml", &config(&teams))]);
    let out = expect_exit(&mut p.roster(&["plan", dir.path().to_str().unwrap()]), 1);
    let err = stderr(&out);
    assert!(
        err.contains("team plain follows IdP group `bioinfo`")
            && err.contains("c.yaml:12:29")
            && err.contains("not in the organization's IdP group catalogue")
            && err.contains("Did you mean `Bioinfo`? Group values are case-sensitive."),
        "{err}"
    );
    assert!(stdout(&out).is_empty(), "no plan is shown");
}

#[test]
fn a_group_on_an_org_without_idp_group_mapping_is_refused() {
    let world = WORLD.replace(
        "    idpGroups:\n      - {name: genomics-users, source: scim}\n      - {name: Bioinfo}\n",
        "",
    )
    .replace("        idpGroup: genomics-users\n", "")
    .replace("        idpGroup: Bioinfo\n", "");
    let p = Platform::start(&world);
    let dir = config_dir(&[(
        "c.yaml",
        &config(
            "  - {name: plain, idpGroup: Bioinfo}\n  - {name: linked}\n  - {name: to-unlink}\n",
        ),
    )]);
    let out = expect_exit(&mut p.roster(&["plan", dir.path().to_str().unwrap()]), 1);
    let err = stderr(&out);
    assert!(
        err.contains("ListOrganizationIdpGroups answered 404"),
        "{err}"
    );
}

#[test]
fn relinking_says_members_are_checked_against_the_new_group() {
    let p = Platform::start(WORLD);
    let teams = AS_IS.replace(
        "{name: linked, idpGroup: genomics-users}",
        "{name: linked, idpGroup: Bioinfo}",
    );
    let dir = config_dir(&[("c.yaml", &config(&teams))]);
    let d = dir.path().to_str().unwrap();
    let plan = plan_json(&p, d);
    let c = change(&plan, "org/lab/team/linked");
    assert!(
        c["note"]
            .as_str()
            .unwrap()
            .contains("now follows IdP group `Bioinfo` instead of `genomics-users`"),
        "{c:#}"
    );
    assert!(c["risks"].is_null() || c["risks"] == serde_json::json!([]));
    expect_exit(&mut p.roster(&["apply", d, "--auto-approve"]), 0);
    assert_eq!(
        team(&p, "linked"),
        (
            Some("Bioinfo".to_string()),
            vec!["jane@lab.org".to_string()]
        )
    );
}

#[test]
fn export_writes_the_group_a_team_follows_and_plans_nothing_after() {
    let p = Platform::start(WORLD);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    expect_exit(&mut p.roster(&["export", d]), 0);
    let org = std::fs::read_to_string(dir.path().join("organizations/lab.yaml")).unwrap();
    assert!(
        org.contains("  - name: linked\n    idpGroup: genomics-users\n    # members: managed by the identity provider, not by roster\n"),
        "{org}"
    );
    expect_exit(&mut p.roster(&["plan", d, "--detailed-exitcode"]), 0);
}

/// Two orgs: `lab` with IdP group mapping, SSO and a SCIM token; `plain` without.
fn status_world() -> String {
    WORLD.replace(
        "  - name: lab\n",
        "  - name: lab\n    sso: true\n    scimToken: {createdAt: \"2026-01-05T10:00:00Z\", lastUsed: \"2026-02-01T08:30:00Z\"}\n",
    ) + "  - name: plain\n    members:\n      - {email: admin@lab.org, role: owner}\n"
}

const TWO_ORGS: &str = "kind: Organization\nname: lab\n---\nkind: Organization\nname: plain\n";

#[test]
fn roster_idp_reports_scim_the_catalogue_and_who_follows_what_and_off_for_a_404() {
    let p = Platform::start(&status_world());
    let dir = config_dir(&[("c.yaml", TWO_ORGS)]);
    let d = dir.path().to_str().unwrap();
    p.reset_stats();
    let out = expect_exit(&mut p.roster(&["idp", d]), 0);
    let text = stdout(&out);
    for want in [
        "organization lab (platform default, ",
        "  SCIM: an active token, created 2026-01-05T10:00:00Z, last used 2026-02-01T08:30:00Z\n",
        "  groups pushed by SCIM: 1\n",
        "  single sign-on: active (collaborators are not permitted)\n",
        "  IdP group catalogue (2 groups):\n    genomics-users (scim): followed by linked\n    Bioinfo (manual): followed by to-unlink\n",
        "organization plain (platform default, ",
        "  SCIM: off (DescribeOrganizationScimConfig answered 404: IdP group mapping is not enabled)\n",
        "  IdP group catalogue: off (ListOrganizationIdpGroups answered 404)\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(
        !text.contains("scim_****"),
        "no token, not even masked: {text}"
    );
    let s = p.stats();
    assert_eq!(s.writes, 0);
    assert_eq!(s.calls("DescribeOrganizationScimConfig"), 2);
    assert_eq!(s.calls("ListOrganizationIdpGroups"), 2);
    assert_eq!(s.count("ListOrganizationIdpGroups", 404), 1);

    let out = expect_exit(
        &mut p.roster(&["idp", d, "--format", "json", "--org", "lab"]),
        0,
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["format_version"], "1");
    let orgs = doc["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "--org selects");
    let lab = &orgs[0];
    assert_eq!(lab["scim"]["active_token"], true);
    assert_eq!(lab["scim"]["sso_active"], true);
    assert_eq!(lab["catalogue"][0]["name"], "genomics-users");
    assert_eq!(lab["catalogue"][0]["teams"], serde_json::json!(["linked"]));
    assert_eq!(lab["linked_teams"][1]["team"], "to-unlink");
    assert_eq!(lab["orphaned_links"], serde_json::json!([]));
}

#[test]
fn roster_idp_warns_of_a_team_linked_to_a_group_the_catalogue_no_longer_holds() {
    // The world links `orphan` by id to an entry that is not in the catalogue.
    let world = status_world().replace(
        "      - name: plain\n        members: [bob@lab.org]\n",
        "      - name: plain\n        members: [bob@lab.org]\n      - name: orphan\n        idpGroupId: 77\n        idpGroupName: gone-group\n",
    );
    let p = Platform::start(&world);
    let dir = config_dir(&[("c.yaml", "kind: Organization\nname: lab\n")]);
    let out = expect_exit(&mut p.roster(&["idp", dir.path().to_str().unwrap()]), 0);
    assert!(
        stdout(&out).contains(
            "  warning: team orphan follows IdP group gone-group (#77), which the catalogue no longer holds\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_sandbox_from_a_config_with_linked_teams_has_their_groups_and_plans_nothing() {
    let dir = config_dir(&[(
        "c.yaml",
        &config(
            "  - {name: linked, idpGroup: genomics-users}\n  - {name: plain, members: [bob@lab.org]}\n",
        ),
    )]);
    let d = dir.path().to_str().unwrap();
    expect_exit(crate::support::roster().args(["sandbox", "init", d]), 0);
    let world = std::fs::read_to_string(dir.path().join(".roster/sandbox.world.yaml")).unwrap();
    assert!(
        world.contains("    idpGroups:\n      - name: genomics-users\n"),
        "{world}"
    );
    assert!(
        world.contains("        idpGroup: genomics-users\n"),
        "{world}"
    );
    expect_exit(
        crate::support::roster().args(["plan", "--sandbox", d, "--detailed-exitcode"]),
        0,
    );
}
