//! The BaseSpace documents as written in YAML: a `BaseSpaceWorkgroup` document, and the
//! `type: basespace` platform of Settings (its regions, each with an API host and the variable
//! holding that region's token). Like the Seqera documents they reject unknown fields and keep
//! the location of every value a diagnostic may point at; the rules are in
//! `validate/basespace.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::Sp;

/// A BaseSpaceWorkgroup document.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum WorkgroupKind {
    BaseSpaceWorkgroup,
}

/// A workgroup's subscription tier.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum TierName {
    /// One admin, set up by an Illumina representative.
    Professional,
    /// Workgroups of an enterprise domain, administered by the domain's admins too.
    Enterprise,
}

/// What `expires:` accepts: `2027-03-31` (the grant ends at the start of that day, UTC) or an
/// RFC 3339 date-time with a zone.
pub const EXPIRES_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$";

/// A BaseSpace Sequence Hub workgroup: who should belong to it and with which access. roster
/// checks through the BSSH API that it exists and matches its tier and collaboration; changes
/// to its members are manual Admin Console steps (docs/basespace.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "BaseSpaceWorkgroup")]
pub struct WorkgroupDoc {
    #[schemars(with = "WorkgroupKind")]
    pub kind: Sp<String>,
    /// The workgroup's name in BaseSpace (compared case-insensitively with its `Name`, then its
    /// display name).
    #[schemars(length(min = 1, max = 100))]
    pub name: Sp<String>,
    /// The Settings platform of `type: basespace` it lives on (optional when only one is declared).
    #[serde(default)]
    pub platform: Option<Sp<String>>,
    /// The regions (instances) the workgroup is used in, e.g. `[use1]` or `[use1, euc1]`; each
    /// must be a region of its platform. Absent: every region of the platform.
    #[serde(default)]
    pub regions: Option<Vec<Sp<String>>>,
    /// `professional` (exactly one admin) or `enterprise` (a workgroup of an enterprise domain).
    #[schemars(with = "TierName")]
    pub tier: Sp<String>,
    /// Enterprise only (and required there): the enterprise domain, as in
    /// `https://DOMAIN.login.illumina.com`.
    #[serde(default)]
    pub domain: Option<Sp<String>>,
    /// Enterprise only: the email domains of the enterprise domain's users (suffix match, e.g.
    /// `uq.edu.au`). A user by email outside them needs `collaborative: true`.
    #[serde(default)]
    pub email_domains: Option<Vec<Sp<String>>>,
    /// Whether users from outside the domain may join (fixed when the workgroup is created).
    /// Default false.
    #[serde(default)]
    pub collaborative: Option<Sp<bool>>,
    /// Workgroup administrators, by email or numeric BaseSpace user ID. A Professional
    /// workgroup has exactly one.
    #[serde(default)]
    pub admins: Option<Vec<Sp<String>>>,
    /// Workgroup users, with their application access. Absent: membership is not managed.
    #[serde(default)]
    pub users: Option<Vec<Sp<WorkgroupUserDoc>>>,
}

/// A workgroup user.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkgroupUserDoc {
    /// An email address (compared case-insensitively) or a numeric BaseSpace user ID.
    pub user: Sp<String>,
    /// Application access ("Has Access") per region. Absent: Sequence Hub in every region of
    /// the workgroup.
    #[serde(default)]
    pub access: Option<Sp<AccessDoc>>,
    /// When the user's access ends: a date, `2027-03-31` (the start of that day, UTC), or an
    /// RFC 3339 date-time with a zone. Once past, `plan` shows the manual removal.
    #[serde(default)]
    #[schemars(regex(pattern = EXPIRES_PATTERN))]
    pub expires: Option<Sp<String>>,
    /// Why the user has access (free text, shown in plans).
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub reason: Option<Sp<String>>,
}

/// Application access per region: each application lists the regions where the user "Has
/// Access" (the others are "No Access").
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessDoc {
    /// BaseSpace Sequence Hub: the regions, e.g. `[use1]` for "Sequence Hub – US".
    #[serde(default)]
    pub sequence_hub: Option<Vec<Sp<String>>>,
}

/// One region of a BaseSpace platform.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegionDoc {
    /// The region's API host. Absent: Illumina's host for the region (e.g.
    /// `https://api.basespace.illumina.com` for use1).
    #[serde(default)]
    pub endpoint: Option<Sp<String>>,
    /// Environment variable holding the BaseSpace access token for this region (default
    /// `BASESPACE_TOKEN_<REGION>`, e.g. `BASESPACE_TOKEN_USE1`).
    #[serde(default)]
    pub token_env: Option<Sp<String>>,
}

/// Settings platform types, for the schema.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum SeqeraType {
    Seqera,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum BaseSpaceType {
    Basespace,
}

/// A Seqera Platform instance (the default `type`).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SeqeraPlatformSchema {
    /// `seqera` (the default).
    #[serde(default)]
    r#type: Option<SeqeraType>,
    /// API base URL, e.g. `https://api.cloud.seqera.io` or `https://seqera.example.org/api`.
    endpoint: String,
    /// Environment variable holding this platform's access token (default TOWER_ACCESS_TOKEN).
    #[serde(default)]
    token_env: Option<String>,
}

/// A BaseSpace Sequence Hub account: its regions, each an instance with its own host and token.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct BaseSpacePlatformSchema {
    r#type: BaseSpaceType,
    /// Regions by code: use1 (US), euc1 (EU), aps2 (Australia), cac1 (Canada), cnn1 (China),
    /// euw2 (UK).
    regions: BTreeMap<String, RegionDoc>,
}

/// A Settings platform: a Seqera Platform (default) or, with `type: basespace`, BaseSpace.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PlatformSchema {
    Seqera(SeqeraPlatformSchema),
    BaseSpace(BaseSpacePlatformSchema),
}
