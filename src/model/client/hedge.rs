//! Hedged requests ("The Tail at Scale", Dean and Barroso, 2013): when an
//! attempt has gone unanswered for a delay, another copy of it goes to the same
//! service, and the first success answers the attempt. The delay is fixed, or a
//! percentile of the attempt latencies seen so far, so that only the slowest few
//! attempts are hedged and the extra load stays near that few.
//!
//! The losing copies are ignored, not cancelled: the service finishes every
//! request it accepted (it is never told a client gave up, as with timeouts),
//! so a hedge's cost is its full work at the service; that cost is what the
//! summary's extra load measures.

use crate::engine::SimTime;
use crate::metrics::Latency;
use std::collections::BTreeMap;

/// Answered attempts between two refreshes of a percentile delay: a quantile
/// of the histogram walks its buckets, too slow to redo at every answer, and
/// the percentile of thousands of answers barely moves in 32 more.
const REFRESH_EVERY: u64 = 32;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HedgeAfter {
    Fixed(SimTime),
    /// The `q` quantile (0–1) of the attempt latencies seen so far, once
    /// `warmup` attempts have been answered; no hedging before.
    Percentile {
        q: f64,
        warmup: u64,
    },
}

#[derive(Clone, Debug, Default)]
pub struct HedgeCounters {
    /// Extra copies sent.
    pub sent: u64,
    /// Attempts answered by an extra copy rather than the first.
    pub won: u64,
}

pub struct Hedging {
    pub after: HedgeAfter,
    /// Extra copies per attempt at most.
    pub max_extra: u32,
    /// For the percentile: the latencies of attempts' first copies, send →
    /// success, those that lost to a hedge included (taken when they come
    /// back late). The service's own latency, not the hedged one: hedging
    /// changes nothing below the delay, so a percentile of hedged latencies
    /// stays wherever it starts (any delay d is a fixed point: an attempt is
    /// slower than d hedged or not).
    observed: Latency,
    /// First copies that lost to a hedge and are still out, by (request
    /// slot, generation): when each was sent.
    lost: BTreeMap<(u32, u32), SimTime>,
    delay: Option<SimTime>,
    refreshed_at: u64,
    pub c: HedgeCounters,
}

impl Hedging {
    pub fn new(after: HedgeAfter, max_extra: u32) -> Hedging {
        Hedging {
            after,
            max_extra,
            observed: Latency::default(),
            lost: BTreeMap::new(),
            delay: match after {
                HedgeAfter::Fixed(d) => Some(d),
                HedgeAfter::Percentile { .. } => None,
            },
            refreshed_at: 0,
            c: HedgeCounters::default(),
        }
    }

    /// How long an attempt waits before its next copy; None: no hedging yet.
    pub fn delay(&self) -> Option<SimTime> {
        self.delay
    }

    /// Whether the delay is a percentile (that needs the first copies' latencies).
    pub fn observes(&self) -> bool {
        matches!(self.after, HedgeAfter::Percentile { .. })
    }

    /// A hedge answered the attempt of request `slot` whose first copy
    /// (generation `g`, sent at `sent`) is still out: its latency is taken
    /// when it comes back.
    pub fn first_copy_lost(&mut self, slot: u32, g: u32, sent: SimTime) {
        if self.observes() {
            self.lost.insert((slot, g), sent);
        }
    }

    /// A late answer: if it is a first copy that lost, its latency (when it
    /// succeeded) is observed now.
    pub fn late_answer(&mut self, slot: u32, g: u32, ok: bool, now: SimTime) {
        if let Some(sent) = self.lost.remove(&(slot, g))
            && ok
        {
            self.observe(now - sent);
        }
    }

    /// An attempt's first copy succeeded `ns` after it went out.
    pub fn observe(&mut self, ns: SimTime) {
        let HedgeAfter::Percentile { q, warmup } = self.after else {
            return;
        };
        self.observed.record(ns);
        let n = self.observed.count();
        if n >= warmup && (self.delay.is_none() || n - self.refreshed_at >= REFRESH_EVERY) {
            // At least 1 µs (the histogram's resolution): a delay of 0 would
            // hedge every attempt at once.
            self.delay = Some(self.observed.quantile_ns(q).max(1_000));
            self.refreshed_at = n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentile_delay_starts_after_the_warmup_and_follows_the_answers() {
        let mut h = Hedging::new(
            HedgeAfter::Percentile {
                q: 0.9,
                warmup: 100,
            },
            1,
        );
        for i in 1..100u64 {
            h.observe(i * 1_000_000);
        }
        assert_eq!(h.delay(), None);
        h.observe(100 * 1_000_000);
        // The 90th of 1..100 ms.
        let d = h.delay().unwrap() as f64 / 1e6;
        assert!((d - 90.0).abs() < 0.5, "{d}");
        // 31 more slow answers: not yet refreshed; the 32nd refreshes.
        for _ in 0..31 {
            h.observe(1_000_000_000);
        }
        assert_eq!(h.delay().unwrap() as f64 / 1e6, d);
        h.observe(1_000_000_000);
        assert!(h.delay().unwrap() > 900_000_000);
    }

    #[test]
    fn a_fixed_delay_needs_no_answers() {
        let h = Hedging::new(HedgeAfter::Fixed(5), 2);
        assert_eq!(h.delay(), Some(5));
    }
}
