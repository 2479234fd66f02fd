//! The values a swept key takes: a list, a linear range by step or count, or a
//! log range; from the `[sweep]` table or from `--set path=values`.

use crate::scenario::SweepParam;
use toml::Value;

/// A swept key's values that cannot be listed; `path` is the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    #[error("`{path}`: give `values` or a range (`from`, `to`, …), not both")]
    ValuesAndRange { path: String },
    #[error("`{path}`: `values` is empty")]
    Empty { path: String },
    #[error("`{path}`: give `values = [...]`, or `from` and `to` with `step` or `count`")]
    NoValues { path: String },
    #[error("`{path}`: the range needs finite from ≤ to")]
    Bounds { path: String },
    #[error("`{path}`: {count} values is too many")]
    TooMany { path: String, count: u64 },
    #[error("`{path}`: a log range needs from > 0 and `count`")]
    LogRange { path: String },
    #[error("`{path}`: a range needs exactly one of `step` (> 0) or `count` (≥ 1)")]
    StepOrCount { path: String },
    /// Two values of one key would be one point twice (and one cell of the
    /// heat map twice): refused rather than deduplicated, so that the points
    /// are the values as written and none is silently dropped.
    #[error(
        "`{path}`: the value {value} comes twice (values {first} and {second} of the list{rounded}); give each value once"
    )]
    Duplicate {
        path: String,
        value: String,
        first: usize,
        second: usize,
        rounded: &'static str,
    },
}

impl ValuesError {
    /// The swept key concerned.
    pub fn path(&self) -> &str {
        match self {
            ValuesError::ValuesAndRange { path }
            | ValuesError::Empty { path }
            | ValuesError::NoValues { path }
            | ValuesError::Bounds { path }
            | ValuesError::TooMany { path, .. }
            | ValuesError::LogRange { path }
            | ValuesError::StepOrCount { path }
            | ValuesError::Duplicate { path, .. } => path,
        }
    }
}

/// A `--set PATH=VALUES` argument that does not parse; `arg` is the argument.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetError {
    #[error("`--set {arg}`: expected PATH=VALUES, e.g. consumer[0].workers=10,20,50")]
    NoValues { arg: String },
    #[error("`--set {arg}`: `{word}` is not a number")]
    NotANumber {
        arg: String,
        word: String,
        #[source]
        source: std::num::ParseFloatError,
    },
    #[error("`--set {arg}`: a range needs `:step=S`, `:count=N` or `:log=N`")]
    RangeOption { arg: String },
    #[error("`--set {arg}`: `{word}` is not a whole number of values ≥ 1")]
    NotACount { arg: String, word: String },
}

impl SetError {
    /// The part of the argument at fault, to point at.
    pub fn word(&self) -> Option<&str> {
        match self {
            SetError::NotANumber { word, .. } | SetError::NotACount { word, .. } => Some(word),
            SetError::NoValues { .. } | SetError::RangeOption { .. } => None,
        }
    }
}

/// Whole numbers become TOML integers (a worker count must be one); other
/// numbers floats (TOML integers are accepted where a float is expected).
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::Integer(x as i64)
    } else {
        Value::Float(x)
    }
}

/// How many values `p` gives, without listing them: a plan's size is checked
/// before any of it is built (a count of 10⁸ would not fit in memory).
pub fn count_of(p: &SweepParam) -> Result<u64, ValuesError> {
    let path = || p.path.clone();
    if let Some(v) = &p.values {
        return Ok(v.len() as u64);
    }
    let (Some(from), Some(to)) = (p.from, p.to) else {
        return Err(ValuesError::NoValues { path: path() });
    };
    if !(from.is_finite() && to.is_finite() && from <= to) {
        return Err(ValuesError::Bounds { path: path() });
    }
    match (p.step, p.count, p.log) {
        (Some(s), None, false) if s > 0.0 => {
            // `as` saturates: an infinite quotient is u64::MAX values.
            Ok((((to - from) / s + 1e-9).floor() as u64).saturating_add(1))
        }
        (None, Some(n), _) if n >= 1 => Ok(u64::from(n)),
        // Let values_of say what is wrong.
        _ => Ok(1),
    }
}

