//! A queue's columns in the time series: its messages by state, the age of
//! its oldest visible one, and what went through it.

use crate::engine::{SimTime, to_secs};
use crate::metrics::columns::Columns;
use crate::model::message::Arena;
use crate::model::queue::Queue;

impl Queue {
    pub fn series_columns(&self, cols: &mut Columns, arena: &Arena, now: SimTime) {
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
