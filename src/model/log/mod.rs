//! The partitioned log (docs/model.md "Log (Kafka-like)"): a topic of P append-only
//! partitions. Records stay until retention deletes them from the head, whatever
//! the consumer groups have read; each group keeps its own offsets (`group.rs`).
//! A compacted topic's cleaner keeps the latest record of each key
//! (`compaction.rs`): its partitions then have holes in their offsets.

pub mod compaction;
mod flow;

pub(crate) use flow::Fetch;

pub mod group;
mod ledger;
pub mod membership;
mod observe;
mod rebalance;
pub mod replication;
pub mod summary;

use crate::engine::SimTime;
use crate::model::event::ConsumerId;
use crate::model::message::{Arena, Message};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug)]
pub struct Record {
    pub published: SimTime,
    /// The first publish of the pipeline chain it belongs to, plus one (0:
    /// it started its own), when a stage published it (`consumer/onward.rs`).
    pub lineage: SimTime,
    pub key: u32,
    pub size: u32,
    pub cost: f32,
    pub poison: bool,
    /// A key with a null value: a delete, on a compacted topic.
    pub tombstone: bool,
}

impl Record {
    /// A message's record: what a producer appends, or what a group
    /// dead-letters (with its original publish time).
    pub fn of(m: &Message) -> Record {
        Record {
            published: m.published,
            lineage: m.lineage_start().map_or(0, |s| s + 1),
            key: m.key,
            size: m.size,
            cost: m.cost,
            poison: m.poison,
            tombstone: false,
        }
    }

    /// As `of`, for a message in the arena.
    pub fn of_stored(arena: &Arena, slot: u32) -> Record {
        let m = arena.get(slot);
        Record {
            published: m.published,
            lineage: arena.lineage_start(slot).map_or(0, |s| s + 1),
            key: m.key,
            size: m.size,
            cost: m.cost,
            poison: m.poison(),
            tombstone: false,
        }
    }
}

#[derive(Default)]
pub struct Partition {
    pub log: VecDeque<Record>,
    /// Offset of the first record still in the log (the log start).
    pub start: u64,
    pub bytes: u64,
    /// A compacted topic's partition: the offset of each record of `log`
    /// (compaction leaves holes), and the log end. Absent otherwise: a
    /// record's offset is then its place after `start`, as fast as before.
    holes: Option<Box<Offsets>>,
}

#[derive(Default)]
struct Offsets {
    of: VecDeque<u64>,
    end: u64,
    /// The offsets the last `trim` deleted (retention of `compact,delete`):
    /// the groups tell those lost from the holes among them.
    trimmed: Vec<u64>,
}

impl Partition {
    /// Retention no longer keeps the record at the head: older than
    /// `retention`, or the partition holds more than `max_bytes`.
    fn head_expired(&self, now: SimTime, retention: SimTime, max_bytes: Option<u64>) -> bool {
        self.log.front().is_some_and(|r| {
            now.saturating_sub(r.published) >= retention
                || max_bytes.is_some_and(|b| self.bytes > b)
        })
    }

    /// Deletes the record at the head (the caller moves the log start).
    fn pop_head(&mut self) {
        if let Some(r) = self.log.pop_front() {
            self.bytes -= r.size as u64;
        }
    }

    /// A compacted topic's partition: offsets kept beside the records.
    pub fn with_holes() -> Partition {
        Partition {
            holes: Some(Box::default()),
            ..Partition::default()
        }
    }

    /// The next offset to be written (the log end).
    pub fn end(&self) -> u64 {
        match &self.holes {
            None => self.start + self.log.len() as u64,
            Some(h) => h.end,
        }
    }

    pub fn get(&self, offset: u64) -> Option<&Record> {
        match &self.holes {
            None => offset
                .checked_sub(self.start)
                .and_then(|i| self.log.get(i as usize)),
            Some(h) => {
                h.of.binary_search(&offset)
                    .ok()
                    .and_then(|i| self.log.get(i))
            }
        }
    }

    /// The index in `log` of the first record at or after `offset`.
    fn index_from(&self, offset: u64) -> usize {
        match &self.holes {
            None => offset.saturating_sub(self.start) as usize,
            Some(h) => h.of.partition_point(|&o| o < offset),
        }
    }

