//! The live model: what the platform reports now, for the declared scope only, read through the
//! platform client. It decides nothing; the planner compares it with the desired state.
//!
//! Every listing read is fingerprinted (a digest of what it returned, in a canonical order), so a
//! saved plan can tell later whether the platform changed under it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scope::Principal;

pub mod basespace;
pub mod idp;
pub mod read;

/// The user a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingUser {
    pub id: i64,
    pub user_name: String,
    pub email: String,
}

impl ActingUser {
    /// Whether a config user reference (lower-cased email or user name) names this user.
    pub fn is(&self, user: &str) -> bool {
        self.email.eq_ignore_ascii_case(user) || self.user_name.eq_ignore_ascii_case(user)
    }
}

/// What was read from one platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Live {
    /// Declared orgs that exist, by lower-cased name.
    pub orgs: BTreeMap<String, LiveOrg>,
    /// Listing key (e.g. `org/lab/members`) → digest of its content.
    pub fingerprints: BTreeMap<String, String>,
    /// Orgs (by lower-cased name) whose members were looked up user by user for a
    /// change-scoped plan instead of listed in full: their `members` hold only part of the org.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub partial_members: BTreeMap<String, PartialMembers>,
}

/// What a partial member read covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialMembers {
    /// The user references (lower-cased emails or user names) that were looked up: for these,
    /// `members` is authoritative (absent means not a member).
    pub looked_up: BTreeSet<String>,
    /// How many members the org has, as the listing's `totalSize` reports.
    pub total: usize,
}

/// An organization and what roster reads of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveOrg {
    pub id: i64,
    pub name: String,
    pub full_name: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
    /// Owners and members.
    pub members: Vec<LiveMember>,
    /// Users who are not members but participate in a workspace.
    pub collaborators: Vec<LiveMember>,
    pub teams: Vec<LiveTeam>,
    /// Every workspace of the org the acting user can see.
    pub workspaces: Vec<LiveWorkspace>,
    /// The IdP group catalogue, read only when a declared team follows an IdP group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_catalogue: Option<IdpCatalogue>,
    /// Read only when the config defines custom roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<LiveRoles>,
}

/// An organization's IdP group catalogue, as `ListOrganizationIdpGroups` answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdpCatalogue {
    /// 404: IdP group mapping is not enabled for the organization.
    Off,
    /// Its entries, sorted by id.
    Groups(Vec<LiveIdpGroup>),
}

impl IdpCatalogue {
    /// The entry named `name` (exactly: the identity provider's group values are case-sensitive).
    pub fn group(&self, name: &str) -> Option<&LiveIdpGroup> {
        match self {
            IdpCatalogue::Off => None,
            IdpCatalogue::Groups(gs) => gs.iter().find(|g| g.name == name),
        }
    }
    /// The entry with id `id`.
    pub fn by_id(&self, id: i64) -> Option<&LiveIdpGroup> {
        match self {
            IdpCatalogue::Off => None,
            IdpCatalogue::Groups(gs) => gs.iter().find(|g| g.id == id),
        }
    }
}

/// An entry of an organization's IdP group catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveIdpGroup {
    pub id: i64,
    /// The group value the identity provider sends in its groups claim.
    pub name: String,
    /// `scim` or `manual` (lower-cased; another value as the platform sent it).
    pub source: String,
}

/// The IdP group a live team follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveIdpLink {
    pub id: i64,
    /// The group's name, as the team listing reports it.
    pub name: Option<String>,
}

/// An org's custom roles and what the plan needs to know around them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRoles {
    /// Every custom role, sorted by lower-cased name.
    pub custom: Vec<LiveRole>,
    /// The permission names the platform accepts (`ListRolePermissions`).
    pub permissions: Vec<String>,
    /// `maxCustomRolesPerOrg`, when the platform reports it.
    pub max_custom_roles: Option<i64>,
    /// The participants, in every workspace of the org, who hold a custom role the config does
    /// not name (a role the plan deletes), sorted by role, workspace and participant id.
    pub holders: Vec<RoleHolder>,
}

