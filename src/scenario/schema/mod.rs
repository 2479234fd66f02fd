//! The scenario file's shape (TOML, via serde). Plain data with defaults so that a
//! ten-line file runs; units are in the key names. Checked by `validate` before
//! anything runs; the engine never sees TOML.

mod alarm;
mod bus;
mod client;
mod consumer;
mod cost;
mod downstream;
mod kafka;
mod membership;
mod onward;
mod payload;
mod plan;
mod push;
mod replication;
mod slo;

pub use alarm::*;
pub use bus::*;
pub use client::*;
pub use consumer::*;
pub use cost::*;
pub use downstream::*;
pub use kafka::*;
pub use membership::*;
pub use onward::*;
pub use payload::*;
pub use plan::*;
pub use push::*;
pub use replication::*;
pub use slo::*;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub run: RunConfig,
    #[serde(default, rename = "producer")]
    pub producers: Vec<ProducerConfig>,
    #[serde(default, rename = "queue")]
    pub queues: Vec<QueueConfig>,
    /// Broker nodes holding queues (RabbitMQ-like memory watermark).
    #[serde(default, rename = "broker", skip_serializing_if = "Vec::is_empty")]
    pub brokers: Vec<BrokerConfig>,
    /// Partitioned logs (Kafka-like topics).
    #[serde(default, rename = "topic")]
    pub topics: Vec<TopicConfig>,
    /// Push topics (SNS-like fan-out).
    #[serde(default, rename = "push")]
    pub pushes: Vec<PushConfig>,
    /// Event buses (EventBridge-like routing by rules).
    #[serde(default, rename = "bus", skip_serializing_if = "Vec::is_empty")]
    pub buses: Vec<BusConfig>,
    #[serde(default, rename = "consumer")]
    pub consumers: Vec<ConsumerConfig>,
    /// S3-like object stores, for producers' claim checks.
    #[serde(default, rename = "blob_store", skip_serializing_if = "Vec::is_empty")]
    pub blob_stores: Vec<BlobStoreConfig>,
    #[serde(default, rename = "database")]
    pub databases: Vec<DatabaseConfig>,
    #[serde(default, rename = "api")]
    pub apis: Vec<ApiConfig>,
    /// Clients that call a service or a record and retry.
    #[serde(default, rename = "client")]
    pub clients: Vec<ClientConfig>,
    #[serde(default, rename = "service")]
    pub services: Vec<ServiceConfig>,
    /// Records under optimistic concurrency.
    #[serde(default, rename = "record")]
    pub records: Vec<RecordConfig>,
    /// Outages, error-rate windows and latency spikes on downstreams.
    #[serde(default, rename = "fault")]
    pub faults: Vec<FaultConfig>,
    /// Alarms on metrics (CloudWatch-shaped); they watch and change nothing.
    #[serde(default, rename = "alarm")]
    pub alarms: Vec<AlarmConfig>,
    #[serde(default)]
    pub verdict: VerdictConfig,
    /// Parameters to sweep (`flowsim sweep`); ignored by `flowsim run`.
    #[serde(default)]
    pub sweep: Option<SweepConfig>,
    /// Service-level objectives every run is judged against.
    #[serde(default, skip_serializing_if = "SloConfig::is_empty")]
    pub slo: SloConfig,
    /// Prices of the cost model (defaults: docs/cost.md).
    #[serde(default, deserialize_with = "cost::given")]
    pub cost: CostConfig,
    /// Decision keys of `flowsim plan`; ignored by `flowsim run`.
    #[serde(default)]
    pub plan: Option<PlanConfig>,
    /// Keys `flowsim run --set` changed from the file (never in a file).
    #[serde(skip)]
    pub overrides: Vec<super::Override>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// Replications per point, on distinct derived seeds.
    #[serde(default = "defaults::reps")]
    pub reps: u32,
    /// Swept keys; several form a grid. The first is the one collapse points are
    /// searched along.
    #[serde(default, rename = "param")]
    pub params: Vec<SweepParam>,
    /// Summary metrics to chart against the first key (dotted names as in
    /// sweep.csv); a default set when empty.
    #[serde(default)]
    pub metrics: Vec<String>,
    #[serde(default)]
    pub objective: Option<Objective>,
}

