//! A push topic (SNS-like): each publish goes at once to every subscription —
//! a copy into each subscribed queue, and a copy to each endpoint, which the
//! topic delivers to a free worker of the endpoint's consumer or sees refused,
//! and retries by the subscription's delivery policy until it is acknowledged,
//! dead-lettered or dropped. The conversations live in `delivery.rs`.

mod delivery;

pub(crate) use delivery::Deliveries;
mod ledger;
mod observe;
pub mod summary;

use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::model::event::{ConsumerId, PushId, QueueId};
use crate::scenario::{DeliveryJitter, DeliveryPolicy};
use rand::RngExt;

pub struct PushTopic {
    pub name: String,
    /// Subscribed queues, and endpoint consumers.
    pub queues: Vec<QueueId>,
    pub endpoints: Vec<ConsumerId>,
    pub published: u64,
    /// Publishes when statistics were last reset (end of warm-up).
    pub published_mark: u64,
    pub queue_copies_mark: u64,
    /// Copies offered to subscribed queues, and those each queue refused
    /// (full: counted and lost, as a queue refuses a producer).
    pub queue_copies: u64,
    pub queue_rejected: Vec<u64>,
    /// `max_message_bytes` (SNS's message size limit).
    pub size_gate: crate::model::size_gate::SizeGate,
}

/// Cumulative counters of one endpoint subscription; the time series takes
/// differences.
#[derive(Clone, Debug, Default)]
pub struct EndpointCounters {
    /// Copies the topic made for this endpoint (one per publish).
    pub copies: u64,
    /// Delivery attempts, first and retries, refused ones included.
    pub attempts: u64,
    /// Attempts answered with success: the copy is settled.
    pub acked: u64,
    /// Attempts refused at once: every worker busy (HTTP 429/503).
    pub rejected: u64,
    /// Attempts not answered within the delivery timeout.
    pub timed_out: u64,
    /// Attempts answered with a failure (an error or a failed call).
    pub failed: u64,
    pub retries: u64,
    /// Attempts held back by the subscription's throttle.
    pub throttled: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
    /// Answers that came after their attempt had timed out (a success among
    /// them applied its side effect although the topic retried).
    pub late: u64,
}

/// An endpoint subscription: a consumer the topic pushes to.
pub struct Endpoint {
    pub topic: PushId,
    pub policy: DeliveryPolicy,
    pub timeout: SimTime,
    /// Time between attempts allowed by the throttle.
    pub interval: Option<SimTime>,
    /// The throttle's next free instant.
    pub next_free: SimTime,
    pub dlq: Option<QueueId>,
    /// Workers with nothing to do (the next delivery takes the last one).
    pub idle: Vec<u32>,
    /// Copies not settled yet (waiting to retry or being delivered).
    pub pending: u64,
    /// Attempts waiting for their answer.
    pub outstanding: u64,
    pub c: EndpointCounters,
    jitter: Rng,
}

impl Endpoint {
    pub fn new(
        name: &str,
        topic: PushId,
        policy: DeliveryPolicy,
        dlq: Option<QueueId>,
        workers: u32,
        seed: u64,
        rep: u64,
    ) -> Endpoint {
        Endpoint {
            topic,
            timeout: from_secs(policy.timeout_s).max(1),
            interval: policy.throttle_per_s.map(|r| from_secs(1.0 / r).max(1)),
            next_free: 0,
            dlq,
            idle: (0..workers).rev().collect(),
            pending: 0,
            outstanding: 0,
            c: EndpointCounters::default(),
            jitter: stream(seed, &format!("push.{name}.jitter"), rep),
            policy,
        }
    }

    /// The delay before retry `k` (1-based), jittered, or None when the
    /// policy has no retry `k`. Immediate retries stay immediate.
    pub fn retry_delay(&mut self, k: u64) -> Option<SimTime> {
        let d = self.policy.delay_s(k)?;
        let u: f64 = if d > 0.0 && self.policy.jitter != DeliveryJitter::None {
            self.jitter.random()
        } else {
            1.0
        };
        let d = match self.policy.jitter {
            DeliveryJitter::None => d,
            DeliveryJitter::Full => d * u,
            DeliveryJitter::Equal => d / 2.0 + d / 2.0 * u,
        };
        Some(from_secs(d))
    }
}
