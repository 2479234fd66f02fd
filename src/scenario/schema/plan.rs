//! `[plan]`: the decision keys `flowsim plan` chooses values of, and how sure
//! it must be that a configuration meets the `[slo]`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PlanConfig {
    /// Decision keys; their values form the candidate configurations.
    #[serde(rename = "key")]
    pub keys: Vec<PlanKey>,
    /// A point holds only when every SLO holds at this confidence (the
    /// one-sided interval of its metric is entirely on the good side).
    pub confidence: f64,
    /// Replications a point starts with…
    pub min_reps: u32,
    /// …and the most it gets while still undecided.
    pub max_reps: u32,
    /// Headroom is searched up to this multiplier of every rate.
    pub max_load_factor: f64,
    /// `plan --sensitivity`: each key ± this percentage.
    pub sensitivity_percent: f64,
}

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig {
            keys: vec![],
            confidence: 0.95,
            min_reps: 3,
            max_reps: 10,
            max_load_factor: 8.0,
            sensitivity_percent: 20.0,
        }
    }
}

/// One decision key: the sweep's key path and its values (`values`, or
/// `from`..`to` by `step`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlanKey {
    pub path: String,
    pub values: Option<Vec<toml::Value>>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub step: Option<f64>,
    pub count: Option<u32>,
    /// More of this key never makes an SLO worse (more workers, more
    /// concurrency, a bigger database): the planner bisects it.
    #[serde(default = "yes")]
    pub monotone: bool,
}

fn yes() -> bool {
    true
}

impl PlanKey {
    /// The key as the sweep reads its values.
    pub fn as_sweep(&self) -> super::SweepParam {
        super::SweepParam {
            path: self.path.clone(),
            values: self.values.clone(),
            from: self.from,
            to: self.to,
            step: self.step,
            count: self.count,
            log: false,
        }
    }
}
