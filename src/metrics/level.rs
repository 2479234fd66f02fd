//! The time average of a level (messages visible, in flight, …), integrated exactly
//! between changes: what Little's law's L is. The owner calls `advance` with the
//! current value before every change, so the value passed is the one held since
//! the previous call.

use crate::engine::SimTime;

/// One level: [`Levels`] of one.
#[derive(Clone, Debug, Default)]
pub struct Level(Levels<1>);

impl Level {
    #[inline]
    pub fn advance(&mut self, now: SimTime, held_since_last: u64) {
        self.0.advance(now, [held_since_last]);
    }

    pub fn reset(&mut self, now: SimTime) {
        self.0.reset(now);
    }

    /// Mean level over [start, now], `current` being the value held since the last change.
    pub fn mean(&self, now: SimTime, current: u64) -> f64 {
        self.0.mean(now, 0, current)
    }
}

/// Levels that always change together (a queue's visible, in-flight and
/// held messages), integrated on one clock: a change costs one test of the
/// time for all of them, not one each. Each is the same sum as a `Level`.
#[derive(Clone, Debug)]
pub struct Levels<const N: usize> {
    area: [u128; N],
    last: SimTime,
    start: SimTime,
}

impl<const N: usize> Default for Levels<N> {
    fn default() -> Self {
        Levels {
            area: [0; N],
            last: 0,
            start: 0,
        }
    }
}

impl<const N: usize> Levels<N> {
    #[inline]
    pub fn advance(&mut self, now: SimTime, held_since_last: [u64; N]) {
        if now > self.last {
            let dt = (now - self.last) as u128;
            for (area, held) in self.area.iter_mut().zip(held_since_last) {
                *area += dt * held as u128;
            }
            self.last = now;
        }
    }

    pub fn reset(&mut self, now: SimTime) {
        self.area = [0; N];
        self.start = now;
        self.last = now;
    }

    /// Mean of level `i` over [start, now], `current` being its value held
    /// since the last change.
    pub fn mean(&self, now: SimTime, i: usize, current: u64) -> f64 {
        let area = self.area[i] + now.saturating_sub(self.last) as u128 * current as u128;
        let span = now.saturating_sub(self.start);
        if span == 0 {
            0.0
        } else {
            area as f64 / span as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn time_average() {
        let mut l = Level::default();
        l.advance(0, 0);
        // 2 held over [0, 10), then 4 over [10, 40).
        l.advance(10, 2);
        assert_eq!(l.mean(40, 4), (2.0 * 10.0 + 4.0 * 30.0) / 40.0);
        l.reset(40);
        assert_eq!(l.mean(50, 4), 4.0);
    }

    #[test]
    fn levels_on_one_clock_are_each_a_level() {
        let (mut a, mut b) = (Level::default(), Level::default());
        let mut both = Levels::<2>::default();
        for (now, x, y) in [(0, 0, 7), (10, 2, 1), (10, 5, 0), (40, 4, 3), (41, 0, 9)] {
            a.advance(now, x);
            b.advance(now, y);
            both.advance(now, [x, y]);
        }
        assert_eq!(both.mean(60, 0, 6), a.mean(60, 6));
        assert_eq!(both.mean(60, 1, 2), b.mean(60, 2));
        assert_ne!(both.mean(60, 0, 6), both.mean(60, 1, 2));
        a.reset(60);
        both.reset(60);
        assert_eq!(both.mean(70, 0, 3), a.mean(70, 3));
    }
}
