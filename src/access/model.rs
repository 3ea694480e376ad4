//! Grants, from either side: a [`Snapshot`] of who holds what in each organization (org roles,
//! team memberships, workspace participants), built from the desired state or from what was read
//! of a platform, and the [`People`] directory that says which references name the same person.
//! Effective roles are computed here: in a workspace, the highest of a person's own role and
//! their teams' roles (their own wins a tie), as `plan::access` ranks them.
//!
//! It must not do I/O, decide what to change, or format output.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::config::desired::{Desired, Ensure, Principal, workspace_role_rank};
use crate::live::{Live, LiveMember, ParticipantKind};

/// One role held somewhere, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Grant {
    pub role: String,
    /// The team the role comes through; `None` when it is the person's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Grant {
    pub fn direct(role: &str) -> Grant {
        Grant {
            role: role.to_string(),
            via: None,
        }
    }
    pub fn through(role: &str, team: &str) -> Grant {
        Grant {
            role: role.to_string(),
            via: Some(team.to_string()),
        }
    }
}

/// When a grant ends and why it exists, as the config declares them (`expires`, `reason`);
/// empty for what a platform reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Term {
    /// The end, as `YYYY-MM-DD` or an RFC 3339 date-time in UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Term {
    pub fn of(expires: Option<&crate::config::time::When>, reason: Option<&String>) -> Term {
        Term {
            expires: expires.map(|w| w.to_string()),
            reason: reason.cloned(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.expires.is_none() && self.reason.is_none()
    }
}

/// The rank of a workspace role for effective access: predefined roles by their order
/// (owner 6 … view 1), custom roles 0.
pub fn rank(role: &str) -> u8 {
    workspace_role_rank(role).unwrap_or(0)
}

/// The index of the effective grant among `grants`: the highest rank, a person's own grant
/// winning a tie with a team's, then the first. `None` for no grants.
pub fn effective(grants: &[Grant]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, g) in grants.iter().enumerate() {
        let better = match best {
            None => true,
            Some(b) => {
                let cur = &grants[b];
                rank(&g.role) > rank(&cur.role)
                    || (rank(&g.role) == rank(&cur.role) && g.via.is_none() && cur.via.is_some())
            }
        };
        if better {
            best = Some(i);
        }
    }
    best
}

/// Who a participant is, with users as [`People`] keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    User(String),
    /// A team, by name as declared.
    Team(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamGrants {
    pub name: String,
    /// Person keys; `None` when the membership is not known (unmanaged, or not read).
    pub members: Option<BTreeSet<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceGrants {
    pub name: String,
    /// `None` when the participants are not known (unmanaged, or not read).
    pub participants: Option<Vec<(Who, String)>>,
}

/// One organization's grants, from one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgGrants {
    pub name: String,
    pub platform: String,
    pub full_name: Option<String>,
    pub custom_roles: Vec<String>,
    /// Person key → org role (`owner`, `member`, `collaborator`); `None` when unmanaged.
    pub members: Option<BTreeMap<String, String>>,
    /// `None` when the config does not manage teams.
    pub teams: Option<Vec<TeamGrants>>,
    pub workspaces: Vec<WorkspaceGrants>,
    /// The declared ends and reasons of grants (config side only), by [`TermKey`].
    pub terms: BTreeMap<TermKey, Term>,
}

/// Which grant a [`Term`] belongs to: a person's membership, their membership of a team, or
/// their own participation in a workspace (names lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TermKey {
    Member(String),
    TeamMember(String, String),
    Participant(String, String),
}

impl OrgGrants {
    /// The declared end and reason of one grant, if any.
    pub fn term(&self, key: &TermKey) -> Term {
        self.terms.get(key).cloned().unwrap_or_default()
    }

