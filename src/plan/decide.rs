//! Deciding whether a configuration meets the SLOs, with the stated
//! confidence: replications on distinct derived seeds, each SLO's one-sided
//! interval on its good side to hold (entirely beyond the target to fail),
//! more replications up to a cap while undecided, and an early stop when a
//! single replication already fails beyond doubt.

use super::{PlannerError, load};
use crate::run::{RunLimits, SloCheck};
use crate::scenario::Scenario;
use crate::scenario::limits::MemoryBudget;
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::BTreeMap;

/// What is held fixed over a plan.
pub struct Settings {
    pub confidence: f64,
    pub min_reps: u32,
    pub max_reps: u32,
    pub seed: u64,
    pub base_replication: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every SLO holds with the stated confidence.
    Holds,
    /// Some SLO fails with the stated confidence (or failed beyond doubt).
    Fails,
    /// Still undecided at the replication cap: counted as not holding.
    Undecided,
}

/// One SLO over a point's replications: its mean and one-sided bounds.
#[derive(Clone, Debug, Serialize)]
pub struct SloStat {
    pub name: String,
    pub target: f64,
    pub mean: Option<f64>,
    /// The one-sided lower and upper bounds at the confidence (None: a
    /// replication had no value, e.g. nothing processed).
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A configuration at a load, evaluated.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// The decision keys' values, in key order.
    pub values: Vec<toml::Value>,
    pub load_factor: f64,
    pub reps: u32,
    pub decision: Decision,
    /// One replication failed beyond doubt and the rest were not run.
    pub early_stop: bool,
    pub slo: Vec<SloStat>,
    /// Means over the replications.
    pub cost_per_hour: f64,
    pub cost_per_million_messages: Option<f64>,
}

impl Evaluation {
    pub fn holds(&self) -> bool {
        self.decision == Decision::Holds
    }
}

/// Runs and remembers evaluations; counts the runs.
pub struct Evaluator<'a> {
    pub label: &'a str,
    pub doc: &'a toml::Table,
    pub paths: Vec<String>,
    pub settings: Settings,
    pub budget: &'a MemoryBudget,
    cache: BTreeMap<String, Evaluation>,
    pub runs: usize,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        label: &'a str,
        doc: &'a toml::Table,
        paths: Vec<String>,
        settings: Settings,
        budget: &'a MemoryBudget,
    ) -> Self {
        Evaluator {
            label,
            doc,
            paths,
            settings,
            budget,
            cache: BTreeMap::new(),
            runs: 0,
        }
    }

    fn cache_key(values: &[toml::Value], load: f64) -> String {
        let v: Vec<String> = values.iter().map(ToString::to_string).collect();
        format!("{}@{:e}", v.join(","), load)
    }

    /// Every evaluation made, in a stable order.
    pub fn all(&self) -> impl Iterator<Item = &Evaluation> {
        self.cache.values()
    }

    /// The scenario of `values` at `load` (validated like a sweep's point).
    pub fn scenario(&self, values: &[toml::Value], load: f64) -> Result<Scenario, PlannerError> {
        let doc = load::scaled(self.doc, load);
        let sets: Vec<(String, toml::Value)> = self
            .paths
            .iter()
            .cloned()
            .zip(values.iter().cloned())
            .collect();
        let mut s = crate::sweep::scenario_with(self.label, &doc, &sets, self.budget)?;
        s.run.seed = self.settings.seed;
        s.sweep = None;
        s.plan = None;
        Ok(s)
    }

    /// Evaluates `values` at `load`, or recalls it.
    pub fn eval(&mut self, values: &[toml::Value], load: f64) -> Result<Evaluation, PlannerError> {
        let key = Self::cache_key(values, load);
        if let Some(e) = self.cache.get(&key) {
            return Ok(e.clone());
        }
        let s = self.scenario(values, load)?;
        let mut reps: Vec<Rep> = self.run_reps(&s, 0, 1)?;
        let mut early_stop = false;
        let decision = loop {
            if reps.len() == 1 && reps[0].checks.iter().any(beyond_doubt) {
                early_stop = true;
                break Decision::Fails;
            }
            let n = reps.len() as u32;
            if n < self.settings.min_reps {
                let more = self.run_reps(&s, n, self.settings.min_reps - n)?;
                reps.extend(more);
                continue;
            }
            let d = decide(&stats(&reps, self.settings.confidence));
            if d != Decision::Undecided || n >= self.settings.max_reps {
                break d;
            }
            let add = self.settings.min_reps.min(self.settings.max_reps - n);
            let more = self.run_reps(&s, n, add)?;
            reps.extend(more);
        };
        let n = reps.len() as f64;
        let e = Evaluation {
            values: values.to_vec(),
            load_factor: load,
            reps: reps.len() as u32,
            decision,
            early_stop,
            slo: stats(&reps, self.settings.confidence),
            cost_per_hour: reps.iter().map(|r| r.cost_per_hour).sum::<f64>() / n,
            cost_per_million_messages: reps
                .iter()
                .map(|r| r.cost_per_million)
                .sum::<Option<f64>>()
                .map(|x| x / n),
        };
        self.cache.insert(key, e.clone());
        Ok(e)
    }

    /// Replications `from`..`from + count` of `s`, in parallel; each on its
    /// own replication index, so the results do not depend on the threads.
    fn run_reps(&mut self, s: &Scenario, from: u32, count: u32) -> Result<Vec<Rep>, PlannerError> {
        self.runs += count as usize;
        (from..from + count)
            .into_par_iter()
            .map(|r| {
                let mut s = s.clone();
                s.run.replication = self.settings.base_replication + u64::from(r);
                let sum = crate::run::run_summary(&s, self.label, &RunLimits::default()).map_err(
                    |source| PlannerError::Run {
                        label: self.label.to_string(),
                        source,
                    },
                )?;
                let cost = sum.cost.as_ref();
                Ok(Rep {
                    checks: sum.slo.clone(),
                    cost_per_hour: cost.map_or(0.0, |c| c.per_hour),
                    cost_per_million: cost.and_then(|c| c.per_million_messages),
                })
            })
            .collect()
    }
}

