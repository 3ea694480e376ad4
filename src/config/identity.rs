//! Principals that are one platform user: `alice` (a user name) and `alice@uni.edu.au` (an
//! email) pass validation as two users, but once the live platform says they are the same person
//! every apply would flip that user between the two declared roles. Given a way to resolve a
//! reference to a live user, [`collisions`] finds every list (an org's members, a team's, a
//! workspace's participants) that declares one user twice, with both places.
//!
//! It is pure: it must not read the platform itself (the caller resolves) nor print.

use std::collections::HashMap;
use std::fmt;

use super::desired::{Desired, Origin, UserList, UserRef};

/// The live user a reference resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveUser {
    /// What identifies the user on the platform (its id, or its lower-cased email).
    pub id: String,
    /// How to show the user: `name <email>`.
    pub shown: String,
}

/// One user declared twice in one list, under two references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    pub list: UserList,
    pub user: LiveUser,
    /// The earlier declaration: as written, and where.
    pub first: (String, Origin),
    /// The later one.
    pub again: (String, Origin),
}

impl fmt::Display for Collision {
    /// `error[duplicate]: …` and both places, one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clean = |s: &str| crate::diag::sanitize(s).into_owned();
        writeln!(
            f,
            "error[duplicate]: `{}` and `{}` are one platform user, {}, listed twice in {}",
            clean(&self.first.0),
            clean(&self.again.0),
            clean(&self.user.shown),
            self.list
        )?;
        writeln!(f, " --> {}: listed again here", clean(&self.again.1.0))?;
        writeln!(f, " --> {}: first listed here", clean(&self.first.1.0))?;
        write!(
            f,
            "help: name each user once, by email or by user name; the platform matches both"
        )
    }
}

/// Every list of `desired` in which two different references resolve to the same live user.
/// `resolve` maps an org (lower-cased name) and a reference to the live user it names, if any.
pub fn collisions(
    desired: &Desired,
    resolve: impl Fn(&str, &UserRef) -> Option<LiveUser>,
) -> Vec<Collision> {
    let mut seen: HashMap<(&UserList, String), (&UserRef, &str, &Origin)> = HashMap::new();
    let mut out = Vec::new();
    for site in &desired.user_sites.0 {
        let Some(user) = resolve(site.list.org(), &site.user) else {
            continue;
        };
        match seen.get(&(&site.list, user.id.clone())) {
            // The same reference twice is a duplicate validation already reports.
            Some((first_ref, _, _)) if *first_ref == &site.user => {}
            Some((_, written, origin)) => out.push(Collision {
                list: site.list.clone(),
                user,
                first: (written.to_string(), (*origin).clone()),
                again: (site.written.clone(), site.origin.clone()),
            }),
            None => {
                seen.insert(
                    (&site.list, user.id),
                    (&site.user, site.written.as_str(), &site.origin),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::desired::{UserSite, UserSites};

    fn site(list: &UserList, written: &str, at: &str) -> UserSite {
        UserSite {
            list: list.clone(),
            written: written.into(),
            user: UserRef::new(written),
            origin: Origin(at.into()),
        }
    }

    #[test]
    fn a_user_name_and_an_email_of_one_user_collide_in_one_list_only() {
        let members = UserList::OrgMembers { org: "lab".into() };
        let ws = UserList::Participants {
            org: "lab".into(),
            workspace: "ws".into(),
        };
        let desired = Desired {
            user_sites: UserSites(vec![
                site(&members, "alice", "a.yaml:4:7"),
                site(&members, "bob@x.org", "a.yaml:5:7"),
                site(&members, "Alice@Uni.edu.au", "a.yaml:6:7"),
                site(&ws, "alice", "w.yaml:9:5"),
                site(&ws, "carol@x.org", "w.yaml:10:5"),
            ]),
            ..Desired::default()
        };
        let resolve = |org: &str, u: &UserRef| {
            assert_eq!(org, "lab");
            match u.as_str() {
                "alice" | "alice@uni.edu.au" => Some(LiveUser {
                    id: "7".into(),
                    shown: "alice <alice@uni.edu.au>".into(),
                }),
                "bob@x.org" => Some(LiveUser {
                    id: "8".into(),
                    shown: "bob".into(),
                }),
                _ => None,
            }
        };
        let found = collisions(&desired, resolve);
        assert_eq!(found.len(), 1, "{found:?}");
        let c = &found[0];
        assert_eq!(c.list, members);
        assert_eq!(c.first, ("alice".into(), Origin("a.yaml:4:7".into())));
        assert_eq!(
            c.again,
            ("Alice@Uni.edu.au".into(), Origin("a.yaml:6:7".into()))
        );
        let text = c.to_string();
        assert!(
            text.contains("a.yaml:4:7") && text.contains("a.yaml:6:7"),
            "{text}"
        );
    }
}
