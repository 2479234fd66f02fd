//! A consumer group's view of a topic: which member owns which partition, how
//! far each partition has been fetched (position), committed, and processed,
//! and what retention, crashes and the dead-letter topic took. Lag is the
//! distance from the committed offset to the log end: where the group would
//! resume.
//!
//! Every offset below `done` was processed once, lost, dead-lettered, or (on
//! a compacted topic) superseded: removed by the cleaner before the group
//! fetched it, `done` jumping over the hole. A record processed again below
//! it is a duplicate.

use super::Topic;
use super::membership::Membership;
use crate::engine::{Rng, SimTime, from_secs};
use crate::metrics::Latency;
use crate::model::event::TopicId;
use crate::scenario::Commit;
use rand::RngExt;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub struct PartitionState {
    /// Next offset to fetch.
    pub position: u64,
    /// Where the group resumes after a rebalance.
    pub committed: u64,
    /// Every offset below has been processed, lost or dead-lettered.
    pub done: u64,
    /// Records processed (first time only).
    pub processed: u64,
    pub duplicates: u64,
    /// Offsets below were processed again at least once already (so that a
    /// record processed a third time counts once as applied more than once).
    pub repeated_to: u64,
    /// Deleted by retention before the group processed them.
    pub lost_to_retention: u64,
    /// Committed before processing, then dropped by a crash.
    pub lost_to_crashes: u64,
    pub dead_lettered: u64,
    /// Compacted away before the group fetched them (a later record of the
    /// key stands for them): offsets `done` jumped over.
    pub superseded: u64,
    /// Deleted by retention before the group joined (`start_s`): never its
    /// to read, so not lost.
    pub deleted_before_join: u64,
    /// Tombstones the cleaner removed before the group fetched them: deletes
    /// the group never saw.
    pub missed_deletes: u64,
    /// Ranges retention deleted before the group fetched them while records
    /// below them were still in a member's hands: counted lost already; `done`
    /// jumps over each when the member gets there.
    pub gaps: VecDeque<(u64, u64)>,
}

impl PartitionState {
    /// Offsets accounted for: everything below `done`, and the pending gaps.
    pub fn accounted_to(&self) -> u64 {
        self.done + self.gaps.iter().map(|(a, b)| b - a).sum::<u64>()
    }

    fn jump_gaps(&mut self) {
        while let Some(&(a, b)) = self.gaps.front()
            && self.done >= a
        {
            self.done = self.done.max(b);
            self.gaps.pop_front();
        }
    }
}

pub struct GroupParams {
    pub commit: Commit,
    pub commit_interval: SimTime,
    pub crashes: Vec<SimTime>,
    /// Random crashes per second (0: none).
    pub crash_rate: f64,
    pub rebalance: SimTime,
    pub max_attempts: u32,
    /// Where dead-lettered records are appended (else they are only counted).
    pub dead_letter_topic: Option<TopicId>,
    /// A retry topic's delay: a record waits this long after its append.
    pub delay: SimTime,
    /// When the group joins, reading from the earliest offset.
    pub start: SimTime,
}

pub struct GroupState {
    pub topic: TopicId,
    pub p: GroupParams,
    pub partitions: Vec<PartitionState>,
    /// Each member's partitions (round robin; members beyond P own none).
    pub assigned: Vec<Vec<usize>>,
    /// Where each member's next fetch starts looking, for fairness.
    cursor: Vec<usize>,
    /// A retry topic's members: when each one's wake-up is set for.
    pub wake_at: Vec<Option<SimTime>>,
    /// Stopped for a rebalance until this time.
    pub paused_until: Option<SimTime>,
    pub rebalances: u64,
    /// Draws the times of random crashes.
    pub crash_rng: Option<Rng>,
    /// Append → first fetch by this group (a queue's receive wait).
    pub wait: Latency,
    /// Members that come and go, and the rebalances they start
    /// (`membership.rs`); none: members never leave.
    pub membership: Option<Box<Membership>>,
    /// On a compacted topic: the keys whose last record the group fetched
    /// was a value, not a tombstone (it holds them). A tombstone of one of
    /// them compacted away unread is a delete the group missed. Its memory
    /// follows the keys, not the records.
    pub keys_held: Option<std::collections::HashSet<u32>>,
}

