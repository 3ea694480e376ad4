//! The plan: an ordered list of changes with stable addresses, what each does to the platform, and
//! what is needed to detect that the plan went stale. One plan is rendered as text, Markdown or
//! JSON, saved to a file, and executed by `apply`, which never re-decides it.
//!
//! The JSON form of [`Plan`] is the saved-plan format and `--format json` (docs/plan-format.md);
//! field names and orders are part of its stability promise (`format_version`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::basespace::model::{BaseSpaceTarget, ManualChange, RegionsChange};
pub use super::rail::{OverrideFlag, Overrides, Rail, Violation};
pub use crate::config::time::When;
pub use crate::scope::Address;

/// Version of the plan's JSON format. Bump on any incompatible change.
pub const FORMAT_VERSION: &str = "1";

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    /// The terraform-style symbol: `+`, `~` or `-`.
    pub fn symbol(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Delete => '-',
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Organization,
    Member,
    Team,
    /// A custom workspace role of an organization.
    Role,
    TeamMember,
    Workspace,
    Studios,
    Label,
    Participant,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Member => "member",
            Kind::Team => "team",
            Kind::Role => "role",
            Kind::TeamMember => "team-member",
            Kind::Workspace => "workspace",
            Kind::Studios => "studios",
            Kind::Label => "label",
            Kind::Participant => "participant",
        }
    }
    /// Whether a delete of this kind takes someone's access away (counted by the removal guard).
    pub fn is_access(self) -> bool {
        matches!(self, Kind::Member | Kind::TeamMember | Kind::Participant)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a reviewer should look twice at a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Grants the organization owner role or the workspace owner role.
    GrantsOwner,
    /// Grants the workspace admin role.
    GrantsAdmin,
    /// Takes access away from someone.
    RemovesAccess,
    /// Deletes something that cannot be restored (a workspace, a team).
    Destructive,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::GrantsOwner => "grants-owner",
            Risk::GrantsAdmin => "grants-admin",
            Risk::RemovesAccess => "removes-access",
            Risk::Destructive => "destructive",
        }
    }
}

/// An object's managed attributes, as shown in plans: name → value.
pub type Attrs = BTreeMap<String, serde_json::Value>;

/// An id known when planning, or the address of the change in this plan that creates the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ref {
    Id(i64),
    CreatedBy(Address),
}

/// How a participant is added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// A user by email or user name (`userNameOrEmail`); a non-member becomes a collaborator.
    User(String),
    /// A team of the organization.
    Team(Ref),
}

/// A team's IdP group link as an update sends it (`UpdateTeamRequest.idpGroupId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamLink {
    /// Follow (or keep following) this catalogue entry.
    Link(i64),
    /// Follow none (`idpGroupId: null`): the platform removes the team's members.
    Unlink,
}

/// Fields of an organization as sent on create or update (every field, current where unmanaged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgFields {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub website: Option<String>,
}

/// Fields of a workspace as sent on create or update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceFields {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    /// `PRIVATE` or `SHARED`, as the API spells it.
    pub visibility: String,
}

/// Fields of a custom role as sent on create or update (every field, current where unmanaged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleFields {
    pub name: String,
    pub description: String,
    /// Sorted.
    pub permissions: Vec<String>,
}

