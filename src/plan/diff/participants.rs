//! Changes to a workspace's participants: add, change the role of, or remove users and teams;
//! the re-add of a member who leaves the org but stays a participant; the creator's own
//! participation in a workspace the plan creates.

use std::collections::BTreeSet;

use serde_json::json;

use super::Differ;
use super::draft::{Draft, attrs, role_risks};
use crate::config::desired::{Org, Participant, Principal as Declared, Workspace};
use crate::live::{LiveOrg, LiveWorkspace, ParticipantKind};
use crate::plan::model::{Action, Address, Attrs, Exec, Kind, ParticipantType, Ref, Risk, Who};
use crate::scope::Principal;

fn shown(principal: &Principal, role: &str, t: ParticipantType) -> Attrs {
    attrs([
        ("principal", json!(principal.to_string())),
        ("role", json!(role)),
        ("type", json!(t.as_str())),
    ])
}

fn live_type(kind: ParticipantKind) -> ParticipantType {
    match kind {
        ParticipantKind::Team => ParticipantType::Team,
        ParticipantKind::Member => ParticipantType::Member,
        ParticipantKind::Collaborator => ParticipantType::Collaborator,
    }
}

impl Differ<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn participants(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        ws: &Workspace,
        lw: Option<&LiveWorkspace>,
        desired: &[Participant],
        org_ref: &Ref,
        ws_ref: &Ref,
        ws_deps: &BTreeSet<Address>,
    ) {
        let acting = self.input.acting;
        let current = lw.and_then(|lw| lw.participants.as_ref());
        let mut adds: Vec<Address> = Vec::new();
        for p in desired {
            let principal = match &p.principal {
                Declared::Team(t) => Principal::team(t),
                Declared::User(u) => Principal::user(u.as_str()),
            };
            let paddr = Address::participant(&org.name, &ws.name, principal.clone());
            let mut deps = ws_deps.clone();
            let mut note = None;
            // A participant given a role this plan creates (or renames to) waits for it.
            deps.extend(self.role_dep(org, &p.role));
            let (existing, who, type_after) = match &p.principal {
                Declared::Team(t) => {
                    let taddr = Address::team(&org.name, t);
                    if self.action_of(&taddr) == Some(Action::Create) {
                        deps.insert(taddr.clone());
                    }
                    let team_ref = match self.ix(org).live.as_ref().and_then(|l| l.team(t)) {
                        Some(lt) => Ref::Id(lt.id),
                        None => Ref::CreatedBy(taddr),
                    };
                    let existing = current
                        .and_then(|c| c.iter().find(|lp| lp.is_team(t)))
                        .map(|lp| (lp.participant_id, self.renamed(org, &lp.role).to_string()));
                    (existing, Who::Team(team_ref), ParticipantType::Team)
                }
                Declared::User(u) => {
                    let maddr = Address::member(&org.name, u.as_str());
                    let member_change = self.action_of(&maddr);
                    if matches!(member_change, Some(Action::Create | Action::Delete)) {
                        // Join after they join the org; after they leave it, as a collaborator
                        // (leaving removes every participation, so adding first would be undone).
                        deps.insert(maddr.clone());
                    }
                    let mut existing = current
                        .and_then(|c| c.iter().find(|lp| lp.is_user(u.as_str())))
                        .map(|lp| (lp.participant_id, self.renamed(org, &lp.role).to_string()));
                    let is_member_participant = current.is_some_and(|c| {
                        c.iter()
                            .any(|lp| lp.is_user(u.as_str()) && lp.kind == ParticipantKind::Member)
                    });
                    if member_change == Some(Action::Delete) && is_member_participant {
                        // Leaving the org removes this participation; add it back afterwards.
                        existing = None;
                        deps.insert(maddr);
                        note = Some(
                            "re-added as a collaborator after leaving the organization".to_string(),
                        );
                    }
                    if lw.is_none() && acting.is(u.as_str()) {
                        // The creator of a new workspace is its owner participant.
                        existing = Some((-1, "owner".to_string()));
                    }
                    let t = if self.member_after(org, u) {
                        ParticipantType::Member
                    } else {
                        ParticipantType::Collaborator
                    };
                    (existing, Who::User(u.as_str().to_string()), t)
                }
            };
            let after = shown(&principal, &p.role, type_after);
            match existing {
                None => {
                    adds.push(paddr.clone());
                    let exec = Exec::AddParticipant {
                        org: org_ref.clone(),
                        workspace: ws_ref.clone(),
                        who,
                        role: p.role.clone(),
                    };
                    self.push(
                        Draft::create(Kind::Participant, paddr, after, exec)
                            .role(None, Some(&p.role))
                            .participant_type(type_after)
                            .risks(role_risks(&p.role))
                            .after_deps(deps)
                            .maybe_note(note),
                    );
                }
                // Custom roles compare case-insensitively, as the platform matches them.
                Some((_, role)) if role.eq_ignore_ascii_case(&p.role) => {}
                Some((participant_id, role)) => {
                    let exec = match (live, lw) {
                        (Some(l), Some(lw)) => Exec::SetParticipantRole {
                            org_id: l.id,
                            workspace_id: lw.id,
                            participant_id,
                            role: p.role.clone(),
                        },
                        _ => Exec::SetOwnParticipantRole {
                            org: org_ref.clone(),
                            workspace: ws_ref.clone(),
                            role: p.role.clone(),
                        },
                    };
                    let before = shown(&principal, &role, type_after);
                    self.push(
                        Draft::update(Kind::Participant, paddr, Some(before), after, exec)
                            .role(Some(&role), Some(&p.role))
                            .participant_type(type_after)
                            .risks(role_risks(&p.role))
                            .after_deps(deps),
                    );
                }
            }
        }
        match (live, lw, current) {
            (Some(l), Some(lw), Some(current)) => {
                for lp in current {
                    let wanted = desired.iter().any(|p| match &p.principal {
                        Declared::Team(t) => lp.is_team(t),
                        Declared::User(u) => lp.is_user(u.as_str()),
                    });
                    if wanted {
                        continue;
                    }
                    let principal = lp.principal();
                    let t = live_type(lp.kind);
                    let before = shown(&principal, &lp.role, t);
                    let exec = Exec::RemoveParticipant {
                        org_id: l.id,
                        workspace_id: lw.id,
                        participant_id: lp.participant_id,
                    };
                    self.push(
                        Draft::delete(
                            Kind::Participant,
                            Address::participant(&org.name, &ws.name, principal),
                            before,
                            exec,
                        )
                        .role(Some(&lp.role), None)
                        .participant_type(t)
                        .risks(vec![Risk::RemovesAccess]),
                    );
                }
            }
            (_, None, _) => {
                // A new workspace starts with its creator as owner; if the config does not list
                // the acting user, they leave once everyone else is in.
                let listed = desired
                    .iter()
                    .any(|p| matches!(&p.principal, Declared::User(u) if acting.is(u.as_str())));
                if !listed {
                    let principal = Principal::user(&acting.email);
                    let before = shown(&principal, "owner", ParticipantType::Member);
                    let mut deps = ws_deps.clone();
                    deps.extend(adds);
                    let exec = Exec::LeaveWorkspace {
                        org: org_ref.clone(),
                        workspace: ws_ref.clone(),
                    };
                    self.push(
                        Draft::delete(
                            Kind::Participant,
                            Address::participant(&org.name, &ws.name, principal),
                            before,
                            exec,
                        )
                        .role(Some("owner"), None)
                        .participant_type(ParticipantType::Member)
                        .after_deps(deps)
                        .note("the acting user is made owner of the workspace it creates, and leaves it since the config does not list them"),
                    );
                }
            }
            _ => {}
        }
    }
}
