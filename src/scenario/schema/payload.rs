//! Payloads: how big messages are, what a broker lets through, and the claim
//! check — `[[blob_store]]` (an S3-like object store), a producer's
//! `[producer.claim_check]` (payloads above a threshold go to the store and a
//! small pointer is sent instead) and what a consumer does when the pointer's
//! object is not there (`no_such_key`). Every key is optional: a scenario
//! without them runs as before.

use super::DistSpec;
use serde::{Deserialize, Serialize};

/// A broker's largest message: bytes, or the name of a published limit
/// (`"sqs"`, `"sqs_legacy"`, `"sns"`, `"eventbridge"`, `"kafka"`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum ByteLimit {
    Bytes(u64),
    Preset(String),
}

/// SQS's and EventBridge's message size limit since 2026: 1 MiB.
pub const SQS_MAX_BYTES: u64 = 1 << 20;
/// The limit before it (256 KiB), for accounts and SDKs still on it.
pub const SQS_LEGACY_MAX_BYTES: u64 = 256 << 10;
/// Kafka's `max.message.bytes` default (1 MiB plus the record batch overhead).
pub const KAFKA_MAX_BYTES: u64 = 1_048_588;
/// A Lambda invocation's request payload limit (6 MB, synchronous and event
/// source mappings).
pub const LAMBDA_PAYLOAD_BYTES: u64 = 6 * 1024 * 1024;

/// The presets a limit may name, and their bytes.
pub const BYTE_LIMIT_PRESETS: &[(&str, u64)] = &[
    ("sqs", SQS_MAX_BYTES),
    ("sqs_legacy", SQS_LEGACY_MAX_BYTES),
    ("sns", SQS_MAX_BYTES),
    ("sns_legacy", SQS_LEGACY_MAX_BYTES),
    ("eventbridge", SQS_MAX_BYTES),
    ("eventbridge_legacy", SQS_LEGACY_MAX_BYTES),
    ("kafka", KAFKA_MAX_BYTES),
];

impl ByteLimit {
    /// The limit in bytes; None for an unknown preset (validation reports it).
    pub fn bytes(&self) -> Option<u64> {
        match self {
            ByteLimit::Bytes(b) => Some(*b),
            ByteLimit::Preset(p) => BYTE_LIMIT_PRESETS
                .iter()
                .find(|(n, _)| n == p)
                .map(|&(_, b)| b),
        }
    }
}

/// What a claim-check producer does with its objects once their message is
/// processed.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Cleanup {
    /// The consumer deletes the object after processing the message (the SQS
    /// Extended Client's default): a later receive of the same message (a
    /// retry, a duplicate) finds nothing.
    #[default]
    DeleteAfterProcessing,
    /// The store's lifecycle rule expires the object (`expire_after_days`):
    /// processed messages leave orphans until then.
    Lifecycle,
    /// Both: deleted after processing, expired if never processed.
    Both,
    /// Neither: every object stays forever (digital waste).
    None,
}

impl Cleanup {
    pub fn deletes(self) -> bool {
        matches!(self, Cleanup::DeleteAfterProcessing | Cleanup::Both)
    }
    pub fn expires(self) -> bool {
        matches!(self, Cleanup::Lifecycle | Cleanup::Both)
    }
}

/// When the producer sends the pointer.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Upload {
    /// After the PUT is acknowledged (the Extended Client's way).
    #[default]
    Sync,
    /// At once, while the PUT is still under way (an asynchronous uploader):
    /// the pointer can reach a consumer before its object is readable.
    Async,
}

/// `[producer.claim_check]`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClaimCheckConfig {
    /// The `[[blob_store]]` the payloads go to.
    pub blob_store: String,
    /// Payloads larger than this go to the store (200 KB: the margin below
    /// the old 256 KiB limit that a message's attributes need).
    #[serde(default = "threshold_bytes")]
    pub threshold_bytes: u32,
    /// Every payload goes to the store (`alwaysThroughS3`).
    #[serde(default)]
    pub always: bool,
    /// The size of the pointer message sent instead (bucket, key, size).
    #[serde(default = "pointer_bytes")]
    pub pointer_bytes: u32,
    #[serde(default)]
    pub upload: Upload,
    #[serde(default)]
    pub cleanup: Cleanup,
}

