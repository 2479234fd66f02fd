//! The charts of one run: backlog and age of oldest; arrivals vs throughput vs
//! goodput; busy workers against the pool size. Trigger windows (spikes) shaded.

use super::ChartError;
use super::timechart::{Limit, Series, TimeChart, Window};
use crate::metrics::series::Sampler;
use crate::run::Summary;
use std::path::Path;

fn col(s: &Sampler, name: &str) -> Option<Vec<f64>> {
    s.column(name)
}

fn series(s: &Sampler, name: &str, label: &str, per_second: bool) -> Option<Series> {
    let t = col(s, "time_s")?;
    let v = col(s, name)?;
    // Counters are per sampling interval; charts show them per second.
    let dt = if t.len() > 1 { t[1] - t[0] } else { 1.0 };
    let scale = if per_second && dt > 0.0 {
        1.0 / dt
    } else {
        1.0
    };
    // Skip the first row of a counter: it covers no interval.
    let skip = usize::from(per_second);
    Some(Series {
        label: label.into(),
        points: t
            .iter()
            .zip(&v)
            .skip(skip)
            .map(|(&x, &y)| (x, y * scale))
            .collect(),
        dashed: false,
        color: None,
        fill: false,
    })
}

fn subtitle(s: &Summary) -> String {
    let v = &s.verdict;
    let verdict = if v.collapsed {
        format!("COLLAPSED at {:.0} s ({})", v.at_s.unwrap_or(0.0), v.detail)
    } else {
        "stable".to_string()
    };
    let title = s
        .title
        .as_deref()
        .map(|t| format!("{t} · "))
        .unwrap_or_default();
    format!("{title}{} · seed {} · {verdict}", s.scenario, s.seed)
}

fn chart(title: &str, s: &Summary, y: &str) -> TimeChart {
    TimeChart {
        title: title.into(),
        subtitle: Some(subtitle(s)),
        x_label: "simulated time (s)".into(),
        y_label: y.into(),
        series: vec![],
        y2_label: None,
        series2: vec![],
        limits: vec![],
        // Shaded: the moments the scenario changes its load on purpose.
        windows: s
            .triggers
            .iter()
            .map(|t| Window {
                label: t.label.clone(),
                from_x: t.from_s,
                to_x: t.to_s,
            })
            .collect(),
        y_log: false,
    }
}

pub fn draw_all(dir: &Path, s: &Summary, sampler: &Sampler) -> Result<(), ChartError> {
    // Backlog: what waits, what is being worked on, what was given up on.
    let mut c = chart("Backlog and age of the oldest message", s, "messages");
    c.series.extend(series(
        sampler,
        "backlog",
        "backlog (visible + delayed)",
        false,
    ));
    c.series
        .extend(series(sampler, "in_flight", "in flight", false));
    if s.queues.iter().any(|q| q.dead_letter_queue) {
        c.series.extend(series(
            sampler,
            "dlq_depth",
            "dead-letter queue depth",
            false,
        ));
    }
    c.y2_label = Some("age of oldest message (s)".into());
    if let Some(mut a) = series(sampler, "oldest_age_s", "age of oldest (right axis)", false) {
        a.dashed = true;
        c.series2.push(a);
    }
    c.write(&dir.join("backlog"))?;

    // Flow: what came in against what went out, and what of it was useful.
    let mut c = chart("Arrivals, throughput and goodput", s, "messages per second");
    c.series
        .extend(series(sampler, "arrivals", "arrivals", true));
    c.series.extend(series(
        sampler,
        "throughput",
        "throughput (processings)",
        true,
    ));
    c.series.extend(series(
        sampler,
        "goodput",
        "goodput (first successes)",
        true,
    ));
    if s.ledger.duplicates > 0 {
        c.series
            .extend(series(sampler, "duplicates", "duplicate processings", true));
    }
    if s.consumers.iter().any(|c| c.failures > 0) {
        c.series
            .extend(series(sampler, "failures", "failures", true));
    }
    c.write(&dir.join("throughput"))?;

    // Concurrency: busy workers against the pool.
    let mut c = chart(
        "Busy workers against the pool size",
        s,
        "workers / messages",
    );
    c.series
        .extend(series(sampler, "busy_workers", "busy workers", false));
    c.series
        .extend(series(sampler, "in_flight", "messages in flight", false));
    let workers: u32 = s.consumers.iter().map(|c| c.workers).sum();
    c.limits.push(Limit {
        label: format!("pool size ({workers} workers)"),
        value: workers as f64,
    });
    c.write(&dir.join("workers"))?;
    Ok(())
}
