//! Calls and failures counted over a sliding window of time, or since the
//! start, for a ratio breaker. The window is kept as 16 buckets of a 16th of
//! its length each, so that memory is fixed whatever the call rate (a list of
//! every call in a 60 s window at 10,000 calls/s would hold 600,000 entries);
//! the price is a window that slides a bucket at a time.

use crate::engine::SimTime;

const BUCKETS: usize = 16;

#[derive(Clone, Debug)]
pub struct CallWindow {
    /// 0: cumulative, one bucket that never expires.
    width: SimTime,
    buckets: [(u64, u64); BUCKETS],
    /// The bucket now filling, and when it started.
    head: usize,
    head_start: SimTime,
    calls: u64,
    failures: u64,
}

impl CallWindow {
    pub fn cumulative() -> CallWindow {
        CallWindow {
            width: 0,
            buckets: [(0, 0); BUCKETS],
            head: 0,
            head_start: 0,
            calls: 0,
            failures: 0,
        }
    }

    pub fn sliding(window: SimTime) -> CallWindow {
        CallWindow {
            width: (window / BUCKETS as SimTime).max(1),
            ..CallWindow::cumulative()
        }
    }

    /// Expires the buckets that left the window by `now`.
    fn advance(&mut self, now: SimTime) {
        if self.width == 0 || now < self.head_start + self.width {
            return;
        }
        let steps = (now - self.head_start) / self.width;
        if steps >= BUCKETS as SimTime {
            self.clear();
        } else {
            for _ in 0..steps {
                self.head = (self.head + 1) % BUCKETS;
                let (c, f) = std::mem::take(&mut self.buckets[self.head]);
                self.calls -= c;
                self.failures -= f;
            }
        }
        self.head_start += steps * self.width;
    }

    pub fn record(&mut self, now: SimTime, ok: bool) {
        self.advance(now);
        let b = &mut self.buckets[self.head];
        b.0 += 1;
        b.1 += u64::from(!ok);
        self.calls += 1;
        self.failures += u64::from(!ok);
    }

    /// Calls and failures within the window as of `now`.
    pub fn totals(&mut self, now: SimTime) -> (u64, u64) {
        self.advance(now);
        (self.calls, self.failures)
    }

    pub fn clear(&mut self) {
        self.buckets = [(0, 0); BUCKETS];
        self.calls = 0;
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_leave_the_window_a_bucket_at_a_time() {
        let mut w = CallWindow::sliding(160);
        w.record(0, false);
        w.record(5, true);
        w.record(15, false);
        assert_eq!(w.totals(15), (3, 2));
        // The first bucket [0, 10) leaves at 160.
        assert_eq!(w.totals(159), (3, 2));
        assert_eq!(w.totals(160), (1, 1));
        // A long quiet spell empties it.
        assert_eq!(w.totals(10_000), (0, 0));
        w.record(10_001, false);
        assert_eq!(w.totals(10_001), (1, 1));
    }

    #[test]
    fn a_cumulative_window_keeps_everything() {
        let mut w = CallWindow::cumulative();
        for t in 0..1000 {
            w.record(t * 1_000_000_000, t % 4 == 0);
        }
        assert_eq!(w.totals(u64::MAX / 2), (1000, 750));
    }
}
