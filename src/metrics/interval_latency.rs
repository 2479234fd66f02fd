//! End-to-end latency per sampling interval, for the time series: the
//! percentiles of the messages that completed in (t − interval, t], so that a
//! chart can show latency rising and falling, where the run's histogram gives
//! one number for the whole run.
//!
//! The recorder keeps the histogram of the interval its last value fell in and
//! starts afresh on the first value of a later one; the sampler only reads it.
//! Intervals are numbered as the rows of the series count them: the row at t
//! covers (t − interval, t].

use super::histogram::LogLinear;
use crate::engine::SimTime;

#[derive(Clone, Debug, Default)]
pub struct IntervalLatency {
    /// The sampling interval; 0 leaves the recorder off.
    interval: SimTime,
    /// The interval the histogram holds: ⌈t / interval⌉ …
    index: u64,
    /// … and its end, index × interval: a record before it needs no division.
    end: SimTime,
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
            self.index = now.div_ceil(self.interval);
            self.end = self.index * self.interval;
            self.hist.clear();
        }
        // 1 µs resolution, as the run's own histogram.
        self.hist.record(ns / 1_000);
    }

    /// The histogram of the interval that ends at `now` (a sample's time);
    /// None when nothing completed in it.
    pub fn ending_at(&self, now: SimTime) -> Option<&LogLinear> {
        let current = self.interval > 0 && self.index == now.div_ceil(self.interval);
        (current && self.hist.count() > 0).then_some(&self.hist)
    }
}

/// The quantiles of the latencies recorded in the interval ending at `now`
/// across `recorders`, in seconds; NaN for an interval in which nothing
/// completed (a gap on the chart, not a latency of zero).
pub fn quantiles_s<'a>(
    recorders: impl Iterator<Item = &'a IntervalLatency>,
    now: SimTime,
    quantiles: &[f64],
) -> Vec<f64> {
    let mut all = LogLinear::default();
    for h in recorders.filter_map(|r| r.ending_at(now)) {
        all.add(h);
    }
    quantiles
        .iter()
        .map(|&q| {
            if all.count() == 0 {
                f64::NAN
            } else {
                all.value_at_quantile(q) as f64 / 1e6
            }
        })
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
}
