//! The access view: effective roles (the highest of a user's own and their teams'), before and
//! after, with team membership counted on both sides.

use super::*;
use crate::scope::{Address, Units};

fn entry<'p>(p: &'p Plan, user: &str) -> &'p AccessChange {
    p.access
        .iter()
        .find(|a| a.user == user)
        .unwrap_or_else(|| panic!("no access entry for {user} in {:#?}", p.access))
}

fn role(role: &str, via: Option<&str>) -> Option<EffectiveRole> {
    Some(EffectiveRole {
        role: role.into(),
        via: via.map(Into::into),
    })
}

/// `example()` plus lead@lab.org, who takes part in rnaseq only through team admins, and a
/// second team, `ops-team` (ops@lab.org and jane), with maintain on rnaseq.
fn teams_example() -> Desired {
    let mut d = example();
    let o = &mut d.orgs[0];
    let teams = o.teams.as_mut().unwrap();
    teams[0].members = Some(vec![u("jane@lab.org").into(), u("lead@lab.org").into()]);
    teams.push(Team {
        name: "ops-team".into(),
        description: None,
        members: Some(vec![u("jane@lab.org").into(), u("ops@lab.org").into()]),
        idp_group: None,
        idp_origin: Default::default(),
    });
    o.workspaces[0]
        .participants
        .as_mut()
        .unwrap()
        .insert(1, team_p("ops-team", "maintain"));
    d
}

fn team_members<'a>(d: &'a mut Desired, team: &str) -> &'a mut Vec<TeamMember> {
    d.orgs[0]
        .teams
        .as_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t.name == team)
        .unwrap()
        .members
        .as_mut()
        .unwrap()
}

#[test]
fn leaving_a_team_loses_its_workspaces() {
    let mut d = teams_example();
    let live = live_of(&d, &acting());
    team_members(&mut d, "admins").retain(|m| m.user.as_str() != "lead@lab.org");
    let p = plan_of(&d, &live, Overrides::default());
    let lead = entry(&p, "lead@lab.org");
    assert_eq!(lead.loses, ["lab/rnaseq: admin (via team admins)"]);
    assert!(lead.gains.is_empty() && lead.changes.is_empty());
    assert_eq!(
        lead.effective,
        [EffectiveAccess {
            place: "lab/rnaseq".into(),
            before: role("admin", Some("admins")),
            after: None,
        }]
    );
}

#[test]
fn joining_a_team_gains_its_workspaces() {
    let before = example();
    let live = live_of(&before, &acting());
    let mut d = before.clone();
    team_members(&mut d, "admins").push(u("lead@lab.org").into());
    let p = plan_of(&d, &live, Overrides::default());
    let lead = entry(&p, "lead@lab.org");
    assert_eq!(lead.gains, ["lab/rnaseq: admin (via team admins)"]);
    assert_eq!(lead.effective[0].before, None);
    assert_eq!(lead.effective[0].after, role("admin", Some("admins")));
}

#[test]
fn leaving_a_team_drops_to_the_highest_role_kept_otherwise() {
    // jane: her own maintain, admin through admins, maintain through ops-team.
    let mut d = teams_example();
    let live = live_of(&d, &acting());
    team_members(&mut d, "admins").retain(|m| m.user.as_str() != "jane@lab.org");
    let p = plan_of(&d, &live, Overrides::default());
    let jane = entry(&p, "jane@lab.org");
    // Her own maintain wins the tie with ops-team's.
    assert_eq!(
        jane.changes,
        ["lab/rnaseq: admin (via team admins) → maintain"]
    );
    assert!(jane.loses.is_empty());
    assert_eq!(jane.effective[0].before, role("admin", Some("admins")));
    assert_eq!(jane.effective[0].after, role("maintain", None));
}

