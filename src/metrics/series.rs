//! The time series: one row per sampling interval. Gauges are read as they are at
//! the sample; counters are reported as the count during the interval that ends
//! at the row's time. The sampler keeps no row: it hands each to its readers.

pub mod bounded;
pub mod readers;

pub use bounded::BoundedSeries;
pub use readers::{Readers, RowReader, RowSink};

use crate::engine::{SimTime, to_secs};
use crate::model::World;
use crate::model::client::ClientCounters;
use crate::model::consumer::Consumer;
use crate::model::log::group::{GroupState, PartitionState};
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

/// Collects one row; names are formatted only for the first row.
struct Row<'a> {
    values: &'a mut Vec<f64>,
    counters: &'a mut Vec<bool>,
    names: Option<&'a mut Vec<String>>,
    prefix: &'a str,
}

impl Row<'_> {
    fn put(&mut self, name: &str, v: f64, counter: bool) {
        if let Some(n) = self.names.as_deref_mut() {
            n.push(if self.prefix.is_empty() {
                name.to_string()
            } else {
                format!("{}.{}", self.prefix, name)
            });
            self.counters.push(counter);
        }
        self.values.push(v);
    }
    fn gauge(&mut self, name: &str, v: f64) {
        self.put(name, v, false)
    }
    fn counter(&mut self, name: &str, cumulative: u64) {
        self.put(name, cumulative as f64, true)
    }
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
        let mut r = Row {
            values: &mut self.row,
            counters: &mut self.is_counter,
            names: first.then_some(&mut self.columns),
            prefix: "",
        };
        r.gauge("time_s", to_secs(now));
        write_totals(&mut r, w, now);
        for q in &w.queues {
            r.prefix = &q.p.name;
            r.gauge("visible", q.visible_n as f64);
            r.gauge("in_flight", q.in_flight_n as f64);
            r.gauge("delayed", q.delayed_n as f64);
            r.gauge("oldest_age_s", to_secs(q.oldest_age(&w.arena, now)));
            if q.p.fifo {
                r.gauge("blocked_groups", q.blocked_groups() as f64);
            }
            r.counter("published", q.c.published);
            r.counter("deliveries", q.c.deliveries);
            r.counter("deletes", q.c.deletes);
            r.counter("stale_deletes", q.c.stale_deletes);
            r.counter("returns", q.c.returns);
            r.counter("dead_lettered", q.c.dead_lettered);
            r.counter("redriven", q.c.redriven);
            r.counter("expired", q.c.expired);
            r.counter("dropped", q.c.dropped);
            r.counter("rejected", q.c.rejected);
        }
        for t in &w.pushes {
            r.prefix = &t.name;
            r.counter("published", t.published);
        }
        for p in &w.producers {
            let Some(b) = &p.buffer else { continue };
            r.prefix = &p.p.name;
            r.gauge("buffered", b.held_messages() as f64);
            r.gauge("up", if b.crashed_at.is_some() { 0.0 } else { 1.0 });
            r.counter("accepted", p.c.produced);
            r.counter("publish_failures", b.c.refusals);
            r.counter("publish_retries", b.c.retries);
            r.counter("lost", b.lost());
            r.counter("blocked", b.c.blocked);
            // Seconds blocked during the interval.
            r.put("blocked_s", b.blocked_s(now), true);
        }
        for c in &w.consumers {
            r.prefix = &c.p.name;
            consumer_columns(&mut r, c, now);
            if let Some(e) = c.kind.endpoint() {
                endpoint_columns(&mut r, e);
            }
            if c.kind.prefetch().is_some() {
                let held: usize = c.workers.iter().map(|w| w.batch.len()).sum();
                r.gauge("unacked", held as f64);
            }
            if let Some(g) = c.kind.group() {
                group_columns(&mut r, w, g, now);
            }
        }
        for d in &w.databases {
            r.prefix = &d.p.name;
            r.gauge("up", if d.is_down() { 0.0 } else { 1.0 });
            r.gauge("connections", d.in_use as f64);
            r.gauge("queries_running", d.active() as f64);
            if d.p.pool.is_some() {
                r.gauge("pool_waiting", d.pool_waiting as f64);
                r.counter("pool_timeouts", d.c.pool_timeouts);
            }
            r.counter("queries", d.c.queries);
            r.counter("refusals", d.c.refusals);
            r.counter("down_rejections", d.c.down_rejections);
            r.counter("errors", d.c.errors);
        }
        for a in &w.apis {
            r.prefix = &a.p.name;
            r.gauge("tokens", a.tokens_at(now));
            r.counter("calls", a.c.calls);
            r.counter("throttles", a.c.throttles);
            r.counter("errors", a.c.errors);
            r.counter("down_rejections", a.c.down_rejections);
        }
        for cl in &w.clients {
            r.prefix = &cl.p.name;
            r.gauge("in_progress", cl.in_progress() as f64);
            r.gauge("attempts_out", cl.out as f64);
            r.counter("requests", cl.c.requests);
            r.counter("attempts", cl.c.attempts);
            r.counter("successes", cl.c.successes);
            r.counter("gave_up", cl.c.gave_up);
            r.counter("timeouts", cl.c.timeouts);
            r.counter("rejections", cl.c.rejections);
            r.counter("errors", cl.c.errors + cl.c.conflicts);
            r.counter("retries", cl.c.retries);
            r.counter("late_answers", cl.c.late_answers);
            if let Some(b) = &cl.breaker {
                r.gauge("breaker", b.level(now));
                r.counter("breaker_rejections", cl.c.breaker_rejections);
            }
        }
        for v in &w.services {
            r.prefix = &v.p.name;
            r.gauge("in_service", v.in_service as f64);
            r.gauge("latency_s", v.latency_s(now));
            r.counter("accepted", v.c.accepted);
            r.counter("completed", v.c.completed);
            r.counter("wasted", v.c.wasted);
            r.counter("rejected", v.c.rejected);
            r.counter("down_rejections", v.c.down_rejections);
            r.counter("errors", v.c.errors);
        }
        for rec in &w.records {
            r.prefix = &rec.p.name;
            r.counter("reads", rec.c.reads);
            r.counter("writes", rec.c.writes);
            r.counter("conflicts", rec.c.conflicts);
        }
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

