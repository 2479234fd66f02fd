//! The `outcomes` chart: running totals of what became of the messages —
//! processed, first successes, dead-lettered, processed again, applied out
//! of order, lost and refused — on a log axis, so 11,035 dropped messages
//! show beside millions processed. Drawn only when something went wrong: with every message a
//! first success it would repeat the throughput chart.

use super::run::chart;
use super::timechart::{Series, YScale};
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

/// The running total of the sum of counter columns (those present), or
/// `None` when none is present or the total stays zero.
fn total(s: &BoundedSeries, names: &[&str], label: &str) -> Option<Series> {
    let t = s.column("time_s")?;
    let columns: Vec<Vec<f64>> = names.iter().filter_map(|n| s.column(n)).collect();
    if columns.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    let points: Vec<(f64, f64)> = t
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            sum += columns.iter().map(|c| c[i]).sum::<f64>();
            (t, sum)
        })
        .collect();
    (sum > 0.0).then(|| Series::new(label, points))
}

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    // A bus dead-letters (and drops) copies of events itself: its own
    // columns, beside the queues' totals.
    let bus_columns = |what: &str| -> Vec<String> {
        s.buses
            .iter()
            .map(|b| format!("{}.{what}", b.name))
            .collect()
    };
    let (bus_dead, bus_dropped) = (bus_columns("dead_lettered"), bus_columns("dropped"));
    let names = |fixed: &[&str], more: &[String]| -> Vec<String> {
        fixed
            .iter()
            .map(|n| n.to_string())
            .chain(more.iter().cloned())
            .collect()
    };
    let dead = names(&["dead_lettered"], &bus_dead);
    let lost = names(&["expired", "dropped", "producer_lost"], &bus_dropped);
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let harm = [
        total(series, &refs(&dead), "dead-lettered (moved to a DLQ)"),
        total(series, &["duplicates"], "duplicate processings"),
        total(
            series,
            &["out_of_order"],
            "applied out of order (after a later one of its key)",
        ),
        total(
            series,
            &refs(&lost),
            "lost (expired, dropped, lost at producers)",
        ),
        total(series, &["rejected"], &refused_label(s)),
        total(
            series,
            &["producer_refusals"],
            "refusals to producers (retried)",
        ),
    ];
    if harm.iter().all(Option::is_none) {
        return Ok(());
    }
    let mut c = chart(
        "What became of the messages (running totals)",
        s,
        "messages or processings so far (log scale)",
    );
    c.y_scale = YScale::Log;
    let processed = total(series, &["throughput"], "processed (every processing)");
    let useful = total(series, &["goodput"], "first successes");
    // With no failure and no repeat the two totals are one line: drawn once.
    let end = |l: &Option<Series>| l.as_ref().and_then(|l| l.points.last()).map(|p| p.1);
    if end(&processed) != end(&useful) {
        c.series.extend(processed);
    }
    c.series.extend(useful);
    c.series.extend(harm.into_iter().flatten());
    super::finish(c).write(dir.join("outcomes"))?;
    Ok(())
}

/// What the queues refused for good, by the causes the run had: a full
/// queue, a size limit, the FIFO throughput quota.
fn refused_label(s: &Summary) -> String {
    let mut causes = vec!["by a full queue"];
    if s.queues.iter().any(|q| q.refused_too_large > 0) {
        causes.push("as too large");
    }
    if s.queues.iter().any(|q| q.throttled_sends > 0) {
        causes.push("by the throughput quota");
    }
    format!("refused {} (lost)", causes.join(" or "))
}