impl LiveRoles {
    /// The custom role of this name, case-insensitively.
    pub fn role(&self, name: &str) -> Option<&LiveRole> {
        self.custom
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }
}

/// A custom role as the platform has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRole {
    pub name: String,
    pub description: Option<String>,
    /// Sorted; read only for the roles the config defines (or renames).
    pub permissions: Option<Vec<String>>,
}

/// A participant who holds a custom role, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolder {
    pub role: String,
    pub workspace: String,
    pub participant: LiveParticipant,
}

impl LiveOrg {
    /// The member a config user reference names (by email or user name, case-insensitively).
    pub fn member(&self, user: &str) -> Option<&LiveMember> {
        self.members.iter().find(|m| m.is(user))
    }
    pub fn collaborator(&self, user: &str) -> Option<&LiveMember> {
        self.collaborators.iter().find(|m| m.is(user))
    }
    pub fn team(&self, name: &str) -> Option<&LiveTeam> {
        self.teams
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
    pub fn workspace(&self, name: &str) -> Option<&LiveWorkspace> {
        self.workspaces
            .iter()
            .find(|w| w.name.eq_ignore_ascii_case(name))
    }
}

/// Hash indexes over one [`LiveOrg`], built once per plan so that the diff, the guard rails and
/// the access view find members, collaborators, teams and workspaces in constant time instead of
/// scanning the lists (which made their CPU grow with the square of the org size).
#[derive(Debug, Default)]
pub struct OrgIndex<'a> {
    /// By lower-cased email and by lower-cased user name (the first in `member_id` order wins,
    /// as the linear scans did).
    members: HashMap<String, &'a LiveMember>,
    collaborators: HashMap<String, &'a LiveMember>,
    teams: HashMap<String, &'a LiveTeam>,
    workspaces: HashMap<String, &'a LiveWorkspace>,
}

fn by_user(ms: &[LiveMember]) -> HashMap<String, &LiveMember> {
    let mut out = HashMap::with_capacity(ms.len() * 2);
    // Emails first, so that an email never loses to another member's user name spelled alike.
    for m in ms.iter().filter(|m| !m.email.is_empty()) {
        out.entry(m.email.to_ascii_lowercase()).or_insert(m);
    }
    for m in ms.iter().filter(|m| !m.user_name.is_empty()) {
        out.entry(m.user_name.to_ascii_lowercase()).or_insert(m);
    }
    out
}

impl<'a> OrgIndex<'a> {
    pub fn new(org: &'a LiveOrg) -> OrgIndex<'a> {
        let mut teams = HashMap::with_capacity(org.teams.len());
        for t in &org.teams {
            teams.entry(t.name.to_ascii_lowercase()).or_insert(t);
        }
        let mut workspaces = HashMap::with_capacity(org.workspaces.len());
        for w in &org.workspaces {
            workspaces.entry(w.name.to_ascii_lowercase()).or_insert(w);
        }
        OrgIndex {
            members: by_user(&org.members),
            collaborators: by_user(&org.collaborators),
            teams,
            workspaces,
        }
    }
    /// As [`LiveOrg::member`].
    pub fn member(&self, user: &str) -> Option<&'a LiveMember> {
        self.members.get(&user.to_ascii_lowercase()).copied()
    }
    /// As [`LiveOrg::collaborator`].
    pub fn collaborator(&self, user: &str) -> Option<&'a LiveMember> {
        self.collaborators.get(&user.to_ascii_lowercase()).copied()
    }
    /// As [`LiveOrg::team`].
    pub fn team(&self, name: &str) -> Option<&'a LiveTeam> {
        self.teams.get(&name.to_ascii_lowercase()).copied()
    }
    /// As [`LiveOrg::workspace`].
    pub fn workspace(&self, name: &str) -> Option<&'a LiveWorkspace> {
        self.workspaces.get(&name.to_ascii_lowercase()).copied()
    }
}

/// An organization membership (a member, owner or collaborator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveMember {
    pub member_id: i64,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub email: String,
    /// `owner`, `member` or `collaborator` (or a value this version does not know).
    pub role: String,
}

