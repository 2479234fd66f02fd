//! `[consumer.publish]`: a pipeline stage. After its side effect the consumer
//! publishes onward to the next stage's queue before it acknowledges what it
//! processed, so that a downstream queue that refuses (full, `max_depth`)
//! holds the upstream worker, which retries with a backoff while keeping its
//! slot: backpressure.

use super::{Jitter, RetryPolicy};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OnwardConfig {
    /// The next stage's queue.
    pub queue: String,
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