/// The values of a key, refusing one that comes twice (after the rounding of
/// a range to 9 decimals, two close values can become one).
pub fn values_of(p: &SweepParam) -> Result<Vec<Value>, ValuesError> {
    let vals = list_values(p)?;
    let rounded = if p.values.is_some() {
        ""
    } else {
        ", after rounding to 9 decimals: use fewer values"
    };
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for (i, v) in vals.iter().enumerate() {
        // 5 and 5.0 are one point: numbers compare by value, words by text.
        let key = match v {
            Value::Integer(n) => format!("n{}", *n as f64),
            Value::Float(x) => format!("n{x}"),
            other => format!("w{}", show(other)),
        };
        if let Some(first) = seen.insert(key, i) {
            return Err(ValuesError::Duplicate {
                path: p.path.clone(),
                value: show(v),
                first: first + 1,
                second: i + 1,
                rounded,
            });
        }
    }
    Ok(vals)
}

fn list_values(p: &SweepParam) -> Result<Vec<Value>, ValuesError> {
    let path = &p.path;
    if let Some(v) = &p.values {
        if p.from.is_some() || p.to.is_some() || p.step.is_some() || p.count.is_some() {
            return Err(ValuesError::ValuesAndRange { path: path.clone() });
        }
        if v.is_empty() {
            return Err(ValuesError::Empty { path: path.clone() });
        }
        return Ok(v.clone());
    }
    let (Some(from), Some(to)) = (p.from, p.to) else {
        return Err(ValuesError::NoValues { path: path.clone() });
    };
    range(path, from, to, p.step, p.count, p.log)
}

fn range(
    path: &str,
    from: f64,
    to: f64,
    step: Option<f64>,
    count: Option<u32>,
    log: bool,
) -> Result<Vec<Value>, ValuesError> {
    let path = || path.to_string();
    if !(from.is_finite() && to.is_finite() && from <= to) {
        return Err(ValuesError::Bounds { path: path() });
    }
    let xs: Vec<f64> = match (step, count, log) {
        (Some(s), None, false) if s > 0.0 => {
            let n = ((to - from) / s + 1e-9).floor() as u64;
            if n > 100_000 {
                return Err(ValuesError::TooMany {
                    path: path(),
                    count: n,
                });
            }
            (0..=n).map(|i| from + i as f64 * s).collect()
        }
        (None, Some(n), false) if n >= 1 => (0..n)
            .map(|i| {
                if n == 1 {
                    from
                } else {
                    from + (to - from) * i as f64 / (n - 1) as f64
                }
            })
            .collect(),
        (None, Some(n), true) if n >= 1 && from > 0.0 => (0..n)
            .map(|i| {
                if n == 1 {
                    from
                } else {
                    from * (to / from).powf(i as f64 / (n - 1) as f64)
                }
            })
            .collect(),
        (_, _, true) => return Err(ValuesError::LogRange { path: path() }),
        _ => return Err(ValuesError::StepOrCount { path: path() }),
    };
    // Round away float noise (0.1 + 2·0.1) so values print as typed.
    Ok(xs
        .into_iter()
        .map(|x| number((x * 1e9).round() / 1e9))
        .collect())
}

/// Parses `--set PATH=VALUES`: `10,20,50`, `10..500:step=10`, `10..500:count=8`,
/// `1..1000:log=7`; a lone word or number is a one-value list.
pub fn parse_set(arg: &str) -> Result<SweepParam, SetError> {
    let (path, spec) = arg
        .split_once('=')
        .ok_or_else(|| SetError::NoValues { arg: arg.into() })?;
    let path = path.trim().to_string();
    let mut p = SweepParam {
        path: path.clone(),
        values: None,
        from: None,
        to: None,
        step: None,
        count: None,
        log: false,
    };
    if let Some((a, b)) = spec.split_once("..") {
        let (to, opt) = b.split_once(':').unwrap_or((b, ""));
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|source| SetError::NotANumber {
                    arg: arg.into(),
                    word: s.into(),
                    source,
                })
        };
        p.from = Some(num(a)?);
        p.to = Some(num(to)?);
        match opt.split_once('=') {
            Some(("step", v)) => p.step = Some(num(v)?),
            Some(("count", v)) => p.count = Some(count(arg, v)?),
            Some(("log", v)) => {
                p.count = Some(count(arg, v)?);
                p.log = true;
            }
            _ => return Err(SetError::RangeOption { arg: arg.into() }),
        }
    } else {
        p.values = Some(spec.split(',').map(|s| scalar(s.trim())).collect());
    }
    Ok(p)
}

