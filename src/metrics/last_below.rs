//! When a series was last at or below a level that is known only at its end
//! (the verdict's onset: the last time the backlog was below a tenth of its
//! final value), without keeping the series.
//!
//! Only a sample lower than every later one can be the answer, so those are
//! kept: a stack of values increasing from the oldest to the newest. A new
//! sample removes the ones it is not above. Levels below `floor` are never
//! asked for, so a sample at or below it makes every older one useless.
//! The stack holds distinct values above `floor`: for counts, at most the
//! last value minus the floor, plus one.

pub struct LastBelow {
    floor: f64,
    /// (value, time), values strictly increasing.
    lows: Vec<(f64, f64)>,
}

impl LastBelow {
    /// For levels at or above `floor`.
    pub fn new(floor: f64) -> Self {
        LastBelow {
            floor,
            lows: vec![],
        }
    }

    pub fn push(&mut self, value: f64, time: f64) {
        // Never at or below any level: not a candidate, and hides none.
        if value.is_nan() {
            return;
        }
        if value <= self.floor {
            self.lows.clear();
        } else {
            while self.lows.last().is_some_and(|&(v, _)| v >= value) {
                self.lows.pop();
            }
        }
        self.lows.push((value, time));
    }

    /// The time of the last sample at or below `level` (at least the floor).
    pub fn last_at_or_below(&self, level: f64) -> Option<f64> {
        debug_assert!(level >= self.floor || level.is_nan());
        let n = self.lows.partition_point(|&(v, _)| v <= level);
        n.checked_sub(1).map(|i| self.lows[i].1)
    }

    /// Samples kept.
    pub fn len(&self) -> usize {
        self.lows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn answers_like_a_search_of_the_whole_series(
            values in proptest::collection::vec(0u32..60, 0..300),
            floor in 0u32..20,
            levels in proptest::collection::vec(0u32..80, 1..10),
        ) {
            let floor = f64::from(floor);
            let mut lows = LastBelow::new(floor);
            let mut all = vec![];
            for (i, &v) in values.iter().enumerate() {
                lows.push(f64::from(v), i as f64);
                all.push(f64::from(v));
                for &level in &levels {
                    let level = f64::from(level).max(floor);
                    let want = all.iter().rposition(|&x| x <= level).map(|i| i as f64);
                    prop_assert_eq!(lows.last_at_or_below(level), want);
                }
            }
        }
    }

    #[test]
    fn a_sample_at_the_floor_forgets_the_older_ones() {
        let mut lows = LastBelow::new(100.0);
        for (i, v) in [500.0, 300.0, 700.0, 900.0].into_iter().enumerate() {
            lows.push(v, i as f64);
        }
        assert_eq!(lows.len(), 3);
        lows.push(50.0, 4.0);
        assert_eq!(lows.len(), 1);
        assert_eq!(lows.last_at_or_below(100.0), Some(4.0));
    }
}
