//! The emulator's live state: users, organizations, memberships, teams, workspaces,
//! participants, labels and studios settings, held in maps keyed by id with secondary indexes
//! (by token, by lowercased email, user name and object name) so that no request scans the
//! whole world.
//!
//! This module owns the data, its indexes, the id sequence, and the conversions from and to a
//! [`World`] (building checks references and uniqueness and reports [`Problem`]s with their
//! locations). The platform's rules (permissions, cascades, conflicts) live in
//! [`super::rules`]; this module must not answer HTTP.
//!
//! Every map is a `BTreeMap` keyed by id and ids increase monotonically, so iteration order is
//! creation order: that is the order of every list the emulator returns.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::world::{
    Loc, Problem, UnknownUsers, World, WorldLabel, WorldMember, WorldOrg, WorldParticipant,
    WorldStudios, WorldTeam, WorldUser, WorldWorkspace,
};
use crate::clock::{Clock, SystemClock};

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

/// The platform's name rule for organizations, teams and workspaces (CONTRACT.md section 5):
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
    pub id: Id,
    pub user_name: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub id: Id,
    pub user_id: Id,
    pub role: OrgRole,
}

#[derive(Debug, Clone)]
pub(crate) struct Team {
    pub id: Id,
    pub name: String,
    pub description: Option<String>,
    pub avatar_id: Option<String>,
    pub idp_group_id: Option<i64>,
    pub idp_group_name: Option<String>,
    /// Organization membership ids.
    pub members: BTreeSet<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Member(Id),
    Team(Id),
}

#[derive(Debug, Clone)]
pub(crate) struct Participant {
    pub id: Id,
    pub subject: Subject,
    /// Lowercase for predefined roles; custom roles as declared.
    pub role: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub id: Id,
    pub name: String,
    pub value: Option<String>,
    pub resource: bool,
    pub is_default: bool,
    pub date_created: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Studios {
    pub lifespan_hours: i32,
    pub container_repository: Option<String>,
    pub private_studio_by_default: bool,
    pub name_strategy: Option<String>,
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
    pub id: Id,
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub visibility: Visibility,
    pub date_created: String,
    pub last_updated: String,
    pub participants: BTreeMap<Id, Participant>,
    /// Direct participation of an organization membership.
    pub by_member: HashMap<Id, Id>,
    pub by_team: HashMap<Id, Id>,
    pub labels: BTreeMap<Id, Label>,
    pub studios: Studios,
}

impl Workspace {
    pub fn remove_participant(&mut self, pid: Id) -> Option<Participant> {
        let p = self.participants.remove(&pid)?;
        match p.subject {
            Subject::Member(m) => self.by_member.remove(&m),
            Subject::Team(t) => self.by_team.remove(&t),
        };
        Some(p)
    }

    pub fn insert_participant(&mut self, p: Participant) {
        match p.subject {
            Subject::Member(m) => self.by_member.insert(m, p.id),
            Subject::Team(t) => self.by_team.insert(t, p.id),
        };
        self.participants.insert(p.id, p);
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub id: Id,
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
    pub logo_id: Option<String>,
    pub org_type: Option<String>,
    pub custom_roles: Vec<String>,
    pub members: BTreeMap<Id, Member>,
    /// User id → membership id.
    pub member_by_user: HashMap<Id, Id>,
    pub teams: BTreeMap<Id, Team>,
    /// Lowercased name → team id.
    pub team_by_name: HashMap<String, Id>,
    pub workspaces: BTreeMap<Id, Workspace>,
    /// Lowercased name → workspace id.
    pub ws_by_name: HashMap<String, Id>,
}

impl Org {
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
        self.custom_roles
            .iter()
            .find(|c| c.eq_ignore_ascii_case(role))
            .cloned()
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
    pub fn record(&mut self, id: Id, previous: &str) {
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

/// The whole live state.
#[derive(Debug)]
pub(crate) struct Store {
    pub unknown_users: UnknownUsers,
    pub default_role: String,
    pub ids: IdGen,
    pub users: BTreeMap<Id, User>,
    pub by_token: HashMap<String, Id>,
    /// Lowercased email → user id.
    pub by_email: HashMap<String, Id>,
    /// Lowercased user name → user id.
    pub by_user_name: HashMap<String, Id>,
    pub orgs: BTreeMap<Id, Org>,
    /// Lowercased name → org id.
    pub org_by_name: HashMap<String, Id>,
    pub stale: Stale,
}

/// Collects problems while building.
struct Check {
    problems: Vec<Problem>,
}

impl Check {
    fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }
}

fn each_id(world: &World) -> Vec<&Loc<i64>> {
    let mut out = Vec::new();
    out.extend(world.users.iter().filter_map(|u| u.id.as_ref()));
    for o in &world.organizations {
        out.extend(o.id.as_ref());
        out.extend(o.members.iter().filter_map(|m| m.id.as_ref()));
        out.extend(o.teams.iter().filter_map(|t| t.id.as_ref()));
        for w in &o.workspaces {
            out.extend(w.id.as_ref());
            out.extend(w.participants.iter().filter_map(|p| p.id.as_ref()));
            out.extend(w.labels.iter().filter_map(|l| l.id.as_ref()));
        }
    }
    out
}

impl Store {
    /// The problems of a world, in document order; empty when it is valid.
    pub fn check(world: &World) -> Vec<Problem> {
        match Store::build(world) {
            Ok(_) => Vec::new(),
            Err(p) => p,
        }
    }

