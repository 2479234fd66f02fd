//! Each `[slo]` objective judged on a run's summary: met or missed, with the
//! margin by which it was (positive: that much better than the target).

use super::Summary;
use crate::scenario::SloConfig;
use serde::{Deserialize, Serialize};

/// One objective of one run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SloCheck {
    /// The `[slo]` key (`p99_s`, `no_collapse`, …).
    pub name: String,
    /// The most the value may be (a count of 0 for `no_collapse` and
    /// `no_degraded`).
    pub target: f64,
    /// None when the run gives no value (no message was processed, so there
    /// is no latency): missed.
    pub value: Option<f64>,
    pub met: bool,
    /// target − value: how far on the good side (negative: missed by).
    pub margin: Option<f64>,
}

impl SloCheck {
    fn of(name: &str, target: f64, value: Option<f64>) -> SloCheck {
        let value = value.filter(|v| v.is_finite());
        SloCheck {
            name: name.into(),
            target,
            value,
            met: value.is_some_and(|v| v <= target),
            margin: value.map(|v| target - v),
        }
    }
}

/// Every objective of `slo`, in the order of the `[slo]` keys.
pub fn judge(slo: &SloConfig, s: &Summary) -> Vec<SloCheck> {
    let mut out = vec![];
    if let Some(t) = slo.p99_s {
        let l = &s.latency.end_to_end;
        out.push(SloCheck::of("p99_s", t, (l.count > 0).then_some(l.p99_s)));
    }
    if slo.no_collapse {
        out.push(SloCheck::of(
            "no_collapse",
            0.0,
            Some(f64::from(u8::from(s.verdict.collapsed))),
        ));
    }
    if !slo.no_degraded.is_empty() {
        let found = s
            .verdict
            .reasons
            .iter()
            .filter(|f| slo.no_degraded.iter().any(|n| n == f.reason.name()))
            .count();
        out.push(SloCheck::of("no_degraded", 0.0, Some(found as f64)));
    }
    let produced = s.ledger.produced.max(s.review.whole.arrivals);
    let share = |n: u64| {
        Some(if produced == 0 {
            0.0
        } else {
            n as f64 / produced as f64
        })
    };
    if let Some(t) = slo.max_dead_letter_fraction {
        out.push(SloCheck::of(
            "max_dead_letter_fraction",
            t,
            share(s.review.whole.dead_lettered),
        ));
    }
    if let Some(t) = slo.max_duplicate_fraction {
        out.push(SloCheck::of(
            "max_duplicate_fraction",
            t,
            share(s.review.whole.duplicates),
        ));
    }
    if let Some(t) = slo.max_oldest_age_s {
        out.push(SloCheck::of(
            "max_oldest_age_s",
            t,
            Some(s.review.peak_unprocessed_age_s),
        ));
    }
    if let Some(t) = slo.drained_within_s {
        out.push(SloCheck::of("drained_within_s", t, drain_time(s)));
    }
    out
}

/// Seconds from the end of the last trigger (or the start, without one) to
/// the backlog's return near its level before: 0 when it never rose above
/// that level, None when it never came back.
fn drain_time(s: &Summary) -> Option<f64> {
    let last = s.triggers.iter().map(|t| t.to_s).fold(0.0, f64::max);
    if s.verdict.collapsed {
        return None;
    }
    match (s.review.drained_at_s, s.review.held_before_trigger) {
        (Some(at), _) => Some((at - last).max(0.0)),
        // No trigger: nothing to drain from, and the run did not collapse.
        (None, None) => Some(0.0),
        // The messages held never rose above their normal level.
        (None, Some(_)) if !s.review.rose_above_normal => Some(0.0),
        (None, Some(_)) => None,
    }
}

/// Whether every objective was met (true without any).
pub fn all_met(checks: &[SloCheck]) -> bool {
    checks.iter().all(|c| c.met)
}