/// The API-level instruction of a change: what `apply` calls, with every id known at plan time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Exec {
    CreateOrg {
        fields: OrgFields,
    },
    UpdateOrg {
        org_id: i64,
        fields: OrgFields,
    },
    AddMember {
        org: Ref,
        user: String,
        role: String,
    },
    SetMemberRole {
        org_id: i64,
        member_id: i64,
        role: String,
    },
    RemoveMember {
        org_id: i64,
        member_id: i64,
    },
    CreateTeam {
        org: Ref,
        name: String,
        description: Option<String>,
        /// The IdP catalogue entry the new team follows.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idp_group_id: Option<i64>,
    },
    UpdateTeam {
        org_id: i64,
        team_id: i64,
        name: String,
        description: Option<String>,
        /// What the update sends of the team's IdP group link: absent for a team that follows
        /// no group and keeps following none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idp_group: Option<TeamLink>,
    },
    DeleteTeam {
        org_id: i64,
        team_id: i64,
    },
    CreateRole {
        org: Ref,
        fields: RoleFields,
    },
    /// Update the custom role named `role` on the platform; `fields.name` differing from it
    /// renames the role in place (whoever holds it keeps it).
    UpdateRole {
        org_id: i64,
        role: String,
        fields: RoleFields,
    },
    DeleteRole {
        org_id: i64,
        role: String,
    },
    AddTeamMember {
        org: Ref,
        team: Ref,
        user: String,
    },
    RemoveTeamMember {
        org_id: i64,
        team_id: i64,
        member_id: i64,
    },
    CreateWorkspace {
        org: Ref,
        fields: WorkspaceFields,
    },
    UpdateWorkspace {
        org_id: i64,
        workspace_id: i64,
        fields: WorkspaceFields,
    },
    DeleteWorkspace {
        org_id: i64,
        workspace_id: i64,
    },
    /// Set the studios lifespan; the other studios settings keep their current values.
    SetStudios {
        org: Ref,
        workspace: Ref,
        lifespan_hours: u32,
    },
    CreateLabel {
        workspace: Ref,
        name: String,
        value: Option<String>,
        resource: bool,
    },
    DeleteLabel {
        workspace_id: i64,
        label_id: i64,
    },
    AddParticipant {
        org: Ref,
        workspace: Ref,
        who: Who,
        role: String,
    },
    SetParticipantRole {
        org_id: i64,
        workspace_id: i64,
        participant_id: i64,
        role: String,
    },
    RemoveParticipant {
        org_id: i64,
        workspace_id: i64,
        participant_id: i64,
    },
    /// Set the acting user's own role in a workspace this plan creates (the creator starts as
    /// owner; apply looks up the creator's participant id in the new workspace).
    SetOwnParticipantRole {
        org: Ref,
        workspace: Ref,
        role: String,
    },
    /// The acting user leaves a workspace this plan creates (`LeaveWorkspaceParticipant`).
    LeaveWorkspace {
        org: Ref,
        workspace: Ref,
    },
}

/// How a participant holds access: as an org member, as a collaborator (not a member), or
/// through a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParticipantType {
    Member,
    Collaborator,
    Team,
}

impl ParticipantType {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantType::Member => "member",
            ParticipantType::Collaborator => "collaborator",
            ParticipantType::Team => "team",
        }
    }
}

/// A role before and after a change (an org role for members, a workspace role for
/// participants); `None` on the side where the grant does not exist.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleChange {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after: Option<String>,
}

/// One difference between desired and live, and how to resolve it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Stable, human-readable key, e.g. `org/lab/workspace/rnaseq/participant/user:jane@lab.org`.
    pub address: Address,
    pub action: Action,
    pub kind: Kind,
    /// The Settings platform this change applies to (`default` when none is declared).
    pub platform: String,
    /// The organization's name as declared.
    pub org: String,
    /// The workspace's name as declared, for workspace-level changes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub workspace: Option<String>,
    /// The role before and after, for members and participants (the guard rails and the
    /// access view read it; `before`/`after` are for display).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<RoleChange>,
    /// How a participant holds access after the change (before it, for a removal).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub participant_type: Option<ParticipantType>,
    /// Managed attributes before (absent for creates).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub before: Option<Attrs>,
    /// Managed attributes after (absent for deletes).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after: Option<Attrs>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub risks: Vec<Risk>,
    /// Addresses of changes that must succeed first.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub depends_on: Vec<Address>,
    /// Execution wave (0-based): every dependency is in an earlier wave.
    pub wave: u32,
    /// Why this change looks the way it does, when that is not obvious.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// For the removal of a grant whose `expires` has passed: when, and why it was granted.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expired: Option<Expired>,
    pub exec: Exec,
}

