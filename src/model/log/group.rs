//! A consumer group's view of a topic: which member owns which partition, how
//! far each partition has been fetched (position) and processed (committed: the
//! group commits after processing), and what retention took before the group
//! read it. Lag is the distance from the committed offset to the log end.

use super::Topic;
use crate::engine::SimTime;

#[derive(Clone, Debug, Default)]
pub struct PartitionState {
    /// Next offset to fetch.
    pub position: u64,
    /// Next offset to process (committed after processing).
    pub committed: u64,
    pub processed: u64,
    /// Records deleted by retention before the group processed them.
    pub lost: u64,
}

pub struct GroupState {
    pub topic: u16,
    pub partitions: Vec<PartitionState>,
    /// Each member's partitions (round robin; members beyond P own none).
    pub assigned: Vec<Vec<usize>>,
    /// Where each member's next fetch starts looking, for fairness.
    cursor: Vec<usize>,
}

impl GroupState {
    pub fn new(topic: u16, partitions: usize, members: usize) -> GroupState {
        let mut assigned = vec![Vec::new(); members];
        for p in 0..partitions {
            assigned[p % members.max(1)].push(p);
        }
        GroupState {
            topic,
            partitions: vec![PartitionState::default(); partitions],
            assigned,
            cursor: vec![0; members],
        }
    }

    /// The owner of a partition.
    pub fn owner(&self, p: usize) -> usize {
        p % self.assigned.len()
    }

    /// A partition of `member` with records to fetch, taking turns.
    pub fn next_partition(&mut self, member: usize, topic: &Topic) -> Option<usize> {
        let mine = &self.assigned[member];
        let n = mine.len();
        (0..n)
            .map(|i| mine[(self.cursor[member] + i) % n])
            .find(|&p| self.partitions[p].position < topic.partitions[p].end())
            .inspect(|&p| {
                let i = mine.iter().position(|&q| q == p).unwrap_or(0);
                self.cursor[member] = (i + 1) % n;
            })
    }

    /// The log start moved to `start`: whatever the group had not reached is lost.
    pub fn log_start_moved(&mut self, p: usize, start: u64) {
        let s = &mut self.partitions[p];
        if s.committed < start {
            s.lost += start - s.committed;
            s.committed = start;
        }
        s.position = s.position.max(start);
    }

    /// Records not yet processed, and the age of the oldest of them.
    pub fn lag(&self, p: usize, topic: &Topic, now: SimTime) -> (u64, SimTime) {
        let s = &self.partitions[p];
        let part = &topic.partitions[p];
        let records = part.end().saturating_sub(s.committed);
        let age = part
            .get(s.committed)
            .map_or(0, |r| now.saturating_sub(r.published));
        (records, age)
    }
}
