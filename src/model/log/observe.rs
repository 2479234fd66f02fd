//! A consumer group's columns in the time series: its lag, in all and per
//! partition, the age of its oldest uncommitted record, what it lost, and what
//! each partition processed.

use crate::engine::{SimTime, to_secs};
use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
use crate::model::log::Topic;
use crate::model::log::group::{GroupState, PartitionState};

impl GroupState {
    pub fn series_columns(&self, cols: &mut Columns, topic: &Topic, now: SimTime) {
        let lags: Vec<(u64, SimTime)> = (0..self.partitions.len())
            .map(|p| self.lag(p, topic, now))
            .collect();
        cols.gauge("lag", lags.iter().map(|l| l.0).sum::<u64>() as f64);
        cols.gauge(
            "lag_s",
            to_secs(lags.iter().map(|l| l.1).max().unwrap_or(0)),
        );
        let sum = |f: fn(&PartitionState) -> u64| self.partitions.iter().map(f).sum::<u64>();
        cols.counter("lost", sum(|s| s.lost_to_retention + s.lost_to_crashes));
        cols.counter("dead_lettered", sum(|s| s.dead_lettered));
        for (p, (lag, _)) in lags.iter().enumerate() {
            cols.gauge(&format!("p{p}.lag"), *lag as f64);
        }
        for (p, s) in self.partitions.iter().enumerate() {
            cols.counter(&format!("p{p}.processed"), s.processed);
        }
        if let Some(ms) = &self.membership {
            use crate::model::log::membership::Status;
            let members_in = ms.members.iter().filter(|m| m.status == Status::In);
            cols.gauge("members_in", members_in.count() as f64);
            // Partition-milliseconds, so that the chart's rate of each is the
            // mean number of partitions standing still over an interval (a
            // rebalance shorter than the interval still shows).
            cols.counter("rebalance_paused_ms", ms.paused_to(now) / 1_000_000);
            cols.counter("owner_down_ms", ms.owner_down_to(now) / 1_000_000);
        }
    }

    /// Records yet to process wait like a queue's backlog; records deleted
    /// by retention before it read them, or dropped by a crash, are lost.
    pub fn totals(&self, t: &mut Totals, topic: &Topic, now: SimTime) {
        for p in 0..self.partitions.len() {
            let (n, age) = self.lag(p, topic, now);
            t.backlog += n;
            t.oldest = t.oldest.max(age);
        }
        t.expired += self
            .partitions
            .iter()
            .map(|s| s.lost_to_retention + s.lost_to_crashes)
            .sum::<u64>();
    }
}
