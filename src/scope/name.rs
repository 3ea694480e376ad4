//! Names and principals as addresses hold them: a [`Name`] keeps its declared spelling for display
//! and a lower-cased key for comparison; a [`Principal`] is a user (lower-cased) or a team. This
//! file must not know about addresses' syntax beyond the `user:`/`team:` prefixes.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::address::AddressError;

/// A name as declared (an org, workspace or team), compared case-insensitively.
#[derive(Clone)]
pub struct Name {
    shown: Box<str>,
    key: Box<str>,
}

impl Name {
    pub fn new(s: &str) -> Name {
        Name {
            shown: s.into(),
            key: s.to_lowercase().into(),
        }
    }
    /// The name as declared.
    pub fn as_str(&self) -> &str {
        &self.shown
    }
    /// The lower-cased form names are compared by.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// Whether `other` names the same thing (case-insensitively).
    pub fn is(&self, other: &str) -> bool {
        self.shown.eq_ignore_ascii_case(other) || *self.key == *other.to_lowercase()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Name {}
impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}
impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Name {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}
impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.shown, f)
    }
}
impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}
impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::new(s)
    }
}

/// Who holds a grant, as addresses name them: `user:EMAIL-OR-USERNAME` (lower-cased) or
/// `team:NAME`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Principal {
    /// A user by lower-cased email, or user name when the platform has no email.
    User(String),
    Team(Name),
}

impl Principal {
    pub fn user(u: &str) -> Principal {
        Principal::User(u.trim().to_lowercase())
    }
    pub fn team(t: &str) -> Principal {
        Principal::Team(Name::new(t))
    }
    /// The user, for a user principal.
    pub fn as_user(&self) -> Option<&str> {
        match self {
            Principal::User(u) => Some(u),
            Principal::Team(_) => None,
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::User(u) => write!(f, "user:{u}"),
            Principal::Team(t) => write!(f, "team:{t}"),
        }
    }
}

impl FromStr for Principal {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Principal, AddressError> {
        if let Some(u) = s.strip_prefix("user:").filter(|u| !u.is_empty()) {
            Ok(Principal::user(u))
        } else if let Some(t) = s.strip_prefix("team:").filter(|t| !t.is_empty()) {
            Ok(Principal::team(t))
        } else {
            Err(AddressError(format!(
                "`{s}` is not a principal (user:… or team:…)"
            )))
        }
    }
}
