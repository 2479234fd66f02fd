//! A bus's columns in the time series (its events, and its rules' copies
//! summed: delivered, refused, retried, waiting, dead-lettered, dropped), and
//! its share of the system-wide columns (copies dropped are lost).

use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
use crate::model::bus::Bus;
use crate::model::observe::{Observed, View};

impl Observed for Bus {
    fn name(&self) -> &str {
        &self.name
    }

    fn series_columns(&self, cols: &mut Columns, _: &View) {
        let sum = |f: fn(&crate::model::bus::Rule) -> u64| self.rules.iter().map(f).sum::<u64>();
        cols.counter("published", self.published);
        cols.counter("unmatched", self.unmatched);
        cols.counter("delivered", sum(|r| r.c.delivered));
        cols.counter("refusals", sum(|r| r.c.refusals));
        cols.counter("delivery_retries", sum(|r| r.c.retries));
        cols.gauge("waiting_retry", self.pending() as f64);
        cols.counter("dead_lettered", sum(|r| r.c.dead_lettered));
        cols.counter("dropped", sum(|r| r.c.dropped));
    }

    fn totals<'a>(&'a self, t: &mut Totals<'a>, _: &View) {
        t.dropped += self.rules.iter().map(|r| r.c.dropped).sum::<u64>();
    }
}
