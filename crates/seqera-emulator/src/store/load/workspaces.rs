//! World → store, for workspaces: their names and visibility, participants (members,
//! collaborators made on the way, and teams), labels and studios settings.
//!
//! This module owns those load-time checks, reporting each as a located [`Problem`]. It must not
//! answer requests nor write worlds back; organizations, users and teams are `load`'s.

use std::collections::HashMap;

use super::super::*;
use super::{Check, check_name};
use crate::world::{Loc, Problem, WorldLabel, WorldParticipant, WorldStudios, WorldWorkspace};

impl Store {
    pub(super) fn build_workspace<'w>(
        &mut self,
        org: &mut Org,
        w: &'w WorldWorkspace,
        ck: &mut Check,
        ws_locs: &mut HashMap<String, &'w Loc<String>>,
    ) {
        let id = match &w.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        check_name(ck, &w.name, "workspace");
        let key = w.name.to_ascii_lowercase();
        if let Some(first) = ws_locs.get(&key) {
            ck.push(
                Problem::at(
                    &w.name,
                    format!(
                        "duplicate workspace name `{}` in organization `{}`",
                        w.name.value, org.name
                    ),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            ws_locs.insert(key.clone(), &w.name);
            org.ws_by_name.insert(key, id);
        }
        let visibility = match &w.visibility {
            None => Visibility::Private,
            Some(v) => match v.to_ascii_uppercase().as_str() {
                "PRIVATE" => Visibility::Private,
                "SHARED" => Visibility::Shared,
                _ => {
                    ck.push(Problem::at(
                        v,
                        format!("`{}` is not a workspace visibility", v.value),
                        "expected PRIVATE or SHARED",
                    ));
                    Visibility::Private
                }
            },
        };
        let created = w
            .date_created
            .clone()
            .unwrap_or_else(|| DEFAULT_DATE.to_string());
        let mut ws = Workspace {
            id,
            name: w.name.value.clone(),
            full_name: w.full_name.clone().unwrap_or_else(|| w.name.value.clone()),
            description: w.description.clone(),
            visibility,
            last_updated: w.last_updated.clone().unwrap_or_else(|| created.clone()),
            date_created: created,
            participants: BTreeMap::new(),
            by_member: HashMap::new(),
            by_team: HashMap::new(),
            labels: BTreeMap::new(),
            studios: Studios::default(),
        };
        for p in &w.participants {
            self.build_participant(org, &mut ws, p, ck);
        }
        for l in &w.labels {
            self.build_label(&mut ws, l, ck);
        }
        if let Some(s) = &w.studios {
            ws.studios = self.build_studios(s, ck);
        }
        org.workspaces.insert(id, ws);
    }

    fn build_participant(
        &mut self,
        org: &mut Org,
        ws: &mut Workspace,
        p: &Loc<WorldParticipant>,
        ck: &mut Check,
    ) {
        let id = match &p.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        let role = match &p.role {
            None => self.default_role.clone(),
            Some(r) => match org.normalize_role(r) {
                Some(role) => role,
                None => {
                    ck.push(Problem::at(
                        r,
                        format!(
                            "`{}` is not a workspace role of organization `{}`",
                            r.value, org.name
                        ),
                        format!(
                            "expected a predefined role ({}) or one of the org's customRoles",
                            PREDEFINED_ROLES.join(", ")
                        ),
                    ));
                    return;
                }
            },
        };
        let subject = match (&p.email, &p.team) {
            (Some(e), None) => {
                let Some(user_id) = self.user_by_email_loc(e, ck) else {
                    return;
                };
                let mid = match org.member_by_user.get(&user_id) {
                    Some(mid) => *mid,
                    None => {
                        // Not an org member: a collaborator, as the API makes one.
                        let mid = self.ids.next_id();
                        org.member_by_user.insert(user_id, mid);
                        org.members.insert(
                            mid,
                            Member {
                                id: mid,
                                user_id,
                                role: OrgRole::Collaborator,
                            },
                        );
                        mid
                    }
                };
                if ws.by_member.contains_key(&mid) {
                    ck.push(Problem::at(
                        e,
                        format!("`{}` is a participant of `{}` twice", e.value, ws.name),
                        "listed again here",
                    ));
                    return;
                }
                Subject::Member(mid)
            }
            (None, Some(t)) => {
                let Some(tid) = org.team_by_name.get(&t.to_ascii_lowercase()).copied() else {
                    ck.push(Problem::at(
                        t,
                        format!("`{}` is not a team of organization `{}`", t.value, org.name),
                        "declare it under the organization's `teams`",
                    ));
                    return;
                };
                if ws.by_team.contains_key(&tid) {
                    ck.push(Problem::at(
                        t,
                        format!("team `{}` is a participant of `{}` twice", t.value, ws.name),
                        "listed again here",
                    ));
                    return;
                }
                Subject::Team(tid)
            }
            _ => {
                ck.push(Problem::at(
                    p,
                    "a participant needs exactly one of `email` or `team`",
                    "this participant",
                ));
                return;
            }
        };
        ws.insert_participant(Participant { id, subject, role });
    }

    fn build_label(&mut self, ws: &mut Workspace, l: &WorldLabel, ck: &mut Check) {
        let id = match &l.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        if l.name.trim().is_empty() {
            ck.push(Problem::at(&l.name, "empty label name", "give a name"));
        }
        ws.labels.insert(
            id,
            Label {
                id,
                name: l.name.value.clone(),
                value: l.value.clone(),
                resource: l.resource,
                is_default: l.is_default,
                date_created: l
                    .date_created
                    .clone()
                    .unwrap_or_else(|| DEFAULT_DATE.to_string()),
            },
        );
    }

    fn build_studios(&mut self, s: &WorldStudios, ck: &mut Check) -> Studios {
        if let Some(n) = &s.name_strategy
            && !NAME_STRATEGIES.contains(&n.as_str())
        {
            ck.push(Problem::at(
                n,
                format!("`{}` is not a studios name strategy", n.value),
                format!("expected one of: {}", NAME_STRATEGIES.join(", ")),
            ));
        }
        if s.lifespan_hours < 0 {
            ck.push(Problem::unlocated(
                "studios lifespanHours must not be negative",
            ));
        }
        Studios {
            lifespan_hours: s.lifespan_hours,
            container_repository: s.container_repository.clone(),
            private_studio_by_default: s.private_studio_by_default,
            name_strategy: s.name_strategy.as_ref().map(|n| n.value.clone()),
        }
    }
}
