//! A saved plan's BaseSpace part against a fresh one: the same regions (host and token
//! variable) and the same manual steps, record for record. A ledger updated since the plan was
//! saved makes the fresh plan's steps differ, so the saved plan is refused as stale. Pure.

use super::super::model::Plan;

/// The first way the BaseSpace parts differ, in a sentence.
pub fn first_difference(saved: &Plan, fresh: &Plan) -> Option<String> {
    for t in &saved.basespace {
        let same = |f: &&super::BaseSpaceTarget| f.platform == t.platform && f.region == t.region;
        match fresh.basespace.iter().find(same) {
            None => {
                return Some(format!(
                    "BaseSpace platform {} region {} is in the saved plan but not in the config",
                    t.platform, t.region
                ));
            }
            Some(f) if f.endpoint != t.endpoint || f.token_env != t.token_env => {
                return Some(format!(
                    "BaseSpace platform {} region {}: the saved plan names {} ({}), the config {} ({})",
                    t.platform, t.region, t.endpoint, t.token_env, f.endpoint, f.token_env
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(f) = fresh.basespace.iter().find(|f| {
        !saved
            .basespace
            .iter()
            .any(|t| t.platform == f.platform && t.region == f.region)
    }) {
        return Some(format!(
            "BaseSpace platform {} region {} is in the config but not in the saved plan",
            f.platform, f.region
        ));
    }
    for c in &saved.manual {
        match fresh.manual.iter().find(|f| f.address == c.address) {
            None => {
                return Some(format!(
                    "the saved plan has the manual step {} ({}), which the config and the ledger no longer call for",
                    c.address, c.summary
                ));
            }
            Some(f) if f != c => {
                return Some(format!(
                    "the manual step {} differs: the saved plan says {}, the config and the ledger now {}",
                    c.address, c.summary, f.summary
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(f) = fresh
        .manual
        .iter()
        .find(|f| !saved.manual.iter().any(|c| c.address == f.address))
    {
        return Some(format!(
            "the config and the ledger call for the manual step {} ({}), which the saved plan lacks",
            f.address, f.summary
        ));
    }
    None
}
