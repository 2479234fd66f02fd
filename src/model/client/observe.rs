//! A client population's columns in the time series: requests in progress,
//! attempts out, and how the attempts ended.

use crate::engine::SimTime;
use crate::metrics::columns::Columns;
use crate::model::client::Clients;

impl Clients {
    pub fn series_columns(&self, cols: &mut Columns, now: SimTime) {
        cols.gauge("in_progress", self.in_progress() as f64);
        cols.gauge("attempts_out", self.out as f64);
        cols.counter("requests", self.c.requests);
        cols.counter("attempts", self.c.attempts);
        cols.counter("successes", self.c.successes);
        cols.counter("gave_up", self.c.gave_up);
        cols.counter("timeouts", self.c.timeouts);
        cols.counter("rejections", self.c.rejections);
        cols.counter("errors", self.c.errors + self.c.conflicts);
        cols.counter("retries", self.c.retries);
        cols.counter("late_answers", self.c.late_answers);
        if !self.breakers.is_empty() {
            // Per client: the mean level, the share of clients open.
            let sum: f64 = self.breakers.iter().map(|b| b.level(now)).sum();
            cols.gauge("breaker", sum / self.breakers.len() as f64);
            cols.counter("breaker_rejections", self.c.breaker_rejections);
        }
    }
}