    /// Build the live state from a world, generating missing ids in document order.
    /// Turn stale reads on: for `window` after a role update (as `clock` tells time), lists
    /// show the previous role.
    pub fn with_stale_reads(mut self, window: Duration, clock: Arc<dyn Clock>) -> Self {
        self.stale = Stale::new(window, clock);
        self
    }

    /// Stale reads are off; see [`Store::with_stale_reads`].
    pub fn build(world: &World) -> Result<Store, Vec<Problem>> {
        let mut ck = Check {
            problems: Vec::new(),
        };
        // Explicit ids: unique and positive; the sequence continues after the largest.
        let mut seen: HashMap<Id, &Loc<i64>> = HashMap::new();
        let mut max_id = world.last_id.unwrap_or(0);
        for id in each_id(world) {
            if id.value <= 0 {
                ck.push(Problem::at(id, "ids must be positive", "not a valid id"));
            }
            if let Some(first) = seen.get(&id.value) {
                ck.push(
                    Problem::at(id, format!("duplicate id {}", id.value), "used again here")
                        .also(*first, "first used here"),
                );
            } else {
                seen.insert(id.value, id);
            }
            max_id = max_id.max(id.value);
        }
        let default_role = match &world.default_participant_role {
            None => "launch".to_string(),
            Some(r) => {
                let lower = r.to_ascii_lowercase();
                if !PREDEFINED_ROLES.contains(&lower.as_str()) {
                    ck.push(Problem::at(
                        r,
                        format!("`{}` is not a predefined workspace role", r.value),
                        format!("expected one of: {}", PREDEFINED_ROLES.join(", ")),
                    ));
                }
                lower
            }
        };
        let mut store = Store {
            unknown_users: world.unknown_users.unwrap_or_default(),
            default_role,
            ids: IdGen::starting_after(max_id),
            users: BTreeMap::new(),
            by_token: HashMap::new(),
            by_email: HashMap::new(),
            by_user_name: HashMap::new(),
            orgs: BTreeMap::new(),
            org_by_name: HashMap::new(),
            stale: Stale::new(Duration::ZERO, Arc::new(SystemClock)),
        };
        let mut email_locs: HashMap<String, &Loc<String>> = HashMap::new();
        let mut name_locs: HashMap<String, &Loc<String>> = HashMap::new();
        let mut token_locs: HashMap<String, &Loc<String>> = HashMap::new();
        for u in &world.users {
            store.build_user(u, &mut ck, &mut email_locs, &mut name_locs, &mut token_locs);
        }
        let mut org_locs: HashMap<String, &Loc<String>> = HashMap::new();
        for o in &world.organizations {
            store.build_org(o, &mut ck, &mut org_locs);
        }
        if ck.problems.is_empty() {
            Ok(store)
        } else {
            Err(ck.problems)
        }
    }

