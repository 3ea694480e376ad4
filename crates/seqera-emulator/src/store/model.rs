//! The store's model: users, memberships, teams, workspaces, participants, labels and studios
//! settings, the id sequence, the stale-reads memory, and the vocabulary every layer shares
//! (roles, visibilities, the name rule).
//!
//! This module owns the entity types. Their containers and indexes (an organization's members,
//! teams and workspaces and the maps that find them by user or name; a workspace's participants
//! and labels) are visible to the `store` module only, so that nothing else can put them out of
//! step: other layers read them through accessors and change them through the [`Store`](super::Store)'s
//! methods. It must not know the world file format (`load`, `save`) nor the HTTP API.
//!
//! Every map is a `BTreeMap` keyed by id and ids increase monotonically, so iteration order is
//! creation order: that is the order of every list the emulator returns.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Clock;

pub(crate) type Id = i64;

/// The date given to world objects that have none, so that a world loads deterministically.
pub(crate) const DEFAULT_DATE: &str = "2024-01-01T00:00:00Z";

/// The predefined workspace roles, highest first.
pub(crate) const PREDEFINED_ROLES: [&str; 6] =
    ["owner", "admin", "maintain", "launch", "connect", "view"];

/// Rank of a workspace role for "the higher role wins"; custom roles rank below `view`.
pub(crate) fn role_rank(role: &str) -> u8 {
    match role {
        "owner" => 6,
        "admin" => 5,
        "maintain" => 4,
        "launch" => 3,
        "connect" => 2,
        "view" => 1,
        _ => 0,
    }
}

/// The platform's name rule for organizations, teams and workspaces (docs/seqera-api.md section 5):
/// ASCII alphanumeric runs joined by single `-` or `_`, 2 to 39 characters.
pub(crate) fn valid_name(name: &str) -> bool {
    (2..=39).contains(&name.len())
        && name
            .split(['-', '_'])
            .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum OrgRole {
    Owner,
    Member,
    Collaborator,
}

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Owner => "owner",
            OrgRole::Member => "member",
            OrgRole::Collaborator => "collaborator",
        }
    }

    /// Case-insensitive.
    pub fn parse(s: &str) -> Option<OrgRole> {
        match s.to_ascii_lowercase().as_str() {
            "owner" => Some(OrgRole::Owner),
            "member" => Some(OrgRole::Member),
            "collaborator" => Some(OrgRole::Collaborator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visibility {
    Private,
    Shared,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "PRIVATE",
            Visibility::Shared => "SHARED",
        }
    }
}

/// The deterministic id sequence: strictly increasing, starting above 10^13, with
/// pseudo-random gaps (below 10^9) so that ids look like the platform's and never collide
/// across kinds. A million ids stay far below 2^53.
#[derive(Debug, Clone)]
pub(crate) struct IdGen {
    last: Id,
}

impl IdGen {
    const BASE: Id = 10_000_000_000_000;

    pub fn starting_after(last: Id) -> Self {
        IdGen { last }
    }

    pub fn last(&self) -> Id {
        self.last
    }

    pub fn next_id(&mut self) -> Id {
        let base = self.last.max(Self::BASE);
        let gap = 1 + (splitmix64(base as u64) % 1_000_000_000) as Id;
        self.last = base + gap;
        self.last
    }
}

/// SplitMix64: a well-mixed 64-bit hash, used for id gaps and fault draws.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: Id,
    pub(crate) user_name: String,
    pub(crate) email: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) token: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) id: Id,
    pub(crate) user_id: Id,
    pub(crate) role: OrgRole,
}

#[derive(Debug, Clone)]
pub(crate) struct Team {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) avatar_id: Option<String>,
    pub(crate) idp_group_id: Option<i64>,
    pub(crate) idp_group_name: Option<String>,
    /// Organization membership ids.
    pub(super) members: BTreeSet<Id>,
}

impl Team {
    /// A team without members.
    pub fn new(id: Id, name: String) -> Self {
        Team {
            id,
            name,
            description: None,
            avatar_id: None,
            idp_group_id: None,
            idp_group_name: None,
            members: BTreeSet::new(),
        }
    }

    /// Organization membership ids.
    pub fn members(&self) -> &BTreeSet<Id> {
        &self.members
    }
}

/// Where an IdP catalogue entry comes from (`OrgIdpGroupSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdpSource {
    /// Pushed by the identity provider over SCIM: only the provider can remove it.
    Scim,
    /// Entered by an organization owner.
    Manual,
}

