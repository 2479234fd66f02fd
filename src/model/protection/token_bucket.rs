//! A retry budget as a token bucket — the AWS SDKs' retry quota, and the
//! bucket of Brooker's retry simulations. First tries (or successes) deposit
//! `credit`; a retry withdraws `cost` and is made only if the balance stays at
//! or above `threshold`; the balance never passes `capacity`. Under a steady
//! failure rate high enough to drain it, retries settle at credit/cost per
//! first try (or per success): the bucket caps the load at (1 + credit/cost)
//! times the offered load, where a fixed number of retries would multiply it by
//! up to their count plus one. The capacity is the burst of retries it allows
//! after a quiet spell.

use crate::engine::SimTime;
use crate::scenario::{CreditOn, TokenBucketConfig};

#[derive(Clone, Debug)]
pub struct TokenBucket {
    capacity: f64,
    balance: f64,
    credit: f64,
    credit_on: CreditOn,
    cost: f64,
    threshold: f64,
}

impl TokenBucket {
    pub fn new(c: &TokenBucketConfig) -> TokenBucket {
        TokenBucket {
            capacity: c.capacity,
            balance: c.initial.unwrap_or(c.capacity).min(c.capacity),
            credit: c.credit,
            credit_on: c.credit_on,
            cost: c.cost,
            threshold: c.threshold,
        }
    }

    fn deposit(&mut self) {
        self.balance = (self.balance + self.credit).min(self.capacity);
    }

    pub fn request(&mut self) {
        if self.credit_on == CreditOn::FirstTry {
            self.deposit();
        }
    }

    pub fn success(&mut self) {
        if self.credit_on == CreditOn::Success {
            self.deposit();
        }
    }

    pub fn allow_retry(&mut self) -> bool {
        let ok = self.balance - self.cost >= self.threshold;
        if ok {
            self.balance -= self.cost;
        }
        ok
    }

    #[cfg(test)]
    pub fn balance(&self) -> f64 {
        self.balance
    }
}

/// A time-credited token bucket: an API quota of `per_s` calls a second
/// (SQS FIFO's 300 per action). The retry budget above earns its tokens from
/// events; this one earns them from simulated time, so it keeps its balance
/// in integer units (one call = one second of nanoseconds, earning `per_s`
/// units a nanosecond): exact, with no rounding drift over a long run. It
/// holds at most one second's calls and starts full, so a burst of `per_s`
/// calls passes at once and the long-run rate is `per_s`.
#[derive(Clone, Debug)]
pub struct RateBucket {
    per_s: u64,
    balance: u64,
    at: SimTime,
}

/// One call's cost in the bucket's units.
const CALL: u64 = 1_000_000_000;

impl RateBucket {
    /// `per_s` ≥ 1 (validated; 0 would never refill).
    pub fn new(per_s: u64) -> RateBucket {
        let per_s = per_s.max(1);
        RateBucket {
            per_s,
            balance: per_s.saturating_mul(CALL),
            at: 0,
        }
    }

    fn balance_at(&self, now: SimTime) -> u64 {
        let earned = now.saturating_sub(self.at).saturating_mul(self.per_s);
        self.balance
            .saturating_add(earned)
            .min(self.per_s.saturating_mul(CALL))
    }

    /// A call at `now`: allowed (and paid for) if a whole token is there.
    pub fn take(&mut self, now: SimTime) -> bool {
        self.balance = self.balance_at(now);
        self.at = self.at.max(now);
        if self.balance >= CALL {
            self.balance -= CALL;
            true
        } else {
            false
        }
    }

    /// Whether a call at `now` would be allowed, without making it.
    pub fn allows(&self, now: SimTime) -> bool {
        self.balance_at(now) >= CALL
    }