/// One swept key: `values`, or a range `from`..`to` by `step` or in `count`
/// values (evenly, or evenly in log space with `log = true`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepParam {
    /// Dotted key path, e.g. `consumer[0].workers` or `producer[0].rate`.
    pub path: String,
    pub values: Option<Vec<toml::Value>>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub step: Option<f64>,
    pub count: Option<u32>,
    #[serde(default)]
    pub log: bool,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    #[default]
    Min,
    Max,
}

/// What "best point" means: the point whose mean `metric` is lowest (or
/// highest), among points where most replications did not collapse.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub metric: String,
    #[serde(default)]
    pub goal: Goal,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunConfig {
    /// Free text shown in chart subtitles and the summary.
    pub title: Option<String>,
    pub seed: u64,
    pub replication: u64,
    pub horizon_s: f64,
    pub sample_interval_s: f64,
    /// Latency, wait and time-average statistics ignore what happened before this.
    pub warmup_s: f64,
    /// Guard: the run stops, collapsed, when messages held (queues, topics,
    /// producers' buffers, clients' requests) pass this.
    pub max_backlog: u64,
    /// Guard against runaway scenarios: steps (events, and the work inside
    /// them); a default derived from the scenario when not set
    /// (`limits::steps`).
    pub max_events: Option<u64>,
    /// Concurrent invocations allowed to all Lambda-like consumers together (the
    /// AWS account's regional limit, 1,000 by default).
    pub account_concurrency: u32,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            title: None,
            seed: 1,
            replication: 0,
            horizon_s: 600.0,
            sample_interval_s: 1.0,
            warmup_s: 0.0,
            // About 450 MB of messages at most: a runaway stops well under a
            // gigabyte.
            max_backlog: 5_000_000,
            max_events: None,
            account_concurrency: 1000,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    #[default]
    Poisson,
    Constant,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerConfig {
    #[serde(default)]
    pub name: Option<String>,
    /// Target queue; may be left out when the scenario has exactly one queue.
    #[serde(default)]
    pub queue: Option<String>,
    /// Target topic, instead of a queue.
    #[serde(default)]
    pub topic: Option<String>,
    /// Target push topic, instead of a queue or a topic.
    #[serde(default)]
    pub push: Option<String>,
    /// Target event bus, instead of a queue, a topic or a push topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
    /// Base publish rate, messages per second.
    #[serde(default)]
    pub rate: f64,
    #[serde(default)]
    pub arrivals: Arrivals,
    /// The first message at `start_s` itself rather than one gap after it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_at_start: bool,
    #[serde(default)]
    pub start_s: f64,
    #[serde(default)]
    pub stop_s: Option<f64>,
    #[serde(default)]
    pub profile: Vec<ProfileStep>,
    /// Messages already waiting in the queue at time 0.
    #[serde(default)]
    pub initial_backlog: u64,
    #[serde(default)]
    pub message: MessageConfig,
    /// What the producer does when a queue refuses a publish (`max_depth` with
    /// `overflow = "reject"`): retry from a bounded buffer. Without it a refused
    /// publish is lost at once.
    #[serde(default)]
    pub publish: Option<PublishConfig>,
    /// acks, for a producer to a replicated topic (Kafka: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acks: Option<Acks>,
    /// Payloads above a threshold go to a blob store; a pointer is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_check: Option<ClaimCheckConfig>,
    /// SQS's SendMessageBatch: messages sent in batches (queue producers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<SendBatchConfig>,
    /// Kafka's producer client: batching, requests in flight, retries,
    /// idempotence (producers to a topic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<KafkaProducerConfig>,
}

/// What a producer does when the buffer of unsent messages is full.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OnFull {
    /// The producer stops producing until the buffer has room (Kafka's
    /// `send()` blocking for `max.block.ms`): the arrivals meanwhile are not
    /// generated — the upstream is slowed down.
    #[default]
    Block,
    /// The new message is lost (counted).
    Drop,
    /// The producer runs out of memory: it stops for good and its buffer is lost.
    Crash,
}

