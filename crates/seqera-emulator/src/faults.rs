//! Fault injection and request statistics: the seeded failure generator (`--fail-rate`,
//! `--seed`), the per-token rate limiter (`--rate-limit`), and the counters behind
//! `GET /_emulator/stats`.
//!
//! This module owns the decisions "fail this request?" and "too many requests?" and the
//! counts. It must not touch the world. With every knob at zero it decides nothing and draws
//! nothing, so the emulator stays deterministic for tests that do not use faults.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;

/// What the fault generator decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer normally.
    None,
    /// Answer 503 without doing anything.
    Before,
    /// Do the work (a write is applied), then answer 503: a lost response.
    After,
}

/// The seeded generator: one draw per API request that passed the rate limiter, in arrival
/// order, so the same seed and the same request sequence give the same faults.
pub(crate) struct FaultGen {
    rate: f64,
    rng: Mutex<Xoshiro256PlusPlus>,
}

impl FaultGen {
    pub fn new(rate: f64, seed: u64) -> Self {
        FaultGen {
            rate: rate.clamp(0.0, 1.0),
            rng: Mutex::new(Xoshiro256PlusPlus::seed_from_u64(seed)),
        }
    }

    /// Decide for one request. Reads fail before; a failing write fails after its effect with
    /// probability one half (a second seeded draw).
    pub fn decide(&self, is_write: bool) -> Fault {
        if self.rate <= 0.0 {
            return Fault::None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let fail = rng.random::<f64>() < self.rate;
        let after = rng.random::<bool>();
        match (fail, is_write && after) {
            (false, _) => Fault::None,
            (true, false) => Fault::Before,
            (true, true) => Fault::After,
        }
    }
}

/// Fixed one-second windows per token: the window starts at a token's first request after the
/// previous window ended; past `limit` requests in it, the answer is 429.
/// Time is read from the injected clock.
pub(crate) struct RateLimiter {
    limit: u32,
    clock: Arc<dyn Clock>,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, clock: Arc<dyn Clock>) -> Self {
        RateLimiter {
            limit,
            clock,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Count a request for `token` (empty for none); `false` when it is over the limit.
    pub fn admit(&self, token: &str) -> bool {
        if self.limit == 0 {
            return true;
        }
        let now = self.clock.now();
        let mut w = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let entry = w.entry(token.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(1) {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.limit
    }
}

/// Request counts, as `GET /_emulator/stats` returns them:
/// `{"requests": {"ListWorkspaceParticipants": {"200": 12, "403": 1}}, "writes": 7, "total": 20}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// operationId → HTTP status → count. Requests that match no route count under `unmatched`.
    pub requests: BTreeMap<String, BTreeMap<String, u64>>,
    /// Successful state-changing requests (including those whose answer was then lost to an
    /// injected 503).
    pub writes: u64,
    /// Every API request counted in `requests`.
    pub total: u64,
}

impl Stats {
    /// How many requests of `operation_id` were answered with `status`.
    pub fn count(&self, operation_id: &str, status: u16) -> u64 {
        self.requests
            .get(operation_id)
            .and_then(|m| m.get(&status.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// How many requests of `operation_id` there were, whatever the answer.
    pub fn calls(&self, operation_id: &str) -> u64 {
        self.requests
            .get(operation_id)
            .map(|m| m.values().sum())
            .unwrap_or(0)
    }

    pub(crate) fn record(&mut self, operation_id: &str, status: u16, wrote: bool) {
        *self
            .requests
            .entry(operation_id.to_string())
            .or_default()
            .entry(status.to_string())
            .or_default() += 1;
        self.total += 1;
        if wrote {
            self.writes += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let draw = |seed| {
            let g = FaultGen::new(0.5, seed);
            (0..64).map(|i| g.decide(i % 3 == 0)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let d = draw(7);
        assert!(
            d.contains(&Fault::None) && d.contains(&Fault::Before) && d.contains(&Fault::After)
        );
    }

    #[test]
    fn zero_rate_never_fails() {
        let g = FaultGen::new(0.0, 1);
        assert!((0..100).all(|_| g.decide(true) == Fault::None));
    }

    #[test]
    fn the_rate_limiter_counts_per_token() {
        let r = RateLimiter::new(2, Arc::new(crate::clock::SystemClock));
        assert!(r.admit("a") && r.admit("a"));
        assert!(!r.admit("a"));
        assert!(r.admit("b"));
    }

    #[test]
    fn a_window_ends_one_second_after_it_starts() {
        let clock = Arc::new(crate::clock::ManualClock::new());
        let r = RateLimiter::new(1, clock.clone());
        assert!(r.admit("a"));
        clock.advance(Duration::from_millis(999));
        assert!(!r.admit("a"), "still the first window");
        clock.advance(Duration::from_millis(1));
        assert!(r.admit("a"), "a new window at one second");
        assert!(!r.admit("a"));
    }
}
