//! Property test: any sequence of writes keeps the store consistent, and the state round-trips.

use proptest::prelude::*;

use super::*;
use crate::world::parse_world;

const WORLD: &str = "
users:
  - {email: o@x.org, userName: o, token: t}
  - {email: a@x.org, userName: a}
  - {email: b@x.org, userName: b}
  - {email: c@x.org, userName: c}
organizations:
  - name: org
    members: [{email: o@x.org, role: owner}, {email: a@x.org}]
    teams: [{name: t1, members: [a@x.org]}]
    workspaces:
      - name: w1
        participants: [{email: a@x.org, role: admin}, {team: t1}]
";

/// One write, with small indexes into the live objects so that most calls hit something.
#[derive(Debug, Clone)]
enum Op {
    AddMember(u8),
    RemoveMember(u8),
    SetMemberRole(u8, bool),
    Leave,
    CreateTeam(u8),
    DeleteTeam(u8),
    AddTeamMember(u8, u8),
    RemoveTeamMember(u8, u8),
    CreateWorkspace(u8),
    DeleteWorkspace(u8),
    AddParticipantByEmail(u8, u8),
    AddParticipantByTeam(u8, u8),
    SetParticipantRole(u8, u8, u8),
    RemoveParticipant(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0u8..6;
    prop_oneof![
        i().prop_map(Op::AddMember),
        i().prop_map(Op::RemoveMember),
        (i(), any::<bool>()).prop_map(|(a, b)| Op::SetMemberRole(a, b)),
        Just(Op::Leave),
        i().prop_map(Op::CreateTeam),
        i().prop_map(Op::DeleteTeam),
        (i(), i()).prop_map(|(a, b)| Op::AddTeamMember(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::RemoveTeamMember(a, b)),
        i().prop_map(Op::CreateWorkspace),
        i().prop_map(Op::DeleteWorkspace),
        (i(), i()).prop_map(|(a, b)| Op::AddParticipantByEmail(a, b)),
        (i(), i()).prop_map(|(a, b)| Op::AddParticipantByTeam(a, b)),
        (i(), i(), i()).prop_map(|(a, b, c)| Op::SetParticipantRole(a, b, c)),
        (i(), i()).prop_map(|(a, b)| Op::RemoveParticipant(a, b)),
    ]
}

fn nth<T: Copy>(items: impl Iterator<Item = T>, i: u8) -> Option<T> {
    let v: Vec<T> = items.collect();
    (!v.is_empty()).then(|| v[i as usize % v.len()])
}

fn apply(s: &mut Store, caller: Id, org: Id, op: &Op) {
    let emails = ["a@x.org", "b@x.org", "c@x.org", "new@y.org", "o@x.org", "b"];
    let Some(o) = s.orgs().get(&org) else { return };
    let member = |i| nth(o.members().keys().copied(), i).unwrap_or(1);
    let team = |i| nth(o.teams().keys().copied(), i).unwrap_or(1);
    let ws = |i| nth(o.workspaces().keys().copied(), i).unwrap_or(1);
    let part = |w: Id, i| {
        o.workspaces()
            .get(&w)
            .and_then(|w| nth(w.participants().keys().copied(), i))
            .unwrap_or(1)
    };
    let role = |i: u8| PREDEFINED_ROLES[i as usize % PREDEFINED_ROLES.len()].to_string();
    let _ = match op.clone() {
        Op::AddMember(i) => s
            .add_member(
                caller,
                org,
                AddMemberRequest {
                    user: Some(emails[i as usize].into()),
                },
            )
            .map(drop),
        Op::RemoveMember(i) => s.delete_member(caller, org, member(i)),
        Op::SetMemberRole(i, owner) => {
            let role = Some(if owner { "owner" } else { "member" }.into());
            s.update_member_role(caller, org, member(i), RoleRequest { role })
        }
        Op::Leave => s.leave_org(caller, org),
        Op::CreateTeam(i) => {
            let team = crate::dto::Team {
                name: Some(format!("team{i}")),
                description: None,
            };
            let req = CreateTeamRequest {
                team: Some(team),
                ..Default::default()
            };
            s.create_team(caller, org, req).map(drop)
        }
        Op::DeleteTeam(i) => s.delete_team(caller, org, team(i)),
        Op::AddTeamMember(t, i) => {
            let req = CreateTeamMemberRequest {
                user_name_or_email: Some(emails[i as usize].into()),
            };
            s.add_team_member(caller, org, team(t), req).map(drop)
        }
        Op::RemoveTeamMember(t, i) => s.delete_team_member(caller, org, team(t), member(i)),
        Op::CreateWorkspace(i) => {
            let w = crate::dto::Workspace {
                name: Some(format!("ws{i}")),
                full_name: Some("W".into()),
                visibility: Some("PRIVATE".into()),
                ..Default::default()
            };
            let req = CreateWorkspaceRequest { workspace: Some(w) };
            s.create_workspace(caller, org, req).map(drop)
        }
        Op::DeleteWorkspace(i) => s.delete_workspace(caller, org, ws(i)),
        Op::AddParticipantByEmail(w, i) => {
            let req = AddParticipantRequest {
                user_name_or_email: Some(emails[i as usize].into()),
                ..Default::default()
            };
            s.add_participant(caller, org, ws(w), req).map(drop)
        }
        Op::AddParticipantByTeam(w, t) => {
            let req = AddParticipantRequest {
                team_id: Some(team(t)),
                ..Default::default()
            };
            s.add_participant(caller, org, ws(w), req).map(drop)
        }
        Op::SetParticipantRole(w, p, r) => {
            let w = ws(w);
            let req = RoleRequest {
                role: Some(role(r)),
            };
            s.update_participant_role(caller, org, w, part(w, p), req)
        }
        Op::RemoveParticipant(w, p) => {
            let w = ws(w);
            s.delete_participant(caller, org, w, part(w, p))
        }
    };
}

/// Indexes agree with the maps, and nothing refers to something that is gone.
fn check_invariants(s: &Store) -> Result<(), String> {
    for o in s.orgs().values() {
        if o.owner_count() == 0 {
            return Err(format!("org {} has no owner", o.name));
        }
        if o.member_by_user().len() != o.members().len() {
            return Err("member_by_user out of step".into());
        }
        for (uid, mid) in o.member_by_user() {
            if o.members().get(mid).map(|m| m.user_id) != Some(*uid) {
                return Err(format!("member_by_user {uid} -> {mid} dangles"));
            }
        }
        if o.team_by_name().len() != o.teams().len() || o.ws_by_name().len() != o.workspaces().len()
        {
            return Err("name index out of step".into());
        }
        for t in o.teams().values() {
            if o.team_by_name().get(&t.name.to_ascii_lowercase()) != Some(&t.id) {
                return Err(format!("team {} not indexed", t.name));
            }
            if let Some(m) = t.members().iter().find(|m| !o.members().contains_key(m)) {
                return Err(format!("team {} keeps removed member {m}", t.name));
            }
        }
        for w in o.workspaces().values() {
            if w.by_member().len() + w.by_team().len() != w.participants().len() {
                return Err(format!(
                    "workspace {} participant index out of step",
                    w.name
                ));
            }
            for p in w.participants().values() {
                let ok = match p.subject {
                    Subject::Member(m) => {
                        o.members().contains_key(&m) && w.by_member().get(&m) == Some(&p.id)
                    }
                    Subject::Team(t) => {
                        o.teams().contains_key(&t) && w.by_team().get(&t) == Some(&p.id)
                    }
                };
                if !ok {
                    return Err(format!("participant {} dangles in {}", p.id, w.name));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_sequence_of_writes_keeps_the_store_consistent_and_round_trips(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let world = parse_world("w.yaml", WORLD).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut s = Store::build(&world).map_err(|_| TestCaseError::fail("build"))?;
        let caller = s.caller_by_token("t").unwrap();
        let org = *s.orgs().keys().next().unwrap();
        for op in &ops {
            apply(&mut s, caller, org, op);
            check_invariants(&s).map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        }
        // The state file round trip is exact.
        let saved = s.to_world();
        let text = saved.to_yaml();
        let reloaded = parse_world("state.yaml", &text)
            .map_err(|e| TestCaseError::fail(format!("{}\n{text}", e.render(false))))?;
        prop_assert_eq!(&reloaded, &saved);
        let rebuilt = Store::build(&reloaded).map_err(|_| TestCaseError::fail("rebuild"))?;
        prop_assert_eq!(rebuilt.to_world(), saved);
    }
}
