//! BaseSpace in the plan. No API lists or changes a workgroup's members, so roster plans what it
//! can check and makes the rest a reviewable manual procedure:
//!
//! - [`check`]: each declared workgroup must be visible to its region's token, with the declared
//!   tier, collaboration and domain; a mismatch is a plan error naming the workgroup;
//! - [`diff`]: the desired members minus what the ledger records as done, as [`ManualChange`]s,
//!   each with its Admin Console steps ([`steps`]) and the ledger record confirming it writes;
//! - [`add_to`]: both into a plan, beside the Seqera changes, in the same "who gains and who
//!   loses access" view, every entry marked as not verifiable by API.
//!
//! Pure: the desired state, the ledger's state, what the API said and the time are passed in.

pub mod model;
pub mod steps;
pub mod verify;

use std::collections::BTreeMap;

pub use model::{BaseSpaceTarget, ManualChange, RegionsChange, UNVERIFIABLE};

use super::model::{AccessChange, Action, EffectiveAccess, EffectiveRole, Plan, RoleChange};
use crate::config::desired::basespace::{BaseSpace, Region, Tier, Workgroup};
use crate::config::desired::{UserRef, When};
use crate::ledger::{LedgerState, Membership, Record, Role, Step};
use crate::live::basespace::{BsRegionLive, Sighting};
use crate::scope::WorkgroupAddress;

/// What the BaseSpace part of a plan is made from.
pub struct BsInput<'a> {
    pub desired: &'a BaseSpace,
    pub ledger: &'a LedgerState,
    /// Every region read, one per (platform, region) a declared workgroup uses.
    pub regions: &'a [BsRegionLive],
    /// (platform, region) → the token variable used for it.
    pub token_envs: &'a BTreeMap<(String, Region), String>,
    /// Now: expiries before it have passed.
    pub now: When,
    /// `--expired-only`: only the removals of users whose `expires` has passed.
    pub expired_only: bool,
}

/// What the API says of a subscription plan, as a tier.
fn tier_of(plan: &str) -> Option<Tier> {
    let p = plan.to_lowercase();
    if p.contains("enterprise") {
        Some(Tier::Enterprise)
    } else if p.contains("professional") {
        Some(Tier::Professional)
    } else {
        None
    }
}

