//! The config documents as written in YAML (format v1, README.md, "The configuration in brief"): serde types that
//! reject unknown fields, carry the location of every value a diagnostic may point at, and
//! generate the JSON Schema. Semantic rules live in `validate`; the validated, normalised model the
//! planner reads is [`super::Desired`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

pub use crate::diag::Sp;

pub mod basespace;

pub use basespace::{AccessDoc, RegionDoc, WorkgroupDoc, WorkgroupUserDoc};

// The `kind` values, for the schema only (the loader reads `kind` as text to report it well).
/// A Settings document.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum SettingsKind {
    Settings,
}
/// An Organization document.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum OrganizationKind {
    Organization,
}
/// A Workspace document.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum WorkspaceKind {
    Workspace,
}

/// An organization role: `owner` or `member`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum OrgRoleName {
    Owner,
    Member,
}

/// Who can see the workspace.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum VisibilityName {
    /// Only participants can see the workspace.
    Private,
    /// Every organization member can view the workspace.
    Shared,
}

/// Whether the workspace should exist.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum EnsureName {
    Present,
    Absent,
}

/// Repository-wide settings: platforms and policy. At most one per repository.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Settings")]
pub struct SettingsDoc {
    #[schemars(with = "SettingsKind")]
    pub kind: Sp<String>,
    /// Platforms by name. When absent, one platform is used: --endpoint, TOWER_API_ENDPOINT or Seqera Cloud.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, basespace::PlatformSchema>>")]
    pub platforms: Option<BTreeMap<String, Sp<PlatformDoc>>>,
    /// Guard rails checked by validate, plan and apply.
    #[serde(default)]
    pub policy: Option<Sp<PolicyDoc>>,
}

/// One platform: a Seqera Platform instance (`type: seqera`, the default: `endpoint`,
/// `tokenEnv`) or a BaseSpace Sequence Hub account (`type: basespace`: `regions`). Read as one
/// flat type so every value keeps its location; `validate/settings` checks which fields each
/// type takes (the schema has the two shapes apart, see [`basespace::PlatformSchema`]).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformDoc {
    /// `seqera` (default) or `basespace`.
    #[serde(default, rename = "type")]
    pub platform_type: Option<Sp<String>>,
    /// API base URL, e.g. `https://api.cloud.seqera.io` or `https://seqera.example.org/api`.
    #[serde(default)]
    pub endpoint: Option<Sp<String>>,
    /// Environment variable holding this platform's access token (default TOWER_ACCESS_TOKEN).
    #[serde(default)]
    pub token_env: Option<Sp<String>>,
    /// BaseSpace only: the regions by code, each with its API host and token variable.
    #[serde(default)]
    pub regions: Option<BTreeMap<String, Sp<RegionDoc>>>,
}

/// Policy: what roster refuses to plan or apply unless explicitly overridden.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyDoc {
    /// Email domains users must belong to (suffix match, e.g. `edu.au`); empty or absent allows any.
    #[serde(default)]
    pub allowed_email_domains: Option<Vec<Sp<String>>>,
    /// Minimum number of owners every organization keeps (default 1).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub min_org_owners: Option<Sp<u32>>,
    /// Highest workspace role a collaborator (a participant who is not an org member) may have.
    #[serde(default)]
    pub collaborator_max_role: Option<Sp<String>>,
    /// Refuse plans that remove more than this share (0–1) of existing access (default 0.25).
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_removal_fraction: Option<Sp<f64>>,
}

/// An organization: its profile, members and teams. roster never deletes an organization.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Organization")]
pub struct OrganizationDoc {
    #[schemars(with = "OrganizationKind")]
    pub kind: Sp<String>,
    /// Platform name: 2–39 letters or digits, runs joined by single `-` or `_`.
    #[schemars(
        length(min = 2, max = 39),
        regex(pattern = r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
    )]
    pub name: Sp<String>,
    /// Which Settings platform the organization lives on (optional when only one is declared).
    #[serde(default)]
    pub platform: Option<Sp<String>>,
    /// Display name (at most 100 characters). Absent: the name is used on creation, then unmanaged.
    #[serde(default)]
    #[schemars(length(max = 100))]
    pub full_name: Option<Sp<String>>,
    /// At most 1000 characters. Absent: unmanaged.
    #[serde(default)]
    #[schemars(length(max = 1000))]
    pub description: Option<Sp<String>>,
    /// At most 100 characters. Absent: unmanaged.
    #[serde(default)]
    #[schemars(length(max = 100))]
    pub location: Option<Sp<String>>,
    /// Absent: unmanaged.
    #[serde(default)]
    pub website: Option<Sp<String>>,
    /// Names of custom workspace roles defined on the platform for this organization.
    #[serde(default)]
    pub custom_roles: Option<Vec<Sp<String>>>,
    /// Members and owners. Absent: membership is unmanaged. Present: roster removes anyone not listed.
    #[serde(default)]
    pub members: Option<Vec<Sp<MemberDoc>>>,
    /// Teams. Absent: teams are unmanaged. Present: roster deletes teams not listed.
    #[serde(default)]
    pub teams: Option<Vec<Sp<TeamDoc>>>,
}

