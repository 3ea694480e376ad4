//! The address of a BaseSpace membership: `basespace/PLATFORM/workgroup/NAME/user/USER`, the
//! stable key of a manual step. Like [`super::Address`] it is a type built from names (shown as
//! declared, compared case-insensitively; users lower-cased) and written as its string by
//! `Display` and serde. Workgroup names may hold spaces or slashes, so the name is the part
//! between `/workgroup/` and the last `/user/`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::address::AddressError;
use super::name::Name;

/// A person's membership of a BaseSpace workgroup.
#[derive(Clone)]
pub struct WorkgroupAddress {
    platform: Name,
    workgroup: Name,
    user: String,
    key: Box<str>,
}

impl WorkgroupAddress {
    pub fn new(platform: &str, workgroup: &str, user: &str) -> WorkgroupAddress {
        let user = user.trim().to_lowercase();
        let key = format!("basespace/{platform}/workgroup/{workgroup}/user/{user}")
            .to_lowercase()
            .into();
        WorkgroupAddress {
            platform: Name::new(platform),
            workgroup: Name::new(workgroup),
            user,
            key,
        }
    }
    pub fn platform(&self) -> &str {
        self.platform.as_str()
    }
    pub fn workgroup(&self) -> &str {
        self.workgroup.as_str()
    }
    pub fn user(&self) -> &str {
        &self.user
    }
    /// The lower-cased form addresses are compared by.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for WorkgroupAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "basespace/{}/workgroup/{}/user/{}",
            self.platform.as_str(),
            self.workgroup.as_str(),
            self.user
        )
    }
}

impl fmt::Debug for WorkgroupAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WorkgroupAddress({self})")
    }
}

impl PartialEq for WorkgroupAddress {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for WorkgroupAddress {}
impl Hash for WorkgroupAddress {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}
impl PartialOrd for WorkgroupAddress {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for WorkgroupAddress {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl FromStr for WorkgroupAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<WorkgroupAddress, AddressError> {
        let bad = || AddressError(format!("`{s}`"));
        let rest = s.strip_prefix("basespace/").ok_or_else(bad)?;
        let (platform, rest) = rest.split_once("/workgroup/").ok_or_else(bad)?;
        let (workgroup, user) = rest.rsplit_once("/user/").ok_or_else(bad)?;
        if platform.is_empty() || platform.contains('/') || workgroup.is_empty() || user.is_empty()
        {
            return Err(bad());
        }
        Ok(WorkgroupAddress::new(platform, workgroup, user))
    }
}

impl Serialize for WorkgroupAddress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for WorkgroupAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WorkgroupAddress, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_and_compare_case_insensitively() {
        let a = WorkgroupAddress::new("illumina", "Smith Lab / Seq", "Jo@UQ.edu.au");
        assert_eq!(
            a.to_string(),
            "basespace/illumina/workgroup/Smith Lab / Seq/user/jo@uq.edu.au"
        );
        let back: WorkgroupAddress = a.to_string().parse().unwrap();
        assert_eq!(back, a);
        assert_eq!(back.workgroup(), "Smith Lab / Seq");
        assert_eq!(back.user(), "jo@uq.edu.au");
        assert_eq!(
            a,
            WorkgroupAddress::new("ILLUMINA", "smith lab / seq", "jo@uq.edu.au")
        );
        for bad in [
            "",
            "org/x",
            "basespace/p/workgroup//user/u",
            "basespace/p/workgroup/w/user/",
        ] {
            assert!(bad.parse::<WorkgroupAddress>().is_err(), "{bad}");
        }
    }
}
