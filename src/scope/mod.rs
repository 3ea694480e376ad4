//! What roster owns, and how its parts are named: the [`Scope`] read from one platform (the
//! declared orgs, their members and teams, the declared workspaces and their participants),
//! the [`Units`] a change-scoped plan covers, and the typed [`Address`] of everything planned
//! (and the [`WorkgroupAddress`] of a BaseSpace membership).
//!
//! It sits below both `live` (which reads a scope) and `plan` (which diffs within it), so that
//! neither imports the other for these. It must not do I/O or know about the platform's API.

pub mod address;
pub mod name;
pub mod workgroup;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use address::{Address, AddressError, Name, Path, Principal};
pub use workgroup::WorkgroupAddress;

use crate::config::desired::{Desired, Ensure};

/// Parts of the config a plan covers: addresses of whole orgs (`org/NAME`) or single workspaces
/// (`org/NAME/workspace/WS`).
pub type Units = BTreeSet<Address>;

/// Whether `a` lies in one of the units.
pub fn in_units(units: &Units, a: &Address) -> bool {
    units.contains(&a.org_address()) || a.workspace_address().is_some_and(|w| units.contains(&w))
}

/// What to read of one platform: derived from the desired state, and saved in plans so that
/// `apply PLAN` can re-read exactly the same listings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub orgs: Vec<OrgScope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgScope {
    /// The organization's name as declared.
    pub name: String,
    /// Teams whose members the config manages, or that it unlinks from an IdP group (the
    /// platform removes their members, so the plan must know them).
    pub team_members: Vec<String>,
    /// Whether to read the org's IdP group catalogue (a declared team follows a group).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub idp_groups: bool,
    pub workspaces: Vec<WorkspaceScope>,
    /// Set when only some workspaces of the org are in scope (a change-scoped plan): its members
    /// are then looked up user by user instead of listed in full (`live::read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_lookup: Option<MemberLookup>,
    /// Set when the config defines custom roles (`live::read` then reads the org's roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<RoleScope>,
}

/// What to read of an org's custom roles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleScope {
    /// Every name the config's `customRoles` gives (bare names, definitions and the roles they
    /// are renamed from), lower-cased and sorted: a live custom role outside it is deleted, so
    /// who holds it is read in every workspace of the org.
    pub declared: Vec<String>,
    /// The definitions and the roles they are renamed from, lower-cased and sorted: the roles
    /// whose permissions are read.
    pub defined: Vec<String>,
}

/// The custom-role scope of `org`, when the config defines custom roles.
fn role_scope(org: &crate::config::desired::Org) -> Option<RoleScope> {
    let defined = org.defined_roles.as_ref()?;
    let mut names: BTreeSet<String> = defined
        .iter()
        .flat_map(|r| std::iter::once(&r.name).chain(r.renamed_from.as_ref()))
        .map(|n| n.to_lowercase())
        .collect();
    let defined: Vec<String> = names.iter().cloned().collect();
    names.extend(org.custom_roles.iter().map(|n| n.to_lowercase()));
    Some(RoleScope {
        declared: names.into_iter().collect(),
        defined,
    })
}

/// The members a change-scoped read looks up: the users its workspaces name, and the org's
/// declared owners (needed only when one of those users may stop being an owner).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLookup {
    /// Lower-cased user references, sorted.
    pub users: Vec<String>,
    /// Lower-cased, sorted; empty when the config does not manage the org's members.
    pub owners: Vec<String>,
    /// What the in-scope workspaces declare of each user: a user whose every such participation
    /// is already live with that role, and who is not leaving the org, needs no lookup (nothing
    /// the plan does depends on their membership).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declared: Vec<DeclaredParticipation>,
}

/// One user participation a change-scoped read may find unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredParticipation {
    pub workspace: String,
    /// Lower-cased email (user-name references are always looked up).
    pub user: String,
    pub role: String,
    /// The config manages the org's members and does not list this user.
    pub leaves_org: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceScope {
    pub name: String,
    pub participants: bool,
    pub studios: bool,
    pub labels: bool,
}

