//! The long polls of a consumer's parked workers, indexed so that the empty
//! receives they have returned by any instant are read without visiting each
//! worker.
//!
//! A worker parked since `s` on a long poll of `wait` has returned
//! ⌊(now − s) / wait⌋ empty receives by `now`. Writing s = qₛ·wait + rₛ and
//! now = qₙ·wait + rₙ (remainders in [0, wait)), that is qₙ − qₛ − [rₙ < rₛ],
//! so over all parked workers
//!
//! Σ ⌊(now − sᵢ) / wait⌋ = n·qₙ − Σ qₛᵢ − #{i : rₛᵢ > rₙ}.
//!
//! The first two terms are a count and a sum; the last is a rank query over the
//! workers' phases. The phases live in an ordered map (phase → workers) and a
//! Fenwick tree counts them per bucket of the wait, so a query adds up whole
//! buckets in O(log buckets) and walks the distinct phases of one bucket only.
//! A million parked workers cost one sample what one worker did before (the
//! scan over every worker at each sample was 90 % of such a run). Written
//! here rather than taken from a crate: an order-statistics tree would do,
//! but none of the maintained ones is smaller than these few lines.

use crate::engine::SimTime;
use std::collections::BTreeMap;

/// Buckets of the wait period in the Fenwick tree.
const BUCKETS: usize = 1024;

/// Pools up to this size are scanned instead: visiting 64 workers once a
/// sample costs less than keeping the index at every park (the index's map
/// took 3.5 % of an M/M/10 run).
pub const SCAN_MAX: u32 = 64;

pub struct ParkedPolls {
    /// Kept only for pools larger than [`SCAN_MAX`].
    indexed: bool,
    wait: SimTime,
    parked: u64,
    /// Σ ⌊sᵢ / wait⌋ over parked workers.
    whole_periods: u128,
    /// Parked workers per phase sᵢ mod wait.
    by_phase: BTreeMap<SimTime, u32>,
    /// Parked workers per bucket of the phase, as a Fenwick tree (1-based).
    buckets: Vec<u64>,
}

impl ParkedPolls {
    /// `wait` is the long-poll wait; 0 (short polling) parks nobody. A pool of
    /// `workers` up to [`SCAN_MAX`] keeps no index: its parked workers are
    /// scanned (see [`ParkedPolls::indexed`]).
    pub fn new(wait: SimTime, workers: u32) -> ParkedPolls {
        ParkedPolls {
            indexed: workers > SCAN_MAX,
            wait,
            parked: 0,
            whole_periods: 0,
            by_phase: BTreeMap::new(),
            buckets: Vec::new(),
        }
    }

    /// Whether [`ParkedPolls::empty_polls_at`] answers; if not, the caller
    /// scans its workers.
    pub fn indexed(&self) -> bool {
        self.indexed
    }

    fn bucket(&self, phase: SimTime) -> usize {
        (phase as u128 * BUCKETS as u128 / self.wait as u128) as usize
    }

    fn add_to_bucket(&mut self, bucket: usize, delta: i64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; BUCKETS + 1];
        }
        let mut i = bucket + 1;
        while i <= BUCKETS {
            self.buckets[i] = self.buckets[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// Parked workers in buckets 0..bucket.
    fn below_bucket(&self, bucket: usize) -> u64 {
        let mut i = bucket;
        let mut n = 0;
        while i > 0 {
            n += self.buckets[i];
            i -= i & i.wrapping_neg();
        }
        n
    }

    /// A worker parked, its long poll started at `since`.
    pub fn park(&mut self, since: SimTime) {
        if !self.indexed || self.wait == 0 {
            return;
        }
        self.parked += 1;
        self.whole_periods += (since / self.wait) as u128;
        let phase = since % self.wait;
        *self.by_phase.entry(phase).or_insert(0) += 1;
        self.add_to_bucket(self.bucket(phase), 1);
    }

    /// The worker parked at `since` stopped waiting.
    pub fn unpark(&mut self, since: SimTime) {
        if !self.indexed || self.wait == 0 {
            return;
        }
        self.parked -= 1;
        self.whole_periods -= (since / self.wait) as u128;
        let phase = since % self.wait;
        match self.by_phase.get_mut(&phase) {
            Some(n) if *n > 1 => *n -= 1,
            _ => {
                self.by_phase.remove(&phase);
            }
        }
        self.add_to_bucket(self.bucket(phase), -1);
    }

    /// Empty receives the parked workers' long polls have returned by `now`
    /// (no earlier than any of their parking times).
    pub fn empty_polls_at(&self, now: SimTime) -> u64 {
        if self.parked == 0 {
            return 0;
        }
        let (periods, phase) = (now / self.wait, now % self.wait);
        let b = self.bucket(phase);
        let later_buckets = self.parked - self.below_bucket(b + 1);
        let bucket_end = ((b as u128 + 1) * self.wait as u128).div_ceil(BUCKETS as u128);
        let later_in_bucket: u64 = self
            .by_phase
            .range(phase + 1..bucket_end.min(self.wait as u128) as SimTime)
            .map(|(_, &n)| n as u64)
            .sum();
        let total = self.parked as u128 * periods as u128
            - self.whole_periods
            - (later_buckets + later_in_bucket) as u128;
        total as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;
    use rand::RngExt;

    fn scan(parked: &[SimTime], wait: SimTime, now: SimTime) -> u64 {
        parked.iter().map(|&s| (now - s) / wait).sum()
    }

    #[test]
    fn agrees_with_a_scan_over_every_worker() {
        let mut rng = stream(5, "parked.test", 0);
        for wait in [1, 7, 1000, 20_000_000_000, 3] {
            let mut index = ParkedPolls::new(wait, SCAN_MAX + 1);
            let mut parked: Vec<SimTime> = Vec::new();
            let mut now: SimTime = 0;
            for _ in 0..5_000 {
                now += rng.random_range(0..wait.saturating_mul(3).max(2));
                if !parked.is_empty() && rng.random_bool(0.45) {
                    let i = rng.random_range(0..parked.len());
                    index.unpark(parked.swap_remove(i));
                } else {
                    // Parked workers keep their phase: some start now, some
                    // earlier (a worker served and parked again).
                    let since = if rng.random_bool(0.5) || parked.is_empty() {
                        now
                    } else {
                        parked[rng.random_range(0..parked.len())]
                    };
                    index.park(since);
                    parked.push(since);
                }
                assert_eq!(index.empty_polls_at(now), scan(&parked, wait, now));
                let later = now + rng.random_range(0..wait.saturating_mul(2).max(1));
                assert_eq!(index.empty_polls_at(later), scan(&parked, wait, later));
            }
        }
    }

    #[test]
    fn many_workers_parked_at_one_instant_count_once_per_period_each() {
        let mut index = ParkedPolls::new(20, 1_000_000);
        for _ in 0..1_000_000 {
            index.park(0);
        }
        assert_eq!(index.empty_polls_at(19), 0);
        assert_eq!(index.empty_polls_at(20), 1_000_000);
        assert_eq!(index.empty_polls_at(65), 3_000_000);
    }

    #[test]
    fn short_polling_parks_nobody() {
        let mut index = ParkedPolls::new(0, 1_000_000);
        index.park(5);
        assert_eq!(index.empty_polls_at(100), 0);
        index.unpark(5);
    }
}