    /// The earliest time from `now` at which a call is allowed.
    pub fn next_allowed(&self, now: SimTime) -> SimTime {
        let short = CALL.saturating_sub(self.balance_at(now));
        now.saturating_add(short.div_ceil(self.per_s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;
    use rand::RngExt;

    fn bucket(capacity: f64, credit: f64, credit_on: CreditOn) -> TokenBucket {
        TokenBucket::new(&TokenBucketConfig {
            capacity,
            initial: None,
            credit,
            credit_on,
            cost: 1.0,
            threshold: 0.0,
        })
    }

    /// Requests whose attempts fail with probability p, each retried up to
    /// `retries` times while the bucket allows: retries per request.
    fn retry_fraction(b: &mut TokenBucket, p: f64, retries: u32, requests: u32) -> f64 {
        let mut rng = stream(3, "bucket", 0);
        let mut made = 0u64;
        for _ in 0..requests {
            b.request();
            let mut n = 0;
            loop {
                if rng.random::<f64>() >= p {
                    b.success();
                    break;
                }
                if n == retries || !b.allow_retry() {
                    break;
                }
                n += 1;
                made += 1;
            }
        }
        made as f64 / requests as f64
    }

    /// The long-run retry fraction: min(demand, credit/cost), where the demand
    /// of N retries at failure rate p is p + p² + … + p^N. The capacity only
    /// adds its one-off burst: at most capacity/requests.
    #[test]
    fn retries_settle_at_the_credit_per_first_try() {
        let n = 200_000;
        for (p, credit) in [(0.9, 0.1), (0.5, 0.1), (0.1, 0.5), (0.75, 0.2)] {
            let mut b = bucket(10.0, credit, CreditOn::FirstTry);
            let got = retry_fraction(&mut b, p, 3, n);
            let demand: f64 = (1..=3).map(|k| p.powi(k)).sum();
            let want = demand.min(credit);
            // Below the cap every retry is granted: binomial noise only.
            let tol = if demand < credit {
                0.01
            } else {
                10.0 / n as f64 + 1e-9
            };
            assert!(
                (got - want).abs() <= tol.max(1e-3),
                "p {p}, credit {credit}: {got} retries per request, want {want}"
            );
        }
    }

    /// Credit on success: under a failure rate p, successes are (1 − p) of
    /// the attempts, so the bucket drains at high p and retries stop almost
    /// entirely when nothing succeeds.
    #[test]
    fn credit_on_success_stops_retries_when_nothing_succeeds() {
        let mut b = bucket(5.0, 0.1, CreditOn::Success);
        let got = retry_fraction(&mut b, 1.0, 3, 10_000);
        // Only the initial five tokens: five retries in all.
        assert!((got - 5.0 / 10_000.0).abs() < 1e-12, "{got}");
        assert_eq!(b.balance(), 0.0);
    }

    #[test]
    fn the_threshold_keeps_a_reserve_and_the_capacity_caps_the_balance() {
        let mut b = TokenBucket::new(&TokenBucketConfig {
            capacity: 3.0,
            initial: Some(1.0),
            credit: 1.0,
            credit_on: CreditOn::FirstTry,
            cost: 1.0,
            threshold: 1.0,
        });
        assert!(!b.allow_retry(), "1 − 1 < threshold 1");
        for _ in 0..10 {
            b.request();
        }
        assert_eq!(b.balance(), 3.0);
        assert!(b.allow_retry() && b.allow_retry() && !b.allow_retry());
    }

    /// 300 calls a second, tried 1,000 times a second for 100 s: the first
    /// second's burst of 300, then 300 a second.
    #[test]
    fn a_rate_bucket_allows_its_rate_after_its_burst() {
        let mut b = RateBucket::new(300);
        let step = 1_000_000; // 1 ms
        let allowed = (0..100_000u64).filter(|i| b.take(i * step)).count() as u64;
        assert!((300 * 100..=300 * 101).contains(&allowed), "{allowed}");
        let now = 100_000 * step;
        assert!(!b.allows(now) || b.take(now));
        let at = b.next_allowed(now);
        assert!(b.allows(at) && (at == now || !b.allows(at - 1)));
    }
}
