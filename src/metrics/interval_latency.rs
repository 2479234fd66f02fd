//! End-to-end latency per sampling interval, for the time series: the
//! percentiles of the messages that completed in (t − interval, t], so that a
//! chart can show latency rising and falling, where the run's histogram gives
//! one number for the whole run.
//!
//! The recorder keeps the latencies of the interval its last value fell in
//! and starts afresh on the first value of a later one; the sampler only
//! reads them.
//! Intervals are numbered as the rows of the series count them: the row at t
//! covers (t − interval, t].

use super::histogram::{LogLinear, values_at_quantiles_of};
use crate::engine::SimTime;

/// Latencies an interval keeps as values before they go into its histogram.
/// A histogram of latencies up to minutes spans ~20,000 counts: zeroing it at
/// every interval and merging and scanning it at every sample cost more than
/// the run itself when an interval holds a few hundred values (a sweep's
/// short runs: half their instructions), and still ~70 instructions a
/// message when it holds thousands (M/M/10's 1000 s intervals, ~9,000
/// values). A list costs per value, and this many take no more memory than
/// the histogram they stand for.
const LISTED: usize = 16_384;

#[derive(Clone, Debug, Default)]
pub struct IntervalLatency {
    /// The sampling interval; 0 leaves the recorder off.
    interval: SimTime,
    /// The interval the recorder holds: ⌈t / interval⌉ …
    index: u64,
    /// … and its end, index × interval: a record before it needs no division.
    end: SimTime,
    /// The interval's latencies (µs): the last ones recorded, fewer than
    /// `LISTED` …
    values: Vec<u64>,
    /// … and the earlier ones, counted, once `LISTED` were.
    hist: LogLinear,
}

impl IntervalLatency {
    pub fn new(interval: SimTime) -> IntervalLatency {
        IntervalLatency {
            interval,
            ..IntervalLatency::default()
        }
    }

    #[inline]
    pub fn record(&mut self, ns: SimTime, now: SimTime) {
        if self.interval == 0 {
            return;
        }
        // Time only moves forward: a later interval begins after `end`.
        if now > self.end {
            self.begin_interval(now);
        }
        // 1 µs resolution, as the run's own histogram.
        self.values.push(ns / 1_000);
        if self.values.len() == LISTED {
            self.count_listed();
        }
    }

    /// The recorder moves on to the interval `now` falls in, empty. Out of
    /// line as `count_listed`.
    #[inline(never)]
    fn begin_interval(&mut self, now: SimTime) {
        self.index = now.div_ceil(self.interval);
        self.end = self.index * self.interval;
        self.values.clear();
        if self.hist.count() > 0 {
            self.hist.clear();
        }
    }

    /// The listed values go into the histogram. Once per `LISTED` records:
    /// kept out of line, so that `record` stays small enough to inline.
    #[cold]
    #[inline(never)]
    fn count_listed(&mut self) {
        for &v in &self.values {
            self.hist.record(v);
        }
        self.values.clear();
    }

    /// Whether the recorder holds the interval that ends at `now` (a
    /// sample's time) and something completed in it.
    fn holds(&self, now: SimTime) -> bool {
        let current = self.interval > 0 && self.index == now.div_ceil(self.interval);
        current && (self.hist.count() > 0 || !self.values.is_empty())
    }
}

/// The quantiles of the latencies recorded in the interval ending at `now`
/// across `recorders`, in seconds; NaN for an interval in which nothing
/// completed (a gap on the chart, not a latency of zero). The same numbers
/// as one histogram of them all (`values_at_quantiles_of`).
pub fn quantiles_s<'a>(
    recorders: impl Iterator<Item = &'a IntervalLatency>,
    now: SimTime,
    quantiles: &[f64],
) -> Vec<f64> {
    let held: Vec<&IntervalLatency> = recorders.filter(|r| r.holds(now)).collect();
    if held.is_empty() {
        return vec![f64::NAN; quantiles.len()];
    }
    let to_s = |us: u64| us as f64 / 1e6;
    if held.iter().all(|r| r.hist.count() == 0) {
        let mut values: Vec<u64> = held.iter().flat_map(|r| r.values.iter().copied()).collect();
        let at = values_at_quantiles_of(&mut values, quantiles);
        return at.into_iter().map(to_s).collect();
    }
    let mut all = LogLinear::default();
    for r in held {
        all.add(&r.hist);
        for &v in &r.values {
            all.record(v);
        }
    }
    quantiles
        .iter()
        .map(|&q| to_s(all.value_at_quantile(q)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: SimTime = 1_000_000_000;

    #[test]
    fn each_row_sees_the_latencies_of_its_own_interval() {
        let mut r = IntervalLatency::new(S);
        // (0, 1 s]: 100 ms ×99 and 2 s ×1; (1, 2 s]: nothing; (2, 3 s]: 10 ms.
        for k in 0..99 {
            r.record(S / 10, S / 100 * (k + 1));
        }
        r.record(2 * S, S);
        let q = |r: &IntervalLatency, t| quantiles_s(std::iter::once(r), t, &[0.5, 0.99, 1.0]);
        let first = q(&r, S);
        assert!((first[0] - 0.1).abs() < 0.001, "{first:?}");
        assert!((first[1] - 0.1).abs() < 0.001, "{first:?}");
        assert!((first[2] - 2.0).abs() < 0.01, "{first:?}");
        assert!(q(&r, 2 * S)[0].is_nan(), "nothing completed in (1, 2 s]");
        r.record(S / 100, 3 * S - 1);
        assert!((q(&r, 3 * S)[0] - 0.01).abs() < 0.0001);
        assert!(q(&r, S)[0].is_nan(), "the first interval is gone");
    }

    /// Listed values, counted ones and a mix over several recorders give the
    /// quantiles of one histogram of every value recorded.
    #[test]
    fn lists_and_histograms_give_one_histograms_quantiles() {
        for (a_n, b_n) in [
            (7, 0),
            (300, 900),
            (LISTED + 5, 20),
            (3 * LISTED, 2 * LISTED),
        ] {
            let (mut a, mut b) = (IntervalLatency::new(S), IntervalLatency::new(S));
            let mut h = LogLinear::default();
            let mut x: u64 = 12345;
            for (r, n) in [(&mut a, a_n), (&mut b, b_n)] {
                for k in 0..n {
                    // A spread from microseconds to minutes.
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let ns = (x >> 20) % (1 << (k % 37 + 1));
                    r.record(ns, S / 2);
                    h.record(ns / 1_000);
                }
            }
            let qs = [0.0, 0.5, 0.9, 0.99, 1.0];
            let got = quantiles_s([&a, &b].into_iter(), S, &qs);
            let want: Vec<f64> = qs
                .iter()
                .map(|&q| h.value_at_quantile(q) as f64 / 1e6)
                .collect();
            assert_eq!(got, want, "{a_n} + {b_n} values");
        }
    }
}
