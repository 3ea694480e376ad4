//! Emulator worlds (the format of docs/emulator.md) built from what roster knows: a live model
//! (`roster export --world`) or, in `adopt::sandbox`, a desired state. A small model of a
//! world and its YAML spelling. Tokens are never copied: the acting user gets a placeholder so
//! the sandbox can act as them. Pure; it must not do I/O.

use crate::adopt::yaml::{Doc, scalar};
use crate::live::{ActingUser, Live, ParticipantKind};

/// The placeholder token of the user a sandbox acts as (never a real token).
pub const SANDBOX_TOKEN: &str = "sandbox-token";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    /// Users in order; the first with `token` is the one a sandbox acts as.
    pub users: Vec<User>,
    pub orgs: Vec<Org>,
    /// BaseSpace regions (the `basespace` section), when the config declares workgroups.
    pub basespace: Vec<BsRegion>,
}

/// A BaseSpace region of a sandbox: the one user it acts as, and the workgroups that user
/// belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BsRegion {
    pub name: String,
    /// The email of the user the sandbox acts as in this region.
    pub user: String,
    pub workgroups: Vec<BsWorkgroup>,
}

/// A workgroup's metadata, as BSSH reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BsWorkgroup {
    pub name: String,
    /// `Professional` or `Enterprise`.
    pub plan: String,
    pub collaborative: bool,
    pub domain: Option<String>,
}

