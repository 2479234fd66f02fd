//! A retry budget, of the kind the scenario chose: a ratio of retries to first
//! tries per window (`budget_ratio`), or a token bucket (`token_bucket`). The
//! callers see one interface: a first try, a success, and "may I retry?".

use super::token_bucket::TokenBucket;
use super::window_budget::WindowBudget;
use crate::engine::{SimTime, from_secs};
use crate::scenario::CallRetry;

enum Kind {
    Window(WindowBudget),
    Bucket(TokenBucket),
}

pub struct Budget {
    kind: Kind,
    /// Retries refused.
    pub denied: u64,
}

impl Budget {
    /// The budget a retry policy asks for, if any.
    pub fn from_config(r: &CallRetry) -> Option<Budget> {
        let kind = match (&r.token_bucket, r.budget_ratio) {
            (Some(b), _) => Kind::Bucket(TokenBucket::new(b)),
            (None, Some(ratio)) => Kind::Window(WindowBudget::new(
                ratio,
                from_secs(r.budget_window_s),
                r.budget_min_retries,
            )),
            (None, None) => return None,
        };
        Some(Budget { kind, denied: 0 })
    }

    /// A first attempt.
    pub fn request(&mut self, now: SimTime) {
        match &mut self.kind {
            Kind::Window(w) => w.request(now),
            Kind::Bucket(b) => b.request(),
        }
    }

    /// An attempt that succeeded.
    pub fn success(&mut self) {
        if let Kind::Bucket(b) = &mut self.kind {
            b.success();
        }
    }

    /// May this failed call be retried? Spends from the budget if so.
    pub fn allow_retry(&mut self, now: SimTime) -> bool {
        let ok = match &mut self.kind {
            Kind::Window(w) => w.allow_retry(now),
            Kind::Bucket(b) => b.allow_retry(),
        };
        self.denied += u64::from(!ok);
        ok
    }
}
