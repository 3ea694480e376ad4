//! The access matrix: every person × every declared workspace of a snapshot, each cell the
//! person's effective role there (marked when it comes through a team), plus each person's
//! organization role. The renderers (`text`, `csv`, `html`, `json`) read only this.
//!
//! It must not do I/O or format output.

use std::collections::BTreeSet;

use serde::Serialize;

use super::model::{Snapshot, rank};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixOrg {
    pub name: String,
    pub platform: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Whether the organization's membership is known (managed, or read).
    pub members_known: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    pub org: String,
    pub workspace: String,
    /// Whether the workspace's participants are known (managed, or read); when not, its
    /// cells are empty because nothing is known, not because nobody has access.
    pub participants_known: bool,
}

/// A person's effective role in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub role: String,
    /// The team the role comes through, when it is not the person's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Whether the role is a custom role of the organization.
    pub custom: bool,
}

impl Cell {
    /// The rank used to sort by role (custom roles 0).
    pub fn rank(&self) -> u8 {
        rank(&self.role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The person: an email address or user name, lower-cased.
    pub user: String,
    /// Their role in each of [`Matrix::orgs`], in order (`None`: no role there, or unknown).
    pub org_roles: Vec<Option<String>>,
    /// Their teams, as `ORG/TEAM` when the matrix spans several orgs.
    pub teams: Vec<String>,
    /// Their effective role in each of [`Matrix::columns`], in order.
    pub cells: Vec<Option<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matrix {
    pub orgs: Vec<MatrixOrg>,
    pub columns: Vec<Column>,
    /// Sorted by person.
    pub rows: Vec<Row>,
}

impl Matrix {
    /// The matrix of every organization in `snapshot`.
    pub fn of(snapshot: &Snapshot) -> Matrix {
        let several = snapshot.orgs.len() > 1;
        let orgs = snapshot
            .orgs
            .iter()
            .map(|o| MatrixOrg {
                name: o.name.clone(),
                platform: o.platform.clone(),
                full_name: o.full_name.clone(),
                members_known: o.members.is_some(),
            })
            .collect();
        let mut columns = Vec::new();
        let mut grants = Vec::new();
        for o in &snapshot.orgs {
            for w in &o.workspaces {
                columns.push(Column {
                    org: o.name.clone(),
                    workspace: w.name.clone(),
                    participants_known: w.participants.is_some(),
                });
                grants.push((o, o.workspace_grants(w)));
            }
        }
        let people: BTreeSet<String> = snapshot.orgs.iter().flat_map(|o| o.people()).collect();
        let rows = people
            .into_iter()
            .map(|user| Row {
                org_roles: snapshot.orgs.iter().map(|o| o.org_role(&user)).collect(),
                teams: snapshot
                    .orgs
                    .iter()
                    .flat_map(|o| {
                        o.teams
                            .iter()
                            .flatten()
                            .filter(|t| t.members.as_ref().is_some_and(|m| m.contains(&user)))
                            .map(move |t| match several {
                                true => format!("{}/{}", o.name, t.name),
                                false => t.name.clone(),
                            })
                    })
                    .collect(),
                cells: grants
                    .iter()
                    .map(|(o, g)| {
                        g.get(&user).and_then(|gs| gs.first()).map(|g| Cell {
                            role: g.role.clone(),
                            via: g.via.clone(),
                            custom: o.is_custom_role(&g.role),
                        })
                    })
                    .collect(),
                user,
            })
            .collect();
        Matrix {
            orgs,
            columns,
            rows,
        }
    }

    /// The matrix of some organizations (`orgs`, names) and workspaces (`workspaces`, as
    /// (org, name)) only, names compared case-insensitively; an empty filter keeps everything.
    /// With workspaces named, the rows are the people with access to one of them; otherwise
    /// those with a role in a kept organization or access to one of its workspaces.
    pub fn restrict(&self, orgs: &[String], workspaces: &[(String, String)]) -> Matrix {
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let keep_col: Vec<bool> = self
            .columns
            .iter()
            .map(|c| {
                (orgs.is_empty() || orgs.iter().any(|o| eq(o, &c.org)))
                    && (workspaces.is_empty()
                        || workspaces
                            .iter()
                            .any(|(o, w)| eq(o, &c.org) && eq(w, &c.workspace)))
            })
            .collect();
        let keep_org: Vec<bool> = self
            .orgs
            .iter()
            .map(|o| {
                (orgs.is_empty() || orgs.iter().any(|n| eq(n, &o.name)))
                    && (workspaces.is_empty() || workspaces.iter().any(|(n, _)| eq(n, &o.name)))
            })
            .collect();
        let pick = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(false);
        let kept_orgs: Vec<MatrixOrg> = self
            .orgs
            .iter()
            .enumerate()
            .filter(|(i, _)| pick(&keep_org, *i))
            .map(|(_, o)| o.clone())
            .collect();
        let rows = self
            .rows
            .iter()
            .filter_map(|r| {
                let cells: Vec<Option<Cell>> = r
                    .cells
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| pick(&keep_col, *i))
                    .map(|(_, c)| c.clone())
                    .collect();
                let org_roles: Vec<Option<String>> = r
                    .org_roles
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| pick(&keep_org, *i))
                    .map(|(_, o)| o.clone())
                    .collect();
                let access = cells.iter().any(Option::is_some)
                    || (workspaces.is_empty() && org_roles.iter().any(Option::is_some));
                let teams = match self.several_orgs() {
                    false => r.teams.clone(),
                    true => r
                        .teams
                        .iter()
                        .filter(|t| {
                            kept_orgs.iter().any(|o| {
                                t.to_lowercase()
                                    .starts_with(&format!("{}/", o.name.to_lowercase()))
                            })
                        })
                        .cloned()
                        .collect(),
                };
                access.then(|| Row {
                    user: r.user.clone(),
                    org_roles,
                    teams,
                    cells,
                })
            })
            .collect();
        Matrix {
            orgs: kept_orgs,
            columns: self
                .columns
                .iter()
                .enumerate()
                .filter(|(i, _)| pick(&keep_col, *i))
                .map(|(_, c)| c.clone())
                .collect(),
            rows,
        }
    }

    /// Whether the matrix spans more than one organization (then columns are named `ORG/WS`).
    pub fn several_orgs(&self) -> bool {
        self.orgs.len() > 1
    }

    /// The header of a workspace column.
    pub fn column_label(&self, c: &Column) -> String {
        match self.several_orgs() {
            true => format!("{}/{}", c.org, c.workspace),
            false => c.workspace.clone(),
        }
    }

    /// The header of an organization-role column.
    pub fn org_label(&self, o: &MatrixOrg) -> String {
        match self.several_orgs() {
            true => format!("{} role", o.name),
            false => "org role".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{OrgGrants, TeamGrants, Who, WorkspaceGrants};
    use super::*;

    #[test]
    fn cells_hold_the_effective_role_and_its_team() {
        let s = Snapshot {
            orgs: vec![OrgGrants {
                name: "lab".into(),
                platform: "default".into(),
                full_name: None,
                custom_roles: vec![],
                terms: Default::default(),
                members: Some([("a@x.org".to_string(), "member".to_string())].into()),
                teams: Some(vec![TeamGrants {
                    name: "t".into(),
                    members: Some(["a@x.org".to_string(), "b@x.org".to_string()].into()),
                }]),
                workspaces: vec![
                    WorkspaceGrants {
                        name: "one".into(),
                        participants: Some(vec![
                            (Who::Team("t".into()), "maintain".into()),
                            (Who::User("a@x.org".into()), "launch".into()),
                        ]),
                    },
                    WorkspaceGrants {
                        name: "two".into(),
                        participants: None,
                    },
                ],
            }],
        };
        let m = Matrix::of(&s);
        assert_eq!(m.rows.len(), 2);
        let a = &m.rows[0];
        assert_eq!(a.user, "a@x.org");
        assert_eq!(a.org_roles, vec![Some("member".to_string())]);
        assert_eq!(a.cells[0].as_ref().unwrap().via.as_deref(), Some("t"));
        assert_eq!(a.cells[0].as_ref().unwrap().role, "maintain");
        assert_eq!(a.cells[1], None);
        assert!(!m.columns[1].participants_known);
        // b is on the team but not in the org's members: a collaborator only by participation
        // of their own, which they have none of.
        assert_eq!(m.rows[1].org_roles, vec![None]);
    }

    #[test]
    fn a_restricted_matrix_keeps_the_people_of_the_workspaces_kept() {
        let s = Snapshot {
            orgs: vec![OrgGrants {
                name: "lab".into(),
                platform: "default".into(),
                full_name: None,
                custom_roles: vec![],
                terms: Default::default(),
                members: Some(
                    [
                        ("a@x.org".to_string(), "member".to_string()),
                        ("b@x.org".to_string(), "member".to_string()),
                    ]
                    .into(),
                ),
                teams: None,
                workspaces: vec![
                    WorkspaceGrants {
                        name: "one".into(),
                        participants: Some(vec![(Who::User("a@x.org".into()), "view".into())]),
                    },
                    WorkspaceGrants {
                        name: "two".into(),
                        participants: Some(vec![(Who::User("b@x.org".into()), "admin".into())]),
                    },
                ],
            }],
        };
        let m = Matrix::of(&s);
        let one = m.restrict(&[], &[("LAB".into(), "One".into())]);
        assert_eq!(one.columns.len(), 1);
        assert_eq!(one.columns[0].workspace, "one");
        let users: Vec<&str> = one.rows.iter().map(|r| r.user.as_str()).collect();
        assert_eq!(users, ["a@x.org"]);
        assert_eq!(one.rows[0].cells.len(), 1);
        // The organization alone: everyone with a role in it.
        assert_eq!(m.restrict(&["lab".into()], &[]).rows.len(), 2);
        assert!(m.restrict(&["other".into()], &[]).rows.is_empty());
    }

    #[test]
    fn several_orgs_name_columns_and_teams_by_org() {
        let org = |name: &str| OrgGrants {
            name: name.into(),
            platform: "default".into(),
            full_name: None,
            custom_roles: vec![],
            terms: Default::default(),
            members: Some([("a@x.org".to_string(), "owner".to_string())].into()),
            teams: Some(vec![TeamGrants {
                name: "t".into(),
                members: Some(["a@x.org".to_string()].into()),
            }]),
            workspaces: vec![WorkspaceGrants {
                name: "ws".into(),
                participants: Some(vec![(Who::User("a@x.org".into()), "view".into())]),
            }],
        };
        let m = Matrix::of(&Snapshot {
            orgs: vec![org("one"), org("two")],
        });
        let labels: Vec<String> = m.columns.iter().map(|c| m.column_label(c)).collect();
        assert_eq!(labels, ["one/ws", "two/ws"]);
        assert_eq!(m.org_label(&m.orgs[1]), "two role");
        assert_eq!(m.rows.len(), 1, "one person across both orgs");
        assert_eq!(m.rows[0].teams, ["one/t", "two/t"]);
    }
}
