//! A service's columns in the time series: requests in service, the latency
//! a new one would get, and what it did with what it was sent.

use crate::metrics::columns::Columns;
use crate::model::downstream::service::Service;
use crate::model::observe::{Observed, View};

impl Observed for Service {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut Columns, v: &View) {
        let now = v.now;
        cols.gauge("in_service", self.in_service as f64);
        cols.gauge("latency_s", self.latency_s(now));
        cols.counter("accepted", self.c.accepted);
        cols.counter("completed", self.c.completed);
        cols.counter("wasted", self.c.wasted);
        cols.counter("rejected", self.c.rejected);
        cols.counter("down_rejections", self.c.down_rejections);
        cols.counter("errors", self.c.errors);
    }
}
