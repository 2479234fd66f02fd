//! `[consumer.publish]`: a pipeline stage. After its side effect the consumer
//! publishes onward to the next stage's queue before it acknowledges what it
//! processed, so that a downstream queue that refuses (full, `max_depth`)
//! holds the upstream worker, which retries with a backoff while keeping its
//! slot: backpressure.

use super::{DistSpec, Jitter, RetryPolicy};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OnwardConfig {
    /// The next stage's queue; or, instead, a push topic or an event bus
    /// (which never refuse: what they fan out to is their business).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
    /// Or a topic of the partitioned log: records keyed by the parent's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Messages published per message processed (a fan-out of several).
    #[serde(default = "one")]
    pub messages: u32,
    /// Share of processed messages that publish onward at all (the others
    /// end their lineage here).
    #[serde(default = "all")]
    pub fraction: f64,
    /// Backoff between refused publish attempts; the worker retries until
    /// the queue accepts (it does not ack its input before its output is
    /// accepted). Defaults: the AWS SDKs' standard retry mode's delays
    /// (base 100 ms, cap 20 s, full jitter).
    #[serde(default = "base_s")]
    pub base_s: f64,
    #[serde(default = "cap_s")]
    pub cap_s: f64,
    #[serde(default = "multiplier")]
    pub multiplier: f64,
    #[serde(default = "jitter")]
    pub jitter: Jitter,
    /// How the database write and the publish are tied: two separate steps
    /// (`dual_write`, what a handler does unless it is built otherwise) or a
    /// transactional outbox drained by a relay.
    #[serde(default)]
    pub delivery: Delivery,
    /// A dual write's order.
    #[serde(default)]
    pub order: WriteOrder,
    /// How long a dual write's publish takes (a round trip to the broker):
    /// the window a crash can fall into. Absent: instantaneous.
    #[serde(default)]
    pub publish_s: Option<DistSpec>,
    /// The outbox's relay: change-data-capture from the database's log, or a
    /// poller querying the outbox table.
    #[serde(default)]
    pub relay: Relay,
    /// A polling relay's interval.
    #[serde(default = "relay_interval_s")]
    pub relay_interval_s: f64,
    /// A change-data-capture relay's lag from the commit to its publish.
    #[serde(default)]
    pub relay_lag_s: Option<DistSpec>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    #[default]
    DualWrite,
    Outbox,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WriteOrder {
    #[default]
    WriteThenPublish,
    PublishThenWrite,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Relay {
    #[default]
    Cdc,
    Polling,
}

/// Debezium's `poll.interval.ms` (500 ms): how long a change-data-capture
/// connector waits for new change events before it publishes a batch.
pub const RELAY_LAG_S: f64 = 0.5;

fn relay_interval_s() -> f64 {
    1.0
}

fn one() -> u32 {
    1
}
fn all() -> f64 {
    1.0
}
fn base_s() -> f64 {
    0.1
}
fn cap_s() -> f64 {
    20.0
}
fn multiplier() -> f64 {
    2.0
}
fn jitter() -> Jitter {
    Jitter::Full
}

impl OnwardConfig {
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            base_s: self.base_s,
            cap_s: self.cap_s,
            multiplier: self.multiplier,
            jitter: self.jitter,
        }
    }
}
