//! The deliveries chart of a run with push endpoints: what the topics tried
//! against what the endpoints took, refused and let time out, and what the
//! delivery policies gave up on; the retry amplification on the right axis.

use super::run::{chart, dashed, rate, rate_label, ratio, smoothing};
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    if s.pushes.iter().all(|p| p.endpoints.is_empty()) {
        return Ok(());
    }
    let w = smoothing(series);
    let y = rate_label(series, "deliveries", w);
    let mut c = chart("Push deliveries to endpoints", s, &y);
    c.series.extend(rate(
        series,
        "push_offered",
        "offered (copies to endpoints)",
        w,
    ));
    for (col, label) in [
        ("push_attempts", "attempts (first and retries)"),
        ("push_acked", "acked"),
        ("push_rejected", "refused (every worker busy)"),
        ("push_timed_out", "timed out"),
        ("push_failed", "failed"),
        ("push_dead_lettered", "dead-lettered"),
        ("push_dropped", "dropped"),
    ] {
        let any = series
            .column(col)
            .is_some_and(|v| v.iter().any(|&x| x > 0.0));
        if any {
            // Dashed: with every attempt failing it lies on `failed`.
            let line = rate(series, col, label, w);
            c.series.extend(if col == "push_attempts" {
                line.map(dashed)
            } else {
                line
            });
        }
    }
    // Attempts per copy offered, from the same moving averages.
    let label = "retry amplification (right axis)";
    if let Some(a) = ratio(series, "push_attempts", "push_offered", w, |_| 0.0, label) {
        c.y2_label = Some("attempts per copy offered".into());
        c.series2.push(a);
    }
    crate::charts::finish(c).write(dir.join("deliveries"))?;
    Ok(())
}
