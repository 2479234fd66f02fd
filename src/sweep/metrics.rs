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
        // Components are named: `queues.orders.…`; a theory row by what it
        // checks: `theory.orders.workers.utilisation`. A position would name a
        // different row at points where a row is absent (theory.0 was one
        // queue's utilisation at one point and another's waiting at the next).
        Value::Array(items) => {
            let mut seen: Vec<String> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let mut key = item_key(item).unwrap_or_else(|| i.to_string());
                if seen.contains(&key) {
                    key = format!("{key}.{i}");
                }
                walk(&format!("{name}.{key}"), item, out);
                seen.push(key);
            }
        }
        Value::String(_) => {}
    }
}

/// A list item's stable name: its `name`, or for a check (a theory row) the
/// queue, the consumer and the quantity it compares.
fn item_key(item: &Value) -> Option<String> {
    if let Some(n) = item.get("name").and_then(Value::as_str) {
        return Some(n.to_string());
    }
    let quantity = item.get("quantity").and_then(Value::as_str)?;
    let parts: Vec<&str> = ["queue", "consumer"]
        .iter()
        .filter_map(|k| item.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .chain(std::iter::once(quantity))
        .collect();
    Some(parts.join("."))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &Value) -> Vec<String> {
        let mut out = vec![];
        walk("theory", v, &mut out);
        out.into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn a_theory_row_keeps_its_column_when_another_row_is_absent() {
        let row = |q: &str, c: &str, quantity: &str| serde_json::json!({"queue": q, "consumer": c, "quantity": quantity, "simulated": 1.0});
        // At one point the pool is stable and has its rows; at the next only
        // Little's law remains. Its column must be the same at both.
        let both = Value::Array(vec![
            row("jobs", "workers", "utilisation"),
            row("jobs", "", "in_queue"),
        ]);
        let little_only = Value::Array(vec![row("jobs", "", "in_queue")]);
        assert_eq!(
            names(&both),
            [
                "theory.jobs.workers.utilisation.simulated",
                "theory.jobs.in_queue.simulated"
            ]
        );
        assert_eq!(names(&little_only), ["theory.jobs.in_queue.simulated"]);
    }

    #[test]
    fn rows_with_the_same_key_stay_apart() {
        let row =
            serde_json::json!({"queue": "q", "consumer": "c", "quantity": "x", "simulated": 1.0});
        let v = Value::Array(vec![row.clone(), row]);
        assert_eq!(
            names(&v),
            ["theory.q.c.x.simulated", "theory.q.c.x.1.simulated"]
        );
    }
}
