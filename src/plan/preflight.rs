//! Preflight: before a plan is shown, check that the acting user (the token's owner) has the
//! rights each of its changes needs, the way the platform grants them: org-level changes
//! (the org itself, members, teams and their members, custom roles, creating or deleting a
//! workspace) need an org owner; a workspace's settings, labels and participants need an org
//! owner or an owner or admin of that workspace (an owner of it to grant or take away the owner
//! role). A workspace a non-owner cannot see may exist: it is reported as such instead of being
//! planned as a create.
//! Pure: it reads the plan and the live state only.

use super::model::{Action, Change, Kind};
use crate::config::desired::Org;
use crate::live::{ActingUser, Live, LiveOrg, LiveWorkspace, ParticipantKind};

/// The acting user's effective role in a workspace (direct or through a team), as far as what
/// was read shows it: `None` when it cannot be known (participants or a team's members unread),
/// `Some(None)` when they hold no role there.
fn workspace_role(lo: &LiveOrg, lw: &LiveWorkspace, acting: &ActingUser) -> Option<Option<String>> {
    let rank = |r: &str| crate::config::desired::workspace_role_rank(r).unwrap_or(0);
    let mut best: Option<String> = None;
    let mut unknown_team = false;
    for p in lw.participants.as_ref()? {
        let holds = match p.kind {
            ParticipantKind::Team => {
                match lo
                    .teams
                    .iter()
                    .find(|t| Some(t.id) == p.team_id)
                    .and_then(|t| t.members.as_ref())
                {
                    Some(ms) => ms
                        .iter()
                        .any(|m| acting.is(&m.email) || acting.is(&m.user_name)),
                    None => {
                        unknown_team = true;
                        false
                    }
                }
            }
            _ => {
                p.email.as_deref().is_some_and(|e| acting.is(e))
                    || p.user_name.as_deref().is_some_and(|u| acting.is(u))
            }
        };
        if holds && best.as_deref().is_none_or(|b| rank(&p.role) > rank(b)) {
            best = Some(p.role.clone());
        }
    }
    // A team whose members were not read may give a higher role: then only "owner" is certain.
    if unknown_team && best.as_deref() != Some("owner") {
        return None;
    }
    Some(best)
}

/// The problems that stop the plan: each names the object, the acting user and the role needed.
pub fn check(changes: &[Change], orgs: &[&Org], live: &Live, acting: &ActingUser) -> Vec<String> {
    let who = format!("{} <{}>", acting.user_name, acting.email);
    let mut out = Vec::new();
    for org in orgs {
        let Some(lo) = live.orgs.get(&org.key()) else {
            continue; // a new org: anyone may create one, and becomes its owner
        };
        let lix = crate::live::OrgIndex::new(lo);
        let org_role = lo
            .members
            .iter()
            .find(|m| acting.is(&m.email) || acting.is(&m.user_name))
            .map(|m| m.role.clone());
        if org_role.as_deref() == Some("owner") {
            continue;
        }
        let is_now = match &org_role {
            Some(r) => format!("is a {r} of it"),
            None => "is not a member of it".to_string(),
        };
        let in_org: Vec<&Change> = changes
            .iter()
            .filter(|c| c.address.org_name().is(&org.name))
            .collect();
        let org_level: Vec<&&Change> = in_org
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    Kind::Organization | Kind::Member | Kind::Team | Kind::Role | Kind::TeamMember
                ) || (c.kind == Kind::Workspace && c.action != Action::Update)
            })
            .collect();
        for ws in &org.workspaces {
            if lix.workspace(&ws.name).is_none()
                && org_level.iter().any(|c| {
                    c.kind == Kind::Workspace
                        && c.action == Action::Create
                        && c.address.workspace_name().is_some_and(|w| w.is(&ws.name))
                })
            {
                out.push(format!(
                    "workspace {}/{}: not visible to {who}, who {is_now} organization {} and so sees only the workspaces it participates in and shared ones; it may exist already. Creating a workspace needs an owner of the organization: run with an org owner's token, or ask an owner to add {who} to the workspace",
                    org.name, ws.name, org.name
                ));
            }
        }
        let others: Vec<&&&Change> = org_level
            .iter()
            .filter(|c| !(c.kind == Kind::Workspace && c.action == Action::Create))
            .collect();
        if let Some(first) = others.first() {
            out.push(format!(
                "organization {}: {} change{} need{} an owner of the organization (e.g. {} {}), but {who} {is_now}; declare only the workspaces {who} administers (an Organization document without members or teams), or run with an org owner's token",
                org.name,
                others.len(),
                if others.len() == 1 { "" } else { "s" },
                if others.len() == 1 { "s" } else { "" },
                first.action.as_str(),
                first.address
            ));
        }
        for ws in &org.workspaces {
            let Some(lw) = lix.workspace(&ws.name) else {
                continue;
            };
            let ws_changes: Vec<&&Change> = in_org
                .iter()
                .filter(|c| {
                    c.address.workspace_name().is_some_and(|w| w.is(&ws.name))
                        && !(c.kind == Kind::Workspace && c.action != Action::Update)
                })
                .collect();
            if ws_changes.is_empty() {
                continue;
            }
            let Some(role) = workspace_role(lo, lw, acting) else {
                continue; // not knowable from what was read; the platform decides
            };
            let owner_change = ws_changes.iter().find(|c| {
                c.role.as_ref().is_some_and(|r| {
                    r.before.as_deref() == Some("owner") || r.after.as_deref() == Some("owner")
                })
            });
            let (needed, ok) = match (role.as_deref(), owner_change) {
                (Some("owner"), _) => ("", true),
                (Some("admin"), None) => ("", true),
                (_, Some(_)) => (
                    "an owner of the workspace (the change grants or removes the owner role)",
                    false,
                ),
                _ => ("an owner or admin of the workspace", false),
            };
            if !ok {
                let has = match role {
                    Some(r) => format!("has the role {r} there"),
                    None => "does not participate in it".to_string(),
                };
                out.push(format!(
                    "workspace {}/{}: {} change{} need {needed} or of the organization, but {who} {has} and {is_now} organization {}",
                    org.name,
                    ws.name,
                    ws_changes.len(),
                    if ws_changes.len() == 1 { "" } else { "s" },
                    org.name
                ));
            }
        }
    }
    out
}
