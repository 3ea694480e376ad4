//! Guard rails, evaluated on a plan before anything is written (docs/apply.md, "Guard rails"): the
//! removal fraction (team memberships count too, and unlinking a team from its IdP group removes
//! them all; removals of expired grants do not), minimum org owners, the acting user stays an org
//! owner, the collaborator role cap, allowed email domains, and destruction (workspaces, custom
//! roles). Each violation names its override flag; an overridden violation is kept in the plan,
//! marked as such.

use std::collections::BTreeMap;

use super::model::{
    Action, Address, Change, Exec, Kind, Overrides, ParticipantType, Rail, TeamLink, Violation,
};
use crate::config::desired::Org;
use crate::config::desired::{OrgRole, Policy, UserRef};
use crate::live::{ActingUser, Live};

/// Everything the rails look at for one platform.
pub struct GuardInput<'a> {
    pub changes: &'a [Change],
    pub orgs: &'a [&'a Org],
    pub live: &'a Live,
    pub acting: &'a ActingUser,
    pub policy: &'a Policy,
    pub overrides: Overrides,
    /// An `--expired-only` plan: `orgs` are the platform as it is less the ended grants, so the
    /// owner minimum is checked only when an expiry removes an owner.
    pub expired_only: bool,
}

/// A team's memberships: those read, or the count the team listing reports.
fn team_size(t: &crate::live::LiveTeam) -> usize {
    t.members.as_ref().map_or(t.members_count, Vec::len)
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub fn check(g: &GuardInput<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let o = g.overrides;

    // Destroy: workspaces deleted by `ensure: absent`, and custom roles `customRoles` no
    // longer names.
    let deleted = |kind: Kind| -> Vec<Address> {
        g.changes
            .iter()
            .filter(|c| c.kind == kind && c.action == Action::Delete)
            .map(|c| c.address.clone())
            .collect()
    };
    let (workspaces, roles) = (deleted(Kind::Workspace), deleted(Kind::Role));
    if !workspaces.is_empty() || !roles.is_empty() {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut what = Vec::new();
        if !workspaces.is_empty() {
            let n = workspaces.len();
            what.push(format!(
                "{n} workspace{} and everything in {}",
                plural(n),
                if n == 1 { "it" } else { "them" }
            ));
        }
        if !roles.is_empty() {
            let n = roles.len();
            what.push(format!("{n} custom role{}", plural(n)));
        }
        out.push(Violation::new(
            Rail::Destroy,
            format!("the plan permanently deletes {}", what.join(", and ")),
            workspaces.into_iter().chain(roles).collect(),
            &o,
        ));
    }

    for org in g.orgs {
        let live = g.live.orgs.get(&org.key());
        let in_org = |c: &&Change| c.address.org_name().is(&org.name);

        // Removal fraction: access removed / access existing, in this org.
        if let Some(l) = live {
            // After a partial member read (a change-scoped plan) the listing's total counts.
            let members = g
                .live
                .partial_members
                .get(&org.key())
                .map_or(l.members.len(), |p| p.total.max(l.members.len()));
            let declared: std::collections::HashSet<String> = org
                .workspaces
                .iter()
                .map(|d| d.name.to_ascii_lowercase())
                .collect();
            let existing = members
                + l.teams.iter().map(team_size).sum::<usize>()
                + l.workspaces
                    .iter()
                    .filter(|w| declared.contains(&w.name.to_ascii_lowercase()))
                    .map(|w| w.participants.as_ref().map_or(0, Vec::len))
                    .sum::<usize>();
            let mut removed_addrs = Vec::new();
            let mut removed = 0usize;
            for c in g.changes.iter().filter(in_org) {
                // Unlinking a team from its IdP group removes every member it has.
                if let Exec::UpdateTeam {
                    team_id,
                    idp_group: Some(TeamLink::Unlink),
                    ..
                } = c.exec
                {
                    let n = l
                        .teams
                        .iter()
                        .find(|t| t.id == team_id)
                        .map_or(0, team_size);
                    if n > 0 {
                        removed += n;
                        removed_addrs.push(c.address.clone());
                    }
                    continue;
                }
                if c.action != Action::Delete {
                    continue;
                }
                // The creator leaving a workspace this plan creates removes no existing access.
                let own_new = matches!(c.exec, Exec::LeaveWorkspace { .. });
                // A removal of an expired grant was decided when its end was reviewed.
                if c.expired.is_some() {
                    continue;
                }
                if c.kind.is_access() && !own_new {
                    removed += 1;
                    removed_addrs.push(c.address.clone());
                } else if let Exec::DeleteTeam { team_id, .. } = c.exec {
                    // Deleting a team removes every membership it has.
                    let n = l
                        .teams
                        .iter()
                        .find(|t| t.id == team_id)
                        .map_or(0, team_size);
                    if n > 0 {
                        removed += n;
                        removed_addrs.push(c.address.clone());
                    }
                } else if c.kind == Kind::Workspace {
                    let n = c
                        .workspace
                        .as_deref()
                        .and_then(|w| l.workspace(w))
                        .and_then(|w| w.participants.as_ref())
                        .map_or(0, Vec::len);
                    removed += n;
                    removed_addrs.push(c.address.clone());
                }
            }
            if existing > 0 {
                let fraction = removed as f64 / existing as f64;
                if fraction > g.policy.max_removal_fraction {
                    out.push(Violation::new(
                        Rail::MaxRemovalFraction,
                        format!(
                            "organization {}: the plan removes {removed} of {existing} existing grants of access ({}), more than policy.maxRemovalFraction allows ({})",
                            org.name,
                            percent(fraction),
                            percent(g.policy.max_removal_fraction)
                        ),
                        removed_addrs,
                        &o,
                    ));
                }
            }
        }

        // Minimum owners and the acting user, once the plan is applied.
        if let Some(members) = &org.members {
            let owners = members.iter().filter(|m| m.role == OrgRole::Owner).count() as u32;
            let removes_owner = g.changes.iter().filter(in_org).any(|c| {
                c.kind == Kind::Member
                    && c.action == Action::Delete
                    && c.role.as_ref().and_then(|r| r.before.as_deref()) == Some("owner")
            });
            if owners < g.policy.min_org_owners && (!g.expired_only || removes_owner) {
                out.push(Violation::new(
                    Rail::MinOrgOwners,
                    format!(
                        "organization {} would have {owners} owner{}; policy.minOrgOwners requires {}",
                        org.name,
                        if owners == 1 { "" } else { "s" },
                        g.policy.min_org_owners
                    ),
                    Vec::new(),
                    &o,
                ));
            }
            let owner_now = match live {
                Some(l) => l.members.iter().any(|m| {
                    m.role == "owner" && (g.acting.is(&m.email) || g.acting.is(&m.user_name))
                }),
                None => true,
            };
            let stays_owner = members
                .iter()
                .any(|m| m.role == OrgRole::Owner && g.acting.is(m.user.as_str()));
            if owner_now && !stays_owner {
                out.push(Violation::new(
                    Rail::SelfLockout,
                    format!(
                        "the acting user ({}) would no longer be an owner of organization {}, and could not manage it afterwards",
                        g.acting.email, org.name
                    ),
                    Vec::new(),
                    &o,
                ));
            }
        }

        // Collaborator cap and email domains, on what the plan grants.
        let mut capped = Vec::new();
        let mut foreign: BTreeMap<String, Vec<Address>> = BTreeMap::new();
        for c in g.changes.iter().filter(in_org) {
            if c.action == Action::Delete {
                continue;
            }
            if c.kind == Kind::Participant
                && c.participant_type == Some(ParticipantType::Collaborator)
                && let Some(role) = c.role.as_ref().and_then(|r| r.after.as_deref())
                && !g.policy.collaborator_role_allowed(role)
            {
                capped.push(c.address.clone());
            }
            if c.action == Action::Create {
                let user = match c.kind {
                    Kind::Member | Kind::TeamMember | Kind::Participant => c.address.user(),
                    _ => None,
                };
                if let Some(u) = user
                    && !g.policy.domain_allowed(&UserRef::new(u))
                {
                    foreign
                        .entry(u.to_string())
                        .or_default()
                        .push(c.address.clone());
                }
            }
        }
        if !capped.is_empty() {
            out.push(Violation::new(
                Rail::CollaboratorMaxRole,
                format!(
                    "organization {}: {} collaborator grant{} above policy.collaboratorMaxRole ({})",
                    org.name,
                    capped.len(),
                    if capped.len() == 1 { " is" } else { "s are" },
                    g.policy.collaborator_max_role.as_deref().unwrap_or("")
                ),
                capped,
                &o,
            ));
        }
        if !foreign.is_empty() {
            let users: Vec<&str> = foreign.keys().map(String::as_str).collect();
            out.push(Violation::new(
                Rail::AllowedEmailDomains,
                format!(
                    "organization {}: access for users outside policy.allowedEmailDomains ({}): {}",
                    org.name,
                    g.policy.allowed_email_domains.join(", "),
                    users.join(", ")
                ),
                foreign.into_values().flatten().collect(),
                &o,
            ));
        }
    }
    out
}
