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
    /// Removals of expired grants do not count.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_removal_fraction: Option<Sp<f64>>,
    /// Longest a collaborator's grant may run, in days from now: a collaborator participation
    /// (a user who is not an organization member) must then have an `expires` at most this far
    /// ahead. Absent: collaborators need no `expires`.
    #[serde(default)]
    #[schemars(range(min = 1, max = 36600))]
    pub max_grant_days: Option<Sp<u32>>,
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
    /// Custom workspace roles of this organization: a bare name is a role defined on the
    /// platform that roster leaves alone; a definition (`name`, `description`, `permissions`) is
    /// a role roster creates, updates, renames in place (`renamedFrom`) and deletes. Once one
    /// entry is a definition, the list is authoritative: a custom role it does not name is
    /// deleted, only with --allow-destroy.
    #[serde(default)]
    pub custom_roles: Option<Vec<Sp<CustomRoleEntry>>>,
    /// Members and owners. Absent: membership is unmanaged. Present: roster removes anyone not listed.
    #[serde(default)]
    pub members: Option<Vec<Sp<MemberDoc>>>,
    /// Teams. Absent: teams are unmanaged. Present: roster deletes teams not listed.
    #[serde(default)]
    pub teams: Option<Vec<Sp<TeamDoc>>>,
    /// Recertification: how often the organization's access is reviewed, and by whom
    /// (`roster review`).
    #[serde(default)]
    pub review: Option<Sp<ReviewDoc>>,
    /// When the access was last reviewed: a date (`2026-03-31`) or an RFC 3339 date-time with a
    /// zone. Needs `review`.
    #[serde(default)]
    #[schemars(regex(
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    ))]
    pub reviewed_on: Option<Sp<String>>,
}

/// A periodic review of who has access (recertification): due `every` span after `reviewedOn`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReviewDoc {
    /// How often: a number of days (`180d`, or `180`) or weeks (`26w`).
    #[schemars(regex(pattern = r"^[0-9]+[dDwW]?$"))]
    pub every: Sp<String>,
    /// Who must review: email addresses or user names of organization members (or, for a
    /// workspace, of its participants). Absent or empty: the organization's owners.
    #[serde(default)]
    pub owners: Option<Vec<Sp<String>>>,
}

/// One entry of an organization's `customRoles`: a bare name, or a definition roster manages.
// Deserialized by hand (a string or a mapping) rather than as an untagged enum: serde buffers
// untagged input, and the values inside would lose their locations.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum CustomRoleEntry {
    /// A custom role defined on the platform, which roster leaves alone.
    Name(String),
    /// A custom role roster manages.
    Defined(CustomRoleDoc),
}

impl<'de> Deserialize<'de> for CustomRoleEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = CustomRoleEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a role name, or a mapping with `name`, `description` and `permissions`",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CustomRoleEntry::Name(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                // The mapping's values are read through the YAML deserializer itself, so each
                // keeps its location.
                CustomRoleDoc::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CustomRoleEntry::Defined)
            }
        }
        d.deserialize_any(Entry)
    }
}

/// A custom workspace role roster manages: created when missing, updated in place when its
/// description or permissions differ, renamed in place (keeping who holds it) from `renamedFrom`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CustomRoleDoc {
    /// Role name, same rules as organization names; not a predefined role's name.
    #[schemars(
        length(min = 2, max = 39),
        regex(pattern = r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
    )]
    pub name: Sp<String>,
    /// 1–120 characters.
    #[schemars(length(min = 1, max = 120))]
    pub description: Sp<String>,
    /// Permission names such as `pipeline:execute` (checked against the platform's list at plan
    /// time). Absent: unmanaged (none on creation).
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$")))]
    pub permissions: Option<Vec<Sp<String>>>,
    /// The role's current name on the platform, to rename it in place: participants who hold
    /// it keep it under the new name. Ignored once a role named `name` exists. (`previousName`
    /// is accepted as another spelling.)
    #[serde(default, alias = "previousName")]
    pub renamed_from: Option<Sp<String>>,
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
    /// When the membership ends: a date, `2027-03-31` (the start of that day, UTC), or an RFC 3339
    /// date-time with a zone. Once past, `plan` removes the grant. Absent: it does not expire.
    #[serde(default)]
    #[schemars(regex(pattern = EXPIRES_PATTERN))]
    pub expires: Option<Sp<String>>,
    /// Why the grant exists (free text, shown in plans and reports).
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub reason: Option<Sp<String>>,
}

