//! A retry budget: in each window of time, retries may not exceed `ratio` times
//! the first attempts of that window, plus a small floor (so that a quiet client
//! can still retry). Past it a failed call is not retried: the failure goes back
//! to the message.

use crate::engine::SimTime;

pub struct WindowBudget {
    ratio: f64,
    window: SimTime,
    min_retries: u32,
    start: SimTime,
    requests: u64,
    retries: u64,
}

impl WindowBudget {
    pub fn new(ratio: f64, window: SimTime, min_retries: u32) -> WindowBudget {
        WindowBudget {
            ratio,
            window: window.max(1),
            min_retries,
            start: 0,
            requests: 0,
            retries: 0,
        }
    }

    fn roll(&mut self, now: SimTime) {
        if now >= self.start + self.window {
            self.start = now - (now - self.start) % self.window;
            self.requests = 0;
            self.retries = 0;
        }
    }

    /// A first attempt.
    pub fn request(&mut self, now: SimTime) {
        self.roll(now);
        self.requests += 1;
    }

    /// May this failed call be retried? Spends from the budget if so.
    pub fn allow_retry(&mut self, now: SimTime) -> bool {
        self.roll(now);
        let allowed = self.ratio * self.requests as f64 + self.min_retries as f64;
        let ok = (self.retries as f64) < allowed;
        self.retries += u64::from(ok);
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_stay_within_the_ratio_of_requests_per_window() {
        let mut b = WindowBudget::new(0.1, 100, 2);
        for _ in 0..50 {
            b.request(10);
        }
        // 0.1 × 50 + 2 = 7 retries, then denials.
        let granted = (0..20).filter(|_| b.allow_retry(20)).count();
        assert_eq!(granted, 7);
        // A new window starts empty: only the floor.
        let granted = (0..20).filter(|_| b.allow_retry(130)).count();
        assert_eq!(granted, 2);
    }
}
