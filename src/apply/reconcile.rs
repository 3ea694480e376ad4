//! Settling a create whose outcome is unknown, without ever duplicating what it creates.
//!
//! This file owns the one create → re-read → retry loop every create of an apply goes through:
//! a create that the platform answers with "outcome unknown" (a 5xx, a lost connection) or
//! "duplicate" (409) is settled by finding the object in a fresh listing; found counts as done,
//! and an unknown outcome that the listing does not show is tried again, a bounded number of
//! times. It must not know which object it creates: the caller passes the create call and the
//! lookup.

use std::sync::{Arc, Mutex};

use super::Outcome;
use crate::platform::seqera::ApiError;

/// How many times a create whose outcome is unknown, and that a re-read did not find, is tried.
pub(super) const CREATE_ATTEMPTS: u32 = 4;

/// The API operations one change has called, in order; shared with the scheduler so that a run
/// stopped at once can still record what was called.
#[derive(Clone, Default)]
pub(super) struct Calls(Arc<Mutex<Vec<&'static str>>>);

impl Calls {
    pub fn push(&self, op: &'static str) {
        if let Ok(mut v) = self.0.lock() {
            v.push(op);
        }
    }

    pub fn taken(&self) -> Vec<&'static str> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// Whether an error leaves a create's outcome to be settled by a re-read.
fn settle_by_reading(e: &ApiError) -> bool {
    e.is_unsure() || e.is_conflict()
}

/// Create something, settling an unknown or duplicate outcome by a re-read.
///
/// `create` makes the call (recorded as `create_op`); `find` lists afresh (recorded as
/// `list_op`) and returns the object when it is there. The result is the created or found
/// object with [`Outcome::Applied`] or [`Outcome::AlreadyDone`]. A create refused for any other
/// reason, a listing that fails, a 409 the listing does not explain, or an unknown outcome still
/// unseen after [`CREATE_ATTEMPTS`] tries, is the error.
pub(super) async fn reconcile_create<T, C, F>(
    calls: &Calls,
    (create_op, list_op): (&'static str, &'static str),
    create: impl Fn() -> C,
    find: impl Fn() -> F,
) -> Result<(T, Outcome), ApiError>
where
    C: Future<Output = Result<T, ApiError>>,
    F: Future<Output = Result<Option<T>, ApiError>>,
{
    let mut attempt = 1;
    loop {
        calls.push(create_op);
        match create().await {
            Ok(created) => return Ok((created, Outcome::Applied)),
            Err(e) if settle_by_reading(&e) => {
                calls.push(list_op);
                if let Some(found) = find().await? {
                    return Ok((found, Outcome::AlreadyDone));
                }
                if !e.is_unsure() || attempt == CREATE_ATTEMPTS {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    fn unsure() -> ApiError {
        ApiError::Unsure {
            operation: "CreateX",
            path: "/x".into(),
            cause: "HTTP 503".into(),
        }
    }

    fn conflict() -> ApiError {
        ApiError::Conflict {
            operation: "CreateX",
            path: "/x".into(),
            message: "exists".into(),
        }
    }

    fn bad() -> ApiError {
        ApiError::BadRequest {
            operation: "CreateX",
            path: "/x".into(),
            message: "no".into(),
        }
    }

    /// Runs `reconcile_create` with creates answering `answers` in turn and listings answering
    /// `found` in turn; returns the result and the calls made.
    fn run(
        answers: Vec<Result<u32, ApiError>>,
        found: Vec<Option<u32>>,
    ) -> (Result<(u32, Outcome), ApiError>, Vec<&'static str>) {
        let answers = &RefCell::new(answers.into_iter());
        let found = &RefCell::new(found.into_iter());
        let calls = Calls::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let r = rt.block_on(reconcile_create(
            &calls,
            ("CreateX", "ListX"),
            move || async move {
                answers
                    .borrow_mut()
                    .next()
                    .expect("no more creates expected")
            },
            move || async move {
                Ok(found
                    .borrow_mut()
                    .next()
                    .expect("no more listings expected"))
            },
        ));
        (r, calls.taken())
    }

    #[test]
    fn a_create_that_succeeds_is_applied() {
        let (r, calls) = run(vec![Ok(7)], vec![]);
        assert_eq!(r.unwrap(), (7, Outcome::Applied));
        assert_eq!(calls, ["CreateX"]);
    }

    #[test]
    fn an_unknown_outcome_found_by_the_re_read_is_already_done() {
        let (r, calls) = run(vec![Err(unsure())], vec![Some(9)]);
        assert_eq!(r.unwrap(), (9, Outcome::AlreadyDone));
        assert_eq!(calls, ["CreateX", "ListX"]);
    }

    #[test]
    fn an_unknown_outcome_not_found_is_tried_again() {
        let (r, calls) = run(vec![Err(unsure()), Ok(3)], vec![None]);
        assert_eq!(r.unwrap(), (3, Outcome::Applied));
        assert_eq!(calls, ["CreateX", "ListX", "CreateX"]);
    }

    #[test]
    fn retries_are_bounded() {
        let n = CREATE_ATTEMPTS as usize;
        let (r, calls) = run(
            (0..n).map(|_| Err(unsure())).collect(),
            (0..n).map(|_| None).collect(),
        );
        assert!(r.unwrap_err().is_unsure());
        assert_eq!(calls.len(), 2 * n);
    }

    #[test]
    fn a_conflict_is_settled_by_the_listing_or_is_the_error() {
        let (r, _) = run(vec![Err(conflict())], vec![Some(1)]);
        assert_eq!(r.unwrap(), (1, Outcome::AlreadyDone));
        let (r, calls) = run(vec![Err(conflict())], vec![None]);
        assert!(r.unwrap_err().is_conflict());
        assert_eq!(calls, ["CreateX", "ListX"], "a 409 is not retried");
    }

    #[test]
    fn any_other_error_is_the_error_without_a_re_read() {
        let (r, calls) = run(vec![Err(bad())], vec![]);
        assert!(matches!(r.unwrap_err(), ApiError::BadRequest { .. }));
        assert_eq!(calls, ["CreateX"]);
    }
}
