//! The charts of one run: backlog and age of oldest; arrivals vs throughput vs
//! goodput; busy workers against the pool size (pools only); and, with pollers or
//! downstreams, `concurrency` and `downstream_calls`. Trigger windows (spikes)
//! and every interval a database was down shaded on each.

use super::timechart::{Limit, Series, Shade, TimeChart, Window, YScale};
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::metrics::verdict::State;
use crate::run::{Summary, Trigger};
use rayon::prelude::*;
use std::path::Path;

/// A gauge as sampled: each row's value, or in a row that merged samples
/// its lowest and highest, in the order they came (a spike is not lost).
pub(super) fn gauge(s: &BoundedSeries, name: &str, label: &str) -> Option<Series> {
    let t = s.column("time_s")?;
    let extremes = s.extremes(name)?;
    Some(Series::new(label, envelope(&t, &extremes)))
}

/// Points at each row's time: its first extreme, and its second if it differs.
fn envelope(t: &[f64], extremes: &[[f64; 2]]) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(t.len());
    for (&t, &[a, b]) in t.iter().zip(extremes) {
        points.push((t, a));
        if b.to_bits() != a.to_bits() {
            points.push((t, b));
        }
    }
    points
}

/// Rows in the moving average of rate charts: about 1/200 of the run, so a
/// low-rate scenario is readable and a spike's edges stay sharp.
pub(super) fn smoothing(s: &BoundedSeries) -> usize {
    (s.len() / 200).max(1)
}

/// A counter as a rate per second: each row counts its interval; the average is
/// taken over the `w` intervals ending at each point (the first row covers none).
pub(super) fn rate(s: &BoundedSeries, name: &str, label: &str, w: usize) -> Option<Series> {
    let t = s.column("time_s")?;
    let v = s.column(name)?;
    let mut points = Vec::with_capacity(t.len());
    let (mut sum, mut first) = (0.0, 1);
    for i in 1..t.len() {
        sum += v[i];
        if i - first + 1 > w {
            sum -= v[first];
            first += 1;
        }
        let span = t[i] - t[first - 1];
        if span > 0.0 {
            points.push((t[i], sum / span));
        }
    }
    Some(Series::new(label, points))
}

/// One counter's rate over another's (both averaged over `w` intervals), as
/// a dashed line: a gap where the denominator is at most `floor`.
pub(super) fn ratio(
    s: &BoundedSeries,
    num: &str,
    den: &str,
    w: usize,
    floor: impl Fn(&[f64]) -> f64,
    label: &str,
) -> Option<Series> {
    let (n, d) = (rate(s, num, "", w)?, rate(s, den, "", w)?);
    let dens: Vec<f64> = d.points.iter().map(|p| p.1).collect();
    let floor = floor(&dens).max(0.0);
    let points = n
        .points
        .iter()
        .zip(&d.points)
        .map(|(&(t, a), &(_, b))| (t, if b > floor { a / b } else { f64::NAN }))
        .collect();
    Some(dashed(Series::new(label, points)))
}

pub(super) fn dashed(mut s: Series) -> Series {
    s.dashed = true;
    s
}

