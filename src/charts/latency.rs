//! The `latency` chart: end-to-end latency over time, the p50 and p99 of the
//! messages first processed in each sampling interval (`latency_p50_s`,
//! `latency_p99_s`), against the run's own p99. The run's histogram gives one
//! number for the whole run; this shows when the wait rose and when it came
//! back (a flash sale's orders waiting twenty minutes, then milliseconds
//! again). An interval in which nothing completed is a gap, not a zero.

use super::run::{chart, gauge};
use super::timechart::Limit;
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let completed = series
        .column("latency_p99_s")
        .is_some_and(|v| v.iter().any(|x| x.is_finite()));
    if !completed {
        return Ok(());
    }
    let mut c = chart(
        "End-to-end latency over time",
        s,
        "seconds, publish → first success",
    );
    c.series
        .extend(gauge(series, "latency_p99_s", "p99 of each interval"));
    c.series
        .extend(gauge(series, "latency_p50_s", "p50 of each interval"));
    let run = &s.latency.end_to_end;
    if run.count > 0 {
        c.limits.push(Limit {
            label: format!(
                "p99 over the run ({})",
                crate::report::format::secs(run.p99_s)
            ),
            value: run.p99_s,
        });
    }
    super::finish(c).write(dir.join("latency"))?;
    Ok(())
}

/// The `client_latency` chart: each client population's latency over time,
/// request start → success, the p99 (solid) and p50 of the requests that
/// succeeded in each interval, against each population's p99 over the run. It
/// is where a hedge's or a retry policy's effect on the tail shows.
pub(super) fn draw_clients(
    dir: &ChartDir,
    s: &Summary,
    series: &BoundedSeries,
) -> Result<(), ChartError> {
    if s.clients.is_empty() {
        return Ok(());
    }
    let mut c = chart(
        "Client latency over time",
        s,
        "seconds, request start → success",
    );
    for k in &s.clients {
        let name = &k.name;
        c.series.extend(gauge(
            series,
            &format!("{name}.latency_p99_s"),
            &format!("{name}: p99 of each interval"),
        ));
        c.series.extend(gauge(
            series,
            &format!("{name}.latency_p50_s"),
            &format!("{name}: p50 of each interval"),
        ));
    }
    super::finish(c).write(dir.join("client_latency"))?;
    Ok(())
}