impl GroupState {
    pub fn new(topic: TopicId, partitions: usize, members: usize, p: GroupParams) -> GroupState {
        let mut assigned = vec![Vec::new(); members];
        for part in 0..partitions {
            assigned[part % members.max(1)].push(part);
        }
        GroupState {
            topic,
            p,
            partitions: vec![PartitionState::default(); partitions],
            assigned,
            cursor: vec![0; members],
            wake_at: vec![None; members],
            paused_until: None,
            rebalances: 0,
            crash_rng: None,
            wait: Latency::default(),
            membership: None,
            keys_held: None,
        }
    }

    /// The membership's assignment becomes the members' partitions.
    pub fn install_assignment(&mut self) {
        let Some(ms) = &self.membership else { return };
        for a in &mut self.assigned {
            a.clear();
        }
        for (p, o) in ms.owner.iter().enumerate() {
            if let Some(m) = *o {
                self.assigned[m].push(p);
            }
        }
        for c in &mut self.cursor {
            *c = 0;
        }
    }

    /// Time to the next random crash, if crashes come at a rate.
    pub fn next_crash_in(&mut self) -> Option<SimTime> {
        let rate = self.p.crash_rate;
        let rng = self.crash_rng.as_mut().filter(|_| rate > 0.0)?;
        let u: f64 = rng.random();
        Some(from_secs(-(1.0 - u).ln() / rate).max(1))
    }

    /// The owner of a partition (none while nobody is in the group).
    pub fn owner(&self, p: usize) -> Option<usize> {
        match &self.membership {
            Some(ms) => ms.owner[p],
            None => Some(p % self.assigned.len()),
        }
    }

    /// A rebalance moves partition `p`: nobody fetches it meanwhile.
    fn paused(&self, p: usize) -> bool {
        self.membership.as_ref().is_some_and(|ms| ms.paused[p])
    }

    /// A partition of `member` with records to fetch, taking turns.
    pub fn next_partition(&mut self, member: usize, topic: &Topic) -> Option<usize> {
        let mine = &self.assigned[member];
        let n = mine.len();
        let found = (0..n)
            .map(|i| mine[(self.cursor[member] + i) % n])
            .find(|&p| {
                topic.partitions[p].has_from(self.partitions[p].position) && !self.paused(p)
            })?;
        let i = mine.iter().position(|&q| q == found).unwrap_or(0);
        self.cursor[member] = (i + 1) % n;
        Some(found)
    }

    /// A retry topic's member: the next of its partitions whose next record
    /// is due (appended at least the delay ago).
    pub fn next_due(&mut self, member: usize, topic: &Topic, now: SimTime) -> Option<usize> {
        let mine = &self.assigned[member];
        let n = mine.len();
        let delay = self.p.delay;
        let found = (0..n)
            .map(|i| mine[(self.cursor[member] + i) % n])
            .find(|&p| {
                let at = self.partitions[p].position;
                if self.paused(p) {
                    return false;
                }
                topic.partitions[p]
                    .next_at(at)
                    .is_some_and(|(_, r)| r.published.saturating_add(delay) <= now)
            })?;
        let i = mine.iter().position(|&q| q == found).unwrap_or(0);
        self.cursor[member] = (i + 1) % n;
        Some(found)
    }

    /// When the earliest next record of a member's partitions is due.
    pub fn next_due_at(&self, member: usize, topic: &Topic) -> Option<SimTime> {
        self.assigned[member]
            .iter()
            .filter_map(|&p| topic.partitions[p].next_at(self.partitions[p].position))
            .map(|(_, r)| r.published.saturating_add(self.p.delay))
            .min()
    }

    /// Records [from, to) were fetched.
    pub fn fetched(&mut self, p: usize, to: u64) {
        let s = &mut self.partitions[p];
        s.position = to;
        if self.p.commit == Commit::BeforeProcessing {
            s.committed = to;
        }
    }