impl IdpSource {
    /// As the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            IdpSource::Scim => "SCIM",
            IdpSource::Manual => "MANUAL",
        }
    }

    /// Case-insensitive.
    pub fn parse(s: &str) -> Option<IdpSource> {
        match s.to_ascii_lowercase().as_str() {
            "scim" => Some(IdpSource::Scim),
            "manual" => Some(IdpSource::Manual),
            _ => None,
        }
    }
}

/// An entry of an organization's IdP group catalogue.
#[derive(Debug, Clone)]
pub(crate) struct IdpGroup {
    pub(crate) id: Id,
    /// The group value the identity provider sends in its groups claim (case matters).
    pub(crate) name: String,
    pub(crate) source: IdpSource,
}

/// The metadata of an organization's active SCIM token.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScimToken {
    pub(crate) created_at: Option<String>,
    pub(crate) last_used: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Member(Id),
    Team(Id),
}

#[derive(Debug, Clone)]
pub(crate) struct Participant {
    pub(crate) id: Id,
    pub(crate) subject: Subject,
    /// Lowercase for predefined roles; custom roles as declared.
    pub(crate) role: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) value: Option<String>,
    pub(crate) resource: bool,
    pub(crate) is_default: bool,
    pub(crate) date_created: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Studios {
    pub(crate) lifespan_hours: i32,
    pub(crate) container_repository: Option<String>,
    pub(crate) private_studio_by_default: bool,
    pub(crate) name_strategy: Option<String>,
}

impl Default for Studios {
    fn default() -> Self {
        Studios {
            lifespan_hours: 8,
            container_repository: None,
            private_studio_by_default: false,
            name_strategy: None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) full_name: String,
    pub(crate) description: Option<String>,
    pub(crate) visibility: Visibility,
    pub(crate) date_created: String,
    pub(crate) last_updated: String,
    pub(super) participants: BTreeMap<Id, Participant>,
    /// Direct participation of an organization membership.
    pub(super) by_member: HashMap<Id, Id>,
    pub(super) by_team: HashMap<Id, Id>,
    pub(super) labels: BTreeMap<Id, Label>,
    pub(crate) studios: Studios,
}

impl Workspace {
    /// A workspace without participants or labels, with the default studios settings.
    pub fn new(
        id: Id,
        name: String,
        full_name: String,
        visibility: Visibility,
        date_created: String,
    ) -> Self {
        Workspace {
            id,
            name,
            full_name,
            description: None,
            visibility,
            last_updated: date_created.clone(),
            date_created,
            participants: BTreeMap::new(),
            by_member: HashMap::new(),
            by_team: HashMap::new(),
            labels: BTreeMap::new(),
            studios: Studios::default(),
        }
    }

    pub fn participants(&self) -> &BTreeMap<Id, Participant> {
        &self.participants
    }

    /// Membership id → participant id (direct participations).
    pub fn by_member(&self) -> &HashMap<Id, Id> {
        &self.by_member
    }

    /// Team id → participant id.
    pub fn by_team(&self) -> &HashMap<Id, Id> {
        &self.by_team
    }

    pub fn labels(&self) -> &BTreeMap<Id, Label> {
        &self.labels
    }

    pub(super) fn remove_participant(&mut self, pid: Id) -> Option<Participant> {
        let p = self.participants.remove(&pid)?;
        match p.subject {
            Subject::Member(m) => self.by_member.remove(&m),
            Subject::Team(t) => self.by_team.remove(&t),
        };
        Some(p)
    }

    pub(super) fn insert_participant(&mut self, p: Participant) {
        match p.subject {
            Subject::Member(m) => self.by_member.insert(m, p.id),
            Subject::Team(t) => self.by_team.insert(t, p.id),
        };
        self.participants.insert(p.id, p);
    }
}

/// A custom workspace role of an organization.
#[derive(Debug, Clone)]
pub(crate) struct CustomRole {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// Sorted, without repeats.
    pub(crate) permissions: Vec<String>,
}

/// How many custom roles an organization may have when its world says nothing
/// (`maxCustomRolesPerOrg`; the platform's own default is not documented).
pub(crate) const DEFAULT_MAX_CUSTOM_ROLES: i64 = 20;

#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) full_name: String,
    pub(crate) description: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) website: Option<String>,
    pub(crate) logo_id: Option<String>,
    pub(crate) org_type: Option<String>,
    /// `maxCustomRolesPerOrg`, as the world sets it (`None`: [`DEFAULT_MAX_CUSTOM_ROLES`]).
    pub(crate) max_custom_roles: Option<i64>,
    pub(super) roles: BTreeMap<Id, CustomRole>,
    /// Lowercased name → custom role id.
    pub(super) role_by_name: HashMap<String, Id>,
    /// Single sign-on is active: collaborators are not permitted.
    pub(crate) sso: bool,
    /// The IdP group catalogue; `None` when IdP group mapping is not enabled.
    pub(super) idp_groups: Option<BTreeMap<Id, IdpGroup>>,
    pub(crate) scim_token: Option<ScimToken>,
    pub(super) members: BTreeMap<Id, Member>,
    /// User id → membership id.
    pub(super) member_by_user: HashMap<Id, Id>,
    pub(super) teams: BTreeMap<Id, Team>,
    /// Lowercased name → team id.
    pub(super) team_by_name: HashMap<String, Id>,
    pub(super) workspaces: BTreeMap<Id, Workspace>,
    /// Lowercased name → workspace id.
    pub(super) ws_by_name: HashMap<String, Id>,
}

