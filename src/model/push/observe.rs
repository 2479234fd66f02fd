//! A push topic's columns in the time series (its publishes), and an
//! endpoint subscription's (its deliveries: attempts, refusals, timeouts, and
//! the copies still pending).

use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
use crate::model::observe::{Observed, View};
use crate::model::push::{Endpoint, PushTopic};

impl Observed for PushTopic {
    fn name(&self) -> &str {
        &self.name
    }

    fn series_columns(&self, cols: &mut Columns, _: &View) {
        cols.counter("published", self.published);
    }

    fn totals<'a>(&'a self, t: &mut Totals<'a>, _: &View) {
        let t = t.push.get_or_insert_with(Default::default);
        t.published += self.published;
        t.copies += self.queue_copies;
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

impl Endpoint {
    /// Its share of the push columns, part of its consumer's.
    pub fn totals(&self, t: &mut Totals) {
        let t = t.push.get_or_insert_with(Default::default);
        t.pending += self.pending;
        t.offered += self.c.copies;
        t.copies += self.c.copies;
        t.attempts += self.c.attempts;
        t.acked += self.c.acked;
        t.rejected += self.c.rejected;
        t.timed_out += self.c.timed_out;
        t.failed += self.c.failed;
        t.retries += self.c.retries;
        t.dead_lettered += self.c.dead_lettered;
        t.dropped += self.c.dropped;
    }
}
