//! A push topic's columns in the time series (its publishes), and an
//! endpoint subscription's (its deliveries: attempts, refusals, timeouts, and
//! the copies still pending).

use crate::metrics::columns::Columns;
use crate::model::observe::{Observed, View};
use crate::model::push::{Endpoint, PushTopic};

impl Observed for PushTopic {
    fn name(&self) -> &str {
        &self.name
    }

    fn series_columns(&self, cols: &mut Columns, _: &View) {
        cols.counter("published", self.published);
    }
}

impl Endpoint {
    pub fn series_columns(&self, cols: &mut Columns) {
        cols.gauge("pending", self.pending as f64);
        cols.gauge("outstanding", self.outstanding as f64);
        cols.counter("copies", self.c.copies);
        cols.counter("attempts", self.c.attempts);
        cols.counter("acked", self.c.acked);
        cols.counter("rejected", self.c.rejected);
        cols.counter("timed_out", self.c.timed_out);
        cols.counter("failed", self.c.failed);
        // Not `retries`: an endpoint with calls has that column for its call retries.
        cols.counter("delivery_retries", self.c.retries);
        cols.counter("throttled", self.c.throttled);
        cols.counter("late", self.c.late);
        cols.counter("dead_lettered", self.c.dead_lettered);
        cols.counter("dropped", self.c.dropped);
    }
}
