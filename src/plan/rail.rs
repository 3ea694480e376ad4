//! Guard rails as types: the rails (DESIGN's safety model, docs/apply.md "Guard rails"), the flag
//! that overrides each, the overrides a plan was made with, and a violation of one. The checks
//! themselves are in `guard`; this file must not evaluate anything.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::Address;

/// The guard-rail overrides a plan was made with; applying it needs the same.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overrides {
    pub allow_destroy: bool,
    pub allow_mass_removal: bool,
    pub allow_few_owners: bool,
    pub allow_self_lockout: bool,
    pub allow_collaborator_role: bool,
    pub allow_any_domain: bool,
}

impl Overrides {
    /// Whether the override of `rail` was given.
    pub fn allows(&self, rail: Rail) -> bool {
        match rail {
            Rail::Destroy => self.allow_destroy,
            Rail::MaxRemovalFraction => self.allow_mass_removal,
            Rail::MinOrgOwners => self.allow_few_owners,
            Rail::SelfLockout => self.allow_self_lockout,
            Rail::CollaboratorMaxRole => self.allow_collaborator_role,
            Rail::AllowedEmailDomains => self.allow_any_domain,
        }
    }
}

/// A guard rail (docs/apply.md, "Guard rails"), by the name plans and messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rail {
    /// Workspaces deleted by `ensure: absent`, custom roles deleted as no longer declared.
    Destroy,
    /// More than `policy.maxRemovalFraction` of an org's access removed.
    MaxRemovalFraction,
    /// Fewer org owners than `policy.minOrgOwners`.
    MinOrgOwners,
    /// The acting user would stop being an org owner.
    SelfLockout,
    /// A collaborator granted more than `policy.collaboratorMaxRole`.
    CollaboratorMaxRole,
    /// Access for users outside `policy.allowedEmailDomains`.
    AllowedEmailDomains,
}

impl Rail {
    pub const ALL: [Rail; 6] = [
        Rail::Destroy,
        Rail::MaxRemovalFraction,
        Rail::MinOrgOwners,
        Rail::SelfLockout,
        Rail::CollaboratorMaxRole,
        Rail::AllowedEmailDomains,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Rail::Destroy => "destroy",
            Rail::MaxRemovalFraction => "max-removal-fraction",
            Rail::MinOrgOwners => "min-org-owners",
            Rail::SelfLockout => "self-lockout",
            Rail::CollaboratorMaxRole => "collaborator-max-role",
            Rail::AllowedEmailDomains => "allowed-email-domains",
        }
    }
    /// The command-line flag that overrides this rail.
    pub fn override_flag(self) -> OverrideFlag {
        match self {
            Rail::Destroy => OverrideFlag::AllowDestroy,
            Rail::MaxRemovalFraction => OverrideFlag::AllowMassRemoval,
            Rail::MinOrgOwners => OverrideFlag::AllowFewOwners,
            Rail::SelfLockout => OverrideFlag::AllowSelfLockout,
            Rail::CollaboratorMaxRole => OverrideFlag::AllowCollaboratorRole,
            Rail::AllowedEmailDomains => OverrideFlag::AllowAnyDomain,
        }
    }
}

impl fmt::Display for Rail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Rail {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The flag that overrides a guard rail, written as on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OverrideFlag {
    #[serde(rename = "--allow-destroy")]
    AllowDestroy,
    #[serde(rename = "--allow-mass-removal")]
    AllowMassRemoval,
    #[serde(rename = "--allow-few-owners")]
    AllowFewOwners,
    #[serde(rename = "--allow-self-lockout")]
    AllowSelfLockout,
    #[serde(rename = "--allow-collaborator-role")]
    AllowCollaboratorRole,
    #[serde(rename = "--allow-any-domain")]
    AllowAnyDomain,
}

impl OverrideFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            OverrideFlag::AllowDestroy => "--allow-destroy",
            OverrideFlag::AllowMassRemoval => "--allow-mass-removal",
            OverrideFlag::AllowFewOwners => "--allow-few-owners",
            OverrideFlag::AllowSelfLockout => "--allow-self-lockout",
            OverrideFlag::AllowCollaboratorRole => "--allow-collaborator-role",
            OverrideFlag::AllowAnyDomain => "--allow-any-domain",
        }
    }
}

impl fmt::Display for OverrideFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for OverrideFlag {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A guard rail the plan breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The rail, e.g. `max-removal-fraction`.
    pub rail: Rail,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The flag that overrides it (always `rail.override_flag()`; kept in the JSON for readers).
    pub override_flag: OverrideFlag,
    /// Addresses of the changes involved.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub addresses: Vec<Address>,
    /// Whether the override was given (then the plan may proceed).
    pub overridden: bool,
}

impl Violation {
    /// A violation of `rail`, overridden when `overrides` allows it.
    pub fn new(
        rail: Rail,
        message: String,
        addresses: Vec<Address>,
        overrides: &Overrides,
    ) -> Violation {
        Violation {
            rail,
            message,
            override_flag: rail.override_flag(),
            addresses,
            overridden: overrides.allows(rail),
        }
    }
}
