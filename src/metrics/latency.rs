//! Latency in bounded memory: a log-linear histogram (HDR's layout, 3
//! significant digits) for percentiles, and an exact running sum for the mean.

use crate::engine::{SimTime, to_secs};
use crate::metrics::histogram::LogLinear;
use serde::Serialize;

#[derive(Clone)]
pub struct Latency {
    hist: LogLinear,
    sum: u128,
    count: u64,
    /// Exact, unlike the histogram's bucketed maximum.
    min: u64,
    max: u64,
    /// When the maximum was recorded (by [`Latency::record_at`]).
    max_at: SimTime,
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            // Grows with the largest value: memory ~ log of the range.
            hist: LogLinear::default(),
            sum: 0,
            count: 0,
            min: u64::MAX,
            max: 0,
            max_at: 0,
        }
    }
}

/// Percentiles in seconds, as reported.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct LatencySummary {
    pub count: u64,
    pub mean_s: f64,
    pub min_s: f64,
    pub p50_s: f64,
    pub p90_s: f64,
    pub p99_s: f64,
    pub p999_s: f64,
    pub max_s: f64,
}

impl Latency {
    #[inline]
    pub fn record(&mut self, ns: SimTime) {
        // Values are recorded with 1 µs resolution: plenty, and keeps the histogram small.
        self.hist.record(ns / 1_000);
        self.sum += ns as u128;
        self.count += 1;
        self.min = self.min.min(ns);
        self.max = self.max.max(ns);
    }

    /// Records `ns` observed at `at`, which becomes the time of the maximum
    /// when `ns` is a new one.
    #[inline]
    pub fn record_at(&mut self, ns: SimTime, at: SimTime) {
        if ns > self.max || self.count == 0 {
            self.max_at = at;
        }
        self.record(ns);
    }

    /// When the largest value was recorded, in seconds (0 when none was, or
    /// when values were recorded without their time).
    pub fn max_at_s(&self) -> f64 {
        to_secs(self.max_at)
    }

    /// The `q` quantile (0–1), nanoseconds, at the histogram's resolution
    /// (the highest value of its bucket); 0 when nothing was recorded.
    pub fn quantile_ns(&self, q: f64) -> SimTime {
        if self.count == 0 {
            return 0;
        }
        self.hist.value_at_quantile(q) * 1_000
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The fraction of the values of at least 1 µs (the histogram's
    /// resolution): for waits, P(wait), the share of messages that waited at all.
    pub fn share_above_zero(&self) -> Option<f64> {
        (self.count > 0).then(|| {
            let zero = self.hist.count_of_zero().min(self.count);
            (self.count - zero) as f64 / self.count as f64
        })
    }

    pub fn mean_s(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            to_secs((self.sum / self.count as u128) as u64)
                + ((self.sum % self.count as u128) as f64 / self.count as f64) / 1e9
        }
    }

    pub fn merge(&mut self, other: &Latency) {
        // The earlier of equal maxima, so that merging in any order agrees.
        if other.count > 0
            && (self.count == 0
                || other.max > self.max
                || (other.max == self.max && other.max_at < self.max_at))
        {
            self.max_at = other.max_at;
        }
        self.hist.add(&other.hist);
        self.sum += other.sum;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub fn summary(&self) -> LatencySummary {
        if self.count == 0 {
            return LatencySummary::default();
        }
        let q = |p: f64| self.hist.value_at_quantile(p) as f64 / 1e6;
        LatencySummary {
            count: self.count,
            mean_s: self.mean_s(),
            min_s: to_secs(self.min),
            p50_s: q(0.5),
            p90_s: q(0.9),
            p99_s: q(0.99),
            p999_s: q(0.999),
            max_s: to_secs(self.max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maximum_keeps_its_time_through_merges_in_any_order() {
        let (mut a, mut b) = (Latency::default(), Latency::default());
        a.record_at(5, 100);
        a.record_at(9, 200);
        a.record_at(9, 300);
        b.record_at(9, 150);
        b.record_at(2, 400);
        assert_eq!(a.max_at_s(), to_secs(200));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        let mut empty = Latency::default();
        empty.merge(&a);
        assert_eq!(ab.max_at_s(), to_secs(150));
        assert_eq!(ba.max_at_s(), to_secs(150));
        assert_eq!(empty.max_at_s(), to_secs(200));
    }
    #[test]
    fn percentiles_and_exact_mean() {
        let mut l = Latency::default();
        for i in 1..=1000u64 {
            l.record(i * 1_000_000); // 1 ms .. 1 s
        }
        let s = l.summary();
        assert_eq!(s.count, 1000);
        assert!((s.mean_s - 0.5005).abs() < 1e-12);
        assert!((s.p50_s - 0.5).abs() < 0.001);
        assert!((s.p99_s - 0.99).abs() < 0.001);
        assert!((s.max_s - 1.0).abs() < 0.001);
        assert_eq!(l.share_above_zero(), Some(1.0));
        for _ in 0..1000 {
            l.record(999);
        }
        // Below 1 µs counts as no wait.
        assert_eq!(l.share_above_zero(), Some(0.5));
        assert_eq!(Latency::default().share_above_zero(), None);
    }
}
