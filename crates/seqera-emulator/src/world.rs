//! The world file: the emulator's starting state as YAML, and its state file (the same format
//! with every id filled in).
//!
//! This module owns the document types ([`World`] and its parts) and parsing them with
//! locations into a [`World`] or a located [`WorldError`]. It must not decide the platform's
//! rules: the store's loader checks references and uniqueness while it builds its indexes, and
//! reports [`Problem`]s with the location of the offending value.

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::error::{Problem, ProblemKind, WorldError};
pub use crate::loc::Loc;

/// What adding an email that belongs to no user does (docs/seqera-api.md section 11).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownUsers {
    /// Create a user record, as Cloud's invitation does (the default).
    #[default]
    Invite,
    /// Answer 400, as Enterprise does.
    Reject,
}

/// A parsed world file, or a state file (the same format, with every id filled in).
///
/// Lists keep their document order; ids missing from the file are generated in document order
/// (users, then each organization with its members, IdP groups, teams, workspaces, participants
/// and labels) by a deterministic sequence that continues after `lastId`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct World {
    /// `invite` (default) or `reject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_users: Option<UnknownUsers>,
    /// Whether a 403 names the permissions the caller lacks, as the platform may:
    /// `{"message":"Forbidden. Missing permission(s): \"workspace:write\""}` (default: a bare
    /// `{"message":"Forbidden"}`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list_missing_permissions: bool,
    /// The `wspRole` of a newly added participant (default `launch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_participant_role: Option<Loc<String>>,
    /// The last id the sequence issued (state files only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_id: Option<i64>,
    #[serde(default)]
    pub users: Vec<WorldUser>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<WorldOrg>,
    /// BaseSpace Sequence Hub regions, served read-only under `/basespace/{region}/v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basespace: Option<crate::basespace::BaseSpaceWorld>,
}

/// A platform user. Only users with a `token` can call the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub email: Loc<String>,
    pub user_name: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Loc<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// An organization with its members, teams and workspaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldOrg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub name: Loc<String>,
    /// Defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_id: Option<String>,
    /// `academic`, `evaluating`, `pro`, `basic` or `internal`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub org_type: Option<Loc<String>>,
    /// Custom workspace roles: a name, or `{name, description, permissions}`; accepted as
    /// participant roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_roles: Vec<Loc<WorldRole>>,
    /// Quotas the emulator enforces (absent: its defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<WorldQuotas>,
    /// Single sign-on is active: adding a collaborator (a non-member participant) is refused
    /// with 409, and the SCIM configuration reports `ssoActive`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sso: bool,
    /// The IdP group catalogue. Present (even empty) turns IdP group mapping on: the catalogue
    /// and the SCIM configuration answer, and teams may be linked to its groups. Absent: those
    /// routes answer 404 (feature not enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_groups: Option<Vec<WorldIdpGroup>>,
    /// An active SCIM bearer token (its metadata only; the emulator never holds a SCIM token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_token: Option<WorldScimToken>,
    /// Owners, members and collaborators, by email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<WorldMember>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<WorldTeam>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<WorldWorkspace>,
}

/// A custom workspace role: written as a bare name, or as a mapping with its description and
/// permissions (state files always write the mapping, with the role's id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorldRole {
    pub id: Option<Loc<i64>>,
    /// Unlocated (line 0) when written as a bare name: the entry's own location applies.
    pub name: Loc<String>,
    pub description: Option<String>,
    pub permissions: Vec<Loc<String>>,
}

/// The mapping form of [`WorldRole`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct WorldRoleFields {
    #[serde(default)]
    id: Option<Loc<i64>>,
    name: Loc<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    permissions: Vec<Loc<String>>,
}

impl<'de> Deserialize<'de> for WorldRole {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = WorldRole;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a role name, or a mapping with `name`, `description` and `permissions`",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WorldRole, E> {
                Ok(WorldRole {
                    name: Loc::new(v.to_string()),
                    ..WorldRole::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<WorldRole, A::Error> {
                // Read through the YAML deserializer itself, so each value keeps its location.
                let f = WorldRoleFields::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(WorldRole {
                    id: f.id,
                    name: f.name,
                    description: f.description,
                    permissions: f.permissions,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for WorldRole {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.id.is_none() && self.description.is_none() && self.permissions.is_empty() {
            return self.name.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        if let Some(id) = &self.id {
            m.serialize_entry("id", id)?;
        }
        m.serialize_entry("name", &self.name)?;
        if let Some(d) = &self.description {
            m.serialize_entry("description", d)?;
        }
        if !self.permissions.is_empty() {
            m.serialize_entry("permissions", &self.permissions)?;
        }
        m.end()
    }
}

/// Quotas of an organization the emulator enforces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldQuotas {
    /// How many custom roles the organization may have (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_custom_roles_per_org: Option<Loc<i64>>,
}

/// An organization membership: `role` is `owner`, `member` (default) or `collaborator`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldMember {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub email: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Loc<String>>,
}

/// An entry of an organization's IdP group catalogue: the group value the IdP sends in its
/// groups claim, and whether SCIM pushed it or an owner entered it (`manual`, the default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldIdpGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub name: Loc<String>,
    /// `scim` or `manual` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Loc<String>>,
}

/// The metadata of an active SCIM token (ISO-8601 dates).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldScimToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
}

/// A team; `members` are emails of the organization's members or collaborators.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldTeam {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub name: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_id: Option<String>,
    /// The catalogue group (by name) the team follows: its membership is then managed by the
    /// identity provider. The loader fills `idpGroupId` and `idpGroupName` from the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_group: Option<Loc<String>>,
    /// Set for a team whose membership an identity provider manages (by catalogue id; an id
    /// the catalogue does not hold is an orphaned link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_group_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Loc<String>>,
}

/// A workspace with its participants, labels and studios settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldWorkspace {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub name: Loc<String>,
    /// Defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `PRIVATE` (default) or `SHARED`, in any case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Loc<String>>,
    /// ISO-8601; defaults to a fixed date so that worlds load deterministically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Loc<WorldParticipant>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<WorldLabel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studios: Option<WorldStudios>,
}