    /// Offset `o` of partition `p` was processed (or dead-lettered); false if it
    /// had been before (a duplicate).
    pub fn completed(&mut self, p: usize, o: u64, dead_lettered: bool) -> bool {
        let s = &mut self.partitions[p];
        if o < s.done {
            s.duplicates += u64::from(!dead_lettered);
            return false;
        }
        // Offsets between `done` and `o` are holes compaction left (a
        // pending retention gap aside): superseded.
        while o > s.done {
            match s.gaps.front() {
                Some(&(a, b)) if a <= o => {
                    s.superseded += a.saturating_sub(s.done);
                    s.done = s.done.max(b);
                    s.gaps.pop_front();
                }
                _ => {
                    s.superseded += o - s.done;
                    s.done = o;
                }
            }
        }
        if dead_lettered {
            s.dead_lettered += 1;
        } else {
            s.processed += 1;
        }
        s.done = o + 1;
        s.jump_gaps();
        true
    }

    /// Offset `o` of partition `p` was processed again: true if for the first
    /// time (rewinds go back in order, so a watermark is enough).
    pub fn first_repeat(&mut self, p: usize, o: u64) -> bool {
        let s = &mut self.partitions[p];
        let first = o >= s.repeated_to;
        s.repeated_to = s.repeated_to.max(o + 1);
        first
    }

    /// A fetched batch, up to offset `to`, is done: commit after processing.
    pub fn batch_done(&mut self, p: usize, to: u64) {
        if self.p.commit == Commit::AfterProcessing {
            let s = &mut self.partitions[p];
            s.committed = s.committed.max(to);
        }
    }

    /// Auto-commit: the fetched positions become the committed offsets.
    pub fn commit_positions(&mut self) {
        for s in &mut self.partitions {
            s.committed = s.position;
        }
    }

    /// A rebalance: every partition resumes from its committed offset. What was
    /// committed but never processed is lost. `starts` are the log starts: the
    /// records members dropped below them are gone, lost to retention.
    pub fn rewind(&mut self, starts: &[u64]) {
        self.rebalances += 1;
        for (p, &start) in starts.iter().enumerate() {
            self.rewind_partition(p, start);
        }
    }

    /// Partition `p` resumes from its committed offset (at a new owner, or
    /// after its member dropped its batch); `start` is its log start.
    pub fn rewind_partition(&mut self, p: usize, start: u64) {
        let s = &mut self.partitions[p];
        while let Some((a, b)) = s.gaps.pop_front() {
            s.lost_to_retention += a - s.done;
            s.done = b;
        }
        if s.done < start {
            s.lost_to_retention += start - s.done;
            s.done = start;
        }
        if s.committed > s.done {
            s.lost_to_crashes += s.committed - s.done;
            s.done = s.committed;
        }
        s.position = s.committed;
    }

    /// Member `m` commits as it does before it rejoins or shuts down cleanly:
    /// what it processed (after-processing), or what it fetched (auto-commit,
    /// whose commit on rejoin and on close is of the fetched positions).
    pub fn commit_member(&mut self, m: usize) {
        for &p in &self.assigned[m] {
            let s = &mut self.partitions[p];
            match self.p.commit {
                Commit::AfterProcessing => s.committed = s.committed.max(s.done),
                Commit::Timer => s.committed = s.position,
                Commit::BeforeProcessing => {}
            }
        }
    }

    /// The log start moved to `start`: whatever the group had not done is lost.
    /// `trimmed`: on a compacted topic, the offsets retention deleted; the
    /// other offsets below `start` are holes, superseded.
    pub fn log_start_moved(&mut self, p: usize, start: u64, trimmed: Option<&[u64]>, now: SimTime) {
        let joined = now >= self.p.start;
        let s = &mut self.partitions[p];
        // Fetched records below the new start will still be processed; only
        // what was never fetched is lost.
        let counted = s.gaps.back().map_or(s.done, |g| g.1).max(s.done);
        let from = s.position.max(counted);
        if from < start {
            let lost = match trimmed {
                None => start - from,
                Some(t) => (t.len() - t.partition_point(|&o| o < from)) as u64,
            };
            // A group that joins later never had what was deleted before.
            if joined {
                s.lost_to_retention += lost;
            } else {
                s.deleted_before_join += lost;
            }
            s.superseded += start - from - lost;
            if from == s.done && s.gaps.is_empty() {
                s.done = start;
            } else {
                s.gaps.push_back((from, start));
            }
        }
        s.committed = s.committed.max(start);
        s.position = s.position.max(start);
    }