    /// The first record at or after `offset`, with its offset (without
    /// holes: the record at `offset`, as `get`).
    pub fn next_at(&self, offset: u64) -> Option<(u64, &Record)> {
        match &self.holes {
            None => self.get(offset).map(|r| (offset, r)),
            Some(h) => {
                let i = self.index_from(offset);
                Some((*h.of.get(i)?, &self.log[i]))
            }
        }
    }

    /// Up to `n` records from `offset` on, with their offsets, in order.
    pub fn records_from(&self, offset: u64, n: usize) -> impl Iterator<Item = (u64, &Record)> {
        let i = self.index_from(offset).min(self.log.len());
        let offsets = self.holes.as_ref().map(|h| &h.of);
        self.log
            .range(i..)
            .take(n)
            .enumerate()
            .map(move |(j, r)| match offsets {
                None => (offset + j as u64, r),
                Some(of) => (of[i + j], r),
            })
    }

    /// Records held at or after `offset` (a group's lag from its commit).
    pub fn held_from(&self, offset: u64) -> u64 {
        match &self.holes {
            None => self.end().saturating_sub(offset),
            Some(_) => (self.log.len() - self.index_from(offset).min(self.log.len())) as u64,
        }
    }

    /// A record to fetch at or after `offset`.
    pub fn has_from(&self, offset: u64) -> bool {
        match &self.holes {
            None => offset < self.end(),
            Some(h) => h.of.back().is_some_and(|&o| o >= offset),
        }
    }

    /// The offsets the last `trim` deleted, when the partition has holes.
    pub fn trimmed(&self) -> Option<&[u64]> {
        self.holes.as_ref().map(|h| h.trimmed.as_slice())
    }
}

pub struct TopicParams {
    pub name: String,
    pub retention: SimTime,
    pub retention_bytes: Option<u64>,
    /// The period of the retention timer, which trims partitions that receive
    /// nothing (an append trims its own partition at once).
    pub retention_check: SimTime,
}

pub struct Topic {
    pub p: TopicParams,
    pub partitions: Vec<Partition>,
    /// Next partition for a record without a key.
    round_robin: usize,
    /// Consumers (groups) reading this topic.
    pub groups: Vec<ConsumerId>,
    pub appended: u64,
    /// Records appended by groups dead-lettering into it (not arrivals).
    pub dead_letter_appends: u64,
    /// Its records carry keys (a dead-letter copy keeps them the same way).
    pub keyed: bool,
    /// A retry topic (a group reads it with a delay): a record dead-lettered
    /// into it is stamped with its append time, its first publish kept as
    /// its lineage.
    pub retry_topic: bool,
    /// `appended` when statistics were last reset (the warm-up's end).
    pub appended_mark: u64,
    /// Brokers and replicas, when the topic declares them.
    pub replication: Option<replication::Replication>,
    /// `max_message_bytes` (Kafka's `max.message.bytes`).
    pub size_gate: crate::model::size_gate::SizeGate,
    /// The cleaner of a compacted topic (`cleanup_policy`).
    pub compaction: Option<compaction::Compaction>,
}

/// A key's partition: a fixed mix of the key (Kafka hashes the key bytes with
/// murmur2; any good mix gives the same spread), modulo P.
pub fn partition_of(key: u32, partitions: usize) -> usize {
    let mut z = (key as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % partitions as u64) as usize
}

impl Topic {
    pub fn new(p: TopicParams, partitions: u32) -> Topic {
        Topic {
            p,
            partitions: (0..partitions).map(|_| Partition::default()).collect(),
            round_robin: 0,
            groups: Vec::new(),
            appended: 0,
            keyed: false,
            retry_topic: false,
            dead_letter_appends: 0,
            appended_mark: 0,
            replication: None,
            size_gate: Default::default(),
            compaction: None,
        }
    }

    /// A compacted topic: its partitions keep their records' offsets.
    pub fn compacted(p: TopicParams, partitions: u32, c: compaction::Compaction) -> Topic {
        let mut t = Topic::new(p, 0);
        t.partitions = (0..partitions).map(|_| Partition::with_holes()).collect();
        t.compaction = Some(c);
        t
    }

    /// Records deleted by retention: everything below the log starts
    /// (a compacted topic counts them as they go, holes apart).
    pub fn deleted(&self) -> u64 {
        match &self.compaction {
            None => self.partitions.iter().map(|p| p.start).sum(),
            Some(c) => c.c.retention_deleted,
        }
    }

