//! `producers[].kafka` in summary.json: the client's batches and requests,
//! its retries and what they did to the log (records out of order per key,
//! duplicates appended or dropped), and the records it failed.

use super::KafkaProducer;
use crate::engine::to_secs;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct KafkaSummary {
    pub batch_size_bytes: u64,
    pub linger_ms: f64,
    pub max_in_flight: u32,
    pub enable_idempotence: bool,
    /// Records that entered `send()`.
    pub sends: u64,
    pub batches: u64,
    pub mean_records_per_batch: f64,
    /// Produce requests (first sends and retries), and the requests batching
    /// saved: records batched − batches.
    pub requests: u64,
    pub requests_saved: u64,
    pub retries: u64,
    /// Failed requests: transient errors, refusals by a replicated topic,
    /// out of sequence, timeouts (lost responses).
    pub request_errors: u64,
    pub refused_by_topic: u64,
    pub out_of_sequence: u64,
    pub request_timeouts: u64,
    /// Records acknowledged.
    pub acked: u64,
    /// Records the broker appended a first time.
    pub appended: u64,
    /// Keyed records appended after a later record of their key.
    pub reordered: u64,
    pub keys_reordered: u64,
    /// Duplicates of a lost response: appended (no idempotence), dropped by
    /// the broker (idempotence).
    pub duplicates_appended: u64,
    pub duplicates_dropped: u64,
    /// `send()` calls that waited for buffer memory; of all sends, those
    /// that failed after `max.block.ms`.
    pub blocked: u64,
    pub buffer_full_errors: u64,
    /// Records failed after `delivery.timeout.ms`, or after `retries`.
    pub delivery_timeouts: u64,
    pub retries_exhausted: u64,
    /// Failed records the broker had appended anyway (not lost).
    pub failed_appended: u64,
    /// Failed records never appended: lost.
    pub lost: u64,
    /// Mean time from `send()` to its batch's first request, and to its
    /// acknowledgement, milliseconds.
    pub linger_added_mean_ms: f64,
    pub ack_latency_mean_ms: f64,
    pub peak_buffer_bytes: u64,
    /// Records in the client at the end (waiting for memory or in batches).
    pub held_at_end: u64,
}

impl KafkaProducer {
    pub fn summary(&self) -> KafkaSummary {
        let c = &self.c;
        let mean_ms = |ns: u128, n: u64| {
            if n == 0 {
                0.0
            } else {
                to_secs((ns / u128::from(n)) as u64) * 1000.0
            }
        };
        KafkaSummary {
            batch_size_bytes: self.p.batch_size,
            linger_ms: to_secs(self.p.linger) * 1000.0,
            max_in_flight: self.p.max_in_flight,
            enable_idempotence: self.p.idempotence,
            sends: c.sends,
            batches: c.batches,
            mean_records_per_batch: c.batched_records as f64 / c.batches.max(1) as f64,
            requests: c.requests,
            requests_saved: c.batched_records - c.batches,
            retries: c.retries,
            request_errors: c.request_errors,
            refused_by_topic: c.refused_by_topic,
            out_of_sequence: c.out_of_sequence,
            request_timeouts: c.request_timeouts,
            acked: c.acked,
            appended: c.appended,
            reordered: self.reordered(),
            keys_reordered: self.order.as_ref().map_or(0, |o| o.c.keys_reordered),
            duplicates_appended: c.duplicates_appended,
            duplicates_dropped: c.duplicates_dropped,
            blocked: c.blocked,
            buffer_full_errors: c.buffer_full_errors,
            delivery_timeouts: c.delivery_timeouts,
            retries_exhausted: c.retries_exhausted,
            failed_appended: c.failed_appended,
            lost: self.lost(),
            linger_added_mean_ms: mean_ms(c.linger_ns, c.batched_records),
            ack_latency_mean_ms: mean_ms(c.acked_ns, c.acked),
            peak_buffer_bytes: c.peak_buffer_bytes,
            held_at_end: self.held(),
        }
    }
}