/// An organization member.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberDoc {
    /// Email address (compared case-insensitively) or platform user name.
    pub user: Sp<String>,
    /// `owner` or `member` (default).
    #[serde(default)]
    #[schemars(with = "Option<OrgRoleName>")]
    pub role: Option<Sp<String>>,
}

/// A team of organization members.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeamDoc {
    /// Team name, same rules as organization names.
    #[schemars(
        length(min = 2, max = 39),
        regex(pattern = r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
    )]
    pub name: Sp<String>,
    /// At most 250 characters. Absent: unmanaged.
    #[serde(default)]
    #[schemars(length(max = 250))]
    pub description: Option<Sp<String>>,
    /// Users in the team; each must be an organization member. Absent: unmanaged.
    #[serde(default)]
    pub members: Option<Vec<Sp<String>>>,
}

/// A workspace of an organization, with its participants.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Workspace")]
pub struct WorkspaceDoc {
    #[schemars(with = "WorkspaceKind")]
    pub kind: Sp<String>,
    /// The organization (declared in an Organization document).
    pub org: Sp<String>,
    /// Workspace name, same rules as organization names; unique within the organization.
    #[schemars(
        length(min = 2, max = 39),
        regex(pattern = r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
    )]
    pub name: Sp<String>,
    /// `present` (default) or `absent`. Absent deletes the workspace, only with --allow-destroy.
    #[serde(default)]
    #[schemars(with = "Option<EnsureName>")]
    pub ensure: Option<Sp<String>>,
    /// Display name (at most 100 characters). Absent: the name is used on creation, then unmanaged.
    #[serde(default)]
    #[schemars(length(max = 100))]
    pub full_name: Option<Sp<String>>,
    /// At most 1000 characters. Absent: unmanaged.
    #[serde(default)]
    #[schemars(length(max = 1000))]
    pub description: Option<Sp<String>>,
    /// `private` or `shared`. Absent: private on creation, then unmanaged.
    #[serde(default)]
    #[schemars(with = "Option<VisibilityName>")]
    pub visibility: Option<Sp<String>>,
    /// Studios settings. Absent: unmanaged.
    #[serde(default)]
    pub studios: Option<Sp<StudiosDoc>>,
    /// Workspace labels. Absent: unmanaged. Present: roster deletes labels not listed.
    #[serde(default)]
    pub labels: Option<Vec<Sp<LabelDoc>>>,
    /// Users and teams with their workspace roles. Absent: unmanaged. Present: roster removes anyone not listed.
    #[serde(default)]
    pub participants: Option<Vec<Sp<ParticipantDoc>>>,
}

/// Data Studios settings of a workspace.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StudiosDoc {
    /// Hours a studio session may run, 0–120 (0 means unlimited).
    #[schemars(range(min = 0, max = 120))]
    pub lifespan_hours: Sp<u32>,
}

/// A workspace label.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LabelDoc {
    pub name: Sp<String>,
    /// Value of a resource label.
    #[serde(default)]
    pub value: Option<Sp<String>>,
    /// Whether this is a resource label (name=value) rather than a simple label.
    #[serde(default)]
    pub resource: Option<Sp<bool>>,
}

/// A workspace participant: exactly one of `user` or `team`, with a role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ParticipantDoc {
    /// A user by email or user name. A user who is not an organization member becomes a collaborator.
    #[serde(default)]
    pub user: Option<Sp<String>>,
    /// A team of the organization.
    #[serde(default)]
    pub team: Option<Sp<String>>,
    /// owner, admin, maintain, launch, connect, view, or a custom role the organization declares.
    pub role: Sp<String>,
}

/// Any roster config document; `kind` tells which.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(title = "roster config document")]
#[allow(dead_code)]
pub enum Document {
    Settings(SettingsDoc),
    Organization(OrganizationDoc),
    Workspace(WorkspaceDoc),
    BaseSpaceWorkgroup(WorkgroupDoc),
}

/// Only the `kind` of a document, read first to choose its type.
#[derive(Debug, Deserialize)]
pub struct KindProbe {
    #[serde(default)]
    pub kind: Option<Sp<String>>,
}

/// Only the `name` of a document, read to tell which organization a broken document declared.
#[derive(Debug, Deserialize)]
pub struct NameProbe {
    #[serde(default)]
    pub name: Option<Sp<String>>,
}
