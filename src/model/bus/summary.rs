//! A bus's entry in summary.json: its events (matched by no rule: discarded)
//! and each rule's copies, where they went and the policy it retried with.

use crate::model::bus::{Bus, Target};
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct RuleTarget {
    /// `queue` or `push_topic`.
    pub kind: String,
    pub name: String,
    pub delivered: u64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct RuleSummary {
    pub name: String,
    pub matched: u64,
    pub copies: u64,
    pub delivered: u64,
    /// Attempts a queue target refused (full, or its broker blocked).
    pub refusals: u64,
    pub retries: u64,
    pub dead_lettered: u64,
    /// Copies whose retries ran out with nowhere to go: lost.
    pub dropped: u64,
    pub waiting_retry_at_end: u64,
    pub targets: Vec<RuleTarget>,
    pub max_retry_attempts: u32,
    pub max_event_age_s: f64,
    pub dead_letter_queue: Option<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct BusSummary {
    pub name: String,
    pub published: u64,
    /// Events no rule matched: discarded by the bus.
    pub unmatched: u64,
    pub event_types: Vec<String>,
    pub rules: Vec<RuleSummary>,
    /// Publishes refused as larger than `max_message_bytes`; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub refused_too_large: u64,
}

impl BusSummary {
    /// Copies lost for good (dropped) over all rules.
    pub fn dropped(&self) -> u64 {
        self.rules.iter().map(|r| r.dropped).sum()
    }
    pub fn dead_lettered(&self) -> u64 {
        self.rules.iter().map(|r| r.dead_lettered).sum()
    }
}

impl Summarised for Bus {
    type Entry = BusSummary;

    fn summary(&self, r: &Links) -> BusSummary {
        BusSummary {
            name: self.name.clone(),
            published: self.published,
            unmatched: self.unmatched,
            refused_too_large: self.size_gate.refused,
            event_types: self.type_names.clone(),
            rules: self
                .rules
                .iter()
                .map(|rule| RuleSummary {
                    name: rule.name.clone(),
                    matched: rule.c.matched,
                    copies: rule.c.copies,
                    delivered: rule.c.delivered,
                    refusals: rule.c.refusals,
                    retries: rule.c.retries,
                    dead_lettered: rule.c.dead_lettered,
                    dropped: rule.c.dropped,
                    waiting_retry_at_end: rule.pending,
                    targets: rule
                        .targets
                        .iter()
                        .zip(&rule.delivered_to)
                        .map(|(t, &delivered)| match *t {
                            Target::Queue(q) => RuleTarget {
                                kind: "queue".into(),
                                name: r.queue_name(q.index()).to_string(),
                                delivered,
                            },
                            Target::Push(p) => RuleTarget {
                                kind: "push_topic".into(),
                                name: r.push_name(p.index()).to_string(),
                                delivered,
                            },
                        })
                        .collect(),
                    max_retry_attempts: rule.max_retry_attempts,
                    max_event_age_s: rule.max_event_age as f64 / 1e9,
                    dead_letter_queue: rule.dlq.map(|q| r.queue_name(q.index()).to_string()),
                })
                .collect(),
        }
    }
}