/// Why a removal is due: the grant's `expires` passed (or, for a team membership or a
/// participation, the organization membership it rests on expired).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expired {
    /// The `expires` of the grant, as written (a date or a date-time in UTC).
    pub on: When,
    /// The grant's `reason`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// The organization membership whose expiry ends this grant too (the platform removes a
    /// member's team memberships and participations with the membership).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub membership: Option<Address>,
}

impl fmt::Display for Expired {
    /// `expired on 2026-06-01 (workshop)`, and `, with the organization membership` for a grant
    /// that ends with its holder's membership.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expired on {}", self.on)?;
        if let Some(r) = &self.reason {
            write!(f, " ({r})")?;
        }
        if self.membership.is_some() {
            f.write_str(", with the organization membership")?;
        }
        Ok(())
    }
}

/// A change of a full plan left out of an `--expired-only` plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub address: Address,
    pub action: Action,
    pub kind: Kind,
}

/// How a pull request changes a grant's end (`ExpiryChange::change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiryEdit {
    /// A new grant with an end, or an end given to a grant that had none.
    Added,
    /// A later end.
    Extended,
    /// An earlier end.
    Shortened,
    /// The end taken away: the grant no longer expires.
    Removed,
    /// Without a base to compare with: a grant the plan creates or changes, which has an end.
    Set,
}

impl ExpiryEdit {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryEdit::Added => "added",
            ExpiryEdit::Extended => "extended",
            ExpiryEdit::Shortened => "shortened",
            ExpiryEdit::Removed => "removed",
            ExpiryEdit::Set => "set",
        }
    }
}

/// An end of a grant that the config sets or moves, for reviewers (the plan comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryChange {
    /// The grant, as the config names it.
    pub address: Address,
    pub change: ExpiryEdit,
    /// The end before (at the base ref), when it had one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub before: Option<When>,
    /// The end the config now declares, when it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after: Option<When>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// Something in scope that roster saw and leaves alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unmanaged {
    pub address: Address,
    pub reason: String,
}

/// How access changes for one user, across the whole plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessChange {
    /// The user, as the plan names them (lower-cased email or user name).
    pub user: String,
    /// e.g. `biocommons: member`, `biocommons/genomics: maintain (via team genomics-admins)`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub gains: Vec<String>,
    /// e.g. `biocommons/genomics: launch → admin`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub loses: Vec<String>,
    /// The same changes as data, one per place (an org or a workspace), in the order of
    /// `gains`, `changes` and `loses` merged by place: the user's effective role there before
    /// and after the plan. Added in roster 0.2 (additive).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub effective: Vec<EffectiveAccess>,
}

/// A user's effective access to one place, before and after the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveAccess {
    /// `ORG` (the org role) or `ORG/WORKSPACE` (the workspace role), as declared.
    pub place: String,
    /// Absent: no access before the plan.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub before: Option<EffectiveRole>,
    /// Absent: no access after the plan.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub after: Option<EffectiveRole>,
}

/// An effective role: in a workspace, the highest of the user's own role and the roles of the
/// teams they belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRole {
    pub role: String,
    /// The team the role comes from; absent when it is the user's own (which wins a tie, and
    /// among teams of one role, the name that sorts first).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via: Option<String>,
}

/// One platform the plan read and acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub platform: String,
    pub endpoint: String,
    /// The environment variable that holds this platform's token (its name, never its value).
    pub token_env: String,
    /// The token's owner when the plan was made (`user name <email>`).
    pub acting_user: String,
    /// Listing key → digest of what it returned, re-read by `apply PLAN` to detect staleness.
    pub fingerprints: BTreeMap<String, String>,
    /// What was read, so that `apply PLAN` can read exactly the same listings again.
    pub scope: crate::scope::Scope,
}

