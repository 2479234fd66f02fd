//! The managed poller of a Lambda-like consumer (docs/model.md "Consumers"): it starts
//! with a few pollers, adds concurrent batches while messages wait (at a bounded
//! rate), retires pollers whose long polls come back empty, and backs off on
//! function errors. Pollers never exceed the event source's maximum concurrency;
//! invocations beyond the function's reserved concurrency or the account's limit
//! are throttled (the batch stays in flight until its visibility timeout).
//!
//! The world runs the rules on a one-second tick; this file holds the rates and
//! the budgets they spend.

use crate::engine::SimTime;

pub const SCALE_TICK: SimTime = 1_000_000_000;

#[derive(Clone, Debug)]
pub struct PollerParams {
    pub scale_up_per_s: f64,
    pub scale_down_per_s: f64,
    pub error_backoff_per_s: f64,
    /// Pollers at the start and the floor they scale down to.
    pub min: u32,
    /// Most pollers: the event source's maximum concurrency (or its limit).
    pub max: u32,
    pub reserved: Option<u32>,
    pub batch_window: SimTime,
    pub timeout: SimTime,
    pub partial: bool,
    pub throttle_pause: SimTime,
}

#[derive(Clone, Debug, Default)]
pub struct PollerCounters {
    pub invocations: u64,
    pub throttles: u64,
    pub timeouts: u64,
    pub failed_invocations: u64,
    pub peak_pollers: u32,
    /// Billed duration Σ(end − start) of the invocations, in ns, kept as the
    /// ends' sum minus the starts' (the running ones add the run's end).
    pub billed_ns: i128,
}

pub struct Poller {
    pub p: PollerParams,
    /// Pollers running (not retired).
    pub active: u32,
    up: f64,
    down: f64,
    backoff: f64,
    /// An invocation was throttled since the last tick.
    pub throttled_since_tick: bool,
    pub c: PollerCounters,
}

/// Adds a tick's worth of `per_s` to a budget, which never holds more than one
/// tick's worth (or one), so a quiet spell does not store up a burst.
fn refill(budget: &mut f64, per_s: f64) {
    let tick = per_s * SCALE_TICK as f64 / 1e9;
    *budget = (*budget + tick).min(tick.max(1.0));
}

/// Spends one from a budget if it has one.
fn spend(budget: &mut f64) -> bool {
    if *budget >= 1.0 {
        *budget -= 1.0;
        true
    } else {
        false
    }
}

impl Poller {
    pub fn new(p: PollerParams) -> Poller {
        Poller {
            active: p.min,
            up: 0.0,
            down: 0.0,
            backoff: 0.0,
            throttled_since_tick: false,
            c: PollerCounters {
                peak_pollers: p.min,
                ..Default::default()
            },
            p,
        }
    }

    pub fn tick(&mut self) {
        refill(&mut self.up, self.p.scale_up_per_s);
        refill(&mut self.down, self.p.scale_down_per_s);
        refill(&mut self.backoff, self.p.error_backoff_per_s);
    }

    /// Pollers to add while `batches` batches' worth of messages wait.
    pub fn grow(&mut self, batches: u64) -> u32 {
        let room = self.p.max.saturating_sub(self.active) as u64;
        let n = (self.up.floor() as u64).min(batches).min(room) as u32;
        self.up -= n as f64;
        self.active += n;
        self.c.peak_pollers = self.c.peak_pollers.max(self.active);
        n
    }

    /// An idle poller (an empty long poll) may retire.
    pub fn retire_idle(&mut self) -> bool {
        self.active > self.p.min && spend(&mut self.down) && {
            self.active -= 1;
            true
        }
    }

    /// A poller whose invocation ended in a function error may be taken away.
    pub fn back_off(&mut self) -> bool {
        self.active > self.p.min && spend(&mut self.backoff) && {
            self.active -= 1;
            true
        }
    }

    /// May an invocation start, with `running` of this function's and
    /// `account_running` of the account's already running?
    pub fn may_invoke(&self, running: u32, account_running: u32, account_limit: u32) -> bool {
        self.p.reserved.is_none_or(|r| running < r) && account_running < account_limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poller() -> Poller {
        Poller::new(PollerParams {
            scale_up_per_s: 5.0,
            scale_down_per_s: 1.0,
            error_backoff_per_s: 1.0,
            min: 5,
            max: 12,
            reserved: Some(8),
            batch_window: 0,
            timeout: 0,
            partial: false,
            throttle_pause: 0,
        })
    }

    #[test]
    fn grows_at_its_rate_up_to_its_cap_and_only_with_work() {
        let mut p = poller();
        p.tick();
        assert_eq!(p.grow(100), 5);
        assert_eq!(p.grow(100), 0, "one tick's budget");
        p.tick();
        assert_eq!(p.grow(1), 1, "no more pollers than waiting batches");
        p.tick();
        p.tick();
        assert_eq!(p.grow(100), 1, "capped at max = 12");
        assert_eq!(p.active, 12);
    }

    #[test]
    fn shrinks_to_its_floor_and_throttles_past_reserved() {
        let mut p = poller();
        p.tick();
        p.grow(2);
        assert!(p.retire_idle());
        assert!(!p.retire_idle(), "one per second");
        p.tick();
        assert!(p.back_off());
        p.tick();
        assert!(!p.retire_idle(), "at the floor of 5");
        assert!(p.may_invoke(7, 0, 1000));
        assert!(!p.may_invoke(8, 0, 1000));
        assert!(!p.may_invoke(0, 1000, 1000));
    }
}
