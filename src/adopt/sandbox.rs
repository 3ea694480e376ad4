//! `roster sandbox init`'s world: every user, org, team and workspace a config declares, as an
//! emulator world that matches it (so `plan --sandbox` on any config starts from `No changes.`),
//! or with a little deterministic drift from a seed, each drift named in the header. Pure: the
//! desired state in, a world out; it must not do I/O.

use std::collections::BTreeSet;

use crate::adopt::world::{Org, SANDBOX_TOKEN, Team, Workspace, World, user_name_of};
use crate::config::desired::{
    Desired, Ensure, OrgRole, PREDEFINED_WORKSPACE_ROLES, Principal, UserRef,
};

/// The world of `desired`, acting as the first owner declared; with `drift`, a few seeded
/// differences. Returns the world and one line per drift (and per caveat) for its header.
pub fn from_desired(desired: &Desired, drift: Option<u64>) -> (World, Vec<String>) {
    let mut w = World::default();
    let mut notes = Vec::new();
    let email = |u: &UserRef| {
        if u.is_email() {
            u.as_str().to_string()
        } else {
            format!("{}@sandbox.invalid", u.as_str())
        }
    };
    let name = |u: &UserRef| {
        if u.is_email() {
            user_name_of(u.as_str())
        } else {
            u.as_str().to_string()
        }
    };
    // The acting user: the first owner declared, else a sandbox administrator.
    let owner = desired
        .orgs
        .iter()
        .flat_map(|o| o.members.iter().flatten())
        .find(|m| m.role == OrgRole::Owner)
        .map(|m| m.user.clone());
    let acting = match &owner {
        Some(u) => {
            let i = w.user(&email(u), &name(u));
            w.users[i].token = true;
            w.users[i].email.clone()
        }
        None => {
            let i = w.user("sandbox-admin@sandbox.invalid", "sandbox-admin");
            w.users[i].token = true;
            notes.push(
                "no owner is declared: the sandbox acts as sandbox-admin@sandbox.invalid".into(),
            );
            w.users[i].email.clone()
        }
    };
    for o in &desired.orgs {
        let mut org = Org {
            name: o.name.clone(),
            full_name: o.full_name.clone(),
            description: o.description.clone(),
            location: o.location.clone(),
            website: o.website.clone(),
            custom_roles: o.custom_roles.clone(),
            role_definitions: o
                .defined_roles
                .iter()
                .flatten()
                .map(|r| {
                    (
                        r.name.clone(),
                        r.description.clone(),
                        r.permissions.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            ..Org::default()
        };
        let mut member_emails = BTreeSet::new();
        for m in o.members.iter().flatten() {
            w.user(&email(&m.user), &name(&m.user));
            member_emails.insert(email(&m.user));
            org.members.push((email(&m.user), m.role == OrgRole::Owner));
        }
        if !member_emails.contains(&acting) {
            if o.members.is_some() {
                notes.push(format!(
                    "the sandbox acts as {acting}, who is not declared an owner of {}: plans for it stop at preflight",
                    o.name
                ));
            } else {
                org.members.insert(0, (acting.clone(), true));
                member_emails.insert(acting.clone());
            }
        }
        let mut team_names: BTreeSet<String> = BTreeSet::new();
        for t in o.teams.iter().flatten() {
            team_names.insert(t.name.to_lowercase());
            // A team that follows an IdP group finds it in the sandbox's catalogue.
            let group = t.follows().map(str::to_string);
            if let Some(g) = &group
                && !org.idp_groups.contains(g)
            {
                org.idp_groups.push(g.clone());
            }
            let mut team = Team {
                name: t.name.clone(),
                description: t.description.clone(),
                members: Vec::new(),
                idp_group: group,
            };
            for u in t.users() {
                w.user(&email(u), &name(u));
                if member_emails.insert(email(u)) {
                    org.members.push((email(u), false)); // unmanaged membership
                }
                team.members.push(email(u));
            }
            org.teams.push(team);
        }
        for ws in o.workspaces.iter().filter(|w| w.ensure == Ensure::Present) {
            let mut x = Workspace {
                name: ws.name.clone(),
                full_name: ws.full_name.clone(),
                description: ws.description.clone(),
                visibility: ws.visibility.map(|v| v.as_str().to_string()),
                lifespan_hours: ws.studios.map(|s| i64::from(s.lifespan_hours)),
                labels: ws
                    .labels
                    .iter()
                    .flatten()
                    .map(|l| (l.name.clone(), l.value.clone(), l.resource))
                    .collect(),
                participants: Vec::new(),
            };
            for p in ws.participants.iter().flatten() {
                let who = match &p.principal {
                    Principal::Team(t) => {
                        if team_names.insert(t.to_lowercase()) {
                            org.teams.push(Team {
                                name: t.clone(),
                                ..Team::default()
                            });
                        }
                        Err(t.clone())
                    }
                    Principal::User(u) => {
                        w.user(&email(u), &name(u));
                        Ok(email(u))
                    }
                };
                x.participants.push((who, p.role.clone()));
            }
            org.workspaces.push(x);
        }
        w.orgs.push(org);
    }
    basespace(desired, &acting, &mut w, &mut notes);
    if let Some(seed) = drift {
        add_drift(&mut w, seed, &mut notes);
    }
    (w, notes)
}

/// The BaseSpace regions of the declared workgroups: in each, the sandbox acts as the
/// workgroup's first admin (else the Seqera acting user), who belongs to every declared
/// workgroup of the region, with the declared tier, collaboration and domain. Membership is
/// not the sandbox's to show: the ledger decides the manual steps.
fn basespace(desired: &Desired, acting: &str, w: &mut World, notes: &mut Vec<String>) {
    use crate::adopt::world::{BsRegion, BsWorkgroup};
    use crate::config::desired::basespace::Tier;
    for wg in &desired.basespace.workgroups {
        let admin = wg
            .admins
            .iter()
            .flatten()
            .find(|a| a.is_email())
            .map(|a| a.as_str().to_string())
            .unwrap_or_else(|| acting.to_string());
        for region in &wg.regions {
            let i = match w.basespace.iter().position(|r| r.name == region.as_str()) {
                Some(i) => i,
                None => {
                    w.basespace.push(BsRegion {
                        name: region.to_string(),
                        user: admin.clone(),
                        workgroups: Vec::new(),
                    });
                    w.basespace.len() - 1
                }
            };
            w.basespace[i].workgroups.push(BsWorkgroup {
                name: wg.name.clone(),
                plan: match wg.tier {
                    Tier::Professional => "Professional".to_string(),
                    Tier::Enterprise => "Enterprise".to_string(),
                },
                collaborative: wg.collaborative,
                domain: wg.domain.clone(),
            });
        }
    }
    if !w.basespace.is_empty() {
        notes.push(
            "BaseSpace: each region serves the declared workgroups; who belongs to them is the ledger's to say (.roster/basespace-ledger.yaml)".into(),
        );
    }
}

/// A tiny deterministic generator (SplitMix64), so a seed always gives the same drift.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Drift the world: one participant's role, one team member missing, one workspace's
/// description out of date, and a former member still in the first org.
fn add_drift(w: &mut World, seed: u64, notes: &mut Vec<String>) {
    let mut rng = Rng(seed);
    // A participant with another role.
    let with_participants: Vec<(usize, usize)> = w
        .orgs
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            o.workspaces
                .iter()
                .enumerate()
                .filter(|(_, ws)| !ws.participants.is_empty())
                .map(move |(j, _)| (i, j))
        })
        .collect();
    if !with_participants.is_empty() {
        let (i, j) = with_participants[rng.below(with_participants.len())];
        let org_name = w.orgs[i].name.clone();
        let ws = &mut w.orgs[i].workspaces[j];
        let k = rng.below(ws.participants.len());
        let (who, role) = &mut ws.participants[k];
        let others: Vec<&str> = PREDEFINED_WORKSPACE_ROLES
            .iter()
            .copied()
            .filter(|r| r != role && *r != "owner")
            .collect();
        let new = others[rng.below(others.len())].to_string();
        let who = match who {
            Ok(e) => format!("user {e}"),
            Err(t) => format!("team {t}"),
        };
        notes.push(format!(
            "{who} has `{new}` in {org_name}/{} where the config says `{role}`",
            ws.name
        ));
        *role = new;
    }
    // A team member not yet added.
    let teams: Vec<(usize, usize)> = w
        .orgs
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            o.teams
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.members.is_empty())
                .map(move |(j, _)| (i, j))
        })
        .collect();
    if !teams.is_empty() {
        let (i, j) = teams[rng.below(teams.len())];
        let org_name = w.orgs[i].name.clone();
        let t = &mut w.orgs[i].teams[j];
        let k = rng.below(t.members.len());
        let gone = t.members.remove(k);
        notes.push(format!(
            "{gone} is not yet in team {} of {org_name}",
            t.name
        ));
    }
    // A description out of date.
    let all: Vec<(usize, usize)> = w
        .orgs
        .iter()
        .enumerate()
        .flat_map(|(i, o)| (0..o.workspaces.len()).map(move |j| (i, j)))
        .collect();
    if !all.is_empty() {
        let (i, j) = all[rng.below(all.len())];
        let org_name = w.orgs[i].name.clone();
        let ws = &mut w.orgs[i].workspaces[j];
        ws.description = Some(format!(
            "{} (out of date)",
            ws.description.as_deref().unwrap_or("Old description")
        ));
        notes.push(format!(
            "the description of {org_name}/{} is out of date",
            ws.name
        ));
    }
    // A former member who still has access (only where one removal stays a small share).
    if let Some(o) = w.orgs.first_mut()
        && o.members.len() >= 4
    {
        let email = "former.member@sandbox.invalid".to_string();
        o.members.push((email.clone(), false));
        notes.push(format!("{email} left but is still a member of {}", o.name));
        w.user(&email, "former-member");
    }
}

/// The header of a sandbox world: what it is, who the sandbox acts as, and its drift.
pub fn header(w: &World, source: &str, notes: &[String]) -> String {
    let acting = w
        .users
        .iter()
        .find(|u| u.token)
        .map_or("nobody", |u| u.email.as_str());
    let mut h = format!(
        "The sandbox's starting point, written by `roster sandbox init` from the config in {source}.\n\
         Format: docs/emulator.md. The sandbox acts as {acting} (token `{SANDBOX_TOKEN}`, not a real one).\n"
    );
    if notes.is_empty() {
        h.push_str("It matches the config: `roster plan --sandbox` starts from `No changes.`\n");
    } else {
        h.push_str("Notes and differences from the config:\n");
        for n in notes {
            h.push_str(&format!("  - {n}\n"));
        }
    }
    h
}
