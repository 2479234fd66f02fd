//! A producer's columns in the time series: only a producer with a publish
//! policy has any (its buffer, its retries, what it lost or blocked).

use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
use crate::model::observe::{Observed, View};
use crate::model::producer::Producer;

impl Observed for Producer {
    fn name(&self) -> &str {
        &self.p.name
    }

    /// Only a producer with a publish policy, sizes drawn or a claim check
    /// has columns.
    fn shown(&self) -> bool {
        self.buffer.is_some() || self.sized()
    }

    fn series_columns(&self, cols: &mut Columns, v: &View) {
        if self.sized() {
            cols.counter("too_large", self.c.too_large);
            cols.counter("claim_checks", self.c.claim_checks);
        }
        let now = v.now;
        let Some(b) = &self.buffer else { return };
        cols.gauge("buffered", b.held_messages() as f64);
        cols.gauge("up", if b.crashed_at.is_some() { 0.0 } else { 1.0 });
        cols.counter("accepted", self.c.produced);
        cols.counter("publish_failures", b.c.refusals);
        cols.counter("publish_retries", b.c.retries);
        cols.counter("lost", b.lost());
        cols.counter("blocked", b.c.blocked);
        // Seconds blocked during the interval.
        cols.put("blocked_s", b.blocked_s(now), true);
    }

    /// Every message made arrived, refused or buffered ones too.
    fn totals<'a>(&'a self, t: &mut Totals<'a>, _: &View) {
        t.arrivals += self.messages();
        let Some(b) = &self.buffer else { return };
        let t = t.producers.get_or_insert_with(Default::default);
        t.buffered += b.held_messages();
        t.refusals += b.c.refusals;
        t.retries += b.c.retries;
        t.lost += b.lost();
        t.blocked += b.c.blocked;
    }
}
