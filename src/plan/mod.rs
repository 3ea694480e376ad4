//! The pure diff: (desired, live) → ordered changes with addresses, risks and dependencies, the
//! guard rails evaluated on them, and the per-user access view. No I/O: everything it needs is
//! passed in, so the same inputs give byte-identical plans.

pub mod access;
pub mod accounts;
pub mod basespace;
pub mod diff;
pub mod expiry;
pub mod guard;
pub mod idp;
pub mod model;
pub mod preflight;
pub mod rail;
pub mod roles;
pub mod verify;

#[cfg(test)]
pub(crate) mod fixtures;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

pub use model::*;

pub use crate::config::desired::DEFAULT_PLATFORM;
use crate::config::desired::{Desired, Org};
use crate::live::{ActingUser, Live};
use crate::scope::in_units;
pub use crate::scope::{Scope, Units};

/// One platform's part of a plan: what was declared for it and what was read from it.
pub struct PlatformInput<'a> {
    pub platform: String,
    pub endpoint: String,
    pub token_env: String,
    pub orgs: Vec<&'a Org>,
    pub live: &'a Live,
    pub acting: &'a ActingUser,
    pub scope: Scope,
}

/// The digest of a desired state: sha256 of its JSON, as hex. The JSON is hashed as it is
/// written, never held whole (at 3,000 workspaces it is megabytes, for a digest).
pub fn desired_digest(desired: &Desired) -> String {
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hashing(Sha256::new());
    serde_json::to_writer(
        std::io::BufWriter::with_capacity(64 * 1024, &mut h),
        desired,
    )
    .expect("desired state serializes");
    hex::encode(h.0.finalize())
}

/// Whether `dep` is only an ordering of `c` after it, not something `c` needs: a member's
/// removal waits for the removals of their participations and team memberships (so each is
/// removed by the call the plan names), but would do them itself by cascade.
fn ordering_only(c: &Change, dep: &Change) -> bool {
    c.kind == Kind::Member
        && c.action == Action::Delete
        && dep.action == Action::Delete
        && matches!(dep.kind, Kind::Participant | Kind::TeamMember)
}

