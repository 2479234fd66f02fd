//! The system-wide columns: what a reader of timeseries.csv looks at first.
//! Each component adds its share (`Observed::totals`, in its folder's
//! `observe.rs`); this file only writes the sums, in a fixed order.

use crate::engine::{SimTime, to_secs};
use crate::metrics::columns::Columns;
use crate::metrics::interval_latency::{self, IntervalLatency};

/// The system-wide columns, summed over the components that add to them.
#[derive(Default)]
pub struct Totals<'a> {
    /// Messages waiting in queues (visible or delayed) and records groups
    /// have yet to process: they wait alike.
    pub backlog: u64,
    pub in_flight: u64,
    /// The oldest waiting message's or unprocessed record's age.
    pub oldest: SimTime,
    pub dlq_depth: u64,
    pub busy_workers: u64,
    pub workers: u64,
    /// Messages made by producers, refused and buffered ones included, and
    /// jobs clients submitted to queues.
    pub arrivals: u64,
    pub deliveries: u64,
    pub throughput: u64,
    pub goodput: u64,
    pub failures: u64,
    pub duplicates: u64,
    /// Keyed applications after a later message of their key, when some
    /// consumer's messages carry keys.
    pub out_of_order: Option<u64>,
    pub dead_lettered: u64,
    /// Expired in queues, or lost by a group (retention, a crash).
    pub expired: u64,
    pub dropped: u64,
    pub rejected: u64,
    /// Each consumer's latencies of the current interval; the latency
    /// columns exist when there is a consumer.
    pub recent: Vec<&'a IntervalLatency>,
    /// Producers with a publish policy, when there are any.
    pub producers: Option<ProducerTotals>,
    /// Clients, when there are any.
    pub clients: Option<ClientTotals>,
    /// Push topics and their endpoints, when there are push topics.
    pub push: Option<PushTotals>,
}

#[derive(Default)]
pub struct ProducerTotals {
    pub buffered: u64,
    pub refusals: u64,
    pub retries: u64,
    pub lost: u64,
    pub blocked: u64,
}

#[derive(Default)]
pub struct ClientTotals {
    pub requests: u64,
    pub attempts: u64,
    pub successes: u64,
    /// Refused by the service or by the client's own breaker.
    pub rejections: u64,
    pub timeouts: u64,
    /// Errors and write conflicts.
    pub errors: u64,
    pub gave_up: u64,
}

#[derive(Default)]
pub struct PushTotals {
    pub pending: u64,
    pub published: u64,
    /// Copies offered to endpoints.
    pub offered: u64,
    /// Copies to endpoints and to queues.
    pub copies: u64,
    pub attempts: u64,
    pub acked: u64,
    pub rejected: u64,
    pub timed_out: u64,
    pub failed: u64,
    pub retries: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
}

impl Totals<'_> {
    /// Writes the columns, in the order of timeseries.csv.
    pub fn write(&self, r: &mut Columns, now: SimTime) {
        r.gauge("backlog", self.backlog as f64);
        r.gauge("in_flight", self.in_flight as f64);
        r.gauge("oldest_age_s", to_secs(self.oldest));
        r.gauge("dlq_depth", self.dlq_depth as f64);
        r.gauge("busy_workers", self.busy_workers as f64);
        r.gauge("workers", self.workers as f64);
        r.counter("arrivals", self.arrivals);
        r.counter("deliveries", self.deliveries);
        r.counter("throughput", self.throughput);
        r.counter("goodput", self.goodput);
        r.counter("failures", self.failures);
        r.counter("duplicates", self.duplicates);
        if let Some(n) = self.out_of_order {
            r.counter("out_of_order", n);
        }
        r.counter("dead_lettered", self.dead_lettered);
        r.counter("expired", self.expired);
        r.counter("dropped", self.dropped);
        r.counter("rejected", self.rejected);
        if !self.recent.is_empty() {
            // End-to-end latency of the messages first processed in the row's
            // interval; empty (NaN) when none was.
            let q = interval_latency::quantiles_s(self.recent.iter().copied(), now, &[0.5, 0.99]);
            r.gauge("latency_p50_s", q[0]);
            r.gauge("latency_p99_s", q[1]);
        }
        if let Some(p) = &self.producers {
            r.gauge("producer_buffered", p.buffered as f64);
            r.counter("producer_refusals", p.refusals);
            r.counter("producer_retries", p.retries);
            r.counter("producer_lost", p.lost);
            r.counter("producer_blocked", p.blocked);
        }
        if let Some(c) = &self.clients {
            r.counter("requests", c.requests);
            r.counter("attempts", c.attempts);
            r.counter("successes", c.successes);
            // Attempts per request, filled by the sampler from the interval's counts.
            r.gauge("amplification", 0.0);
            r.counter("client_rejections", c.rejections);
            r.counter("client_timeouts", c.timeouts);
            r.counter("client_errors", c.errors);
            r.counter("gave_up", c.gave_up);
        }
        if let Some(p) = &self.push {
            r.gauge("push_pending", p.pending as f64);
            r.counter("push_published", p.published);
            r.counter("push_offered", p.offered);
            r.counter("push_copies", p.copies);
            r.counter("push_attempts", p.attempts);
            r.counter("push_acked", p.acked);
            r.counter("push_rejected", p.rejected);
            r.counter("push_timed_out", p.timed_out);
            r.counter("push_failed", p.failed);
            r.counter("push_retries", p.retries);
            r.counter("push_dead_lettered", p.dead_lettered);
            r.counter("push_dropped", p.dropped);
        }
    }
}
