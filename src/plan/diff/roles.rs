//! Changes to an organization's custom roles, when the config defines some: create what is
//! missing, update a description or permissions in place, rename in place from `renamedFrom`
//! (never delete and recreate: whoever holds the role keeps it under the new name), and delete
//! a live custom role `customRoles` does not name. A rename is remembered so that participants
//! who hold the old name are compared under the new one; a delete waits for every change that
//! moves someone off the role (whether anyone is left holding it is checked on the plan, in
//! `plan::roles`).

use std::collections::HashMap;

use serde_json::json;

use super::Differ;
use super::draft::{Draft, attrs};
use crate::config::desired::{CustomRole, Org};
use crate::live::{LiveOrg, LiveRole};
use crate::plan::model::{Action, Address, Attrs, Exec, Kind, Ref, Risk, RoleFields, Unmanaged};

fn role_attrs(f: &RoleFields) -> Attrs {
    attrs([
        ("name", json!(f.name)),
        ("description", json!(f.description)),
        ("permissions", json!(f.permissions)),
    ])
}

fn live_fields(r: &LiveRole) -> RoleFields {
    RoleFields {
        name: r.name.clone(),
        description: r.description.clone().unwrap_or_default(),
        permissions: r.permissions.clone().unwrap_or_default(),
    }
}

/// The fields a defined role wants, given what it is now (its permissions when unmanaged).
fn wanted(d: &CustomRole, now: Option<&LiveRole>) -> RoleFields {
    RoleFields {
        name: d.name.clone(),
        description: d.description.clone(),
        permissions: d
            .permissions
            .clone()
            .unwrap_or_else(|| now.and_then(|r| r.permissions.clone()).unwrap_or_default()),
    }
}

impl Differ<'_> {
    pub(super) fn roles(
        &mut self,
        org: &Org,
        live: Option<&LiveOrg>,
        org_ref: &Ref,
        org_dep: &Option<Address>,
    ) {
        let Some(defined) = &org.defined_roles else {
            return;
        };
        let lr = live.and_then(|l| l.roles.as_ref());
        let mut renames: HashMap<String, String> = HashMap::new();
        // Live roles a definition takes over (by name, or as its rename's source).
        let mut kept: Vec<String> = Vec::new();
        for d in defined {
            let addr = Address::role(&org.name, &d.name);
            let same = lr.and_then(|r| r.role(&d.name));
            let source = match (same, &d.renamed_from) {
                (None, Some(old)) => lr.and_then(|r| r.role(old)),
                _ => None,
            };
            match (live, same.or(source)) {
                (Some(l), Some(now)) => {
                    kept.push(now.name.to_lowercase());
                    let current = live_fields(now);
                    let want = wanted(d, Some(now));
                    if want == current {
                        continue;
                    }
                    let rename = source.is_some();
                    if rename {
                        renames.insert(now.name.to_lowercase(), d.name.clone());
                    }
                    let exec = Exec::UpdateRole {
                        org_id: l.id,
                        role: now.name.clone(),
                        fields: want.clone(),
                    };
                    let mut draft = Draft::update(
                        Kind::Role,
                        addr,
                        Some(role_attrs(&current)),
                        role_attrs(&want),
                        exec,
                    );
                    if rename {
                        draft = draft.note(format!(
                            "renamed in place from `{}`: whoever holds it keeps it under the new name",
                            now.name
                        ));
                    }
                    self.push(draft);
                }
                _ => {
                    let fields = wanted(d, None);
                    let after = role_attrs(&fields);
                    let exec = Exec::CreateRole {
                        org: org_ref.clone(),
                        fields,
                    };
                    let note = d
                        .renamed_from
                        .as_ref()
                        .map(|old| format!("created: the platform has no role `{old}` to rename"));
                    self.push(
                        Draft::create(Kind::Role, addr, after, exec)
                            .after_deps(org_dep.iter().cloned())
                            .maybe_note(note),
                    );
                }
            }
        }
        if let (Some(l), Some(lr)) = (live, lr) {
            // A rename whose new name exists already leaves the old role alone.
            for d in defined {
                if let Some(old) = d.renamed_from.as_deref().and_then(|o| lr.role(o))
                    && lr.role(&d.name).is_some()
                {
                    self.unmanaged.push(Unmanaged {
                        address: Address::role(&org.name, &old.name),
                        reason: format!(
                            "`renamedFrom` of custom role `{}`, which exists already: roster leaves `{}` alone (remove `renamedFrom` once the rename is done)",
                            d.name, old.name
                        ),
                    });
                }
            }
            let named = |n: &str| {
                kept.contains(&n.to_lowercase())
                    || org.custom_roles.iter().any(|c| c.eq_ignore_ascii_case(n))
                    || defined
                        .iter()
                        .filter_map(|d| d.renamed_from.as_deref())
                        .any(|o| o.eq_ignore_ascii_case(n))
            };
            for r in lr.custom.iter().filter(|r| !named(&r.name)) {
                let before = role_attrs(&live_fields(r));
                let exec = Exec::DeleteRole {
                    org_id: l.id,
                    role: r.name.clone(),
                };
                self.push(
                    Draft::delete(Kind::Role, Address::role(&org.name, &r.name), before, exec)
                        .risks(vec![Risk::Destructive])
                        .note("not in customRoles; deleted once no participant holds it"),
                );
            }
        }
        if !renames.is_empty() {
            self.renames.insert(org.key(), renames);
        }
    }

    /// The role a live participant of `org` holds once this plan's renames are applied.
    pub(super) fn renamed<'r>(&'r self, org: &Org, role: &'r str) -> &'r str {
        self.renames
            .get(&org.key())
            .and_then(|m| m.get(&role.to_lowercase()))
            .map_or(role, String::as_str)
    }

    /// The change of this plan that a participant given `role` in `org` must wait for: the
    /// role's creation, or the rename that gives it this name.
    pub(super) fn role_dep(&self, org: &Org, role: &str) -> Option<Address> {
        let addr = Address::role(&org.name, role);
        let i = *self.index.get(&addr)?;
        let d = &self.drafts[i];
        let renames = matches!(&d.exec, Exec::UpdateRole { role: now, fields, .. } if !now.eq_ignore_ascii_case(&fields.name));
        (d.action == Action::Create || renames).then_some(addr)
    }

    /// A custom role's deletion waits for every change in its org that moves someone off it: a
    /// participant's new role or removal, a workspace's deletion, a member's removal (which
    /// removes their participations).
    pub(super) fn order_role_deletes(&mut self) {
        let deletes: Vec<(usize, String, String)> = self
            .drafts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| match &d.exec {
                Exec::DeleteRole { role, .. } => Some((
                    i,
                    d.address.org_name().key().to_string(),
                    role.to_lowercase(),
                )),
                _ => None,
            })
            .collect();
        for (i, org, role) in deletes {
            let deps: Vec<Address> = self
                .drafts
                .iter()
                .filter(|d| d.address.org_name().key() == org)
                .filter(|d| match d.kind {
                    Kind::Participant => {
                        d.action != Action::Create
                            && d.role
                                .as_ref()
                                .and_then(|r| r.before.as_deref())
                                .is_some_and(|b| b.eq_ignore_ascii_case(&role))
                    }
                    Kind::Workspace | Kind::Member => d.action == Action::Delete,
                    _ => false,
                })
                .map(|d| d.address.clone())
                .collect();
            self.drafts[i].depends_on.extend(deps);
        }
    }
}
