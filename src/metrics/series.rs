//! The time series: one row per sampling interval. Gauges are read as they are at
//! the sample; counters are reported as the count during the interval that ends
//! at the row's time. The sampler keeps no row: it hands each to its readers.

pub mod bounded;
pub mod kinds;
pub mod readers;

pub use bounded::BoundedSeries;
pub use readers::{Readers, RowReader, RowSink};

use crate::engine::{SimTime, to_secs};
use crate::metrics::columns::Columns;
use crate::metrics::interval_latency;
use crate::model::World;
use crate::model::client::ClientCounters;
use crate::model::push::Endpoint;

#[derive(Default)]
pub struct Sampler {
    pub columns: Vec<String>,
    is_counter: Vec<bool>,
    prev: Vec<f64>,
    row: Vec<f64>,
    /// The derived `amplification` column and the `attempts` and `requests`
    /// columns it divides, filled after the counters' deltas.
    amplification: Option<(usize, (usize, usize))>,
    /// The time of the last row.
    last_time: Option<f64>,
    readers: Readers,
}

impl Sampler {
    /// A sampler that hands each row to `readers`.
    pub fn new(readers: Readers) -> Sampler {
        Sampler {
            readers,
            ..Sampler::default()
        }
    }

    pub fn record(&mut self, w: &World, now: SimTime) {
        let first = self.columns.is_empty();
        self.row.clear();
        let mut r = Columns::new(
            &mut self.row,
            &mut self.is_counter,
            first.then_some(&mut self.columns),
        );
        r.gauge("time_s", to_secs(now));
        write_totals(&mut r, w, now);
        w.series_columns(&mut r, now);
        if first {
            self.prev = vec![0.0; self.row.len()];
            let at = |name: &str| self.columns.iter().position(|c| c == name);
            self.amplification = at("amplification").zip(at("attempts").zip(at("requests")));
        }
        for ((v, p), &is_counter) in self
            .row
            .iter_mut()
            .zip(&mut self.prev)
            .zip(&self.is_counter)
        {
            if is_counter {
                let cum = *v;
                *v -= *p;
                *p = cum;
            }
        }
        // Attempts per request offered, in the interval (1: no retries).
        if let Some((i, (a, q))) = self.amplification {
            let (attempts, requests) = (self.row[a], self.row[q]);
            self.row[i] = if requests > 0.0 {
                attempts / requests
            } else {
                0.0
            };
        }
        if first {
            self.readers.start(&self.columns, &self.is_counter);
        }
        self.last_time = Some(self.row[0]);
        self.readers.read(&self.row);
    }

    /// The time of the last row, if there is one.
    pub fn last_time(&self) -> Option<f64> {
        self.last_time
    }

    /// Ends the series: its readers, done with (the sink's rows written out),
    /// or the sink's first failure.
    pub fn finish(self) -> std::io::Result<Readers> {
        self.readers.finish()
    }
}

/// Totals over push endpoints, for runs that have push topics.
fn push_totals(r: &mut Columns, w: &World) {
    let eps = || w.consumers.iter().filter_map(|c| c.kind.endpoint());
    let sum = |f: fn(&Endpoint) -> u64| eps().map(f).sum::<u64>();
    r.gauge("push_pending", sum(|e| e.pending) as f64);
    r.counter("push_published", w.pushes.iter().map(|t| t.published).sum());
    r.counter("push_offered", sum(|e| e.c.copies));
    r.counter(
        "push_copies",
        sum(|e| e.c.copies) + w.pushes.iter().map(|t| t.queue_copies).sum::<u64>(),
    );
    r.counter("push_attempts", sum(|e| e.c.attempts));
    r.counter("push_acked", sum(|e| e.c.acked));
    r.counter("push_rejected", sum(|e| e.c.rejected));
    r.counter("push_timed_out", sum(|e| e.c.timed_out));
    r.counter("push_failed", sum(|e| e.c.failed));
    r.counter("push_retries", sum(|e| e.c.retries));
    r.counter("push_dead_lettered", sum(|e| e.c.dead_lettered));
    r.counter("push_dropped", sum(|e| e.c.dropped));
}

/// Records all groups have yet to process, and the oldest one's age.
fn group_lag(w: &World, now: SimTime) -> (u64, SimTime) {
    let mut total = (0, 0);
    for g in w.consumers.iter().filter_map(|c| c.kind.group()) {
        let topic = &w.topics[g.topic as usize];
        for p in 0..g.partitions.len() {
            let (n, age) = g.lag(p, topic, now);
            total = (total.0 + n, total.1.max(age));
        }
    }
    total
}

