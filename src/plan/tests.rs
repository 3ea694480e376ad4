//! Tests of the pure planner: the diff, waves, guard rails and the access view, on hand-built
//! desired and live states (no I/O), plus the property that a live state matching the desired one
//! plans nothing.

use std::collections::BTreeMap;

use proptest::prelude::*;

mod access;

use super::model::*;
use super::{PlatformInput, build};
use crate::config::desired::*;
use crate::live::read::Scope;
use crate::live::*;

pub(super) fn acting() -> ActingUser {
    ActingUser {
        id: 1,
        user_name: "ops".into(),
        email: "ops@lab.org".into(),
    }
}

pub(super) fn u(s: &str) -> UserRef {
    UserRef::new(s)
}

pub(super) fn member(user: &str, role: OrgRole) -> Member {
    Member::new(u(user), role)
}

pub(super) fn user_p(user: &str, role: &str) -> Participant {
    Participant::new(Principal::User(u(user)), role)
}

pub(super) fn team_p(team: &str, role: &str) -> Participant {
    Participant::new(Principal::Team(team.into()), role)
}

pub(super) fn ws(name: &str, participants: Vec<Participant>) -> Workspace {
    Workspace {
        name: name.into(),
        ensure: Ensure::Present,
        full_name: None,
        description: None,
        visibility: Some(Visibility::Private),
        studios: None,
        labels: None,
        participants: Some(participants),
        origin: Origin::default(),
    }
}

pub(super) fn org(members: Vec<Member>, teams: Vec<Team>, workspaces: Vec<Workspace>) -> Org {
    Org {
        name: "lab".into(),
        platform: None,
        full_name: Some("The Lab".into()),
        description: None,
        location: None,
        website: None,
        custom_roles: vec![],
        defined_roles: None,
        members: Some(members),
        teams: Some(teams),
        workspaces,
        origin: Origin::default(),
    }
}

pub(super) fn desired(o: Org) -> Desired {
    Desired {
        platforms: BTreeMap::new(),
        policy: Policy {
            max_removal_fraction: 1.0,
            ..Policy::default()
        },
        orgs: vec![o],
        ..Desired::default()
    }
}

