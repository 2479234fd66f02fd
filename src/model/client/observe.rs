//! A client population's columns in the time series: requests in progress,
//! attempts out, and how the attempts ended.

use crate::metrics::columns::Columns;
use crate::metrics::interval_latency::quantiles_s;
use crate::metrics::series::totals::Totals;
use crate::model::client::Clients;
use crate::model::observe::{Observed, View};

impl Observed for Clients {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut Columns, v: &View) {
        let now = v.now;
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
        // Latency over time: the p50 and p99 of the requests that succeeded in
        // each sampling interval (empty where none did).
        let q = quantiles_s(std::iter::once(&self.recent), now, &[0.5, 0.99]);
        cols.gauge("latency_p50_s", q[0]);
        cols.gauge("latency_p99_s", q[1]);
        if !self.breakers.is_empty() {
            // Per client: the mean level, the share of clients open.
            let sum: f64 = self.breakers.iter().map(|b| b.level(now)).sum();
            cols.gauge("breaker", sum / self.breakers.len() as f64);
            cols.counter("breaker_rejections", self.c.breaker_rejections);
        }
    }

    /// The load offered and what came of it, over all clients.
    fn totals<'a>(&'a self, t: &mut Totals<'a>, _: &View) {
        // Jobs submitted to a queue are messages arriving there.
        t.arrivals += self.c.submitted;
        let (c, t) = (&self.c, t.clients.get_or_insert_with(Default::default));
        t.requests += c.requests;
        t.attempts += c.attempts;
        t.successes += c.successes;
        t.rejections += c.rejections + c.breaker_rejections;
        t.timeouts += c.timeouts;
        t.errors += c.errors + c.conflicts;
        t.gave_up += c.gave_up;
    }
}