#[test]
fn losing_the_own_role_keeps_access_through_a_team() {
    let mut d = teams_example();
    let live = live_of(&d, &acting());
    // jane's own participation goes, and her admins membership: ops-team keeps her at maintain.
    d.orgs[0].workspaces[0]
        .participants
        .as_mut()
        .unwrap()
        .retain(|p| p.principal != Principal::User(u("jane@lab.org")));
    team_members(&mut d, "admins").retain(|m| m.user.as_str() != "jane@lab.org");
    let p = plan_of(&d, &live, Overrides::default());
    let jane = entry(&p, "jane@lab.org");
    assert_eq!(
        jane.changes,
        ["lab/rnaseq: admin (via team admins) → maintain (via team ops-team)"]
    );
    assert!(jane.loses.is_empty(), "she keeps access: {jane:?}");
}

#[test]
fn the_effective_role_is_the_highest_of_own_and_teams() {
    // A new workspace: jane's own view, her team's admin.
    let before = teams_example();
    let live = live_of(&before, &acting());
    let mut d = before.clone();
    d.orgs[0].workspaces.push(ws(
        "variants",
        vec![
            team_p("admins", "admin"),
            team_p("ops-team", "launch"),
            user_p("jane@lab.org", "view"),
            user_p("ops@lab.org", "maintain"),
        ],
    ));
    let p = plan_of(&d, &live, Overrides::default());
    assert_eq!(
        entry(&p, "jane@lab.org").gains,
        ["lab/variants: admin (via team admins)"]
    );
    // ops: own maintain beats ops-team's launch.
    assert_eq!(entry(&p, "ops@lab.org").gains, ["lab/variants: maintain"]);
    assert_eq!(
        entry(&p, "lead@lab.org").gains,
        ["lab/variants: admin (via team admins)"]
    );
}

#[test]
fn removing_a_team_from_a_workspace_or_the_org_removes_what_it_gave() {
    let d = teams_example();
    let live = live_of(&d, &acting());

    // The team's participation goes: lead loses rnaseq, jane drops to her own maintain.
    let mut without_participation = d.clone();
    without_participation.orgs[0].workspaces[0]
        .participants
        .as_mut()
        .unwrap()
        .retain(|p| p.principal != Principal::Team("admins".into()));
    let p = plan_of(&without_participation, &live, Overrides::default());
    assert_eq!(
        entry(&p, "lead@lab.org").loses,
        ["lab/rnaseq: admin (via team admins)"]
    );
    assert_eq!(
        entry(&p, "jane@lab.org").changes,
        ["lab/rnaseq: admin (via team admins) → maintain"]
    );

    // The team itself goes (and so its participation): the same for its members.
    let mut without_team = without_participation.clone();
    without_team.orgs[0]
        .teams
        .as_mut()
        .unwrap()
        .retain(|t| t.name != "admins");
    let q = plan_of(&without_team, &live, Overrides::default());
    assert_eq!(
        entry(&q, "lead@lab.org").loses,
        entry(&p, "lead@lab.org").loses
    );
}

#[test]
fn a_tie_between_teams_does_not_depend_on_the_order_of_participants() {
    let mut d = teams_example();
    // Both teams give jane maintain; her own view is lower.
    for p in d.orgs[0].workspaces[0].participants.as_mut().unwrap() {
        match &p.principal {
            Principal::Team(_) => p.role = "maintain".into(),
            Principal::User(user) if user.as_str() == "jane@lab.org" => p.role = "view".into(),
            _ => {}
        }
    }
    let mut reversed = d.clone();
    reversed.orgs[0].workspaces[0]
        .participants
        .as_mut()
        .unwrap()
        .reverse();
    let mut gone = d.clone();
    gone.orgs[0].workspaces[0].ensure = Ensure::Absent;
    let all = Overrides {
        allow_destroy: true,
        ..Overrides::default()
    };
    for live_from in [&d, &reversed] {
        let live = live_of(live_from, &acting());
        let p = plan_of(&gone, &live, all);
        assert_eq!(
            entry(&p, "jane@lab.org").loses,
            ["lab/rnaseq: maintain (via team admins)"]
        );
    }
}

