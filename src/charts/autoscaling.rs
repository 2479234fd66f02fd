//! The `autoscaling` chart of a run with an autoscaled pool: the workers it
//! had (running, and starting: paid for, not yet polling), the size its
//! scaler decided, and the backlog the scaler reads, on the right axis. The
//! gap between a decision and the workers arriving is the start-up delay;
//! the backlog piles up in it.

use super::run::{chart, dashed, gauge};
use super::timechart::Limit;
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let pools: Vec<_> = s
        .consumers
        .iter()
        .filter_map(|c| c.autoscale.as_ref().map(|a| (c.name.as_str(), a)))
        .collect();
    if pools.is_empty() {
        return Ok(());
    }
    let mut c = chart(
        "Autoscaling: workers and the backlog they follow",
        s,
        "workers",
    );
    let one = pools.len() == 1;
    for (name, a) in &pools {
        let label = |what: &str| {
            if one {
                what.to_string()
            } else {
                format!("{name}: {what}")
            }
        };
        c.series.extend(gauge(
            series,
            &format!("{name}.workers"),
            &label("workers running"),
        ));
        c.series.extend(
            gauge(
                series,
                &format!("{name}.workers_starting"),
                &label("workers starting (paid for, not yet polling)"),
            )
            .map(dashed),
        );
        c.series.extend(
            gauge(
                series,
                &format!("{name}.workers_desired"),
                &label("size decided by the scaler"),
            )
            .map(dashed),
        );
        c.limits.push(Limit {
            label: label(&format!("max_workers ({})", a.max_workers)),
            value: f64::from(a.max_workers),
        });
    }
    c.y2_label = Some("messages".into());
    c.series2
        .extend(gauge(series, "backlog", "backlog (visible + delayed), right axis").map(dashed));
    c.series2
        .extend(gauge(series, "in_flight", "in flight, right axis").map(dashed));
    super::finish(c).write(dir.join("autoscaling"))?;
    Ok(())
}