impl LiveMember {
    /// Whether a config user reference names this member.
    pub fn is(&self, user: &str) -> bool {
        self.email.eq_ignore_ascii_case(user) || self.user_name.eq_ignore_ascii_case(user)
    }
    /// How plans name this user: the email, lower-cased, or the user name when there is none.
    pub fn key(&self) -> String {
        if self.email.is_empty() {
            self.user_name.to_lowercase()
        } else {
            self.email.to_lowercase()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveTeam {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    /// Whether an identity provider manages its membership (roster never changes it): it
    /// follows an IdP group.
    pub idp_managed: bool,
    /// The IdP group it follows (set exactly when `idp_managed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_group: Option<LiveIdpLink>,
    /// How many members the team has, as the team listing reports.
    pub members_count: usize,
    /// Read only when the config manages this team's members.
    pub members: Option<Vec<LiveMember>>,
}

impl LiveTeam {
    /// The name of the IdP group it follows, as shown in plans.
    pub fn idp_group_shown(&self) -> Option<String> {
        self.idp_group.as_ref().map(|g| match &g.name {
            Some(n) => n.clone(),
            None => format!("#{}", g.id),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveWorkspace {
    pub id: i64,
    pub name: String,
    pub full_name: Option<String>,
    pub description: Option<String>,
    /// `private` or `shared`, lower-cased.
    pub visibility: String,
    /// Read only for declared workspaces that manage participants (or need them).
    pub participants: Option<Vec<LiveParticipant>>,
    /// Read only when the config declares studios settings.
    pub studios: Option<LiveStudios>,
    /// Read only when the config declares labels.
    pub labels: Option<Vec<LiveLabel>>,
}

/// The kind of a participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParticipantKind {
    Member,
    Team,
    Collaborator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveParticipant {
    pub participant_id: i64,
    pub kind: ParticipantKind,
    pub member_id: Option<i64>,
    pub team_id: Option<i64>,
    pub user_name: Option<String>,
    pub email: Option<String>,
    pub team_name: Option<String>,
    /// The workspace role, lower-cased for predefined roles.
    pub role: String,
}

impl LiveParticipant {
    pub fn is_user(&self, user: &str) -> bool {
        self.kind != ParticipantKind::Team
            && (self
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(user))
                || self
                    .user_name
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(user)))
    }
    pub fn is_team(&self, name: &str) -> bool {
        self.kind == ParticipantKind::Team
            && self
                .team_name
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
    }
    /// How plans name this participant: a team by name, a user by email (or user name when
    /// the platform has no email).
    pub fn principal(&self) -> Principal {
        match self.kind {
            ParticipantKind::Team => Principal::team(self.team_name.as_deref().unwrap_or("")),
            _ => Principal::user(
                self.email
                    .as_deref()
                    .filter(|e| !e.is_empty())
                    .or(self.user_name.as_deref())
                    .unwrap_or(""),
            ),
        }
    }
    /// How plans name this participant: `team:NAME` or `user:EMAIL`, lower-cased.
    pub fn key(&self) -> String {
        match self.kind {
            ParticipantKind::Team => {
                format!(
                    "team:{}",
                    self.team_name.as_deref().unwrap_or("").to_lowercase()
                )
            }
            _ => {
                let who = self
                    .email
                    .as_deref()
                    .filter(|e| !e.is_empty())
                    .or(self.user_name.as_deref())
                    .unwrap_or("");
                format!("user:{}", who.to_lowercase())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveStudios {
    pub lifespan_hours: i32,
    pub container_repository: Option<String>,
    pub private_studio_by_default: bool,
    pub name_strategy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveLabel {
    pub id: i64,
    pub name: String,
    pub value: Option<String>,
    pub resource: bool,
}

/// The digest of a listing's content: sha256 of its canonical JSON, as hex. The JSON is hashed
/// as it is written, never held whole.
pub fn fingerprint<T: Serialize>(content: &T) -> String {
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hashing(Sha256::new());
    serde_json::to_writer(std::io::BufWriter::with_capacity(8 * 1024, &mut h), content)
        .expect("live data serializes");
    hex::encode(h.0.finalize())
}