    /// Records the topic holds.
    pub fn held(&self) -> u64 {
        self.partitions.iter().map(|p| p.log.len() as u64).sum()
    }

    /// Appends a record (keyed or not); returns its partition.
    pub fn append(&mut self, r: Record, keyed: bool) -> usize {
        let p = self.pick(r.key, keyed);
        self.append_at(p, r);
        p
    }

    /// The partition of a record with `key` (keyed or not).
    pub fn pick(&mut self, key: u32, keyed: bool) -> usize {
        let n = self.partitions.len();
        self.keyed |= keyed;
        if keyed {
            partition_of(key, n)
        } else {
            self.round_robin = (self.round_robin + 1) % n;
            self.round_robin
        }
    }

    /// Appends a record to partition `p` (where consumers see it).
    pub fn append_at(&mut self, p: usize, r: Record) {
        let part = &mut self.partitions[p];
        part.bytes += r.size as u64;
        part.log.push_back(r);
        if let Some(h) = &mut part.holes {
            h.of.push_back(h.end);
            h.end += 1;
        }
        self.appended += 1;
    }

    /// Deletes from the head of partition `p` what retention no longer keeps;
    /// returns the new log start.
    pub fn trim(&mut self, p: usize, now: SimTime) -> u64 {
        let (retention, max_bytes) = (self.p.retention, self.p.retention_bytes);
        if self.compaction.is_some() {
            return self.trim_compacted(p, now);
        }
        let part = &mut self.partitions[p];
        while part.head_expired(now, retention, max_bytes) {
            part.pop_head();
            part.start += 1;
        }
        part.start
    }

    /// `trim` on a compacted topic: `compact` alone keeps everything;
    /// `compact,delete` deletes from the head as retention says, and the
    /// log start moves to the next record held (over the holes).
    fn trim_compacted(&mut self, p: usize, now: SimTime) -> u64 {
        let (retention, max_bytes) = (self.p.retention, self.p.retention_bytes);
        let c = self.compaction.as_mut().expect("a compacted topic");
        let part = &mut self.partitions[p];
        part.holes
            .as_mut()
            .expect("a compacted partition")
            .trimmed
            .clear();
        if !c.p.deletes {
            return part.start;
        }
        while part.head_expired(now, retention, max_bytes) {
            part.pop_head();
            let h = part.holes.as_mut().expect("a compacted partition");
            let o = h.of.pop_front().expect("an offset per record");
            h.trimmed.push(o);
            c.c.retention_deleted += 1;
        }
        let h = part.holes.as_ref().expect("a compacted partition");
        if !h.trimmed.is_empty() {
            part.start = h.of.front().copied().unwrap_or(h.end);
        }
        part.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(published: SimTime, key: u32) -> Record {
        Record {
            published,
            lineage: 0,
            key,
            size: 100,
            cost: 1.0,
            poison: false,
            tombstone: false,
        }
    }

    #[test]
    fn keys_stick_to_a_partition_and_unkeyed_records_rotate() {
        let params = || TopicParams {
            name: "t".into(),
            retention: 1000,
            retention_bytes: Some(250),
            retention_check: 1_000_000_000,
        };
        let mut t = Topic::new(params(), 4);
        let p = t.append(record(0, 7), true);
        assert!((0..20).all(|_| t.append(record(0, 7), true) == p));
        let rr: Vec<usize> = (0..8).map(|_| t.append(record(0, 0), false)).collect();
        assert_eq!(rr, vec![1, 2, 3, 0, 1, 2, 3, 0]);
        // Bytes: 250 per partition keeps the last 2 records of 100 bytes.
        let mut t = Topic::new(params(), 1);
        for i in 0..5 {
            t.append(record(i, 1), true);
        }
        assert_eq!(t.trim(0, 5), 3);
        assert_eq!(t.partitions[0].end(), 5);
        // Time: records published at 3 and 4 are gone at 1004.
        assert_eq!(t.trim(0, 1004), 5);
        assert_eq!(t.deleted(), 5);
    }

    #[test]
    fn keys_spread_over_partitions() {
        let mut counts = [0u32; 6];
        for k in 0..6000 {
            counts[partition_of(k, 6)] += 1;
        }
        assert!(
            counts.iter().all(|&c| (900..1100).contains(&c)),
            "{counts:?}"
        );
    }
}
