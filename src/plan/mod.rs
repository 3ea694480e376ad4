//! The pure diff: (desired, live) → ordered changes with addresses, risks and dependencies, the
//! guard rails evaluated on them, and the per-user access view. No I/O: everything it needs is
//! passed in, so the same inputs give byte-identical plans.

pub mod access;
pub mod diff;
pub mod guard;
pub mod model;

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

pub use model::*;

use crate::config::desired::{Desired, Org};
use crate::live::read::Scope;
use crate::live::{ActingUser, Live};

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

/// The digest of a desired state: sha256 of its JSON, as hex.
pub fn desired_digest(desired: &Desired) -> String {
    let json = serde_json::to_vec(desired).expect("desired state serializes");
    hex::encode(Sha256::digest(&json))
}

/// Build the plan for every platform.
pub fn build(
    desired: &Desired,
    source: &str,
    inputs: &[PlatformInput<'_>],
    overrides: Overrides,
) -> Plan {
    let mut changes = Vec::new();
    let mut unmanaged = Vec::new();
    let mut access_changes = Vec::new();
    let mut violations = Vec::new();
    let mut targets = Vec::new();
    for input in inputs {
        let out = diff::diff(&diff::Input {
            platform: &input.platform,
            orgs: input.orgs.clone(),
            live: input.live,
            acting: input.acting,
        });
        violations.extend(guard::check(&guard::GuardInput {
            changes: &out.changes,
            orgs: &input.orgs,
            live: input.live,
            acting: input.acting,
            policy: &desired.policy,
            overrides,
        }));
        access_changes.extend(access::access(&input.orgs, input.live, input.acting));
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
    Plan {
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
        scope: None,
    }
}

/// Set each change's wave to one more than the latest wave among its dependencies (0 without
/// any). Dependencies on addresses outside the plan are dropped; a cycle (which the diff never
/// builds) is broken rather than looped on.
pub fn assign_waves(changes: &mut [Change]) {
    let index: HashMap<String, usize> = changes
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
        m.entry(
            o.platform
                .clone()
                .unwrap_or_else(|| DEFAULT_PLATFORM.to_string()),
        )
        .or_default()
        .push(o);
    }
    m
}

/// The platform name used when Settings declares none.
pub const DEFAULT_PLATFORM: &str = "default";

#[cfg(test)]
mod tests;
