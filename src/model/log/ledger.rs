//! A consumer group's own books: in each partition, every offset below
//! `done` was processed once, lost (retention or a crash), dead-lettered or
//! superseded (compacted away before the group fetched it) or deleted
//! before the group joined,
//! and nothing is done or committed beyond the log's end.

use crate::metrics::imbalance::Imbalance;
use crate::model::log::Topic;
use crate::model::log::group::GroupState;

impl GroupState {
    /// `group` names it in a problem; `topic` is the one it reads.
    pub fn own_books(&self, group: &str, topic: &Topic, out: &mut Vec<Imbalance>) {
        for (i, (s, part)) in self.partitions.iter().zip(&topic.partitions).enumerate() {
            let accounted = s.processed
                + s.lost_to_retention
                + s.lost_to_crashes
                + s.dead_lettered
                + s.superseded
                + s.deleted_before_join;
            if accounted != s.accounted_to() || s.done > part.end() || s.committed > part.end() {
                out.push(Imbalance::Partition {
                    group: group.to_string(),
                    partition: i,
                    done: s.done,
                    end: part.end(),
                    processed: s.processed,
                    lost_to_retention: s.lost_to_retention,
                    lost_to_crashes: s.lost_to_crashes,
                    dead_lettered: s.dead_lettered,
                    superseded: s.superseded + s.deleted_before_join,
                });
            }
        }
    }
}
