//! One person's access: every grant they hold, as [`Fact`]s (org role, team membership, each
//! workspace role with where it comes from), from one snapshot, or compared between the config
//! and the platform ([`Mark`]: in both, only in the config, only on the platform, or on the
//! platform where the config manages nothing).
//!
//! It must not do I/O or format output.

use serde::Serialize;

use super::model::{Grant, OrgGrants, People, Snapshot, Term, TermKey};

/// One thing a person holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fact {
    /// Their role in the organization.
    OrgRole {
        org: String,
        role: String,
        /// When the membership ends and why (declared in the config).
        #[serde(flatten)]
        term: Term,
    },
    /// Membership of a team.
    Team {
        org: String,
        team: String,
        #[serde(flatten)]
        term: Term,
    },
    /// A role in a workspace, their own or through a team.
    Workspace {
        org: String,
        workspace: String,
        #[serde(flatten)]
        grant: Grant,
        /// Whether this is their effective role there (the highest they hold).
        effective: bool,
        /// Whether the role is a custom role of the organization.
        custom: bool,
        /// When the grant ends and why: the participation's own, or for a role through a
        /// team, the team membership's.
        #[serde(flatten)]
        term: Term,
    },
}

impl Fact {
    pub fn org(&self) -> &str {
        match self {
            Fact::OrgRole { org, .. } | Fact::Team { org, .. } | Fact::Workspace { org, .. } => org,
        }
    }

    /// What identifies the fact across sides (names compare case-insensitively; whether it
    /// is the effective role is not part of it).
    fn identity(&self) -> String {
        match self {
            Fact::OrgRole { org, role, .. } => format!("o\0{}\0{role}", org.to_lowercase()),
            Fact::Team { org, team, .. } => {
                format!("t\0{}\0{}", org.to_lowercase(), team.to_lowercase())
            }
            Fact::Workspace {
                org,
                workspace,
                grant,
                ..
            } => format!(
                "w\0{}\0{}\0{}\0{}",
                org.to_lowercase(),
                workspace.to_lowercase(),
                grant.role,
                grant.via.as_deref().unwrap_or("").to_lowercase()
            ),
        }
    }
}

/// Everything `user` (a person key) holds in one snapshot, org by org in snapshot order.
pub fn facts(snapshot: &Snapshot, user: &str) -> Vec<Fact> {
    let mut out = Vec::new();
    for o in &snapshot.orgs {
        out.extend(org_facts(o, user));
    }
    out
}

fn org_facts(o: &OrgGrants, user: &str) -> Vec<Fact> {
    let mut out = Vec::new();
    if let Some(role) = o.org_role(user) {
        out.push(Fact::OrgRole {
            org: o.name.clone(),
            role,
            term: o.term(&TermKey::Member(user.to_string())),
        });
    }
    for t in o.teams.iter().flatten() {
        if t.members.as_ref().is_some_and(|ms| ms.contains(user)) {
            out.push(Fact::Team {
                org: o.name.clone(),
                team: t.name.clone(),
                term: o.term(&TermKey::TeamMember(
                    t.name.to_lowercase(),
                    user.to_string(),
                )),
            });
        }
    }
    for w in &o.workspaces {
        if let Some(grants) = o.workspace_grants(w).remove(user) {
            for (i, g) in grants.into_iter().enumerate() {
                let term = match &g.via {
                    None => TermKey::Participant(w.name.to_lowercase(), user.to_string()),
                    Some(t) => TermKey::TeamMember(t.to_lowercase(), user.to_string()),
                };
                out.push(Fact::Workspace {
                    term: o.term(&term),
                    org: o.name.clone(),
                    workspace: w.name.clone(),
                    custom: o.is_custom_role(&g.role),
                    grant: g,
                    effective: i == 0,
                });
            }
        }
    }
    out
}

/// The people of a snapshot that `query` names.
pub fn find(snapshot: &Snapshot, people: &People, query: &str) -> Vec<String> {
    let mut all = std::collections::BTreeSet::new();
    for o in &snapshot.orgs {
        all.extend(o.people());
    }
    all.into_iter()
        .filter(|k| people.matches(k, query))
        .collect()
}

/// How a fact compares between the config and the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Mark {
    /// The same in both.
    Both,
    /// Declared, not on the platform: `roster apply` would grant it.
    OnlyInConfig,
    /// On the platform where the config manages it: `roster apply` would remove it.
    OnlyOnPlatform,
    /// On the platform, in something the config does not manage (left alone).
    Unmanaged,
}