/// A participant: exactly one of `email` (a user; one who is not an org member becomes a
/// collaborator) or `team` (a team name of the same organization). `role` defaults to the
/// world's `defaultParticipantRole`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldParticipant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Loc<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Loc<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Loc<String>>,
}

/// A workspace label (`resource: true` for a resource label).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldLabel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<i64>>,
    pub name: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resource: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
}

/// Studios settings of a workspace (absent: 8 hours, collaborative, platform defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorldStudios {
    #[serde(default = "default_lifespan")]
    pub lifespan_hours: i32,
    #[serde(default)]
    pub container_repository: Option<String>,
    #[serde(default)]
    pub private_studio_by_default: bool,
    /// `none`, `tagPrefix`, `imageSuffix`, or absent for the platform default.
    #[serde(default)]
    pub name_strategy: Option<Loc<String>>,
}

fn default_lifespan() -> i32 {
    8
}

impl Default for WorldStudios {
    fn default() -> Self {
        WorldStudios {
            lifespan_hours: default_lifespan(),
            container_repository: None,
            private_studio_by_default: false,
            name_strategy: None,
        }
    }
}

/// The largest world or state file the emulator reads.
pub const MAX_WORLD_BYTES: u64 = 64 * 1024 * 1024;

/// Read and check a world (or state) file: a regular file (never a FIFO or device, which would
/// block or never end) of at most [`MAX_WORLD_BYTES`].
pub fn load_world(path: &Path) -> Result<World, WorldError> {
    let name = path.display().to_string();
    match read_capped(path, MAX_WORLD_BYTES) {
        Ok(text) => parse_world(&name, &text),
        Err(error) => Err(WorldError::Read { path: name, error }),
    }
}

/// The text of a regular file of at most `cap` bytes.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<String> {
    use std::io::Read;
    let not_regular = || std::io::Error::other("not a regular file");
    let too_big = || {
        std::io::Error::other(format!(
            "larger than {} MiB, the most the emulator reads",
            cap / (1024 * 1024)
        ))
    };
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > cap {
        return Err(too_big());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_big());
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Parse and check a world (or state) file's text; `name` is the path shown in errors.
pub fn parse_world(name: &str, text: &str) -> Result<World, WorldError> {
    let world: World = if text.trim().is_empty() {
        World::default()
    } else {
        match serde_saphyr::from_str_with_options(text, yaml_options()) {
            Ok(w) => w,
            Err(err) => {
                return Err(WorldError::invalid(
                    name,
                    text,
                    vec![Problem::from_yaml(&err)],
                ));
            }
        }
    };
    let mut problems = crate::store::Store::check(&world);
    if let Some(bs) = &world.basespace {
        problems.extend(crate::basespace::check(bs));
        problems.sort_by_key(|p| (p.line, p.col));
    }
    if problems.is_empty() {
        Ok(world)
    } else {
        Err(WorldError::invalid(name, text, problems))
    }
}

/// Generous parser budgets: a world of 2,000 workspaces of 50 participants has about a million
/// YAML nodes, beyond serde-saphyr's defaults for hand-written config.
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 100_000_000;
    budget.max_nodes = 50_000_000;
    budget.max_total_scalar_bytes = 1 << 30;
    serde_saphyr::options! { budget: Some(budget) }
}

impl World {
    /// The world as YAML (the state file format): deterministic for the same world.
    pub fn to_yaml(&self) -> String {
        serde_saphyr::to_string(self).unwrap_or_else(|e| format!("# cannot serialize: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_capped_and_only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.yaml");
        std::fs::write(&p, "users: []\n").unwrap();
        assert_eq!(read_capped(&p, 10).unwrap(), "users: []\n");
        let e = read_capped(&p, 9).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
        let e = read_capped(dir.path(), 100).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file");
    }
}