/// A consumer's columns: the pool's or the poller's, then its calls' and its
/// dedupe store's when it has them.
fn consumer_columns(r: &mut Row, c: &Consumer, now: SimTime) {
    match c.kind.poller() {
        Some(p) => {
            r.gauge("pollers", p.active as f64);
            r.gauge("concurrency", c.busy as f64);
            r.counter("invocations", p.c.invocations);
            r.counter("throttles", p.c.throttles);
            r.counter("timeouts", p.c.timeouts);
        }
        None => {
            r.gauge("workers", c.workers.len() as f64);
            r.gauge("busy", c.busy as f64);
        }
    }
    r.counter("completions", c.c.completions);
    r.counter("goodput", c.c.goodput);
    r.counter("failures", c.c.failures);
    r.counter("duplicates", c.c.duplicates);
    r.counter("empty_receives", c.empty_receives_at(now));
    if !c.p.chain.is_empty() {
        r.counter("call_failures", c.c.call_failures);
        r.counter("retries", c.c.retries);
    }
    if !c.breakers.is_empty() {
        let worst = c.breakers.iter().map(|b| b.level(now)).fold(0.0, f64::max);
        r.gauge("breaker", worst);
        r.counter(
            "breaker_rejections",
            c.breakers.iter().map(|b| b.rejected).sum(),
        );
    }
    if c.store.is_some() {
        r.counter("dedupe_skips", c.c.dedupe_skips);
        r.counter("dedupe_conflicts", c.c.dedupe_conflicts);
    }
}

/// An endpoint subscription's deliveries: plain cumulative counters (attempts,
/// refusals, timeouts...) and the copies still pending.
fn endpoint_columns(r: &mut Row, e: &Endpoint) {
    r.gauge("pending", e.pending as f64);
    r.gauge("outstanding", e.outstanding as f64);
    r.counter("copies", e.c.copies);
    r.counter("attempts", e.c.attempts);
    r.counter("acked", e.c.acked);
    r.counter("rejected", e.c.rejected);
    r.counter("timed_out", e.c.timed_out);
    r.counter("failed", e.c.failed);
    // Not `retries`: an endpoint with calls has that column for its call retries.
    r.counter("delivery_retries", e.c.retries);
    r.counter("throttled", e.c.throttled);
    r.counter("late", e.c.late);
    r.counter("dead_lettered", e.c.dead_lettered);
    r.counter("dropped", e.c.dropped);
}

/// Totals over push endpoints, for runs that have push topics.
fn push_totals(r: &mut Row, w: &World) {
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

/// A group's lag, in all and per partition, and what each partition processed.
fn group_columns(r: &mut Row, w: &World, g: &GroupState, now: SimTime) {
    let topic = &w.topics[g.topic as usize];
    let lags: Vec<(u64, SimTime)> = (0..g.partitions.len())
        .map(|p| g.lag(p, topic, now))
        .collect();
    r.gauge("lag", lags.iter().map(|l| l.0).sum::<u64>() as f64);
    r.gauge(
        "lag_s",
        to_secs(lags.iter().map(|l| l.1).max().unwrap_or(0)),
    );
    let sum = |f: fn(&PartitionState) -> u64| g.partitions.iter().map(f).sum::<u64>();
    r.counter("lost", sum(|s| s.lost_to_retention + s.lost_to_crashes));
    r.counter("dead_lettered", sum(|s| s.dead_lettered));
    for (p, (lag, _)) in lags.iter().enumerate() {
        r.gauge(&format!("p{p}.lag"), *lag as f64);
    }
    for (p, s) in g.partitions.iter().enumerate() {
        r.counter(&format!("p{p}.processed"), s.processed);
    }
}

/// System-wide columns: what a reader looks at first.
fn write_totals(r: &mut Row, w: &World, now: SimTime) {
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
fn producer_totals(r: &mut Row, w: &World) {
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
fn client_totals(r: &mut Row, w: &World) {
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