/// What `expires:` accepts: `2027-03-31` (the grant ends at the start of that day, UTC) or an
/// RFC 3339 date-time with a zone, `2027-03-31T17:00:00+10:00`. Once the clock is past it, the
/// grant is absent from the desired state and `plan` removes it from the platform.
const EXPIRES_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$";

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
    /// Users in the team; each must be an organization member. Absent: unmanaged. An entry is a
    /// user (`jane@uq.edu.au`), or `{user, expires, reason}` for a membership that ends.
    #[serde(default)]
    pub members: Option<Vec<TeamMemberDoc>>,
    /// The IdP group the team follows: its name in the organization's IdP group catalogue
    /// (exactly, case included). The identity provider then manages the team's members, so the
    /// team declares none. `null` unlinks the team (the platform then removes its members).
    /// Absent: the link is unmanaged.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    pub idp_group: Option<Sp<Option<String>>>,
}

/// Tells an explicit `null` (`Some` of a located `None`) from an absent field (`None`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A team member: a user as a plain string, or `{user, expires, reason}`. Every value keeps its
/// location (a plain string's is the entry's).
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMemberDoc {
    /// Email address or platform user name.
    pub user: Sp<String>,
    /// When the team membership ends.
    pub expires: Option<Sp<String>>,
    /// Why the grant exists.
    pub reason: Option<Sp<String>>,
}

/// The object form of a team member.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "TeamMemberGrant")]
pub struct TeamMemberObject {
    /// Email address (compared case-insensitively) or platform user name.
    pub user: Sp<String>,
    /// When the team membership ends: a date (the start of that day, UTC) or an RFC 3339
    /// date-time with a zone. Once past, `plan` removes the grant.
    #[serde(default)]
    #[schemars(regex(pattern = EXPIRES_PATTERN))]
    pub expires: Option<Sp<String>>,
    /// Why the grant exists (free text, shown in plans and reports).
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub reason: Option<Sp<String>>,
}

/// A team member as written: a string or an object. Read through `deserialize_any`, with the
/// object form deserialized from the YAML deserializer's own map (not a buffered copy, which
/// would lose every location inside it).
enum TeamMemberForm {
    User(String),
    Object(TeamMemberObject),
}

impl<'de> Deserialize<'de> for TeamMemberForm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TeamMemberForm;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a user (email or user name), or a mapping {user, expires, reason}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TeamMemberForm::User(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                TeamMemberObject::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(TeamMemberForm::Object)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for TeamMemberDoc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let form = Sp::<TeamMemberForm>::deserialize(d)?;
        Ok(match form.value {
            TeamMemberForm::User(user) => TeamMemberDoc {
                user: Sp {
                    value: user,
                    line: form.line,
                    col: form.col,
                },
                expires: None,
                reason: None,
            },
            TeamMemberForm::Object(o) => TeamMemberDoc {
                user: o.user,
                expires: o.expires,
                reason: o.reason,
            },
        })
    }
}

/// A team member: a user (email or user name), or `{user, expires, reason}` for a membership
/// that ends.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum TeamMemberSchema {
    /// Email address (compared case-insensitively) or platform user name.
    User(String),
    Grant(TeamMemberObject),
}

impl JsonSchema for TeamMemberDoc {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TeamMember".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        TeamMemberSchema::json_schema(generator)
    }
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
    /// Recertification: how often the workspace's access is reviewed, and by whom
    /// (`roster review`).
    #[serde(default)]
    pub review: Option<Sp<ReviewDoc>>,
    /// When the access was last reviewed: a date (`2026-03-31`) or an RFC 3339 date-time with a
    /// zone. Needs `review`.
    #[serde(default)]
    #[schemars(regex(
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    ))]
    pub reviewed_on: Option<Sp<String>>,
}

/// `always`: Studio sessions are never stopped for their age.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum LifespanName {
    Always,
}