/// Check every declared workgroup against what its regions report: the errors (each naming the
/// workgroup), and the targets of the plan with what could not be checked as warnings.
pub fn check(input: &BsInput<'_>) -> (Vec<String>, Vec<BaseSpaceTarget>) {
    let mut errors = Vec::new();
    let mut targets: Vec<BaseSpaceTarget> = input
        .regions
        .iter()
        .map(|r| BaseSpaceTarget {
            platform: r.platform.clone(),
            region: r.region.to_string(),
            endpoint: r.endpoint.clone(),
            token_env: input
                .token_envs
                .get(&(r.platform.clone(), r.region.clone()))
                .cloned()
                .unwrap_or_else(|| r.region.default_token_env()),
            acting_user: r.acting.shown(),
            workgroups: BTreeMap::new(),
            warnings: Vec::new(),
        })
        .collect();
    for w in &input.desired.workgroups {
        for region in &w.regions {
            let Some((i, live)) = input
                .regions
                .iter()
                .enumerate()
                .find(|(_, r)| r.platform == w.platform && &r.region == region)
            else {
                errors.push(format!(
                    "BaseSpace workgroup `{}` (platform {}, region {region}): the region was not read",
                    w.name, w.platform
                ));
                continue;
            };
            let place = format!(
                "BaseSpace workgroup `{}` (platform {}, region {region})",
                w.name, w.platform
            );
            match live.declared.get(&w.key()) {
                None | Some(Sighting::NotVisible) => errors.push(format!(
                    "{place} is not visible to the token of {} ({}): it does not exist in that region, or that user does not belong to it (the user's workgroups there: {})",
                    live.acting.shown(),
                    live.endpoint,
                    if live.visible.is_empty() {
                        "none".to_string()
                    } else {
                        live.visible.join(", ")
                    }
                )),
                Some(Sighting::Ambiguous { ids }) => errors.push(format!(
                    "{place}: the name matches {} workgroups ({}); rename one in BaseSpace so each declared name is unique",
                    ids.len(),
                    ids.join(", ")
                )),
                Some(Sighting::Visible { workgroup: live_wg }) => {
                    targets[i]
                        .workgroups
                        .insert(w.name.clone(), live_wg.id.clone());
                    if let Some(c) = live_wg.collaborative
                        && c != w.collaborative
                    {
                        errors.push(format!(
                            "{place}: the config says `collaborative: {}`, BaseSpace says IsCollaborative {c} (collaboration is fixed when a workgroup is created)",
                            w.collaborative
                        ));
                    }
                    match live_wg.plan.as_deref().map(|p| (p, tier_of(p))) {
                        Some((_, Some(t))) if t != w.tier => errors.push(format!(
                            "{place}: the config says `tier: {}`, BaseSpace's subscription plan is {}",
                            w.tier,
                            live_wg.plan.as_deref().unwrap_or_default()
                        )),
                        Some((_, Some(_))) => {}
                        Some((p, None)) => targets[i].warnings.push(format!(
                            "workgroup `{}`: the subscription plan `{p}` does not tell its tier; `tier: {}` is not checked",
                            w.name, w.tier
                        )),
                        None => targets[i].warnings.push(format!(
                            "workgroup `{}`: BaseSpace gives no subscription plan; `tier: {}` is not checked",
                            w.name, w.tier
                        )),
                    }
                    if let (Tier::Enterprise, Some(d)) = (w.tier, &w.domain)
                        && !live_wg.domain.eq_ignore_ascii_case(d)
                    {
                        errors.push(format!(
                            "{place}: the config says `domain: {d}`, BaseSpace says DomainName {}",
                            live_wg.domain
                        ));
                    }
                    if live_wg.active == Some(false) {
                        targets[i].warnings.push(format!(
                            "workgroup `{}`: its subscription is not active",
                            w.name
                        ));
                    }
                }
            }
        }
    }
    (errors, targets)
}

/// A member as the config wants them.
struct Want {
    role: Role,
    sequence_hub: Vec<Region>,
    note: Option<String>,
}

/// The members a workgroup should have at `now`; and the users whose grant has expired, with
/// why (for the removal's note).
fn wanted(w: &Workgroup, now: &When) -> (BTreeMap<UserRef, Want>, BTreeMap<UserRef, String>) {
    let mut want = BTreeMap::new();
    let mut expired = BTreeMap::new();
    for a in w.admins.iter().flatten() {
        want.insert(
            a.clone(),
            Want {
                role: Role::Admin,
                sequence_hub: Vec::new(),
                note: None,
            },
        );
    }
    for u in w.users.iter().flatten() {
        let reason = u.reason.as_ref().map(|r| format!("reason: {r}"));
        match &u.expires {
            // As for Seqera grants: ended once the clock is past `expires`.
            Some(x) if x < now => {
                let why = match &reason {
                    Some(r) => format!("access expired on {x} ({r})"),
                    None => format!("access expired on {x}"),
                };
                expired.insert(u.user.clone(), why);
            }
            _ => {
                let mut note: Vec<String> = reason.into_iter().collect();
                if let Some(x) = &u.expires {
                    note.push(format!("access expires on {x}"));
                }
                want.insert(
                    u.user.clone(),
                    Want {
                        role: Role::User,
                        sequence_hub: u.sequence_hub.clone(),
                        note: (!note.is_empty()).then(|| note.join("; ")),
                    },
                );
            }
        }
    }
    (want, expired)
}

fn names(regions: &[Region]) -> Vec<String> {
    regions.iter().map(Region::to_string).collect()
}

