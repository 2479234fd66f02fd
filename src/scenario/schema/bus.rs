//! `[[bus]]`: an event bus (EventBridge-like). Each event published to it is
//! matched against every rule; a rule whose filter matches sends a copy to
//! each of its targets (queues, push topics), retrying a target that refuses
//! by the rule's retry policy, then dead-lettering or dropping the copy. An
//! event no rule matches is discarded, as EventBridge does (counted).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BusConfig {
    pub name: String,
    /// The events' types and their shares (`{ OrderPlaced = 0.7,
    /// OrderCancelled = 0.3 }`): each event draws one, which rules filter on
    /// (EventBridge's `detail-type`). Empty: events carry no type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub event_types: BTreeMap<String, f64>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleConfig>,
    /// The largest message it takes, in bytes or a preset (docs/scenarios.md,
    /// "Payloads"); a producer's larger publish is refused. Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<super::payload::ByteLimit>,
}

/// A rule: its filter (the event types it matches, and a range of keys — a
/// prefix or numeric pattern on the key), its targets, and how it retries a
/// target that refuses.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub name: String,
    /// Event types it matches; any when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_types: Vec<String>,
    /// Keys it matches, `[first, last]` inclusive; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<[u32; 2]>,
    /// Target queues: a copy of each matched event goes into each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<String>,
    /// Target push topics: each matched event is published to each (their
    /// subscriptions deliver it on: queues, endpoints).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub push_topics: Vec<String>,
    /// EventBridge's `MaximumRetryAttempts` (0–185, default 185).
    #[serde(default = "max_retry_attempts")]
    pub max_retry_attempts: u32,
    /// EventBridge's `MaximumEventAgeInSeconds` (60–86,400, default 24 h):
    /// no retry starts later than this after the event was published.
    #[serde(default = "max_event_age_s")]
    pub max_event_age_s: f64,
    /// Backoff between retries: exponential from `base_s`, doubling, capped
    /// at `cap_s`, with equal jitter. EventBridge documents "exponential
    /// backoff and jitter" without the figures; these spread 185 retries
    /// over about the documented 24 hours.
    #[serde(default = "base_s")]
    pub base_s: f64,
    #[serde(default = "cap_s")]
    pub cap_s: f64,
    /// Where a copy goes when its retries run out (a queue); without one it
    /// is dropped (counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_queue: Option<String>,
}

/// EventBridge's defaults (API reference, `RetryPolicy`).
pub const MAX_RETRY_ATTEMPTS: u32 = 185;
pub const MAX_EVENT_AGE_S: f64 = 86_400.0;
/// EventBridge's bounds on the two keys.
pub const MIN_EVENT_AGE_S: f64 = 60.0;

fn max_retry_attempts() -> u32 {
    MAX_RETRY_ATTEMPTS
}
fn max_event_age_s() -> f64 {
    MAX_EVENT_AGE_S
}
fn base_s() -> f64 {
    1.0
}
/// With equal jitter a delay averages ¾ of its ceiling: 9 doublings up to the
/// cap, then 175 retries at ¾ × 640 s, make about 23.4 h for 185 retries.
fn cap_s() -> f64 {
    640.0
}

impl RuleConfig {
    pub fn policy(&self) -> super::RetryPolicy {
        super::RetryPolicy {
            base_s: self.base_s,
            cap_s: self.cap_s,
            multiplier: 2.0,
            jitter: super::Jitter::Equal,
        }
    }
}