    pub fn team(&self, name: &str) -> Option<&TeamGrants> {
        self.teams
            .as_ref()?
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
    pub fn workspace(&self, name: &str) -> Option<&WorkspaceGrants> {
        self.workspaces
            .iter()
            .find(|w| w.name.eq_ignore_ascii_case(name))
    }
    pub fn is_custom_role(&self, role: &str) -> bool {
        workspace_role_rank(role).is_none()
    }

    /// Every person's grants in a workspace, teams expanded to their known members; each list
    /// sorted with the effective grant first.
    pub fn workspace_grants(&self, ws: &WorkspaceGrants) -> BTreeMap<String, Vec<Grant>> {
        let mut out: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
        for (who, role) in ws.participants.iter().flatten() {
            match who {
                Who::User(u) => out.entry(u.clone()).or_default().push(Grant::direct(role)),
                Who::Team(t) => {
                    let members = self.team(t).and_then(|t| t.members.as_ref());
                    for u in members.into_iter().flatten() {
                        out.entry(u.clone())
                            .or_default()
                            .push(Grant::through(role, t));
                    }
                }
            }
        }
        for grants in out.values_mut() {
            grants.sort();
            grants.dedup();
            if let Some(i) = effective(grants) {
                let g = grants.remove(i);
                grants.insert(0, g);
            }
        }
        out
    }

    /// The org role of a person: their membership, or `collaborator` when the membership is
    /// managed, they are not in it, and they participate in a workspace.
    pub fn org_role(&self, user: &str) -> Option<String> {
        let members = self.members.as_ref()?;
        if let Some(r) = members.get(user) {
            return Some(r.clone());
        }
        let participates = self.workspaces.iter().any(|w| {
            w.participants
                .iter()
                .flatten()
                .any(|(who, _)| *who == Who::User(user.to_string()))
        });
        participates.then(|| "collaborator".to_string())
    }

    /// Every person this org grants anything to.
    pub fn people(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .members
            .iter()
            .flatten()
            .map(|(u, _)| u.clone())
            .collect();
        for t in self.teams.iter().flatten() {
            out.extend(t.members.iter().flatten().cloned());
        }
        for w in &self.workspaces {
            out.extend(self.workspace_grants(w).into_keys());
        }
        out
    }
}

/// Grants of every organization on one side (the config, or the platforms read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub orgs: Vec<OrgGrants>,
}

impl Snapshot {
    pub fn org(&self, name: &str) -> Option<&OrgGrants> {
        self.orgs.iter().find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// What the config declares, with user references resolved through `people`. A workspace
    /// declared `ensure: absent` grants nothing; one whose participants are unmanaged grants
    /// nothing known.
    pub fn from_desired(desired: &Desired, people: &People) -> Snapshot {
        let orgs = desired
            .orgs
            .iter()
            .map(|o| OrgGrants {
                name: o.name.clone(),
                platform: o.platform_name().to_string(),
                full_name: o.full_name.clone(),
                custom_roles: o.custom_roles.clone(),
                members: o.members.as_ref().map(|ms| {
                    ms.iter()
                        .map(|m| (people.key(m.user.as_str()), m.role.as_str().to_string()))
                        .collect()
                }),
                teams: o.teams.as_ref().map(|ts| {
                    ts.iter()
                        .map(|t| TeamGrants {
                            name: t.name.clone(),
                            members: t
                                .members
                                .as_ref()
                                .map(|ms| ms.iter().map(|m| people.key(m.user.as_str())).collect()),
                        })
                        .collect()
                }),
                terms: desired_terms(o, people),
                workspaces: o
                    .workspaces
                    .iter()
                    .map(|w| WorkspaceGrants {
                        name: w.name.clone(),
                        participants: match w.ensure {
                            Ensure::Absent => Some(Vec::new()),
                            Ensure::Present => w.participants.as_ref().map(|ps| {
                                ps.iter()
                                    .map(|p| {
                                        let who = match &p.principal {
                                            Principal::Team(t) => Who::Team(t.clone()),
                                            Principal::User(u) => Who::User(people.key(u.as_str())),
                                        };
                                        (who, p.role.clone())
                                    })
                                    .collect()
                            }),
                        },
                    })
                    .collect(),
            })
            .collect();
        Snapshot { orgs }
    }

    /// What was read of `platform` for the orgs `desired` declares there: members and
    /// collaborators, teams (members where read), and the declared workspaces whose
    /// participants were read.
    pub fn add_live(&mut self, desired: &Desired, platform: &str, live: &Live, people: &People) {
        for o in desired
            .orgs
            .iter()
            .filter(|o| o.platform_name() == platform)
        {
            let Some(l) = live.orgs.get(&o.key()) else {
                continue;
            };
            let mut members: BTreeMap<String, String> = BTreeMap::new();
            for m in &l.collaborators {
                members.insert(people.key(&m.key()), "collaborator".to_string());
            }
            for m in &l.members {
                members.insert(people.key(&m.key()), m.role.to_lowercase());
            }
            let teams = l
                .teams
                .iter()
                .map(|t| TeamGrants {
                    name: t.name.clone(),
                    members: t
                        .members
                        .as_ref()
                        .map(|ms| ms.iter().map(|m| people.key(&m.key())).collect()),
                })
                .collect();
            let workspaces = o
                .workspaces
                .iter()
                .filter_map(|w| l.workspace(&w.name))
                .map(|lw| WorkspaceGrants {
                    name: lw.name.clone(),
                    participants: lw.participants.as_ref().map(|ps| {
                        ps.iter()
                            .map(|p| {
                                let who = match p.kind {
                                    ParticipantKind::Team => {
                                        Who::Team(p.team_name.clone().unwrap_or_default())
                                    }
                                    _ => {
                                        Who::User(people.key(p.principal().as_user().unwrap_or("")))
                                    }
                                };
                                (who, p.role.clone())
                            })
                            .collect()
                    }),
                })
                .collect();
            self.orgs.push(OrgGrants {
                name: l.name.clone(),
                platform: platform.to_string(),
                full_name: l.full_name.clone(),
                custom_roles: o.custom_roles.clone(),
                members: Some(members),
                teams: Some(teams),
                workspaces,
                terms: BTreeMap::new(),
            });
        }
    }
}

/// The declared ends and reasons of an org's grants.
fn desired_terms(o: &crate::config::desired::Org, people: &People) -> BTreeMap<TermKey, Term> {
    let mut out = BTreeMap::new();
    let mut put = |k: TermKey, t: Term| {
        if !t.is_empty() {
            out.insert(k, t);
        }
    };
    for m in o.members.iter().flatten() {
        put(
            TermKey::Member(people.key(m.user.as_str())),
            Term::of(m.expires.as_ref(), m.reason.as_ref()),
        );
    }
    for t in o.teams.iter().flatten() {
        for m in t.members.iter().flatten() {
            put(
                TermKey::TeamMember(t.name.to_lowercase(), people.key(m.user.as_str())),
                Term::of(m.expires.as_ref(), m.reason.as_ref()),
            );
        }
    }
    for w in &o.workspaces {
        for p in w.participants.iter().flatten() {
            if let Principal::User(u) = &p.principal {
                put(
                    TermKey::Participant(w.name.to_lowercase(), people.key(u.as_str())),
                    Term::of(p.expires.as_ref(), p.reason.as_ref()),
                );
            }
        }
    }
    out
}

/// Which references name the same person. Offline every reference is its own person; with
/// what a platform reports, an email and a user name of one account become one person, keyed
/// by the email (lower-cased).
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Lower-cased email or user name → person key.
    alias: BTreeMap<String, String>,
    /// Person key → every lower-cased name of it.
    names: BTreeMap<String, BTreeSet<String>>,
}

