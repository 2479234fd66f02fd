//! The headline numbers of a run, read from its summary.json the way the run's
//! report reads them (docs/outputs.md documents each field).

use crate::report::format::{count, percent, rate, secs};
use serde_json::Value;

/// How a number is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Rate,
    Secs,
    Count,
    Share,
}

impl Unit {
    pub fn show(self, x: f64) -> String {
        match self {
            Unit::Rate => rate(x),
            // The short form: "725 s", not "725 s (12.1 min)", for table cells.
            Unit::Secs => secs(x).split(" (").next().unwrap_or_default().to_string(),
            Unit::Count => count(x),
            Unit::Share => percent(x),
        }
    }
    /// A difference: signed, in the same unit (a share's in percentage points).
    pub fn show_change(self, d: f64) -> String {
        if !d.is_finite() {
            return "–".into();
        }
        let sign = if d > 0.0 {
            "+"
        } else if d < 0.0 {
            "−"
        } else {
            "±"
        };
        let mag = match self {
            Unit::Share => format!("{:.1} pp", d.abs() * 100.0),
            u => u.show(d.abs()),
        };
        format!("{sign}{mag}")
    }
}

/// One headline metric: its key in compare.json, its label, its unit.
pub struct Metric {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
}

/// The numbers compared, in table order (the verdict comes after them).
pub const METRICS: [Metric; 10] = [
    Metric {
        key: "throughput_per_s",
        // Beside goodput, so that a variant failing fast does not read as
        // the one doing more work.
        label: "throughput (failed included)",
        unit: Unit::Rate,
    },
    Metric {
        key: "goodput_per_s",
        label: "goodput",
        unit: Unit::Rate,
    },
    Metric {
        key: "p50_s",
        label: "end-to-end p50",
        unit: Unit::Secs,
    },
    Metric {
        key: "p99_s",
        label: "end-to-end p99",
        unit: Unit::Secs,
    },
    Metric {
        key: "peak_backlog",
        label: "peak backlog",
        unit: Unit::Count,
    },
    Metric {
        key: "peak_age_s",
        label: "peak age",
        unit: Unit::Secs,
    },
    Metric {
        key: "drained_at_s",
        label: "drained at",
        unit: Unit::Secs,
    },
    Metric {
        key: "dlq_share",
        label: "DLQ share",
        unit: Unit::Share,
    },
    Metric {
        key: "duplicates",
        label: "duplicates",
        unit: Unit::Count,
    },
    Metric {
        key: "losses",
        label: "losses",
        unit: Unit::Count,
    },
];

/// One run's headline numbers (NaN where the run has none: no latency, not
/// drained) and its verdict state.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    pub values: [f64; 10],
    pub verdict: String,
    /// Every reason of the verdict, worst first (`verdict.reasons[].reason`).
    pub reasons: Vec<String>,
}

fn f(v: &Value, ptr: &str) -> f64 {
    v.pointer(ptr).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

impl Headline {
    /// Reads a summary.json document; None when it has no verdict state.
    pub fn of(v: &Value) -> Option<Headline> {
        let verdict = v.pointer("/verdict/state")?.as_str()?.to_string();
        let reasons = v
            .pointer("/verdict/reasons")
            .and_then(Value::as_array)
            .map_or(vec![], |rs| {
                rs.iter()
                    .filter_map(|r| Some(r.get("reason")?.as_str()?.to_string()))
                    .collect()
            });
        let completions: f64 = v
            .get("consumers")
            .and_then(Value::as_array)
            .map_or(0.0, |cs| {
                cs.iter()
                    .map(|c| f(c, "/completions"))
                    .filter(|x| x.is_finite())
                    .sum()
            });
        let has_latency = f(v, "/latency/end_to_end/count") > 0.0;
        let lat = |p: &str| if has_latency { f(v, p) } else { f64::NAN };
        Some(Headline {
            values: [
                completions / f(v, "/ended_at_s"),
                f(v, "/goodput_per_s"),
                lat("/latency/end_to_end/p50_s"),
                lat("/latency/end_to_end/p99_s"),
                f(v, "/review/peak_backlog"),
                f(v, "/review/peak_oldest_age_s"),
                f(v, "/review/drained_at_s"),
                f(v, "/review/dead_lettered_fraction"),
                f(v, "/ledger/duplicates"),
                f(v, "/review/whole/lost"),
            ],
            verdict,
            reasons,
        })
    }
}
