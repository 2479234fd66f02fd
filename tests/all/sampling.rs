//! Sampling observes and never acts: the same scenario sampled at different
//! intervals gives the same ledger, the same counters and the same latencies.
//! Only what is made of the samples themselves may move: the number of events
//! (each sample is one), the series, and the judgements read from the series.

use crate::common::run_text;
use serde_json::Value;

/// A slow group behind a topic with a short retention: records are lost to
/// retention on partitions nobody writes to any more (the producer stops at
/// 60 s), long polling workers park on an idle queue, and a poller reads a
/// second queue. Every state change here used to be applied by the sampler.
fn scenario(sample_interval_s: &str) -> String {
    format!(
        r#"
[run]
horizon_s = 200
seed = 11
sample_interval_s = {sample_interval_s}

[[topic]]
name = "events"
partitions = 3
retention_s = 7.3

[[producer]]
name = "writer"
topic = "events"
rate = 120.0
stop_s = 60

[[consumer]]
name = "slow"
topic = "events"
workers = 3
processing_s = {{ dist = "exponential", mean = 0.05 }}

[[queue]]
name = "orders"

[[producer]]
name = "shop"
queue = "orders"
rate = 3.0
stop_s = 41.7

[[consumer]]
name = "pool"
queue = "orders"
workers = 4
wait_time_s = 20
processing_s = {{ dist = "exponential", mean = 0.2 }}
"#
    )
}

/// The summary as JSON, without what sampling is allowed to change.
fn comparable(interval: &str) -> Value {
    let out = run_text(&scenario(interval));
    let mut v = serde_json::to_value(&out.summary).expect("a summary serialises");
    let o = v.as_object_mut().expect("an object");
    // The review's peaks and drain are read at the samples; its P(wait) and
    // dead-lettered share come from the world's counters and must not move.
    let review = o.remove("review").expect("a review");
    // The cross-check's intervals are batch means of the samples, and so are
    // its utilisation and Erlang figures; Little's L and λ·W are integrated
    // between changes and counted per message, so they must not move.
    let theory = o.remove("theory").expect("a cross-check");
    let little: Vec<Value> = theory
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["model"] == "Little")
        .map(|r| {
            let mut r = r.clone();
            let row = r.as_object_mut().expect("a row");
            row.remove("half_width");
            row.remove("agrees");
            r
        })
        .collect();
    assert!(!little.is_empty(), "a Little's-law row: {theory}");
    o.insert("little".into(), Value::Array(little));
    for key in ["events", "verdict", "recovery"] {
        o.remove(key);
    }
    o.insert("p_wait".into(), review["p_wait"].clone());
    o.insert(
        "dead_lettered_fraction".into(),
        review["dead_lettered_fraction"].clone(),
    );
    v
}

#[test]
fn the_sample_interval_changes_no_result() {
    let reference = comparable("1.0");
    // The scenario does what it is meant to show: retention takes records the
    // slow group never read (also after the producer stops, when only the
    // retention timer trims), and parked workers come back empty. Sampled
    // by the sampler, as before, these moved with the interval (3,144 lost
    // at 1 s, 2,918 at 13 s; 30 empty receives against 28).
    let lost = reference["consumers"][0]["group"]["lost_to_retention"]
        .as_u64()
        .expect("records lost to retention");
    assert!(lost > 1000, "retention took {lost} records");
    let empty = reference["consumers"][1]["empty_receives"]
        .as_u64()
        .expect("empty receives");
    assert!(empty > 0, "parked workers report empty receives");
    for interval in ["0.1", "0.7", "3.0", "13.0"] {
        let other = comparable(interval);
        assert_eq!(
            reference, other,
            "sampling every {interval} s changed a result"
        );
    }
}
