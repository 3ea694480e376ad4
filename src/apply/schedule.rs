//! The scheduler: which change runs when.
//!
//! Each change starts once every change it depends on has succeeded (so waves run in order:
//! org → members → teams → team members → workspaces → settings → participants, removals after
//! what they wait for), with at most `parallelism` changes in flight. A change whose dependency
//! failed or was skipped is skipped, naming it. When [`Executor::cancel`] fires (a first Ctrl-C)
//! nothing new starts and calls in flight finish; when [`Executor::abort`] fires (a second
//! Ctrl-C) the run stops at once: changes in flight are recorded as interrupted, with the
//! operations they had called, and the rest as not started.
//!
//! This file owns ordering, concurrency, outcomes of changes that never ran, and telling the
//! audit log and the progress callback about every change exactly once. It must not call the
//! platform itself (`execute` does) nor format anything for people.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::audit::{AuditLog, AuditRecord, now};
use super::execute::{Created, execute};
use super::reconcile::Calls;
use super::{ApplyError, ErrorKind, Outcome, Report};
use crate::live::ActingUser;
use crate::plan::{Address, Change, Plan};
use crate::platform::seqera::Client;

/// A callback told each change's address and outcome as it finishes.
pub type OnDone = Box<dyn Fn(&Address, &Outcome) + Send + Sync>;

/// A platform's client and acting user.
pub struct Platform {
    pub client: Client,
    pub acting: ActingUser,
    /// What its changes may write to.
    pub allowed: super::Allowed,
}

/// What the executor needs.
pub struct Executor {
    pub platforms: HashMap<String, Platform>,
    pub parallelism: usize,
    pub audit: Option<AuditLog>,
    /// Cancelled to stop starting new changes; calls in flight finish.
    pub cancel: CancellationToken,
    /// Cancelled to stop at once: calls in flight are abandoned and recorded as interrupted.
    pub abort: CancellationToken,
    /// Called after each change finishes (for progress).
    pub on_done: Option<OnDone>,
}

#[derive(Clone, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Finished(Outcome),
}

