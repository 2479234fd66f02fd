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
    /// Brokers, acks and what they lost, for a replicated topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<ReplicationSummary>,
    /// Publishes refused as larger than `max_message_bytes`; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub refused_too_large: u64,
    /// The cleaner's work, for a compacted topic (`cleanup_policy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compaction: Option<CompactionSummary>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct CompactionSummary {
    pub cleanup_policy: String,
    pub compaction_passes: u64,
    /// Records removed because a later record of their key was cleaned.
    pub records_compacted: u64,
    /// Tombstones removed after `delete_retention_s`, the latest of their key.
    pub tombstones_removed: u64,
    /// Keys whose latest record is not a tombstone: the most at a pass, and
    /// at the end.
    pub live_keys_peak: u64,
    pub live_keys_final: u64,
    /// Records the topic holds: the most (just before a pass), and at the end.
    pub held_records_peak: u64,
    pub held_records_final: u64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ReplicationSummary {
    pub brokers: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    /// Records the partitions' leaders appended.
    pub sent: u64,
    /// Writes refused: acks=all with too few in-sync replicas.
    pub not_enough_replicas: u64,
    /// Writes refused: the partition had no leader.
    pub offline_refusals: u64,
    /// Records every in-sync replica had (the consumers' view).
    pub committed: u64,
    /// Acknowledged, then lost, by cause.
    pub acked_lost: u64,
    pub acked_lost_leader_failover: u64,
    pub acked_lost_unclean_election: u64,
    /// Lost before the producer was told (it saw an error).
    pub unacked_lost: u64,
    /// Above the high watermarks at the end.
    pub unreplicated: u64,
    pub leader_elections: u64,
    pub unclean_elections: u64,
    pub offline_periods: u64,
    /// acks=all: how long the in-sync replicas took to have a record.
    pub ack_wait_mean_s: f64,
    pub ack_wait_max_s: f64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PartitionLag {
    pub partition: u32,
    /// Its owner at the end (none: nobody in the group).
    pub member: Option<u32>,
    pub processed: u64,
    pub duplicates: u64,
    /// Deleted by retention before the group processed them.
    pub lost_to_retention: u64,
    /// Committed before processing, then dropped by a crash.
    pub lost_to_crashes: u64,
    pub dead_lettered: u64,
    /// Compacted away before the group fetched them; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub superseded_by_compaction: u64,
    /// Tombstones compacted away before the group fetched them; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub missed_deletes: u64,
    /// Deleted by retention before a group with `start_s` joined; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub deleted_before_join: u64,
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
    /// Compacted away before the group fetched them (a later record of the
    /// key read instead); left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub superseded_by_compaction: u64,
    /// Deletes (tombstones) compacted away before the group fetched them:
    /// keys it still holds that are gone; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub missed_deletes: u64,
    /// Deleted by retention before the group joined (`start_s`): not its
    /// loss; left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub deleted_before_join: u64,
    /// Crashes' and membership changes' rebalances.
    pub rebalances: u64,
    pub lag: u64,
    pub max_lag_s: f64,
    /// Members that came and went and what their rebalances cost, for a
    /// group with `[consumer.group.membership]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<MembershipSummary>,
    pub partitions: Vec<PartitionLag>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct MembershipSummary {
    /// "eager" or "cooperative".
    pub protocol: String,
    pub static_membership: bool,
    /// Rebalances membership changes started (a change during a rebalance
    /// restarts it: one).
    pub rebalances: u64,
    /// Time from the start of each rebalance to its end, summed, and its
    /// share of the run.
    pub rebalancing_s: f64,
    pub rebalancing_fraction: f64,
    /// Partition-seconds no member could fetch because a rebalance moved the
    /// partition (eager: every partition, for the whole rebalance).
    pub paused_partition_s: f64,
    /// Partition-seconds owned by a member that was down, within its
    /// session (static membership): they waited for it.
    pub owner_down_partition_s: f64,
    pub partitions_moved: u64,
    /// Members expelled for a batch longer than max.poll.interval.ms.
    pub expelled_slow: u64,
    /// Down members the group found out about when their session timed out.
    pub session_expiries: u64,
    pub leaves: u64,
    pub joins: u64,
    /// Static members back within their session timeout: nothing moved.
    pub static_returns: u64,
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
            refused_too_large: self.size_gate.refused,
            compaction: self.compaction.as_ref().map(|c| CompactionSummary {
                cleanup_policy: if c.p.deletes {
                    "compact,delete"
                } else {
                    "compact"
                }
                .to_string(),
                compaction_passes: c.c.passes,
                records_compacted: c.c.records_compacted,
                tombstones_removed: c.c.tombstones_removed,
                live_keys_peak: c.c.live_keys_peak.max(self.live_keys()),
                live_keys_final: self.live_keys(),
                held_records_peak: c.c.held_peak.max(self.held()),
                held_records_final: self.held(),
            }),
            replication: self.replication.as_ref().map(|r| {
                let c = &r.c;
                ReplicationSummary {
                    brokers: r.p.brokers,
                    replication_factor: r.p.factor,
                    min_insync_replicas: r.p.min_insync,
                    sent: c.sent,
                    not_enough_replicas: c.not_enough_replicas,
                    offline_refusals: c.offline,
                    committed: c.committed,
                    acked_lost: r.acked_lost(),
                    acked_lost_leader_failover: c.acked_lost_failover,
                    acked_lost_unclean_election: c.acked_lost_unclean,
                    unacked_lost: c.unacked_lost,
                    unreplicated: r.unreplicated(),
                    leader_elections: c.leader_elections,
                    unclean_elections: c.unclean_elections,
                    offline_periods: c.offline_periods,
                    ack_wait_mean_s: if c.acks_all == 0 {
                        0.0
                    } else {
                        c.ack_wait_total_s / c.acks_all as f64
                    },
                    ack_wait_max_s: c.ack_wait_max_s,
                }
            }),
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
                    member: self.owner(p).map(|m| m as u32),
                    processed: s.processed,
                    duplicates: s.duplicates,
                    lost_to_retention: s.lost_to_retention,
                    lost_to_crashes: s.lost_to_crashes,
                    dead_lettered: s.dead_lettered,
                    superseded_by_compaction: s.superseded,
                    missed_deletes: s.missed_deletes,
                    deleted_before_join: s.deleted_before_join,
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
            superseded_by_compaction: partitions.iter().map(|p| p.superseded_by_compaction).sum(),
            missed_deletes: partitions.iter().map(|p| p.missed_deletes).sum(),
            deleted_before_join: partitions.iter().map(|p| p.deleted_before_join).sum(),
            rebalances: self.rebalances + self.membership.as_ref().map_or(0, |m| m.c.rebalances),
            membership: self.membership.as_ref().map(|ms| {
                let c = &ms.c;
                let run = to_secs(end).max(1e-9);
                MembershipSummary {
                    protocol: match ms.p.protocol {
                        crate::scenario::RebalanceProtocol::Eager => "eager",
                        crate::scenario::RebalanceProtocol::Cooperative => "cooperative",
                    }
                    .to_string(),
                    static_membership: ms.p.static_members,
                    rebalances: c.rebalances,
                    rebalancing_s: to_secs(ms.rebalancing_to(end)),
                    rebalancing_fraction: to_secs(ms.rebalancing_to(end)) / run,
                    paused_partition_s: to_secs(ms.paused_to(end)),
                    owner_down_partition_s: to_secs(ms.owner_down_to(end)),
                    partitions_moved: c.partitions_moved,
                    expelled_slow: c.expelled_slow,
                    session_expiries: c.session_expiries,
                    leaves: c.leaves,
                    joins: c.joins,
                    static_returns: c.static_returns,
                }
            }),
            lag: partitions.iter().map(|p| p.lag).sum(),
            max_lag_s: partitions.iter().map(|p| p.lag_s).fold(0.0, f64::max),
            partitions,
        }
    }
}
