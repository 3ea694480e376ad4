//! What a config change does to the ends of grants, for the pull-request plan: against the
//! config at the base ref, every grant whose end is added, moved later or earlier, or removed;
//! without a base, every grant with an end among the plan's creates and updates.

use std::collections::BTreeMap;

use super::entries;
use crate::config::desired::Desired;
use crate::config::time::When;
use crate::plan::model::{Action, Address, Change, ExpiryChange, ExpiryEdit};

/// Address → (end, reason) of every grant `d` declares.
fn ends(d: &Desired) -> BTreeMap<Address, (Option<When>, Option<String>)> {
    d.orgs
        .iter()
        .flat_map(entries)
        .map(|e| (e.address, (e.expires, e.reason.map(str::to_string))))
        .collect()
}

/// The ends `head` sets differently from `base`, by address. A grant `head` no longer declares
/// is a removal, not an expiry change, and is not listed.
pub fn review(base: &Desired, head: &Desired) -> Vec<ExpiryChange> {
    let before = ends(base);
    let mut out = Vec::new();
    for (address, (after, reason)) in ends(head) {
        let was = before.get(&address).and_then(|(w, _)| *w);
        let change = match (was, after) {
            (None, Some(_)) => ExpiryEdit::Added,
            (Some(b), Some(a)) if a > b => ExpiryEdit::Extended,
            (Some(b), Some(a)) if a < b => ExpiryEdit::Shortened,
            (Some(_), None) => ExpiryEdit::Removed,
            _ => continue,
        };
        out.push(ExpiryChange {
            address,
            change,
            before: was,
            after,
            reason,
        });
    }
    out
}

/// Without a base to compare with: every grant with an end that the plan creates or updates.
pub fn review_changes(head: &Desired, changes: &[Change]) -> Vec<ExpiryChange> {
    let ends = ends(head);
    let mut out: Vec<ExpiryChange> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Create | Action::Update) && c.kind.is_access())
        .filter_map(|c| {
            let (after, reason) = ends.get(&c.address)?;
            Some(ExpiryChange {
                address: c.address.clone(),
                change: ExpiryEdit::Set,
                before: None,
                after: Some((*after)?),
                reason: reason.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.address.cmp(&b.address));
    out.dedup_by(|a, b| a.address == b.address);
    out
}
