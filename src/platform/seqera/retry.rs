//! The retry policy as a pure function: given how an attempt failed, how many attempts of the call
//! failed before, and what kind of call it is, [`decide`] says whether to retry (and after how
//! long), give up, or report the outcome as unknown. Exponential backoff with full jitter; the
//! jitter is an input, so the decision is deterministic and unit-tested here. It also reads a
//! `Retry-After` header ([`parse_retry_after`]), given the current time.
//!
//! Rules: a 429 was not processed, so it is retried for every kind of call, and it is not a
//! failure: it spends only the time budget (`max_elapsed`), never the attempt budget, and waits
//! for `Retry-After` (capped at `max_retry_after`) or, without one, backs off. 502/503/504 and
//! transport errors are retried for reads, updates and deletes, which are idempotent, within both
//! budgets; for creates they are not, because the write may have happened: the decision is
//! [`Decision::Unsure`] and the caller re-reads before repeating it. A refused connection never
//! reached the server, so even a create is retried — but at most [`REFUSED_RETRIES`] times: a
//! host that refuses is usually the wrong host or port, not a blip. A certificate the client does
//! not trust is never retried: the answer cannot change.
//!
//! It must not sleep, send, read a clock or draw random numbers: the transport does that.

use std::time::{Duration, SystemTime};

/// How a failed call is retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The first backoff ceiling; it doubles with each failure.
    pub initial: Duration,
    /// The largest backoff ceiling.
    pub max_interval: Duration,
    /// Failed attempts of one call (429s not counted) after which it gives up.
    pub max_attempts: u32,
    /// Time since the call's first attempt after which no retry starts, whatever the cause.
    pub max_elapsed: Duration,
    /// The longest `Retry-After` honoured; a longer one is cut to this.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_millis(200),
            max_interval: Duration::from_secs(10),
            max_attempts: 8,
            max_elapsed: Duration::from_secs(120),
            max_retry_after: Duration::from_secs(60),
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
    /// The server answered with a non-success status (and perhaps `Retry-After`, as the wait it
    /// asks for, uncapped: see [`parse_retry_after`]).
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

impl Failure {
    /// A `429 Too Many Requests`: a throttle, not a failure.
    pub fn is_throttle(&self) -> bool {
        matches!(self, Failure::Status { status: 429, .. })
    }
}

/// How many times a refused connection is retried before giving up.
pub const REFUSED_RETRIES: u32 = 2;

/// Which attempt failed, and how far into the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// Attempts of this call that failed other than by a 429, this one included if it did.
    pub failures: u32,
    /// Attempts of this call answered 429, this one included if it was.
    pub throttles: u32,
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
    let out_of_time = attempt.elapsed >= policy.max_elapsed;
    let out_of_attempts = attempt.failures >= policy.max_attempts;
    let jitter = attempt.jitter.clamp(0.0, 1.0);
    match failure {
        // Not processed, for any kind of call; only the time budget bounds it.
        Failure::Status {
            status: 429,
            retry_after,
        } => {
            if out_of_time {
                return Decision::GiveUp;
            }
            let after = match retry_after {
                Some(ra) => ra.min(policy.max_retry_after) + RETRY_AFTER_JITTER.mul_f64(jitter),
                None => backoff(policy, attempt.throttles, jitter),
            };
            Decision::Retry { after }
        }
        Failure::Status {
            status,
            retry_after,
        } => {
            let retryable = kind == CallKind::Idempotent && matches!(status, 502..=504);
            if retryable && !out_of_time && !out_of_attempts {
                let after = match retry_after {
                    Some(ra) => ra.min(policy.max_retry_after) + RETRY_AFTER_JITTER.mul_f64(jitter),
                    None => backoff(policy, attempt.failures, jitter),
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
            let refused_spent = failure == Failure::Refused && attempt.failures > REFUSED_RETRIES;
            if safe && !out_of_time && !out_of_attempts && !refused_spent {
                Decision::Retry {
                    after: backoff(policy, attempt.failures, jitter),
                }
            } else if kind == CallKind::Create && failure == Failure::Lost {
                Decision::Unsure
            } else {
                Decision::GiveUp
            }
        }
    }
}

/// Full jitter: the wait after the `n`-th failure (or throttle) is
/// `jitter` × min(initial × 2^(n-1), max).
fn backoff(policy: &RetryPolicy, n: u32, jitter: f64) -> Duration {
    let exponent = n.saturating_sub(1).min(16);
    let ceiling = policy
        .initial
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(policy.max_interval);
    ceiling.mul_f64(jitter)
}

/// The wait a `Retry-After` value asks for at `now`: delta-seconds (`120`) or an HTTP-date (the
/// preferred `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete RFC 850 and asctime forms
/// RFC 9110 says to accept). A date in the past asks for no wait. `None` when the value is
/// neither, so the caller falls back to its backoff. Uncapped: [`decide`] caps it.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits past u64 are still "a very long time": the cap applies.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = http_date(value)?;
    let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs() as i64;
    Some(Duration::from_secs(at.saturating_sub(now).max(0) as u64))
}

/// Seconds since the Unix epoch of an HTTP-date (RFC 9110 section 5.6.7), in any of its three forms.
fn http_date(value: &str) -> Option<i64> {
    let tokens: Vec<&str> = value
        .split([' ', ',', '-'])
        .filter(|t| !t.is_empty())
        .collect();
    let alphabetic = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphabetic());
    let (day, month, year, clock) = match tokens.as_slice() {
        // IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` and RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`.
        [weekday, day, month, year, clock, "GMT"] if alphabetic(weekday) => {
            let year: i32 = number(year)?;
            let year = match year {
                0..=69 => 2000 + year,
                70..=99 => 1900 + year,
                _ => year,
            };
            (*day, *month, year, *clock)
        }
        // asctime `Sun Nov  6 08:49:37 1994`.
        [weekday, month, day, clock, year] if alphabetic(weekday) => {
            (*day, *month, number(year)?, *clock)
        }
        _ => return None,
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as u8 + 1;
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, number(day)?).ok()?;
    let mut hms = clock.split(':');
    let (h, m, s) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let clock = time::Time::from_hms(number(h)?, number(m)?, number(s)?).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// A short run of ASCII digits as a number.
fn number<T: std::str::FromStr>(digits: &str) -> Option<T> {
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests;
