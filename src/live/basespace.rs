//! What BaseSpace reports, region by region: the token's user and the metadata of the declared
//! workgroups it can see. That is everything the BSSH v2 API tells about workgroups; it has no
//! members, so nothing here says who belongs to a workgroup. It decides nothing: the planner
//! compares the metadata with the declared tier and collaboration.

use serde::{Deserialize, Serialize};

use crate::config::desired::basespace::Region;
use crate::platform::basespace::dto::V2Workgroup;
use crate::platform::basespace::{BsApiError, BsClient};

/// The person (and context) a region's token acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BsActing {
    /// The BaseSpace user ID of the person.
    pub id: String,
    pub name: String,
    pub email: String,
    /// The workgroup the token's context is, when it was made in one (`bs auth` in a
    /// workgroup's context): its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

impl BsActing {
    /// `Name <email>`, and the context when there is one.
    pub fn shown(&self) -> String {
        let who = match (self.name.is_empty(), self.email.is_empty()) {
            (false, false) => format!("{} <{}>", self.name, self.email),
            (true, false) => self.email.clone(),
            (false, true) => self.name.clone(),
            (true, true) => format!("user {}", self.id),
        };
        match &self.context {
            Some(c) => format!("{who} in workgroup {c}"),
            None => who,
        }
    }
}

/// A workgroup's metadata, as the API gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BsWorkgroupLive {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub domain: String,
    pub collaborative: Option<bool>,
    /// `Subscription.Plan` (`Professional`, `Enterprise`…), when given.
    pub plan: Option<String>,
    pub active: Option<bool>,
}

impl BsWorkgroupLive {
    fn from_dto(w: V2Workgroup) -> BsWorkgroupLive {
        let sub = w.subscription.unwrap_or_default();
        let name = w.name.unwrap_or_default();
        BsWorkgroupLive {
            id: w.id.unwrap_or_default(),
            display_name: w.display_name.unwrap_or_else(|| name.clone()),
            name,
            domain: w.domain_name.unwrap_or_default(),
            collaborative: w.is_collaborative,
            plan: sub.plan.or(sub.name),
            active: sub.is_active,
        }
    }
}

/// How a declared workgroup was found in a region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "found")]
pub enum Sighting {
    /// Listed for the token's user, and its metadata read by id.
    Visible { workgroup: BsWorkgroupLive },
    /// Not among the workgroups the token's user belongs to (or gone when read by id).
    NotVisible,
    /// More than one of the user's workgroups has that name.
    Ambiguous { ids: Vec<String> },
}

/// What was read from one region of one BaseSpace platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BsRegionLive {
    pub platform: String,
    pub region: Region,
    pub endpoint: String,
    pub acting: BsActing,
    /// Every workgroup the token's user belongs to in this region, by name.
    pub visible: Vec<String>,
    /// Each declared workgroup (lower-cased name) → how it was found.
    pub declared: std::collections::BTreeMap<String, Sighting>,
}

/// Read a region: who the token is, the workgroups that user belongs to, and, for each
/// `declared` name found among them (by `Name`, else by display name, case-insensitively), its
/// metadata by id.
pub async fn read(
    client: &BsClient,
    platform: &str,
    region: &Region,
    declared: &[String],
) -> Result<BsRegionLive, BsApiError> {
    let me = client.current_user().await?;
    let workgroup_context = me.is_workgroup == Some(true);
    let person = match (&me.logged_in_user, workgroup_context) {
        (Some(p), true) => BsActing {
            id: p.id.clone().unwrap_or_default(),
            name: p.name.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            context: me.name.clone(),
        },
        _ => BsActing {
            id: me.id.clone().unwrap_or_default(),
            name: me.name.clone().unwrap_or_default(),
            email: me.email.clone().unwrap_or_default(),
            context: None,
        },
    };
    // The person's workgroups (in a workgroup context the current user is the workgroup).
    let list_as = if person.id.is_empty() {
        "current".to_string()
    } else {
        person.id.clone()
    };
    let listed: Vec<BsWorkgroupLive> = client
        .workgroups(&list_as)
        .await?
        .into_iter()
        .map(BsWorkgroupLive::from_dto)
        .collect();
    let mut out = std::collections::BTreeMap::new();
    for name in declared {
        let key = name.to_lowercase();
        let by_name: Vec<&BsWorkgroupLive> = listed
            .iter()
            .filter(|w| w.name.eq_ignore_ascii_case(name))
            .collect();
        let matches = if by_name.is_empty() {
            listed
                .iter()
                .filter(|w| w.display_name.eq_ignore_ascii_case(name))
                .collect()
        } else {
            by_name
        };
        let sighting = match matches.as_slice() {
            [] => Sighting::NotVisible,
            [w] => match client.workgroup(&w.id).await {
                Ok(dto) => Sighting::Visible {
                    workgroup: BsWorkgroupLive::from_dto(dto),
                },
                Err(e) if e.is_not_found() => Sighting::NotVisible,
                Err(e) => return Err(e),
            },
            many => Sighting::Ambiguous {
                ids: many.iter().map(|w| w.id.clone()).collect(),
            },
        };
        out.insert(key, sighting);
    }
    let mut visible: Vec<String> = listed.into_iter().map(|w| w.name).collect();
    visible.sort();
    Ok(BsRegionLive {
        platform: platform.to_string(),
        region: region.clone(),
        endpoint: client.endpoint().to_string(),
        acting: person,
        visible,
        declared: out,
    })
}
