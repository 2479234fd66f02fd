//! An autoscaled pool's `[consumer.autoscale]`: a pool that polls a queue,
//! bounds in order, a target and an interval the scaler can work with.

use super::Checker;
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::{AutoscaleConfig, ConsumerConfig};

/// Readings a stabilisation window may hold.
const READINGS_MAX: f64 = 100_000.0;

pub(super) fn check(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig, a: &AutoscaleConfig) {
    let k = p.key("autoscale");
    let other = if co.lambda.is_some() {
        Some("a Lambda-like consumer scales itself (`lambda`)")
    } else if co.topic.is_some() {
        Some("a consumer group's members are not autoscaled here")
    } else if co.push.is_some() {
        Some("a push endpoint is not autoscaled")
    } else if co.prefetch.is_some() {
        Some("a prefetch pool (the queue pushes to it) is not autoscaled")
    } else {
        None
    };
    if let Some(why) = other {
        c.fail(
            k.clone(),
            why,
            "`autoscale` on a pool that polls a queue (`queue`, `workers`)",
        );
    }
    if a.max_workers == 0 {
        c.fail(
            k.key("max_workers"),
            "at most 0 workers",
            "a whole number ≥ 1",
        );
    }
    if a.min_workers > a.max_workers {
        c.fail(
            k.key("min_workers"),
            format!(
                "min_workers = {} is above max_workers = {}",
                a.min_workers, a.max_workers
            ),
            "min_workers ≤ max_workers",
        );
    }
    if let Some(n) = co.workers
        && !(a.min_workers..=a.max_workers).contains(&n)
    {
        c.fail(
            p.key("workers"),
            format!(
                "starts with {n} workers, outside min_workers..max_workers = {}..{}",
                a.min_workers, a.max_workers
            ),
            "a starting size within the bounds, or leave `workers` out (it starts at min_workers)",
        );
    }
    c.range(
        k.key("target_backlog_per_worker"),
        a.target_backlog_per_worker,
        1e-6,
        1e12,
        "messages > 0 (KEDA's queueLength: 5)",
    );
    c.range(
        k.key("polling_interval_s"),
        a.polling_interval_s,
        1e-3,
        1e9,
        "seconds ≥ 0.001 (the HPA: 15)",
    );
    c.range(
        k.key("tolerance"),
        a.tolerance,
        0.0,
        0.99,
        "a fraction in [0, 0.99] (the HPA: 0.1)",
    );
    for (key, v) in [
        ("scale_up_stabilization_s", a.scale_up_stabilization_s),
        ("scale_down_stabilization_s", a.scale_down_stabilization_s),
        ("startup_s", a.startup_s),
    ] {
        c.range(k.key(key), v, 0.0, 1e9, "seconds ≥ 0");
    }
    // The scaler keeps one reading per interval over its longest window.
    let window = a.scale_up_stabilization_s.max(a.scale_down_stabilization_s);
    if a.polling_interval_s > 0.0 && window / a.polling_interval_s > READINGS_MAX {
        c.fail(
            k.key("scale_down_stabilization_s"),
            format!(
                "a {window} s window of readings every {} s keeps {:.0} readings",
                a.polling_interval_s,
                window / a.polling_interval_s
            ),
            "at most 100,000 readings in a window: a shorter window or a longer polling_interval_s",
        );
    }
    c.range(
        k.key("scale_up_max_percent"),
        a.scale_up_max_percent,
        0.0,
        1e6,
        "a percentage ≥ 0 (the HPA: 100)",
    );
}