fn threshold_bytes() -> u32 {
    200 * 1024
}
fn pointer_bytes() -> u32 {
    256
}

/// How a consumer treats a GET that finds no object (S3's NoSuchKey).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NoSuchKey {
    /// A failure like any other: the message returns to its queue, the
    /// receive counts toward `max_receive_count`.
    #[default]
    Transient,
    /// The message is given up at once: moved to its queue's dead-letter
    /// queue (deleted, lost, without one; a Lambda-like consumer reports it
    /// processed).
    Fatal,
}

/// `[[blob_store]]`: an S3-like object store.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BlobStoreConfig {
    pub name: String,
    /// A PUT's time before its bytes move (first byte, request overhead).
    #[serde(default = "put_s")]
    pub put_s: DistSpec,
    #[serde(default = "get_s")]
    pub get_s: DistSpec,
    #[serde(default = "delete_s")]
    pub delete_s: DistSpec,
    /// One connection's throughput: a request's time grows by size / this.
    #[serde(default = "bandwidth_mb_per_s")]
    pub bandwidth_mb_per_s: f64,
    /// Share of requests that fail (503 Slow Down, 500): the client retries
    /// at once, paying the request's time and price again.
    #[serde(default)]
    pub error_rate: f64,
    /// An object becomes readable this long after its PUT is acknowledged
    /// (a replica's lag; absent: at once, as S3 is since December 2020).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_after_s: Option<DistSpec>,
    /// The lifecycle rule: objects of producers whose `cleanup` expires are
    /// deleted this many days after their PUT. Absent: no rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_after_days: Option<f64>,
    /// Requests, US dollars per 1,000 (S3 Standard, us-east-1).
    #[serde(default = "put_per_1000")]
    pub put_per_1000: f64,
    #[serde(default = "get_per_1000")]
    pub get_per_1000: f64,
    #[serde(default)]
    pub delete_per_1000: f64,
    /// Storage, US dollars per GB-month (S3 Standard, first 50 TB).
    #[serde(default = "storage_per_gb_month")]
    pub storage_per_gb_month: f64,
    /// Bytes stored past this many GB collapse the run's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_budget_gb: Option<f64>,
}

fn put_s() -> DistSpec {
    DistSpec::constant(0.05)
}
fn get_s() -> DistSpec {
    DistSpec::constant(0.03)
}
fn delete_s() -> DistSpec {
    DistSpec::constant(0.02)
}
fn bandwidth_mb_per_s() -> f64 {
    85.0
}
fn put_per_1000() -> f64 {
    0.005
}
fn get_per_1000() -> f64 {
    0.0004
}
fn storage_per_gb_month() -> f64 {
    0.023
}

/// `[producer.batch]`: SQS's SendMessageBatch. A batch goes out when it holds
/// `max_messages`, when the next message would take it past `max_bytes`, or
/// `linger_s` after its first message.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SendBatchConfig {
    /// Entries per call: SQS takes 1 to 10.
    #[serde(default = "batch_max_messages")]
    pub max_messages: u32,
    /// The call's whole payload: SQS takes at most 1 MiB.
    #[serde(default = "batch_max_bytes")]
    pub max_bytes: u64,
    /// How long a batch waits for more messages after its first (the AWS
    /// SDK's batch manager sends every 200 ms by default).
    #[serde(default = "batch_linger_s")]
    pub linger_s: f64,
}

/// SendMessageBatch's limits: 10 entries, 1 MiB in all.
pub const SEND_BATCH_MAX_MESSAGES: u32 = 10;
pub const SEND_BATCH_MAX_BYTES: u64 = 1 << 20;

fn batch_max_messages() -> u32 {
    SEND_BATCH_MAX_MESSAGES
}
fn batch_max_bytes() -> u64 {
    SEND_BATCH_MAX_BYTES
}
fn batch_linger_s() -> f64 {
    0.2
}
