//! Which entries an in-place edit removes: every entry naming one of some people (offboarding),
//! matched as validation matches users (emails and user names compare case-insensitively,
//! trimmed). It reads the loaded documents only.

use super::{Entry, Place, Removal, Step};
use crate::config::desired::UserRef;
use crate::config::load::{Doc, Loaded, LoadedDoc};
use crate::config::model::Sp;

/// One user list of a document.
struct List<'a> {
    path: Vec<Step>,
    place: Place,
    entries: Vec<Item<'a>>,
}

/// An entry of a user list: its user (when it names one), its role, and where it is.
struct Item<'a> {
    user: Option<&'a Sp<String>>,
    role: Option<String>,
    at: (u32, u32),
}

/// Every user list of a document.
fn lists<'a>(doc: &'a LoadedDoc) -> Vec<List<'a>> {
    let mut out = Vec::new();
    match &doc.doc {
        Doc::Settings(_) => {}
        Doc::Organization(o) => {
            let org = o.name.value.clone();
            if let Some(ms) = &o.members {
                out.push(List {
                    path: vec![Step::Key("members")],
                    place: Place::OrgMember { org: org.clone() },
                    entries: ms
                        .iter()
                        .map(|m| {
                            let role = m
                                .value
                                .role
                                .as_ref()
                                .map_or("member".to_string(), |r| r.value.clone());
                            Item {
                                user: Some(&m.value.user),
                                role: Some(role),
                                at: (m.line, m.col),
                            }
                        })
                        .collect(),
                });
            }
            for (t, team) in o.teams.iter().flatten().enumerate() {
                if let Some(ms) = &team.value.members {
                    out.push(List {
                        path: vec![Step::Key("teams"), Step::Index(t), Step::Key("members")],
                        place: Place::TeamMember {
                            org: org.clone(),
                            team: team.value.name.value.clone(),
                        },
                        entries: ms
                            .iter()
                            .map(|u| Item {
                                user: Some(&u.user),
                                role: None,
                                at: (u.user.line, u.user.col),
                            })
                            .collect(),
                    });
                }
            }
        }
        Doc::Workspace(w) => {
            if let Some(ps) = &w.participants {
                out.push(List {
                    path: vec![Step::Key("participants")],
                    place: Place::Participant {
                        org: w.org.value.clone(),
                        workspace: w.name.value.clone(),
                    },
                    entries: ps
                        .iter()
                        .map(|p| Item {
                            user: p.value.user.as_ref(),
                            role: Some(p.value.role.value.clone()),
                            at: (p.line, p.col),
                        })
                        .collect(),
                });
            }
        }
        // A person who leaves leaves the lab's BaseSpace workgroups too (a manual step then).
        Doc::BaseSpaceWorkgroup(w) => {
            let workgroup = w.name.value.clone();
            if let Some(admins) = &w.admins {
                out.push(List {
                    path: vec![Step::Key("admins")],
                    place: Place::WorkgroupMember {
                        workgroup: workgroup.clone(),
                    },
                    entries: admins
                        .iter()
                        .map(|a| Item {
                            user: Some(a),
                            role: Some("admin".to_string()),
                            at: (a.line, a.col),
                        })
                        .collect(),
                });
            }
            if let Some(users) = &w.users {
                out.push(List {
                    path: vec![Step::Key("users")],
                    place: Place::WorkgroupMember { workgroup },
                    entries: users
                        .iter()
                        .map(|u| Item {
                            user: Some(&u.value.user),
                            role: Some("user".to_string()),
                            at: (u.line, u.col),
                        })
                        .collect(),
                });
            }
        }
    }
    out
}

/// Every entry of `loaded` that names one of `users`, and for each user whether any entry
/// named them.
pub fn people(loaded: &Loaded, users: &[UserRef]) -> (Vec<Removal>, Vec<bool>) {
    let mut found = vec![false; users.len()];
    let mut out = Vec::new();
    for (d, doc) in loaded.docs.iter().enumerate() {
        let file = &loaded.sources.get(doc.file).path;
        for list in lists(doc) {
            for (index, item) in list.entries.into_iter().enumerate() {
                let Some(user) = item.user else { continue };
                let (line, col) = item.at;
                let Some(k) = users.iter().position(|u| *u == UserRef::new(&user.value)) else {
                    continue;
                };
                found[k] = true;
                out.push(Removal {
                    doc: d,
                    list: list.path.clone(),
                    index,
                    entry: Entry {
                        file: file.clone(),
                        line: loaded.span_at(doc, line, col).line,
                        user: user.value.trim().to_string(),
                        place: list.place.clone(),
                        role: item.role,
                        why: None,
                    },
                });
            }
        }
    }
    (out, found)
}
