//! Expiry, on the pure planner: the acceptance property (a plan at time T removes exactly the
//! grants with `expires < T` that the platform has, and what the platform removes with an
//! expired membership; the reminders list exactly the grants in (T, T + window]), the
//! `--expired-only` plan, and the pull-request review of ends.

use std::collections::BTreeSet;

use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use crate::config::desired::{Member, OrgRole, Participant, Team, TeamMember, Workspace};
use crate::live::{Live, LiveMember};
use crate::plan::model::{Action, Overrides, Plan, Rail};
use crate::plan::tests::{acting, desired, live_of, org, u, ws};
use crate::plan::{PlatformInput, build_at, build_expired_only};

const HALF_DAY: i64 = 12 * 3600;

fn base() -> When {
    When::instant(datetime!(2030-01-10 00:00 UTC))
}

/// `base + k` half days; a midnight may be written as a bare date.
fn at(k: i64, date_only: bool) -> When {
    let at = base().at + time::Duration::seconds(k * HALF_DAY);
    When {
        at,
        date_only: date_only && at.time() == time::Time::MIDNIGHT,
    }
}

fn inputs<'a>(d: &'a Desired, live: &'a Live, a: &'a crate::live::ActingUser) -> PlatformInput<'a> {
    PlatformInput {
        platform: "default".into(),
        endpoint: "http://127.0.0.1:1".into(),
        token_env: "TOWER_ACCESS_TOKEN".into(),
        orgs: d.orgs.iter().collect(),
        live,
        acting: a,
        scope: Default::default(),
    }
}

/// The plan at `now`: the grants ended at `now` taken out, their removals marked.
fn plan_at(d: &Desired, live: &Live, now: When) -> Plan {
    let (in_force, ended) = split(d, now);
    let a = acting();
    build_at(
        &in_force,
        "lab",
        &[inputs(&in_force, live, &a)],
        Overrides::default(),
        None,
        &ended,
    )
}

fn expired_only_at(d: &Desired, live: &Live, now: When) -> Plan {
    let (in_force, ended) = split(d, now);
    let a = acting();
    build_expired_only(
        &in_force,
        "lab",
        &[inputs(&in_force, live, &a)],
        Overrides::default(),
        &ended,
    )
}

/// An end: none, or `base + k` half days.
fn arb_end() -> impl Strategy<Value = Option<When>> {
    prop_oneof![
        2 => Just(None),
        5 => (-4i64..=6, any::<bool>()).prop_map(|(k, d)| Some(at(k, d))),
    ]
}

