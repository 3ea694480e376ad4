//! Unit tests of [`decide`](super::decide) and [`parse_retry_after`](super::parse_retry_after):
//! every rule of the retry policy, with the jitter and the clock as inputs.

use std::time::{Duration, SystemTime};

use super::*;
use CallKind::{Create, Idempotent};

fn policy() -> RetryPolicy {
    RetryPolicy {
        initial: Duration::from_millis(100),
        max_interval: Duration::from_secs(2),
        max_attempts: 5,
        max_elapsed: Duration::from_secs(60),
        max_retry_after: Duration::from_secs(30),
    }
}

/// The `n`-th failure (not a 429) of a call, one second in.
fn nth(failures: u32, jitter: f64) -> Attempt {
    Attempt {
        failures,
        throttles: 0,
        elapsed: Duration::from_secs(1),
        jitter,
    }
}

/// The `n`-th 429 of a call, after `failures` other failures.
fn throttled(throttles: u32, failures: u32, jitter: f64) -> Attempt {
    Attempt {
        failures,
        throttles,
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

fn too_many(retry_after: Option<Duration>) -> Failure {
    Failure::Status {
        status: 429,
        retry_after,
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn a_429_without_retry_after_backs_off_exponentially_for_every_kind() {
    for kind in [Idempotent, Create] {
        let full = |n| decide(&policy(), too_many(None), throttled(n, 0, 1.0), kind);
        assert_eq!(full(1), Decision::Retry { after: ms(100) });
        assert_eq!(full(2), Decision::Retry { after: ms(200) });
        assert_eq!(full(3), Decision::Retry { after: ms(400) });
        assert_eq!(full(4), Decision::Retry { after: ms(800) });
        assert_eq!(full(40), Decision::Retry { after: secs(2) });
    }
}

#[test]
fn a_429_with_retry_after_waits_that_long_plus_a_little_jitter() {
    let failure = too_many(Some(secs(3)));
    for kind in [Idempotent, Create] {
        assert_eq!(
            decide(&policy(), failure, throttled(1, 0, 0.0), kind),
            Decision::Retry { after: secs(3) }
        );
        assert_eq!(
            decide(&policy(), failure, throttled(4, 0, 1.0), kind),
            Decision::Retry {
                after: secs(3) + RETRY_AFTER_JITTER
            },
            "Retry-After wins over the exponential backoff and the max interval"
        );
    }
}

#[test]
fn a_long_retry_after_is_capped() {
    for ra in [secs(31), secs(3600), Duration::from_secs(u64::MAX)] {
        assert_eq!(
            decide(
                &policy(),
                too_many(Some(ra)),
                throttled(1, 0, 0.0),
                Idempotent
            ),
            Decision::Retry { after: secs(30) },
            "{ra:?}"
        );
    }
    assert_eq!(RetryPolicy::default().max_retry_after, secs(60));
}

#[test]
fn a_429_spends_no_attempt_budget_only_time() {
    // Far more 429s than max_attempts: still retried while time remains, even for a create and
    // even after the other failures have used up all but the last attempt.
    for kind in [Idempotent, Create] {
        for throttles in [5, 6, 50, 1000] {
            assert!(matches!(
                decide(
                    &policy(),
                    too_many(None),
                    throttled(throttles, 4, 1.0),
                    kind
                ),
                Decision::Retry { .. }
            ));
        }
    }
    // The attempt budget is spent by the other failures alone: 4 failures and 100 throttles leave
    // one 503 to retry.
    assert!(matches!(
        decide(
            &policy(),
            status(503),
            Attempt {
                failures: 4,
                throttles: 100,
                ..nth(4, 1.0)
            },
            Idempotent
        ),
        Decision::Retry { .. }
    ));
    // Once the time budget is spent, a 429 is final (and certainly not processed: not unsure).
    let late = Attempt {
        elapsed: secs(60),
        ..throttled(1, 0, 1.0)
    };
    for kind in [Idempotent, Create] {
        assert_eq!(
            decide(&policy(), too_many(Some(secs(1))), late, kind),
            Decision::GiveUp
        );
    }
    let just_in_time = Attempt {
        elapsed: secs(59),
        ..late
    };
    assert!(matches!(
        decide(&policy(), too_many(None), just_in_time, Create),
        Decision::Retry { .. }
    ));
}

#[test]
fn a_503_backs_off_by_its_own_failure_count_not_the_throttles() {
    let after_throttles = Attempt {
        failures: 1,
        throttles: 9,
        ..nth(1, 1.0)
    };
    assert_eq!(
        decide(&policy(), status(503), after_throttles, Idempotent),
        Decision::Retry { after: ms(100) }
    );
}

#[test]
fn a_503_with_retry_after_honours_it_capped() {
    let failure = Failure::Status {
        status: 503,
        retry_after: Some(secs(300)),
    };
    assert_eq!(
        decide(&policy(), failure, nth(1, 0.0), Idempotent),
        Decision::Retry { after: secs(30) }
    );
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
            Decision::Retry { after: secs(2) },
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
fn the_attempt_budget_ends_retries_of_failures() {
    // Failure 4 of 5 may still retry; failure 5 is the last.
    assert!(matches!(
        decide(&policy(), status(503), nth(4, 1.0), Idempotent),
        Decision::Retry { .. }
    ));
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
    // Out of budget, a refused create is a plain transport failure; a lost create stays unsure.
    assert_eq!(
        decide(&policy(), Failure::Refused, nth(5, 1.0), Create),
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
        failures: 1,
        throttles: 0,
        elapsed: secs(60),
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
        elapsed: secs(59),
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
    assert_eq!(p.max_interval, secs(10));
    assert_eq!(p.max_attempts, 8);
    assert_eq!(p.max_elapsed, secs(120));
    assert_eq!(p.max_retry_after, secs(60));
}

/// 1994-11-06T08:49:37Z, the date of RFC 9110's examples.
fn example_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + secs(784_111_777)
}

#[test]
fn retry_after_in_delta_seconds() {
    let now = example_time();
    assert_eq!(parse_retry_after("0", now), Some(secs(0)));
    assert_eq!(parse_retry_after("1", now), Some(secs(1)));
    assert_eq!(parse_retry_after(" 120 ", now), Some(secs(120)));
    // Too many digits for u64 is still a (capped) wait, not a fallback to the backoff.
    assert_eq!(
        parse_retry_after("99999999999999999999999", now),
        Some(Duration::from_secs(u64::MAX))
    );
}

#[test]
fn retry_after_as_an_http_date_in_each_form() {
    let now = example_time();
    for form in [
        "Sun, 06 Nov 1994 08:49:47 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:47 GMT", // RFC 850
        "Sun Nov  6 08:49:47 1994",       // asctime
    ] {
        assert_eq!(parse_retry_after(form, now), Some(secs(10)), "{form}");
    }
    // Across a day and a month boundary.
    assert_eq!(
        parse_retry_after("Thu, 01 Dec 1994 00:00:00 GMT", now),
        Some(secs(786_240_000 - 784_111_777))
    );
    // A date already past asks for no wait at all.
    assert_eq!(
        parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now),
        Some(secs(0))
    );
}

#[test]
fn an_unreadable_retry_after_falls_back_to_the_backoff() {
    let now = example_time();
    for bad in [
        "",
        "soon",
        "-1",
        "1.5",
        "+3",
        "Sun, 06 Nov 1994 08:49:47 PST",
        "Sun, 31 Feb 1994 08:49:47 GMT",
        "Sun, 06 Foo 1994 08:49:47 GMT",
        "Sun, 06 Nov 1994 25:49:47 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08:49:47:01 GMT",
        "06 Nov 1994 08:49:47 GMT",
    ] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
    // None from the parser is the "no Retry-After" case of decide: the backoff.
    assert_eq!(
        decide(&policy(), too_many(None), throttled(2, 0, 1.0), Idempotent),
        Decision::Retry { after: ms(200) }
    );
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
