//! desired × live → changes. Pure: no I/O, no clock, no randomness; the same inputs give the same
//! changes in the same order.
//!
//! Rules (docs/seqera-api.md and ARCHITECTURE.md): names and users match case-insensitively; a
//! present list is authoritative and an absent one unmanaged; absent optional fields are left
//! alone; undeclared workspaces of a declared org are reported as unmanaged; an org is never
//! deleted; a workspace is deleted only when declared `ensure: absent` (the guard rails decide
//! whether that may proceed). The platform's own side effects are planned for: the acting user
//! becomes owner of what it creates, and removing an org member removes their participations, so
//! a user who stays a participant is re-added (as a collaborator) after the removal.
//!
//! This file owns the walk and the bookkeeping shared by every kind; one file per kind builds its
//! changes (`org`, `teams`, `workspace`, `participants`), with the constructors of `draft`.

mod draft;
mod org;
mod participants;
mod teams;
mod workspace;

use std::collections::{BTreeMap, HashMap};

use draft::Draft;

use super::model::{Action, Address, Change, Kind, Unmanaged};
use crate::config::desired::{Org, UserRef};
use crate::live::{ActingUser, Live, LiveOrg};

/// What the diff needs about one platform.
pub struct Input<'a> {
    pub platform: &'a str,
    /// The declared orgs on this platform.
    pub orgs: Vec<&'a Org>,
    pub live: &'a Live,
    pub acting: &'a ActingUser,
}

/// The changes and the things left alone.
#[derive(Debug, Default)]
pub struct Output {
    pub changes: Vec<Change>,
    pub unmanaged: Vec<Unmanaged>,
}

struct Differ<'a> {
    input: &'a Input<'a>,
    drafts: Vec<Draft>,
    /// Index of each draft by address.
    index: HashMap<Address, usize>,
    unmanaged: Vec<Unmanaged>,
}

pub fn diff(input: &Input<'_>) -> Output {
    let mut d = Differ {
        input,
        drafts: Vec::new(),
        index: HashMap::new(),
        unmanaged: Vec::new(),
    };
    for org in &input.orgs {
        d.org(org);
    }
    d.order_member_removals();
    let changes = d
        .drafts
        .into_iter()
        .map(|dr| dr.into_change(input.platform))
        .collect();
    let mut unmanaged = d.unmanaged;
    unmanaged.sort();
    Output { changes, unmanaged }
}

impl<'a> Differ<'a> {
    /// A member's removal waits for the explicit removals of their participations and team
    /// memberships in the same org, so each is removed once, by the call the plan names.
    fn order_member_removals(&mut self) {
        let mut by_user: BTreeMap<(String, String), Vec<Address>> = BTreeMap::new();
        for d in &self.drafts {
            if d.action == Action::Delete
                && matches!(d.kind, Kind::Participant | Kind::TeamMember)
                && let Some(user) = d.address.user()
            {
                by_user
                    .entry((d.address.org_name().key().to_string(), user.to_string()))
                    .or_default()
                    .push(d.address.clone());
            }
        }
        for d in &mut self.drafts {
            if d.action == Action::Delete
                && d.kind == Kind::Member
                && let Some(user) = d.address.user()
                && let Some(deps) =
                    by_user.get(&(d.address.org_name().key().to_string(), user.to_string()))
            {
                d.depends_on.extend(deps.iter().cloned());
            }
        }
    }

    fn push(&mut self, d: Draft) {
        self.index.insert(d.address.clone(), self.drafts.len());
        self.drafts.push(d);
    }

    fn has(&self, address: &Address) -> bool {
        self.index.contains_key(address)
    }

    fn action_of(&self, address: &Address) -> Option<Action> {
        self.index.get(address).map(|&i| self.drafts[i].action)
    }

    /// Whether `user` is an org member once the plan is applied.
    fn member_after(&self, org: &Org, live: Option<&LiveOrg>, user: &UserRef) -> bool {
        match &org.members {
            Some(_) => org.member(user).is_some(),
            None => match live {
                Some(l) => l.member(user.as_str()).is_some(),
                None => self.input.acting.is(user.as_str()),
            },
        }
    }
}
