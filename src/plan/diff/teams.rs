//! Changes to an organization's teams and their members. A team linked to an identity-provider
//! group keeps the members the provider gives it: its membership is reported as unmanaged.

use std::collections::BTreeSet;

use serde_json::json;

use super::Differ;
use super::draft::{Draft, attrs};
use crate::config::desired::Org;
use crate::live::LiveOrg;
use crate::plan::model::{Action, Address, Exec, Kind, Ref, Risk, Unmanaged};

impl Differ<'_> {
    pub(super) fn teams(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        org_ref: &Ref,
        org_dep: &Option<Address>,
    ) {
        let Some(teams) = &org.teams else {
            return;
        };
        for t in teams {
            let taddr = Address::team(&org.name, &t.name);
            let lt = self.ix(org).live.as_ref().and_then(|l| l.team(&t.name));
            let team_ref = match lt {
                Some(lt) => Ref::Id(lt.id),
                None => Ref::CreatedBy(taddr.clone()),
            };
            match lt {
                None => {
                    let after = attrs([
                        ("name", json!(t.name)),
                        ("description", json!(t.description)),
                    ]);
                    let exec = Exec::CreateTeam {
                        org: org_ref.clone(),
                        name: t.name.clone(),
                        description: t.description.clone(),
                    };
                    self.push(
                        Draft::create(Kind::Team, taddr.clone(), after, exec)
                            .after_deps(org_dep.iter().cloned()),
                    );
                }
                Some(lt) => {
                    let description = t.description.clone().or(lt.description.clone());
                    if lt.name != t.name || description != lt.description {
                        let l = live.expect("live team implies live org");
                        let before = attrs([
                            ("name", json!(lt.name)),
                            ("description", json!(lt.description)),
                        ]);
                        let after =
                            attrs([("name", json!(t.name)), ("description", json!(description))]);
                        let exec = Exec::UpdateTeam {
                            org_id: l.id,
                            team_id: lt.id,
                            name: t.name.clone(),
                            description,
                        };
                        self.push(Draft::update(
                            Kind::Team,
                            taddr.clone(),
                            Some(before),
                            after,
                            exec,
                        ));
                    }
                }
            }
            let Some(want) = &t.members else { continue };
            if lt.is_some_and(|lt| lt.idp_managed) {
                self.unmanaged.push(Unmanaged {
                    address: Address::team_members(&org.name, &t.name),
                    reason: "team membership is managed by the identity provider".to_string(),
                });
                continue;
            }
            let current = lt.and_then(|lt| lt.members.as_ref());
            for u in want.iter().map(|m| &m.user) {
                if current.is_some_and(|c| c.iter().any(|m| m.is(u.as_str()))) {
                    continue;
                }
                let maddr = Address::member(&org.name, u.as_str());
                let mut deps: BTreeSet<Address> = org_dep.iter().cloned().collect();
                if lt.is_none() {
                    deps.insert(taddr.clone());
                }
                if self.action_of(&maddr) == Some(Action::Create) {
                    deps.insert(maddr);
                }
                let after = attrs([("team", json!(t.name)), ("user", json!(u.as_str()))]);
                let exec = Exec::AddTeamMember {
                    org: org_ref.clone(),
                    team: team_ref.clone(),
                    user: u.as_str().to_string(),
                };
                self.push(
                    Draft::create(
                        Kind::TeamMember,
                        Address::team_member(&org.name, &t.name, u.as_str()),
                        after,
                        exec,
                    )
                    .after_deps(deps),
                );
            }
            if let (Some(l), Some(lt), Some(current)) = (live, lt, current) {
                for m in current {
                    if want.iter().any(|u| m.is(u.user.as_str())) {
                        continue;
                    }
                    let key = m.key();
                    let before = attrs([("team", json!(lt.name)), ("user", json!(key))]);
                    let exec = Exec::RemoveTeamMember {
                        org_id: l.id,
                        team_id: lt.id,
                        member_id: m.member_id,
                    };
                    self.push(
                        Draft::delete(
                            Kind::TeamMember,
                            Address::team_member(&org.name, &t.name, &key),
                            before,
                            exec,
                        )
                        .risks(vec![Risk::RemovesAccess]),
                    );
                }
            }
        }
        if let Some(l) = live {
            for lt in &l.teams {
                if teams.iter().any(|t| t.name.eq_ignore_ascii_case(&lt.name)) {
                    continue;
                }
                let taddr = Address::team(&org.name, &lt.name);
                if lt.idp_managed {
                    self.unmanaged.push(Unmanaged {
                        address: taddr,
                        reason: "team not declared, and linked to an identity-provider group: roster does not delete it".to_string(),
                    });
                    continue;
                }
                let before = attrs([
                    ("name", json!(lt.name)),
                    ("description", json!(lt.description)),
                ]);
                let exec = Exec::DeleteTeam {
                    org_id: l.id,
                    team_id: lt.id,
                };
                self.push(
                    Draft::delete(Kind::Team, taddr, before, exec)
                        .risks(vec![Risk::Destructive, Risk::RemovesAccess])
                        .note("its members lose the access the team gives in every workspace"),
                );
            }
        }
    }
}
