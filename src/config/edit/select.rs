//! Which entries an in-place edit removes: every entry naming one of some people (offboarding:
//! org members, team members, participants and review owners), matched as validation matches
//! users (emails and user names compare case-insensitively, trimmed); or every grant whose
//! `expires` has passed, as the plan leaves them out (`expires < now`; an organization membership
//! that ended takes its holder's team memberships, participations and review duties in that
//! organization with it). It reads the loaded documents only.

use std::collections::{BTreeMap, BTreeSet};

use super::{Entry, Place, Removal, Step};
use crate::config::desired::UserRef;
use crate::config::load::{Doc, Loaded, LoadedDoc};
use crate::config::model::{ReviewDoc, Sp};
use crate::config::time::When;

/// One user list of a document, and the organization it belongs to (lower-cased).
struct List<'a> {
    path: Vec<Step>,
    place: Place,
    org: String,
    entries: Vec<Item<'a>>,
}

/// An entry of a user list: its user (when it names one), its role, its terms, and where it is.
struct Item<'a> {
    user: Option<&'a Sp<String>>,
    role: Option<String>,
    expires: Option<&'a Sp<String>>,
    reason: Option<&'a Sp<String>>,
    at: (u32, u32),
}

impl<'a> Item<'a> {
    fn user(user: &'a Sp<String>) -> Item<'a> {
        Item {
            user: Some(user),
            role: None,
            expires: None,
            reason: None,
            at: (user.line, user.col),
        }
    }
}

/// The reviewers of a document's `review`, when it names any.
fn review_owners<'a>(
    review: &'a Option<Sp<ReviewDoc>>,
    place: Place,
    org: &str,
) -> Option<List<'a>> {
    let owners = review.as_ref()?.value.owners.as_ref()?;
    Some(List {
        path: vec![Step::Key("review"), Step::Key("owners")],
        place,
        org: org.to_lowercase(),
        entries: owners.iter().map(Item::user).collect(),
    })
}

