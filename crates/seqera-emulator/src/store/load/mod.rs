//! World → store: building the live state from a world (or state) file, generating missing
//! ids in document order, and checking references, uniqueness, names and roles on the way.
//!
//! This module owns the load-time checks of ids, users, organizations, members and teams
//! (`workspaces` holds those of workspaces and what they contain), and reports each broken rule
//! as a [`Problem`] located at the offending value. It must not answer requests (the rules do)
//! nor write worlds back (`save` does).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::clock::SystemClock;

mod workspaces;
use crate::world::{
    Loc, Problem, World, WorldIdpGroup, WorldMember, WorldOrg, WorldRole, WorldTeam, WorldUser,
};

/// Collects problems while building.
pub(super) struct Check {
    problems: Vec<Problem>,
}

impl Check {
    pub(super) fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }
}

fn each_id(world: &World) -> Vec<&Loc<i64>> {
    let mut out = Vec::new();
    out.extend(world.users.iter().filter_map(|u| u.id.as_ref()));
    for o in &world.organizations {
        out.extend(o.id.as_ref());
        out.extend(o.members.iter().filter_map(|m| m.id.as_ref()));
        out.extend(o.idp_groups.iter().flatten().filter_map(|g| g.id.as_ref()));
        out.extend(o.teams.iter().filter_map(|t| t.id.as_ref()));
        out.extend(o.custom_roles.iter().filter_map(|r| r.id.as_ref()));
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
            list_missing_permissions: world.list_missing_permissions,
            ids: IdGen::starting_after(max_id),
            users: BTreeMap::new(),
            by_token: HashMap::new(),
            by_email: HashMap::new(),
            by_user_name: HashMap::new(),
            orgs: BTreeMap::new(),
            org_by_name: HashMap::new(),
            stale: Stale::new(Duration::ZERO, Arc::new(SystemClock)),
            extra_permissions: BTreeSet::new(),
        };
        let mut email_locs: HashMap<String, &Loc<String>> = HashMap::new();
        let mut name_locs: HashMap<String, &Loc<String>> = HashMap::new();
        let mut token_locs: HashMap<String, &Loc<String>> = HashMap::new();
        for u in &world.users {
            store.build_user(u, &mut ck, &mut email_locs, &mut name_locs, &mut token_locs);
        }
        let mut org_locs: HashMap<String, &Loc<String>> = HashMap::new();
        // Custom roles without an id get theirs after everything else, so that adding roles to a
        // world leaves every other generated id as it was; until then they hold negative ids.
        let mut pending_roles: Id = 0;
        for o in &world.organizations {
            store.build_org(o, &mut ck, &mut org_locs, &mut pending_roles);
        }
        store.number_pending_roles();
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
        pending_roles: &mut Id,
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
        let mut org = Org {
            id,
            name: o.name.value.clone(),
            full_name: o.full_name.clone().unwrap_or_else(|| o.name.value.clone()),
            description: o.description.clone(),
            location: o.location.clone(),
            website: o.website.clone(),
            logo_id: o.logo_id.clone(),
            org_type: o.org_type.as_ref().map(|t| t.value.clone()),
            max_custom_roles: None,
            roles: BTreeMap::new(),
            role_by_name: HashMap::new(),
            sso: o.sso,
            idp_groups: o.idp_groups.as_ref().map(|_| BTreeMap::new()),
            scim_token: o.scim_token.as_ref().map(|t| ScimToken {
                created_at: t.created_at.clone(),
                last_used: t.last_used.clone(),
            }),
            members: BTreeMap::new(),
            member_by_user: HashMap::new(),
            teams: BTreeMap::new(),
            team_by_name: HashMap::new(),
            workspaces: BTreeMap::new(),
            ws_by_name: HashMap::new(),
        };
        if let Some(max) = o
            .quotas
            .as_ref()
            .and_then(|q| q.max_custom_roles_per_org.as_ref())
        {
            if max.value < 0 {
                ck.push(Problem::at(
                    max,
                    "a quota cannot be negative",
                    "expected 0 or more",
                ));
            }
            org.max_custom_roles = Some(max.value);
        }
        self.build_roles(&mut org, o, ck, pending_roles);
        let mut member_locs: HashMap<Id, &Loc<String>> = HashMap::new();
        for m in &o.members {
            self.build_member(&mut org, m, ck, &mut member_locs);
        }
        let mut group_locs: HashMap<String, &Loc<String>> = HashMap::new();
        for g in o.idp_groups.iter().flatten() {
            self.build_idp_group(&mut org, g, ck, &mut group_locs);
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

    pub(super) fn user_by_email_loc(&self, email: &Loc<String>, ck: &mut Check) -> Option<Id> {
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

    fn build_idp_group<'w>(
        &mut self,
        org: &mut Org,
        g: &'w WorldIdpGroup,
        ck: &mut Check,
        group_locs: &mut HashMap<String, &'w Loc<String>>,
    ) {
        let id = match &g.id {
            Some(i) => i.value,
            None => self.ids.next_id(),
        };
        if g.name.trim().is_empty() {
            ck.push(Problem::at(
                &g.name,
                "empty IdP group name",
                "give the value the identity provider sends in its groups claim",
            ));
        }
        // Group values are compared exactly, as the identity provider sends them.
        if let Some(first) = group_locs.get(&g.name.value) {
            ck.push(
                Problem::at(
                    &g.name,
                    format!("duplicate IdP group `{}`", g.name.value),
                    "declared again here",
                )
                .also(*first, "first declared here"),
            );
        } else {
            group_locs.insert(g.name.value.clone(), &g.name);
        }
        let source = match &g.source {
            None => IdpSource::Manual,
            Some(s) => IdpSource::parse(s).unwrap_or_else(|| {
                ck.push(Problem::at(
                    s,
                    format!("`{}` is not an IdP group source", s.value),
                    "expected `scim` or `manual`",
                ));
                IdpSource::Manual
            }),
        };
        if let Some(groups) = org.idp_groups.as_mut() {
            groups.insert(
                id,
                IdpGroup {
                    id,
                    name: g.name.value.clone(),
                    source,
                },
            );
        }
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
        let (mut idp_group_id, mut idp_group_name) = (t.idp_group_id, t.idp_group_name.clone());
        if let Some(name) = &t.idp_group {
            let found = org
                .idp_groups
                .iter()
                .flat_map(|gs| gs.values())
                .find(|g| g.name == name.value);
            match found {
                Some(g) => {
                    idp_group_id = Some(g.id);
                    idp_group_name = Some(g.name.clone());
                }
                None if org.idp_groups.is_none() => ck.push(Problem::at(
                    name,
                    format!(
                        "team `{}` follows IdP group `{}`, but organization `{}` has no IdP group catalogue",
                        t.name.value, name.value, org.name
                    ),
                    "declare the organization's `idpGroups`",
                )),
                None => ck.push(Problem::at(
                    name,
                    format!(
                        "`{}` is not in the IdP group catalogue of organization `{}`",
                        name.value, org.name
                    ),
                    "no entry of `idpGroups` has this name (case matters)",
                )),
            }
        }
        org.teams.insert(
            id,
            Team {
                id,
                name: t.name.value.clone(),
                description: t.description.clone(),
                avatar_id: t.avatar_id.clone(),
                idp_group_id,
                idp_group_name,
                members,
            },
        );
    }
}

impl Store {
    /// The custom roles of a world organization: names unique (case-insensitively), none a
    /// predefined role, descriptions of at most 120 characters, permissions well-formed (one
    /// beyond the built-in catalogue joins it: the modelled platform knows it).
    fn build_roles(&mut self, org: &mut Org, o: &WorldOrg, ck: &mut Check, pending: &mut Id) {
        let mut locs: HashMap<String, Loc<String>> = HashMap::new();
        for entry in &o.custom_roles {
            let r: &WorldRole = &entry.value;
            // A bare name is located by its entry.
            let name = if r.name.line == 0 {
                Loc {
                    value: r.name.value.clone(),
                    line: entry.line,
                    col: entry.col,
                }
            } else {
                r.name.clone()
            };
            if PREDEFINED_ROLES.contains(&name.to_ascii_lowercase().as_str())
                || name.trim().is_empty()
            {
                ck.push(Problem::at(
                    &name,
                    format!("`{}` cannot be a custom role name", name.value),
                    "a predefined role or empty",
                ));
                continue;
            }
            let key = name.to_ascii_lowercase();
            if let Some(first) = locs.get(&key) {
                ck.push(
                    Problem::at(
                        &name,
                        format!(
                            "duplicate custom role `{}` in organization `{}` (names compare case-insensitively)",
                            name.value, org.name
                        ),
                        "declared again here",
                    )
                    .also(first, "first declared here"),
                );
                continue;
            }
            if let Some(d) = &r.description
                && d.chars().count() > 120
            {
                ck.push(Problem::at(
                    &name,
                    format!(
                        "the description of custom role `{}` is longer than 120 characters",
                        name.value
                    ),
                    "the platform allows 1 to 120",
                ));
            }
            let mut permissions = Vec::new();
            for p in &r.permissions {
                if !permission_syntax(p) {
                    ck.push(Problem::at(
                        p,
                        format!("`{}` is not a permission name", p.value),
                        "expected resource:action in lower case, e.g. pipeline:execute",
                    ));
                    continue;
                }
                // A permission beyond the built-in catalogue is one the modelled platform has.
                if !self.is_permission(p) {
                    self.extra_permissions.insert(p.value.clone());
                }
                permissions.push(p.value.clone());
            }
            permissions.sort();
            permissions.dedup();
            let id = match &r.id {
                Some(i) => i.value,
                None => {
                    *pending -= 1;
                    *pending
                }
            };
            locs.insert(key, name.clone());
            org.insert_role(CustomRole {
                id,
                name: name.value.clone(),
                description: r.description.clone(),
                permissions,
            });
        }
    }

    /// Give the custom roles that have none an id, after every other id of the world.
    fn number_pending_roles(&mut self) {
        for org_id in self.orgs.keys().copied().collect::<Vec<_>>() {
            // -1 is the first pending role of the world, -2 the second, …
            let mut pending: Vec<Id> = self.orgs[&org_id]
                .roles
                .keys()
                .copied()
                .filter(|id| *id < 0)
                .collect();
            pending.sort_by(|a, b| b.cmp(a));
            for old in pending {
                let id = self.ids.next_id();
                let org = self.orgs.get_mut(&org_id).expect("org");
                let mut r = org.roles.remove(&old).expect("role");
                r.id = id;
                org.insert_role(r);
            }
        }
    }
}

pub(super) fn check_name(ck: &mut Check, name: &Loc<String>, what: &str) {
    if !valid_name(name) {
        ck.push(Problem::at(
            name,
            format!("`{}` is not a valid {what} name", name.value),
            "2 to 39 letters or digits, in runs joined by single `-` or `_`",
        ));
    }
}