fn subtitle(s: &Summary) -> String {
    let v = &s.verdict;
    let verdict = match v.state {
        State::Collapsed => {
            // The harm a collapse also did, by name: the verdict names it all.
            let also: Vec<&str> = v.reasons.iter().skip(1).map(|f| f.reason.name()).collect();
            let also = if also.is_empty() {
                String::new()
            } else {
                format!("; also {}", also.join(", "))
            };
            format!(
                "COLLAPSED at {:.0} s ({}){also}",
                v.at_s.unwrap_or(0.0),
                v.detail
            )
        }
        // The harm in numbers, as a reviewer reads it; the subtitle wraps.
        State::Degraded => format!(
            "DEGRADED: {}",
            v.reasons
                .iter()
                .map(|f| f.detail.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        State::Stable => "stable".to_string(),
    };
    let title = s
        .title
        .as_deref()
        .map(|t| format!("{t} · "))
        .unwrap_or_default();
    // The verdict on a line of its own, wrapped at spaces, never cut mid-word.
    let file = super::scenario_name(&s.scenario);
    format!("{title}{file} · seed {}\n{verdict}", s.seed)
}

pub(super) fn chart(title: &str, s: &Summary, y: &str) -> TimeChart {
    TimeChart {
        title: title.into(),
        subtitle: Some(subtitle(s)),
        x_label: "simulated time (s)".into(),
        y_label: y.into(),
        series: vec![],
        y2_label: None,
        series2: vec![],
        limits: vec![],
        // Shaded: the moments the scenario changes its load on purpose, and
        // every interval a database was down, on every chart: a flat line or
        // a pile-up has its cause in the picture.
        windows: s
            .triggers
            .iter()
            .map(|t| Window {
                label: t.label.clone(),
                from_x: t.from_s,
                to_x: t.to_s,
                shade: if t.down { Shade::Down } else { Shade::Trigger },
            })
            .chain(down_windows(s))
            .collect(),
        y_scale: YScale::Linear,
    }
}

/// Each database's down intervals (crashed or in an outage) not already shaded
/// as a trigger (an outage fault). Only the first is labelled: a label per crash
/// fills the top of the plot, where the legend should go; the legend names them.
pub(super) fn down_windows(s: &Summary) -> Vec<Window> {
    let mut out = vec![];
    for d in &s.databases {
        // Only an outage window on this very database already shades its down
        // time; any other trigger (a spike, a fault elsewhere) leaves a crash
        // under it unshown.
        let outage = Trigger::outage_label(&d.name);
        let shaded = |[from, to]: [f64; 2]| {
            s.triggers
                .iter()
                .any(|t| t.label == outage && t.from_s <= from + 1e-6 && to <= t.to_s + 1e-6)
        };
        let first = out.len();
        for &[from_x, to_x] in d.down.iter().filter(|&&w| !shaded(w)) {
            let label = if out.len() == first {
                format!("{} down", d.name)
            } else {
                String::new()
            };
            out.push(Window {
                label,
                from_x,
                to_x,
                shade: Shade::Down,
            });
        }
    }
    out
}

/// Every chart of a run, in both formats at scale 1.
pub fn draw_all(dir: &Path, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    draw(&ChartDir::new(dir, Default::default()), s, series)
}

/// A group of a run's charts, drawn on its own.
type Part = fn(&ChartDir, &Summary, &BoundedSeries) -> Result<(), ChartError>;

/// Every chart of a run, as `dir`'s options ask. The charts are drawn side
/// by side on rayon's threads: each is its own files, and drawn one by one
/// they were a fifth of a whole `flowsim run` on one core while the others
/// idled. An error is the first in the charts' order, as drawn one by one.
pub fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    // Clients alone, with no queue, send no messages: the message charts
    // would be empty. (Clients that submit jobs to a queue fill it.)
    let clients_only = s.producers.is_empty() && s.queues.is_empty() && !s.clients.is_empty();
    let parts: &[Part] = if clients_only {
        &[super::load::draw, super::latency::draw_clients]
    } else {
        &[
            super::load::draw,
            super::latency::draw_clients,
            backlog,
            throughput,
            super::latency::draw,
            workers,
            super::utilisation::draw,
            super::autoscaling::draw,
            super::outcomes::draw,
            super::lag::draw,
            super::rebalances::draw,
            super::push::draw,
            super::blob_store::draw,
            super::compaction::draw,
            super::downstream::draw_all,
        ]
    };
    let drawn: Vec<Result<(), ChartError>> =
        parts.par_iter().map(|part| part(dir, s, series)).collect();
    drawn.into_iter().collect()
}

/// Backlog: what waits, what is being worked on, what was given up on.
fn backlog(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let mut c = chart("Backlog and age of the oldest message", s, "messages");
    c.series
        .extend(gauge(series, "backlog", "backlog (visible + delayed)"));
    c.series.extend(gauge(series, "in_flight", "in flight"));
    // Messages producers hold because their queue refused them, against the
    // buffers' size: a full buffer blocks, drops or crashes.
    let buffers: Vec<u64> = s
        .producers
        .iter()
        .filter_map(|p| p.publish.as_ref().map(|b| b.buffer as u64))
        .collect();
    if !buffers.is_empty() {
        c.series.extend(gauge(
            series,
            "producer_buffered",
            "producer buffer (refused, waiting for a retry)",
        ));
        let size: u64 = buffers.iter().sum();
        c.limits.push(Limit {
            label: format!("producer buffer size ({size})"),
            value: size as f64,
        });
    }
    // A bus's copies that a queue refused wait at the bus for their retry:
    // a backlog no queue shows.
    for b in s
        .buses
        .iter()
        .filter(|b| b.rules.iter().any(|r| r.refusals > 0))
    {
        c.series.extend(gauge(
            series,
            &format!("{}.waiting_retry", b.name),
            &format!("bus {}: copies refused, waiting for a retry", b.name),
        ));
    }
    // Retry tiers' queues are one line (their sum): a line per tier would
    // take more colours than the palette has beside the work queues.
    let tiers: Vec<&str> = s
        .consumers
        .iter()
        .filter_map(|c| c.retry_tiers.as_ref())
        .flat_map(|t| t.tiers.iter().map(|k| k.queue.as_str()))
        .filter(|q| s.queues.iter().any(|x| x.name == *q))
        .fold(vec![], |mut v, q| {
            if !v.contains(&q) {
                v.push(q);
            }
            v
        });
    if let (Some(t), false) = (series.column("time_s"), tiers.is_empty()) {
        let columns: Vec<Vec<f64>> = tiers
            .iter()
            .filter_map(|q| series.column(&format!("{q}.visible")))
            .collect();
        let points = t
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, columns.iter().map(|c| c[i]).sum()))
            .collect();
        // Solid: it is most of the backlog, whose line is then drawn dashed
        // over it.
        c.series.push(Series::new(
            format!("waiting in retry tiers ({})", tiers.join(", ")),
            points,
        ));
    }
    // Several queues (a fan-out): which one holds the backlog.
    let mains: Vec<_> = s
        .queues
        .iter()
        .filter(|q| !q.dead_letter_queue && !tiers.contains(&q.name.as_str()))
        .collect();
    // With tiers, the work queue's own line too: the backlog is split
    // between it and the tiers.
    let first = if tiers.is_empty() { 2 } else { 1 };
    if (first..=8).contains(&mains.len()) {
        for q in mains {
            c.series.extend(
                gauge(
                    series,
                    &format!("{}.visible", q.name),
                    &format!("{} visible", q.name),
                )
                .map(dashed),
            );
        }
    }
    if s.queues.iter().any(|q| q.dead_letter_queue) {
        c.series
            .extend(gauge(series, "dlq_depth", "dead-letter queue depth"));
    }
    c.y2_label = Some("age of oldest message (s)".into());
    c.series2
        .extend(gauge(series, "oldest_age_s", "age of oldest waiting (right axis)").map(dashed));
    crate::charts::finish(c).write(dir.join("backlog"))?;
    Ok(())
}

