//! `[slo]`, `[cost]` and `[plan]`: objectives that can be met, prices that are
//! prices, and a search that can decide.

use super::Checker;
use super::names::Names;
use crate::metrics::verdict::Reason;
use crate::scenario::Scenario;
use crate::scenario::diagnostics::KeyPath;

/// The most replications a plan may give one point.
const MAX_PLAN_REPS: u32 = 1000;

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    slo(c, s);
    cost(c, s);
    plan(c, s);
}

fn slo(c: &mut Checker, s: &Scenario) {
    let p = KeyPath::root().key("slo");
    let o = &s.slo;
    let limits = [
        ("p99_s", o.p99_s, f64::MAX, "seconds ≥ 0"),
        (
            "max_dead_letter_fraction",
            o.max_dead_letter_fraction,
            1.0,
            "a fraction in [0, 1]",
        ),
        (
            "max_duplicate_fraction",
            o.max_duplicate_fraction,
            f64::MAX,
            "a fraction ≥ 0",
        ),
        (
            "max_oldest_age_s",
            o.max_oldest_age_s,
            f64::MAX,
            "seconds ≥ 0",
        ),
        (
            "drained_within_s",
            o.drained_within_s,
            f64::MAX,
            "seconds ≥ 0",
        ),
    ];
    for (k, v, hi, expected) in limits {
        if let Some(v) = v {
            c.range(p.key(k), v, 0.0, hi, expected);
        }
    }
    // Only a degraded reason can be ruled out by name: a collapse is
    // `no_collapse`.
    let degraded = Names::new(
        Reason::ALL
            .iter()
            .filter(|r| !r.collapses())
            .map(|r| r.name().to_string()),
    );
    for (i, name) in o.no_degraded.iter().enumerate() {
        c.reference(
            p.key("no_degraded").index(i),
            "degraded reason",
            name,
            &degraded,
        );
    }
}

fn cost(c: &mut Checker, s: &Scenario) {
    let p = KeyPath::root().key("cost");
    let k = &s.cost;
    let prices = [
        ("sqs_per_million_requests", k.sqs_per_million_requests),
        (
            "sqs_fifo_per_million_requests",
            k.sqs_fifo_per_million_requests,
        ),
        ("sns_per_million_publishes", k.sns_per_million_publishes),
        (
            "sns_per_million_http_deliveries",
            k.sns_per_million_http_deliveries,
        ),
        ("lambda_per_million_requests", k.lambda_per_million_requests),
        ("lambda_per_gb_second", k.lambda_per_gb_second),
        ("database_per_hour", k.database_per_hour),
        ("dedupe_per_million_writes", k.dedupe_per_million_writes),
        ("dedupe_per_million_reads", k.dedupe_per_million_reads),
        ("kafka_broker_per_hour", k.kafka_broker_per_hour),
        ("kafka_per_partition_hour", k.kafka_per_partition_hour),
        ("kafka_storage_per_gb_month", k.kafka_storage_per_gb_month),
        ("worker_per_hour", k.worker_per_hour),
    ];
    for (key, v) in prices {
        c.range(p.key(key), v, 0.0, 1e9, "a price in US dollars ≥ 0");
    }
    let sizes = [
        ("database_cores_per_size", k.database_cores_per_size),
        (
            "database_connections_per_size",
            k.database_connections_per_size,
        ),
        ("kafka_partitions_per_broker", k.kafka_partitions_per_broker),
        ("kafka_replication_factor", k.kafka_replication_factor),
        ("workers_per_instance", k.workers_per_instance),
    ];
    for (i, co) in s.consumers.iter().enumerate() {
        if let Some(l) = &co.lambda
            && !(128..=10_240).contains(&l.memory_mb)
        {
            c.fail(
                KeyPath::root()
                    .key("consumer")
                    .index(i)
                    .key("lambda")
                    .key("memory_mb"),
                format!("{} MB of memory", l.memory_mb),
                "MB in 128..=10240 (Lambda's range)",
            );
        }
    }
    for (key, v) in sizes {
        if v == 0 {
            c.fail(p.key(key), "0 cannot size anything", "a whole number ≥ 1");
        }
    }
}

fn plan(c: &mut Checker, s: &Scenario) {
    let Some(pl) = &s.plan else {
        return;
    };
    let p = KeyPath::root().key("plan");
    if !(pl.confidence > 0.5 && pl.confidence < 1.0) {
        c.fail(
            p.key("confidence"),
            format!("a confidence of {}", pl.confidence),
            "a probability in (0.5, 1), e.g. 0.95",
        );
    }
    if !(2..=MAX_PLAN_REPS).contains(&pl.min_reps) {
        c.fail(
            p.key("min_reps"),
            format!("{} replications cannot give an interval", pl.min_reps),
            format!("a whole number in 2..={MAX_PLAN_REPS}"),
        );
    }
    if pl.max_reps < pl.min_reps || pl.max_reps > MAX_PLAN_REPS {
        c.fail(
            p.key("max_reps"),
            format!("{} replications at most", pl.max_reps),
            format!(
                "a whole number from min_reps ({}) to {MAX_PLAN_REPS}",
                pl.min_reps
            ),
        );
    }
    c.range(
        p.key("max_load_factor"),
        pl.max_load_factor,
        1.0,
        1e3,
        "a multiplier ≥ 1",
    );
    c.range(
        p.key("sensitivity_percent"),
        pl.sensitivity_percent,
        0.1,
        99.0,
        "a percentage in [0.1, 99]",
    );
    for (i, k) in pl.keys.iter().enumerate() {
        let kp = p.key("key").index(i);
        let range = k.from.is_some() || k.to.is_some();
        if k.values.is_some() == range {
            c.fail(
                kp,
                "a decision key needs its values",
                "`values = [...]`, or `from`, `to` and `step` (or `count`)",
            );
        }
    }
}
