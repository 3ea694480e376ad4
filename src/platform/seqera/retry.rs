//! The retry policy as a pure function: given how an attempt failed, which attempt it was and what
//! kind of call it is, [`decide`] says whether to retry (and after how long), give up, or report
//! the outcome as unknown. Exponential backoff with full jitter; the jitter is an input, so the
//! decision is deterministic and unit-tested here.
//!
//! Rules: 429 is always retried (the request was not processed), honouring `Retry-After`.
//! 502/503/504 and transport errors are retried for reads, updates and deletes, which are
//! idempotent; for creates they are not, because the write may have happened: the decision is
//! [`Decision::Unsure`] and the caller re-reads before repeating it. A refused connection never
//! reached the server, so even a create is retried — but at most [`REFUSED_RETRIES`] times: a
//! host that refuses is usually the wrong host or port, not a blip. A certificate the client does
//! not trust is never retried: the answer cannot change.
//!
//! It must not sleep, send, read a clock or draw random numbers: the transport does that.

use std::time::Duration;

/// How a failed call is retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub initial: Duration,
    pub max_interval: Duration,
    pub max_attempts: u32,
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_millis(200),
            max_interval: Duration::from_secs(10),
            max_attempts: 8,
            max_elapsed: Duration::from_secs(120),
        }
    }
}

/// What kind of call failed, for retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Reads, updates and deletes: safe to repeat.
    Idempotent,
    /// Creates: repeat only what certainly was not processed (429, refused connections).
    Create,
}

/// How one attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with a non-success status (and perhaps `Retry-After`, in seconds).
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection was refused or could not be set up: the request never reached the server.
    Refused,
    /// The request may have reached the server (timeout, reset, body cut short).
    Lost,
    /// The TLS handshake failed on the server's certificate (unknown issuer, expired, wrong
    /// name): the request never left, and repeating it cannot help.
    Certificate,
}

/// How many times a refused connection is retried before giving up.
pub const REFUSED_RETRIES: u32 = 2;

/// Which attempt failed, and how far into the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// 1 for the first request of a call, 2 for its first retry, …
    pub number: u32,
    /// Time since the call's first request started.
    pub elapsed: Duration,
    /// A uniform sample in `[0, 1]` that places the wait within its jitter range.
    pub jitter: f64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the request again after this wait.
    Retry { after: Duration },
    /// Stop and report the failure as it is.
    GiveUp,
    /// Stop: a create may or may not have happened; the caller must re-read before repeating it.
    Unsure,
}

/// Extra wait, at most, added to a server's `Retry-After` so paced clients do not stampede.
pub const RETRY_AFTER_JITTER: Duration = Duration::from_millis(100);

/// Decide what follows a failed attempt under `policy`.
pub fn decide(
    policy: &RetryPolicy,
    failure: Failure,
    attempt: Attempt,
    kind: CallKind,
) -> Decision {
    let budget_spent =
        attempt.number >= policy.max_attempts || attempt.elapsed >= policy.max_elapsed;
    let jitter = attempt.jitter.clamp(0.0, 1.0);
    match failure {
        Failure::Status {
            status,
            retry_after,
        } => {
            let retryable =
                status == 429 || (kind == CallKind::Idempotent && matches!(status, 502..=504));
            if retryable && !budget_spent {
                let after = match retry_after {
                    Some(ra) => ra + RETRY_AFTER_JITTER.mul_f64(jitter),
                    None => backoff(policy, attempt.number, jitter),
                };
                Decision::Retry { after }
            } else if kind == CallKind::Create && matches!(status, 500 | 502..=504) {
                Decision::Unsure
            } else {
                Decision::GiveUp
            }
        }
        Failure::Certificate => Decision::GiveUp,
        Failure::Refused | Failure::Lost => {
            let safe = kind == CallKind::Idempotent || failure == Failure::Refused;
            let refused_spent = failure == Failure::Refused && attempt.number > REFUSED_RETRIES;
            if safe && !budget_spent && !refused_spent {
                Decision::Retry {
                    after: backoff(policy, attempt.number, jitter),
                }
            } else if kind == CallKind::Create && failure == Failure::Lost {
                Decision::Unsure
            } else {
                Decision::GiveUp
            }
        }
    }
}

