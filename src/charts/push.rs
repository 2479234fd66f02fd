//! The deliveries chart of a run with push endpoints: what the topics tried
//! against what the endpoints took, refused and let time out, and what the
//! delivery policies gave up on; copies still pending on the right axis.

use super::ChartError;
use super::run::{chart, dashed, gauge, rate, rate_label, smoothing};
use crate::metrics::series::Sampler;
use crate::run::Summary;
use std::path::Path;

pub(super) fn draw(dir: &Path, s: &Summary, sampler: &Sampler) -> Result<(), ChartError> {
    if s.pushes.iter().all(|p| p.endpoints.is_empty()) {
        return Ok(());
    }
    let w = smoothing(sampler);
    let y = rate_label(sampler, "deliveries", w);
    let mut c = chart("Push deliveries to endpoints", s, &y);
    for (col, label) in [
        ("push_attempts", "attempts (first and retries)"),
        ("push_acked", "acked"),
        ("push_rejected", "refused (every worker busy)"),
        ("push_timed_out", "timed out"),
        ("push_failed", "failed"),
        ("push_dead_lettered", "dead-lettered"),
        ("push_dropped", "dropped"),
    ] {
        let any = sampler
            .column(col)
            .is_some_and(|v| v.iter().any(|&x| x > 0.0));
        if any {
            c.series.extend(rate(sampler, col, label, w));
        }
    }
    c.y2_label = Some("copies pending".into());
    c.series2
        .extend(gauge(sampler, "push_pending", "copies pending (right axis)").map(dashed));
    c.write(&dir.join("deliveries"))?;
    Ok(())
}
