//! A change under construction, and its constructors: the diff says what kind of change it
//! makes (create, update, delete), at which address and with which API instruction, and adds
//! risks, dependencies, a note and the typed role and participant type with builder methods.
//! It must not decide anything; the per-kind files do.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::plan::model::{
    Action, Address, Attrs, Change, Exec, Kind, ParticipantType, Risk, RoleChange,
};

/// Attributes from `(name, value)` pairs.
pub(super) fn attrs<const N: usize>(pairs: [(&str, Value); N]) -> Attrs {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The risks of granting `role`.
pub(super) fn role_risks(role: &str) -> Vec<Risk> {
    match role {
        "owner" => vec![Risk::GrantsOwner],
        "admin" => vec![Risk::GrantsAdmin],
        _ => Vec::new(),
    }
}

pub(super) struct Draft {
    pub address: Address,
    pub action: Action,
    pub kind: Kind,
    pub before: Option<Attrs>,
    pub after: Option<Attrs>,
    pub role: Option<RoleChange>,
    pub participant_type: Option<ParticipantType>,
    pub risks: Vec<Risk>,
    pub depends_on: BTreeSet<Address>,
    pub note: Option<String>,
    pub exec: Exec,
}

impl Draft {
    fn new(action: Action, kind: Kind, address: Address, exec: Exec) -> Draft {
        Draft {
            address,
            action,
            kind,
            before: None,
            after: None,
            role: None,
            participant_type: None,
            risks: Vec::new(),
            depends_on: BTreeSet::new(),
            note: None,
            exec,
        }
    }
    pub fn create(kind: Kind, address: Address, after: Attrs, exec: Exec) -> Draft {
        Draft {
            after: Some(after),
            ..Draft::new(Action::Create, kind, address, exec)
        }
    }
    pub fn update(
        kind: Kind,
        address: Address,
        before: Option<Attrs>,
        after: Attrs,
        exec: Exec,
    ) -> Draft {
        Draft {
            before,
            after: Some(after),
            ..Draft::new(Action::Update, kind, address, exec)
        }
    }
    pub fn delete(kind: Kind, address: Address, before: Attrs, exec: Exec) -> Draft {
        Draft {
            before: Some(before),
            ..Draft::new(Action::Delete, kind, address, exec)
        }
    }
    pub fn risks(mut self, risks: Vec<Risk>) -> Draft {
        self.risks = risks;
        self
    }
    pub fn after_deps(mut self, deps: impl IntoIterator<Item = Address>) -> Draft {
        self.depends_on.extend(deps);
        self
    }
    pub fn note(mut self, note: impl Into<String>) -> Draft {
        self.note = Some(note.into());
        self
    }
    pub fn maybe_note(mut self, note: Option<String>) -> Draft {
        self.note = note;
        self
    }
    pub fn role(mut self, before: Option<&str>, after: Option<&str>) -> Draft {
        self.role = Some(RoleChange {
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        });
        self
    }
    pub fn participant_type(mut self, t: ParticipantType) -> Draft {
        self.participant_type = Some(t);
        self
    }

    /// The finished change on `platform` (its wave is assigned by the planner).
    pub fn into_change(self, platform: &str) -> Change {
        let mut risks = self.risks;
        risks.sort();
        risks.dedup();
        Change {
            org: self.address.org_name().as_str().to_string(),
            workspace: self
                .address
                .workspace_name()
                .map(|w| w.as_str().to_string()),
            address: self.address,
            action: self.action,
            kind: self.kind,
            platform: platform.to_string(),
            role: self.role,
            participant_type: self.participant_type,
            before: self.before,
            after: self.after,
            risks,
            depends_on: self.depends_on.into_iter().collect(),
            wave: 0,
            note: self.note,
            expired: None,
            exec: self.exec,
        }
    }
}
