//! A circuit breaker around one downstream. Closed, it watches the calls'
//! outcomes; it opens on `failures` failures within `window` (trip "count"),
//! or when failures reach a ratio of the calls, over a window or since the
//! start (trip "ratio", `call_window.rs`). Open, it fails fast what it blocks
//! — every attempt, or retries only; after `cooldown` it lets one probe
//! through (half-open): the probe's success closes it, its failure opens it
//! again. A probe that never reports (its caller timed out) is replaced after
//! another cooldown. With no cooldown it has no memory of being open: it
//! blocks exactly while its condition holds (Brooker's ratio breaker).

use super::call_window::CallWindow;
use crate::engine::{SimTime, from_secs};
use crate::scenario::{Blocks, BreakerConfig, Trip};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Closed,
    Open { until: SimTime },
    HalfOpen { probe_since: SimTime },
}

enum Condition {
    /// Recent failure times while closed (at most `failures` of them).
    Count {
        failures: u32,
        window: SimTime,
        recent: VecDeque<SimTime>,
    },
    Ratio {
        ratio: f64,
        min_calls: u64,
        /// Boxed: its buckets would make every count breaker as large.
        calls: Box<CallWindow>,
    },
}

impl Condition {
    fn count(&mut self, now: SimTime, ok: bool) {
        match self {
            Condition::Count { window, recent, .. } => {
                if !ok {
                    recent.push_back(now);
                }
                while recent.front().is_some_and(|&t| now - t > *window) {
                    recent.pop_front();
                }
            }
            Condition::Ratio { calls, .. } => calls.record(now, ok),
        }
    }

    fn holds(&mut self, now: SimTime) -> bool {
        match self {
            Condition::Count {
                failures,
                window,
                recent,
            } => {
                while recent.front().is_some_and(|&t| now - t > *window) {
                    recent.pop_front();
                }
                recent.len() >= *failures as usize
            }
            Condition::Ratio {
                ratio,
                min_calls,
                calls,
            } => {
                let (n, failed) = calls.totals(now);
                n >= *min_calls && failed as f64 >= *ratio * n as f64
            }
        }
    }

    fn clear(&mut self) {
        match self {
            Condition::Count { recent, .. } => recent.clear(),
            Condition::Ratio { calls, .. } => calls.clear(),
        }
    }
}

pub struct Breaker {
    condition: Condition,
    /// 0: no open state; blocked while the condition holds.
    cooldown: SimTime,
    blocks: Blocks,
    pub state: State,
    pub opened: u64,
    pub rejected: u64,
}

impl Breaker {
    /// A count breaker that blocks every attempt.
    pub fn new(failures: u32, window: SimTime, cooldown: SimTime) -> Breaker {
        Breaker {
            condition: Condition::Count {
                failures: failures.max(1),
                window,
                recent: VecDeque::new(),
            },
            cooldown,
            blocks: Blocks::All,
            state: State::Closed,
            opened: 0,
            rejected: 0,
        }
    }

    pub fn from_config(b: &BreakerConfig) -> Breaker {
        let window = from_secs(b.window_s);
        let mut breaker = Breaker::new(b.failures(), window, from_secs(b.cooldown_s));
        breaker.blocks = b.blocks;
        if b.trip == Trip::Ratio {
            breaker.condition = Condition::Ratio {
                ratio: b.failure_ratio.unwrap_or(0.5),
                min_calls: u64::from(b.min_calls().max(1)),
                calls: Box::new(if b.cumulative == Some(true) {
                    CallWindow::cumulative()
                } else {
                    CallWindow::sliding(window)
                }),
            };
        }
        breaker
    }

    /// May an attempt go out now (`retry`: not a first try)? Counts the ones
    /// it stops.
    pub fn allow(&mut self, now: SimTime, retry: bool) -> bool {
        if self.blocks == Blocks::Retries && !retry {
            return true;
        }
        let ok = if self.cooldown == 0 {
            !self.condition.holds(now)
        } else {
            match self.state {
                State::Closed => true,
                State::Open { until } if now >= until => {
                    self.state = State::HalfOpen { probe_since: now };
                    true
                }
                State::Open { .. } => false,
                State::HalfOpen { probe_since } if now - probe_since >= self.cooldown => {
                    self.state = State::HalfOpen { probe_since: now };
                    true
                }
                State::HalfOpen { .. } => false,
            }
        };
        if !ok {
            self.rejected += 1;
        }
        ok
    }

