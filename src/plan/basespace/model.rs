//! The BaseSpace part of a plan: the regions read ([`BaseSpaceTarget`]) and the changes that
//! only a person can make ([`ManualChange`]), each with the exact Admin Console steps and the
//! ledger record that confirming it writes. Part of the plan's JSON (docs/plan-format.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::super::model::{Action, RoleChange};
use crate::ledger::Record;
use crate::scope::WorkgroupAddress;

/// What every manual change says about checking it.
pub const UNVERIFIABLE: &str = "cannot be verified by API";

/// One BaseSpace region read for the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseSpaceTarget {
    pub platform: String,
    /// The region code (`use1`…).
    pub region: String,
    pub endpoint: String,
    /// The variable holding this region's token (its name, never its value).
    pub token_env: String,
    /// Who the token acts as (`Name <email>`, and its workgroup context when it has one).
    pub acting_user: String,
    /// Each declared workgroup checked here → its BaseSpace id.
    pub workgroups: BTreeMap<String, String>,
    /// What could not be checked (an undocumented subscription plan, an inactive subscription).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

/// Sequence Hub regions before and after a change (empty on the side where the person is not
/// a member, or for an admin).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegionsChange {
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub before: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub after: Vec<String>,
}

/// A BaseSpace membership change that no API can make or check: a person does it in the
/// Admin Console, following `steps`, and confirms it; `apply` then writes `record` to the
/// ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualChange {
    /// e.g. `basespace/illumina/workgroup/smith-lab-sequencing/user/jo@uq.edu.au`.
    pub address: WorkgroupAddress,
    /// create: invite; update: change access or role; delete: remove.
    pub action: Action,
    pub platform: String,
    /// The workgroup's name as declared.
    pub workgroup: String,
    /// The person: a lower-cased email address or a numeric BaseSpace user ID.
    pub user: String,
    /// `user` or `admin`, before and after.
    pub role: RoleChange,
    /// Sequence Hub regions, before and after.
    #[serde(skip_serializing_if = "is_empty_change", default)]
    pub sequence_hub: RegionsChange,
    /// The change in a line, e.g. `invite jo@uq.edu.au as a user: Sequence Hub – US`.
    pub summary: String,
    /// Where to start: the BaseSpace Sequence Hub (or enterprise Admin Console) address.
    pub console: String,
    /// The exact Admin Console steps, in order.
    pub steps: Vec<String>,
    /// Always [`UNVERIFIABLE`]: no API can show whether the step was done.
    pub verification: String,
    /// Why the change looks the way it does (an expiry, the reason a user was added).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// What confirming the step records in the ledger (apply adds who and when).
    pub record: Record,
}

fn is_empty_change(c: &RegionsChange) -> bool {
    c.before.is_empty() && c.after.is_empty()
}