/// Flow: what came in against what went out, and what of it was useful.
fn throughput(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let w = smoothing(series);
    let y = rate_label(series, "messages", w);
    let mut c = chart("Arrivals, throughput and goodput", s, &y);
    c.series.extend(rate(series, "arrivals", "arrivals", w));
    // Dashed: it lies on goodput whenever every processing is a first success.
    c.series
        .extend(rate(series, "throughput", "throughput (processings)", w).map(dashed));
    c.series
        .extend(rate(series, "goodput", "goodput (first successes)", w));
    if s.ledger.duplicates > 0 {
        c.series
            .extend(rate(series, "duplicates", "duplicate processings", w));
    }
    if s.consumers.iter().any(|c| c.failures > 0) {
        c.series.extend(rate(series, "failures", "failures", w));
    }
    if s.consumers
        .iter()
        .any(|c| c.order.as_ref().is_some_and(|o| o.out_of_order > 0))
    {
        c.series.extend(rate(
            series,
            "out_of_order",
            "applied out of order (after a later one of its key)",
            w,
        ));
    }
    // A bus copies an event to each target of each rule that matches it
    // (so processings can outrun arrivals); what it gave up on or matched
    // with no rule never reaches a consumer.
    for b in &s.buses {
        if b.dead_lettered() > 0 {
            let col = format!("{}.dead_lettered", b.name);
            let label = format!("bus {}: copies dead-lettered", b.name);
            c.series.extend(rate(series, &col, &label, w));
        }
        if b.dropped() > 0 {
            let col = format!("{}.dropped", b.name);
            let label = format!("bus {}: copies dropped (lost)", b.name);
            c.series.extend(rate(series, &col, &label, w));
        }
        if b.unmatched > 0 {
            let col = format!("{}.unmatched", b.name);
            let label = format!("bus {}: events no rule matched (discarded)", b.name);
            c.series.extend(rate(series, &col, &label, w));
        }
    }
    crate::charts::finish(c).write(dir.join("throughput"))?;
    Ok(())
}