/// The manual changes: each workgroup's desired members minus what the ledger records.
pub fn diff(desired: &BaseSpace, ledger: &LedgerState, now: &When) -> Vec<ManualChange> {
    let empty = BTreeMap::new();
    let mut out = Vec::new();
    for w in &desired.workgroups {
        let have = ledger.members(&w.platform, &w.name).unwrap_or(&empty);
        let (want, expired) = wanted(w, now);
        let change = |user: &UserRef,
                      action: Action,
                      before: Option<&Membership>,
                      after: Option<&Want>,
                      summary: String,
                      steps: Vec<String>,
                      step: Step,
                      note: Option<String>| {
            let record = Record {
                platform: w.platform.clone(),
                workgroup: w.name.clone(),
                user: user.clone(),
                step,
                role: after.map(|a| a.role),
                sequence_hub: after.map(|a| a.sequence_hub.clone()).unwrap_or_default(),
            };
            ManualChange {
                address: WorkgroupAddress::new(&w.platform, &w.name, user.as_str()),
                action,
                platform: w.platform.clone(),
                workgroup: w.name.clone(),
                user: user.to_string(),
                role: RoleChange {
                    before: before.map(|b| b.role.to_string()),
                    after: after.map(|a| a.role.to_string()),
                },
                sequence_hub: RegionsChange {
                    before: before.map(|b| names(&b.sequence_hub)).unwrap_or_default(),
                    after: after.map(|a| names(&a.sequence_hub)).unwrap_or_default(),
                },
                summary,
                console: steps::console(w),
                steps,
                verification: UNVERIFIABLE.to_string(),
                note,
                record,
            }
        };
        for (user, a) in &want {
            let u = user.as_str();
            match have.get(user) {
                None => {
                    let (summary, s) = match a.role {
                        Role::Admin => (
                            format!("invite `{u}` as an admin"),
                            steps::make_admin(w, u, false),
                        ),
                        Role::User => (
                            format!(
                                "invite `{u}` as a user: {}",
                                steps::access_list(&a.sequence_hub)
                            ),
                            steps::invite_user(w, u, &a.sequence_hub),
                        ),
                    };
                    out.push(change(
                        user,
                        Action::Create,
                        None,
                        Some(a),
                        summary,
                        s,
                        Step::Invite,
                        a.note.clone(),
                    ));
                }
                Some(h) if h.role != a.role => {
                    let (summary, s) = match a.role {
                        Role::Admin => (
                            format!("make `{u}` an admin (a user until now)"),
                            steps::make_admin(w, u, true),
                        ),
                        Role::User => (
                            format!(
                                "make `{u}` a user (an admin until now): {}",
                                steps::access_list(&a.sequence_hub)
                            ),
                            steps::make_user(w, u, &a.sequence_hub),
                        ),
                    };
                    out.push(change(
                        user,
                        Action::Update,
                        Some(h),
                        Some(a),
                        summary,
                        s,
                        Step::ChangeRole,
                        a.note.clone(),
                    ));
                }
                Some(h) if a.role == Role::User && h.sequence_hub != a.sequence_hub => {
                    let summary = format!(
                        "change the access of `{u}`: {} → {}",
                        steps::access_list(&h.sequence_hub),
                        steps::access_list(&a.sequence_hub)
                    );
                    out.push(change(
                        user,
                        Action::Update,
                        Some(h),
                        Some(a),
                        summary,
                        steps::change_access(w, u, &a.sequence_hub),
                        Step::ChangeAccess,
                        a.note.clone(),
                    ));
                }
                Some(_) => {}
            }
        }
        for (user, h) in have {
            let managed = match h.role {
                Role::Admin => w.admins.is_some(),
                Role::User => w.users.is_some(),
            };
            if want.contains_key(user) || !managed {
                continue;
            }
            let u = user.as_str();
            let summary = format!("remove `{u}` ({})", h.role);
            out.push(change(
                user,
                Action::Delete,
                Some(h),
                None,
                summary,
                steps::remove(w, u, h.role),
                Step::Remove,
                expired.get(user).cloned(),
            ));
        }
    }
    out.sort_by(|a, b| a.address.cmp(&b.address));
    out
}