/// The changes in `units`, and every change they need (transitively).
pub fn restrict(changes: Vec<Change>, units: &Units) -> Vec<Change> {
    let by_address: HashMap<&Address, &Change> = changes.iter().map(|c| (&c.address, c)).collect();
    let mut keep: BTreeSet<Address> = changes
        .iter()
        .filter(|c| in_units(units, &c.address))
        .map(|c| c.address.clone())
        .collect();
    let mut todo: Vec<Address> = keep.iter().cloned().collect();
    while let Some(a) = todo.pop() {
        let c = by_address[&a];
        for d in &c.depends_on {
            let Some(dep) = by_address.get(d) else {
                continue;
            };
            if !ordering_only(c, dep) && keep.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    changes
        .into_iter()
        .filter(|c| keep.contains(&c.address))
        .collect()
}

/// Build the plan for every platform; with `units`, only what lies in them and what that depends
/// on (a change-scoped plan, `--changed-from`).
pub fn build(
    desired: &Desired,
    source: &str,
    inputs: &[PlatformInput<'_>],
    overrides: Overrides,
    units: Option<&Units>,
) -> Plan {
    build_at(desired, source, inputs, overrides, units, &[])
}

/// [`build`], for a desired state from which the `ended` grants were taken out
/// ([`expiry::split`]): their removals are marked with when and why (and do not count towards
/// the removal fraction).
pub fn build_at(
    desired: &Desired,
    source: &str,
    inputs: &[PlatformInput<'_>],
    overrides: Overrides,
    units: Option<&Units>,
    ended: &[expiry::Grant],
) -> Plan {
    build_inner(desired, source, inputs, overrides, units, ended, false)
}

/// The `--expired-only` plan: exactly the removals of the `ended` grants that are on the
/// platform (and of what the platform removes with an ended membership), planned against the
/// platform as it is (see `expiry::only`); the other changes of the full plan are listed as held.
pub fn build_expired_only(
    desired: &Desired,
    source: &str,
    inputs: &[PlatformInput<'_>],
    overrides: Overrides,
    ended: &[expiry::Grant],
) -> Plan {
    let full = build_at(desired, source, inputs, overrides, None, ended);
    let adjusted: Vec<Vec<Org>> = inputs
        .iter()
        .map(|i| expiry::only::orgs(&i.orgs, &i.platform, i.live, ended))
        .collect();
    let adjusted_inputs: Vec<PlatformInput<'_>> = inputs
        .iter()
        .zip(&adjusted)
        .map(|(i, orgs)| PlatformInput {
            platform: i.platform.clone(),
            endpoint: i.endpoint.clone(),
            token_env: i.token_env.clone(),
            orgs: orgs.iter().collect(),
            live: i.live,
            acting: i.acting,
            scope: i.scope.clone(),
        })
        .collect();
    let mut plan = build_inner(
        desired,
        source,
        &adjusted_inputs,
        overrides,
        None,
        ended,
        true,
    );
    // Only marked removals are expiry removals; anything else the platform's state would make
    // the diff plan (a role the config cannot express) is held like the rest.
    plan.changes.retain(|c| c.expired.is_some());
    assign_waves(&mut plan.changes);
    plan.changes
        .sort_by(|a, b| (a.wave, a.kind, &a.address).cmp(&(b.wave, b.kind, &b.address)));
    plan.summary = summarize(&plan.changes);
    plan.held = full
        .changes
        .iter()
        .filter(|c| !plan.changes.iter().any(|k| k.address == c.address))
        .map(|c| Held {
            address: c.address.clone(),
            action: c.action,
            kind: c.kind,
        })
        .collect();
    plan.expired_only = true;
    plan.digest = verify::digest(&plan);
    plan
}

fn build_inner(
    desired: &Desired,
    source: &str,
    inputs: &[PlatformInput<'_>],
    overrides: Overrides,
    units: Option<&Units>,
    ended: &[expiry::Grant],
    expired_only: bool,
) -> Plan {
    let mut changes = Vec::new();
    let mut unmanaged = Vec::new();
    let mut access_changes = Vec::new();
    let mut violations = Vec::new();
    let mut targets = Vec::new();
    for input in inputs {
        let mut out = diff::diff(&diff::Input {
            platform: &input.platform,
            orgs: input.orgs.clone(),
            live: input.live,
            acting: input.acting,
            units,
        });
        let access_view = access::access(&input.orgs, input.live, input.acting, units);
        // Marked before a change-scoped plan is cut down, so that a participation ending with
        // a membership outside the scope still says why.
        expiry::mark(&mut out.changes, ended, &input.platform, input.live);
        if let Some(units) = units {
            out.changes = restrict(out.changes, units);
            // Unmanaged things are reported for whole orgs only.
            out.unmanaged
                .retain(|u| units.iter().any(|x| x.is_org() && u.address.is_within(x)));
        }
        violations.extend(guard::check(&guard::GuardInput {
            changes: &out.changes,
            orgs: &input.orgs,
            live: input.live,
            acting: input.acting,
            policy: &desired.policy,
            overrides,
            expired_only,
        }));
        access_changes.extend(access_view);
        changes.extend(out.changes);
        unmanaged.extend(out.unmanaged);
        targets.push(Target {
            platform: input.platform.clone(),
            endpoint: input.endpoint.clone(),
            token_env: input.token_env.clone(),
            acting_user: format!("{} <{}>", input.acting.user_name, input.acting.email),
            fingerprints: input.live.fingerprints.clone(),
            scope: input.scope.clone(),
        });
    }
    assign_waves(&mut changes);
    changes.sort_by(|a, b| (a.wave, a.kind, &a.address).cmp(&(b.wave, b.kind, &b.address)));
    unmanaged.sort();
    access_changes.sort_by(|a, b| a.user.cmp(&b.user));
    let summary = summarize(&changes);
    let mut plan = Plan {
        format_version: FORMAT_VERSION.to_string(),
        roster_version: env!("CARGO_PKG_VERSION").to_string(),
        desired_digest: desired_digest(desired),
        targets,
        overrides,
        changes,
        access: access_changes,
        unmanaged,
        violations,
        summary,
        source: source.to_string(),
        scope: units.map(|u| u.iter().cloned().collect()),
        digest: String::new(),
        pending_settings: Vec::new(),
        basespace: Vec::new(),
        manual: Vec::new(),
        first_logins: Vec::new(),
        expired_only: false,
        held: Vec::new(),
        expiries: Vec::new(),
    };
    plan.digest = verify::digest(&plan);
    plan
}

/// Set each change's wave to one more than the latest wave among its dependencies (0 without
/// any). Dependencies on addresses outside the plan are dropped; a cycle (which the diff never
/// builds) is broken rather than looped on.
pub fn assign_waves(changes: &mut [Change]) {
    let index: HashMap<Address, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.address.clone(), i))
        .collect();
    for c in changes.iter_mut() {
        c.depends_on.retain(|d| index.contains_key(d));
    }
    let deps: Vec<Vec<usize>> = changes
        .iter()
        .map(|c| c.depends_on.iter().map(|d| index[d]).collect())
        .collect();
    // 0 = unvisited, 1 = in progress, 2 = done.
    let mut state = vec![0u8; changes.len()];
    let mut wave = vec![0u32; changes.len()];
    fn visit(i: usize, deps: &[Vec<usize>], state: &mut [u8], wave: &mut [u32]) -> u32 {
        match state[i] {
            2 => return wave[i],
            1 => return 0,
            _ => {}
        }
        state[i] = 1;
        let mut w = 0;
        for &d in &deps[i] {
            w = w.max(visit(d, deps, state, wave) + 1);
        }
        state[i] = 2;
        wave[i] = w;
        w
    }
    for i in 0..changes.len() {
        visit(i, &deps, &mut state, &mut wave);
    }
    for (c, w) in changes.iter_mut().zip(wave) {
        c.wave = w;
    }
}

/// Group declared orgs by platform name (`default` when Settings declares none).
pub fn orgs_by_platform(desired: &Desired) -> BTreeMap<String, Vec<&Org>> {
    let mut m: BTreeMap<String, Vec<&Org>> = BTreeMap::new();
    for o in &desired.orgs {
        m.entry(o.platform_name().to_string()).or_default().push(o);
    }
    m
}

#[cfg(test)]
mod tests;
