//! A queue's columns in the time series: its messages by state, the age of
//! its oldest visible one, and what went through it.

use crate::engine::to_secs;
use crate::metrics::columns::Columns;
use crate::model::observe::{Observed, View};
use crate::model::queue::Queue;

impl Observed for Queue {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut Columns, v: &View) {
        let (arena, now) = (v.arena, v.now);
        cols.gauge("visible", self.visible_n as f64);
        cols.gauge("in_flight", self.in_flight_n as f64);
        cols.gauge("delayed", self.delayed_n as f64);
        cols.gauge("oldest_age_s", to_secs(self.oldest_age(arena, now)));
        if self.p.fifo {
            cols.gauge("blocked_groups", self.blocked_groups() as f64);
        }
        cols.counter("published", self.c.published);
        cols.counter("deliveries", self.c.deliveries);
        cols.counter("deletes", self.c.deletes);
        cols.counter("stale_deletes", self.c.stale_deletes);
        cols.counter("returns", self.c.returns);
        cols.counter("dead_lettered", self.c.dead_lettered);
        cols.counter("redriven", self.c.redriven);
        cols.counter("expired", self.c.expired);
        cols.counter("dropped", self.c.dropped);
        cols.counter("rejected", self.c.rejected);
    }
}