    /// Records not yet processed past the committed offset, and the age of the
    /// oldest of them.
    pub fn lag(&self, p: usize, topic: &Topic, now: SimTime) -> (u64, SimTime) {
        if now < self.p.start {
            return (0, 0); // the group does not exist yet
        }
        let s = &self.partitions[p];
        let part = &topic.partitions[p];
        let records = part.held_from(s.committed);
        let age = part
            .next_at(s.committed)
            .map_or(0, |(_, r)| now.saturating_sub(r.published));
        (records, age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(commit: Commit) -> GroupState {
        GroupState::new(
            TopicId(0),
            2,
            3,
            GroupParams {
                commit,
                commit_interval: 0,
                crashes: vec![],
                crash_rate: 0.0,
                rebalance: 0,
                max_attempts: 0,
                dead_letter_topic: None,
                delay: 0,
                start: 0,
            },
        )
    }

    #[test]
    fn members_beyond_the_partitions_idle() {
        let g = group(Commit::AfterProcessing);
        assert_eq!(g.assigned, vec![vec![0], vec![1], vec![]]);
    }

    #[test]
    fn commit_after_reprocesses_and_commit_before_loses() {
        // After: a batch of 4 done and committed, then 6 fetched, 3 processed,
        // crash: resume at 4, nothing lost, 3 to be processed again.
        let mut g = group(Commit::AfterProcessing);
        g.fetched(0, 4);
        for o in 0..4 {
            assert!(g.completed(0, o, false));
        }
        g.batch_done(0, 4);
        g.fetched(0, 10);
        for o in 4..7 {
            g.completed(0, o, false);
        }
        g.rewind(&[0, 0]);
        assert_eq!(g.partitions[0].position, 4);
        assert_eq!(g.partitions[0].lost_to_crashes, 0);
        assert!(!g.completed(0, 4, false), "processed again: a duplicate");
        // Before: 10 fetched and committed, 4 processed, crash: 6 lost.
        let mut g = group(Commit::BeforeProcessing);
        g.fetched(0, 10);
        for o in 0..4 {
            g.completed(0, o, false);
        }
        g.rewind(&[0, 0]);
        assert_eq!(g.partitions[0].lost_to_crashes, 6);
        assert_eq!(g.partitions[0].position, 10);
        // Timer: committed 10 at the tick, processed 4, crash: 6 lost; and a
        // tick before the processing caught up, then more processing: dups.
        let mut g = group(Commit::Timer);
        g.fetched(0, 10);
        for o in 0..8 {
            g.completed(0, o, false);
        }
        g.rewind(&[0, 0]); // nothing committed yet: back to 0
        assert_eq!(g.partitions[0].position, 0);
        assert!(!g.completed(0, 0, false), "a duplicate");
        assert_eq!(g.partitions[0].duplicates, 1);
        let s = &g.partitions[0];
        assert_eq!(s.processed + s.lost_to_crashes + s.dead_lettered, s.done);
    }

    #[test]
    fn done_jumps_over_compacted_holes_as_superseded() {
        let mut g = group(Commit::AfterProcessing);
        g.fetched(0, 10);
        // Offsets 0, 1, 5 and 9 held; the rest compacted away.
        for o in [0, 1, 5, 9] {
            assert!(g.completed(0, o, false));
        }
        let s = &g.partitions[0];
        assert_eq!((s.processed, s.superseded, s.done), (4, 6, 10));
        // compact,delete: retention deleted offsets 12 and 14 of [10, 16).
        g.log_start_moved(0, 16, Some(&[12, 14]), 0);
        let s = &g.partitions[0];
        assert_eq!((s.lost_to_retention, s.superseded, s.done), (2, 10, 16));
    }
}