/// A producer's publish retries and its buffer of unsent messages.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PublishConfig {
    /// Publish attempts per message, the first included (1 = no retry).
    pub attempts: u32,
    pub base_s: f64,
    pub cap_s: f64,
    pub multiplier: f64,
    pub jitter: Jitter,
    /// Messages the buffer holds while they wait for a retry.
    pub buffer: u32,
    pub on_full: OnFull,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig {
            // The AWS SDKs' standard retry mode: 3 attempts, full jitter,
            // backoff capped at 20 s (the JavaScript SDK's base delay: 100 ms).
            attempts: 3,
            base_s: 0.1,
            cap_s: 20.0,
            multiplier: 2.0,
            jitter: Jitter::Full,
            // Kafka's buffer.memory (32 MiB) in messages of the default 1 KiB.
            buffer: 32_768,
            on_full: OnFull::Block,
        }
    }
}

impl PublishConfig {
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            base_s: self.base_s,
            cap_s: self.cap_s,
            multiplier: self.multiplier,
            jitter: self.jitter,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// From `at_s` on, the base rate is `rate`.
    Step,
    /// The base rate moves linearly to `to_rate` between `from_s` and `to_s`.
    Ramp,
    /// The rate is multiplied by `factor` during [`at_s`, `at_s + duration_s`).
    Spike,
    /// The rate is multiplied by 1 + amplitude·sin(2π(t − phase_s)/period_s).
    Sine,
}

/// One change to a producer's rate over time. Flat (one struct for all kinds) so
/// that a wrong key is reported at its own line; `validate` checks which keys
/// each kind needs.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileStep {
    pub kind: ProfileKind,
    pub at_s: Option<f64>,
    pub rate: Option<f64>,
    pub from_s: Option<f64>,
    pub to_s: Option<f64>,
    pub to_rate: Option<f64>,
    pub duration_s: Option<f64>,
    pub factor: Option<f64>,
    pub period_s: Option<f64>,
    pub amplitude: Option<f64>,
    pub phase_s: Option<f64>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MessageConfig {
    pub size_bytes: u32,
    /// Sizes drawn per message, bytes, instead of `size_bytes` (a
    /// distribution: lognormal, empirical, a mixture, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<DistSpec>,
    /// Number of distinct keys (message groups in a FIFO queue); 0 = no key.
    pub keys: u32,
    /// Zipf exponent over the keys: 0 is uniform, ~1 gives hot keys.
    pub key_skew: f64,
    /// A composite key: each key is split into this many sub-keys (key + a
    /// uniform suffix), spreading a hot key over partitions at the cost of its
    /// order. 1 = the plain key.
    pub key_parts: u32,
    /// Probability that a message is poison: it fails every time it is processed.
    pub poison_probability: f64,
    /// Multiplier on the consumer's processing time; constant 1 by default.
    pub cost: Option<DistSpec>,
    /// A compacted topic's producer: the probability that a record is a
    /// tombstone (its key with a null value: a delete).
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub tombstone_probability: f64,
}

fn is_zero_f64(x: &f64) -> bool {
    *x == 0.0
}

