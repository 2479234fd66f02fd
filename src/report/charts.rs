//! The charts of an output folder, the ones that explain this run's verdict
//! first. Each is the SVG the run or sweep already wrote (inlined in the HTML)
//! and its PNG twin (linked from the Markdown).

use super::facts::Chart;
use std::path::Path;

/// Titles of a run's charts, in their usual order (docs/outputs.md, "Charts").
const RUN_CHARTS: &[(&str, &str)] = &[
    ("backlog", "Backlog and age of the oldest message"),
    ("throughput", "Arrivals, throughput and goodput"),
    ("latency", "End-to-end latency over time"),
    ("workers", "Busy workers against the pool size"),
    (
        "autoscaling",
        "Autoscaling: workers and the backlog they follow",
    ),
    (
        "concurrency",
        "Concurrency and database connections against their limits",
    ),
    (
        "downstream_calls",
        "Downstream calls: failures, retries and throttles",
    ),
    ("load", "Offered load, attempts and goodput"),
    ("client_latency", "Client latency over time"),
    (
        "service",
        "Requests in service, and the latency a new one gets",
    ),
    ("lag", "Consumer lag per partition"),
    ("lag_partitions", "Lag of every partition"),
    ("rebalances", "Consumer group membership and rebalances"),
    ("deliveries", "Push deliveries to endpoints"),
    ("utilisation", "Utilisation per consumer"),
    ("outcomes", "What became of the messages"),
    (
        "blob_store",
        "Blob store: payloads stored, orphans and cost",
    ),
    (
        "compaction",
        "Compacted topic: records held against records appended",
    ),
];

/// The charts that show a verdict reason at work, best first.
fn evidence(reason: &str) -> &'static [&'static str] {
    match reason {
        "downstream_crashed" => &["concurrency", "downstream_calls", "backlog"],
        "metastable" => &[
            "load",
            "service",
            "deliveries",
            "downstream_calls",
            "throughput",
        ],
        "backlog_growth" | "backlog_cap" | "not_recovered" => {
            &["backlog", "lag", "rebalances", "autoscaling", "throughput"]
        }
        "recovered_late" => &[
            "backlog",
            "latency",
            "autoscaling",
            "lag",
            "load",
            "service",
            "throughput",
        ],
        "requests_failed" => &["load", "client_latency", "service"],
        "message_loss" | "messages_lost" => {
            &["outcomes", "lag", "throughput", "backlog", "deliveries"]
        }
        "dead_lettered_after_success"
        | "dead_lettered"
        | "applied_more_than_once"
        | "applied_out_of_order" => &["outcomes", "backlog", "throughput", "deliveries", "lag"],
        "deletes_missed" => &["compaction", "lag", "throughput"],
        "producer_out_of_memory" | "publish_refused" => &["backlog", "outcomes", "throughput"],
        "payloads_orphaned" | "storage_budget_exceeded" => &["blob_store", "throughput"],
        "saturated" => &["utilisation", "workers", "concurrency", "latency"],
        "rebalance_storm" => &["rebalances", "lag", "throughput"],
        _ => &[],
    }
}

/// Whether `dir` holds the chart in both formats: the page inlines the SVG
/// and report.md links the PNG (`--charts png` or `svg` leaves one out).
fn drawn(dir: &Path, stem: &str) -> bool {
    dir.join(format!("{stem}.svg")).is_file() && dir.join(format!("{stem}.png")).is_file()
}

/// A run's charts present in `dir`: those that show the verdict's reasons
/// (worst reason first), then the rest in their usual order.
pub fn run_charts(dir: &Path, reasons: &[String]) -> Vec<Chart> {
    let present: Vec<(&str, &str)> = RUN_CHARTS
        .iter()
        .copied()
        .filter(|(stem, _)| drawn(dir, stem))
        .collect();
    let mut out: Vec<Chart> = vec![];
    for reason in reasons {
        for stem in evidence(reason) {
            if let Some((stem, title)) = present.iter().find(|(s, _)| s == stem)
                && !out.iter().any(|c| c.stem == *stem)
            {
                out.push(Chart {
                    stem: stem.to_string(),
                    title: title.to_string(),
                    why: Some(format!("shown first for the verdict's reason {reason}")),
                });
            }
        }
    }
    for (stem, title) in present {
        if !out.iter().any(|c| c.stem == stem) {
            out.push(Chart {
                stem: stem.into(),
                title: title.into(),
                why: None,
            });
        }
    }
    out
}

/// A sweep's charts present in `dir`: the objective's capacity curve, the
/// heatmap, the collapsed fraction, then the other metrics in plan order.
pub fn sweep_charts(dir: &Path, metrics: &[String], objective: &str) -> Vec<Chart> {
    let mut order: Vec<(String, String, Option<String>)> = vec![];
    order.push((
        crate::charts::sweep::file_name(objective),
        format!("{objective} against the first swept key"),
        Some("the objective's capacity curve".into()),
    ));
    order.push((
        "heatmap".into(),
        format!("{objective} over the first two swept keys"),
        Some("the objective over the grid".into()),
    ));
    if metrics.iter().any(|m| m == "verdict.collapsed") {
        order.push((
            crate::charts::sweep::file_name("verdict.collapsed"),
            "Share of replications that collapsed".into(),
            Some("where the system collapses".into()),
        ));
    }
    for m in metrics {
        order.push((
            crate::charts::sweep::file_name(m),
            format!("{m} against the first swept key"),
            None,
        ));
    }
    let mut out: Vec<Chart> = vec![];
    for (stem, title, why) in order {
        if drawn(dir, &stem) && !out.iter().any(|c| c.stem == stem) {
            out.push(Chart { stem, title, why });
        }
    }
    out
}
