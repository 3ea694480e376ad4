//! The desired state: what the config declares, after loading and validation, normalised for the
//! planner (users lower-cased, defaults applied, workspaces grouped under their organization,
//! everything sorted). Plain data: no spans, no I/O. `Origin`s say where things were declared so
//! later stages can point at the file.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub mod basespace;
pub use super::time::When;

/// Where a document or entry was declared, as `file:line:col`. Not part of the state's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Origin(pub String);

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user as the config names them: an email address or a platform user name, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserRef(String);

impl UserRef {
    /// A user reference; emails and user names compare case-insensitively, so it is lower-cased.
    pub fn new(s: &str) -> Self {
        UserRef(s.trim().to_lowercase())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_email(&self) -> bool {
        self.0.contains('@')
    }
    /// The domain of an email address.
    pub fn domain(&self) -> Option<&str> {
        self.0.rsplit_once('@').map(|(_, d)| d)
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Organization roles roster manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    Owner,
    Member,
}

impl OrgRole {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(OrgRole::Owner),
            "member" => Some(OrgRole::Member),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Owner => "owner",
            OrgRole::Member => "member",
        }
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The platform's predefined workspace roles, highest first.
pub const PREDEFINED_WORKSPACE_ROLES: [&str; 6] =
    ["owner", "admin", "maintain", "launch", "connect", "view"];

/// The rank of a predefined workspace role (owner = 6 … view = 1); `None` for custom roles.
pub fn workspace_role_rank(role: &str) -> Option<u8> {
    PREDEFINED_WORKSPACE_ROLES
        .iter()
        .position(|r| *r == role)
        .map(|i| (PREDEFINED_WORKSPACE_ROLES.len() - i) as u8)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Private,
    Shared,
}

impl Visibility {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "private" => Some(Visibility::Private),
            "shared" => Some(Visibility::Shared),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Shared => "shared",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The whole desired state of a repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Desired {
    pub platforms: BTreeMap<String, Platform>,
    pub policy: Policy,
    /// Sorted by lower-cased name.
    pub orgs: Vec<Org>,
    /// Where each user reference was declared, for reports that name the file.
    #[serde(skip)]
    pub user_sites: UserSites,
    /// BaseSpace platforms and workgroups (absent from the JSON when there are none, so the
    /// digest of a Seqera-only config is what it always was).
    #[serde(default, skip_serializing_if = "basespace::BaseSpace::is_empty")]
    pub basespace: basespace::BaseSpace,
    /// The declared access reviews (recertification); not platform state, so not part of the
    /// state's identity or its digest.
    #[serde(skip)]
    pub reviews: Reviews,
}

/// The access reviews the config declares, in declaration order. Any two compare equal: they
/// are not platform state.
#[derive(Debug, Clone, Default)]
pub struct Reviews(pub Vec<Review>);

impl PartialEq for Reviews {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One declared review: of an organization, or of one of its workspaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The organization, as declared.
    pub org: String,
    /// The workspace, as declared; `None` for the organization's own review.
    pub workspace: Option<String>,
    pub every: super::time::Span,
    /// The reviewers as declared (lower-cased); empty: the organization's owners.
    pub owners: Vec<UserRef>,
    pub reviewed_on: Option<super::time::When>,
    /// Where `review:` is.
    pub origin: Origin,
    /// Where `reviewedOn:` is.
    pub reviewed_origin: Option<Origin>,
}

/// Where user references were declared: one entry per accepted reference in an org's members,
/// a team's members or a workspace's participants, in declaration order. Not part of the
/// state's identity: any two compare equal.
#[derive(Debug, Clone, Default)]
pub struct UserSites(pub Vec<UserSite>);

impl PartialEq for UserSites {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One user reference and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSite {
    pub list: UserList,
    /// As written (trimmed), before lower-casing.
    pub written: String,
    pub user: UserRef,
    pub origin: Origin,
}

/// A list that holds user references; names are lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UserList {
    OrgMembers { org: String },
    TeamMembers { org: String, team: String },
    Participants { org: String, workspace: String },
}

impl UserList {
    pub fn org(&self) -> &str {
        match self {
            UserList::OrgMembers { org }
            | UserList::TeamMembers { org, .. }
            | UserList::Participants { org, .. } => org,
        }
    }
}

impl fmt::Display for UserList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserList::OrgMembers { org } => write!(f, "the members of organization `{org}`"),
            UserList::TeamMembers { org, team } => {
                write!(f, "the members of team `{team}` of organization `{org}`")
            }
            UserList::Participants { org, workspace } => {
                write!(f, "the participants of workspace `{org}/{workspace}`")
            }
        }
    }
}

