//! `plan --sensitivity`: each decision key ± x % around the chosen
//! configuration, one at a time, and what that does to the SLO metric and
//! the cost (drawn as a tornado chart).

use super::PlannerError;
use super::decide::{Evaluation, Evaluator, SloStat};
use super::keys::{Key, as_f64};
use serde::Serialize;

/// One key moved down and up.
#[derive(Clone, Debug, Serialize)]
pub struct Swing {
    pub key: String,
    pub base: toml::Value,
    pub low: toml::Value,
    pub high: toml::Value,
    /// The first SLO with a value of its own (p99_s, …): its mean at the
    /// chosen point, and with the key low and high.
    pub metric: String,
    pub metric_base: Option<f64>,
    /// That SLO's target: the metric holds at or below it.
    pub metric_target: Option<f64>,
    pub metric_low: Option<f64>,
    pub metric_high: Option<f64>,
    pub cost_base: f64,
    pub cost_low: f64,
    pub cost_high: f64,
    pub holds_low: bool,
    pub holds_high: bool,
}

/// `base` moved by `factor`, whole when the key's values are whole (at least
/// one away from it, and not below 1).
fn moved(key: &Key, base: &toml::Value, factor: f64) -> toml::Value {
    let x = as_f64(base).unwrap_or(0.0);
    if key.integer {
        let b = x as i64;
        let mut m = (x * factor).round() as i64;
        if m == b {
            m = if factor < 1.0 { b - 1 } else { b + 1 };
        }
        toml::Value::Integer(m.max(1))
    } else {
        toml::Value::Float(x * factor)
    }
}

/// The SLO a tornado shows: the first with a value of its own.
fn metric(e: &Evaluation) -> Option<&SloStat> {
    e.slo
        .iter()
        .find(|s| s.name != "no_collapse" && s.name != "no_degraded")
        .or(e.slo.first())
}

pub fn swings(
    ev: &mut Evaluator,
    keys: &[Key],
    chosen: &Evaluation,
    percent: f64,
) -> Result<Vec<Swing>, PlannerError> {
    let chosen_metric = metric(chosen);
    let name = chosen_metric.map_or(String::new(), |s| s.name.clone());
    let metric_base = chosen_metric.and_then(|s| s.mean);
    let metric_target = chosen_metric.map(|s| s.target);
    let mut out = vec![];
    for (i, k) in keys.iter().enumerate() {
        let base = chosen.values[i].clone();
        let low = moved(k, &base, 1.0 - percent / 100.0);
        let high = moved(k, &base, 1.0 + percent / 100.0);
        let mut at = chosen.values.clone();
        at[i] = low.clone();
        let lo = ev.eval(&at, 1.0)?;
        at[i] = high.clone();
        let hi = ev.eval(&at, 1.0)?;
        out.push(Swing {
            key: k.path.clone(),
            base,
            low,
            high,
            metric: name.clone(),
            metric_base,
            metric_target,
            metric_low: metric(&lo).and_then(|s| s.mean),
            metric_high: metric(&hi).and_then(|s| s.mean),
            cost_base: chosen.cost_per_hour,
            cost_low: lo.cost_per_hour,
            cost_high: hi.cost_per_hour,
            holds_low: lo.holds(),
            holds_high: hi.holds(),
        });
    }
    Ok(out)
}
