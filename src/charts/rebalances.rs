//! The `rebalances` chart of a run whose consumer groups have a membership
//! protocol: the members in the group, the partitions standing still because
//! a rebalance moves them (mean over each interval, so that a rebalance of a
//! few seconds still shows) or because their owner is down within its
//! session (static membership), and, on the right axis, the group's lag and
//! the records it processed again. A rolling deployment reads as steps in
//! the member count; a storm as partitions that never stop pausing while the
//! lag climbs.

use super::run::{chart, dashed, gauge, rate};
use super::timechart::{Limit, Series};
use super::{ChartDir, ChartError};
use crate::export::table::thousands;
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let groups: Vec<_> = s
        .consumers
        .iter()
        .filter_map(|c| {
            let g = c.group.as_ref()?;
            Some((c.name.as_str(), g, g.membership.as_ref()?))
        })
        .collect();
    if groups.is_empty() {
        return Ok(());
    }
    let mut c = chart(
        "Consumer group membership and rebalances",
        s,
        "members / partitions",
    );
    let one = groups.len() == 1;
    for (name, g, m) in &groups {
        let label = |what: &str| {
            if one {
                what.to_string()
            } else {
                format!("{name}: {what}")
            }
        };
        c.series.extend(gauge(
            series,
            &format!("{name}.members_in"),
            &label("members in the group"),
        ));
        // Partition-milliseconds per second over each interval: the mean
        // number of partitions standing still.
        let mean = |col: &str, what: &str| {
            rate(series, &format!("{name}.{col}"), &label(what), 1).map(|mut l: Series| {
                l.points.iter_mut().for_each(|p| p.1 /= 1000.0);
                l
            })
        };
        c.series.extend(
            mean(
                "rebalance_paused_ms",
                &format!(
                    "partitions paused by a rebalance ({}: {} rebalances, {:.0} s, {} partitions moved)",
                    m.protocol,
                    thousands(m.rebalances),
                    m.rebalancing_s,
                    thousands(m.partitions_moved)
                ),
            )
            .map(|mut l| {
                l.fill = true;
                l
            }),
        );
        if m.static_returns > 0 || m.owner_down_partition_s > 0.0 {
            c.series.extend(
                mean(
                    "owner_down_ms",
                    "partitions waiting for their down owner (static membership)",
                )
                .map(dashed),
            );
        }
        c.limits.push(Limit {
            label: label(&format!("partitions ({})", g.partitions.len())),
            value: g.partitions.len() as f64,
        });
        c.series2.extend(
            gauge(
                series,
                &format!("{name}.lag"),
                &label("lag, records (right axis)"),
            )
            .map(dashed),
        );
        if g.duplicates > 0 {
            let line = super::lag::running_total(
                series,
                &format!("{name}.duplicates"),
                &label(&format!(
                    "records processed again, running total ({} expelled for slow batches; right axis)",
                    thousands(m.expelled_slow)
                )),
            );
            c.series2.extend(line.map(dashed));
        }
    }
    c.y2_label = Some("records".into());
    super::finish(c).write(dir.join("rebalances"))?;
    Ok(())
}
