//! A queue's entry in summary.json: what went through it, what it holds at
//! the end, and its load and wait after the warm-up.

use crate::metrics::LatencySummary;
use crate::model::queue::Queue;
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct QueueSummary {
    pub name: String,
    pub dead_letter_queue: bool,
    pub published: u64,
    pub deliveries: u64,
    pub deletes: u64,
    pub stale_deletes: u64,
    pub returns: u64,
    pub dead_lettered: u64,
    pub redriven: u64,
    pub expired: u64,
    pub dropped: u64,
    pub rejected: u64,
    pub visible_at_end: u64,
    pub in_flight_at_end: u64,
    pub delayed_at_end: u64,
    /// After warm-up: publish attempts per second (accepted or rejected; the
    /// initial backlog is not an arrival).
    pub arrival_rate_per_s: f64,
    /// After warm-up: time-averaged visible and in-flight messages.
    pub mean_visible: f64,
    pub mean_in_flight: f64,
    /// Publish → first receive, after warm-up.
    pub queue_wait: LatencySummary,
    /// Receives refused at the in-flight quota (OverLimit); left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub over_limit: u64,
    /// Messages whose TTL sent them to `expire_to`; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub expired_to_next: u64,
    /// Failed messages a consumer moved out to a retry tier or parking;
    /// left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub handed_off: u64,
    /// `reject_publish_dlx`: refused publishes whose message went to the
    /// DLQ; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub rejected_to_dlq: u64,
    /// `drop_head` with a DLQ: messages dropped to make room that went to
    /// the DLQ; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub dropped_to_dlq: u64,
    /// FIFO throughput quota: SendMessage calls refused; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub throttled_sends: u64,
    /// FIFO throughput quota: ReceiveMessage calls refused; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub throttled_receives: u64,
    /// Publishes refused for their size (`max_message_bytes`); left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub refused_too_large: u64,
    /// SendMessageBatch calls that reached the queue; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub send_batches: u64,
    /// With sizes that vary (a size distribution, a claim check, a size
    /// limit): the 64 KiB chunks of the messages accepted, each billed as a
    /// request; absent otherwise (the cost model then bills the producers'
    /// size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_chunks: Option<u64>,
    /// And their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_published: Option<u64>,
}

impl Summarised for Queue {
    type Entry = QueueSummary;

    fn summary(&self, r: &Links) -> QueueSummary {
        let end = r.end;
        QueueSummary {
            name: self.p.name.clone(),
            dead_letter_queue: self.p.is_dlq,
            published: self.c.published,
            deliveries: self.c.deliveries,
            deletes: self.c.deletes,
            stale_deletes: self.c.stale_deletes,
            returns: self.c.returns,
            dead_lettered: self.c.dead_lettered,
            redriven: self.c.redriven,
            expired: self.c.expired,
            dropped: self.c.dropped,
            rejected: self.c.rejected,
            visible_at_end: self.visible_n,
            in_flight_at_end: self.in_flight_n,
            delayed_at_end: self.delayed_n,
            arrival_rate_per_s: (self.offered() - self.offered_mark) as f64 / r.span_s,
            mean_visible: self.mean_visible(end),
            mean_in_flight: self.mean_in_flight(end),
            queue_wait: self.wait.summary(),
            over_limit: self.c.over_limit,
            expired_to_next: self.c.ttl_moved,
            handed_off: self.c.handed_off,
            rejected_to_dlq: self.c.rejected_to_dlq,
            dropped_to_dlq: self.c.dropped_to_dlq,
            throttled_sends: self.c.throttled_sends,
            throttled_receives: self.c.throttled_receives,
            refused_too_large: self.c.refused_too_large,
            send_batches: self.c.send_batches,
            send_chunks: self.p.count_chunks.then_some(self.c.send_chunks),
            bytes_published: self.p.count_chunks.then_some(self.c.bytes_published),
        }
    }
}