/// "<what> per second", with the moving average's span when there is one.
pub(super) fn rate_label(s: &BoundedSeries, what: &str, w: usize) -> String {
    let dt = s
        .column("time_s")
        .map_or(1.0, |t| if t.len() > 1 { t[1] - t[0] } else { 1.0 });
    if w > 1 {
        // One decimal at most: a 0.4 s average must not read "0 s".
        let span = (w as f64 * dt * 10.0).round() / 10.0;
        format!("{what} per second ({span} s moving average)")
    } else {
        format!("{what} per second")
    }
}

/// Busy workers against the pool size. A Lambda-like consumer has no pool (its
/// `workers` is the pollers at the end): it is left out, and drawn in `concurrency`.
fn workers(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let pools: Vec<_> = s.consumers.iter().filter(|c| c.kind == "pool").collect();
    if pools.is_empty() {
        return Ok(());
    }
    let mut c = chart("Busy workers against the pool size", s, "workers");
    // A worker holds its whole batch: in flight = busy workers × batch.
    c.y2_label = Some("messages in flight".into());
    if pools.len() == s.consumers.len() {
        c.series
            .extend(gauge(series, "busy_workers", "busy workers"));
        c.series2
            .extend(gauge(series, "in_flight", "messages in flight (right axis)").map(dashed));
    } else {
        // The totals count the pollers' invocations and messages too: sum the pools'.
        let busy: Vec<String> = pools.iter().map(|p| format!("{}.busy", p.name)).collect();
        c.series.extend(sum(series, &busy, "busy workers"));
        let mut queues: Vec<String> = pools
            .iter()
            .map(|p| format!("{}.in_flight", p.queue))
            .collect();
        queues.sort();
        queues.dedup();
        c.series2.extend(
            sum(
                series,
                &queues,
                "messages in flight, pools' queues (right axis)",
            )
            .map(dashed),
        );
    }
    let workers: u32 = pools.iter().map(|c| c.workers).sum();
    c.limits.push(Limit {
        label: format!("pool size ({workers} workers)"),
        value: workers as f64,
    });
    crate::charts::finish(c).write(dir.join("workers"))?;
    Ok(())
}

/// The sum of gauges, row by row. In a row that merged samples: the sum of
/// their lowest and the sum of their highest, which bound the sum's range.
fn sum(s: &BoundedSeries, names: &[String], label: &str) -> Option<Series> {
    let t = s.column("time_s")?;
    let mut total = s.extremes(names.first()?)?;
    for name in &names[1..] {
        for (sum, [a, b]) in total.iter_mut().zip(s.extremes(name)?) {
            *sum = [sum[0].min(sum[1]) + a.min(b), sum[0].max(sum[1]) + a.max(b)];
        }
    }
    Some(Series::new(label, envelope(&t, &total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every interval a database was down is shaded, whatever trigger it
    /// falls in: lambda-sqs-db's first crash happens during its sale (a spike
    /// trigger) and must show.
    #[test]
    fn every_crash_is_shaded_even_inside_a_load_trigger() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join("lambda-sqs-db.toml");
        let s = crate::load_file(&path).expect("the scenario loads");
        let out = crate::run(&s, "lambda-sqs-db").expect("it runs");
        let summary = &out.summary;
        let down: Vec<[f64; 2]> = summary
            .databases
            .iter()
            .flat_map(|d| d.down.iter().copied())
            .collect();
        let inside_spike = down.iter().filter(|&&[from, to]| {
            summary
                .triggers
                .iter()
                .any(|t| t.from_s <= from && to <= t.to_s)
        });
        assert!(
            inside_spike.count() >= 1,
            "the scenario crashes during its sale: {down:?}"
        );
        let shaded: Vec<[f64; 2]> = down_windows(summary)
            .iter()
            .map(|w| [w.from_x, w.to_x])
            .collect();
        assert_eq!(shaded, down, "every down interval is shaded");
    }
}
