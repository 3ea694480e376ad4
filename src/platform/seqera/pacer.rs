//! The client's pacer, shared by every clone of a [`Client`](super::Client): it spaces requests
//! evenly (a burst of one: never two requests closer than one interval, so no one-second window
//! holds more than the pace allows) and adapts the pace to the server (AIMD):
//!
//! - it starts at [`RATE_MARGIN`] × the configured rate, a little below the declared limit, and
//!   never goes above that;
//! - a 429 halves it ([`DECREASE`]), down to [`MIN_RATE`] at least, once per overload: a 429 for
//!   a request sent before the last decrease says nothing about the new pace and is not counted
//!   again;
//! - a `Retry-After` holds every request of every clone until then, including those already
//!   waiting for their turn;
//! - each run of successes as long as the current rate (about a second's worth) adds
//!   [`INCREASE`] requests per second back, up to the starting pace;
//! - turns are given one interval apart, but a request leaves only when the last `k` requests
//!   (`k` = the rate, rounded down) left at least `k` intervals before: a turn taken late (a
//!   busy machine wakes a waiting task late) and the next one on time then do not put more
//!   than the pace into any second, whatever the scheduling jitter.
//!
//! The state machine ([`Pace`]) takes the time as an input and is unit-tested here; [`Pacer`]
//! puts it behind a mutex and sleeps. It must not send requests or decide retries, and a wait
//! must stay cancellable: it holds no lock across an `await`, and dropping it loses nothing but
//! its turn.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The pace is this share of the configured rate, so that a client at its declared rate stays
/// under a server limit of the same rate despite scheduling jitter (a request delayed by up to
/// 5% of a second still leaves any one-second window within the limit).
pub const RATE_MARGIN: f64 = 0.95;
/// A 429 multiplies the pace by this.
pub const DECREASE: f64 = 0.5;
/// The slowest pace a 429 brings a client to, in requests per second (or the starting pace, if
/// that is slower).
pub const MIN_RATE: f64 = 0.5;
/// Requests per second added back after each run of successes.
pub const INCREASE: f64 = 0.5;

/// The pacing state: the current rate and the earliest instant of the next request.
#[derive(Debug, Clone)]
pub(super) struct Pace {
    /// The fastest pace: [`RATE_MARGIN`] × the configured rate.
    ceiling: f64,
    /// The slowest pace a 429 brings it to.
    floor: f64,
    /// Requests per second now.
    rate: f64,
    /// No request starts before this (the previous one plus an interval).
    next: Option<Instant>,
    /// A server's `Retry-After`: nothing starts before this.
    paused_until: Option<Instant>,
    /// When the rate was last lowered.
    last_decrease: Option<Instant>,
    /// Successes since the rate last changed.
    run: u32,
    /// When the latest requests left (at most a second's worth at the fastest pace).
    sent: VecDeque<Instant>,
}

impl Pace {
    pub(super) fn new(configured: f64) -> Pace {
        let ceiling = configured * RATE_MARGIN;
        Pace {
            ceiling,
            floor: MIN_RATE.min(ceiling),
            rate: ceiling,
            next: None,
            paused_until: None,
            last_decrease: None,
            run: 0,
            sent: VecDeque::new(),
        }
    }

    /// How many requests a window of that many intervals may hold: the rate, rounded down.
    fn per_window(&self) -> usize {
        (self.rate.floor() as usize).max(1)
    }

    /// A request whose turn has come wants to leave at `now`: it may (and is recorded) unless
    /// the last [`per_window`](Self::per_window) requests all left within that many intervals
    /// before `now`; then it returns the instant it may leave.
    pub(super) fn admit(&mut self, now: Instant) -> Result<(), Instant> {
        let k = self.per_window();
        if self.sent.len() >= k {
            let oldest = self.sent[self.sent.len() - k];
            let free = oldest + self.interval() * k as u32;
            if now < free {
                return Err(free);
            }
        }
        self.sent.push_back(now);
        let keep = (self.ceiling.floor() as usize).max(1);
        while self.sent.len() > keep {
            self.sent.pop_front();
        }
        Ok(())
    }

    pub(super) fn rate(&self) -> f64 {
        self.rate
    }

    fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.rate)
    }

    /// Take the next turn at or after `now`: the instant the request may be sent.
    pub(super) fn reserve(&mut self, now: Instant) -> Instant {
        let slot = [self.next, self.paused_until]
            .into_iter()
            .flatten()
            .fold(now, Instant::max);
        self.next = Some(slot + self.interval());
        slot
    }

    /// Whether a pause set after a turn was taken still holds it back at `now`.
    pub(super) fn is_paused(&self, now: Instant) -> bool {
        self.paused_until.is_some_and(|p| now < p)
    }

    /// A request sent at `sent` was answered 429 at `now`, asking to wait `retry_after` (already
    /// capped). Returns whether the rate was lowered.
    pub(super) fn throttled(
        &mut self,
        sent: Instant,
        now: Instant,
        retry_after: Option<Duration>,
    ) -> bool {
        self.run = 0;
        if let Some(wait) = retry_after {
            let until = now + wait;
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
        let news = self.last_decrease.is_none_or(|d| sent >= d);
        if news {
            self.rate = (self.rate * DECREASE).max(self.floor);
            self.last_decrease = Some(now);
            // The next turn is one new interval away at least.
            let next = now + self.interval();
            self.next = Some(self.next.map_or(next, |n| n.max(next)));
        }
        news
    }

    /// A request succeeded: after a run as long as the rate, the rate grows by [`INCREASE`].
    pub(super) fn succeeded(&mut self) {
        if self.rate >= self.ceiling {
            return;
        }
        self.run += 1;
        if f64::from(self.run) >= self.rate.max(1.0) {
            self.rate = (self.rate + INCREASE).min(self.ceiling);
            self.run = 0;
        }
    }
}

/// [`Pace`] behind a mutex, with the waiting.
#[derive(Debug)]
pub(super) struct Pacer {
    pace: Mutex<Pace>,
}

