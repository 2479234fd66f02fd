//! A circuit breaker around one downstream: closed, it counts failures and opens
//! after `failures` of them within `window`; open, it fails calls at once; after
//! `cooldown` it lets one probe through (half-open): the probe's success closes
//! it, its failure opens it again. A probe that never reports (its caller timed
//! out) is replaced after another cooldown.

use crate::engine::SimTime;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Closed,
    Open { until: SimTime },
    HalfOpen { probe_since: SimTime },
}

pub struct Breaker {
    failures: u32,
    window: SimTime,
    cooldown: SimTime,
    pub state: State,
    /// Recent failure times while closed (at most `failures` of them).
    recent: VecDeque<SimTime>,
    pub opened: u64,
    pub rejected: u64,
}

impl Breaker {
    pub fn new(failures: u32, window: SimTime, cooldown: SimTime) -> Breaker {
        Breaker {
            failures: failures.max(1),
            window,
            cooldown,
            state: State::Closed,
            recent: VecDeque::new(),
            opened: 0,
            rejected: 0,
        }
    }

    /// May a call go out now? Counts the ones it stops.
    pub fn allow(&mut self, now: SimTime) -> bool {
        let ok = match self.state {
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
        };
        if !ok {
            self.rejected += 1;
        }
        ok
    }

    /// The outcome of a call that went out.
    pub fn record(&mut self, now: SimTime, ok: bool) {
        match (self.state, ok) {
            (State::Closed, true) => {}
            (State::Closed, false) => {
                self.recent.push_back(now);
                while self.recent.front().is_some_and(|&t| now - t > self.window) {
                    self.recent.pop_front();
                }
                if self.recent.len() >= self.failures as usize {
                    self.open(now);
                }
            }
            (State::HalfOpen { .. }, true) => {
                self.state = State::Closed;
                self.recent.clear();
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
        self.recent.clear();
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
        assert!(!b.allow(50));
        assert_eq!(b.rejected, 1);
        // Half-open: one probe, the rest refused.
        assert!(b.allow(118));
        assert!(!b.allow(119));
        b.record(120, false);
        assert_eq!(b.state, State::Open { until: 220 });
        assert!(b.allow(220));
        b.record(221, true);
        assert_eq!(b.state, State::Closed);
        assert_eq!(b.opened, 2);
    }

    #[test]
    fn a_lost_probe_is_replaced_after_a_cooldown() {
        let mut b = Breaker::new(1, 10, 100);
        b.record(0, false);
        assert!(b.allow(100));
        assert!(!b.allow(150));
        assert!(b.allow(200));
    }
}