/// A config of org `lab` whose grants have random ends. The acting user `ops` owns it without an
/// end; `e@x.org` is never a member (a collaborator where it participates).
fn arb_config() -> impl Strategy<Value = Desired> {
    let people = ["a@lab.org", "b@lab.org", "c@lab.org", "d@lab.org"];
    let roles = prop::sample::select(vec!["admin", "maintain", "launch", "view"]);
    (
        prop::collection::vec((any::<bool>(), any::<bool>(), arb_end()), 4),
        prop::collection::vec((any::<bool>(), arb_end()), 4),
        prop::collection::vec(
            (
                prop::collection::vec((any::<bool>(), roles.clone(), arb_end()), 5),
                prop::option::of(arb_end()),
            ),
            0..3,
        ),
    )
        .prop_map(move |(members, team, workspaces)| {
            let mut ms = vec![Member::new(u("ops@lab.org"), OrgRole::Owner)];
            for (i, (present, owner, end)) in members.iter().enumerate() {
                if *present {
                    let role = if *owner {
                        OrgRole::Owner
                    } else {
                        OrgRole::Member
                    };
                    ms.push(Member {
                        expires: *end,
                        reason: end.map(|_| format!("reason {i}")),
                        ..Member::new(u(people[i]), role)
                    });
                }
            }
            let mut tm: Vec<TeamMember> = team
                .iter()
                .enumerate()
                .filter(|(i, (inside, _))| *inside && ms.iter().any(|m| m.user == u(people[*i])))
                .map(|(i, (_, end))| TeamMember {
                    expires: *end,
                    ..TeamMember::new(u(people[i]))
                })
                .collect();
            tm.sort();
            let teams = vec![Team {
                name: "core".into(),
                description: None,
                members: Some(tm),
                idp_group: None,
                idp_origin: Default::default(),
            }];
            let everyone = [people[0], people[1], people[2], people[3], "e@x.org"];
            let wss: Vec<Workspace> = workspaces
                .iter()
                .enumerate()
                .map(|(i, (ps, team_end))| {
                    let mut out: Vec<Participant> = ps
                        .iter()
                        .enumerate()
                        .filter(|(_, (inside, _, _))| *inside)
                        .map(|(j, (_, role, end))| Participant {
                            expires: *end,
                            ..Participant::new(Declared::User(u(everyone[j])), *role)
                        })
                        .collect();
                    if let Some(end) = team_end {
                        out.push(Participant {
                            expires: *end,
                            ..Participant::new(Declared::Team("core".into()), "view")
                        });
                    }
                    out.sort_by(|a, b| a.principal.cmp(&b.principal));
                    ws(&format!("ws{i}"), out)
                })
                .collect();
            let mut d = desired(org(ms, teams, wss));
            // Any removal that is not an expiry trips the removal guard rail.
            d.policy.max_removal_fraction = 0.0;
            d
        })
}

/// What a plan at `now` must remove, computed from the config alone: every grant with
/// `expires < now`, and the team memberships and participations of a user whose membership
/// expired.
fn expected_removals(d: &Desired, now: When) -> BTreeSet<String> {
    let o = &d.orgs[0];
    let ended = |e: &Option<When>| e.is_some_and(|e| e.at < now.at);
    let gone: BTreeSet<&str> = o
        .members
        .iter()
        .flatten()
        .filter(|m| ended(&m.expires))
        .map(|m| m.user.as_str())
        .collect();
    let mut out = BTreeSet::new();
    for m in o.members.iter().flatten().filter(|m| ended(&m.expires)) {
        out.insert(format!("org/lab/member/user:{}", m.user));
    }
    for t in o.teams.iter().flatten() {
        for m in t.members.iter().flatten() {
            if ended(&m.expires) || gone.contains(m.user.as_str()) {
                out.insert(format!("org/lab/team/{}/member/user:{}", t.name, m.user));
            }
        }
    }
    for w in &o.workspaces {
        for p in w.participants.iter().flatten() {
            let by_member = matches!(&p.principal, Declared::User(x) if gone.contains(x.as_str()));
            if ended(&p.expires) || by_member {
                out.insert(format!(
                    "org/lab/workspace/{}/participant/{}",
                    w.name, p.principal
                ));
            }
        }
    }
    out
}