/// Every user list of a document.
fn lists<'a>(doc: &'a LoadedDoc) -> Vec<List<'a>> {
    let mut out = Vec::new();
    match &doc.doc {
        Doc::Settings(_) => {}
        Doc::Organization(o) => {
            let org = o.name.value.clone();
            out.extend(review_owners(
                &o.review,
                Place::ReviewOwner {
                    org: org.clone(),
                    workspace: None,
                },
                &org,
            ));
            if let Some(ms) = &o.members {
                out.push(List {
                    path: vec![Step::Key("members")],
                    place: Place::OrgMember { org: org.clone() },
                    org: org.to_lowercase(),
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
                                expires: m.value.expires.as_ref(),
                                reason: m.value.reason.as_ref(),
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
                        org: org.to_lowercase(),
                        entries: ms
                            .iter()
                            .map(|u| Item {
                                expires: u.expires.as_ref(),
                                reason: u.reason.as_ref(),
                                ..Item::user(&u.user)
                            })
                            .collect(),
                    });
                }
            }
        }
        Doc::Workspace(w) => {
            out.extend(review_owners(
                &w.review,
                Place::ReviewOwner {
                    org: w.org.value.clone(),
                    workspace: Some(w.name.value.clone()),
                },
                &w.org.value,
            ));
            if let Some(ps) = &w.participants {
                out.push(List {
                    path: vec![Step::Key("participants")],
                    place: Place::Participant {
                        org: w.org.value.clone(),
                        workspace: w.name.value.clone(),
                    },
                    org: w.org.value.to_lowercase(),
                    entries: ps
                        .iter()
                        .map(|p| Item {
                            user: p.value.user.as_ref(),
                            role: Some(p.value.role.value.clone()),
                            expires: p.value.expires.as_ref(),
                            reason: p.value.reason.as_ref(),
                            at: (p.line, p.col),
                        })
                        .collect(),
                });
            }
        }
        // A person who leaves leaves the lab's BaseSpace workgroups too (a manual step then).
        // A workgroup belongs to no organization: nothing of one ends with it.
        Doc::BaseSpaceWorkgroup(w) => {
            let workgroup = w.name.value.clone();
            let org = format!("basespace workgroup {}", workgroup.to_lowercase());
            if let Some(admins) = &w.admins {
                out.push(List {
                    path: vec![Step::Key("admins")],
                    place: Place::WorkgroupMember {
                        workgroup: workgroup.clone(),
                    },
                    org: org.clone(),
                    entries: admins
                        .iter()
                        .map(|a| Item {
                            role: Some("admin".to_string()),
                            ..Item::user(a)
                        })
                        .collect(),
                });
            }
            if let Some(users) = &w.users {
                out.push(List {
                    path: vec![Step::Key("users")],
                    place: Place::WorkgroupMember { workgroup },
                    org,
                    entries: users
                        .iter()
                        .map(|u| Item {
                            user: Some(&u.value.user),
                            role: Some("user".to_string()),
                            expires: u.value.expires.as_ref(),
                            reason: u.value.reason.as_ref(),
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

/// Whether a grant that `expires` has ended at `now`: `expires < now`, the rule the plan uses
/// (a grant holds up to and including its instant; a date's is the start of that day, UTC).
fn ended(expires: Option<&Sp<String>>, now: When) -> Option<When> {
    let at = When::parse(&expires?.value).ok()?;
    (at < now).then_some(at)
}

/// "expired on DATE (reason)".
fn expired_on(at: When, reason: Option<&Sp<String>>) -> String {
    match reason {
        Some(r) => format!("expired on {at} ({})", r.value.trim()),
        None => format!("expired on {at}"),
    }
}

/// Every grant of `loaded` that has ended at `now`, and what goes with an ended organization
/// membership: the holder's team memberships, user participations and review duties in that
/// organization. Entries whose `expires` does not parse are left alone (validation reports
/// them).
pub fn expired(loaded: &Loaded, now: When) -> Vec<Removal> {
    // Organization (lower-cased) → users whose membership ended, with why.
    let mut gone: BTreeMap<String, BTreeMap<UserRef, String>> = BTreeMap::new();
    // (organization, workspace) → users whose own participation ended.
    let mut left: BTreeSet<(String, String, UserRef)> = BTreeSet::new();
    // Organization → its declared members (when they are managed).
    let mut members: BTreeMap<String, BTreeSet<UserRef>> = BTreeMap::new();
    for doc in &loaded.docs {
        for list in lists(doc) {
            if matches!(list.place, Place::OrgMember { .. }) {
                let m = members.entry(list.org.clone()).or_default();
                m.extend(
                    list.entries
                        .iter()
                        .filter_map(|i| i.user)
                        .map(|u| UserRef::new(&u.value)),
                );
            }
            for item in &list.entries {
                let (Some(user), Some(at)) = (item.user, ended(item.expires, now)) else {
                    continue;
                };
                match &list.place {
                    Place::OrgMember { org } => {
                        let why = format!(
                            "the membership of organization {org} {}",
                            expired_on(at, item.reason)
                        );
                        gone.entry(list.org.clone())
                            .or_default()
                            .insert(UserRef::new(&user.value), why);
                    }
                    Place::Participant { workspace, .. } => {
                        left.insert((
                            list.org.clone(),
                            workspace.to_lowercase(),
                            UserRef::new(&user.value),
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    let mut out = Vec::new();
    for (d, doc) in loaded.docs.iter().enumerate() {
        let file = &loaded.sources.get(doc.file).path;
        for list in lists(doc) {
            let members_gone = gone.get(&list.org);
            for (index, item) in list.entries.into_iter().enumerate() {
                let Some(user) = item.user else { continue };
                let u = UserRef::new(&user.value);
                let own = ended(item.expires, now).map(|at| expired_on(at, item.reason));
                let with_membership = match &list.place {
                    Place::OrgMember { .. } => None,
                    _ => members_gone.and_then(|g| g.get(&u)).cloned(),
                };
                // A workspace's reviewer who was only its participant (not an organization
                // member, where the members are managed), and whose participation ended.
                let only_participant = members.get(&list.org).is_some_and(|m| !m.contains(&u));
                let reviewer_left = match &list.place {
                    Place::ReviewOwner {
                        workspace: Some(w), ..
                    } if only_participant => left
                        .contains(&(list.org.clone(), w.to_lowercase(), u.clone()))
                        .then(|| "their participation in the workspace expired".to_string()),
                    _ => None,
                };
                let Some(why) = own.or(with_membership).or(reviewer_left) else {
                    continue;
                };
                let (line, col) = item.at;
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
                        why: Some(why),
                    },
                });
            }
        }
    }
    out
}