/// Data Studios settings of a workspace, as the console has them: either a session lifespan in
/// hours (`lifespanHours: 1..120`) or `lifespan: always` ("Always keep the session running").
/// `lifespanHours: 0` is accepted and means the same as `lifespan: always`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
pub struct StudiosDoc {
    /// Hours a studio session may run before it is stopped: 1–120, as the console offers.
    /// `0` is the API's "unlimited", the same as `lifespan: always`.
    #[serde(default)]
    #[schemars(range(min = 0, max = 120))]
    pub lifespan_hours: Option<Sp<u32>>,
    /// `always`: keep sessions running ("Always keep the session running").
    #[serde(default)]
    #[schemars(with = "Option<LifespanName>")]
    pub lifespan: Option<Sp<String>>,
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
    /// When the participation ends: a date (the start of that day, UTC) or an RFC 3339 date-time
    /// with a zone. Once past, `plan` removes the grant. A collaborator's must be at most
    /// `policy.maxGrantDays` ahead.
    #[serde(default)]
    #[schemars(regex(pattern = EXPIRES_PATTERN))]
    pub expires: Option<Sp<String>>,
    /// Why the grant exists (free text, shown in plans and reports).
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub reason: Option<Sp<String>>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_roles_are_names_or_definitions_and_keep_their_locations() {
        let text = "kind: Organization\nname: lab\ncustomRoles:\n  - runner\n  - name: analyst\n    description: Runs things\n    permissions: [pipeline:execute, workflow:read]\n";
        let o: OrganizationDoc = serde_saphyr::from_str(text).expect("parses");
        let roles = o.custom_roles.expect("roles");
        assert!(matches!(&roles[0].value, CustomRoleEntry::Name(n) if n == "runner"));
        assert_eq!((roles[0].line, roles[0].col), (4, 5));
        let CustomRoleEntry::Defined(d) = &roles[1].value else {
            panic!("a definition")
        };
        assert_eq!((d.name.line, d.name.col), (5, 11));
        assert_eq!((d.description.line, d.description.col), (6, 18));
        let ps = d.permissions.as_ref().unwrap();
        assert_eq!(
            (ps[1].value.as_str(), ps[1].line, ps[1].col),
            ("workflow:read", 7, 37)
        );
        // Problems inside a definition are located too.
        for (bad, line, col) in [
            ("  - name: a1\n    descripton: x\n", 6, 5),
            ("  - name: a1\n    description: [x]\n", 6, 18),
            ("  - 5\n", 5, 5),
        ] {
            let text = format!("kind: Organization\nname: lab\ncustomRoles:\n  - runner\n{bad}");
            let e = serde_saphyr::from_str::<OrganizationDoc>(&text).unwrap_err();
            let l = e.location().expect("located");
            assert_eq!((l.line(), l.column()), (line, col), "{e}");
        }
    }

    fn org(text: &str) -> OrganizationDoc {
        serde_saphyr::from_str(text).expect("parses")
    }

    #[test]
    fn a_team_member_is_a_string_or_an_object_and_every_value_keeps_its_location() {
        let o = org(
            "kind: Organization\nname: lab\nteams:\n  - name: core\n    members:\n      - a@lab.org\n      - {user: b@lab.org, expires: 2027-01-31, reason: workshop}\n      - user: c@lab.org\n        expires: 2027-02-01T09:00:00+10:00\n",
        );
        let ms = o.teams.unwrap().remove(0).value.members.unwrap();
        assert_eq!(
            (ms[0].user.value.as_str(), ms[0].user.line, ms[0].user.col),
            ("a@lab.org", 6, 9)
        );
        assert!(ms[0].expires.is_none() && ms[0].reason.is_none());
        let e = ms[1].expires.as_ref().unwrap();
        assert_eq!((e.value.as_str(), e.line, e.col), ("2027-01-31", 7, 36));
        let r = ms[1].reason.as_ref().unwrap();
        assert_eq!((r.value.as_str(), r.line, r.col), ("workshop", 7, 56));
        assert_eq!((ms[1].user.line, ms[1].user.col), (7, 16));
        assert_eq!((ms[2].user.line, ms[2].user.col), (8, 15));
        let e = ms[2].expires.as_ref().unwrap();
        assert_eq!((e.line, e.col), (9, 18));
    }

    #[test]
    fn members_and_participants_take_expires_and_reason() {
        let o = org(
            "kind: Organization\nname: lab\nmembers:\n  - user: a@lab.org\n    expires: 2027-01-31\n    reason: visiting\n",
        );
        let m = &o.members.unwrap()[0].value;
        assert_eq!(m.expires.as_ref().unwrap().line, 5);
        assert_eq!(m.reason.as_ref().unwrap().value, "visiting");
        let w: WorkspaceDoc = serde_saphyr::from_str(
            "kind: Workspace\norg: lab\nname: ws\nparticipants:\n  - {user: a@lab.org, role: view, expires: 2027-01-31}\n",
        )
        .unwrap();
        let p = &w.participants.unwrap()[0].value;
        assert_eq!(p.expires.as_ref().unwrap().col, 44);
    }

    #[test]
    fn a_team_member_object_refuses_unknown_fields_and_other_types() {
        let e = serde_saphyr::from_str::<OrganizationDoc>(
            "kind: Organization\nname: lab\nteams:\n  - name: core\n    members:\n      - {user: b@lab.org, expire: 2027-01-31}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("expire"), "{e}");
        let e = serde_saphyr::from_str::<OrganizationDoc>(
            "kind: Organization\nname: lab\nteams:\n  - name: core\n    members:\n      - [b@lab.org]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("a user (email or user name)"), "{e}");
    }
}