#[test]
fn leaving_the_org_loses_the_org_and_every_workspace() {
    let mut d = teams_example();
    let live = live_of(&d, &acting());
    let o = &mut d.orgs[0];
    o.members
        .as_mut()
        .unwrap()
        .retain(|m| m.user.as_str() != "lead@lab.org");
    team_members(&mut d, "admins").retain(|m| m.user.as_str() != "lead@lab.org");
    let p = plan_of(&d, &live, Overrides::default());
    assert_eq!(
        entry(&p, "lead@lab.org").loses,
        ["lab: owner", "lab/rnaseq: admin (via team admins)"]
    );
}

#[test]
fn a_change_scoped_plan_counts_the_declared_teams_of_an_unchanged_org() {
    // A pull request adds a workspace for team admins. A change-scoped read lists the teams but
    // not their members (the org file did not change): the config's members stand for them.
    let before = teams_example();
    let mut live = live_of(&before, &acting());
    for t in &mut live.orgs.get_mut("lab").unwrap().teams {
        t.members = None;
    }
    let mut d = before.clone();
    d.orgs[0]
        .workspaces
        .push(ws("variants", vec![team_p("admins", "launch")]));
    let units: Units = [Address::workspace("lab", "variants")].into();
    let a = acting();
    let p = build(
        &d,
        "examples/lab",
        &[PlatformInput {
            platform: "default".into(),
            endpoint: "http://127.0.0.1:1".into(),
            token_env: "TOWER_ACCESS_TOKEN".into(),
            orgs: d.orgs.iter().collect(),
            live: &live,
            acting: &a,
            scope: Scope::default(),
        }],
        Overrides::default(),
        Some(&units),
    );
    let users: Vec<&str> = p.access.iter().map(|a| a.user.as_str()).collect();
    assert_eq!(users, ["jane@lab.org", "lead@lab.org"]);
    for a in &p.access {
        assert_eq!(a.gains, ["lab/variants: launch (via team admins)"]);
    }
}

#[test]
fn the_sentences_and_the_effective_entries_say_the_same() {
    let mut d = teams_example();
    let live = live_of(&d, &acting());
    team_members(&mut d, "admins").retain(|m| m.user.as_str() != "jane@lab.org");
    team_members(&mut d, "ops-team").push(u("lead@lab.org").into());
    d.orgs[0].members.as_mut().unwrap()[1].role = OrgRole::Member; // lead
    let p = plan_of(&d, &live, Overrides::default());
    assert!(!p.access.is_empty());
    for a in &p.access {
        let shown = |r: &EffectiveRole| match &r.via {
            Some(t) => format!("{} (via team {t})", r.role),
            None => r.role.clone(),
        };
        let mut sentences: Vec<String> = Vec::new();
        for e in &a.effective {
            sentences.push(match (&e.before, &e.after) {
                (None, Some(x)) => format!("+ {}: {}", e.place, shown(x)),
                (Some(x), None) => format!("- {}: {}", e.place, shown(x)),
                (Some(x), Some(y)) => format!("~ {}: {} → {}", e.place, shown(x), shown(y)),
                (None, None) => panic!("an entry that changes nothing: {e:?}"),
            });
        }
        let mut listed: Vec<String> = a
            .gains
            .iter()
            .map(|g| format!("+ {g}"))
            .chain(a.changes.iter().map(|c| format!("~ {c}")))
            .chain(a.loses.iter().map(|l| format!("- {l}")))
            .collect();
        listed.sort_by(|x, y| x[2..].cmp(&y[2..]));
        sentences.sort_by(|x, y| x[2..].cmp(&y[2..]));
        assert_eq!(sentences, listed, "{}", a.user);
    }
    let lead = entry(&p, "lead@lab.org");
    // Lead's admin through admins outranks ops-team's maintain: only the org role changes.
    assert_eq!(lead.changes, ["lab: owner → member"]);
}