    fn build_user<'w>(
        &mut self,
        u: &'w WorldUser,
        ck: &mut Check,
        email_locs: &mut HashMap<String, &'w Loc<String>>,
        name_locs: &mut HashMap<String, &'w Loc<String>>,
        token_locs: &mut HashMap<String, &'w Loc<String>>,
    ) {
        let id = match &u.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        let email = u.email.trim().to_string();
        if !is_email(&email) {
            ck.push(Problem::at(
                &u.email,
                format!("`{}` is not an email address", u.email.value),
                "expected name@domain",
            ));
        }
        let key = email.to_ascii_lowercase();
        if let Some(first) = email_locs.get(&key) {
            ck.push(
                Problem::at(
                    &u.email,
                    format!(
                        "duplicate user email `{email}` (emails are compared case-insensitively)"
                    ),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            email_locs.insert(key.clone(), &u.email);
            self.by_email.insert(key, id);
        }
        if u.user_name.trim().is_empty() {
            ck.push(Problem::at(
                &u.user_name,
                "empty userName",
                "give a user name",
            ));
        }
        let name_key = u.user_name.to_ascii_lowercase();
        if let Some(first) = name_locs.get(&name_key) {
            ck.push(
                Problem::at(
                    &u.user_name,
                    format!("duplicate userName `{}`", u.user_name.value),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            name_locs.insert(name_key.clone(), &u.user_name);
            self.by_user_name.insert(name_key, id);
        }
        if let Some(t) = &u.token {
            if t.is_empty() {
                ck.push(Problem::at(
                    t,
                    "empty token",
                    "give a token or leave it out",
                ));
            } else if let Some(first) = token_locs.get(&t.value) {
                ck.push(
                    Problem::at(t, "duplicate token", "declared again here")
                        .also(*first, "first declared here"),
                );
            } else {
                token_locs.insert(t.value.clone(), t);
                self.by_token.insert(t.value.clone(), id);
            }
        }
        self.users.insert(
            id,
            User {
                id,
                user_name: u.user_name.value.clone(),
                email,
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                token: u.token.as_ref().map(|t| t.value.clone()),
            },
        );
    }

    fn build_org<'w>(
        &mut self,
        o: &'w WorldOrg,
        ck: &mut Check,
        org_locs: &mut HashMap<String, &'w Loc<String>>,
    ) {
        let id = match &o.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        check_name(ck, &o.name, "organization");
        let key = o.name.to_ascii_lowercase();
        if let Some(first) = org_locs.get(&key) {
            ck.push(
                Problem::at(
                    &o.name,
                    format!("duplicate organization name `{}`", o.name.value),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            org_locs.insert(key.clone(), &o.name);
            self.org_by_name.insert(key, id);
        }
        if let Some(t) = &o.org_type
            && !ORG_TYPES.contains(&t.as_str())
        {
            ck.push(Problem::at(
                t,
                format!("`{}` is not an organization type", t.value),
                format!("expected one of: {}", ORG_TYPES.join(", ")),
            ));
        }
        for r in &o.custom_roles {
            if PREDEFINED_ROLES.contains(&r.to_ascii_lowercase().as_str()) || r.trim().is_empty() {
                ck.push(Problem::at(
                    r,
                    format!("`{}` cannot be a custom role name", r.value),
                    "a predefined role or empty",
                ));
            }
        }
        let mut org = Org {
            id,
            name: o.name.value.clone(),
            full_name: o.full_name.clone().unwrap_or_else(|| o.name.value.clone()),
            description: o.description.clone(),
            location: o.location.clone(),
            website: o.website.clone(),
            logo_id: o.logo_id.clone(),
            org_type: o.org_type.as_ref().map(|t| t.value.clone()),
            custom_roles: o.custom_roles.iter().map(|r| r.value.clone()).collect(),
            members: BTreeMap::new(),
            member_by_user: HashMap::new(),
            teams: BTreeMap::new(),
            team_by_name: HashMap::new(),
            workspaces: BTreeMap::new(),
            ws_by_name: HashMap::new(),
        };
        let mut member_locs: HashMap<Id, &Loc<String>> = HashMap::new();
        for m in &o.members {
            self.build_member(&mut org, m, ck, &mut member_locs);
        }
        let mut team_locs: HashMap<String, &Loc<String>> = HashMap::new();
        for t in &o.teams {
            self.build_team(&mut org, t, ck, &mut team_locs);
        }
        let mut ws_locs: HashMap<String, &Loc<String>> = HashMap::new();
        for w in &o.workspaces {
            self.build_workspace(&mut org, w, ck, &mut ws_locs);
        }
        self.orgs.insert(id, org);
    }

    fn user_by_email_loc(&self, email: &Loc<String>, ck: &mut Check) -> Option<Id> {
        let found = self
            .by_email
            .get(&email.trim().to_ascii_lowercase())
            .copied();
        if found.is_none() {
            ck.push(Problem::at(
                email,
                format!("`{}` is not a declared user", email.value),
                "no entry in `users` has this email",
            ));
        }
        found
    }

    fn build_member<'w>(
        &mut self,
        org: &mut Org,
        m: &'w WorldMember,
        ck: &mut Check,
        member_locs: &mut HashMap<Id, &'w Loc<String>>,
    ) {
        let id = match &m.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        let role = match &m.role {
            None => OrgRole::Member,
            Some(r) => match OrgRole::parse(r) {
                Some(role) => role,
                None => {
                    ck.push(Problem::at(
                        r,
                        format!("`{}` is not an organization role", r.value),
                        "expected one of: owner, member, collaborator",
                    ));
                    OrgRole::Member
                }
            },
        };
        let Some(user_id) = self.user_by_email_loc(&m.email, ck) else {
            return;
        };
        if let Some(first) = member_locs.get(&user_id) {
            ck.push(
                Problem::at(
                    &m.email,
                    format!("`{}` is listed twice among the members", m.email.value),
                    "listed again here",
                )
                .also(*first, "first listed here"),
            );
            return;
        }
        member_locs.insert(user_id, &m.email);
        org.member_by_user.insert(user_id, id);
        org.members.insert(id, Member { id, user_id, role });
    }

    fn build_team<'w>(
        &mut self,
        org: &mut Org,
        t: &'w WorldTeam,
        ck: &mut Check,
        team_locs: &mut HashMap<String, &'w Loc<String>>,
    ) {
        let id = match &t.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        check_name(ck, &t.name, "team");
        let key = t.name.to_ascii_lowercase();
        if let Some(first) = team_locs.get(&key) {
            ck.push(
                Problem::at(
                    &t.name,
                    format!(
                        "duplicate team name `{}` in organization `{}`",
                        t.name.value, org.name
                    ),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            team_locs.insert(key.clone(), &t.name);
            org.team_by_name.insert(key, id);
        }
        let mut members = BTreeSet::new();
        for e in &t.members {
            let Some(user_id) = self.user_by_email_loc(e, ck) else {
                continue;
            };
            match org.member_by_user.get(&user_id) {
                None => ck.push(Problem::at(
                    e,
                    format!(
                        "`{}` is not a member of organization `{}`",
                        e.value, org.name
                    ),
                    "team members must be org members or collaborators",
                )),
                Some(mid) => {
                    if !members.insert(*mid) {
                        ck.push(Problem::at(
                            e,
                            format!("`{}` is listed twice in team `{}`", e.value, t.name.value),
                            "listed again here",
                        ));
                    }
                }
            }
        }
        org.teams.insert(
            id,
            Team {
                id,
                name: t.name.value.clone(),
                description: t.description.clone(),
                avatar_id: t.avatar_id.clone(),
                idp_group_id: t.idp_group_id,
                idp_group_name: t.idp_group_name.clone(),
                members,
            },
        );
    }

    fn build_workspace<'w>(
        &mut self,
        org: &mut Org,
        w: &'w WorldWorkspace,
        ck: &mut Check,
        ws_locs: &mut HashMap<String, &'w Loc<String>>,
    ) {
        let id = match &w.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        check_name(ck, &w.name, "workspace");
        let key = w.name.to_ascii_lowercase();
        if let Some(first) = ws_locs.get(&key) {
            ck.push(
                Problem::at(
                    &w.name,
                    format!(
                        "duplicate workspace name `{}` in organization `{}`",
                        w.name.value, org.name
                    ),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            ws_locs.insert(key.clone(), &w.name);
            org.ws_by_name.insert(key, id);
        }
        let visibility = match &w.visibility {
            None => Visibility::Private,
            Some(v) => match v.to_ascii_uppercase().as_str() {
                "PRIVATE" => Visibility::Private,
                "SHARED" => Visibility::Shared,
                _ => {
                    ck.push(Problem::at(
                        v,
                        format!("`{}` is not a workspace visibility", v.value),
                        "expected PRIVATE or SHARED",
                    ));
                    Visibility::Private
                }
            },
        };
        let created = w
            .date_created
            .clone()
            .unwrap_or_else(|| DEFAULT_DATE.to_string());
        let mut ws = Workspace {
            id,
            name: w.name.value.clone(),
            full_name: w.full_name.clone().unwrap_or_else(|| w.name.value.clone()),
            description: w.description.clone(),
            visibility,
            last_updated: w.last_updated.clone().unwrap_or_else(|| created.clone()),
            date_created: created,
            participants: BTreeMap::new(),
            by_member: HashMap::new(),
            by_team: HashMap::new(),
            labels: BTreeMap::new(),
            studios: Studios::default(),
        };
        for p in &w.participants {
            self.build_participant(org, &mut ws, p, ck);
        }
        for l in &w.labels {
            self.build_label(&mut ws, l, ck);
        }
        if let Some(s) = &w.studios {
            ws.studios = self.build_studios(s, ck);
        }
        org.workspaces.insert(id, ws);
    }

    fn build_participant(
        &mut self,
        org: &mut Org,
        ws: &mut Workspace,
        p: &Loc<WorldParticipant>,
        ck: &mut Check,
    ) {
        let id = match &p.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        let role = match &p.role {
            None => self.default_role.clone(),
            Some(r) => match org.normalize_role(r) {
                Some(role) => role,
                None => {
                    ck.push(Problem::at(
                        r,
                        format!(
                            "`{}` is not a workspace role of organization `{}`",
                            r.value, org.name
                        ),
                        format!(
                            "expected a predefined role ({}) or one of the org's customRoles",
                            PREDEFINED_ROLES.join(", ")
                        ),
                    ));
                    return;
                }
            },
        };
        let subject = match (&p.email, &p.team) {
            (Some(e), None) => {
                let Some(user_id) = self.user_by_email_loc(e, ck) else {
                    return;
                };
                let mid = match org.member_by_user.get(&user_id) {
                    Some(mid) => *mid,
                    None => {
                        // Not an org member: a collaborator, as the API makes one.
                        let mid = self.ids.next_id();
                        org.member_by_user.insert(user_id, mid);
                        org.members.insert(
                            mid,
                            Member {
                                id: mid,
                                user_id,
                                role: OrgRole::Collaborator,
                            },
                        );
                        mid
                    }
                };
                if ws.by_member.contains_key(&mid) {
                    ck.push(Problem::at(
                        e,
                        format!("`{}` is a participant of `{}` twice", e.value, ws.name),
                        "listed again here",
                    ));
                    return;
                }
                Subject::Member(mid)
            }
            (None, Some(t)) => {
                let Some(tid) = org.team_by_name.get(&t.to_ascii_lowercase()).copied() else {
                    ck.push(Problem::at(
                        t,
                        format!("`{}` is not a team of organization `{}`", t.value, org.name),
                        "declare it under the organization's `teams`",
                    ));
                    return;
                };
                if ws.by_team.contains_key(&tid) {
                    ck.push(Problem::at(
                        t,
                        format!("team `{}` is a participant of `{}` twice", t.value, ws.name),
                        "listed again here",
                    ));
                    return;
                }
                Subject::Team(tid)
            }
            _ => {
                ck.push(Problem::at(
                    p,
                    "a participant needs exactly one of `email` or `team`",
                    "this participant",
                ));
                return;
            }
        };
        ws.insert_participant(Participant { id, subject, role });
    }

    fn build_label(&mut self, ws: &mut Workspace, l: &WorldLabel, ck: &mut Check) {
        let id = match &l.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        if l.name.trim().is_empty() {
            ck.push(Problem::at(&l.name, "empty label name", "give a name"));
        }
        ws.labels.insert(
            id,
            Label {
                id,
                name: l.name.value.clone(),
                value: l.value.clone(),
                resource: l.resource,
                is_default: l.is_default,
                date_created: l
                    .date_created
                    .clone()
                    .unwrap_or_else(|| DEFAULT_DATE.to_string()),
            },
        );
    }

    fn build_studios(&mut self, s: &WorldStudios, ck: &mut Check) -> Studios {
        if let Some(n) = &s.name_strategy
            && !NAME_STRATEGIES.contains(&n.as_str())
        {
            ck.push(Problem::at(
                n,
                format!("`{}` is not a studios name strategy", n.value),
                format!("expected one of: {}", NAME_STRATEGIES.join(", ")),
            ));
        }
        if s.lifespan_hours < 0 {
            ck.push(Problem::unlocated(
                "studios lifespanHours must not be negative",
            ));
        }
        Studios {
            lifespan_hours: s.lifespan_hours,
            container_repository: s.container_repository.clone(),
            private_studio_by_default: s.private_studio_by_default,
            name_strategy: s.name_strategy.as_ref().map(|n| n.value.clone()),
        }
    }

    /// The whole state as a world with every id: the state file's content. Deterministic.
    pub fn to_world(&self) -> World {
        let users = self
            .users
            .values()
            .map(|u| WorldUser {
                id: Some(Loc::new(u.id)),
                email: Loc::new(u.email.clone()),
                user_name: Loc::new(u.user_name.clone()),
                token: u.token.clone().map(Loc::new),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
            })
            .collect();
        let organizations = self.orgs.values().map(|o| self.org_to_world(o)).collect();
        World {
            unknown_users: Some(self.unknown_users),
            default_participant_role: Some(Loc::new(self.default_role.clone())),
            last_id: Some(self.ids.last()),
            users,
            organizations,
        }
    }

    fn email_of_member(&self, org: &Org, mid: Id) -> String {
        org.members
            .get(&mid)
            .and_then(|m| self.users.get(&m.user_id))
            .map(|u| u.email.clone())
            .unwrap_or_default()
    }

    fn org_to_world(&self, o: &Org) -> WorldOrg {
        let members = o
            .members
            .values()
            .map(|m| WorldMember {
                id: Some(Loc::new(m.id)),
                email: Loc::new(self.email_of_member(o, m.id)),
                role: Some(Loc::new(m.role.as_str().to_string())),
            })
            .collect();
        let teams = o
            .teams
            .values()
            .map(|t| WorldTeam {
                id: Some(Loc::new(t.id)),
                name: Loc::new(t.name.clone()),
                description: t.description.clone(),
                avatar_id: t.avatar_id.clone(),
                idp_group_id: t.idp_group_id,
                idp_group_name: t.idp_group_name.clone(),
                members: t
                    .members
                    .iter()
                    .map(|m| Loc::new(self.email_of_member(o, *m)))
                    .collect(),
            })
            .collect();
        let workspaces = o
            .workspaces
            .values()
            .map(|w| WorldWorkspace {
                id: Some(Loc::new(w.id)),
                name: Loc::new(w.name.clone()),
                full_name: Some(w.full_name.clone()),
                description: w.description.clone(),
                visibility: Some(Loc::new(w.visibility.as_str().to_string())),
                date_created: Some(w.date_created.clone()),
                last_updated: Some(w.last_updated.clone()),
                participants: w
                    .participants
                    .values()
                    .map(|p| {
                        let (email, team) = match p.subject {
                            Subject::Member(m) => {
                                (Some(Loc::new(self.email_of_member(o, m))), None)
                            }
                            Subject::Team(t) => (
                                None,
                                Some(Loc::new(
                                    o.teams.get(&t).map(|t| t.name.clone()).unwrap_or_default(),
                                )),
                            ),
                        };
                        Loc::new(WorldParticipant {
                            id: Some(Loc::new(p.id)),
                            email,
                            team,
                            role: Some(Loc::new(p.role.clone())),
                        })
                    })
                    .collect(),
                labels: w
                    .labels
                    .values()
                    .map(|l| WorldLabel {
                        id: Some(Loc::new(l.id)),
                        name: Loc::new(l.name.clone()),
                        value: l.value.clone(),
                        resource: l.resource,
                        is_default: l.is_default,
                        date_created: Some(l.date_created.clone()),
                    })
                    .collect(),
                studios: (w.studios != Studios::default()).then(|| WorldStudios {
                    lifespan_hours: w.studios.lifespan_hours,
                    container_repository: w.studios.container_repository.clone(),
                    private_studio_by_default: w.studios.private_studio_by_default,
                    name_strategy: w.studios.name_strategy.clone().map(Loc::new),
                }),
            })
            .collect();
        WorldOrg {
            id: Some(Loc::new(o.id)),
            name: Loc::new(o.name.clone()),
            full_name: Some(o.full_name.clone()),
            description: o.description.clone(),
            location: o.location.clone(),
            website: o.website.clone(),
            logo_id: o.logo_id.clone(),
            org_type: o.org_type.clone().map(Loc::new),
            custom_roles: o.custom_roles.iter().cloned().map(Loc::new).collect(),
            members,
            teams,
            workspaces,
        }
    }
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

fn check_name(ck: &mut Check, name: &Loc<String>, what: &str) {
    if !valid_name(name) {
        ck.push(Problem::at(
            name,
            format!("`{}` is not a valid {what} name", name.value),
            "2 to 39 letters or digits, in runs joined by single `-` or `_`",
        ));
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
