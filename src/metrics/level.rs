//! The time average of a level (messages visible, in flight, …), integrated exactly
//! between changes: what Little's law's L is. The owner calls `advance` with the
//! current value before every change, so the value passed is the one held since
//! the previous call.

use crate::engine::SimTime;

#[derive(Clone, Debug, Default)]
pub struct Level {
    area: u128,
    last: SimTime,
    start: SimTime,
}

impl Level {
    #[inline]
    pub fn advance(&mut self, now: SimTime, held_since_last: u64) {
        if now > self.last {
            self.area += (now - self.last) as u128 * held_since_last as u128;
            self.last = now;
        }
    }

    pub fn reset(&mut self, now: SimTime) {
        self.area = 0;
        self.start = now;
        self.last = now;
    }

    /// Mean level over [start, now], `current` being the value held since the last change.
    pub fn mean(&self, now: SimTime, current: u64) -> f64 {
        let area = self.area + now.saturating_sub(self.last) as u128 * current as u128;
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
}
