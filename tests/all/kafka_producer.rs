//! The Kafka producer client (`[producer.kafka]`), held to its scenarios'
//! numbers: retries reorder a key without idempotence and not with it,
//! duplicates of lost responses are appended or dropped, one request in
//! flight keeps the order at the price of throughput, and linger trades
//! latency for requests as 1 + λL says.

use crate::common::{Ci, check, problems, replicate, run_scenario};
use flowsim::RunOutput;

fn kafka(out: &RunOutput) -> flowsim::run::KafkaSummary {
    out.summary.producers[0]
        .kafka
        .clone()
        .expect("a Kafka producer")
}

const REORDERING: &str = "kafka-producer-reordering.toml";

#[test]
fn retries_reorder_a_key_without_idempotence() {
    let out = run_scenario(REORDERING, &[]);
    let k = kafka(&out);
    // 1 % of ~13,000 requests fail; the batches of the same partition already
    // in flight land first, carrying later records of the same customers.
    assert!((300..=1_500).contains(&k.reordered), "{k:?}");
    // 0.5 % of the requests lose their response: their batches appended twice.
    assert!((400..=1_300).contains(&k.duplicates_appended), "{k:?}");
    assert_eq!(k.duplicates_dropped, 0);
    assert_eq!(k.lost, 0, "{k:?}");
    // Every record appended, duplicates included, reached the group.
    let appended = out.summary.topics[0].appended;
    assert_eq!(appended, k.appended + k.duplicates_appended);
    let g = out.summary.consumers[0].group.as_ref().expect("a group");
    let processed = g.processed;
    assert_eq!(processed, appended, "the group read them all");
    let v = &out.summary.verdict;
    assert!(
        v.reasons
            .iter()
            .any(|r| r.reason.name() == "applied_out_of_order"
                && r.component.as_deref() == Some("checkout")
                && r.count == Some(k.reordered)),
        "{v:?}"
    );
}

#[test]
fn idempotence_keeps_the_order_and_drops_the_duplicates() {
    let out = run_scenario(
        REORDERING,
        &[("enable_idempotence = false", "enable_idempotence = true")],
    );
    let k = kafka(&out);
    assert_eq!(k.reordered, 0, "{k:?}");
    assert_eq!(k.duplicates_appended, 0, "{k:?}");
    assert!((400..=1_300).contains(&k.duplicates_dropped), "{k:?}");
    // The later batches of a failed one are refused until it is in.
    assert!(k.out_of_sequence > 0, "{k:?}");
    assert_eq!(k.lost, 0);
    let v = &out.summary.verdict;
    assert!(
        !v.reasons
            .iter()
            .any(|r| r.reason.name() == "applied_out_of_order"),
        "{v:?}"
    );
}

#[test]
fn one_request_in_flight_keeps_the_order_at_the_price_of_throughput() {
    let five = kafka(&run_scenario(REORDERING, &[]));
    let out = run_scenario(REORDERING, &[("max_in_flight = 5", "max_in_flight = 1")]);
    let one = kafka(&out);
    assert_eq!(one.reordered, 0, "{one:?}");
    // One request per ~10 ms round trip, at most 16 records each: at most
    // 1,600 records/s of the 3,000 offered, less the backoffs and the
    // timeouts of lost responses (measured: 1,215/s).
    let per_s = one.acked as f64 / 60.0;
    assert!((1_000.0..=1_700.0).contains(&per_s), "{per_s} {one:?}");
    assert!(five.acked as f64 / 60.0 > 2_900.0, "{five:?}");
    // The rest waits for buffer memory, then fails after max_block_ms: lost.
    assert!(one.blocked > 100_000, "{one:?}");
    assert!(one.buffer_full_errors > 50_000, "{one:?}");
    assert_eq!(one.lost, one.buffer_full_errors);
    let v = &out.summary.verdict;
    assert!(
        v.reasons
            .iter()
            .any(|r| r.reason.name() == "messages_lost"
                && r.component.as_deref() == Some("checkout")),
        "{v:?}"
    );
}

const BATCHING: &str = "kafka-producer-batching.toml";

#[test]
fn at_a_high_rate_batches_are_full_and_requests_are_records_over_16() {
    let k = kafka(&run_scenario(
        BATCHING,
        &[("rate = 200.0", "rate = 20000.0")],
    ));
    // 16 records of 1 KiB fill batch.size 16384.
    assert!(k.mean_records_per_batch > 15.9, "{k:?}");
    let expected = k.sends as f64 / 16.0;
    assert!(
        (k.requests as f64 - expected).abs() < 0.01 * expected,
        "{k:?}"
    );
    // Each batch saved the requests of all its records but one.
    let batched = (k.mean_records_per_batch * k.batches as f64).round() as u64;
    assert_eq!(k.requests_saved, batched - k.batches);
}

