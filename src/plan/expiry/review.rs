//! What a config change does to the ends of grants, for the pull-request plan: against the
//! config at the base ref, every grant whose end is added, moved later or earlier, or removed;
//! without a base, every grant with an end among the plan's creates and updates.

use std::collections::BTreeMap;

use super::entries;
use crate::config::desired::Desired;
use crate::config::time::When;
use crate::plan::model::{Action, Address, Change, ExpiryChange, ExpiryEdit};

/// Address → (end, reason) of every grant `d` declares with an end. Only those: a map of every
/// grant would be tens of megabytes at 3,000 workspaces.
fn ends(d: &Desired) -> BTreeMap<Address, (Option<When>, Option<String>)> {
    d.orgs
        .iter()
        .flat_map(|o| entries(o, |e| e.is_some()))
        .map(|e| (e.address, (e.expires, e.reason.map(str::to_string))))
        .collect()
}

/// The ends `head` sets differently from `base`, by address. A grant `head` no longer declares
/// is a removal, not an expiry change, and is not listed.
pub fn review(base: &Desired, head: &Desired) -> Vec<ExpiryChange> {
    let before = ends(base);
    let after = ends(head);
    let mut out = Vec::new();
    for (address, (end, reason)) in &after {
        let was = before.get(address).and_then(|(w, _)| *w);
        let change = match (was, *end) {
            (None, Some(_)) => ExpiryEdit::Added,
            (Some(b), Some(a)) if a > b => ExpiryEdit::Extended,
            (Some(b), Some(a)) if a < b => ExpiryEdit::Shortened,
            _ => continue,
        };
        out.push(ExpiryChange {
            address: address.clone(),
            change,
            before: was,
            after: *end,
            reason: reason.clone(),
        });
    }
    // Ends the change takes away from grants it keeps: looked for among the grants without an
    // end only when some end went (building every grant's address otherwise costs for nothing).
    let gone: Vec<&Address> = before.keys().filter(|a| !after.contains_key(*a)).collect();
    if !gone.is_empty() {
        let kept: BTreeMap<Address, Option<String>> = head
            .orgs
            .iter()
            .flat_map(|o| entries(o, |e| e.is_none()))
            .map(|e| (e.address, e.reason.map(str::to_string)))
            .collect();
        for address in gone {
            if let Some(reason) = kept.get(address) {
                out.push(ExpiryChange {
                    address: address.clone(),
                    change: ExpiryEdit::Removed,
                    before: before[address].0,
                    after: None,
                    reason: reason.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.address.cmp(&b.address));
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
