//! Addresses: the stable, human-readable key of everything roster plans, e.g.
//! `org/biocommons/workspace/genomics/participant/user:jane@uq.edu.au`.
//!
//! An [`Address`] is a type, not a string that later stages split again: it is built from names
//! and principals, compared case-insensitively (a [`Name`] keeps its declared spelling for
//! display and a lower-cased key for comparison), and it is written as today's string by
//! `Display` and serde, so the JSON plan format is unchanged. `FromStr` reads that string back.
//! This module owns the shape of addresses; it must not know about plans, the platform or YAML.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use super::name::{Name, Principal};

/// What an address names.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Path {
    Org {
        org: Name,
    },
    Member {
        org: Name,
        user: String,
    },
    Team {
        org: Name,
        team: Name,
    },
    /// A custom workspace role of the organization.
    Role {
        org: Name,
        role: Name,
    },
    /// A team's membership as a whole (reported as unmanaged for IdP-linked teams).
    TeamMembers {
        org: Name,
        team: Name,
    },
    TeamMember {
        org: Name,
        team: Name,
        user: String,
    },
    Workspace {
        org: Name,
        workspace: Name,
    },
    Studios {
        org: Name,
        workspace: Name,
    },
    /// A label by `name` or `name=value` (the name lower-cased); `old` marks the removal of a
    /// label whose name and value equal a created one of the other kind.
    Label {
        org: Name,
        workspace: Name,
        label: String,
        old: bool,
    },
    Participant {
        org: Name,
        workspace: Name,
        principal: Principal,
    },
}

/// A change's (or an unmanaged object's) stable key. See the module docs.
#[derive(Clone)]
pub struct Address {
    path: Path,
    /// The lower-cased display form: what addresses are compared, hashed and sorted by.
    key: Box<str>,
}

impl Address {
    fn new(path: Path) -> Address {
        let key = Shown(&path).to_string().to_lowercase().into();
        Address { path, key }
    }
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The lower-cased form addresses are compared by.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn org(org: &str) -> Address {
        Address::new(Path::Org { org: org.into() })
    }
    pub fn member(org: &str, user: &str) -> Address {
        Address::new(Path::Member {
            org: org.into(),
            user: user.to_lowercase(),
        })
    }
    pub fn team(org: &str, team: &str) -> Address {
        Address::new(Path::Team {
            org: org.into(),
            team: team.into(),
        })
    }
    pub fn role(org: &str, role: &str) -> Address {
        Address::new(Path::Role {
            org: org.into(),
            role: role.into(),
        })
    }
    pub fn team_members(org: &str, team: &str) -> Address {
        Address::new(Path::TeamMembers {
            org: org.into(),
            team: team.into(),
        })
    }
    pub fn team_member(org: &str, team: &str, user: &str) -> Address {
        Address::new(Path::TeamMember {
            org: org.into(),
            team: team.into(),
            user: user.to_lowercase(),
        })
    }
    pub fn workspace(org: &str, workspace: &str) -> Address {
        Address::new(Path::Workspace {
            org: org.into(),
            workspace: workspace.into(),
        })
    }
    pub fn studios(org: &str, workspace: &str) -> Address {
        Address::new(Path::Studios {
            org: org.into(),
            workspace: workspace.into(),
        })
    }
    /// A label by name and optional value (`name` or `name=value`).
    pub fn label(org: &str, workspace: &str, name: &str, value: Option<&str>) -> Address {
        let label = match value {
            Some(v) => format!("{}={v}", name.to_lowercase()),
            None => name.to_lowercase(),
        };
        Address::new(Path::Label {
            org: org.into(),
            workspace: workspace.into(),
            label,
            old: false,
        })
    }
    /// The same label address, marked as the one being removed.
    pub fn into_old(self) -> Address {
        match self.path {
            Path::Label {
                org,
                workspace,
                label,
                ..
            } => Address::new(Path::Label {
                org,
                workspace,
                label,
                old: true,
            }),
            other => Address::new(other),
        }
    }
    pub fn participant(org: &str, workspace: &str, principal: Principal) -> Address {
        Address::new(Path::Participant {
            org: org.into(),
            workspace: workspace.into(),
            principal,
        })
    }