#[test]
fn at_a_low_rate_every_record_waits_the_whole_linger() {
    let k = kafka(&run_scenario(BATCHING, &[("rate = 200.0", "rate = 1.0")]));
    assert!(k.batches > 40, "{k:?}");
    assert!(k.mean_records_per_batch < 1.05, "{k:?}");
    let linger = 5.0;
    assert!(
        (0.9 * linger..=1.1 * linger).contains(&k.linger_added_mean_ms),
        "{k:?}"
    );
    // The request's 2 ms round trip on top.
    assert!((k.ack_latency_mean_ms - 7.0).abs() < 0.1, "{k:?}");
}

#[test]
fn records_per_batch_are_one_plus_lambda_linger() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(BATCHING);
    let src = std::fs::read_to_string(path).expect("the scenario");
    let template = src.replacen("[run]\n", "[run]\nreplication = REP\n", 1);
    let per_batch = replicate(&template, 10, |s| {
        s.producers[0]
            .kafka
            .as_ref()
            .expect("kafka")
            .mean_records_per_batch
    });
    // λ = 200/s, L = 5 ms.
    check(
        "records per batch",
        Ci::from(&per_batch),
        1.0 + 200.0 * 0.005,
    );
    let linger = replicate(&template, 10, |s| {
        s.producers[0]
            .kafka
            .as_ref()
            .expect("kafka")
            .linger_added_mean_ms
    });
    // The first record of a batch waits L, the λL others L/2 on average.
    check("linger added, ms", Ci::from(&linger), 5.0 * 1.5 / 2.0);
}

#[test]
fn the_kafka_client_is_refused_off_a_topic_and_against_its_own_rules() {
    let on_queue = r#"
[[queue]]
name = "q"
[[producer]]
rate = 1.0
[producer.kafka]
[[consumer]]
processing_s = { dist = "constant", mean = 0.01 }
"#;
    assert!(problems(on_queue).contains("writes to no topic"));
    let topic = |kafka: &str| {
        format!(
            r#"
[[topic]]
name = "t"
[[producer]]
topic = "t"
rate = 1.0
[producer.kafka]
{kafka}
"#
        )
    };
    assert!(problems(&topic("max_in_flight = 6")).contains("at most 5 with idempotence"));
    assert!(
        problems(&topic(
            "request_timeout_ms = 1000\ndelivery_timeout_ms = 500"
        ))
        .contains("linger_ms + request_timeout_ms")
    );
    assert!(problems(&topic("buffer_memory_bytes = 100")).contains("batch_size_bytes"));
}

#[test]
fn a_replicated_topics_refusals_are_retried_until_the_delivery_timeout() {
    // Brokers 1 and 2 down for 30 s: with min.insync.replicas = 2 every
    // acks=all write is refused (NotEnoughReplicas), and the client retries.
    let outage = (
        "failures = [{ broker = 0, at_s = 60, down_s = 30 }]",
        "failures = [{ broker = 1, at_s = 60, down_s = 30 }, { broker = 2, at_s = 60, down_s = 30 }]",
    );
    let client = (
        "message = { keys = 5000 }",
        "message = { keys = 5000 }\n\n[producer.kafka]\nrequest_s = { dist = \"constant\", mean = 0.005 }",
    );
    let out = run_scenario("replication-acks-all.toml", &[outage, client]);
    let k = kafka(&out);
    let r = out.summary.topics[0]
        .replication
        .clone()
        .expect("replicated");
    assert!(k.refused_by_topic > 100, "{k:?}");
    assert!(r.not_enough_replicas > 100, "{r:?}");
    // 30 s of refusals fit in the 120 s delivery timeout: nothing lost,
    // nothing out of order (idempotence), the backlog sent after the outage.
    assert_eq!(k.lost, 0, "{k:?}");
    assert_eq!(k.reordered, 0);
    assert!(k.acked + k.held_at_end == k.sends, "{k:?}");
    // With a 10 s delivery timeout the records of the outage fail: lost,
    // and the verdict names the producer.
    let out = run_scenario(
        "replication-acks-all.toml",
        &[
            outage,
            (
                client.0,
                &format!(
                    "{}\nrequest_timeout_ms = 1000\ndelivery_timeout_ms = 10000",
                    client.1
                ),
            ),
        ],
    );
    let k = kafka(&out);
    // About 20 s of 1,000/s: the outage less the 10 s a record may wait.
    assert!((15_000..=25_000).contains(&k.delivery_timeouts), "{k:?}");
    assert_eq!(
        k.lost,
        k.delivery_timeouts + k.buffer_full_errors - k.failed_appended
    );
    let v = &out.summary.verdict;
    assert!(
        v.reasons
            .iter()
            .any(|r| r.reason.name() == "messages_lost"
                && r.component.as_deref() == Some("checkout")),
        "{v:?}"
    );
}
