//! `[cost]`: the prices the cost model uses (src/cost/). Defaults are list
//! prices for us-east-1 as of the date in docs/cost.md, with their sources
//! there; every one can be set in the scenario.

use serde::{Deserialize, Deserializer, Serialize};

/// The date the default prices were read (docs/cost.md).
pub const PRICES_AS_OF: &str = "2026-12-01";

/// Prices in US dollars.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CostConfig {
    /// SQS standard queue, per million requests (64 KB chunks).
    pub sqs_per_million_requests: f64,
    /// SQS FIFO queue, per million requests.
    pub sqs_fifo_per_million_requests: f64,
    /// SNS, per million publishes (64 KB chunks).
    pub sns_per_million_publishes: f64,
    /// SNS deliveries to HTTP(S) endpoints, per million (to SQS: free).
    pub sns_per_million_http_deliveries: f64,
    /// Lambda, per million requests (invocations).
    pub lambda_per_million_requests: f64,
    /// Lambda, per GB-second of billed duration (x86).
    pub lambda_per_gb_second: f64,
    /// A database instance of the smallest size, per hour; each size up
    /// doubles it (RDS instance classes double from large to xlarge, …).
    pub database_per_hour: f64,
    /// Cores of the smallest database size.
    pub database_cores_per_size: u32,
    /// Connections the smallest database size allows.
    pub database_connections_per_size: u32,
    /// A dedupe store (DynamoDB on demand), per million writes and reads.
    pub dedupe_per_million_writes: f64,
    pub dedupe_per_million_reads: f64,
    /// A Kafka broker, per hour (MSK kafka.m5.large).
    pub kafka_broker_per_hour: f64,
    /// Brokers in the cluster, at least.
    pub kafka_brokers: u32,
    /// Partitions (replicas included) one broker holds; more need more brokers.
    pub kafka_partitions_per_broker: u32,
    /// Per partition-hour (0 on MSK; managed services that charge per
    /// partition set it).
    pub kafka_per_partition_hour: f64,
    /// Storage, per GB-month, of each replica.
    pub kafka_storage_per_gb_month: f64,
    pub kafka_replication_factor: u32,
    /// A worker instance (a pool's worker, a group's member, an endpoint's
    /// worker), per hour.
    pub worker_per_hour: f64,
    /// Workers one instance runs.
    pub workers_per_instance: u32,
    /// The scenario has a `[cost]` table (not a key): its time series then
    /// has the cost so far (`cost_usd`), so a scenario without one keeps its
    /// columns.
    #[serde(skip)]
    pub given: bool,
}

/// Reads a `[cost]` table, marking it given.
pub(super) fn given<'de, D: Deserializer<'de>>(d: D) -> Result<CostConfig, D::Error> {
    let mut c = CostConfig::deserialize(d)?;
    c.given = true;
    Ok(c)
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            sqs_per_million_requests: 0.40,
            sqs_fifo_per_million_requests: 0.50,
            sns_per_million_publishes: 0.50,
            sns_per_million_http_deliveries: 0.60,
            lambda_per_million_requests: 0.20,
            lambda_per_gb_second: 0.000_016_666_7,
            database_per_hour: 0.225,
            database_cores_per_size: 2,
            database_connections_per_size: 1000,
            dedupe_per_million_writes: 0.625,
            dedupe_per_million_reads: 0.125,
            kafka_broker_per_hour: 0.21,
            kafka_brokers: 3,
            kafka_partitions_per_broker: 1000,
            kafka_per_partition_hour: 0.0,
            kafka_storage_per_gb_month: 0.10,
            kafka_replication_factor: 3,
            worker_per_hour: 0.0408,
            workers_per_instance: 1,
            given: false,
        }
    }
}
