//! A producer's entry in summary.json: what it sent where, and, with a
//! publish policy, its retries and its buffer of unsent messages.

use crate::engine::to_secs;
use crate::model::producer::{Producer, Sink};
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ProducerSummary {
    pub name: String,
    pub queue: String,
    /// Accepted by the queue (the initial backlog included).
    pub produced: u64,
    pub rejected: u64,
    /// Poison messages among all sent.
    pub poison: u64,
    /// With a publish policy: its retries and buffer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish: Option<PublishSummary>,
    /// With sizes drawn, a claim check or a size limit: sizes and what
    /// became of the large ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<ProducerPayloadSummary>,
    /// With `[producer.batch]`: its SendMessageBatch calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<SendBatchSummary>,
    /// With `[producer.kafka]`: its batches, requests, retries and failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<super::kafka::summary::KafkaSummary>,
}

/// A producer's SendMessageBatch calls: how many, how full, and why each
/// went out.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct SendBatchSummary {
    pub max_messages: u64,
    pub max_bytes: u64,
    pub linger_s: f64,
    pub calls: u64,
    pub messages: u64,
    pub mean_messages_per_call: f64,
    /// Calls sent full, cut because the next message would pass
    /// `max_bytes`, or sent when their linger ran out.
    pub full: u64,
    pub cut_by_bytes: u64,
    pub lingered: u64,
    /// Messages in the open batch at the end (made, not yet sent).
    pub open_at_end: u64,
}

/// A producer's message sizes, its claim checks and its refusals for size.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ProducerPayloadSummary {
    /// Mean payload size of the messages made, bytes (before any claim check).
    pub mean_size_bytes: f64,
    /// Refused by the queue as too large (lost: no retry helps).
    pub too_large: u64,
    /// Payloads put in the blob store, a pointer sent instead.
    pub claim_checks: u64,
    /// Messages sent with their payload inline.
    pub inline: u64,
}

/// A producer's retries of refused publishes and its buffer of unsent messages.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PublishSummary {
    /// "block", "drop" or "crash".
    pub on_full: crate::scenario::OnFull,
    pub buffer: u32,
    /// Publish attempts refused by the queue (first attempts and retries).
    pub refusals: u64,
    pub retries: u64,
    pub buffered_at_end: u64,
    pub peak_buffered: u64,
    /// New messages lost to a full buffer (`drop`).
    pub dropped_full: u64,
    /// Messages lost after `attempts` refused attempts.
    pub gave_up: u64,
    /// Messages lost with the buffer in a crash.
    pub lost_at_crash: u64,
    /// Arrivals not generated while blocked (`block`).
    pub blocked_arrivals: u64,
    pub blocked_s: f64,
    /// When the producer ran out of memory (`crash`).
    pub crashed_at_s: Option<f64>,
}

impl Summarised for Producer {
    type Entry = ProducerSummary;

    fn summary(&self, r: &Links) -> ProducerSummary {
        let end = r.end;
        ProducerSummary {
            name: self.p.name.clone(),
            queue: match self.p.sink {
                Sink::Topic(t) => r.topic(t.index()).p.name.clone(),
                Sink::Push(t) => r.push_name(t.index()).to_string(),
                Sink::Bus(b) => r.bus_name(b.index()).to_string(),
                Sink::Queue(q) => r.queue_name(q.index()).to_string(),
            },
            produced: self.c.produced,
            rejected: self.c.rejected,
            poison: self.c.poison,
            publish: self.buffer.as_ref().map(|b| PublishSummary {
                on_full: b.cfg.on_full,
                buffer: b.cfg.buffer,
                refusals: b.c.refusals,
                retries: b.c.retries,
                buffered_at_end: b.held_messages(),
                peak_buffered: b.c.peak_buffered,
                dropped_full: b.c.dropped_full,
                gave_up: b.c.gave_up,
                lost_at_crash: b.c.lost_at_crash,
                blocked_arrivals: b.c.blocked,
                blocked_s: b.blocked_s(end),
                crashed_at_s: b.crashed_at.map(to_secs),
            }),
            payload: (self.p.size.is_some() || self.p.claim.is_some() || self.c.too_large > 0)
                .then(|| ProducerPayloadSummary {
                    mean_size_bytes: if self.c.made > 0 {
                        self.c.payload_bytes as f64 / self.c.made as f64
                    } else {
                        0.0
                    },
                    too_large: self.c.too_large,
                    claim_checks: self.c.claim_checks,
                    inline: self.c.made - self.c.claim_checks,
                }),
            batch: self.batch.as_ref().map(|b| SendBatchSummary {
                max_messages: b.max_messages as u64,
                max_bytes: b.max_bytes,
                linger_s: to_secs(b.linger),
                calls: b.c.calls,
                messages: b.c.messages,
                mean_messages_per_call: b.c.messages as f64 / b.c.calls.max(1) as f64,
                full: b.c.full,
                cut_by_bytes: b.c.cut_by_bytes,
                lingered: b.c.lingered,
                open_at_end: b.held(),
            }),
            kafka: self.kafka.as_ref().map(|k| k.summary()),
        }
    }
}