/// The reminders at `now`, from the config alone: every grant ending in (now, now + within].
fn expected_reminders(d: &Desired, now: When, within: Span) -> BTreeSet<(String, When)> {
    let o = &d.orgs[0];
    let until = now.at + time::Duration::days(i64::from(within.days));
    let soon = |e: &Option<When>| e.filter(|e| now.at < e.at && e.at <= until);
    let mut out = BTreeSet::new();
    for m in o.members.iter().flatten() {
        if let Some(e) = soon(&m.expires) {
            out.insert((format!("org/lab/member/user:{}", m.user), e));
        }
    }
    for t in o.teams.iter().flatten() {
        for m in t.members.iter().flatten() {
            if let Some(e) = soon(&m.expires) {
                out.insert((format!("org/lab/team/{}/member/user:{}", t.name, m.user), e));
            }
        }
    }
    for w in &o.workspaces {
        for p in w.participants.iter().flatten() {
            if let Some(e) = soon(&p.expires) {
                out.insert((
                    format!("org/lab/workspace/{}/participant/{}", w.name, p.principal),
                    e,
                ));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The acceptance property: applied at some earlier time (the platform has every grant),
    /// a plan at T removes exactly the grants with `expires < T` and what goes with an expired
    /// membership, each marked with its end, and nothing else; the `--expired-only` plan is the
    /// same and holds nothing back; the reminders are exactly the grants in (T, T + window].
    #[test]
    fn a_plan_at_t_removes_exactly_the_grants_expired_before_t(
        d in arb_config(),
        t in -3i64..=5,
        window in 1u32..=3,
    ) {
        let now = at(t, false);
        let live = live_of(&d, &acting());
        let want = expected_removals(&d, now);
        for p in [plan_at(&d, &live, now), expired_only_at(&d, &live, now)] {
            let got: BTreeSet<String> = p.changes.iter().map(|c| c.address.to_string()).collect();
            prop_assert_eq!(&got, &want, "expired_only={}", p.expired_only);
            for c in &p.changes {
                prop_assert_eq!(c.action, Action::Delete, "{}", c.address);
                prop_assert!(c.expired.is_some(), "{} is not marked", c.address);
            }
            prop_assert!(p.violations.is_empty(), "{:?}", p.violations);
            prop_assert!(p.held.is_empty());
        }
        let within = Span { days: window };
        let got: BTreeSet<(String, When)> = expiring(&d, now, within)
            .into_iter()
            .map(|g| (g.address.to_string(), g.expires))
            .collect();
        prop_assert_eq!(got, expected_reminders(&d, now, within));
    }

    /// With drift on the platform (a member nobody declared), the full plan also removes it
    /// (and is refused by the removal rail), while the `--expired-only` plan removes only what
    /// expired and holds the drift back.
    #[test]
    fn expired_only_holds_back_every_other_change(d in arb_config(), t in -3i64..=5) {
        let now = at(t, false);
        let mut live = live_of(&d, &acting());
        live.orgs.get_mut("lab").unwrap().members.push(LiveMember {
            member_id: 77,
            user_id: None,
            user_name: "stray".into(),
            email: "stray@lab.org".into(),
            role: "member".into(),
        });
        let full = plan_at(&d, &live, now);
        prop_assert!(full.changes.iter().any(|c| c.address == "org/lab/member/user:stray@lab.org"));
        prop_assert!(full.violations.iter().any(|v| v.rail == Rail::MaxRemovalFraction));
        let only = expired_only_at(&d, &live, now);
        let got: BTreeSet<String> = only.changes.iter().map(|c| c.address.to_string()).collect();
        prop_assert_eq!(got, expected_removals(&d, now));
        prop_assert!(only.violations.is_empty(), "{:?}", only.violations);
        prop_assert_eq!(only.held.len(), 1);
        prop_assert!(only.held[0].address == "org/lab/member/user:stray@lab.org");
    }
}

#[test]
fn a_grant_holds_up_to_and_including_its_instant() {
    let e = at(0, true);
    assert!(!has_ended(e, at(0, false)));
    assert!(has_ended(
        e,
        When::instant(e.at + time::Duration::seconds(1))
    ));
}

#[test]
fn a_removal_says_when_it_expired_and_why() {
    let mut d = desired(org(
        vec![
            Member::new(u("ops@lab.org"), OrgRole::Owner),
            Member {
                expires: Some(at(-2, true)),
                reason: Some("workshop".into()),
                ..Member::new(u("a@lab.org"), OrgRole::Member)
            },
        ],
        vec![Team {
            name: "core".into(),
            description: None,
            members: Some(vec![TeamMember::new(u("a@lab.org"))]),
            idp_group: None,
            idp_origin: Default::default(),
        }],
        vec![ws(
            "rnaseq",
            vec![Participant::new(Declared::User(u("a@lab.org")), "launch")],
        )],
    ));
    d.policy.max_removal_fraction = 0.0;
    let live = live_of(&d, &acting());
    let p = plan_at(&d, &live, at(0, false));
    let shown: Vec<String> = p
        .changes
        .iter()
        .map(|c| format!("{} {}", c.address, c.expired.as_ref().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            "org/lab/team/core/member/user:a@lab.org expired on 2030-01-09 (workshop), with the organization membership",
            "org/lab/workspace/rnaseq/participant/user:a@lab.org expired on 2030-01-09 (workshop), with the organization membership",
            "org/lab/member/user:a@lab.org expired on 2030-01-09 (workshop)",
        ]
    );
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    // Not on the platform: nothing to plan.
    let (in_force, _) = split(&d, at(0, false));
    let live = live_of(&in_force, &acting());
    assert!(plan_at(&d, &live, at(0, false)).changes.is_empty());
}

#[test]
fn an_expired_owner_below_the_minimum_is_refused_even_expired_only() {
    let mut d = desired(org(
        vec![
            Member::new(u("ops@lab.org"), OrgRole::Owner),
            Member {
                expires: Some(at(-1, false)),
                ..Member::new(u("a@lab.org"), OrgRole::Owner)
            },
        ],
        vec![],
        vec![],
    ));
    d.policy.min_org_owners = 2;
    let live = live_of(&d, &acting());
    for p in [
        plan_at(&d, &live, at(0, false)),
        expired_only_at(&d, &live, at(0, false)),
    ] {
        assert!(
            p.violations.iter().any(|v| v.rail == Rail::MinOrgOwners),
            "{:?}",
            p.violations
        );
    }
    // Too few owners already, and no expiry touches them: expired-only goes ahead.
    d.orgs[0].members.as_mut().unwrap()[1].expires = None;
    d.orgs[0].members.as_mut().unwrap()[1].role = OrgRole::Member;
    d.orgs[0].members.as_mut().unwrap().push(Member {
        expires: Some(at(-1, false)),
        ..Member::new(u("b@lab.org"), OrgRole::Member)
    });
    let live = live_of(&d, &acting());
    let p = expired_only_at(&d, &live, at(0, false));
    assert_eq!(p.changes.len(), 1);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
}

#[test]
fn the_review_lists_ends_added_moved_and_removed() {
    use crate::plan::model::ExpiryEdit;
    let grant = |user: &str, end: Option<When>| Member {
        expires: end,
        ..Member::new(u(user), OrgRole::Member)
    };
    let base = desired(org(
        vec![
            grant("a@lab.org", None),
            grant("b@lab.org", Some(at(0, true))),
            grant("c@lab.org", Some(at(0, true))),
            grant("d@lab.org", Some(at(0, true))),
            grant("f@lab.org", Some(at(0, true))),
        ],
        vec![],
        vec![],
    ));
    let head = desired(org(
        vec![
            grant("a@lab.org", Some(at(2, true))),
            grant("b@lab.org", Some(at(4, true))),
            grant("c@lab.org", Some(at(-2, true))),
            grant("d@lab.org", None),
            grant("e@lab.org", Some(at(6, true))),
            grant("f@lab.org", Some(at(0, true))),
        ],
        vec![],
        vec![],
    ));
    let got: Vec<(String, ExpiryEdit)> = review(&base, &head)
        .into_iter()
        .map(|c| (c.address.to_string(), c.change))
        .collect();
    let m = |x: &str| format!("org/lab/member/user:{x}");
    assert_eq!(
        got,
        [
            (m("a@lab.org"), ExpiryEdit::Added),
            (m("b@lab.org"), ExpiryEdit::Extended),
            (m("c@lab.org"), ExpiryEdit::Shortened),
            (m("d@lab.org"), ExpiryEdit::Removed),
            (m("e@lab.org"), ExpiryEdit::Added),
        ]
    );
}
