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
//! changes (`org`, `teams`, `roles`, `workspace`, `participants`), with the constructors of
//! `draft`.

mod draft;
mod org;
mod participants;
mod roles;
mod teams;
mod workspace;

use std::collections::{BTreeMap, HashMap};

use draft::Draft;

use super::model::{Action, Address, Change, Kind, Unmanaged};
use crate::config::desired::{Member, Org, UserRef};
use crate::live::{ActingUser, Live, OrgIndex, PartialMembers};
use crate::scope::Units;

/// What the diff needs about one platform.
pub struct Input<'a> {
    pub platform: &'a str,
    /// The declared orgs on this platform.
    pub orgs: Vec<&'a Org>,
    pub live: &'a Live,
    pub acting: &'a ActingUser,
    /// With a change-scoped plan, the units it covers: the diff then visits only what lies in
    /// them and what they may depend on (the org's teams, and the members the read looked up).
    pub units: Option<&'a Units>,
}

/// Indexes over one declared org and what was read of it, built once per diff.
pub(super) struct Ix<'a> {
    pub live: Option<OrgIndex<'a>>,
    /// The declared members by user reference (already lower-cased).
    pub desired_members: HashMap<&'a str, &'a Member>,
    /// Set when the org's members were looked up user by user, not listed in full.
    pub partial: Option<&'a PartialMembers>,
}

impl<'a> Ix<'a> {
    pub fn new(org: &'a Org, live: &'a Live) -> Ix<'a> {
        let key = org.key();
        Ix {
            live: live.orgs.get(&key).map(OrgIndex::new),
            desired_members: org
                .members
                .iter()
                .flatten()
                .map(|m| (m.user.as_str(), m))
                .collect(),
            partial: live.partial_members.get(&key),
        }
    }
}

/// The changes and the things left alone.
#[derive(Debug, Default)]
pub struct Output {
    pub changes: Vec<Change>,
    pub unmanaged: Vec<Unmanaged>,
}

struct Differ<'a> {
    input: &'a Input<'a>,
    /// Per declared org, by key.
    ix: &'a HashMap<String, Ix<'a>>,
    drafts: Vec<Draft>,
    /// Index of each draft by address.
    index: HashMap<Address, usize>,
    unmanaged: Vec<Unmanaged>,
    /// Custom roles this plan renames, by org key: lower-cased old name → new name.
    renames: HashMap<String, HashMap<String, String>>,
}

pub fn diff(input: &Input<'_>) -> Output {
    let ix: HashMap<String, Ix<'_>> = input
        .orgs
        .iter()
        .map(|o| (o.key(), Ix::new(o, input.live)))
        .collect();
    let mut d = Differ {
        input,
        ix: &ix,
        drafts: Vec::new(),
        index: HashMap::new(),
        unmanaged: Vec::new(),
        renames: HashMap::new(),
    };
    for org in &input.orgs {
        d.org(org);
    }
    d.order_member_removals();
    d.order_role_deletes();
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

    /// The indexes of a declared org.
    fn ix(&self, org: &Org) -> &'a Ix<'a> {
        let all: &'a HashMap<String, Ix<'a>> = self.ix;
        &all[&org.key()]
    }

    /// Whether anything of `org` is in the plan's units (always, without units).
    fn org_touched(&self, org: &Org) -> bool {
        let a = Address::org(&org.name);
        self.input
            .units
            .is_none_or(|u| u.iter().any(|x| x.is_within(&a)))
    }

    /// Whether the whole of `org` is in the plan's units (always, without units).
    fn org_whole(&self, org: &Org) -> bool {
        self.input
            .units
            .is_none_or(|u| u.contains(&Address::org(&org.name)))
    }

    /// Whether the declared workspace `ws` of `org` is in the plan's units.
    fn workspace_in_scope(&self, org: &Org, ws: &str) -> bool {
        self.org_whole(org)
            || self
                .input
                .units
                .is_some_and(|u| u.contains(&Address::workspace(&org.name, ws)))
    }

    /// Whether `user` is an org member once the plan is applied.
    fn member_after(&self, org: &Org, user: &UserRef) -> bool {
        let ix = self.ix(org);
        match &org.members {
            Some(_) => ix.desired_members.contains_key(user.as_str()),
            None => match &ix.live {
                Some(l) => l.member(user.as_str()).is_some(),
                None => self.input.acting.is(user.as_str()),
            },
        }
    }
}
