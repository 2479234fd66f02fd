//! `[slo]`: what a run must achieve to count as meeting its service-level
//! objectives. Every run reports each one met or missed with its margin;
//! `flowsim plan` searches for the cheapest configuration that meets them all.

use serde::{Deserialize, Serialize};

/// Objectives a run is held to; a key left out is not an objective.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SloConfig {
    /// The 99th percentile of end-to-end latency (publish to first successful
    /// processing) after warm-up, at most this many seconds.
    pub p99_s: Option<f64>,
    /// The run must not collapse.
    pub no_collapse: bool,
    /// Degraded reasons the run must not show, by name (`dead_lettered`,
    /// `messages_lost`, …; `flowsim` lists them when a name is wrong).
    pub no_degraded: Vec<String>,
    /// Dead-lettered messages, as a fraction of those produced, at most this.
    pub max_dead_letter_fraction: Option<f64>,
    /// Successful processings beyond a message's first, as a fraction of the
    /// messages produced, at most this.
    pub max_duplicate_fraction: Option<f64>,
    /// The peak age of the oldest unprocessed message (in a queue, or unread
    /// by a consumer group: its time lag), at most this many seconds.
    pub max_oldest_age_s: Option<f64>,
    /// Drained (nothing waiting) within this many seconds of the end of the
    /// last trigger (a spike, an outage, …), or of the start without one.
    pub drained_within_s: Option<f64>,
}

impl SloConfig {
    pub fn is_empty(&self) -> bool {
        *self == SloConfig::default()
    }
}