impl Default for MessageConfig {
    fn default() -> Self {
        MessageConfig {
            size_bytes: 1024,
            size: None,
            keys: 0,
            key_skew: 0.0,
            key_parts: 1,
            poison_probability: 0.0,
            cost: None,
            tombstone_probability: 0.0,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DistKind {
    Constant,
    Exponential,
    Lognormal,
    Gamma,
    Uniform,
    /// Mean and standard deviation, folded or truncated at 0 (`at_zero`).
    Normal,
    /// Shape k and scale λ: a heavy tail for k < 1, exponential at k = 1.
    Weibull,
    /// Shape α (> 1, so that the mean is finite) and scale x_m, the minimum.
    Pareto,
    /// Observed values, drawn as they are or interpolated between.
    Empirical,
    /// Weighted components, each a distribution of its own.
    Mixture,
}

impl DistKind {
    /// The name a scenario file writes.
    pub fn name(self) -> &'static str {
        match self {
            DistKind::Constant => "constant",
            DistKind::Exponential => "exponential",
            DistKind::Lognormal => "lognormal",
            DistKind::Gamma => "gamma",
            DistKind::Uniform => "uniform",
            DistKind::Normal => "normal",
            DistKind::Weibull => "weibull",
            DistKind::Pareto => "pareto",
            DistKind::Empirical => "empirical",
            DistKind::Mixture => "mixture",
        }
    }
}

/// What a normal distribution does with the mass below 0 (a duration cannot
/// be negative): `fold` takes |x| (the published contention experiment's hop
/// time), `truncate` draws again until x ≥ 0.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AtZero {
    #[default]
    Fold,
    Truncate,
}

/// Bounds of a distribution's `mean`, `min` and `max` (besides 0, a
/// constant 0): a nanosecond to 30,000 years, when they are seconds.
pub const DIST_VALUE_MIN: f64 = 1e-9;
pub const DIST_VALUE_MAX: f64 = 1e12;
/// Bounds of a distribution's `cv` (besides 0, no variation): within them
/// gamma's shape 1/cv² and scale mean·cv², and lognormal's σ² = ln(1 + cv²),
/// are finite and positive for every mean within bounds.
pub const DIST_CV_MIN: f64 = 1e-6;
pub const DIST_CV_MAX: f64 = 100.0;

/// A distribution of a non-negative quantity; its unit is in the key that holds it
/// (`processing_s = { dist = "exponential", mean = 0.2 }`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DistSpec {
    pub dist: DistKind,
    /// constant, exponential, lognormal, gamma, normal.
    pub mean: Option<f64>,
    /// Coefficient of variation (std dev / mean): lognormal, gamma.
    pub cv: Option<f64>,
    /// uniform.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Standard deviation: normal.
    pub sd: Option<f64>,
    /// normal: `fold` (the default) or `truncate`.
    pub at_zero: Option<AtZero>,
    /// weibull (k), pareto (α).
    pub shape: Option<f64>,
    /// weibull (λ), pareto (x_m).
    pub scale: Option<f64>,
    /// empirical: the observed values.
    pub samples: Option<Vec<f64>>,
    /// empirical: the observed values in a column of a CSV file, instead of
    /// `samples`.
    pub samples_csv: Option<CsvSamples>,
    /// empirical: draw between the observed values (linear in the empirical
    /// distribution function) instead of one of them; false by default.
    pub interpolate: Option<bool>,
    /// mixture: the components, each with its `weight`.
    pub components: Option<Vec<DistSpec>>,
    /// A mixture component's weight (the weights need not sum to 1).
    pub weight: Option<f64>,
}

/// `samples_csv = { path = "latencies.csv", column = "latency_s" }`: the
/// values of a CSV column (with a header row), the path relative to the
/// scenario file's directory. Read when the scenario is checked, where a
/// problem can name the key; held here for the run.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CsvSamples {
    pub path: String,
    pub column: String,
    #[serde(skip)]
    pub values: std::sync::OnceLock<std::sync::Arc<[f64]>>,
}

impl DistSpec {
    /// An empirical distribution's observed values: inline, or read from its
    /// CSV column (None before the scenario is checked).
    pub fn observed(&self) -> Option<&[f64]> {
        match (&self.samples, &self.samples_csv) {
            (Some(xs), _) => Some(xs),
            (None, Some(c)) => c.values.get().map(|v| &v[..]),
            (None, None) => None,
        }
    }