impl Mark {
    /// The one-character sign of the mark in text output.
    pub fn sign(self) -> char {
        match self {
            Mark::Both => ' ',
            Mark::OnlyInConfig => '+',
            Mark::OnlyOnPlatform => '-',
            Mark::Unmanaged => '~',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compared {
    pub mark: Mark,
    #[serde(flatten)]
    pub fact: Fact,
}

/// Whether the config decides the fact (so a platform-only one would be removed).
fn managed(config: &Snapshot, f: &Fact) -> bool {
    let Some(o) = config.org(f.org()) else {
        return false;
    };
    match f {
        Fact::OrgRole { .. } => o.members.is_some(),
        Fact::Team { team, .. } => match &o.teams {
            None => false,
            // A team the config does not declare is removed; one it declares is managed
            // when its members are.
            Some(_) => o.team(team).is_none_or(|t| t.members.is_some()),
        },
        Fact::Workspace { workspace, .. } => o
            .workspace(workspace)
            .is_some_and(|w| w.participants.is_some()),
    }
}

/// `user`'s facts in the config against the platform's, config order first, then what only
/// the platform has.
pub fn compare(config: &Snapshot, live: &Snapshot, user: &str) -> Vec<Compared> {
    let want = facts(config, user);
    let have = facts(live, user);
    let mut out: Vec<Compared> = want
        .iter()
        .map(|f| Compared {
            mark: if have.iter().any(|h| h.identity() == f.identity()) {
                Mark::Both
            } else {
                Mark::OnlyInConfig
            },
            fact: f.clone(),
        })
        .collect();
    for h in &have {
        if !want.iter().any(|f| f.identity() == h.identity()) {
            out.push(Compared {
                mark: if managed(config, h) {
                    Mark::OnlyOnPlatform
                } else {
                    Mark::Unmanaged
                },
                fact: h.clone(),
            });
        }
    }
    out.sort_by_key(|c| c.fact.org().to_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use super::super::model::{TeamGrants, Who, WorkspaceGrants};
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn org(members: &[(&str, &str)], team: &[&str], ws: Vec<(Who, &str)>) -> OrgGrants {
        OrgGrants {
            name: "lab".into(),
            platform: "default".into(),
            full_name: None,
            custom_roles: vec!["runner".into()],
            members: Some(
                members
                    .iter()
                    .map(|(u, r)| (u.to_string(), r.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            ),
            teams: Some(vec![TeamGrants {
                name: "Admins".into(),
                members: Some(team.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>()),
            }]),
            workspaces: vec![WorkspaceGrants {
                name: "ws".into(),
                participants: Some(ws.into_iter().map(|(w, r)| (w, r.to_string())).collect()),
            }],
            terms: BTreeMap::new(),
        }
    }

    #[test]
    fn a_team_role_above_an_own_role_is_the_effective_one() {
        let s = Snapshot {
            orgs: vec![org(
                &[("a@x.org", "member")],
                &["a@x.org"],
                vec![
                    (Who::Team("Admins".into()), "admin"),
                    (Who::User("a@x.org".into()), "runner"),
                ],
            )],
        };
        let fs = facts(&s, "a@x.org");
        assert_eq!(fs.len(), 4, "{fs:?}");
        assert_eq!(
            fs[2],
            Fact::Workspace {
                org: "lab".into(),
                workspace: "ws".into(),
                grant: Grant::through("admin", "Admins"),
                effective: true,
                custom: false,
                term: Term::default(),
            }
        );
        assert!(matches!(
            &fs[3],
            Fact::Workspace {
                effective: false,
                custom: true,
                ..
            }
        ));
    }

    #[test]
    fn differences_are_marked_by_side() {
        let config = Snapshot {
            orgs: vec![org(
                &[("a@x.org", "owner")],
                &["a@x.org"],
                vec![(Who::User("a@x.org".into()), "launch")],
            )],
        };
        let live = Snapshot {
            orgs: vec![org(
                &[("a@x.org", "owner")],
                &[],
                vec![(Who::User("a@x.org".into()), "view")],
            )],
        };
        let marks: Vec<(Mark, String)> = compare(&config, &live, "a@x.org")
            .into_iter()
            .map(|c| (c.mark, c.fact.identity().replace('\0', " ")))
            .collect();
        assert_eq!(
            marks,
            vec![
                (Mark::Both, "o lab owner".to_string()),
                (Mark::OnlyInConfig, "t lab admins".to_string()),
                (Mark::OnlyInConfig, "w lab ws launch ".to_string()),
                (Mark::OnlyOnPlatform, "w lab ws view ".to_string()),
            ]
        );
    }

    #[test]
    fn what_the_config_does_not_manage_is_marked_unmanaged() {
        let mut config = org(&[], &[], vec![]);
        config.members = None;
        config.teams = None;
        config.workspaces[0].participants = None;
        let live = org(
            &[("a@x.org", "member")],
            &["a@x.org"],
            vec![(Who::User("a@x.org".into()), "view")],
        );
        let c = compare(
            &Snapshot { orgs: vec![config] },
            &Snapshot { orgs: vec![live] },
            "a@x.org",
        );
        assert_eq!(c.len(), 3, "{c:?}");
        assert!(c.iter().all(|c| c.mark == Mark::Unmanaged), "{c:?}");
    }
}