    /// The outcome of a call that went out.
    pub fn record(&mut self, now: SimTime, ok: bool) {
        if self.cooldown == 0 {
            self.condition.count(now, ok);
            let open = self.condition.holds(now);
            if open && self.state == State::Closed {
                self.opened += 1;
            }
            self.state = if open {
                State::Open {
                    until: SimTime::MAX,
                }
            } else {
                State::Closed
            };
            return;
        }
        match (self.state, ok) {
            (State::Closed, _) => {
                self.condition.count(now, ok);
                if !ok && self.condition.holds(now) {
                    self.open(now);
                }
            }
            (State::HalfOpen { .. }, true) => {
                self.state = State::Closed;
                self.condition.clear();
            }
            (State::HalfOpen { .. }, false) => self.open(now),
            // A call that left before the breaker opened: already counted.
            (State::Open { .. }, _) => {}
        }
    }

    fn open(&mut self, now: SimTime) {
        self.state = State::Open {
            until: now + self.cooldown,
        };
        self.condition.clear();
        self.opened += 1;
    }

    /// 0 closed, 1 half-open, 2 open, as of `now` (an open breaker whose
    /// cooldown is over lets the next call probe: half-open).
    pub fn level(&self, now: SimTime) -> f64 {
        match self.state {
            State::Closed => 0.0,
            State::Open { until } if now < until => 2.0,
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Breaker {
        fn allow_first(&mut self, now: SimTime) -> bool {
            self.allow(now, false)
        }
    }

    #[test]
    fn opens_after_failures_in_window_and_probes_after_cooldown() {
        let mut b = Breaker::new(3, 10, 100);
        b.record(0, false);
        b.record(5, false);
        // The first two failures left the window: still closed.
        b.record(16, false);
        b.record(17, false);
        assert_eq!(b.state, State::Closed);
        b.record(18, false);
        assert_eq!(b.state, State::Open { until: 118 });
        assert!(!b.allow_first(50));
        assert_eq!(b.rejected, 1);
        // Half-open: one probe, the rest refused.
        assert!(b.allow_first(118));
        assert!(!b.allow_first(119));
        b.record(120, false);
        assert_eq!(b.state, State::Open { until: 220 });
        assert!(b.allow_first(220));
        b.record(221, true);
        assert_eq!(b.state, State::Closed);
        assert_eq!(b.opened, 2);
    }

    #[test]
    fn a_lost_probe_is_replaced_after_a_cooldown() {
        let mut b = Breaker::new(1, 10, 100);
        b.record(0, false);
        assert!(b.allow_first(100));
        assert!(!b.allow_first(150));
        assert!(b.allow_first(200));
    }

    fn ratio(ratio: f64, min_calls: u32, cooldown_s: f64, blocks: Blocks) -> Breaker {
        Breaker::from_config(&BreakerConfig {
            trip: Trip::Ratio,
            failure_ratio: Some(ratio),
            min_calls: Some(min_calls),
            cumulative: Some(true),
            cooldown_s,
            blocks,
            ..BreakerConfig::default()
        })
    }

    /// The trip point by hand: at ratio 0.5 over at least 10 calls, 4
    /// successes then failures reach one half at the 8th call, but min_calls
    /// holds it until the 10th, which trips it with 6 failures of 10.
    #[test]
    fn a_ratio_breaker_trips_when_failures_reach_the_ratio_of_enough_calls() {
        let mut b = ratio(0.5, 10, 30.0, Blocks::All);
        for t in 0..4 {
            b.record(t, true);
        }
        for t in 4..9 {
            b.record(t, false);
            assert_eq!(b.state, State::Closed, "{} calls: below min_calls", t + 1);
        }
        b.record(9, false);
        assert!(matches!(b.state, State::Open { .. }), "6 of 10 failed");
        assert_eq!(b.opened, 1);
        // Failures below the ratio never trip it.
        let mut b = ratio(0.5, 10, 30.0, Blocks::All);
        for t in 0..1000 {
            b.record(t, t % 3 != 0);
        }
        assert_eq!(b.state, State::Closed, "a third failed");
    }

    /// Brooker's variant: no cooldown, retries only. First tries always go
    /// out; a retry goes out exactly while failures are below the ratio.
    #[test]
    fn a_memoryless_breaker_blocks_retries_while_the_ratio_holds() {
        let mut b = ratio(0.5, 4, 0.0, Blocks::Retries);
        for t in 0..4 {
            b.record(t, false);
        }
        assert!(b.allow(5, false), "first tries pass");
        assert!(!b.allow(5, true), "4 of 4 failed: no retry");
        for t in 6..11 {
            b.record(t, true);
        }
        // 4 failures of 9 calls: below one half.
        assert!(b.allow(11, true));
        assert_eq!(b.state, State::Closed);
        assert_eq!((b.opened, b.rejected), (1, 1));
    }
}