/// The live state that a platform would report after applying `d` perfectly.
pub(super) fn live_of(d: &Desired, acting: &ActingUser) -> Live {
    let mut live = Live::default();
    let mut next = 100;
    let mut id = || {
        next += 1;
        next
    };
    for o in &d.orgs {
        let mut members: Vec<LiveMember> = o
            .members
            .iter()
            .flatten()
            .map(|m| LiveMember {
                member_id: id(),
                user_id: None,
                user_name: m.user.as_str().split('@').next().unwrap().into(),
                email: m.user.as_str().into(),
                role: m.role.as_str().into(),
            })
            .collect();
        if o.members.is_none() {
            members.push(LiveMember {
                member_id: id(),
                user_id: Some(acting.id),
                user_name: acting.user_name.clone(),
                email: acting.email.clone(),
                role: "owner".into(),
            });
        }
        let teams = o
            .teams
            .iter()
            .flatten()
            .map(|t| LiveTeam {
                id: id(),
                name: t.name.clone(),
                description: t.description.clone(),
                idp_managed: false,
                idp_group: None,
                members_count: t.members.as_ref().map_or(0, Vec::len),
                members: t.members.as_ref().map(|ms| {
                    ms.iter()
                        .map(|m| {
                            members
                                .iter()
                                .find(|x| x.is(m.user.as_str()))
                                .unwrap()
                                .clone()
                        })
                        .collect()
                }),
            })
            .collect();
        let mut collaborators = Vec::new();
        let workspaces = o
            .workspaces
            .iter()
            .filter(|w| w.ensure == Ensure::Present)
            .map(|w| LiveWorkspace {
                id: id(),
                name: w.name.clone(),
                full_name: Some(w.full_name.clone().unwrap_or(w.name.clone())),
                description: w.description.clone(),
                visibility: w.visibility.map_or("private", |v| v.as_str()).into(),
                participants: w.participants.as_ref().map(|ps| {
                    ps.iter()
                        .map(|p| match &p.principal {
                            Principal::Team(t) => LiveParticipant {
                                participant_id: id(),
                                kind: ParticipantKind::Team,
                                member_id: None,
                                team_id: Some(1),
                                user_name: None,
                                email: None,
                                team_name: Some(t.clone()),
                                role: p.role.clone(),
                            },
                            Principal::User(user) => {
                                let is_member = members.iter().any(|m| m.is(user.as_str()));
                                if !is_member {
                                    collaborators.push(LiveMember {
                                        member_id: 9000 + collaborators.len() as i64,
                                        user_id: None,
                                        user_name: user.as_str().into(),
                                        email: user.as_str().into(),
                                        role: "collaborator".into(),
                                    });
                                }
                                LiveParticipant {
                                    participant_id: id(),
                                    kind: if is_member {
                                        ParticipantKind::Member
                                    } else {
                                        ParticipantKind::Collaborator
                                    },
                                    member_id: Some(1),
                                    team_id: None,
                                    user_name: Some(user.as_str().into()),
                                    email: Some(user.as_str().into()),
                                    team_name: None,
                                    role: p.role.clone(),
                                }
                            }
                        })
                        .collect()
                }),
                studios: w.studios.map(|s| LiveStudios {
                    lifespan_hours: s.lifespan_hours as i32,
                    container_repository: None,
                    private_studio_by_default: false,
                    name_strategy: None,
                }),
                labels: w.labels.as_ref().map(|ls| {
                    ls.iter()
                        .map(|l| LiveLabel {
                            id: 7,
                            name: l.name.clone(),
                            value: l.value.clone(),
                            resource: l.resource,
                        })
                        .collect()
                }),
            })
            .collect();
        live.orgs.insert(
            o.key(),
            LiveOrg {
                id: id(),
                name: o.name.clone(),
                full_name: Some(o.full_name.clone().unwrap_or(o.name.clone())),
                description: o.description.clone(),
                location: o.location.clone(),
                website: o.website.clone(),
                members,
                collaborators,
                teams,
                workspaces,
                idp_catalogue: None,
                roles: None,
            },
        );
    }
    live
}

fn plan_of(d: &Desired, live: &Live, overrides: Overrides) -> Plan {
    let a = acting();
    build(
        d,
        "examples/lab",
        &[PlatformInput {
            platform: "default".into(),
            endpoint: "http://127.0.0.1:1".into(),
            token_env: "TOWER_ACCESS_TOKEN".into(),
            orgs: d.orgs.iter().collect(),
            live,
            acting: &a,
            scope: Scope::default(),
        }],
        overrides,
        None,
    )
}

pub(super) fn addrs(p: &Plan) -> Vec<String> {
    p.changes
        .iter()
        .map(|c| format!("{} {}", c.action.symbol(), c.address))
        .collect()
}

fn find(p: &Plan, address: impl AsRef<str>) -> &Change {
    let address = address.as_ref();
    p.changes
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| panic!("no change {address} in {:#?}", addrs(p)))
}

fn example() -> Desired {
    desired(org(
        vec![
            member("ops@lab.org", OrgRole::Owner),
            member("lead@lab.org", OrgRole::Owner),
            member("jane@lab.org", OrgRole::Member),
        ],
        vec![Team {
            name: "admins".into(),
            description: Some("Admins".into()),
            members: Some(vec![u("jane@lab.org").into()]),
            idp_group: None,
            idp_origin: Default::default(),
        }],
        vec![ws(
            "rnaseq",
            vec![
                team_p("admins", "admin"),
                user_p("jane@lab.org", "maintain"),
                user_p("visitor@partner.org", "view"),
            ],
        )],
    ))
}

