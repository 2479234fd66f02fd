//! The decision keys: `[[plan.key]]` tables, with `--vary` replacing a key of
//! the same path or adding one; each key's values as numbers, ascending.

use super::PlannerError;
use crate::scenario::{PlanConfig, SweepParam};

/// The most candidate configurations (the product of the keys' values).
pub const MAX_POINTS: u64 = 100_000;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Key {
    pub path: String,
    /// Ascending, without repeats.
    pub values: Vec<toml::Value>,
    /// More never makes an SLO worse: the one with the most values is
    /// bisected (`search::bisected`).
    pub monotone: bool,
    /// Every value is a whole number (a count of workers, of connections…).
    #[serde(skip)]
    pub integer: bool,
}

pub fn as_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

pub fn keys(
    file: &str,
    cfg: Option<&PlanConfig>,
    varies: &[String],
) -> Result<Vec<Key>, PlannerError> {
    let mut specs: Vec<(SweepParam, bool)> = cfg
        .map(|c| c.keys.iter().map(|k| (k.as_sweep(), k.monotone)).collect())
        .unwrap_or_default();
    for arg in varies {
        let p = crate::sweep::parse_set(arg).map_err(|source| PlannerError::Vary {
            arg: arg.clone(),
            source: Box::new(source),
        })?;
        match specs.iter_mut().find(|(s, _)| s.path == p.path) {
            Some(s) => s.0 = p,
            None => specs.push((p, true)),
        }
    }
    if specs.is_empty() {
        return Err(PlannerError::NoKeys { file: file.into() });
    }
    let mut out = vec![];
    let mut points: u64 = 1;
    for (s, monotone) in specs {
        let mut values =
            crate::sweep::values::values_of(&s).map_err(|source| PlannerError::Values {
                file: file.into(),
                path: s.path.clone(),
                source: Box::new(source),
            })?;
        for v in &values {
            if as_f64(v).is_none_or(|x| !x.is_finite()) {
                return Err(PlannerError::NotNumber {
                    file: file.into(),
                    path: s.path.clone(),
                    value: v.to_string(),
                });
            }
        }
        values.sort_by(|a, b| {
            as_f64(a)
                .unwrap_or(0.0)
                .total_cmp(&as_f64(b).unwrap_or(0.0))
        });
        values.dedup_by(|a, b| as_f64(a) == as_f64(b));
        points = points.saturating_mul(values.len() as u64);
        let integer = values.iter().all(|v| matches!(v, toml::Value::Integer(_)));
        out.push(Key {
            path: s.path,
            values,
            monotone,
            integer,
        });
    }
    if points > MAX_POINTS {
        return Err(PlannerError::TooBig {
            file: file.into(),
            points,
            max: MAX_POINTS,
        });
    }
    Ok(out)
}