    /// Always `mean`: the defaults of time keys.
    pub fn constant(mean: f64) -> DistSpec {
        DistSpec {
            dist: DistKind::Constant,
            mean: Some(mean),
            cv: None,
            min: None,
            max: None,
            sd: None,
            at_zero: None,
            shape: None,
            scale: None,
            samples: None,
            samples_csv: None,
            interpolate: None,
            components: None,
            weight: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Overflow {
    /// The publish fails; the producer sees it and the message is lost (counted).
    #[default]
    Reject,
    /// The oldest visible message is discarded (counted) to make room.
    DropOldest,
    /// RabbitMQ's `reject-publish-dlx`: refused as with `Reject` (the
    /// publisher sees it), and the refused message is dead-lettered to the
    /// queue's `dead_letter_queue` (counted `rejected_to_dlq`).
    RejectPublishDlx,
    /// RabbitMQ's `drop-head`: as `DropOldest`, and with a
    /// `dead_letter_queue` the dropped message is dead-lettered there (counted
    /// `dropped_to_dlq`), as RabbitMQ does. A variant of its own, not an alias
    /// of `drop_oldest`: a `drop_oldest` queue with a DLQ keeps discarding,
    /// so that old scenarios' outputs do not change.
    DropHead,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    pub name: String,
    #[serde(default)]
    pub fifo: bool,
    #[serde(default = "defaults::visibility_timeout_s")]
    pub visibility_timeout_s: f64,
    #[serde(default)]
    pub delay_s: f64,
    #[serde(default = "defaults::retention_s")]
    pub retention_s: f64,
    /// With `dead_letter_queue`: a message received this many times without being
    /// deleted moves to the DLQ on its next receive.
    #[serde(default)]
    pub max_receive_count: Option<u32>,
    #[serde(default)]
    pub dead_letter_queue: Option<String>,
    /// Bound on messages held (visible + in flight + delayed).
    #[serde(default)]
    pub max_depth: Option<u64>,
    #[serde(default)]
    pub overflow: Overflow,
    /// Move this queue's messages back to the queues they were dead-lettered from.
    #[serde(default)]
    pub redrive: Option<RedriveConfig>,
    /// RabbitMQ's `x-message-ttl`: a message waiting this long at the head of
    /// the line expires. Absent: no TTL.
    #[serde(default)]
    pub message_ttl_s: Option<f64>,
    /// Where an expired message goes (RabbitMQ's dead-letter exchange):
    /// absent, to `dead_letter_queue` if there is one, else it is lost.
    #[serde(default)]
    pub expire_to: Option<String>,
    /// Receives return nothing (OverLimit) while this many messages are in
    /// flight. Absent: SQS's quota, 120,000 (FIFO: 20,000).
    #[serde(default)]
    pub max_in_flight: Option<u64>,
    /// FIFO only: SQS's throughput quota, API calls per second per action
    /// (SendMessage, ReceiveMessage), each a token bucket. Absent: 300.
    #[serde(default)]
    pub max_ops_per_s: Option<u64>,
    /// The largest message a publish may carry: bytes, or a preset
    /// (`"sqs"`: 1 MiB, `"sqs_legacy"`: 256 KiB). Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<ByteLimit>,
}

/// A topic's `cleanup_policy`.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum CleanupPolicy {
    #[default]
    #[serde(rename = "delete")]
    Delete,
    #[serde(rename = "compact")]
    Compact,
    #[serde(rename = "compact,delete", alias = "delete,compact")]
    CompactDelete,
}

impl CleanupPolicy {
    pub fn is_delete(&self) -> bool {
        *self == CleanupPolicy::Delete
    }
    pub fn compacts(self) -> bool {
        self != CleanupPolicy::Delete
    }
    /// Retention deletes from the head as well.
    pub fn deletes(self) -> bool {
        self != CleanupPolicy::Compact
    }
    pub fn name(self) -> &'static str {
        match self {
            CleanupPolicy::Delete => "delete",
            CleanupPolicy::Compact => "compact",
            CleanupPolicy::CompactDelete => "compact,delete",
        }
    }
}

/// SQS's FIFO throughput quota without high-throughput mode: 300 API calls
/// per second per action (3,000 messages a second with batches of 10).
pub const SQS_FIFO_OPS_PER_S: u64 = 300;

/// SQS's in-flight quotas: "approximately 120,000" for a standard queue,
/// 20,000 for a FIFO queue.
pub const SQS_IN_FLIGHT: u64 = 120_000;
pub const SQS_FIFO_IN_FLIGHT: u64 = 20_000;

/// A topic: `partitions` append-only logs. A keyed record goes to partition
/// hash(key) mod P, a record without a key round robin. Records older than
/// `retention_s`, or beyond `retention_bytes` per partition, are deleted from the
/// head of the log whether or not every group has read them.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    pub name: String,
    #[serde(default = "defaults::partitions")]
    pub partitions: u32,
    /// Kafka's default: 7 days.
    #[serde(default = "defaults::topic_retention_s")]
    pub retention_s: f64,
    #[serde(default)]
    pub retention_bytes: Option<u64>,
    /// How often retention looks at every partition, besides each append.
    #[serde(default = "defaults::retention_check_s")]
    pub retention_check_s: f64,
    /// Brokers, replicas and acks (docs/scenarios.md); without it a
    /// partition is one log that never fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<ReplicationConfig>,
    /// The bytes per second a partition delivers to the member reading it:
    /// a record's transfer takes its size over this (with a consumer's
    /// `download_mb_per_s`, the slower of the two). Absent: instantaneous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_mb_per_s: Option<f64>,
    /// The largest message it takes, in bytes or a preset (docs/scenarios.md,
    /// "Payloads"); a producer's larger publish is refused. Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<ByteLimit>,
    /// Kafka's `cleanup.policy`: "delete" (retention only, the default),
    /// "compact" (the latest record of each key stays, retention off) or
    /// "compact,delete" (both).
    #[serde(default, skip_serializing_if = "CleanupPolicy::is_delete")]
    pub cleanup_policy: CleanupPolicy,
    /// Kafka's `delete.retention.ms` (1 day): how long a tombstone that is
    /// the latest of its key stays readable before the cleaner removes it.
    #[serde(default = "defaults::delete_retention_s")]
    pub delete_retention_s: f64,
    /// Kafka's `min.compaction.lag.ms` (0): a record younger than this is
    /// not compacted.
    #[serde(default)]
    pub min_compaction_lag_s: f64,
    /// The cleaner's period: each pass compacts what was appended before the
    /// previous pass (the active segment rolls at each pass).
    #[serde(default = "defaults::compaction_interval_s")]
    pub compaction_interval_s: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RedriveConfig {
    pub at_s: f64,
    /// Messages per second.
    pub rate: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerdictConfig {
    /// The backlog trend is fitted over this final fraction of the run.
    pub window_fraction: f64,
    /// Collapsed if the fitted growth over the window exceeds this fraction of the
    /// messages that arrived in it…
    pub min_growth_fraction: f64,
    /// …and this many messages.
    pub min_growth_messages: f64,
    /// Collapsed if more than this fraction of the window's arrivals were lost
    /// (rejected, dropped or expired).
    pub max_loss_fraction: f64,
    /// Metastable: after the last trigger ends, goodput stays below this
    /// fraction of the offered load…
    pub recovery_fraction: f64,
    /// …in every window of this length, up to the end of the run.
    pub recovery_window_s: f64,
    /// Recovered also needs the backlog and the age of the oldest waiting
    /// message back near their peaks before the first trigger: at most this
    /// factor times the peak, plus `min_growth_messages` (backlog)…
    pub recovery_level_factor: f64,
    /// …or plus this many seconds (age).
    pub recovery_age_slack_s: f64,
    /// Degraded if more than this fraction of the messages a queue received
    /// were processed successfully and dead-lettered anyway (the zombie loop).
    pub max_dead_lettered_after_success_fraction: f64,
    /// Degraded if more than this fraction of the healthy (non-poison)
    /// messages a queue received ended dead-lettered.
    pub max_dead_letter_fraction: f64,
    /// Degraded if more than this fraction of the messages produced had
    /// their side effect applied more than once.
    pub max_applied_twice_fraction: f64,
    /// Degraded if more than this fraction of the keyed applications of a
    /// consumer with `order_matters` came after a later message of their key.
    pub max_out_of_order_fraction: f64,
    /// Degraded if more than this fraction of a component's messages or
    /// records were lost for good (expired, dropped, refused without retry,
    /// deleted by retention, skipped by a crash, lost with a buffer).
    pub max_lost_fraction: f64,
    /// Degraded if more than this fraction of a producer's publish attempts
    /// were refused by a full queue.
    pub max_refused_fraction: f64,
    /// Degraded if more than this fraction of a client population's requests
    /// failed for good (out of attempts, budget or breaker).
    pub max_failed_request_fraction: f64,
    /// Degraded if a consumer had every worker busy in more than this
    /// fraction of the samples after warm-up.
    pub max_saturated_fraction: f64,
    /// A consumer group that spends more than this share of the run
    /// rebalancing is in a rebalance storm.
    pub max_rebalancing_fraction: f64,
}

impl Default for VerdictConfig {
    fn default() -> Self {
        VerdictConfig {
            window_fraction: 0.25,
            min_growth_fraction: 0.05,
            min_growth_messages: 100.0,
            max_loss_fraction: 0.01,
            recovery_fraction: 0.5,
            recovery_window_s: 60.0,
            recovery_level_factor: 2.0,
            recovery_age_slack_s: 5.0,
            max_dead_lettered_after_success_fraction: 0.0,
            max_dead_letter_fraction: 0.01,
            max_applied_twice_fraction: 0.0,
            max_out_of_order_fraction: 0.0,
            max_lost_fraction: 0.0,
            max_refused_fraction: 0.01,
            max_failed_request_fraction: 0.01,
            max_saturated_fraction: 0.8,
            max_rebalancing_fraction: 0.2,
        }
    }
}

mod defaults {
    use super::DistSpec;
    // SQS defaults: visibility 30 s, retention 4 days, long-poll wait up to 20 s.
    pub fn visibility_timeout_s() -> f64 {
        30.0
    }
    pub fn retention_s() -> f64 {
        345_600.0
    }
    pub fn partitions() -> u32 {
        1
    }
    pub fn topic_retention_s() -> f64 {
        604_800.0
    }
    pub fn retention_check_s() -> f64 {
        1.0
    }
    /// Kafka's delete.retention.ms: 86400000 (1 day).
    pub fn delete_retention_s() -> f64 {
        86_400.0
    }
    /// Kafka's log.cleaner.backoff.ms is 15 s (the cleaner's sleep when it
    /// finds nothing to clean).
    pub fn compaction_interval_s() -> f64 {
        15.0
    }
    pub fn wait_time_s() -> f64 {
        20.0
    }
    pub fn empty_poll_pause_s() -> f64 {
        1.0
    }
    pub fn reps() -> u32 {
        5
    }
    pub fn processing_s() -> DistSpec {
        DistSpec::constant(0.1)
    }
}

/// `[[broker]]`: a RabbitMQ-like node holding `queues`, which blocks every
/// publisher on it while the bytes its queues hold pass its memory high
/// watermark.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BrokerConfig {
    pub name: String,
    pub queues: Vec<String>,
    /// The node's memory.
    pub memory_mb: f64,
    /// RabbitMQ's `vm_memory_high_watermark.relative`: 0.6 since 4.0.
    #[serde(default = "high_watermark")]
    pub high_watermark: f64,
}

fn high_watermark() -> f64 {
    0.6
}
