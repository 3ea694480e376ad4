//! The desired BaseSpace state: the `type: basespace` platforms of Settings (regions with their
//! API hosts and token variables) and the declared workgroups, validated and normalised (users
//! lower-cased, defaults applied, sorted). Plain data: no spans, no I/O, no clock (an expiry is
//! a [`When`]; whether it has passed is decided by whoever is given the time).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Origin, UserRef, When};

/// A BaseSpace region code (`use1`, `euc1`…), lower-cased. Each region is an instance of its
/// own, with its own API host, tokens and application access ("Sequence Hub – US").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Region(String);

/// The regions Illumina documents (KB 5560): code, what the Admin Console calls it, the API
/// host, and the web host.
const KNOWN_REGIONS: [(&str, &str, &str, &str); 6] = [
    (
        "use1",
        "US",
        "https://api.basespace.illumina.com",
        "https://basespace.illumina.com",
    ),
    (
        "euc1",
        "EU",
        "https://api.euc1.sh.basespace.illumina.com",
        "https://euc1.sh.basespace.illumina.com",
    ),
    (
        "aps2",
        "AU",
        "https://api.aps2.sh.basespace.illumina.com",
        "https://aps2.sh.basespace.illumina.com",
    ),
    (
        "cac1",
        "CA",
        "https://api.cac1.sh.basespace.illumina.com",
        "https://cac1.sh.basespace.illumina.com",
    ),
    (
        "cnn1",
        "CN",
        "https://api.cnn1.sh.basespace.illumina.com.cn",
        "https://cnn1.sh.basespace.illumina.com.cn",
    ),
    (
        "euw2",
        "UK",
        "https://api.euw2.sh.basespace.illumina.com",
        "https://euw2.sh.basespace.illumina.com",
    ),
];

impl Region {
    pub fn new(code: &str) -> Region {
        Region(code.trim().to_lowercase())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Every region code Illumina documents.
    pub fn known() -> impl Iterator<Item = &'static str> {
        KNOWN_REGIONS.iter().map(|r| r.0)
    }
    fn entry(&self) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
        KNOWN_REGIONS.iter().find(|r| r.0 == self.0)
    }
    /// Whether Illumina documents this region.
    pub fn is_known(&self) -> bool {
        self.entry().is_some()
    }
    /// What the Admin Console's application list calls the region (`US`, `EU`…); the code,
    /// upper-cased, for a region roster does not know.
    pub fn label(&self) -> String {
        self.entry()
            .map_or_else(|| self.0.to_uppercase(), |r| r.1.to_string())
    }
    /// Illumina's API host for the region.
    pub fn default_endpoint(&self) -> Option<&'static str> {
        self.entry().map(|r| r.2)
    }
    /// The BaseSpace Sequence Hub web address of the region (where the Admin Console steps
    /// start).
    pub fn web(&self) -> Option<&'static str> {
        self.entry().map(|r| r.3)
    }
    /// The token variable a region uses when Settings names none: `BASESPACE_TOKEN_USE1`.
    pub fn default_token_env(&self) -> String {
        format!("BASESPACE_TOKEN_{}", self.0.to_uppercase())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One region of a BaseSpace platform: where its API is and which variable holds its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionConf {
    pub endpoint: String,
    pub token_env: String,
}

/// A BaseSpace platform of Settings: its regions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BaseSpacePlatform {
    pub regions: BTreeMap<Region, RegionConf>,
}

/// A workgroup's subscription tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Professional,
    Enterprise,
}

impl Tier {
    pub fn parse(s: &str) -> Option<Tier> {
        match s {
            "professional" => Some(Tier::Professional),
            "enterprise" => Some(Tier::Enterprise),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Professional => "professional",
            Tier::Enterprise => "enterprise",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A workgroup as declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workgroup {
    /// As declared.
    pub name: String,
    /// The BaseSpace platform of Settings it lives on.
    pub platform: String,
    /// The regions it is used in, in the declared order (the first is where the Admin
    /// Console steps start).
    pub regions: Vec<Region>,
    pub tier: Tier,
    /// The enterprise domain (Enterprise only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Lower-cased email domains of the enterprise domain's users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_domains: Vec<String>,
    pub collaborative: bool,
    /// `None`: the admins are not managed. Sorted.
    pub admins: Option<Vec<UserRef>>,
    /// `None`: membership unmanaged. Sorted by user.
    pub users: Option<Vec<WorkgroupUser>>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Workgroup {
    /// The lower-cased name it is matched by.
    pub fn key(&self) -> String {
        self.name.to_lowercase()
    }
}

/// A workgroup user and their Sequence Hub access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkgroupUser {
    /// A lower-cased email address or a numeric BaseSpace user ID.
    pub user: UserRef,
    /// The regions where the user has Sequence Hub access ("Has Access"), sorted.
    pub sequence_hub: Vec<Region>,
    /// When the user's access ends (a date is the start of that day, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<When>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The desired BaseSpace state of a repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseSpace {
    /// The `type: basespace` platforms of Settings, by name.
    pub platforms: BTreeMap<String, BaseSpacePlatform>,
    /// Sorted by platform, then lower-cased name.
    pub workgroups: Vec<Workgroup>,
}

impl BaseSpace {
    pub fn is_empty(&self) -> bool {
        self.platforms.is_empty() && self.workgroups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_regions_have_hosts_labels_and_token_variables() {
        let eu = Region::new("EUC1");
        assert_eq!(eu.as_str(), "euc1");
        assert_eq!(eu.label(), "EU");
        assert_eq!(
            eu.default_endpoint(),
            Some("https://api.euc1.sh.basespace.illumina.com")
        );
        assert_eq!(eu.default_token_env(), "BASESPACE_TOKEN_EUC1");
        let odd = Region::new("xyz9");
        assert!(!odd.is_known());
        assert_eq!(odd.label(), "XYZ9");
        assert_eq!(odd.default_endpoint(), None);
    }
}
