//! A database's columns in the time series: up or down, connections and
//! queries, and what it refused.

use crate::metrics::columns::Columns;
use crate::model::downstream::database::Database;
use crate::model::observe::{Observed, View};

impl Observed for Database {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut Columns, _: &View) {
        cols.gauge("up", if self.is_down() { 0.0 } else { 1.0 });
        cols.gauge("connections", self.in_use as f64);
        cols.gauge("queries_running", self.active() as f64);
        if self.p.pool.is_some() {
            cols.gauge("pool_waiting", self.pool_waiting as f64);
            cols.counter("pool_timeouts", self.c.pool_timeouts);
        }
        cols.counter("queries", self.c.queries);
        cols.counter("refusals", self.c.refusals);
        cols.counter("down_rejections", self.c.down_rejections);
        cols.counter("errors", self.c.errors);
    }
}
