//! The world file: the emulator's starting state as YAML, and its state file (the same format
//! with every id filled in).
//!
//! This module owns the document types ([`World`] and its parts), parsing them with locations,
//! and turning the problems the store finds into located diagnostics ([`WorldError`]). It must
//! not decide the platform's rules: `emulator::store` checks references and uniqueness while it
//! builds its indexes, and reports problems here with the location of the offending value.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{self, Code, Diagnostic, Sources};

/// A value with the line and column it was read from: the project's located value.
pub use crate::diag::Sp as Loc;

/// What adding an email that belongs to no user does (CONTRACT.md section 11).
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
/// (users, then each organization with its members, teams, workspaces, participants and labels)
/// by a deterministic sequence that continues after `lastId`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct World {
    /// `invite` (default) or `reject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_users: Option<UnknownUsers>,
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
    /// Custom workspace role names accepted as participant roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_roles: Vec<Loc<String>>,
    /// Owners, members and collaborators, by email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<WorldMember>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<WorldTeam>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<WorldWorkspace>,
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
    /// Set for a team whose membership an identity provider manages.
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

/// One problem the store found while building from a world: where and what.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub line: u32,
    pub col: u32,
    pub message: String,
    pub label: String,
    /// An earlier place the problem relates to (e.g. the first of two duplicates).
    pub also: Option<(u32, u32, String)>,
}

impl Problem {
    pub fn at<T>(loc: &Loc<T>, message: impl Into<String>, label: impl Into<String>) -> Self {
        Problem {
            line: loc.line,
            col: loc.col,
            message: message.into(),
            label: label.into(),
            also: None,
        }
    }

    pub fn also<T>(mut self, loc: &Loc<T>, label: impl Into<String>) -> Self {
        self.also = Some((loc.line, loc.col, label.into()));
        self
    }
}

/// A world file that could not be read or is invalid: the diagnostics and the sources they
/// point into. `Display` gives a one-line summary; [`WorldError::render`] gives the located report.
#[derive(Debug, thiserror::Error)]
pub struct WorldError {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    path: String,
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        let first = self
            .diagnostics
            .first()
            .map(|d| match d.location(&self.sources) {
                Some(loc) => format!("{loc}: {}", d.message),
                None => d.message.clone(),
            })
            .unwrap_or_default();
        if n <= 1 {
            write!(f, "invalid world file {}: {first}", self.path)
        } else {
            write!(
                f,
                "invalid world file {} ({n} problems; first: {first})",
                self.path
            )
        }
    }
}

impl WorldError {
    /// The diagnostics as text with source snippets, each pointing at `file:line:col`.
    pub fn render(&self, color: bool) -> String {
        diag::render_text(&self.diagnostics, &self.sources, color)
    }
}

/// Read and check a world (or state) file.
pub fn load_world(path: &Path) -> Result<World, WorldError> {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse_world(&name, &text),
        Err(e) => {
            let mut sources = Sources::new();
            sources.add(name.clone(), "");
            Err(WorldError {
                sources,
                diagnostics: vec![Diagnostic::error(
                    Code::Io,
                    format!("cannot read world file {name}: {e}"),
                )],
                path: name,
            })
        }
    }
}

/// Parse and check a world (or state) file's text; `name` is the path shown in diagnostics.
pub fn parse_world(name: &str, text: &str) -> Result<World, WorldError> {
    let mut sources = Sources::new();
    let file = sources.add(name, text);
    let fail = |sources: Sources, diagnostics: Vec<Diagnostic>| WorldError {
        sources,
        diagnostics,
        path: name.to_string(),
    };
    let world: World = if text.trim().is_empty() {
        World::default()
    } else {
        match serde_saphyr::from_str_with_options(text, yaml_options()) {
            Ok(w) => w,
            Err(err) => {
                let d = diag::from_yaml_error(&sources, file, 0, &err);
                return Err(fail(sources, vec![d]));
            }
        }
    };
    let problems = super::store::Store::check(&world);
    if problems.is_empty() {
        return Ok(world);
    }
    let src = sources.get(file);
    let mut diags: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| {
            let mut d = Diagnostic::error(Code::InvalidWorld, p.message);
            if p.line > 0 {
                d = d.at(src.token_span(file, p.line, p.col), p.label);
            }
            if let Some((line, col, label)) = p.also
                && line > 0
            {
                d = d.also(src.token_span(file, line, col), label);
            }
            d
        })
        .collect();
    diag::sort(&mut diags, &sources);
    Err(fail(sources, diags))
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
