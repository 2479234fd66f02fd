//! A run's metrics for a sweep: its summary flattened to dotted names
//! (`latency.end_to_end.p99_s`, `queues.orders.mean_visible`, `verdict.collapsed`).

use super::{PlanError, PlanInfo};
use crate::Summary;
use crate::scenario::Scenario;
use serde_json::Value;

/// Fields that describe the run rather than measure it.
const SKIP: [&str; 8] = [
    "scenario",
    "title",
    "seed",
    "replication",
    "horizon_s",
    "warmup_s",
    "stop",
    "triggers",
];

/// The summary's words a sweep reports beside its numbers. `flatten` keeps
/// numbers only (a metric is averaged over replications), so a reason, a
/// word, never reached sweep.csv: its column came only from stable runs,
/// whose reason is null, and was always empty.
pub fn labels(s: &Summary) -> Vec<(String, String)> {
    let v = &s.verdict;
    vec![
        ("verdict.state".into(), v.state.name().into()),
        (
            "verdict.reason".into(),
            v.reason.map(|r| r.name()).unwrap_or_default().into(),
        ),
        (
            "verdict.reasons".into(),
            v.reasons
                .iter()
                .map(|f| f.reason.name())
                .collect::<Vec<_>>()
                .join(" "),
        ),
    ]
}

pub fn flatten(s: &Summary) -> Vec<(String, Option<f64>)> {
    let mut out = vec![];
    if let Ok(Value::Object(m)) = serde_json::to_value(s) {
        for (k, v) in m {
            if !SKIP.contains(&k.as_str()) {
                walk(&k, &v, &mut out);
            }
        }
    }
    out
}

fn walk(name: &str, v: &Value, out: &mut Vec<(String, Option<f64>)>) {
    match v {
        Value::Number(n) => out.push((name.to_string(), n.as_f64())),
        Value::Bool(b) => out.push((name.to_string(), Some(f64::from(u8::from(*b))))),
        // A null reason is a word missing, not a number: `labels` has it.
        Value::Null if name == "verdict.reason" => {}
        Value::Null => out.push((name.to_string(), None)),
        Value::Object(m) => {
            for (k, v) in m {
                walk(&format!("{name}.{k}"), v, out);
            }
        }
        // The verdict's reasons are words: `labels` reports them.
        Value::Array(_) if name == "verdict.reasons" => {}
        // Components are named: `queues.orders.…`.
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let key = item
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or(i.to_string(), str::to_string);
                walk(&format!("{name}.{key}"), item, out);
            }
        }
        Value::String(_) => {}
    }
}

/// Checks the chart metrics and the objective name real metrics, by running the
/// first point for an instant (the summary's shape does not depend on time).
pub fn check_names(info: &mut PlanInfo, first: &Scenario) -> Result<(), PlanError> {
    let mut probe = first.clone();
    probe.run.horizon_s = 1e-6;
    probe.run.warmup_s = 0.0;
    let summary =
        crate::run::run_summary(&probe, "probe", &Default::default()).map_err(PlanError::Probe)?;
    let names: Vec<String> = flatten(&summary).into_iter().map(|(n, _)| n).collect();
    let known = |m: &str| names.iter().any(|n| n == m);
    for m in info
        .metrics
        .iter()
        .chain(std::iter::once(&info.objective.metric))
    {
        if !known(m) {
            let cands: Vec<&str> = names.iter().map(String::as_str).collect();
            return Err(PlanError::UnknownMetric {
                scenario: info.scenario.clone(),
                metric: m.clone(),
                suggestion: crate::scenario::diagnostics::did_you_mean(m, &cands).map(String::from),
            });
        }
    }
    Ok(())
}