#[test]
fn a_new_org_is_created_with_everything_in_dependency_waves() {
    let d = example();
    let p = plan_of(&d, &Live::default(), Overrides::default());
    let org = find(&p, "org/lab");
    assert_eq!((org.action, org.wave), (Action::Create, 0));
    // The acting user becomes owner by creating it: no member change for them.
    assert!(
        !p.changes
            .iter()
            .any(|c| c.address == "org/lab/member/user:ops@lab.org")
    );
    let jane = find(&p, "org/lab/member/user:jane@lab.org");
    assert_eq!(jane.depends_on, ["org/lab"]);
    let tm = find(&p, "org/lab/team/admins/member/user:jane@lab.org");
    assert!(tm.depends_on.iter().any(|d| d == "org/lab/team/admins"));
    assert!(
        tm.depends_on
            .iter()
            .any(|d| d == "org/lab/member/user:jane@lab.org")
    );
    assert_eq!(tm.wave, 2);
    let team_p = find(&p, "org/lab/workspace/rnaseq/participant/team:admins");
    assert!(
        team_p
            .depends_on
            .iter()
            .any(|d| d == "org/lab/workspace/rnaseq")
    );
    assert_eq!(team_p.risks, [Risk::GrantsAdmin]);
    let visitor = find(
        &p,
        "org/lab/workspace/rnaseq/participant/user:visitor@partner.org",
    );
    assert_eq!(visitor.after.as_ref().unwrap()["type"], "collaborator");
    // The creator leaves the new workspace after everyone else is in, since it is not listed.
    let leave = find(&p, "org/lab/workspace/rnaseq/participant/user:ops@lab.org");
    assert!(matches!(leave.exec, Exec::LeaveWorkspace { .. }));
    assert!(leave.wave > visitor.wave);
    // Waves respect every dependency.
    for c in &p.changes {
        for dep in &c.depends_on {
            assert!(
                find(&p, dep.to_string()).wave < c.wave,
                "{} before {dep}",
                c.address
            );
        }
    }
    // Everything is added; the creator's own participation is the one removal.
    assert_eq!((p.summary.add, p.summary.remove), (p.changes.len() - 1, 1));
    assert!(p.violations.is_empty(), "{:?}", p.violations);
}

#[test]
fn a_live_state_that_matches_plans_nothing() {
    let d = example();
    let live = live_of(&d, &acting());
    let p = plan_of(&d, &live, Overrides::default());
    assert!(p.changes.is_empty(), "{:#?}", addrs(&p));
    assert!(p.access.is_empty());
    assert_eq!(p.summary.total(), 0);
}

#[test]
fn names_and_users_match_case_insensitively() {
    let d = example();
    let mut live = live_of(&d, &acting());
    let l = live.orgs.get_mut("lab").unwrap();
    for m in &mut l.members {
        m.email = m.email.to_uppercase();
    }
    l.workspaces[0].name = "RNAseq".into();
    l.teams[0].name = "admins".into();
    let p = plan_of(&d, &live, Overrides::default());
    // Only the workspace's name case differs: an update of its name, nothing else.
    assert_eq!(addrs(&p), ["~ org/lab/workspace/rnaseq"]);
}

#[test]
fn absent_optional_fields_are_left_alone() {
    let mut d = example();
    let mut live = live_of(&d, &acting());
    let l = live.orgs.get_mut("lab").unwrap();
    l.description = Some("set in the web console".into());
    l.workspaces[0].description = Some("also set by hand".into());
    d.orgs[0].workspaces[0].visibility = None;
    l.workspaces[0].visibility = "shared".into();
    let p = plan_of(&d, &live, Overrides::default());
    assert!(p.changes.is_empty(), "{:#?}", addrs(&p));
}