impl Org {
    /// An organization without members, teams or workspaces.
    pub fn new(id: Id, name: String, full_name: String) -> Self {
        Org {
            id,
            name,
            full_name,
            description: None,
            location: None,
            website: None,
            logo_id: None,
            org_type: None,
            max_custom_roles: None,
            roles: BTreeMap::new(),
            role_by_name: HashMap::new(),
            sso: false,
            idp_groups: None,
            scim_token: None,
            members: BTreeMap::new(),
            member_by_user: HashMap::new(),
            teams: BTreeMap::new(),
            team_by_name: HashMap::new(),
            workspaces: BTreeMap::new(),
            ws_by_name: HashMap::new(),
        }
    }

    pub fn members(&self) -> &BTreeMap<Id, Member> {
        &self.members
    }

    /// Custom roles, in creation order.
    pub fn roles(&self) -> &BTreeMap<Id, CustomRole> {
        &self.roles
    }

    /// A custom role by name, case-insensitively.
    pub fn role_named(&self, name: &str) -> Option<&CustomRole> {
        self.role_by_name
            .get(&name.to_ascii_lowercase())
            .and_then(|id| self.roles.get(id))
    }

    /// `maxCustomRolesPerOrg`.
    pub fn max_roles(&self) -> i64 {
        self.max_custom_roles.unwrap_or(DEFAULT_MAX_CUSTOM_ROLES)
    }

    /// Add or replace a custom role, indexed by name.
    pub(super) fn insert_role(&mut self, r: CustomRole) {
        self.role_by_name.insert(r.name.to_ascii_lowercase(), r.id);
        self.roles.insert(r.id, r);
    }

    /// The IdP group catalogue, by id; `None` when IdP group mapping is not enabled.
    pub fn idp_groups(&self) -> Option<&BTreeMap<Id, IdpGroup>> {
        self.idp_groups.as_ref()
    }

    /// User id → membership id.
    pub fn member_by_user(&self) -> &HashMap<Id, Id> {
        &self.member_by_user
    }

    pub fn teams(&self) -> &BTreeMap<Id, Team> {
        &self.teams
    }

    /// Lowercased name → team id.
    pub fn team_by_name(&self) -> &HashMap<String, Id> {
        &self.team_by_name
    }

    pub fn workspaces(&self) -> &BTreeMap<Id, Workspace> {
        &self.workspaces
    }

    /// Lowercased name → workspace id.
    pub fn ws_by_name(&self) -> &HashMap<String, Id> {
        &self.ws_by_name
    }

    /// Add or replace a membership, indexed by user.
    pub(super) fn insert_member(&mut self, m: Member) {
        self.member_by_user.insert(m.user_id, m.id);
        self.members.insert(m.id, m);
    }

    pub fn owner_count(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.role == OrgRole::Owner)
            .count()
    }

    /// A workspace role accepted here: a predefined role in any case (stored lowercase) or one of
    /// the organization's custom roles (matched case-insensitively, stored as declared).
    pub fn normalize_role(&self, role: &str) -> Option<String> {
        let lower = role.to_ascii_lowercase();
        if PREDEFINED_ROLES.contains(&lower.as_str()) {
            return Some(lower);
        }
        self.role_named(role).map(|r| r.name.clone())
    }
}

/// Roles as list endpoints show them while `--stale-reads` is on: for a while after a role
/// update, the previous role of that membership or participant. Off (empty) by default.
/// Time is read from the injected clock.
#[derive(Debug)]
pub(crate) struct Stale {
    window: Duration,
    clock: Arc<dyn Clock>,
    prev: HashMap<Id, (String, Instant)>,
}

impl Stale {
    pub fn new(window: Duration, clock: Arc<dyn Clock>) -> Self {
        Stale {
            window,
            clock,
            prev: HashMap::new(),
        }
    }

