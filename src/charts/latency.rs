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
