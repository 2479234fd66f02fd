//! The values a swept key takes: a list, a linear range by step or count, or a
//! log range; from the `[sweep]` table or from `--set path=values`.

use crate::scenario::SweepParam;
use toml::Value;

/// Whole numbers become TOML integers (a worker count must be one); other
/// numbers floats (TOML integers are accepted where a float is expected).
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::Integer(x as i64)
    } else {
        Value::Float(x)
    }
}

pub fn values_of(p: &SweepParam) -> Result<Vec<Value>, String> {
    let path = &p.path;
    if let Some(v) = &p.values {
        if p.from.is_some() || p.to.is_some() || p.step.is_some() || p.count.is_some() {
            return Err(format!(
                "`{path}`: give `values` or a range (`from`, `to`, …), not both"
            ));
        }
        if v.is_empty() {
            return Err(format!("`{path}`: `values` is empty"));
        }
        return Ok(v.clone());
    }
    let (Some(from), Some(to)) = (p.from, p.to) else {
        return Err(format!(
            "`{path}`: give `values = [...]`, or `from` and `to` with `step` or `count`"
        ));
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
) -> Result<Vec<Value>, String> {
    if !(from.is_finite() && to.is_finite() && from <= to) {
        return Err(format!("`{path}`: the range needs finite from ≤ to"));
    }
    let xs: Vec<f64> = match (step, count, log) {
        (Some(s), None, false) if s > 0.0 => {
            let n = ((to - from) / s + 1e-9).floor() as u64;
            if n > 100_000 {
                return Err(format!("`{path}`: {n} values is too many"));
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
        (_, _, true) => return Err(format!("`{path}`: a log range needs from > 0 and `count`")),
        _ => {
            return Err(format!(
                "`{path}`: a range needs exactly one of `step` (> 0) or `count` (≥ 1)"
            ));
        }
    };
    // Round away float noise (0.1 + 2·0.1) so values print as typed.
    Ok(xs
        .into_iter()
        .map(|x| number((x * 1e9).round() / 1e9))
        .collect())
}

/// Parses `--set PATH=VALUES`: `10,20,50`, `10..500:step=10`, `10..500:count=8`,
/// `1..1000:log=7`; a lone word or number is a one-value list.
pub fn parse_set(arg: &str) -> Result<SweepParam, String> {
    let (path, spec) = arg.split_once('=').ok_or_else(|| {
        format!("`--set {arg}`: expected PATH=VALUES, e.g. consumer[0].workers=10,20,50")
    })?;
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
                .map_err(|_| format!("`--set {arg}`: `{s}` is not a number"))
        };
        p.from = Some(num(a)?);
        p.to = Some(num(to)?);
        match opt.split_once('=') {
            Some(("step", v)) => p.step = Some(num(v)?),
            Some(("count", v)) => p.count = Some(num(v)? as u32),
            Some(("log", v)) => {
                p.count = Some(num(v)? as u32);
                p.log = true;
            }
            _ => {
                return Err(format!(
                    "`--set {arg}`: a range needs `:step=S`, `:count=N` or `:log=N`"
                ));
            }
        }
    } else {
        p.values = Some(spec.split(',').map(|s| scalar(s.trim())).collect());
    }
    Ok(p)
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
        assert!(parse_set("nothing").is_err());
        assert!(parse_set("a=1..x:step=1").is_err());
        assert!(parse_set("a=1..5").is_err());
        assert!(values_of(&parse_set("a=5..1:step=1").unwrap()).is_err());
        assert!(values_of(&parse_set("a=0..10:log=3").unwrap()).is_err());
        assert!(values_of(&parse_set("a=0..10:step=0").unwrap()).is_err());
    }
}