/// System-wide columns: what a reader looks at first.
fn write_totals(r: &mut Columns, w: &World, now: SimTime) {
    let main = || w.queues.iter().filter(|q| !q.p.is_dlq);
    let dlqs = || w.queues.iter().filter(|q| q.p.is_dlq);
    let sum = |f: &dyn Fn(&crate::model::queue::Queue) -> u64| main().map(f).sum::<u64>();
    // Records a group has yet to process wait like a queue's backlog.
    let (lag, lag_age) = group_lag(w, now);
    r.gauge(
        "backlog",
        (sum(&|q| q.visible_n + q.delayed_n) + lag) as f64,
    );
    r.gauge("in_flight", sum(&|q| q.in_flight_n) as f64);
    let oldest = main()
        .map(|q| q.oldest_age(&w.arena, now))
        .chain([lag_age])
        .max()
        .unwrap_or(0);
    r.gauge("oldest_age_s", to_secs(oldest));
    r.gauge("dlq_depth", dlqs().map(|q| q.depth()).sum::<u64>() as f64);
    r.gauge(
        "busy_workers",
        w.consumers.iter().map(|c| c.busy as u64).sum::<u64>() as f64,
    );
    r.gauge(
        "workers",
        w.consumers.iter().map(|c| c.slots() as u64).sum::<u64>() as f64,
    );
    let produced: u64 = w.producers.iter().map(|p| p.messages()).sum();
    r.counter("arrivals", produced);
    r.counter("deliveries", sum(&|q| q.c.deliveries));
    r.counter(
        "throughput",
        w.consumers.iter().map(|c| c.c.completions).sum(),
    );
    r.counter("goodput", w.consumers.iter().map(|c| c.c.goodput).sum());
    r.counter("failures", w.consumers.iter().map(|c| c.c.failures).sum());
    r.counter(
        "duplicates",
        w.consumers.iter().map(|c| c.c.duplicates).sum(),
    );
    r.counter("dead_lettered", sum(&|q| q.c.dead_lettered));
    // A group's records deleted by retention before it read them: lost.
    let lost: u64 = w
        .consumers
        .iter()
        .filter_map(|c| c.kind.group())
        .map(|g| {
            g.partitions
                .iter()
                .map(|s| s.lost_to_retention + s.lost_to_crashes)
                .sum::<u64>()
        })
        .sum();
    r.counter(
        "expired",
        w.queues.iter().map(|q| q.c.expired).sum::<u64>() + lost,
    );
    r.counter("dropped", w.queues.iter().map(|q| q.c.dropped).sum());
    r.counter("rejected", w.queues.iter().map(|q| q.c.rejected).sum());
    if !w.consumers.is_empty() {
        // End-to-end latency of the messages first processed in the row's
        // interval; empty (NaN) when none was.
        let q =
            interval_latency::quantiles_s(w.consumers.iter().map(|c| &c.recent), now, &[0.5, 0.99]);
        r.gauge("latency_p50_s", q[0]);
        r.gauge("latency_p99_s", q[1]);
    }
    if w.producers.iter().any(|p| p.buffer.is_some()) {
        producer_totals(r, w);
    }
    if !w.clients.is_empty() {
        client_totals(r, w);
    }
    if !w.pushes.is_empty() {
        push_totals(r, w);
    }
}

/// Producers' buffers of unsent messages, for runs with a publish policy.
fn producer_totals(r: &mut Columns, w: &World) {
    let bufs = || w.producers.iter().filter_map(|p| p.buffer.as_ref());
    r.gauge(
        "producer_buffered",
        bufs().map(|b| b.held_messages()).sum::<u64>() as f64,
    );
    r.counter("producer_refusals", bufs().map(|b| b.c.refusals).sum());
    r.counter("producer_retries", bufs().map(|b| b.c.retries).sum());
    r.counter("producer_lost", bufs().map(|b| b.lost()).sum());
    r.counter("producer_blocked", bufs().map(|b| b.c.blocked).sum());
}

/// The load clients offer and what comes of it: logical requests, attempts,
/// successes (their goodput), rejections and timeouts, and the amplification.
fn client_totals(r: &mut Columns, w: &World) {
    let sum = |f: &dyn Fn(&ClientCounters) -> u64| w.clients.iter().map(|c| f(&c.c)).sum::<u64>();
    r.counter("requests", sum(&|c| c.requests));
    r.counter("attempts", sum(&|c| c.attempts));
    r.counter("successes", sum(&|c| c.successes));
    r.gauge("amplification", 0.0);
    r.counter(
        "client_rejections",
        sum(&|c| c.rejections + c.breaker_rejections),
    );
    r.counter("client_timeouts", sum(&|c| c.timeouts));
    r.counter("client_errors", sum(&|c| c.errors + c.conflicts));
    r.counter("gave_up", sum(&|c| c.gave_up));
}
