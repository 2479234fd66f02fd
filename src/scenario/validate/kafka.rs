//! Checks for `[producer.kafka]`: on a producer to a topic only, and the
//! client's own rules (Kafka refuses the same at `KafkaProducer`'s
//! construction: idempotence with more than 5 requests in flight, a delivery
//! timeout shorter than linger + request timeout).

use super::{Checker, KeyPath};
use crate::scenario::{KafkaProducerConfig, ProducerConfig, Scenario};

/// Kafka's cap on requests in flight with idempotence.
const IDEMPOTENT_MAX_IN_FLIGHT: u32 = 5;

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    for (i, pr) in s.producers.iter().enumerate() {
        if let Some(k) = &pr.kafka {
            producer(
                c,
                KeyPath::root().key("producer").index(i).key("kafka"),
                pr,
                k,
            );
        }
    }
}

fn producer(c: &mut Checker, p: KeyPath, pr: &ProducerConfig, k: &KafkaProducerConfig) {
    if pr.topic.is_none() {
        c.fail(
            p.clone(),
            "`[producer.kafka]` on a producer that writes to no topic",
            "a producer with `topic = ...` (Kafka's client writes to a topic of the log)",
        );
    }
    if pr.publish.is_some() || pr.batch.is_some() {
        c.fail(
            p.clone(),
            "`[producer.kafka]` together with `[producer.publish]` or `[producer.batch]`",
            "the Kafka client alone: it has its own buffer, retries and batches",
        );
    }
    // One batch holds at least one record: 1 byte to 1 GiB.
    if !(1..=1 << 30).contains(&k.batch_size_bytes) {
        c.fail(
            p.key("batch_size_bytes"),
            format!("{} bytes", k.batch_size_bytes),
            "bytes from 1 to 1073741824 (Kafka: 16384)",
        );
    }
    if !(1..=1 << 40).contains(&k.buffer_memory_bytes) || k.buffer_memory_bytes < k.batch_size_bytes
    {
        c.fail(
            p.key("buffer_memory_bytes"),
            format!("{} bytes", k.buffer_memory_bytes),
            "bytes ≥ batch_size_bytes, at most 2⁴⁰ (Kafka: 33554432)",
        );
    }
    if k.max_in_flight == 0 || k.max_in_flight > 1000 {
        c.fail(
            p.key("max_in_flight"),
            format!("{} requests", k.max_in_flight),
            "a whole number from 1 to 1000 (Kafka: 5)",
        );
    } else if k.enable_idempotence && k.max_in_flight > IDEMPOTENT_MAX_IN_FLIGHT {
        c.fail(
            p.key("max_in_flight"),
            format!(
                "{} requests in flight with enable_idempotence = true",
                k.max_in_flight
            ),
            "at most 5 with idempotence (Kafka refuses more), or enable_idempotence = false",
        );
    }
    let ms = "milliseconds from 0 to 3.6e9";
    c.range(p.key("linger_ms"), k.linger_ms, 0.0, 3.6e9, ms);
    c.range(
        p.key("retry_backoff_ms"),
        k.retry_backoff_ms,
        0.0,
        3.6e9,
        ms,
    );
    c.range(p.key("max_block_ms"), k.max_block_ms, 0.0, 3.6e9, ms);
    c.range(
        p.key("request_timeout_ms"),
        k.request_timeout_ms,
        1e-3,
        3.6e9,
        "milliseconds > 0, at most 3.6e9 (Kafka: 30000)",
    );
    c.range(
        p.key("delivery_timeout_ms"),
        k.delivery_timeout_ms,
        0.0,
        3.6e9,
        "milliseconds, at most 3.6e9 (Kafka: 120000)",
    );
    if k.delivery_timeout_ms < k.linger_ms + k.request_timeout_ms {
        c.fail(
            p.key("delivery_timeout_ms"),
            format!(
                "{} ms, shorter than linger_ms + request_timeout_ms ({} ms)",
                k.delivery_timeout_ms,
                k.linger_ms + k.request_timeout_ms
            ),
            "at least linger_ms + request_timeout_ms (Kafka refuses less)",
        );
    }
    c.dist(p.key("request_s"), &k.request_s);
    c.range(
        p.key("request_error_rate"),
        k.request_error_rate,
        0.0,
        0.99,
        "a probability in [0, 0.99] (each failed request is retried)",
    );
    c.range(
        p.key("response_lost_rate"),
        k.response_lost_rate,
        0.0,
        0.99,
        "a probability in [0, 0.99]",
    );
}
