//! A rate-limited API: a token bucket of `burst` tokens refilled at `rate` per
//! second. A call without a token is answered "throttled" at once; otherwise it
//! takes its call time and may fail inside an error window.

pub mod summary;

use crate::engine::{Rng, SimTime, stream, to_secs};
use crate::model::dist::Dist;
use crate::model::downstream::faults::Faults;
use crate::model::observe::{Observed, View};

pub struct ApiParams {
    pub name: String,
    pub rate: f64,
    pub burst: f64,
    pub call: Dist,
}

#[derive(Clone, Debug, Default)]
pub struct ApiCounters {
    pub calls: u64,
    pub throttles: u64,
    pub errors: u64,
    pub down_rejections: u64,
}

pub struct Api {
    pub p: ApiParams,
    pub faults: Faults,
    tokens: f64,
    last: SimTime,
    pub rng_calls: Rng,
    pub rng_errors: Rng,
    pub c: ApiCounters,
}

impl Api {
    pub fn new(p: ApiParams, seed: u64, rep: u64) -> Api {
        Api {
            rng_calls: stream(seed, &format!("api.{}.calls", p.name), rep),
            rng_errors: stream(seed, &format!("api.{}.errors", p.name), rep),
            tokens: p.burst,
            last: 0,
            faults: Faults::default(),
            p,
            c: ApiCounters::default(),
        }
    }

    /// Takes a token if there is one.
    pub fn try_take(&mut self, now: SimTime) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.c.throttles += 1;
            false
        }
    }

    /// Tokens in the bucket at `now` (without taking any).
    pub fn tokens_at(&self, now: SimTime) -> f64 {
        (self.tokens + self.p.rate * to_secs(now.saturating_sub(self.last))).min(self.p.burst)
    }

    fn refill(&mut self, now: SimTime) {
        self.tokens = (self.tokens + self.p.rate * to_secs(now - self.last)).min(self.p.burst);
        self.last = now;
    }
}

/// Its columns in the time series: tokens left, calls and what failed.
impl Observed for Api {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut crate::metrics::columns::Columns, v: &View) {
        let now = v.now;
        cols.gauge("tokens", self.tokens_at(now));
        cols.counter("calls", self.c.calls);
        cols.counter("throttles", self.c.throttles);
        cols.counter("errors", self.c.errors);
        cols.counter("down_rejections", self.c.down_rejections);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::from_secs;

    #[test]
    fn bucket_allows_its_burst_then_its_rate() {
        let mut a = Api::new(
            ApiParams {
                name: "a".into(),
                rate: 10.0,
                burst: 5.0,
                call: Dist::Constant(0.0),
            },
            1,
            0,
        );
        let granted = (0..8).filter(|_| a.try_take(0)).count();
        assert_eq!(granted, 5);
        assert_eq!(a.c.throttles, 3);
        // One second later: 10 more tokens, but the bucket holds 5.
        let later = (0..8).filter(|_| a.try_take(from_secs(1.0))).count();
        assert_eq!(later, 5);
        // 0.25 s later: 2.5 tokens, so 2 calls.
        let t = from_secs(1.25);
        assert_eq!((0..8).filter(|_| a.try_take(t)).count(), 2);
    }
}
