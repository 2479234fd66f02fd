//! Backoff delays of a retry policy (docs/model.md "Retries and protection").
//! attempt 0 is the first retry: the exponential ceiling is base·multiplier^attempt,
//! capped at `cap`.

use crate::engine::Rng;
use crate::scenario::{Jitter, RetryPolicy};
use rand::RngExt;

#[derive(Clone, Debug)]
pub struct Backoff {
    base: f64,
    cap: f64,
    multiplier: f64,
    jitter: Jitter,
}

impl Backoff {
    pub fn new(p: &RetryPolicy) -> Self {
        Backoff {
            base: p.base_s,
            cap: p.cap_s,
            multiplier: p.multiplier,
            jitter: p.jitter,
        }
    }

    /// The exponential ceiling min(cap, base·multiplier^attempt).
    pub fn ceiling(&self, attempt: u32) -> f64 {
        let exp = self.multiplier.powi(attempt.min(1023) as i32);
        (self.base * exp).min(self.cap)
    }

    /// Delay in seconds before retry number `attempt` (0-based); `prev` is the
    /// previous delay (decorrelated jitter grows from it; pass 0 for the first).
    pub fn delay_s(&self, attempt: u32, prev: f64, rng: &mut Rng) -> f64 {
        let c = self.ceiling(attempt);
        match self.jitter {
            Jitter::None => c,
            Jitter::Full => c * rng.random::<f64>(),
            Jitter::Equal => c / 2.0 + c / 2.0 * rng.random::<f64>(),
            Jitter::Decorrelated => {
                let hi = (3.0 * prev.max(self.base)).max(self.base);
                (self.base + (hi - self.base) * rng.random::<f64>()).min(self.cap)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    fn policy(jitter: Jitter) -> Backoff {
        Backoff::new(&RetryPolicy {
            base_s: 1.0,
            cap_s: 20.0,
            multiplier: 2.0,
            jitter,
        })
    }

    #[test]
    fn ceilings_grow_then_cap() {
        let b = policy(Jitter::None);
        let mut rng = stream(1, "t", 0);
        let d: Vec<f64> = (0..7).map(|a| b.delay_s(a, 0.0, &mut rng)).collect();
        assert_eq!(d, vec![1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0]);
    }

    #[test]
    fn jittered_delays_stay_in_their_ranges() {
        let mut rng = stream(1, "t", 0);
        for attempt in 0..8 {
            let c = policy(Jitter::None).ceiling(attempt);
            let mut full_sum = 0.0;
            for _ in 0..2000 {
                let f = policy(Jitter::Full).delay_s(attempt, 0.0, &mut rng);
                let e = policy(Jitter::Equal).delay_s(attempt, 0.0, &mut rng);
                assert!((0.0..=c).contains(&f));
                assert!((c / 2.0..=c).contains(&e));
                full_sum += f;
            }
            // Full jitter averages half the ceiling.
            assert!((full_sum / 2000.0 - c / 2.0).abs() < 0.05 * c);
        }
        let mut prev = 0.0;
        for attempt in 0..50 {
            let d = policy(Jitter::Decorrelated).delay_s(attempt, prev, &mut rng);
            assert!((1.0..=20.0).contains(&d) && d <= 3.0 * prev.max(1.0));
            prev = d;
        }
    }
}