/// The placeholder token of a sandbox's BaseSpace region (never a real token).
pub fn sandbox_basespace_token(region: &str) -> String {
    format!("sandbox-basespace-{region}")
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub email: String,
    pub user_name: String,
    pub token: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Org {
    pub name: String,
    pub full_name: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
    pub custom_roles: Vec<String>,
    /// The IdP group catalogue (names), when a team follows a group.
    pub idp_groups: Vec<String>,
    /// Definitions of some of `custom_roles`: (name, description, permissions).
    pub role_definitions: Vec<(String, String, Vec<String>)>,
    /// (email, owner?)
    pub members: Vec<(String, bool)>,
    pub teams: Vec<Team>,
    pub workspaces: Vec<Workspace>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Team {
    pub name: String,
    pub description: Option<String>,
    /// Emails.
    pub members: Vec<String>,
    /// The IdP group it follows (an entry of its org's `idp_groups`).
    pub idp_group: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workspace {
    pub name: String,
    pub full_name: Option<String>,
    pub description: Option<String>,
    /// `private` or `shared`.
    pub visibility: Option<String>,
    pub lifespan_hours: Option<i64>,
    /// (name, value, resource)
    pub labels: Vec<(String, Option<String>, bool)>,
    /// (an email (`Ok`) or a team name (`Err`), role)
    pub participants: Vec<(Result<String, String>, String)>,
}

impl World {
    /// Add a user unless one with this email is there; returns its index.
    pub fn user(&mut self, email: &str, user_name: &str) -> usize {
        if let Some(i) = self
            .users
            .iter()
            .position(|u| u.email.eq_ignore_ascii_case(email))
        {
            return i;
        }
        let mut name = user_name.to_string();
        let mut n = 2;
        while self
            .users
            .iter()
            .any(|u| u.user_name.eq_ignore_ascii_case(&name))
        {
            name = format!("{user_name}{n}");
            n += 1;
        }
        self.users.push(User {
            email: email.to_string(),
            user_name: name,
            token: false,
        });
        self.users.len() - 1
    }
}

/// A user name for an email: its local part, letters, digits and `-` only.
pub fn user_name_of(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let s: String = local
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "user".to_string() } else { s }
}

/// The world a live model describes, acting as `acting` (with the placeholder token).
pub fn from_live(live: &Live, acting: &ActingUser) -> World {
    let mut w = World::default();
    let email_of = |email: &str, name: &str| {
        if email.is_empty() {
            format!("{name}@unknown.invalid")
        } else {
            email.to_lowercase()
        }
    };
    let me = w.user(
        &email_of(&acting.email, &acting.user_name),
        &acting.user_name,
    );
    w.users[me].token = true;
    for org in live.orgs.values() {
        let mut o = Org {
            name: org.name.clone(),
            full_name: org.full_name.clone(),
            description: org.description.clone(),
            location: org.location.clone(),
            website: org.website.clone(),
            ..Org::default()
        };
        // The custom roles, when they were read (a config that defines roles).
        for r in org.roles.iter().flat_map(|r| &r.custom) {
            o.custom_roles.push(r.name.clone());
            o.role_definitions.push((
                r.name.clone(),
                r.description.clone().unwrap_or_default(),
                r.permissions.clone().unwrap_or_default(),
            ));
        }
        for m in org.members.iter().chain(&org.collaborators) {
            w.user(&email_of(&m.email, &m.user_name), &m.user_name);
        }
        for m in &org.members {
            o.members
                .push((email_of(&m.email, &m.user_name), m.role == "owner"));
        }
        for t in &org.teams {
            let group = t.idp_group.as_ref().and_then(|g| g.name.clone());
            if let Some(g) = &group
                && !o.idp_groups.contains(g)
            {
                o.idp_groups.push(g.clone());
            }
            o.teams.push(Team {
                name: t.name.clone(),
                description: t.description.clone(),
                members: t
                    .members
                    .iter()
                    .flatten()
                    .map(|m| email_of(&m.email, &m.user_name))
                    .collect(),
                idp_group: group,
            });
        }
        for ws in &org.workspaces {
            let mut x = Workspace {
                name: ws.name.clone(),
                full_name: ws.full_name.clone(),
                description: ws.description.clone(),
                visibility: Some(ws.visibility.clone()).filter(|v| !v.is_empty()),
                lifespan_hours: ws.studios.as_ref().map(|s| i64::from(s.lifespan_hours)),
                ..Workspace::default()
            };
            for l in ws.labels.iter().flatten() {
                x.labels.push((l.name.clone(), l.value.clone(), l.resource));
            }
            for p in ws.participants.iter().flatten() {
                let who = match p.kind {
                    ParticipantKind::Team => Err(p.team_name.clone().unwrap_or_default()),
                    _ => {
                        let name = p.user_name.clone().unwrap_or_default();
                        let email = email_of(p.email.as_deref().unwrap_or(""), &name);
                        w.user(&email, &name);
                        Ok(email)
                    }
                };
                if crate::config::desired::workspace_role_rank(&p.role).is_none()
                    && !o.custom_roles.contains(&p.role)
                {
                    o.custom_roles.push(p.role.clone());
                }
                x.participants.push((who, p.role.clone()));
            }
            o.workspaces.push(x);
        }
        o.custom_roles.sort();
        w.orgs.push(o);
    }
    w
}

fn opt(d: &mut Doc, indent: usize, key: &str, v: &Option<String>) {
    if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
        d.field(indent, key, v);
    }
}

/// The world as YAML, after `header` (comment lines, without `# `).
pub fn render(w: &World, header: &str) -> String {
    let mut d = Doc::new();
    d.comment(0, header);
    d.open(0, "users");
    for u in &w.users {
        let token = if u.token {
            format!(", token: {SANDBOX_TOKEN}")
        } else {
            String::new()
        };
        d.line(&format!(
            "  - {{email: {}, userName: {}{token}}}",
            scalar(&u.email),
            scalar(&u.user_name)
        ));
    }
    render_orgs(&mut d, w);
    if !w.basespace.is_empty() {
        d.open(0, "basespace");
        d.open(2, "regions");
        for r in &w.basespace {
            d.item_field(4, "name", &r.name);
            d.open(6, "users");
            d.line(&format!(
                "        - {{email: {}, token: {}}}",
                scalar(&r.user),
                sandbox_basespace_token(&r.name)
            ));
            if !r.workgroups.is_empty() {
                d.open(6, "workgroups");
                for wg in &r.workgroups {
                    d.item_field(8, "name", &wg.name);
                    d.field(10, "plan", &wg.plan);
                    if wg.collaborative {
                        d.raw_field(10, "collaborative", "true");
                    }
                    if let Some(dom) = &wg.domain {
                        d.field(10, "domain", dom);
                    }
                    d.line(&format!("          members: [{}]", scalar(&r.user)));
                }
            }
        }
    }
    d.finish()
}

/// The `organizations` section.
fn render_orgs(d: &mut Doc, w: &World) {
    if w.orgs.is_empty() {
        return;
    }
    d.open(0, "organizations");
    for o in &w.orgs {
        d.item_field(2, "name", &o.name);
        opt(d, 4, "fullName", &o.full_name);
        opt(d, 4, "description", &o.description);
        opt(d, 4, "location", &o.location);
        opt(d, 4, "website", &o.website);
        if !o.custom_roles.is_empty() {
            d.open(4, "customRoles");
            for r in &o.custom_roles {
                match o.role_definitions.iter().find(|(n, _, _)| n == r) {
                    Some((name, description, permissions)) => {
                        d.item_field(6, "name", name);
                        if !description.is_empty() {
                            d.field(8, "description", description);
                        }
                        if !permissions.is_empty() {
                            let ps: Vec<String> = permissions.iter().map(|p| scalar(p)).collect();
                            d.line(&format!("        permissions: [{}]", ps.join(", ")));
                        }
                    }
                    None => {
                        d.item(6, r);
                    }
                }
            }
        }
        if !o.idp_groups.is_empty() {
            d.open(4, "idpGroups");
            for g in &o.idp_groups {
                d.item_field(6, "name", g);
            }
        }
        if !o.members.is_empty() {
            d.open(4, "members");
            for (email, owner) in &o.members {
                d.item_field(6, "email", email);
                d.field(8, "role", if *owner { "owner" } else { "member" });
            }
        }
        if !o.teams.is_empty() {
            d.open(4, "teams");
            for t in &o.teams {
                d.item_field(6, "name", &t.name);
                opt(d, 8, "description", &t.description);
                opt(d, 8, "idpGroup", &t.idp_group);
                if !t.members.is_empty() {
                    d.open(8, "members");
                    for m in &t.members {
                        d.item(10, m);
                    }
                }
            }
        }
        if !o.workspaces.is_empty() {
            d.open(4, "workspaces");
            for ws in &o.workspaces {
                d.item_field(6, "name", &ws.name);
                opt(d, 8, "fullName", &ws.full_name);
                opt(d, 8, "description", &ws.description);
                if let Some(v) = &ws.visibility {
                    d.field(8, "visibility", &v.to_uppercase());
                }
                if let Some(h) = ws.lifespan_hours {
                    d.open(8, "studios");
                    d.raw_field(10, "lifespanHours", &h.to_string());
                }
                if !ws.labels.is_empty() {
                    d.open(8, "labels");
                    for (name, value, resource) in &ws.labels {
                        d.item_field(10, "name", name);
                        if let Some(v) = value {
                            d.field(12, "value", v);
                        }
                        if *resource {
                            d.raw_field(12, "resource", "true");
                        }
                    }
                }
                if !ws.participants.is_empty() {
                    d.open(8, "participants");
                    for (who, role) in &ws.participants {
                        match who {
                            Ok(email) => d.item_field(10, "email", email),
                            Err(team) => d.item_field(10, "team", team),
                        };
                        d.field(12, "role", role);
                    }
                }
            }
        }
    }
}