impl People {
    /// The people every account a platform reported belongs to.
    pub fn from_live<'a>(lives: impl IntoIterator<Item = &'a Live>) -> People {
        let mut p = People::default();
        for live in lives {
            for o in live.orgs.values() {
                let teams = o.teams.iter().flat_map(|t| t.members.iter().flatten());
                for m in o.members.iter().chain(&o.collaborators).chain(teams) {
                    p.learn(m);
                }
                for w in &o.workspaces {
                    for x in w.participants.iter().flatten() {
                        if x.kind != ParticipantKind::Team {
                            p.learn(&LiveMember {
                                member_id: 0,
                                user_id: None,
                                user_name: x.user_name.clone().unwrap_or_default(),
                                email: x.email.clone().unwrap_or_default(),
                                role: String::new(),
                            });
                        }
                    }
                }
            }
        }
        p
    }

    fn learn(&mut self, m: &LiveMember) {
        let key = m.key();
        if key.is_empty() {
            return;
        }
        let names = self.names.entry(key.clone()).or_default();
        for n in [&m.email, &m.user_name] {
            let n = n.trim().to_lowercase();
            if !n.is_empty() {
                names.insert(n.clone());
                self.alias.entry(n).or_insert_with(|| key.clone());
            }
        }
    }

    /// The person a reference names.
    pub fn key(&self, reference: &str) -> String {
        let r = reference.trim().to_lowercase();
        self.alias.get(&r).cloned().unwrap_or(r)
    }

    /// Whether the person `key` is the one `query` names (by email or user name, ignoring case).
    pub fn matches(&self, key: &str, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        key == q || self.key(&q) == key || self.names.get(key).is_some_and(|n| n.contains(&q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_role_wins_and_own_wins_a_tie() {
        let gs = vec![
            Grant::through("launch", "a"),
            Grant::through("admin", "b"),
            Grant::direct("view"),
        ];
        assert_eq!(effective(&gs), Some(1));
        let tie = vec![Grant::through("admin", "b"), Grant::direct("admin")];
        assert_eq!(effective(&tie), Some(1));
        let custom = vec![
            Grant::direct("pipeline-runner"),
            Grant::through("view", "t"),
        ];
        assert_eq!(effective(&custom), Some(1));
        assert_eq!(effective(&[]), None);
    }

    #[test]
    fn people_join_an_email_and_a_user_name() {
        let mut p = People::default();
        p.learn(&LiveMember {
            member_id: 1,
            user_id: None,
            user_name: "JDoe".into(),
            email: "Jane.Doe@uq.edu.au".into(),
            role: "member".into(),
        });
        assert_eq!(p.key("jdoe"), "jane.doe@uq.edu.au");
        assert!(p.matches("jane.doe@uq.edu.au", "JDOE"));
        assert!(p.matches("jane.doe@uq.edu.au", "jane.doe@UQ.edu.au"));
        assert!(!p.matches("jane.doe@uq.edu.au", "jane"));
        assert_eq!(p.key("someone-else"), "someone-else");
    }
}
