//! Which columns of timeseries.csv are gauges and which are counters, by
//! name: the file does not say, and `flowsim plot` rebuilds the charts' copy
//! of the series from it (a counter is summed when rows merge, a gauge keeps
//! its last, lowest and highest). A column is named by its last dotted part
//! (`orders.visible`, `orders.p3.lag`); a test checks these against the
//! sampler's own kinds for every scenario in scenarios/.

/// Local names of the gauges; every other column is a counter.
const GAUGES: &[&str] = &[
    "amplification",
    "appended",
    "attempts_out",
    "backlog",
    "blocked_groups",
    "breaker",
    "buffered",
    "busy",
    "busy_workers",
    "concurrency",
    "connections",
    "cost_usd",
    "delayed",
    "dlq_depth",
    "held_records",
    "in_flight",
    "in_progress",
    "in_service",
    "lag",
    "lag_s",
    "members_in",
    "latency_p50_s",
    "latency_p99_s",
    "latency_s",
    "live_keys",
    "objects",
    "oldest_age_s",
    "orphan_mb",
    "orphans",
    "outstanding",
    "pending",
    "pollers",
    "pool_waiting",
    "producer_buffered",
    "push_pending",
    "queries_running",
    "stored_mb",
    "time_s",
    "tokens",
    "unacked",
    "up",
    "visible",
    "waiting_retry",
    "workers",
    "workers_asked",
    "workers_desired",
    "workers_starting",
];

/// Whether the column `name` of timeseries.csv is a counter.
pub fn is_counter(name: &str) -> bool {
    let local = name.rsplit('.').next().unwrap_or(name);
    !GAUGES.contains(&local)
}
