//! A topic's brokers and replicas, and the failures of those brokers.
//! Defaults are Kafka's (docs/scenarios.md gives the source of each).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicationConfig {
    /// Brokers the topic's replicas are spread over.
    pub brokers: u32,
    /// Replicas of each partition (Kafka's default.replication.factor: 1;
    /// 3 is the usual production setting).
    #[serde(default = "default_factor")]
    pub replication_factor: u32,
    /// min.insync.replicas: an acks=all write needs this many replicas in
    /// sync, or fails fast with NotEnoughReplicas. Kafka: 1.
    #[serde(default = "default_min_insync")]
    pub min_insync_replicas: u32,
    /// How long a follower takes to fetch a record the leader appended (the
    /// replication round trip): what acks=all waits for.
    #[serde(default = "default_fetch_lag")]
    pub replica_fetch_lag_s: f64,
    /// replica.lag.time.max.ms: a follower further behind than this is out of
    /// the in-sync set. Kafka: 30 s.
    #[serde(default = "default_lag_time_max")]
    pub replica_lag_time_max_s: f64,
    /// unclean.leader.election.enable: with no in-sync replica alive, an
    /// out-of-sync one may lead (and its log wins). Kafka: false.
    #[serde(default)]
    pub unclean_leader_election: bool,
    /// Broker failures at given times.
    #[serde(default)]
    pub failures: Vec<BrokerFailure>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerFailure {
    /// The broker, from 0.
    pub broker: u32,
    pub at_s: f64,
    /// How long it stays down.
    pub down_s: f64,
}

/// A producer's `acks`: how many replicas must have a record before the
/// producer counts it as sent. Kafka's default is `all` since 3.0 (KIP-679).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Acks {
    /// Fire and forget: sent once it leaves the producer.
    #[serde(rename = "0")]
    None,
    /// The leader has it.
    #[serde(rename = "1")]
    Leader,
    /// Every in-sync replica has it.
    #[default]
    #[serde(rename = "all")]
    All,
}

fn default_factor() -> u32 {
    1
}
fn default_min_insync() -> u32 {
    1
}
fn default_fetch_lag() -> f64 {
    0.005
}
fn default_lag_time_max() -> f64 {
    30.0
}