/// What the decision needs of one replication.
struct Rep {
    checks: Vec<SloCheck>,
    cost_per_hour: f64,
    cost_per_million: Option<f64>,
}

/// A replication that fails an SLO beyond doubt: no value at all, a rule
/// broken (its target is 0, so no interval of a mean above 0 reaches it),
/// or more than twice the target.
fn beyond_doubt(c: &SloCheck) -> bool {
    !c.met
        && match c.value {
            None => true,
            Some(v) => c.target <= 0.0 || v > 2.0 * c.target,
        }
}

/// Each SLO's mean and one-sided bounds over the replications.
fn stats(reps: &[Rep], confidence: f64) -> Vec<SloStat> {
    let Some(first) = reps.first() else {
        return vec![];
    };
    (0..first.checks.len())
        .map(|i| {
            let c = &first.checks[i];
            let xs: Option<Vec<f64>> = reps.iter().map(|r| r.checks[i].value).collect();
            let (mean, low, high) = match xs {
                None => (None, None, None),
                Some(xs) => {
                    let (m, l, h) = bounds(&xs, confidence);
                    (Some(m), Some(l), Some(h))
                }
            };
            SloStat {
                name: c.name.clone(),
                target: c.target,
                mean,
                low,
                high,
            }
        })
        .collect()
}

/// Mean and the one-sided Student-t bounds at `confidence`; a single value
/// is its own mean with unbounded bounds.
pub fn bounds(xs: &[f64], confidence: f64) -> (f64, f64, f64) {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NEG_INFINITY, f64::INFINITY);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map_or(f64::INFINITY, |d| d.inverse_cdf(confidence));
    let half = t * (var / n as f64).sqrt();
    (mean, mean - half, mean + half)
}

/// Holds when every upper bound is within its target; fails when some lower
/// bound is beyond its target (or a replication had no value).
fn decide(stats: &[SloStat]) -> Decision {
    if stats.iter().any(|s| s.low.is_none_or(|l| l > s.target)) {
        Decision::Fails
    } else if stats.iter().all(|s| s.high.is_some_and(|h| h <= s.target)) {
        Decision::Holds
    } else {
        Decision::Undecided
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(low: f64, high: f64) -> SloStat {
        SloStat {
            name: "p99_s".into(),
            target: 60.0,
            mean: Some((low + high) / 2.0),
            low: Some(low),
            high: Some(high),
        }
    }

    #[test]
    fn a_point_holds_only_when_the_whole_interval_is_on_the_good_side() {
        assert_eq!(decide(&[stat(40.0, 59.0)]), Decision::Holds);
        assert_eq!(decide(&[stat(40.0, 61.0)]), Decision::Undecided);
        assert_eq!(decide(&[stat(61.0, 70.0)]), Decision::Fails);
        assert_eq!(
            decide(&[stat(40.0, 59.0), stat(55.0, 65.0)]),
            Decision::Undecided
        );
    }

    #[test]
    fn identical_replications_have_no_spread() {
        let (m, l, h) = bounds(&[0.0, 0.0, 0.0], 0.95);
        assert_eq!((m, l, h), (0.0, 0.0, 0.0));
        let (_, l, h) = bounds(&[1.0, 2.0, 3.0], 0.95);
        // t(0.95, 2 df) = 2.92; sd = 1: 2 ± 2.92 / √3.
        assert!((h - 2.0 - 2.919_986 / 3f64.sqrt()).abs() < 1e-4, "{h}");
        assert!((2.0 - l - 2.919_986 / 3f64.sqrt()).abs() < 1e-4, "{l}");
    }
}
