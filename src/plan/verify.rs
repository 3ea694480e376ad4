//! Checking a plan against another: the digest a reviewer saw, and the first difference between
//! a saved (possibly tampered) plan and the plan derived afresh from the config and the live
//! state. `apply PLAN` executes only a plan that derives again change for change, so editing a
//! saved plan can at most make it refused as stale. Pure: no I/O.

use sha2::{Digest, Sha256};

use super::model::{Change, Plan, Target};

/// The digest of what a plan does: sha256 (hex) of its changes and the platforms they go to,
/// as JSON. Two plans with the same digest make the same calls against the same endpoints.
pub fn digest(plan: &Plan) -> String {
    if plan.basespace.is_empty() && plan.manual.is_empty() {
        return digest_of(&plan.targets, &plan.changes);
    }
    // With BaseSpace: also the regions (host and token variable) and the manual steps, so a
    // reviewed plan's digest covers what apply asks the operator to do and records.
    let targets: Vec<(&str, &str, &str)> = plan
        .targets
        .iter()
        .map(|t| {
            (
                t.platform.as_str(),
                t.endpoint.as_str(),
                t.token_env.as_str(),
            )
        })
        .collect();
    let regions: Vec<(&str, &str, &str, &str)> = plan
        .basespace
        .iter()
        .map(|t| {
            (
                t.platform.as_str(),
                t.region.as_str(),
                t.endpoint.as_str(),
                t.token_env.as_str(),
            )
        })
        .collect();
    let json = serde_json::to_vec(&(&targets, &plan.changes, &regions, &plan.manual))
        .expect("a plan serializes");
    hex::encode(Sha256::digest(&json))
}

/// The digest of targets and changes (see [`digest`]); of none, for a plan with nothing in scope.
pub fn digest_of(targets: &[Target], changes: &[Change]) -> String {
    let targets: Vec<(&str, &str, &str)> = targets
        .iter()
        .map(|t| {
            (
                t.platform.as_str(),
                t.endpoint.as_str(),
                t.token_env.as_str(),
            )
        })
        .collect();
    let json = serde_json::to_vec(&(&targets, changes)).expect("a plan serializes");
    hex::encode(Sha256::digest(&json))
}

fn describe(c: &Change) -> String {
    format!("{} {} ({})", c.action.as_str(), c.address, c.kind)
}

/// The first way `saved` differs from `fresh` in what it would do or allow, in a sentence;
/// `None` when they agree change for change (and target for target, violation for violation).
pub fn first_difference(saved: &Plan, fresh: &Plan) -> Option<String> {
    for t in &saved.targets {
        match fresh.targets.iter().find(|f| f.platform == t.platform) {
            None => {
                return Some(format!(
                    "platform {} is in the saved plan but not in the config",
                    t.platform
                ));
            }
            Some(f) if f.endpoint != t.endpoint => {
                return Some(format!(
                    "platform {}: the saved plan names endpoint {}, the config {}",
                    t.platform, t.endpoint, f.endpoint
                ));
            }
            Some(f) if f.token_env != t.token_env => {
                return Some(format!(
                    "platform {}: the saved plan names token variable {}, the config {}",
                    t.platform, t.token_env, f.token_env
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(f) = fresh
        .targets
        .iter()
        .find(|f| !saved.targets.iter().any(|t| t.platform == f.platform))
    {
        return Some(format!(
            "platform {} is in the config but not in the saved plan",
            f.platform
        ));
    }
    for c in &saved.changes {
        match fresh.changes.iter().find(|f| f.address == c.address) {
            None => {
                return Some(format!(
                    "the saved plan has {}, which the config and the platform do not call for",
                    describe(c)
                ));
            }
            Some(f) if f != c => {
                return Some(format!(
                    "{} differs from what the config and the platform call for ({})",
                    describe(c),
                    describe(f)
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(f) = fresh
        .changes
        .iter()
        .find(|f| !saved.changes.iter().any(|c| c.address == f.address))
    {
        return Some(format!(
            "the config and the platform call for {}, which the saved plan lacks",
            describe(f)
        ));
    }
    if saved.changes != fresh.changes {
        return Some("the saved plan orders its changes differently".to_string());
    }
    if let Some(d) = super::basespace::verify::first_difference(saved, fresh) {
        return Some(d);
    }
    let rails = |p: &Plan| {
        let mut v: Vec<_> = p
            .violations
            .iter()
            .map(|v| (v.rail, v.addresses.clone()))
            .collect();
        v.sort();
        v
    };
    if rails(saved) != rails(fresh) {
        return Some(format!(
            "the saved plan's guard-rail findings ({}) differ from a fresh check's ({})",
            list(saved),
            list(fresh)
        ));
    }
    None
}

fn list(p: &Plan) -> String {
    if p.violations.is_empty() {
        return "none".to_string();
    }
    p.violations
        .iter()
        .map(|v| v.rail.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures;
    use crate::plan::{Exec, Rail, Violation};

    #[test]
    fn a_plan_agrees_with_itself_and_its_digest_is_stable() {
        let p = fixtures::plan();
        assert_eq!(first_difference(&p, &p.clone()), None);
        assert_eq!(digest(&p), digest(&p.clone()));
        assert_eq!(digest(&p).len(), 64);
    }

    #[test]
    fn every_kind_of_tampering_is_a_difference() {
        let fresh = fixtures::plan();
        let mut t = fresh.clone();
        // A role raised to owner.
        for c in &mut t.changes {
            if let Exec::AddMember { role, .. } = &mut c.exec {
                *role = "owner".into();
                break;
            }
        }
        assert!(first_difference(&t, &fresh).is_some_and(|d| d.contains("differs")));
        assert_ne!(digest(&t), digest(&fresh));

        let mut t = fresh.clone();
        let mut extra = t.changes[0].clone();
        extra.address = crate::plan::Address::workspace("elsewhere", "x");
        extra.exec = Exec::DeleteWorkspace {
            org_id: 99,
            workspace_id: 99,
        };
        t.changes.push(extra);
        assert!(first_difference(&t, &fresh).is_some_and(|d| d.contains("do not call for")));

        let mut t = fresh.clone();
        t.violations.clear();
        assert!(first_difference(&t, &fresh).is_some_and(|d| d.contains("guard-rail")));

        let mut t = fresh.clone();
        t.targets[0].token_env = "OTHER_SECRET".into();
        assert!(first_difference(&t, &fresh).is_some_and(|d| d.contains("token variable")));

        let mut t = fresh.clone();
        t.targets[0].endpoint = "http://127.0.0.1:9/api".into();
        assert!(first_difference(&t, &fresh).is_some_and(|d| d.contains("endpoint")));

        let mut t = fresh.clone();
        t.changes.pop();
        assert!(first_difference(&t, &fresh).is_some_and(|d| d.contains("lacks")));

        let mut t = fresh.clone();
        t.violations.push(Violation {
            rail: Rail::Destroy,
            message: "x".into(),
            override_flag: Rail::Destroy.override_flag(),
            addresses: vec![],
            overridden: true,
        });
        assert!(first_difference(&t, &fresh).is_some());
    }
}
