//! A queue's columns in the time series: its messages by state, the age of
//! its oldest visible one, and what went through it.

use crate::engine::to_secs;
use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
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

    /// A dead-letter queue's holding is its depth; another's is the backlog.
    fn totals<'a>(&'a self, t: &mut Totals<'a>, v: &View) {
        if self.p.is_dlq {
            t.dlq_depth += self.depth();
        } else {
            t.backlog += self.visible_n + self.delayed_n;
            t.in_flight += self.in_flight_n;
            t.oldest = t.oldest.max(self.oldest_age(v.arena, v.now));
            t.deliveries += self.c.deliveries;
            t.dead_lettered += self.c.dead_lettered;
        }
        t.expired += self.c.expired;
        t.dropped += self.c.dropped;
        t.rejected += self.c.rejected;
    }
}
