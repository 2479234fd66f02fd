//! The lag chart of a run with consumer groups: records past each partition's
//! committed offset, so that a hot partition stands out, and the age of the
//! oldest of them (where the group would resume).

use super::run::{chart, dashed, gauge};
use super::timechart::Series;
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

/// Partitions drawn per group: the ones that lagged most (a legend of 100
/// partitions helps nobody).
const MOST: usize = 10;

/// Partition lines on one chart beyond which several groups are drawn one
/// line each.
const LINES: usize = 12;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let groups: Vec<_> = s
        .consumers
        .iter()
        .filter_map(|c| c.group.as_ref().map(|g| (c.name.as_str(), g)))
        .collect();
    if groups.is_empty() {
        return Ok(());
    }
    // Several groups whose partitions would make more lines than a reader
    // can tell apart: one line per group, its partitions' lag summed (the
    // `lag_partitions` chart and summary.json keep every partition).
    let lines: usize = groups
        .iter()
        .map(|(_, g)| g.partitions.len().min(MOST))
        .sum();
    let per_group = groups.len() > 1 && lines > LINES;
    let title = if per_group {
        "Consumer lag per group"
    } else {
        "Consumer lag per partition"
    };
    let mut c = chart(title, s, "records not yet processed");
    for (name, g) in &groups {
        if per_group {
            c.series.extend(gauge(
                series,
                &format!("{name}.lag"),
                &format!("{name} ({} partitions)", g.partitions.len()),
            ));
        }
        let mut parts: Vec<(f64, u32)> = g
            .partitions
            .iter()
            .map(|p| {
                let peak = series
                    .extremes(&format!("{name}.p{}.lag", p.partition))
                    .map_or(0.0, |v| v.iter().flatten().copied().fold(0.0, f64::max));
                (peak, p.partition)
            })
            .collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let shown = if per_group { 0 } else { parts.len().min(MOST) };
        for &(_, p) in &parts[..shown] {
            let label = if groups.len() > 1 {
                format!("{name} partition {p}")
            } else {
                format!("partition {p}")
            };
            c.series
                .extend(gauge(series, &format!("{name}.p{p}.lag"), &label));
        }
        if !per_group && parts.len() > shown {
            c.subtitle = c.subtitle.map(|t| {
                format!(
                    "{t} · {name}: the {shown} partitions that lagged most of {}",
                    parts.len()
                )
            });
        }
        // What crashes and retention did: running totals, on the same axis.
        let lost = g.lost_to_retention + g.lost_to_crashes;
        for (col, total, label) in [
            ("lost", lost, "records lost (running total)"),
            (
                "duplicates",
                g.duplicates,
                "records processed again (running total)",
            ),
        ] {
            if total > 0 {
                let line = running_total(
                    series,
                    &format!("{name}.{col}"),
                    &format!("{name}: {label}"),
                );
                c.series.extend(line.map(dashed));
            }
        }
        c.series2.extend(
            gauge(
                series,
                &format!("{name}.lag_s"),
                &format!("{name}: age of the oldest uncommitted record (right axis)"),
            )
            .map(dashed),
        );
    }
    c.y2_label = Some("age of the oldest uncommitted record (s)".into());
    crate::charts::finish(c).write(dir.join("lag"))?;
    if per_group {
        // Every partition is still drawn, against its number.
        return every_partition(dir, s, series, &groups);
    }
    many_partitions(dir, s, series, &groups)
}

/// With more partitions than the lag chart draws: every partition's peak and
/// final lag against its number (`lag_partitions`), so that none is left out
/// of the pictures and a hot one stands out among a hundred.
fn many_partitions(
    dir: &ChartDir,
    s: &Summary,
    series: &BoundedSeries,
    groups: &[(&str, &crate::run::GroupSummary)],
) -> Result<(), ChartError> {
    if groups.iter().all(|(_, g)| g.partitions.len() <= MOST) {
        return Ok(());
    }
    every_partition(dir, s, series, groups)
}

/// Every partition's peak and final lag against its number.
fn every_partition(
    dir: &ChartDir,
    s: &Summary,
    series: &BoundedSeries,
    groups: &[(&str, &crate::run::GroupSummary)],
) -> Result<(), ChartError> {
    let mut c = chart("Lag of every partition", s, "records not yet processed");
    c.x_label = "partition".into();
    c.windows.clear();
    for (name, g) in groups {
        let (mut peak, mut last) = (vec![], vec![]);
        for p in &g.partitions {
            let col = format!("{name}.p{}.lag", p.partition);
            let Some(v) = series.extremes(&col) else {
                continue;
            };
            let x = f64::from(p.partition);
            peak.push((x, v.iter().flatten().copied().fold(0.0, f64::max)));
            last.push((
                x,
                series
                    .column(&col)
                    .and_then(|c| c.last().copied())
                    .unwrap_or(f64::NAN),
            ));
        }
        let who = if groups.len() > 1 {
            format!("{name}: ")
        } else {
            String::new()
        };
        let mut top = Series::new(format!("{who}peak lag"), peak);
        top.markers = true;
        let mut end = Series::new(format!("{who}lag at the end"), last);
        end.markers = true;
        c.series.push(top);
        c.series.push(end);
    }
    c.write(dir.join("lag_partitions")).map(|_| ())
}

/// A per-interval counter column summed up to each sample.
pub(super) fn running_total(s: &BoundedSeries, name: &str, label: &str) -> Option<Series> {
    let t = s.column("time_s")?;
    let v = s.column(name)?;
    let points = t
        .into_iter()
        .zip(v)
        .scan(0.0, |sum, (x, y)| {
            *sum += y;
            Some((x, *sum))
        })
        .collect();
    Some(Series::new(label, points))
}