    /// The organization every address lies in.
    pub fn org_name(&self) -> &Name {
        match &self.path {
            Path::Org { org }
            | Path::Member { org, .. }
            | Path::Team { org, .. }
            | Path::Role { org, .. }
            | Path::TeamMembers { org, .. }
            | Path::TeamMember { org, .. }
            | Path::Workspace { org, .. }
            | Path::Studios { org, .. }
            | Path::Label { org, .. }
            | Path::Participant { org, .. } => org,
        }
    }
    /// The workspace, for addresses inside one.
    pub fn workspace_name(&self) -> Option<&Name> {
        match &self.path {
            Path::Workspace { workspace, .. }
            | Path::Studios { workspace, .. }
            | Path::Label { workspace, .. }
            | Path::Participant { workspace, .. } => Some(workspace),
            _ => None,
        }
    }
    /// The address of the organization this address lies in.
    pub fn org_address(&self) -> Address {
        Address::new(Path::Org {
            org: self.org_name().clone(),
        })
    }
    /// The address of the workspace this address lies in (itself for a workspace).
    pub fn workspace_address(&self) -> Option<Address> {
        let ws = self.workspace_name()?;
        Some(Address::new(Path::Workspace {
            org: self.org_name().clone(),
            workspace: ws.clone(),
        }))
    }
    /// The user a member, team-member or user-participant address names.
    pub fn user(&self) -> Option<&str> {
        match &self.path {
            Path::Member { user, .. } | Path::TeamMember { user, .. } => Some(user),
            Path::Participant { principal, .. } => principal.as_user(),
            _ => None,
        }
    }
    /// The principal of a participant address.
    pub fn principal(&self) -> Option<&Principal> {
        match &self.path {
            Path::Participant { principal, .. } => Some(principal),
            _ => None,
        }
    }
    /// Whether this is a whole organization's address.
    pub fn is_org(&self) -> bool {
        matches!(self.path, Path::Org { .. })
    }
    /// Whether this address lies inside (or is) `unit`: an org address contains everything in
    /// the org, a workspace address everything in the workspace.
    pub fn is_within(&self, unit: &Address) -> bool {
        match &unit.path {
            Path::Org { org } => self.org_name() == org,
            Path::Workspace { org, workspace } => {
                self.org_name() == org && self.workspace_name() == Some(workspace)
            }
            _ => self == unit,
        }
    }
    /// The address relative to its organization or workspace, without the segment that repeats
    /// `kind_segment` (`org/lab/member/user:a@b.org` → `user:a@b.org`): what renderers show after
    /// a change's kind. Empty for a workspace's single settings object (studios).
    pub fn subject(&self) -> String {
        match &self.path {
            Path::Org { org } => org.to_string(),
            Path::Member { user, .. } => format!("user:{user}"),
            Path::Team { team, .. } => team.to_string(),
            Path::Role { role, .. } => role.to_string(),
            Path::TeamMembers { team, .. } => format!("{team}/members"),
            Path::TeamMember { team, user, .. } => format!("{team}/member/user:{user}"),
            Path::Workspace { workspace, .. } => workspace.to_string(),
            Path::Studios { .. } => String::new(),
            Path::Label { label, old, .. } => {
                if *old {
                    format!("{label}#old")
                } else {
                    label.clone()
                }
            }
            Path::Participant { principal, .. } => principal.to_string(),
        }
    }
}

