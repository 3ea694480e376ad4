//! Custom-role checks that stop a plan before it is shown. They are not guard rails (no flag
//! overrides them) because the platform would refuse the writes: a permission the platform does
//! not list (`ListRolePermissions`), located in the config; a custom role the plan deletes that
//! someone still holds once the plan's other changes are applied (the plan names them); more
//! custom roles than the organization's `maxCustomRolesPerOrg`.
//!
//! Pure: it reads the desired orgs, the plan's changes and the live state, and must not print.

use std::collections::HashSet;

use super::model::{Action, Change, Exec, Kind};
use crate::config::desired::{Org, Origin};
use crate::live::Live;
use crate::scope::Address;

/// A permission of a defined custom role that the platform does not list (`app` renders it as
/// a located error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPermission {
    pub org: String,
    pub role: String,
    pub permission: String,
    pub origin: Origin,
    /// The platform's permissions on the same resource (`pipeline:…` for `pipeline:fly`).
    pub related: Vec<String>,
}

/// Every permission of the orgs' defined roles that the platform's list (read for each org that
/// exists) lacks, in declaration order.
pub fn unknown_permissions(orgs: &[&Org], live: &Live) -> Vec<UnknownPermission> {
    let mut out = Vec::new();
    for org in orgs {
        let (Some(defined), Some(lr)) = (
            &org.defined_roles,
            live.orgs.get(&org.key()).and_then(|l| l.roles.as_ref()),
        ) else {
            continue; // a new org: its permissions are checked for syntax only
        };
        let known: HashSet<&str> = lr.permissions.iter().map(String::as_str).collect();
        for d in defined {
            for (p, origin) in &d.permission_origins {
                if known.contains(p.as_str()) {
                    continue;
                }
                let resource = p.split(':').next().unwrap_or("");
                out.push(UnknownPermission {
                    org: org.name.clone(),
                    role: d.name.clone(),
                    permission: p.clone(),
                    origin: origin.clone(),
                    related: lr
                        .permissions
                        .iter()
                        .filter(|k| k.split(':').next() == Some(resource))
                        .cloned()
                        .collect(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.origin.0.cmp(&b.origin.0));
    out
}

/// Why the plan's custom-role changes cannot be applied: a deleted role someone still holds
/// afterwards (naming each of them), or more custom roles than the org may have.
pub fn problems(changes: &[Change], orgs: &[&Org], live: &Live) -> Vec<String> {
    let mut out = Vec::new();
    for org in orgs {
        let Some(lo) = live.orgs.get(&org.key()) else {
            continue;
        };
        let in_org: Vec<&Change> = changes
            .iter()
            .filter(|c| c.address.org_name().is(&org.name))
            .collect();
        let has = |a: &Address, pred: &dyn Fn(&Change) -> bool| {
            in_org.iter().any(|c| &c.address == a && pred(c))
        };
        if let Some(lr) = &lo.roles {
            for c in &in_org {
                let Exec::DeleteRole { role, .. } = &c.exec else {
                    continue;
                };
                let left: Vec<String> = lr
                    .holders
                    .iter()
                    .filter(|h| h.role.eq_ignore_ascii_case(role))
                    .filter(|h| {
                        let p = &h.participant;
                        let paddr = Address::participant(&org.name, &h.workspace, p.principal());
                        // Moved off the role, or removed, by this plan.
                        let moved = has(&paddr, &|c| {
                            c.action == Action::Delete
                                || c.role
                                    .as_ref()
                                    .and_then(|r| r.after.as_deref())
                                    .is_some_and(|a| !a.eq_ignore_ascii_case(role))
                        });
                        let ws_gone = has(&Address::workspace(&org.name, &h.workspace), &|c| {
                            c.action == Action::Delete
                        });
                        // Leaving the org removes every participation.
                        let leaves = p.principal().as_user().is_some_and(|u| {
                            has(&Address::member(&org.name, u), &|c| {
                                c.action == Action::Delete
                            })
                        });
                        !(moved || ws_gone || leaves)
                    })
                    .map(|h| format!("{}/{} ({})", h.workspace, h.participant.principal(), h.role))
                    .collect();
                if !left.is_empty() {
                    out.push(format!(
                        "custom role {role} of organization {}: the plan deletes it (customRoles no longer names it), but {} still hold{} it: {}; give {} another role (declare that workspace's participants), or keep the role by naming it in customRoles",
                        org.name,
                        left.len(),
                        if left.len() == 1 { "s" } else { "" },
                        left.join(", "),
                        if left.len() == 1 { "them" } else { "each" },
                    ));
                }
            }
            if let Some(max) = lr.max_custom_roles {
                let count = |action: Action| {
                    in_org
                        .iter()
                        .filter(|c| c.kind == Kind::Role && c.action == action)
                        .count() as i64
                };
                let after = lr.custom.len() as i64 + count(Action::Create) - count(Action::Delete);
                if count(Action::Create) > 0 && after > max {
                    out.push(format!(
                        "organization {}: the plan leaves it with {after} custom roles, more than its quota maxCustomRolesPerOrg ({max}) allows; it has {} now",
                        org.name,
                        lr.custom.len()
                    ));
                }
            }
        }
    }
    out
}
