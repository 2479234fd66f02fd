//! A push topic's entry in summary.json: its publishes, and each
//! subscription's — a queue's copies, an endpoint's deliveries with the
//! policy it ran with.

use crate::model::consumer::Consumer;
use crate::model::push::{Endpoint, PushTopic};
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct QueueSubscription {
    pub queue: String,
    pub copies: u64,
    /// Copies the queue refused (full): lost, counted in the queue's `rejected`.
    pub rejected: u64,
}

/// The delivery policy an endpoint ran with, every figure decided.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PolicySummary {
    pub immediate_retries: u32,
    pub pre_backoff_retries: u32,
    pub backoff_retries: u32,
    pub post_backoff_retries: u32,
    pub min_delay_s: f64,
    pub max_delay_s: f64,
    pub backoff_function: String,
    pub max_s: Option<f64>,
    pub jitter: String,
    pub timeout_s: f64,
    pub throttle_per_s: Option<f64>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct EndpointSubscription {
    /// The consumer that is the endpoint.
    pub consumer: String,
    pub workers: u32,
    pub copies: u64,
    pub attempts: u64,
    pub acked: u64,
    /// Attempts refused at once: every worker busy.
    pub rejected: u64,
    pub timed_out: u64,
    pub failed: u64,
    pub retries: u64,
    pub throttled: u64,
    /// Answers after their attempt had timed out.
    pub late: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
    pub pending_at_end: u64,
    /// First successful processings (copies whose side effect was applied).
    pub goodput: u64,
    /// Successful processings beyond a copy's first.
    pub duplicates: u64,
    pub dead_letter_queue: Option<String>,
    pub policy: PolicySummary,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PushSummary {
    pub name: String,
    pub published: u64,
    pub queues: Vec<QueueSubscription>,
    pub endpoints: Vec<EndpointSubscription>,
    /// Publishes refused as larger than `max_message_bytes`; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub refused_too_large: u64,
}

impl Summarised for PushTopic {
    type Entry = PushSummary;

    fn summary(&self, r: &Links) -> PushSummary {
        PushSummary {
            name: self.name.clone(),
            published: self.published,
            refused_too_large: self.size_gate.refused,
            queues: self
                .queues
                .iter()
                .zip(&self.queue_rejected)
                .map(|(&q, &rejected)| QueueSubscription {
                    queue: r.queue_name(q.index()).to_string(),
                    copies: self.published,
                    rejected,
                })
                .collect(),
            endpoints: self
                .endpoints
                .iter()
                .map(|&ci| {
                    let c = r.consumer(ci.index());
                    let e = c.kind.endpoint().expect("an endpoint");
                    subscription(c, e, r)
                })
                .collect(),
        }
    }
}

/// An endpoint subscription: the deliveries the topic made to consumer `c`,
/// and what `c` made of them.
fn subscription(c: &Consumer, e: &Endpoint, r: &Links) -> EndpointSubscription {
    EndpointSubscription {
        consumer: c.p.name.clone(),
        workers: c.workers.len() as u32,
        copies: e.c.copies,
        attempts: e.c.attempts,
        acked: e.c.acked,
        rejected: e.c.rejected,
        timed_out: e.c.timed_out,
        failed: e.c.failed,
        retries: e.c.retries,
        throttled: e.c.throttled,
        late: e.c.late,
        dead_lettered: e.c.dead_lettered,
        dropped: e.c.dropped,
        pending_at_end: e.pending,
        goodput: c.c.goodput,
        duplicates: c.c.duplicates,
        dead_letter_queue: e.dlq.map(|q| r.queue_name(q.index()).to_string()),
        policy: policy(e),
    }
}

fn policy(e: &Endpoint) -> PolicySummary {
    let p = &e.policy;
    PolicySummary {
        immediate_retries: p.immediate_retries,
        pre_backoff_retries: p.pre_backoff_retries,
        backoff_retries: p.backoff_retries,
        post_backoff_retries: p.post_backoff_retries,
        min_delay_s: p.min_delay_s,
        max_delay_s: p.max_delay_s,
        backoff_function: format!("{:?}", p.backoff_function).to_lowercase(),
        max_s: p.max_s,
        jitter: format!("{:?}", p.jitter).to_lowercase(),
        timeout_s: p.timeout_s,
        throttle_per_s: p.throttle_per_s,
    }
}