impl Executor {
    /// Run every change of `plan`.
    pub async fn run(&self, plan: &Plan) -> Report {
        let n = plan.changes.len();
        let index: HashMap<&Address, usize> = plan
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.address, i))
            .collect();
        let deps: Vec<Vec<usize>> = plan
            .changes
            .iter()
            .map(|c| {
                c.depends_on
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect()
            })
            .collect();
        let mut state = vec![State::Pending; n];
        let created: Created = Arc::default();
        let mut running: JoinSet<(usize, Outcome)> = JoinSet::new();
        let mut task_index: HashMap<tokio::task::Id, usize> = HashMap::new();
        // The operations each change in flight has called so far.
        let mut calls: HashMap<usize, Calls> = HashMap::new();
        let changes: Arc<Vec<Change>> = Arc::new(plan.changes.clone());
        let mut interrupted = false;
        let mut aborted = false;

        loop {
            // Propagate failures to dependents, and start what is ready.
            let mut progressed = true;
            while progressed {
                progressed = false;
                for i in 0..n {
                    if state[i] != State::Pending {
                        continue;
                    }
                    let blocked = deps[i].iter().find(|&&d| {
                        matches!(
                            &state[d],
                            State::Finished(
                                Outcome::Failed { .. }
                                    | Outcome::Skipped { .. }
                                    | Outcome::NotStarted
                                    | Outcome::Interrupted
                            )
                        )
                    });
                    if let Some(&d) = blocked {
                        let outcome = Outcome::Skipped {
                            because: changes[d].address.clone(),
                        };
                        self.finish(&changes[i], &[], &outcome);
                        state[i] = State::Finished(outcome);
                        progressed = true;
                    }
                }
            }
            if self.cancel.is_cancelled() || self.abort.is_cancelled() {
                interrupted = true;
            }
            // An audit log that stopped taking records stops the apply: nothing new starts.
            if self.audit.as_ref().is_some_and(|a| a.error().is_some()) {
                interrupted = true;
            }
            if !interrupted {
                for i in 0..n {
                    if running.len() >= self.parallelism.max(1) {
                        break;
                    }
                    let ready = state[i] == State::Pending
                        && deps[i].iter().all(|&d| {
                            matches!(
                                &state[d],
                                State::Finished(Outcome::Applied | Outcome::AlreadyDone)
                            )
                        });
                    if !ready {
                        continue;
                    }
                    state[i] = State::Running;
                    let change = changes[i].clone();
                    let Some(p) = self.platforms.get(&change.platform) else {
                        let outcome =
                            Outcome::failed(&ApplyError::NoConnection(change.platform.clone()));
                        self.finish(&change, &[], &outcome);
                        state[i] = State::Finished(outcome);
                        continue;
                    };
                    if let Some(target) = p.allowed.check(&change.exec) {
                        let outcome = Outcome::failed(&ApplyError::OutOfScope(target));
                        self.finish(&change, &[], &outcome);
                        state[i] = State::Finished(outcome);
                        continue;
                    }
                    let client = p.client.clone();
                    let acting = p.acting.clone();
                    let created = created.clone();
                    let ops = Calls::default();
                    calls.insert(i, ops.clone());
                    let handle = running.spawn(async move {
                        let r = execute(&client, &acting, &change, &created, &ops).await;
                        let outcome = match r {
                            Ok(o) => o,
                            // Cancelled by Ctrl-C before a call of it was sent.
                            Err(e) if e.kind() == ErrorKind::Cancelled => Outcome::Interrupted,
                            Err(e) => Outcome::failed(&e),
                        };
                        (i, outcome)
                    });
                    task_index.insert(handle.id(), i);
                }
            }
            let joined = tokio::select! {
                biased;
                () = self.abort.cancelled() => {
                    aborted = true;
                    interrupted = true;
                    break;
                }
                joined = running.join_next_with_id() => joined,
            };
            let Some(joined) = joined else {
                break;
            };
            let (i, outcome) = match joined {
                Ok((_, (i, outcome))) => (i, outcome),
                Err(e) => {
                    // A panicking change must not take the run down: it is a failure.
                    let i = task_index[&e.id()];
                    (i, Outcome::failed(&ApplyError::Internal(e.to_string())))
                }
            };
            let ops = calls.remove(&i).map(|c| c.taken()).unwrap_or_default();
            self.finish(&changes[i], &ops, &outcome);
            state[i] = State::Finished(outcome);
        }
        if aborted {
            // Stop what is in flight now; record it before anything else can happen.
            running.abort_all();
            for (i, s) in state.iter_mut().enumerate() {
                if *s == State::Running {
                    let ops = calls.remove(&i).map(|c| c.taken()).unwrap_or_default();
                    self.finish(&changes[i], &ops, &Outcome::Interrupted);
                    *s = State::Finished(Outcome::Interrupted);
                }
            }
        }
        // Whatever never started (interrupted) is reported as such.
        let mut report = Report {
            outcomes: Vec::with_capacity(n),
            interrupted,
            aborted,
            audit_error: self.audit.as_ref().and_then(|a| a.error()),
        };
        for (i, s) in state.into_iter().enumerate() {
            let outcome = match s {
                State::Finished(o) => o,
                State::Pending | State::Running => {
                    self.finish(&changes[i], &[], &Outcome::NotStarted);
                    Outcome::NotStarted
                }
            };
            report.outcomes.push((changes[i].address.clone(), outcome));
        }
        report
    }

    fn finish(&self, change: &Change, ops: &[&'static str], outcome: &Outcome) {
        if let Some(audit) = &self.audit {
            let acting = self
                .platforms
                .get(&change.platform)
                .map(|p| format!("{} <{}>", p.acting.user_name, p.acting.email))
                .unwrap_or_default();
            audit.write(&AuditRecord {
                time: now(),
                platform: &change.platform,
                acting_user: &acting,
                address: &change.address,
                action: change.action.as_str(),
                operations: ops,
                reason: change.expired.as_ref().map(ToString::to_string),
                outcome,
            });
        }
        if let Some(cb) = &self.on_done {
            cb(&change.address, outcome);
        }
    }
}
