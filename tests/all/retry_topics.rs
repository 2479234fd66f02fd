//! Kafka-style retry topics (scenarios/retry-topics.toml): a failed record
//! goes on to a 5 s, a 30 s and a 5 min retry topic, each read by its own
//! group with that delay, then to a dead-letter topic. On 1 % poison and a
//! two-minute outage of the API every order calls, every healthy order
//! succeeds, only the poison is dead-lettered and the main partitions never
//! stop; retrying in place blocks them; an immediate dead-letter topic takes
//! the outage's healthy orders with the poison.

use crate::common::run_scenario;
use flowsim::RunOutput;
use flowsim::model::consumer::summary::ConsumerSummary;

const FILE: &str = "retry-topics.toml";
const TO_RETRY: &str = "max_attempts = 1\ndead_letter_topic = \"orders-retry-5s\"";

fn consumer<'a>(out: &'a RunOutput, name: &str) -> &'a ConsumerSummary {
    out.summary
        .consumers
        .iter()
        .find(|c| c.name == name)
        .expect(name)
}

fn appended(out: &RunOutput, topic: &str) -> u64 {
    out.summary
        .topics
        .iter()
        .find(|t| t.name == topic)
        .expect(topic)
        .appended
}

fn poison(out: &RunOutput) -> u64 {
    out.summary.producers[0].poison
}

fn healthy(out: &RunOutput) -> u64 {
    out.summary.producers[0].produced - poison(out)
}

fn goodput(out: &RunOutput) -> u64 {
    out.summary.consumers.iter().map(|c| c.goodput).sum()
}

#[test]
fn retry_topics_let_every_healthy_order_through_and_dead_letter_only_the_poison() {
    let out = run_scenario(FILE, &[]);
    assert_eq!(appended(&out, "orders-dlt"), poison(&out));
    assert_eq!(goodput(&out), healthy(&out));
    // The outage's orders went through the first retry topics.
    assert!(appended(&out, "orders-retry-5s") > 2_000);
    assert!(consumer(&out, "retrier-5m").goodput > 1_000);
    // A record reaches the 5-minute topic's group after its three delays:
    // measured from the order's publish, each waited 5 + 30 + 300 s at least.
    let e2e = consumer(&out, "retrier-5m")
        .pipeline_end_to_end
        .clone()
        .expect("lineage through the retry topics");
    assert_eq!(e2e.count, consumer(&out, "retrier-5m").goodput);
    assert!(e2e.p50_s >= 335.0, "{e2e:?}");
    // The main partitions never stopped: its own waits stay short.
    let main = consumer(&out, "order-service");
    assert!(main.end_to_end.p99_s < 2.0, "{:?}", main.end_to_end);
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn retrying_in_place_blocks_the_partitions() {
    let tiered = run_scenario(FILE, &[]);
    let out = run_scenario(FILE, &[(TO_RETRY, "max_attempts = 0")]);
    // The first poison record of each partition is retried forever, and
    // every record behind it waits.
    let main = consumer(&out, "order-service");
    assert!(
        (main.goodput as f64) < 0.1 * consumer(&tiered, "order-service").goodput as f64,
        "{} vs {}",
        main.goodput,
        consumer(&tiered, "order-service").goodput
    );
    assert!(main.group.as_ref().unwrap().lag > 20_000);
    assert!(out.summary.verdict.degraded || out.summary.verdict.collapsed);
}

#[test]
fn an_immediate_dead_letter_topic_takes_the_outage_s_healthy_orders() {
    let out = run_scenario(
        FILE,
        &[(
            TO_RETRY,
            "max_attempts = 1\ndead_letter_topic = \"orders-dlt\"",
        )],
    );
    let dlt = appended(&out, "orders-dlt");
    // 20/s for the 120 s outage, and the poison.
    assert!(dlt > poison(&out) + 2_000, "{dlt}");
    assert_eq!(goodput(&out) + dlt, out.summary.producers[0].produced);
    assert!(out.summary.ledger.balanced);
}