impl Pacer {
    pub(super) fn new(configured: f64) -> Pacer {
        Pacer {
            pace: Mutex::new(Pace::new(configured)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for this request's turn; returns the instant it leaves. Cancel-safe.
    pub(super) async fn wait(&self) -> Instant {
        'turn: loop {
            let slot = self.lock().reserve(Instant::now());
            tokio::time::sleep_until(slot.into()).await;
            loop {
                let now = Instant::now();
                let until = {
                    let mut pace = self.lock();
                    // A 429 elsewhere may have paused everyone while this turn was waiting.
                    if pace.is_paused(now) {
                        continue 'turn;
                    }
                    match pace.admit(now) {
                        Ok(()) => return now,
                        Err(until) => until,
                    }
                };
                tokio::time::sleep_until(until.into()).await;
            }
        }
    }

    /// A request sent at `sent` was answered 429.
    pub(super) fn throttled(&self, sent: Instant, retry_after: Option<Duration>) {
        let mut pace = self.lock();
        if pace.throttled(sent, Instant::now(), retry_after) {
            tracing::info!(rate = pace.rate(), "throttled by the server: slowing down");
        }
    }

    pub(super) fn succeeded(&self) {
        self.lock().succeeded();
    }

    /// Requests per second now.
    pub(super) fn rate(&self) -> f64 {
        self.lock().rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn turns_are_one_interval_apart_from_the_first_with_no_burst() {
        let t0 = Instant::now();
        let mut p = Pace::new(20.0);
        assert!(close(p.rate(), 19.0), "5% below the configured rate");
        let slots: Vec<Instant> = (0..40).map(|_| p.reserve(t0)).collect();
        assert_eq!(slots[0], t0, "the first request goes at once");
        for w in slots.windows(2) {
            let gap = w[1] - w[0];
            assert!(
                gap >= Duration::from_secs_f64(1.0 / 19.0) - ms(1),
                "{gap:?}"
            );
        }
        // Any one-second window from a request holds at most 19 of them (20 would exceed).
        for (i, s) in slots.iter().enumerate() {
            let within = slots[i..].iter().filter(|x| **x - *s < ms(1000)).count();
            assert!(within <= 19, "{within} in the second after request {i}");
        }
    }

    #[test]
    fn a_turn_taken_late_puts_no_more_than_the_pace_into_any_second() {
        let t0 = Instant::now();
        let mut p = Pace::new(20.0); // 19/s
        let interval = Duration::from_secs_f64(1.0 / 19.0);
        // Every turn on time but the first, which wants to leave 60 ms late (a busy machine):
        // without the window, the twentieth would leave 52.6 ms before the first's second is
        // over. Requests ask to leave in time order, as they do for real.
        let slots: Vec<Instant> = (0..60).map(|_| p.reserve(t0)).collect();
        let mut queue: std::collections::BinaryHeap<std::cmp::Reverse<(Instant, usize)>> = slots
            .iter()
            .enumerate()
            .map(|(i, s)| std::cmp::Reverse((if i == 0 { *s + ms(60) } else { *s }, i)))
            .collect();
        let mut sent = Vec::new();
        while let Some(std::cmp::Reverse((at, i))) = queue.pop() {
            match p.admit(at) {
                Ok(()) => sent.push(at),
                Err(until) => {
                    assert!(until > at);
                    queue.push(std::cmp::Reverse((until, i)));
                }
            }
        }
        assert_eq!(sent.len(), 60);
        for (i, s) in sent.iter().enumerate() {
            let within = sent[i..].iter().filter(|x| **x - *s < ms(1000)).count();
            assert!(within <= 19, "{within} in the second after request {i}");
        }
        // And nothing is held back more than it must: the last leaves about on its turn.
        assert!(
            sent[59] - t0 <= interval * 59 + ms(61),
            "{:?}",
            sent[59] - t0
        );
    }

    #[test]
    fn requests_on_their_turns_are_never_held_back() {
        let t0 = Instant::now();
        let mut p = Pace::new(10.0);
        for _ in 0..50 {
            let slot = p.reserve(t0);
            assert_eq!(p.admit(slot), Ok(()));
        }
    }

    #[test]
    fn an_idle_pacer_banks_no_burst() {
        let t0 = Instant::now();
        let mut p = Pace::new(10.0);
        p.reserve(t0);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(p.reserve(later), later);
        assert!(
            p.reserve(later) - later >= ms(100),
            "the second waits an interval"
        );
    }

    #[test]
    fn a_429_halves_the_rate_once_per_overload_down_to_the_floor() {
        let t0 = Instant::now();
        let mut p = Pace::new(20.0);
        assert!(p.throttled(t0, t0 + ms(10), None));
        assert!(close(p.rate(), 9.5));
        // Answers to requests sent before that decrease are the same overload.
        assert!(!p.throttled(t0 + ms(5), t0 + ms(20), None));
        assert!(close(p.rate(), 9.5));
        // A request sent after it, throttled too, lowers it again.
        assert!(p.throttled(t0 + ms(30), t0 + ms(40), None));
        assert!(close(p.rate(), 4.75));
        let mut t = t0 + ms(100);
        for _ in 0..20 {
            p.throttled(t, t, None);
            t += ms(10);
        }
        assert!(close(p.rate(), MIN_RATE));
        // A client configured below the floor stays at its own pace.
        let mut slow = Pace::new(0.2);
        slow.throttled(t0, t0, None);
        assert!(close(slow.rate(), 0.2 * RATE_MARGIN));
    }

    #[test]
    fn a_decrease_spaces_the_next_turn_by_the_new_interval() {
        let t0 = Instant::now();
        let mut p = Pace::new(20.0);
        p.reserve(t0);
        p.throttled(t0, t0 + ms(10), None);
        let next = p.reserve(t0 + ms(10));
        assert!(next >= t0 + ms(10) + Duration::from_secs_f64(1.0 / 9.5));
    }

    #[test]
    fn retry_after_pauses_every_turn_until_then() {
        let t0 = Instant::now();
        let mut p = Pace::new(20.0);
        let early = p.reserve(t0);
        p.throttled(t0, t0 + ms(10), Some(Duration::from_secs(1)));
        let until = t0 + ms(1010);
        // A turn taken before the pause is held back when it comes up.
        assert!(p.is_paused(early));
        assert!(p.is_paused(until - ms(1)));
        assert!(!p.is_paused(until));
        // New turns start at the end of the pause, one interval apart.
        let a = p.reserve(t0 + ms(20));
        let b = p.reserve(t0 + ms(20));
        assert_eq!(a, until);
        assert!(b - a >= Duration::from_secs_f64(1.0 / 9.5) - ms(1));
        // A shorter Retry-After does not shorten a pause already set.
        p.throttled(t0 + ms(15), t0 + ms(15), Some(ms(100)));
        assert!(p.is_paused(until - ms(1)));
    }

    #[test]
    fn successes_bring_the_rate_back_slowly_to_the_ceiling() {
        let t0 = Instant::now();
        let mut p = Pace::new(10.0);
        p.throttled(t0, t0, None);
        p.throttled(t0 + ms(1), t0 + ms(1), None);
        assert!(close(p.rate(), 2.375));
        // A run as long as the rate (3 successes at 2.375/s) adds 0.5/s.
        p.succeeded();
        p.succeeded();
        assert!(close(p.rate(), 2.375));
        p.succeeded();
        assert!(close(p.rate(), 2.875));
        // A 429 ends the run.
        p.succeeded();
        p.succeeded();
        p.throttled(t0, t0 + ms(2), None); // sent before the last decrease: no decrease
        assert!(close(p.rate(), 2.875));
        p.succeeded();
        p.succeeded();
        assert!(close(p.rate(), 2.875), "the run started again");
        // Enough successes reach the ceiling and stop there.
        for _ in 0..1000 {
            p.succeeded();
        }
        assert!(close(p.rate(), 9.5));
    }

    #[tokio::test]
    async fn the_pacer_waits_its_turn_and_a_pause_holds_waiters() {
        let pacer = std::sync::Arc::new(Pacer::new(50.0)); // 47.5/s: 21 ms apart
        let t0 = Instant::now();
        let first = pacer.wait().await;
        let second = pacer.wait().await;
        assert!(first - t0 < ms(200), "the first turn is at once");
        assert!(second - t0 >= ms(20), "{:?}", second - t0);
        // A 429 with Retry-After 300 ms: the next turn waits for it.
        pacer.throttled(second, Some(ms(300)));
        let third = pacer.wait().await;
        assert!(third - second >= ms(300), "{:?}", third - second);
        assert!(close(pacer.rate(), 23.75));
    }
}