/// Whether `c` removes a user whose grant has expired (what `--expired-only` keeps).
pub fn expired_removal(desired: &BaseSpace, c: &ManualChange, now: &When) -> bool {
    c.action == Action::Delete
        && desired
            .workgroups
            .iter()
            .filter(|w| w.platform == c.platform && w.name == c.workgroup)
            .any(|w| {
                wanted(w, now)
                    .1
                    .keys()
                    .any(|u| u.as_str().eq_ignore_ascii_case(&c.user))
            })
}

/// Where a change is, in the access view: `BaseSpace illumina/smith-lab-sequencing`.
fn place(c: &ManualChange) -> String {
    format!("BaseSpace {}/{}", c.platform, c.workgroup)
}

/// A member's grant in words: `admin`, or `user, Sequence Hub – US`.
fn grant(role: &str, regions: &[String]) -> String {
    if role == "admin" {
        return "admin".to_string();
    }
    let regions: Vec<Region> = regions.iter().map(|r| Region::new(r)).collect();
    format!("user, {}", steps::access_list(&regions))
}

/// The access view's entries of the manual changes, one per user.
pub fn access(changes: &[ManualChange]) -> Vec<AccessChange> {
    let mut by_user: BTreeMap<&str, AccessChange> = BTreeMap::new();
    let tag = format!("(manual; {UNVERIFIABLE})");
    for c in changes {
        let a = by_user.entry(&c.user).or_insert_with(|| AccessChange {
            user: c.user.clone(),
            ..AccessChange::default()
        });
        let role = |r: &Option<String>| {
            r.as_deref().map(|r| EffectiveRole {
                role: r.to_string(),
                via: None,
            })
        };
        if c.role.before.is_some() || c.role.after.is_some() {
            a.effective.push(EffectiveAccess {
                place: place(c),
                before: role(&c.role.before),
                after: role(&c.role.after),
            });
        }
        let before = c
            .role
            .before
            .as_deref()
            .map(|r| grant(r, &c.sequence_hub.before));
        let after = c
            .role
            .after
            .as_deref()
            .map(|r| grant(r, &c.sequence_hub.after));
        match (before, after) {
            (None, Some(g)) => a.gains.push(format!("{}: {g} {tag}", place(c))),
            (Some(b), Some(g)) => a.changes.push(format!("{}: {b} → {g} {tag}", place(c))),
            (Some(b), None) => a.loses.push(format!("{}: {b} {tag}", place(c))),
            (None, None) => {}
        }
    }
    by_user.into_values().collect()
}

/// Put the BaseSpace part into `plan`: its targets, its manual changes, and their entries in
/// the access view (merged with a user's Seqera entry); then count and digest again. The errors
/// of [`check`] are returned instead, and the plan is left as it was.
pub fn add_to(plan: &mut Plan, input: &BsInput<'_>) -> Result<(), Vec<String>> {
    let (errors, targets) = check(input);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut manual = diff(input.desired, input.ledger, &input.now);
    if input.expired_only {
        manual.retain(|c| expired_removal(input.desired, c, &input.now));
    }
    for entry in access(&manual) {
        match plan.access.iter_mut().find(|a| a.user == entry.user) {
            Some(a) => {
                a.gains.extend(entry.gains);
                a.changes.extend(entry.changes);
                a.loses.extend(entry.loses);
                a.effective.extend(entry.effective);
            }
            None => plan.access.push(entry),
        }
    }
    plan.access.sort_by(|a, b| a.user.cmp(&b.user));
    plan.summary.manual = manual.len();
    plan.basespace = targets;
    plan.manual = manual;
    plan.digest = super::verify::digest(plan);
    Ok(())
}

#[cfg(test)]
mod tests;
