//! Executing a plan against the platform.
//!
//! This module owns the vocabulary of an apply: what happened to each change ([`Outcome`], with
//! an [`ErrorKind`] when it failed), the [`Report`] of a run, the apply-level errors
//! ([`ApplyError`]) and the check that a saved plan is applied with the overrides it relied on.
//! The work is split by job: [`schedule`] decides when each change runs (dependencies, bounded
//! concurrency, skips, interruption), `execute` carries out one change against the client,
//! `reconcile` settles creates whose outcome is unknown, and [`audit`] appends the audit log.
//!
//! It never re-decides the plan: it only resolves ids of objects the plan creates. It does not
//! format anything for people (the report is rendered by `render::report`).
//!
//! Failure model: a failed change is reported with the platform's message; changes that depend on
//! it are skipped and listed; independent changes carry on. A create whose outcome is unknown (a
//! 5xx or a lost connection) or that the platform calls a duplicate (409) is settled by re-reading
//! the listing: "already there as desired" counts as done, so nothing is ever duplicated. On a
//! first Ctrl-C, calls in flight finish, no new change starts, and the report says what did not
//! run; on a second, the run stops at once and records the changes in flight as interrupted.

pub mod audit;
mod error;
mod execute;
mod reconcile;
pub mod schedule;
mod scope;

use serde::Serialize;

use crate::plan::{Address, Plan};

pub use audit::AuditLog;
pub use error::{ApplyError, ErrorKind, api_error_kind};
pub use schedule::{Executor, OnDone, Platform};
pub use scope::Allowed;
pub use tokio_util::sync::CancellationToken;

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    Applied,
    /// The platform already had it as desired (found by a re-read after an error).
    AlreadyDone,
    /// The change failed: `kind` says what sort of failure, `error` says it for people.
    Failed {
        kind: ErrorKind,
        error: String,
    },
    /// Not attempted because a change it depends on failed or was skipped.
    Skipped {
        because: Address,
    },
    /// Not started because the run was interrupted.
    NotStarted,
    /// Its calls were in flight when the run was stopped at once (a second Ctrl-C): whether it
    /// took effect is unknown until the next plan reads the platform.
    Interrupted,
}

impl Outcome {
    /// A failure of this kind, with the error's message.
    pub fn failed(e: &ApplyError) -> Outcome {
        Outcome::Failed {
            kind: e.kind(),
            error: e.to_string(),
        }
    }
}

/// The result of an apply.
#[derive(Debug, Default)]
pub struct Report {
    /// Address → outcome, in plan order.
    pub outcomes: Vec<(Address, Outcome)>,
    /// Stopped by Ctrl-C (once or twice) before every change ran.
    pub interrupted: bool,
    /// Stopped at once by a second Ctrl-C, abandoning calls in flight.
    pub aborted: bool,
    /// Why the audit log stopped taking records, when it did (the apply stopped there).
    pub audit_error: Option<String>,
}

impl Report {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| f(o)).count()
    }
    pub fn succeeded(&self) -> bool {
        self.audit_error.is_none()
            && !self.interrupted
            && self
                .outcomes
                .iter()
                .all(|(_, o)| matches!(o, Outcome::Applied | Outcome::AlreadyDone))
    }
}

/// Check that a saved plan may be applied with the overrides given now: every override the plan
/// relied on must be given again.
pub fn check_overrides(plan: &Plan, now: crate::plan::Overrides) -> Result<(), ApplyError> {
    let mut missing: Vec<&str> = plan
        .violations
        .iter()
        .filter(|v| v.overridden && !now.allows(v.rail))
        .map(|v| v.rail.override_flag().as_str())
        .collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        return Err(ApplyError::OverridesMissing(
            missing.into_iter().map(str::to_string).collect(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_outcome_serializes_its_kind_next_to_the_message() {
        let o = Outcome::failed(&ApplyError::Unresolved(Address::org("lab")));
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(v["status"], "failed");
        assert_eq!(v["kind"], "unresolved");
        assert_eq!(
            v["error"],
            "the id of org/lab, which this apply should have created, is unknown"
        );
        let v = serde_json::to_value(Outcome::Interrupted).unwrap();
        assert_eq!(v["status"], "interrupted");
    }
}
