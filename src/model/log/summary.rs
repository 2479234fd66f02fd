//! A topic's entry in summary.json (where each partition's log stands), and a
//! consumer group's (how far behind it is, partition by partition).

use crate::engine::{SimTime, to_secs};
use crate::model::log::Topic;
use crate::model::log::group::GroupState;
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct TopicSummary {
    pub name: String,
    pub partitions: u32,
    pub appended: u64,
    /// Records deleted by retention.
    pub deleted: u64,
    /// Records appended to each partition.
    pub per_partition: Vec<u64>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PartitionLag {
    pub partition: u32,
    pub member: u32,
    pub processed: u64,
    pub duplicates: u64,
    /// Deleted by retention before the group processed them.
    pub lost_to_retention: u64,
    /// Committed before processing, then dropped by a crash.
    pub lost_to_crashes: u64,
    pub dead_lettered: u64,
    /// Records still to process at the end, and the age of the oldest.
    pub lag: u64,
    pub lag_s: f64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct GroupSummary {
    pub topic: String,
    pub members: u32,
    /// Members that own no partition (more members than partitions).
    pub idle_members: u32,
    pub processed: u64,
    pub duplicates: u64,
    pub lost_to_retention: u64,
    pub lost_to_crashes: u64,
    pub dead_lettered: u64,
    pub rebalances: u64,
    pub lag: u64,
    pub max_lag_s: f64,
    pub partitions: Vec<PartitionLag>,
}

impl Summarised for Topic {
    type Entry = TopicSummary;

    fn summary(&self, _: &Links) -> TopicSummary {
        TopicSummary {
            name: self.p.name.clone(),
            partitions: self.partitions.len() as u32,
            appended: self.appended,
            deleted: self.deleted(),
            per_partition: self.partitions.iter().map(|p| p.end()).collect(),
        }
    }
}

impl GroupState {
    /// The group's entry, part of its member consumer's; `topic` is the one
    /// it reads.
    pub fn summary(&self, topic: &Topic, end: SimTime) -> GroupSummary {
        let partitions: Vec<PartitionLag> = self
            .partitions
            .iter()
            .enumerate()
            .map(|(p, s)| {
                let (lag, age) = self.lag(p, topic, end);
                PartitionLag {
                    partition: p as u32,
                    member: self.owner(p) as u32,
                    processed: s.processed,
                    duplicates: s.duplicates,
                    lost_to_retention: s.lost_to_retention,
                    lost_to_crashes: s.lost_to_crashes,
                    dead_lettered: s.dead_lettered,
                    lag,
                    lag_s: to_secs(age),
                }
            })
            .collect();
        GroupSummary {
            topic: topic.p.name.clone(),
            members: self.assigned.len() as u32,
            idle_members: self.assigned.iter().filter(|a| a.is_empty()).count() as u32,
            processed: partitions.iter().map(|p| p.processed).sum(),
            duplicates: partitions.iter().map(|p| p.duplicates).sum(),
            lost_to_retention: partitions.iter().map(|p| p.lost_to_retention).sum(),
            lost_to_crashes: partitions.iter().map(|p| p.lost_to_crashes).sum(),
            dead_lettered: partitions.iter().map(|p| p.dead_lettered).sum(),
            rebalances: self.rebalances,
            lag: partitions.iter().map(|p| p.lag).sum(),
            max_lag_s: partitions.iter().map(|p| p.lag_s).fold(0.0, f64::max),
            partitions,
        }
    }
}