/// Writes a path in the address syntax, names as declared.
struct Shown<'a>(&'a Path);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Path::Org { org } => write!(f, "org/{org}"),
            Path::Member { org, user } => write!(f, "org/{org}/member/user:{user}"),
            Path::Team { org, team } => write!(f, "org/{org}/team/{team}"),
            Path::Role { org, role } => write!(f, "org/{org}/role/{role}"),
            Path::TeamMembers { org, team } => write!(f, "org/{org}/team/{team}/members"),
            Path::TeamMember { org, team, user } => {
                write!(f, "org/{org}/team/{team}/member/user:{user}")
            }
            Path::Workspace { org, workspace } => write!(f, "org/{org}/workspace/{workspace}"),
            Path::Studios { org, workspace } => {
                write!(f, "org/{org}/workspace/{workspace}/studios")
            }
            Path::Label {
                org,
                workspace,
                label,
                old,
            } => {
                write!(f, "org/{org}/workspace/{workspace}/label/{label}")?;
                if *old {
                    f.write_str("#old")?;
                }
                Ok(())
            }
            Path::Participant {
                org,
                workspace,
                principal,
            } => write!(f, "org/{org}/workspace/{workspace}/participant/{principal}"),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Shown(&self.path).fmt(f)
    }
}
impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}
impl PartialEq for Address {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Address {}
impl Hash for Address {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}
/// An address equals its string form, compared case-insensitively like two addresses.
impl PartialEq<str> for Address {
    fn eq(&self, other: &str) -> bool {
        *self.key == *other.to_lowercase()
    }
}
impl PartialEq<&str> for Address {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}
impl PartialOrd for Address {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Address {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// A string that is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a roster address: {0}")]
pub struct AddressError(pub(super) String);

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Address, AddressError> {
        let bad = || AddressError(format!("`{s}`"));
        let rest = s.strip_prefix("org/").ok_or_else(bad)?;
        let (org, rest) = match rest.split_once('/') {
            Some((o, r)) => (o, Some(r)),
            None => (rest, None),
        };
        if org.is_empty() {
            return Err(bad());
        }
        let Some(rest) = rest else {
            return Ok(Address::org(org));
        };
        let nonempty = |x: &str| (!x.is_empty()).then_some(()).ok_or_else(bad);
        if let Some(user) = rest.strip_prefix("member/user:") {
            nonempty(user)?;
            return Ok(Address::member(org, user));
        }
        if let Some(r) = rest.strip_prefix("role/") {
            nonempty(r)?;
            if r.contains('/') {
                return Err(bad());
            }
            return Ok(Address::role(org, r));
        }
        if let Some(t) = rest.strip_prefix("team/") {
            let (team, tail) = match t.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (t, None),
            };
            nonempty(team)?;
            return match tail {
                None => Ok(Address::team(org, team)),
                Some("members") => Ok(Address::team_members(org, team)),
                Some(tail) => {
                    let user = tail.strip_prefix("member/user:").ok_or_else(bad)?;
                    nonempty(user)?;
                    Ok(Address::team_member(org, team, user))
                }
            };
        }
        if let Some(w) = rest.strip_prefix("workspace/") {
            let (ws, tail) = match w.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (w, None),
            };
            nonempty(ws)?;
            let Some(tail) = tail else {
                return Ok(Address::workspace(org, ws));
            };
            if tail == "studios" {
                return Ok(Address::studios(org, ws));
            }
            if let Some(label) = tail.strip_prefix("label/") {
                let (label, old) = match label.strip_suffix("#old") {
                    Some(l) => (l, true),
                    None => (label, false),
                };
                nonempty(label)?;
                return Ok(Address::new(Path::Label {
                    org: org.into(),
                    workspace: ws.into(),
                    label: label.to_string(),
                    old,
                }));
            }
            if let Some(p) = tail.strip_prefix("participant/") {
                return Ok(Address::participant(org, ws, p.parse()?));
            }
        }
        Err(bad())
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_address_round_trips_through_its_string() {
        let all = [
            Address::org("BioCommons"),
            Address::member("BioCommons", "Jane@UQ.edu.au"),
            Address::team("BioCommons", "Genomics-Admins"),
            Address::role("BioCommons", "Pipeline-Runner"),
            Address::team_members("BioCommons", "Genomics-Admins"),
            Address::team_member("BioCommons", "Genomics-Admins", "jane@uq.edu.au"),
            Address::workspace("BioCommons", "Genomics"),
            Address::studios("BioCommons", "Genomics"),
            Address::label("BioCommons", "Genomics", "Community", Some("genomics")),
            Address::label("bc", "ws", "x", None).into_old(),
            Address::participant("BioCommons", "Genomics", Principal::team("Admins")),
            Address::participant("BioCommons", "Genomics", Principal::user("j@x.org")),
        ];
        for a in all {
            let s = a.to_string();
            let back: Address = s.parse().unwrap();
            assert_eq!(back, a);
            assert_eq!(back.to_string(), s, "display is preserved");
            assert_eq!(back.path(), a.path());
        }
    }

    #[test]
    fn names_display_as_declared_and_compare_case_insensitively() {
        let a = Address::workspace("BioCommons", "Genomics");
        let b = Address::workspace("biocommons", "genomics");
        assert_eq!(a.to_string(), "org/BioCommons/workspace/Genomics");
        assert_eq!(a, b);
        assert_eq!(a.cmp(&b), Ordering::Equal);
        assert_eq!(a.key(), "org/biocommons/workspace/genomics");
        // Users are always lower-cased.
        assert_eq!(
            Address::member("Lab", "Jane@X.ORG").to_string(),
            "org/Lab/member/user:jane@x.org"
        );
    }

    #[test]
    fn containment_follows_org_and_workspace() {
        let org = Address::org("Lab");
        let ws = Address::workspace("lab", "RNAseq");
        let p = Address::participant("LAB", "rnaseq", Principal::user("a@b.org"));
        let other = Address::participant("lab", "other", Principal::user("a@b.org"));
        assert!(p.is_within(&org) && p.is_within(&ws));
        assert!(!other.is_within(&ws) && other.is_within(&org));
        assert!(!Address::member("lab", "a@b.org").is_within(&ws));
        assert_eq!(p.workspace_address(), Some(ws));
        assert_eq!(p.user(), Some("a@b.org"));
    }

    #[test]
    fn malformed_strings_are_errors_not_panics() {
        for s in [
            "",
            "org/",
            "somewhere/else",
            "org/x/member/",
            "org/x/member/user:",
            "org/x/team/",
            "org/x/team/t/bogus",
            "org/x/workspace/w/participant/nobody",
            "org/x/workspace/w/label/",
            "org/x/workspace/w/unknown",
        ] {
            assert!(s.parse::<Address>().is_err(), "{s:?} is rejected");
        }
    }

    #[test]
    fn ordering_is_that_of_the_lower_cased_strings() {
        let mut v = [
            Address::team("a", "b"),
            Address::org("A"),
            Address::member("a", "z@z"),
            Address::workspace("a", "a-b"),
            Address::workspace("a", "a"),
        ];
        v.sort();
        let keys: Vec<&str> = v.iter().map(Address::key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