#[test]
fn a_managed_field_is_updated_sending_every_field() {
    let d = example();
    let mut live = live_of(&d, &acting());
    let l = live.orgs.get_mut("lab").unwrap();
    l.full_name = Some("Old name".into());
    l.location = Some("Brisbane".into());
    let p = plan_of(&d, &live, Overrides::default());
    let c = find(&p, "org/lab");
    assert_eq!(c.action, Action::Update);
    match &c.exec {
        Exec::UpdateOrg { fields, .. } => {
            assert_eq!(fields.full_name, "The Lab");
            assert_eq!(
                fields.location.as_deref(),
                Some("Brisbane"),
                "unmanaged kept"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn undeclared_workspaces_are_reported_unmanaged_and_left_alone() {
    let d = example();
    let mut live = live_of(&d, &acting());
    let mut extra = live.orgs["lab"].workspaces[0].clone();
    extra.name = "scratch".into();
    extra.id = 999;
    live.orgs.get_mut("lab").unwrap().workspaces.push(extra);
    let p = plan_of(&d, &live, Overrides::default());
    assert!(p.changes.is_empty());
    assert_eq!(p.unmanaged.len(), 1);
    assert_eq!(p.unmanaged[0].address, "org/lab/workspace/scratch");
}

#[test]
fn removals_carry_risks_and_owner_grants_come_before_owner_removals() {
    let mut d = example();
    let live = live_of(&d, &acting());
    // lead is replaced as owner by jane.
    d.orgs[0].members = Some(vec![
        member("ops@lab.org", OrgRole::Owner),
        member("jane@lab.org", OrgRole::Owner),
    ]);
    let p = plan_of(&d, &live, Overrides::default());
    let promote = find(&p, "org/lab/member/user:jane@lab.org");
    assert_eq!(promote.action, Action::Update);
    assert_eq!(promote.risks, [Risk::GrantsOwner]);
    let remove = find(&p, "org/lab/member/user:lead@lab.org");
    assert_eq!(remove.action, Action::Delete);
    assert_eq!(remove.risks, [Risk::RemovesAccess]);
    assert!(remove.depends_on.contains(&promote.address));
    assert!(remove.wave > promote.wave);
    let lead = p.access.iter().find(|a| a.user == "lead@lab.org").unwrap();
    assert_eq!(lead.loses, ["lab: owner"]);
    let jane = p.access.iter().find(|a| a.user == "jane@lab.org").unwrap();
    assert_eq!(jane.changes, ["lab: member → owner"]);
}

#[test]
fn a_member_who_leaves_but_stays_a_participant_is_readded_as_a_collaborator() {
    let mut d = example();
    let live = live_of(&d, &acting());
    d.orgs[0]
        .members
        .as_mut()
        .unwrap()
        .retain(|m| m.user.as_str() != "jane@lab.org");
    d.orgs[0].teams.as_mut().unwrap()[0].members = Some(vec![]);
    let p = plan_of(&d, &live, Overrides::default());
    let leave = find(&p, "org/lab/member/user:jane@lab.org");
    assert_eq!(leave.action, Action::Delete);
    let tm = find(&p, "org/lab/team/admins/member/user:jane@lab.org");
    assert!(leave.depends_on.contains(&tm.address));
    let back = find(&p, "org/lab/workspace/rnaseq/participant/user:jane@lab.org");
    assert_eq!(back.action, Action::Create);
    assert_eq!(back.after.as_ref().unwrap()["type"], "collaborator");
    assert!(back.depends_on.contains(&leave.address));
    assert!(back.note.as_deref().unwrap().contains("collaborator"));
}

#[test]
fn a_member_who_leaves_joins_a_new_workspace_only_after_leaving() {
    let mut d = example();
    let live = live_of(&d, &acting());
    d.orgs[0]
        .members
        .as_mut()
        .unwrap()
        .retain(|m| m.user.as_str() != "lead@lab.org");
    d.orgs[0]
        .workspaces
        .push(ws("fresh", vec![user_p("lead@lab.org", "view")]));
    let p = plan_of(&d, &live, Overrides::default());
    let leave = find(&p, "org/lab/member/user:lead@lab.org");
    let join = find(&p, "org/lab/workspace/fresh/participant/user:lead@lab.org");
    assert!(join.depends_on.contains(&leave.address));
    assert!(join.wave > leave.wave);
    assert_eq!(join.after.as_ref().unwrap()["type"], "collaborator");
}

#[test]
fn participant_role_changes_are_updates_and_extra_participants_are_removed() {
    let mut d = example();
    let live = live_of(&d, &acting());
    let ps = d.orgs[0].workspaces[0].participants.as_mut().unwrap();
    ps[1].role = "owner".into();
    ps.retain(|p| p.principal != Principal::User(u("visitor@partner.org")));
    let p = plan_of(&d, &live, Overrides::default());
    assert_eq!(
        addrs(&p),
        [
            "~ org/lab/workspace/rnaseq/participant/user:jane@lab.org",
            "- org/lab/workspace/rnaseq/participant/user:visitor@partner.org",
        ]
    );
    assert_eq!(p.changes[0].risks, [Risk::GrantsOwner]);
    assert!(matches!(p.changes[0].exec, Exec::SetParticipantRole { .. }));
}

#[test]
fn ensure_absent_deletes_the_workspace_only_with_allow_destroy() {
    let mut d = example();
    let live = live_of(&d, &acting());
    d.orgs[0].workspaces[0].ensure = Ensure::Absent;
    let p = plan_of(&d, &live, Overrides::default());
    let c = find(&p, "org/lab/workspace/rnaseq");
    assert_eq!(c.action, Action::Delete);
    assert!(c.risks.contains(&Risk::Destructive));
    assert!(p.is_refused());
    assert_eq!(p.violations[0].rail, "destroy");
    assert_eq!(p.violations[0].override_flag, "--allow-destroy");
    let ok = plan_of(
        &d,
        &live,
        Overrides {
            allow_destroy: true,
            ..Overrides::default()
        },
    );
    assert!(!ok.is_refused());
    assert!(ok.violations[0].overridden);
    // Everyone with access to it loses it.
    let jane = ok.access.iter().find(|a| a.user == "jane@lab.org").unwrap();
    // Her own role is maintain, her team's admin: the higher one is what she loses.
    assert_eq!(jane.loses, ["lab/rnaseq: admin (via team admins)"]);
}

#[test]
fn the_removal_fraction_counts_team_memberships_and_refuses_mass_removal() {
    let mut d = example();
    d.policy.max_removal_fraction = 0.25;
    let live = live_of(&d, &acting());
    // Existing grants: 3 members + 1 team membership + 3 participants = 7.
    d.orgs[0].teams.as_mut().unwrap()[0].members = Some(vec![]);
    let p = plan_of(&d, &live, Overrides::default());
    assert!(!p.is_refused(), "1 of 7 is under 25%");
    d.orgs[0].workspaces[0].participants = Some(vec![team_p("admins", "admin")]);
    let p = plan_of(&d, &live, Overrides::default());
    let v = p.refusals().next().expect("3 of 7 is over 25%");
    assert_eq!(v.rail, "max-removal-fraction");
    assert!(v.message.contains("removes 3 of 7"), "{}", v.message);
    assert!(v.addresses.iter().any(
        |a| matches!(a.path(), crate::scope::Path::TeamMember { team, .. } if team.is("admins"))
    ));
    let p = plan_of(
        &d,
        &live,
        Overrides {
            allow_mass_removal: true,
            ..Overrides::default()
        },
    );
    assert!(!p.is_refused());
}

#[test]
fn the_acting_user_must_stay_an_owner() {
    let mut d = example();
    let live = live_of(&d, &acting());
    for m in d.orgs[0].members.as_mut().unwrap() {
        m.role = if m.user.as_str() == "ops@lab.org" {
            OrgRole::Member
        } else {
            OrgRole::Owner
        };
    }
    let p = plan_of(&d, &live, Overrides::default());
    let rails: Vec<&str> = p.refusals().map(|v| v.rail.as_str()).collect();
    assert_eq!(rails, ["self-lockout"]);
    assert!(p.refusals().next().unwrap().message.contains("ops@lab.org"));
}

#[test]
fn minimum_owners_collaborator_cap_and_domains_are_guard_rails() {
    let mut d = example();
    d.policy.min_org_owners = 3;
    d.policy.collaborator_max_role = Some("view".into());
    d.policy.allowed_email_domains = vec!["lab.org".into()];
    d.orgs[0].workspaces[0]
        .participants
        .as_mut()
        .unwrap()
        .push(user_p("guest@gmail.com", "launch"));
    let live = live_of(&example(), &acting());
    let p = plan_of(&d, &live, Overrides::default());
    let rails: Vec<&str> = p.refusals().map(|v| v.rail.as_str()).collect();
    assert_eq!(
        rails,
        [
            "min-org-owners",
            "collaborator-max-role",
            "allowed-email-domains"
        ]
    );
    let all = Overrides {
        allow_few_owners: true,
        allow_collaborator_role: true,
        allow_any_domain: true,
        ..Overrides::default()
    };
    assert!(!plan_of(&d, &live, all).is_refused());
}

#[test]
fn team_access_shows_as_via_team_in_the_access_view() {
    let mut d = example();
    let live = live_of(&d, &acting());
    d.orgs[0].teams.as_mut().unwrap()[0].members =
        Some(vec![u("jane@lab.org").into(), u("lead@lab.org").into()]);
    let p = plan_of(&d, &live, Overrides::default());
    let lead = p.access.iter().find(|a| a.user == "lead@lab.org").unwrap();
    assert_eq!(lead.gains, ["lab/rnaseq: admin (via team admins)"]);
}

#[test]
fn plans_are_identical_across_runs() {
    let d = example();
    let a = serde_json::to_string(&plan_of(&d, &Live::default(), Overrides::default())).unwrap();
    let b = serde_json::to_string(&plan_of(&d, &Live::default(), Overrides::default())).unwrap();
    assert_eq!(a, b);
}

fn arb_desired() -> impl Strategy<Value = Desired> {
    let users = prop::sample::subsequence(
        vec![
            "a@lab.org",
            "b@lab.org",
            "c@lab.org",
            "d@lab.org",
            "e@x.org",
        ],
        0..5,
    );
    let roles = prop::sample::select(vec![
        "owner", "admin", "maintain", "launch", "connect", "view",
    ]);
    (
        users.clone(),
        prop::collection::vec(any::<bool>(), 5),
        prop::collection::vec((users, roles.clone(), any::<bool>()), 0..4),
        any::<bool>(),
    )
        .prop_map(|(members, owner_bits, workspaces, team)| {
            let mut ms = vec![member("ops@lab.org", OrgRole::Owner)];
            for (i, m) in members.iter().enumerate() {
                let role = if owner_bits[i] {
                    OrgRole::Owner
                } else {
                    OrgRole::Member
                };
                ms.push(member(m, role));
            }
            let team_members: Vec<TeamMember> = ms
                .iter()
                .skip(1)
                .take(2)
                .map(|m| m.user.clone().into())
                .collect();
            let teams = if team {
                vec![Team {
                    name: "core".into(),
                    description: None,
                    members: Some(team_members),
                    idp_group: None,
                    idp_origin: Default::default(),
                }]
            } else {
                vec![]
            };
            let wss = workspaces
                .into_iter()
                .enumerate()
                .map(|(i, (us, role, with_team))| {
                    let mut ps: Vec<Participant> = us.iter().map(|x| user_p(x, role)).collect();
                    if with_team && team {
                        ps.push(team_p("core", "view"));
                    }
                    ws(&format!("ws{i}"), ps)
                })
                .collect();
            desired(org(ms, teams, wss))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// diff(x, x) is empty: a live state that matches the desired one plans nothing.
    #[test]
    fn matching_live_state_plans_nothing(d in arb_desired()) {
        let live = live_of(&d, &acting());
        let p = plan_of(&d, &live, Overrides::default());
        prop_assert!(p.changes.is_empty(), "{:#?}", addrs(&p));
    }

    /// From nothing, every change's dependencies come in earlier waves, addresses are unique,
    /// and the plan is deterministic.
    #[test]
    fn plans_from_scratch_are_well_formed(d in arb_desired()) {
        let p = plan_of(&d, &Live::default(), Overrides::default());
        let mut seen = std::collections::BTreeSet::new();
        for c in &p.changes {
            prop_assert!(seen.insert(c.address.clone()), "duplicate {}", c.address);
            for dep in &c.depends_on {
                prop_assert!(find(&p, dep.to_string()).wave < c.wave);
            }
        }
        prop_assert_eq!(p, plan_of(&d, &Live::default(), Overrides::default()));
    }
}