/// The users the in-scope workspaces of `org` name, and its declared owners.
fn member_lookup(org: &crate::config::desired::Org, units: Option<&Units>) -> MemberLookup {
    use crate::config::desired::{OrgRole, Principal as Declared};
    let users: BTreeSet<String> = org
        .workspaces
        .iter()
        .filter(|w| units.is_some_and(|u| u.contains(&Address::workspace(&org.name, &w.name))))
        .flat_map(|w| w.participants.iter().flatten())
        .filter_map(|p| match &p.principal {
            Declared::User(u) => Some(u.as_str().to_lowercase()),
            Declared::Team(_) => None,
        })
        .collect();
    let owners: BTreeSet<String> = org
        .members
        .iter()
        .flatten()
        .filter(|m| m.role == OrgRole::Owner)
        .map(|m| m.user.as_str().to_lowercase())
        .collect();
    let declared = org
        .workspaces
        .iter()
        .filter(|w| units.is_some_and(|u| u.contains(&Address::workspace(&org.name, &w.name))))
        .filter(|w| w.ensure == Ensure::Present)
        .flat_map(|w| {
            w.participants
                .iter()
                .flatten()
                .map(move |p| (w.name.as_str(), p))
        })
        .filter_map(|(ws, p)| match &p.principal {
            Declared::User(u) if u.is_email() => Some(DeclaredParticipation {
                workspace: ws.to_string(),
                user: u.as_str().to_string(),
                role: p.role.clone(),
                leaves_org: org.members.is_some() && org.member(u).is_none(),
            }),
            _ => None,
        })
        .collect();
    MemberLookup {
        users: users.into_iter().collect(),
        owners: owners.into_iter().collect(),
        declared,
    }
}

impl Scope {
    /// The scope of the orgs of `desired` that live on `platform` (the name
    /// [`crate::config::desired::Org::platform_name`] gives), restricted to `units` when given: a
    /// whole org, or one workspace of it (then the org's own listings are read, but not its team
    /// members).
    pub fn from_desired(desired: &Desired, platform: &str, units: Option<&Units>) -> Scope {
        let orgs = desired
            .orgs
            .iter()
            .filter(|o| o.platform_name() == platform)
            .filter(|o| {
                units.is_none_or(|u| {
                    let a = Address::org(&o.name);
                    u.iter().any(|x| x.is_within(&a))
                })
            })
            .map(|o| {
                let whole = units.is_none_or(|u| u.contains(&Address::org(&o.name)));
                (o, whole)
            })
            .map(|(o, whole)| OrgScope {
                name: o.name.clone(),
                team_members: o
                    .teams
                    .iter()
                    .flatten()
                    .filter(|t| {
                        whole
                            && (t.members.is_some()
                                || t.idp_group == Some(crate::config::desired::IdpLink::Unlinked))
                    })
                    .map(|t| t.name.clone())
                    .collect(),
                idp_groups: whole && o.teams.iter().flatten().any(|t| t.follows().is_some()),
                workspaces: o
                    .workspaces
                    .iter()
                    .filter(|w| {
                        whole
                            || units
                                .is_some_and(|u| u.contains(&Address::workspace(&o.name, &w.name)))
                    })
                    .map(|w| WorkspaceScope {
                        name: w.name.clone(),
                        // An absent workspace's participants are read so that removing it counts
                        // as the removal of their access.
                        participants: w.participants.is_some() || w.ensure == Ensure::Absent,
                        studios: w.studios.is_some() && w.ensure == Ensure::Present,
                        labels: w.labels.is_some() && w.ensure == Ensure::Present,
                    })
                    .collect(),
                member_lookup: (!whole).then(|| member_lookup(o, units)),
                roles: role_scope(o),
            })
            .collect();
        Scope { orgs }
    }
}