/// A platform instance declared in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub endpoint: String,
    pub token_env: String,
}

/// The environment variable that holds the token when a platform names none.
pub const DEFAULT_TOKEN_ENV: &str = "TOWER_ACCESS_TOKEN";

/// The platform name used for orgs when Settings declares no platform.
pub const DEFAULT_PLATFORM: &str = "default";

/// Policy with defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Lower-cased domain suffixes; empty allows any.
    pub allowed_email_domains: Vec<String>,
    pub min_org_owners: u32,
    /// A predefined workspace role, or none for no cap.
    pub collaborator_max_role: Option<String>,
    pub max_removal_fraction: f64,
    /// The longest a collaborator's grant may run, in days from now; none: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_grant_days: Option<u32>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allowed_email_domains: Vec::new(),
            min_org_owners: 1,
            collaborator_max_role: None,
            max_removal_fraction: 0.25,
            max_grant_days: None,
        }
    }
}

impl Policy {
    /// Whether an email's domain is allowed: equal to an allowed domain or a subdomain of one.
    pub fn domain_allowed(&self, user: &UserRef) -> bool {
        if self.allowed_email_domains.is_empty() {
            return true;
        }
        let Some(domain) = user.domain() else {
            return false;
        };
        self.allowed_email_domains
            .iter()
            .any(|d| domain == d || domain.ends_with(&format!(".{d}")))
    }

    /// Whether a collaborator may hold `role` under `collaboratorMaxRole`.
    pub fn collaborator_role_allowed(&self, role: &str) -> bool {
        match &self.collaborator_max_role {
            None => true,
            Some(max) => match (workspace_role_rank(role), workspace_role_rank(max)) {
                (Some(r), Some(m)) => r <= m,
                // A custom role cannot be ranked against the cap: refuse it for collaborators.
                _ => false,
            },
        }
    }
}

/// An organization and everything roster manages in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Org {
    pub name: String,
    /// The Settings platform it lives on; `None` when Settings declares no platform.
    pub platform: Option<String>,
    pub full_name: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
    /// The names of every custom role the config declares, bare and defined, as declared.
    pub custom_roles: Vec<String>,
    /// The custom roles the config defines: `None` when every entry of `customRoles` is a bare
    /// name (or it is absent), and custom roles are unmanaged. Present: the list of
    /// `customRoles` is authoritative (a live custom role it does not name is deleted). Sorted
    /// by lower-cased name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defined_roles: Option<Vec<CustomRole>>,
    /// `None`: membership unmanaged. Sorted by user.
    pub members: Option<Vec<Member>>,
    /// `None`: teams unmanaged. Sorted by lower-cased name.
    pub teams: Option<Vec<Team>>,
    /// Sorted by lower-cased name.
    pub workspaces: Vec<Workspace>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Org {
    /// The lower-cased name used to match live.
    pub fn key(&self) -> String {
        self.name.to_lowercase()
    }
    /// The Settings platform this org lives on ([`DEFAULT_PLATFORM`] when Settings declares none).
    pub fn platform_name(&self) -> &str {
        self.platform.as_deref().unwrap_or(DEFAULT_PLATFORM)
    }
    pub fn member(&self, user: &UserRef) -> Option<&Member> {
        self.members.as_ref()?.iter().find(|m| &m.user == user)
    }
}

/// A custom workspace role the config defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRole {
    pub name: String,
    pub description: String,
    /// `None`: unmanaged (none on creation). Sorted, without repeats.
    pub permissions: Option<Vec<String>>,
    /// The role's current name on the platform, when the config renames it in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
    /// Where each permission is declared, for the plan-time check against the platform's list.
    #[serde(skip)]
    pub permission_origins: Vec<(String, Origin)>,
}

impl CustomRole {
    /// The lower-cased name used to match live.
    pub fn key(&self) -> String {
        self.name.to_lowercase()
    }
}

