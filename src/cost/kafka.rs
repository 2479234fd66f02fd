//! Kafka: broker-hours (enough brokers for every partition's replicas),
//! partition-hours, and storage of what the topics hold × the replication
//! factor.

use super::{Item, MONTH_H, Priced, item, size_to};
use crate::scenario::{CostConfig, Scenario};

pub(super) fn items(s: &Scenario, sum: &Priced, p: &CostConfig, hours: f64) -> Vec<Item> {
    if sum.topics.is_empty() {
        return vec![];
    }
    let rf = u64::from(p.kafka_replication_factor);
    let partitions: u64 = sum.topics.iter().map(|t| u64::from(t.partitions)).sum();
    let brokers = u64::from(p.kafka_brokers)
        .max((partitions * rf).div_ceil(u64::from(p.kafka_partitions_per_broker.max(1))));
    let mut out = vec![item(
        "kafka",
        "broker_hours",
        "kafka",
        brokers as f64 * hours,
        "broker-hours",
        p.kafka_broker_per_hour,
    )];
    for t in sum.topics {
        out.push(item(
            &t.name,
            "partition_hours",
            "kafka",
            f64::from(t.partitions) * hours,
            "partition-hours",
            p.kafka_per_partition_hour,
        ));
        // What the topic holds at the end, kept for the whole run: an upper
        // bound of its storage over time.
        let held = t.appended.saturating_sub(t.deleted) as f64;
        let gb = held * f64::from(size_to(s, sum, &t.name)) * rf as f64 / 1e9;
        out.push(item(
            &t.name,
            "storage",
            "kafka",
            gb * hours / MONTH_H,
            "GB-months",
            p.kafka_storage_per_gb_month,
        ));
    }
    out
}