    /// Remember `previous` as what lists show for `id` during the window. A further update
    /// within the window keeps the oldest role and restarts the window.
    pub(super) fn record(&mut self, id: Id, previous: &str) {
        if self.window.is_zero() {
            return;
        }
        let now = self.clock.now();
        if self.prev.len() > 10_000 {
            let w = self.window;
            self.prev.retain(|_, (_, t)| now.duration_since(*t) < w);
        }
        match self.prev.get_mut(&id) {
            Some((_, t)) if now.duration_since(*t) < self.window => *t = now,
            _ => {
                self.prev.insert(id, (previous.to_string(), now));
            }
        }
    }

    /// What a list shows for `id` whose role is now `current`.
    pub fn shown<'a>(&'a self, id: Id, current: &'a str) -> &'a str {
        if self.window.is_zero() {
            return current;
        }
        match self.prev.get(&id) {
            Some((p, t)) if self.clock.now().duration_since(*t) < self.window => p,
            _ => current,
        }
    }
}

/// The permissions custom roles may grant, with their category: the emulator's catalogue,
/// after the resource types and actions of the platform's custom-roles documentation (the real
/// list comes from `GET /roles/permissions`).
pub(crate) const PERMISSIONS: &[(&str, &str)] = &[
    ("action:read", "pipelines"),
    ("action:write", "pipelines"),
    ("action:execute", "pipelines"),
    ("action:delete", "pipelines"),
    ("compute_environment:read", "compute"),
    ("compute_environment:write", "compute"),
    ("compute_environment:delete", "compute"),
    ("credentials:read", "compute"),
    ("credentials:write", "compute"),
    ("credentials:delete", "compute"),
    ("data_link:read", "data"),
    ("data_link:write", "data"),
    ("data_link:delete", "data"),
    ("dataset:read", "data"),
    ("dataset:write", "data"),
    ("dataset:delete", "data"),
    ("label:read", "workspace"),
    ("label:write", "workspace"),
    ("label:delete", "workspace"),
    ("participant:read", "workspace"),
    ("participant:write", "workspace"),
    ("participant:delete", "workspace"),
    ("pipeline:read", "pipelines"),
    ("pipeline:write", "pipelines"),
    ("pipeline:execute", "pipelines"),
    ("pipeline:delete", "pipelines"),
    ("secret:read", "compute"),
    ("secret:write", "compute"),
    ("secret:delete", "compute"),
    ("studio:view", "studios"),
    ("studio:write", "studios"),
    ("studio:execute", "studios"),
    ("studio:admin", "studios"),
    ("studio:delete", "studios"),
    ("workflow:read", "runs"),
    ("workflow:write", "runs"),
    ("workflow:execute", "runs"),
    ("workflow:delete", "runs"),
    ("workspace:read", "workspace"),
    ("workspace:write", "workspace"),
    ("workspace:admin", "workspace"),
];

/// Whether `p` is written as the platform writes permissions: `resource:action`, lower case.
pub(crate) fn permission_syntax(p: &str) -> bool {
    let word = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    matches!(p.split_once(':'), Some((r, a)) if word(r) && word(a))
}

/// The permissions a predefined role grants, from its rank: `view` reads, `connect` also uses
/// studios, `launch` runs pipelines, `maintain` writes, `admin` deletes and manages
/// participants, `owner` administers the workspace.
pub(crate) fn predefined_permissions(role: &str) -> Vec<String> {
    let rank = role_rank(role);
    let mut out: Vec<String> = PERMISSIONS
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| {
            let action = p.rsplit(':').next().unwrap_or("");
            let needed = match (*p, action) {
                ("workspace:admin", _) => 6,
                (_, "read") | ("studio:view", _) => 1,
                ("studio:execute", _) => 2,
                (_, "execute") => 3,
                (_, "write") => 4,
                (_, "delete") | (_, "admin") => 5,
                _ => 6,
            };
            rank >= needed
        })
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// Organization types (`OrgType` in the spec).
pub(crate) const ORG_TYPES: [&str; 5] = ["academic", "evaluating", "pro", "basic", "internal"];

/// Studios image name strategies.
pub(crate) const NAME_STRATEGIES: [&str; 3] = ["none", "tagPrefix", "imageSuffix"];

/// A loose email check: something@something.
pub(crate) fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_stay_in_the_platform_range() {
        let mut g = IdGen::starting_after(0);
        let mut last = 0;
        for _ in 0..100_000 {
            let id = g.next_id();
            assert!(id > last);
            last = id;
        }
        assert!(last > 10_000_000_000_000 && last < (1 << 53), "{last}");
    }

    #[test]
    fn names_follow_the_platform_rule() {
        for ok in ["ab", "a-b", "a_b-c", "A1", &"x".repeat(39)] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in [
            "a",
            "-ab",
            "ab-",
            "a--b",
            "a_-b",
            "a b",
            "é1",
            &"x".repeat(40),
            "",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