/// Whether `name` is a predefined workspace role's name, in any case.
pub fn is_predefined_role(name: &str) -> bool {
    workspace_role_rank(&name.trim().to_lowercase()).is_some()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: UserRef,
    pub role: OrgRole,
    /// When the membership ends; none: it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<When>,
    /// Why the grant exists, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Member {
    /// A membership that does not expire.
    pub fn new(user: UserRef, role: OrgRole) -> Member {
        Member {
            user,
            role,
            expires: None,
            reason: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub name: String,
    pub description: Option<String>,
    /// `None`: team membership unmanaged. Sorted by user. Never declared with
    /// [`IdpLink::Follows`]: the identity provider manages those members.
    pub members: Option<Vec<TeamMember>>,
    /// `None`: the team's IdP group link is unmanaged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_group: Option<IdpLink>,
    /// Where `idpGroup` was declared (the team's name when it is `null`).
    #[serde(skip)]
    pub idp_origin: Origin,
}

/// What the config says of a team's link to an IdP group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdpLink {
    /// The team follows this catalogue entry (by its name, exactly).
    Follows(String),
    /// The team follows no IdP group (`idpGroup: null`).
    Unlinked,
}

impl Team {
    /// The IdP group the config says the team follows.
    pub fn follows(&self) -> Option<&str> {
        match &self.idp_group {
            Some(IdpLink::Follows(g)) => Some(g),
            _ => None,
        }
    }
}

impl Team {
    /// Whether the team's declared members include `user`.
    pub fn has_member(&self, user: &UserRef) -> bool {
        self.members.iter().flatten().any(|m| &m.user == user)
    }
    /// The declared members' users, sorted (none when membership is unmanaged).
    pub fn users(&self) -> impl Iterator<Item = &UserRef> {
        self.members.iter().flatten().map(|m| &m.user)
    }
}

/// A team membership. Serializes as the bare user when it has no expiry or reason, so the
/// desired state's JSON (and digest) of a config without them is what it always was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TeamMember {
    pub user: UserRef,
    pub expires: Option<When>,
    pub reason: Option<String>,
}

impl TeamMember {
    /// A team membership that does not expire.
    pub fn new(user: UserRef) -> TeamMember {
        TeamMember {
            user,
            expires: None,
            reason: None,
        }
    }
}

impl From<UserRef> for TeamMember {
    fn from(user: UserRef) -> Self {
        TeamMember::new(user)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum TeamMemberRepr {
    User(UserRef),
    Grant {
        user: UserRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<When>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl Serialize for TeamMember {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.expires.is_none() && self.reason.is_none() {
            return self.user.serialize(s);
        }
        TeamMemberRepr::Grant {
            user: self.user.clone(),
            expires: self.expires,
            reason: self.reason.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for TeamMember {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match TeamMemberRepr::deserialize(d)? {
            TeamMemberRepr::User(user) => TeamMember::new(user),
            TeamMemberRepr::Grant {
                user,
                expires,
                reason,
            } => TeamMember {
                user,
                expires,
                reason,
            },
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ensure {
    Present,
    Absent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub name: String,
    pub ensure: Ensure,
    pub full_name: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<Visibility>,
    pub studios: Option<Studios>,
    /// `None`: labels unmanaged. Sorted by name.
    pub labels: Option<Vec<Label>>,
    /// `None`: participants unmanaged. Sorted: teams first, then users.
    pub participants: Option<Vec<Participant>>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Workspace {
    pub fn key(&self) -> String {
        self.name.to_lowercase()
    }
}

/// Studios settings. `lifespan_hours` is the API's encoding: 1–120 hours, or 0 for "always keep
/// the session running" (`lifespan: always` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Studios {
    pub lifespan_hours: u32,
}

impl Studios {
    /// The API's `lifespanHours` for "always keep the session running".
    pub const ALWAYS: u32 = 0;
    /// The longest lifespan the console offers, in hours.
    pub const MAX_HOURS: u32 = 120;

    /// Whether sessions are kept running whatever their age.
    pub fn is_always(self) -> bool {
        self.lifespan_hours == Self::ALWAYS
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    pub value: Option<String>,
    pub resource: bool,
}

/// Who a participant is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Principal {
    /// A team, by name as declared.
    Team(String),
    User(UserRef),
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Team(t) => write!(f, "team:{}", t.to_lowercase()),
            Principal::User(u) => write!(f, "user:{u}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub principal: Principal,
    /// A predefined role (lower-case) or a custom role of the organization.
    pub role: String,
    /// When the participation ends; none: it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<When>,
    /// Why the grant exists, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Participant {
    /// A participation that does not expire.
    pub fn new(principal: Principal, role: impl Into<String>) -> Participant {
        Participant {
            principal,
            role: role.into(),
            expires: None,
            reason: None,
        }
    }
}
