//! A consumer's columns in the time series: the pool's or the poller's, its
//! calls' and its dedupe store's when it has them, and its kind's own (an
//! endpoint's deliveries, a prefetch pool's unacked messages, a group's lag).

use crate::engine::SimTime;
use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
use crate::model::consumer::{Consumer, Kind};
use crate::model::observe::{Observed, View};

impl Observed for Consumer {
    fn name(&self) -> &str {
        &self.p.name
    }

    /// The view's topics are for a group member's lag.
    fn series_columns(&self, cols: &mut Columns, v: &View) {
        let (topics, now) = (v.topics, v.now);
        self.work_columns(cols, now);
        match &self.kind {
            Kind::Endpoint(e) => e.series_columns(cols),
            Kind::Prefetch { held, .. } => {
                // Tests (debug assertions) check the running count against
                // what the workers hold, where visiting them is cheap.
                debug_assert!(
                    self.workers.len() > 10_000
                        || *held
                            == self
                                .workers
                                .iter()
                                .map(|w| w.batch.len() as u64)
                                .sum::<u64>()
                );
                cols.gauge("unacked", *held as f64)
            }
            Kind::Member(g) => g.series_columns(cols, &topics[g.topic.index()], now),
            Kind::Pool | Kind::Poller(_) => {}
        }
    }

    /// Its work, and its kind's share: a group member's lag is backlog and
    /// what it lost expired; an endpoint's deliveries are push columns.
    fn totals<'a>(&'a self, t: &mut Totals<'a>, v: &View) {
        t.busy_workers += self.busy as u64;
        t.workers += self.slots() as u64;
        t.throughput += self.c.completions;
        t.goodput += self.c.goodput;
        t.failures += self.c.failures;
        t.duplicates += self.c.duplicates;
        if let Some(o) = &self.key_order {
            *t.out_of_order.get_or_insert(0) += o.c.out_of_order;
        }
        t.recent.push(&self.recent);
        match &self.kind {
            Kind::Member(g) => g.totals(t, &v.topics[g.topic.index()], v.now),
            Kind::Endpoint(e) => e.totals(t),
            Kind::Pool | Kind::Prefetch { .. } | Kind::Poller(_) => {}
        }
    }
}

impl Consumer {
    fn work_columns(&self, cols: &mut Columns, now: SimTime) {
        match self.kind.poller() {
            Some(p) => {
                cols.gauge("pollers", p.active as f64);
                cols.gauge("concurrency", self.busy as f64);
                cols.counter("invocations", p.c.invocations);
                cols.counter("throttles", p.c.throttles);
                cols.counter("timeouts", p.c.timeouts);
            }
            None => {
                cols.gauge("workers", self.slots() as f64);
                cols.gauge("busy", self.busy as f64);
                if let Some(a) = &self.autoscale {
                    cols.gauge("workers_starting", a.starting as f64);
                    cols.gauge("workers_desired", a.desired as f64);
                    cols.gauge("workers_asked", a.asked as f64);
                }
            }
        }
        cols.counter("completions", self.c.completions);
        cols.counter("goodput", self.c.goodput);
        cols.counter("failures", self.c.failures);
        cols.counter("duplicates", self.c.duplicates);
        cols.counter("empty_receives", self.empty_receives_at(now));
        if !self.p.chain.is_empty() {
            cols.counter("call_failures", self.c.call_failures);
            cols.counter("retries", self.c.retries);
        }
        if !self.breakers.is_empty() {
            let worst = self
                .breakers
                .iter()
                .map(|b| b.level(now))
                .fold(0.0, f64::max);
            cols.gauge("breaker", worst);
            cols.counter(
                "breaker_rejections",
                self.breakers.iter().map(|b| b.rejected).sum(),
            );
        }
        if self.store.is_some() {
            cols.counter("dedupe_skips", self.c.dedupe_skips);
            cols.counter("dedupe_conflicts", self.c.dedupe_conflicts);
        }
        if let Some(o) = &self.key_order {
            cols.counter("out_of_order", o.c.out_of_order);
        }
    }
}
