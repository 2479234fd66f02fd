//! `[producer.kafka]`: Kafka's producer client on a producer to a topic.
//! Every key is named after the client's setting, with its unit, and
//! defaults to its value in Apache Kafka 4.0
//! (https://kafka.apache.org/documentation/#producerconfigs).

use crate::scenario::DistSpec;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaProducerConfig {
    /// `batch.size`: a partition's batch is sent once it holds this many
    /// bytes (the next record would pass it).
    pub batch_size_bytes: u64,
    /// `linger.ms`: how long a batch waits for more records after its first
    /// (5 since Kafka 4.0; 0 before).
    pub linger_ms: f64,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight: u32,
    /// `enable.idempotence`: the broker drops duplicates and refuses batches
    /// out of sequence (true since Kafka 3.0).
    pub enable_idempotence: bool,
    /// `retries`: retries of a failed request, per batch.
    pub retries: u32,
    /// `retry.backoff.ms`: the wait before a failed batch is sent again.
    pub retry_backoff_ms: f64,
    /// `request.timeout.ms`: how long the producer waits for a response.
    pub request_timeout_ms: f64,
    /// `delivery.timeout.ms`: a record not acknowledged this long after its
    /// `send()` fails.
    pub delivery_timeout_ms: f64,
    /// `buffer.memory`: bytes of batches the producer holds (open and in
    /// flight).
    pub buffer_memory_bytes: u64,
    /// `max.block.ms`: how long `send()` waits for room in the buffer.
    pub max_block_ms: f64,
    /// A produce request's round trip, seconds (the environment, not a
    /// setting).
    pub request_s: DistSpec,
    /// Share of requests that fail with a retriable error (nothing appended).
    pub request_error_rate: f64,
    /// Share of requests whose append succeeds but whose response is lost:
    /// the producer times out and sends the batch again.
    pub response_lost_rate: f64,
}

impl Default for KafkaProducerConfig {
    fn default() -> Self {
        KafkaProducerConfig {
            batch_size_bytes: 16_384,
            linger_ms: 5.0,
            max_in_flight: 5,
            enable_idempotence: true,
            retries: 2_147_483_647,
            retry_backoff_ms: 100.0,
            request_timeout_ms: 30_000.0,
            delivery_timeout_ms: 120_000.0,
            buffer_memory_bytes: 33_554_432,
            max_block_ms: 60_000.0,
            // A produce request within one availability zone: a few ms.
            request_s: DistSpec::constant(0.002),
            request_error_rate: 0.0,
            response_lost_rate: 0.0,
        }
    }
}