/// A platform setting (endpoint or token variable) that the config changes but that takes effect
/// only after merge: until then the trusted Settings (of `trusted_ref`) are used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSetting {
    pub platform: String,
    /// `endpoint` or `tokenEnv`.
    pub field: String,
    /// The value at the trusted ref (absent: the platform is not declared there).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trusted: Option<String>,
    /// The value the config proposes (absent: the config no longer declares the platform).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proposed: Option<String>,
    pub trusted_ref: String,
}

/// Counts of changes by action, and of the manual BaseSpace steps (which are not API changes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub remove: usize,
    /// Manual BaseSpace steps pending (absent when none).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub manual: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// The API changes (manual steps are counted apart, in `manual`).
    pub fn total(&self) -> usize {
        self.add + self.change + self.remove
    }
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: String,
    pub roster_version: String,
    /// sha256 of the desired state the plan was made from.
    pub desired_digest: String,
    pub targets: Vec<Target>,
    pub overrides: Overrides,
    /// Ordered by wave, then kind, then address.
    pub changes: Vec<Change>,
    pub access: Vec<AccessChange>,
    pub unmanaged: Vec<Unmanaged>,
    pub violations: Vec<Violation>,
    pub summary: Summary,
    /// The config directory the plan was made from, as given on the command line.
    pub source: String,
    /// When the plan covers only part of the config (`--changed-from`): the org and workspace
    /// addresses it covers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<Vec<Address>>,
    /// sha256 of what the plan does (its targets and changes; see `plan::verify::digest`): what
    /// `apply --expect-digest` checks against the plan a reviewer saw.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub digest: String,
    /// Platform settings the config changes that take effect only after merge.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub pending_settings: Vec<PendingSetting>,
    /// The BaseSpace regions read (absent when the config declares no BaseSpace workgroup).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub basespace: Vec<BaseSpaceTarget>,
    /// BaseSpace changes a person makes in the Admin Console: the config minus the ledger of
    /// confirmed steps, none of them verifiable by API (docs/basespace.md).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub manual: Vec<ManualChange>,
    /// Users the plan adds whom the platform does not know, on a platform that adds only users
    /// who already have an account (Seqera Enterprise): each must log in once before apply.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub first_logins: Vec<FirstLogin>,
    /// Set for `--expired-only`: the plan holds only the removals of expired grants.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub expired_only: bool,
    /// With `--expired-only`: the changes a full plan also has, held back.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub held: Vec<Held>,
    /// Ends of grants the config adds or moves: against `--changed-from REF`'s config, or every
    /// grant with an end among the plan's creates and updates.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub expiries: Vec<ExpiryChange>,
}

/// A user who must log in to a platform once before apply can add them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstLogin {
    pub platform: String,
    /// The endpoint they log in to (its API base, as the plan read it).
    pub endpoint: String,
    /// As the plan names them (lower-cased email or user name).
    pub user: String,
    /// Where the config names them (`file:line:col`), in declaration order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub declared: Vec<String>,
}

impl Plan {
    /// Whether the plan has no API change (manual BaseSpace steps are not API changes: see
    /// [`Plan::has_manual`]).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    /// Whether manual BaseSpace steps are pending.
    pub fn has_manual(&self) -> bool {
        !self.manual.is_empty()
    }
    /// Whether the plan declares BaseSpace workgroups (whose membership cannot be verified).
    pub fn has_basespace(&self) -> bool {
        !self.basespace.is_empty() || !self.manual.is_empty()
    }
    /// Violations not overridden: the plan must not be applied.
    pub fn refusals(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| !v.overridden)
    }
    pub fn is_refused(&self) -> bool {
        self.refusals().next().is_some()
    }
}

/// Compute the summary of a list of changes.
pub fn summarize(changes: &[Change]) -> Summary {
    let mut s = Summary::default();
    for c in changes {
        match c.action {
            Action::Create => s.add += 1,
            Action::Update => s.change += 1,
            Action::Delete => s.remove += 1,
        }
    }
    s
}