/// Full jitter: the wait after attempt `number` is `jitter` × min(initial × 2^(number-1), max).
fn backoff(policy: &RetryPolicy, number: u32, jitter: f64) -> Duration {
    let exponent = number.saturating_sub(1).min(16);
    let ceiling = policy
        .initial
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(policy.max_interval);
    ceiling.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallKind::{Create, Idempotent};

    fn policy() -> RetryPolicy {
        RetryPolicy {
            initial: Duration::from_millis(100),
            max_interval: Duration::from_secs(2),
            max_attempts: 5,
            max_elapsed: Duration::from_secs(60),
        }
    }

    fn nth(number: u32, jitter: f64) -> Attempt {
        Attempt {
            number,
            elapsed: Duration::from_secs(1),
            jitter,
        }
    }

    fn status(status: u16) -> Failure {
        Failure::Status {
            status,
            retry_after: None,
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_429_without_retry_after_backs_off_exponentially_for_every_kind() {
        for kind in [Idempotent, Create] {
            let full = |n| decide(&policy(), status(429), nth(n, 1.0), kind);
            assert_eq!(full(1), Decision::Retry { after: ms(100) });
            assert_eq!(full(2), Decision::Retry { after: ms(200) });
            assert_eq!(full(3), Decision::Retry { after: ms(400) });
            assert_eq!(full(4), Decision::Retry { after: ms(800) });
        }
    }

    #[test]
    fn a_429_with_retry_after_waits_that_long_plus_a_little_jitter() {
        let failure = Failure::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(3)),
        };
        for kind in [Idempotent, Create] {
            assert_eq!(
                decide(&policy(), failure, nth(1, 0.0), kind),
                Decision::Retry {
                    after: Duration::from_secs(3)
                }
            );
            assert_eq!(
                decide(&policy(), failure, nth(4, 1.0), kind),
                Decision::Retry {
                    after: Duration::from_secs(3) + RETRY_AFTER_JITTER
                },
                "Retry-After wins over the exponential backoff and the max interval"
            );
        }
    }

    #[test]
    fn full_jitter_spans_zero_to_the_ceiling_and_the_ceiling_is_capped() {
        assert_eq!(
            decide(&policy(), status(503), nth(3, 0.0), Idempotent),
            Decision::Retry { after: ms(0) }
        );
        assert_eq!(
            decide(&policy(), status(503), nth(3, 0.5), Idempotent),
            Decision::Retry { after: ms(200) }
        );
        let capped = RetryPolicy {
            max_attempts: 100,
            ..policy()
        };
        for n in [6, 20, 40, 99] {
            assert_eq!(
                decide(&capped, status(503), nth(n, 1.0), Idempotent),
                Decision::Retry {
                    after: Duration::from_secs(2)
                },
                "attempt {n}"
            );
        }
        // Out-of-range jitter is clamped rather than trusted.
        assert_eq!(
            decide(&policy(), status(503), nth(1, 7.0), Idempotent),
            Decision::Retry { after: ms(100) }
        );
    }

    #[test]
    fn gateway_errors_are_retried_for_idempotent_calls_only() {
        for code in [502, 503, 504] {
            assert!(matches!(
                decide(&policy(), status(code), nth(1, 1.0), Idempotent),
                Decision::Retry { .. }
            ));
            assert_eq!(
                decide(&policy(), status(code), nth(1, 1.0), Create),
                Decision::Unsure,
                "a create answered {code} may have happened"
            );
        }
    }

    #[test]
    fn a_500_is_final_for_reads_and_unsure_for_creates() {
        assert_eq!(
            decide(&policy(), status(500), nth(1, 1.0), Idempotent),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), status(500), nth(1, 1.0), Create),
            Decision::Unsure
        );
    }

    #[test]
    fn client_errors_are_never_retried() {
        for code in [400, 401, 403, 404, 409, 422] {
            for kind in [Idempotent, Create] {
                assert_eq!(
                    decide(&policy(), status(code), nth(1, 1.0), kind),
                    Decision::GiveUp,
                    "{code} {kind:?}"
                );
            }
        }
    }

    #[test]
    fn a_refused_connection_is_retried_even_for_a_create() {
        for kind in [Idempotent, Create] {
            assert_eq!(
                decide(&policy(), Failure::Refused, nth(2, 1.0), kind),
                Decision::Retry { after: ms(200) }
            );
        }
    }

    #[test]
    fn a_connection_lost_mid_request_is_retried_for_reads_and_unsure_for_creates() {
        assert_eq!(
            decide(&policy(), Failure::Lost, nth(1, 1.0), Idempotent),
            Decision::Retry { after: ms(100) }
        );
        assert_eq!(
            decide(&policy(), Failure::Lost, nth(1, 1.0), Create),
            Decision::Unsure
        );
    }

    #[test]
    fn the_attempt_budget_ends_retries() {
        // Attempt 4 of 5 may still retry; attempt 5 is the last.
        assert!(matches!(
            decide(&policy(), status(429), nth(4, 1.0), Idempotent),
            Decision::Retry { .. }
        ));
        assert_eq!(
            decide(&policy(), status(429), nth(5, 1.0), Idempotent),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), status(503), nth(5, 1.0), Idempotent),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), Failure::Refused, nth(5, 1.0), Idempotent),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), Failure::Lost, nth(5, 1.0), Idempotent),
            Decision::GiveUp
        );
        // Out of budget, a refused create is a plain transport failure, a 429'd create too;
        // a lost create stays unsure.
        assert_eq!(
            decide(&policy(), Failure::Refused, nth(5, 1.0), Create),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), status(429), nth(5, 1.0), Create),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), Failure::Lost, nth(5, 1.0), Create),
            Decision::Unsure
        );
    }

    #[test]
    fn the_time_budget_ends_retries() {
        let late = Attempt {
            number: 1,
            elapsed: Duration::from_secs(60),
            jitter: 1.0,
        };
        assert_eq!(
            decide(&policy(), status(503), late, Idempotent),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&policy(), Failure::Refused, late, Create),
            Decision::GiveUp
        );
        let just_in_time = Attempt {
            elapsed: Duration::from_secs(59),
            ..late
        };
        assert!(matches!(
            decide(&policy(), status(503), just_in_time, Idempotent),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn the_default_policy_matches_the_documented_budget() {
        let p = RetryPolicy::default();
        assert_eq!(p.initial, ms(200));
        assert_eq!(p.max_interval, Duration::from_secs(10));
        assert_eq!(p.max_attempts, 8);
        assert_eq!(p.max_elapsed, Duration::from_secs(120));
    }

    #[test]
    fn a_certificate_error_is_never_retried_and_a_refused_connection_only_twice() {
        for kind in [Idempotent, Create] {
            assert_eq!(
                decide(&policy(), Failure::Certificate, nth(1, 1.0), kind),
                Decision::GiveUp
            );
            assert_eq!(
                decide(&policy(), Failure::Refused, nth(1, 1.0), kind),
                Decision::Retry { after: ms(100) }
            );
            assert_eq!(
                decide(&policy(), Failure::Refused, nth(2, 1.0), kind),
                Decision::Retry { after: ms(200) }
            );
            assert_eq!(
                decide(&policy(), Failure::Refused, nth(3, 1.0), kind),
                Decision::GiveUp
            );
        }
        // A lost request is still retried within the whole budget.
        assert_eq!(
            decide(&policy(), Failure::Lost, nth(3, 1.0), Idempotent),
            Decision::Retry { after: ms(400) }
        );
    }
}
