//! Changes to an organization itself and to its members, and the walk into its teams and
//! workspaces. Owners are granted before any owner is removed or demoted.

use std::collections::HashSet;

use serde_json::json;

use super::Differ;
use super::draft::{Draft, attrs, role_risks};
use crate::config::desired::{Org, OrgRole};
use crate::live::LiveOrg;
use crate::plan::model::{Address, Attrs, Exec, Kind, OrgFields, Ref, Risk, Unmanaged};

fn org_attrs(f: &OrgFields) -> Attrs {
    attrs([
        ("name", json!(f.name)),
        ("fullName", json!(f.full_name)),
        ("description", json!(f.description)),
        ("location", json!(f.location)),
        ("website", json!(f.website)),
    ])
}

impl Differ<'_> {
    pub(super) fn org(&mut self, org: &Org) {
        if !self.org_touched(org) {
            // Nothing of this org is in a change-scoped plan, and nothing in it is needed.
            return;
        }
        let live = self.input.live.orgs.get(&org.key());
        let oaddr = Address::org(&org.name);
        let org_ref = match live {
            Some(l) => Ref::Id(l.id),
            None => Ref::CreatedBy(oaddr.clone()),
        };
        // Changes inside a new org wait for it.
        let org_dep: Option<Address> = live.is_none().then(|| oaddr.clone());

        match live {
            None => {
                let fields = OrgFields {
                    name: org.name.clone(),
                    full_name: org.full_name.clone().unwrap_or_else(|| org.name.clone()),
                    description: org.description.clone(),
                    location: org.location.clone(),
                    website: org.website.clone(),
                };
                let after = org_attrs(&fields);
                self.push(
                    Draft::create(Kind::Organization, oaddr, after, Exec::CreateOrg { fields })
                        .note(format!(
                            "the acting user ({}) becomes its owner",
                            self.input.acting.email
                        )),
                );
            }
            Some(l) => {
                let current = OrgFields {
                    name: l.name.clone(),
                    full_name: l.full_name.clone().unwrap_or_default(),
                    description: l.description.clone(),
                    location: l.location.clone(),
                    website: l.website.clone(),
                };
                let wanted = OrgFields {
                    name: org.name.clone(),
                    full_name: org.full_name.clone().unwrap_or(current.full_name.clone()),
                    description: org.description.clone().or(current.description.clone()),
                    location: org.location.clone().or(current.location.clone()),
                    website: org.website.clone().or(current.website.clone()),
                };
                if wanted != current {
                    let (before, after) = (org_attrs(&current), org_attrs(&wanted));
                    self.push(Draft::update(
                        Kind::Organization,
                        oaddr,
                        Some(before),
                        after,
                        Exec::UpdateOrg {
                            org_id: l.id,
                            fields: wanted,
                        },
                    ));
                }
            }
        }

        self.members(org, live, &org_ref, &org_dep);
        self.teams(org, live, &org_ref, &org_dep);
        self.roles(org, live, &org_ref, &org_dep);
        for ws in &org.workspaces {
            if self.workspace_in_scope(org, &ws.name) {
                self.workspace(org, live, ws, &org_ref, &org_dep);
            }
        }
        // Unmanaged things are reported for whole orgs only.
        if let (Some(l), true) = (live, self.org_whole(org)) {
            let declared: HashSet<String> = org
                .workspaces
                .iter()
                .map(|w| w.name.to_ascii_lowercase())
                .collect();
            for lw in &l.workspaces {
                if !declared.contains(&lw.name.to_ascii_lowercase()) {
                    self.unmanaged.push(Unmanaged {
                        address: Address::workspace(&org.name, &lw.name),
                        reason: "workspace not declared in the config".to_string(),
                    });
                }
            }
        }
    }

    fn members(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        org_ref: &Ref,
        org_dep: &Option<Address>,
    ) {
        let Some(desired) = &org.members else {
            return;
        };
        let acting = self.input.acting;
        let ix = self.ix(org);
        let lix = ix.live.as_ref();
        // After a partial read, only the looked-up users are known: the others are left out
        // (a change-scoped plan needs no change of theirs).
        let known = |user: &str| {
            ix.partial.is_none_or(|p| {
                p.looked_up.contains(user) || lix.is_some_and(|l| l.member(user).is_some())
            })
        };
        let mut owner_grants: Vec<Address> = Vec::new();
        let mut owner_losses: Vec<usize> = Vec::new();
        for m in desired {
            let user = m.user.as_str();
            if !known(user) {
                continue;
            }
            let addr = Address::member(&org.name, user);
            let current_role: Option<String> = match lix {
                Some(l) => l.member(user).map(|lm| lm.role.clone()),
                // The creator of a new org becomes its owner.
                None => acting.is(user).then(|| "owner".to_string()),
            };
            let want = m.role.as_str();
            let shown = |role: &str| attrs([("user", json!(user)), ("role", json!(role))]);
            match current_role {
                None => {
                    let note = lix
                        .and_then(|l| l.collaborator(user))
                        .map(|_| "currently a collaborator; becomes a member".to_string());
                    if m.role == OrgRole::Owner {
                        owner_grants.push(addr.clone());
                    }
                    let exec = Exec::AddMember {
                        org: org_ref.clone(),
                        user: user.to_string(),
                        role: want.to_string(),
                    };
                    self.push(
                        Draft::create(Kind::Member, addr, shown(want), exec)
                            .role(None, Some(want))
                            .risks(role_risks(want))
                            .after_deps(org_dep.iter().cloned())
                            .maybe_note(note),
                    );
                }
                Some(role) if role != want => {
                    let Some(l) = live else {
                        // The creator of a new org asked to be a plain member: the self-lockout
                        // guard rail refuses this plan; nothing to execute here.
                        continue;
                    };
                    let lm = lix
                        .and_then(|x| x.member(user))
                        .expect("member found above");
                    if m.role == OrgRole::Owner {
                        owner_grants.push(addr.clone());
                    } else if role == "owner" {
                        owner_losses.push(self.drafts.len());
                    }
                    let exec = Exec::SetMemberRole {
                        org_id: l.id,
                        member_id: lm.member_id,
                        role: want.to_string(),
                    };
                    self.push(
                        Draft::update(Kind::Member, addr, Some(shown(&role)), shown(want), exec)
                            .role(Some(&role), Some(want))
                            .risks(role_risks(want)),
                    );
                }
                Some(_) => {}
            }
        }
        if let Some(l) = live {
            let declared = |s: &str| {
                !s.is_empty() && ix.desired_members.contains_key(s.to_lowercase().as_str())
            };
            let looked_up = |s: &str| {
                ix.partial
                    .is_none_or(|p| !s.is_empty() && p.looked_up.contains(&s.to_lowercase()))
            };
            for lm in &l.members {
                if declared(&lm.email) || declared(&lm.user_name) {
                    continue;
                }
                if !(looked_up(&lm.email) || looked_up(&lm.user_name)) {
                    continue;
                }
                let key = lm.key();
                if lm.role == "owner" {
                    owner_losses.push(self.drafts.len());
                }
                let before = attrs([("user", json!(key)), ("role", json!(lm.role))]);
                let exec = Exec::RemoveMember {
                    org_id: l.id,
                    member_id: lm.member_id,
                };
                self.push(
                    Draft::delete(Kind::Member, Address::member(&org.name, &key), before, exec)
                        .role(Some(&lm.role), None)
                        .risks(vec![Risk::RemovesAccess])
                        .note(
                            "also removes them from every team and workspace of the organization",
                        ),
                );
            }
        }
        // Owners are granted before any owner is removed or demoted, so the org never runs out.
        for i in owner_losses {
            self.drafts[i]
                .depends_on
                .extend(owner_grants.iter().cloned());
        }
    }
}