/// A `count=` or `log=` value: a whole number ≥ 1. A count past u32 is no
/// sweep anyone can run; the plan's budget names the limit.
fn count(arg: &str, v: &str) -> Result<u32, SetError> {
    let bad = || SetError::NotACount {
        arg: arg.into(),
        word: v.into(),
    };
    match v.trim().parse::<u64>() {
        Ok(0) => Err(bad()),
        Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
        Err(_) => Err(bad()),
    }
}

fn scalar(s: &str) -> Value {
    if let Ok(i) = s.parse::<i64>() {
        Value::Integer(i)
    } else if let Ok(x) = s.parse::<f64>() {
        Value::Float(x)
    } else if let Ok(b) = s.parse::<bool>() {
        Value::Boolean(b)
    } else {
        Value::String(s.to_string())
    }
}

/// How a value is written in CSV files and chart labels.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Float(x) => format!("{x}"),
        other => other.to_string(),
    }
}

/// A value as a position on a chart axis (text values: their index).
pub fn as_f64(v: &Value, index: usize) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Float(x) => *x,
        _ => index as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(arg: &str) -> Vec<String> {
        values_of(&parse_set(arg).unwrap())
            .unwrap()
            .iter()
            .map(show)
            .collect()
    }

    #[test]
    fn lists_ranges_and_log_ranges() {
        assert_eq!(vals("a.b=10,20,50"), ["10", "20", "50"]);
        assert_eq!(vals("a.b=0.5,fast"), ["0.5", "fast"]);
        assert_eq!(vals("a.b=10..50:step=10"), ["10", "20", "30", "40", "50"]);
        assert_eq!(vals("a.b=0.1..0.3:step=0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(vals("a.b=0..1:count=3"), ["0", "0.5", "1"]);
        assert_eq!(vals("a.b=1..1000:log=4"), ["1", "10", "100", "1000"]);
    }

    #[test]
    fn malformed_specs_are_errors() {
        assert!(matches!(
            parse_set("nothing"),
            Err(SetError::NoValues { .. })
        ));
        assert!(matches!(
            parse_set("a=1..x:step=1"),
            Err(SetError::NotANumber { word, .. }) if word == "x"
        ));
        assert!(matches!(
            parse_set("a=1..5"),
            Err(SetError::RangeOption { .. })
        ));
        let values = |arg: &str| values_of(&parse_set(arg).unwrap());
        assert!(matches!(
            values("a=5..1:step=1"),
            Err(ValuesError::Bounds { .. })
        ));
        assert!(matches!(
            values("a=0..10:log=3"),
            Err(ValuesError::LogRange { .. })
        ));
        assert!(matches!(
            values("a=0..10:step=0"),
            Err(ValuesError::StepOrCount { .. })
        ));
        assert_eq!(
            values("a=0..1e9:step=1").unwrap_err().to_string(),
            "`a`: 1000000000 values is too many"
        );
        assert!(matches!(
            values("a=1,2,1.0"),
            Err(ValuesError::Duplicate {
                first: 1,
                second: 3,
                ..
            })
        ));
        assert!(matches!(
            values("a=1..1.000000001:count=5"),
            Err(ValuesError::Duplicate { .. })
        ));
        assert!(matches!(
            parse_set("a=1..2:count=0.5"),
            Err(SetError::NotACount { .. })
        ));
        let big = parse_set("a=1..2:count=100000000").unwrap();
        assert_eq!(count_of(&big), Ok(100_000_000));
        assert_eq!(count_of(&parse_set("a=0..10:step=0.5").unwrap()), Ok(21));
        let tiny = parse_set("a=0..1:step=1e-300").unwrap();
        assert_eq!(count_of(&tiny), Ok(u64::MAX));
    }
}
