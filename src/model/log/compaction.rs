//! Log compaction (Kafka's `cleanup.policy = compact`): a cleaner that runs
//! every `compaction_interval_s` and keeps, in each partition, the latest
//! record of each key. A tombstone (a key with a null value) deletes its key:
//! it stays readable for `delete_retention_s`, so that a consumer that lags
//! still sees the delete, and is then removed itself. The topic's size follows
//! the number of live keys, not the number of records ever appended.
//!
//! Kafka never cleans the active segment (the one being written), and rolls it
//! after `segment.ms` (7 days) or `segment.bytes` (1 GiB). Here the active
//! segment rolls at each cleaner pass: a pass cleans what was appended before
//! the previous pass, and the records since then are the uncleaned tail. A
//! record is also left alone until it is `min_compaction_lag_s` old. As in
//! Kafka, the latest record of a key in the cleaned part is kept even when the
//! tail has a newer one (the cleaner's map covers the cleaned part only).
//!
//! Offsets stay as they were written: compaction leaves holes, which a group
//! skips. A record removed before a group fetched it is "superseded" in that
//! group's books (`group.rs`), not lost: the group reads the newer record of
//! its key instead. A tombstone removed before a group fetched it, when the
//! group had read a value of its key, is a delete that group never sees
//! (`missed_deletes`): it keeps a key that is gone. (A group that never read
//! the key misses nothing: the key's whole history was compacted away.)

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::metrics::imbalance::Imbalance;
use crate::model::Event;
use crate::model::consumer::Consumer;
use crate::model::event::{TopicEvent, TopicId};
use crate::model::log::{Partition, Topic};
use crate::model::observe::{Observed, View};
use crate::scenario::TopicConfig;
use std::collections::HashMap;

pub struct CompactionParams {
    /// `compact,delete`: retention deletes from the head as well.
    pub deletes: bool,
    pub delete_retention: SimTime,
    pub min_lag: SimTime,
    pub interval: SimTime,
}

impl CompactionParams {
    pub fn of(t: &TopicConfig) -> CompactionParams {
        CompactionParams {
            deletes: t.cleanup_policy.deletes(),
            delete_retention: from_secs(t.delete_retention_s),
            min_lag: from_secs(t.min_compaction_lag_s),
            interval: from_secs(t.compaction_interval_s).max(1),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct CompactionCounters {
    pub passes: u64,
    /// Records removed because a later record of their key was cleaned.
    pub records_compacted: u64,
    /// Tombstones removed after `delete_retention_s`, the latest of their key.
    pub tombstones_removed: u64,
    /// Records retention deleted from the head (`compact,delete`).
    pub retention_deleted: u64,
    /// Keys whose latest record is not a tombstone, at the last pass.
    pub live_keys: u64,
    pub live_keys_peak: u64,
    /// Records held just before a pass cleaned them (the most the topic holds).
    pub held_peak: u64,
}

pub struct Compaction {
    pub p: CompactionParams,
    pub c: CompactionCounters,
    /// Each partition's log end at the previous pass: the records below it
    /// are in closed segments, the cleaner's to clean.
    rolled: Vec<u64>,
    /// The cleaner's map, key → the index of its latest record; kept between
    /// passes so that its memory is the keys', allocated once.
    latest: HashMap<u32, usize>,
    /// Key → its latest record is a tombstone (the live keys' count).
    deleted: HashMap<u32, bool>,
}

impl Compaction {
    pub fn new(p: CompactionParams, partitions: usize) -> Compaction {
        Compaction {
            p,
            c: CompactionCounters::default(),
            rolled: vec![0; partitions],
            latest: HashMap::new(),
            deleted: HashMap::new(),
        }
    }

    /// Keys whose latest record in `part` is not a tombstone.
    fn live_keys(deleted: &mut HashMap<u32, bool>, part: &Partition) -> u64 {
        deleted.clear();
        for r in &part.log {
            deleted.insert(r.key, r.tombstone);
        }
        deleted.values().filter(|&&d| !d).count() as u64
    }
}

/// What one pass removed from a partition.
struct Cleaned {
    compacted: u64,
    tombstones: u64,
    /// The tombstones removed, (offset, key): a group that holds the key
    /// and had not fetched the tombstone misses a delete.
    tombstones_gone: Vec<(u64, u32)>,
}

impl Compaction {
    /// Cleans partition `part`: in its closed segments, every record that is
    /// not the latest of its key, and the latest ones that are tombstones
    /// older than `delete_retention_s`.
    fn clean(&mut self, part: &mut Partition, i: usize, now: SimTime) -> Cleaned {
        let boundary = std::mem::replace(&mut self.rolled[i], part.end());
        let cutoff = now.saturating_sub(self.p.min_lag);
        let offsets = &mut part.holes.as_mut().expect("a compacted partition").of;
        let closed = offsets.partition_point(|&o| o < boundary);
        let n = part
            .log
            .iter()
            .take(closed)
            .take_while(|r| r.published <= cutoff)
            .count();
        self.latest.clear();
        for (j, r) in part.log.iter().take(n).enumerate() {
            self.latest.insert(r.key, j);
        }
        let mut out = Cleaned {
            compacted: 0,
            tombstones: 0,
            tombstones_gone: vec![],
        };
        let retention = self.p.delete_retention;
        let keep: Vec<bool> = part
            .log
            .iter()
            .take(n)
            .enumerate()
            .map(|(j, r)| {
                if self.latest[&r.key] != j {
                    out.compacted += 1;
                    false
                } else if r.tombstone && r.published.saturating_add(retention) <= now {
                    out.tombstones += 1;
                    out.tombstones_gone.push((offsets[j], r.key));
                    false
                } else {
                    true
                }
            })
            .collect();
        if out.compacted + out.tombstones > 0 {
            let mut j = 0;
            offsets.retain(|_| {
                j += 1;
                keep.get(j - 1).copied().unwrap_or(true)
            });
            let (mut j, mut bytes) = (0, 0);
            part.log.retain(|r| {
                j += 1;
                let k = keep.get(j - 1).copied().unwrap_or(true);
                bytes += if k { 0 } else { r.size as u64 };
                k
            });
            part.bytes -= bytes;
        }
        self.c.records_compacted += out.compacted;
        self.c.tombstones_removed += out.tombstones;
        out
    }
}

impl Topic {
    /// The cleaner's pass over every partition; the groups reading the topic
    /// learn of the tombstones they will never see.
    pub(crate) fn on_compaction(
        &mut self,
        id: TopicId,
        members: &mut [Consumer],
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let held = self.held();
        let c = self.compaction.as_mut().expect("a compacted topic");
        c.c.passes += 1;
        c.c.held_peak = c.c.held_peak.max(held);
        let mut live = 0;
        for (i, part) in self.partitions.iter_mut().enumerate() {
            // The cleaner reads every record it holds: work of this event.
            sim.work(part.log.len() as u64);
            let cleaned = c.clean(part, i, now);
            live += Compaction::live_keys(&mut c.deleted, part);
            if cleaned.tombstones_gone.is_empty() {
                continue;
            }
            for &ci in &self.groups {
                if let Some(g) = members[ci.index()].kind.group_mut()
                    && let Some(keys) = g.keys_held.as_mut()
                {
                    let s = &mut g.partitions[i];
                    for &(o, key) in &cleaned.tombstones_gone {
                        // Not fetched, and the group holds an older value.
                        if o >= s.position && keys.remove(&key) {
                            s.missed_deletes += 1;
                        }
                    }
                }
            }
        }
        c.c.live_keys = live;
        c.c.live_keys_peak = c.c.live_keys_peak.max(live);
        sim.after(c.p.interval, Event::Topic(id, TopicEvent::Compact));
    }

    /// Keys whose latest record is not a tombstone, now (a scan: for the
    /// summary).
    pub fn live_keys(&self) -> u64 {
        let mut deleted = HashMap::new();
        self.partitions
            .iter()
            .map(|p| Compaction::live_keys(&mut deleted, p))
            .sum()
    }

    /// A compacted topic's books: every record appended is held, was
    /// compacted away, or deleted by retention.
    pub(super) fn compaction_books(&self, out: &mut Vec<Imbalance>) {
        let Some(c) = &self.compaction else { return };
        let gone = c.c.records_compacted + c.c.tombstones_removed + c.c.retention_deleted;
        if self.appended != self.held() + gone {
            out.push(Imbalance::Compaction {
                topic: self.p.name.clone(),
                appended: self.appended,
                held: self.held(),
                compacted: c.c.records_compacted + c.c.tombstones_removed,
                deleted: c.c.retention_deleted,
            });
        }
    }
}

/// A compacted topic in the time series: what it holds against what was
/// appended (the size follows the keys, not the records), and its live keys
/// as of the last pass. A topic that only deletes has no columns.
impl Observed for Topic {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn shown(&self) -> bool {
        self.compaction.is_some()
    }

    fn series_columns(&self, cols: &mut crate::metrics::columns::Columns, _: &View) {
        let live = self.compaction.as_ref().map_or(0, |c| c.c.live_keys);
        cols.gauge("appended", self.appended as f64);
        cols.gauge("held_records", self.held() as f64);
        cols.gauge("live_keys", live as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::log::{Record, TopicParams};

    fn record(published: SimTime, key: u32, tombstone: bool) -> Record {
        Record {
            published,
            lineage: 0,
            key,
            size: 10,
            cost: 1.0,
            poison: false,
            tombstone,
        }
    }

    fn topic(deletes: bool) -> Topic {
        let p = TopicParams {
            name: "t".into(),
            retention: 1000,
            retention_bytes: None,
            retention_check: 1,
        };
        let c = CompactionParams {
            deletes,
            delete_retention: 100,
            min_lag: 0,
            interval: 10,
        };
        Topic::compacted(p, 1, Compaction::new(c, 1))
    }

    #[test]
    fn the_latest_of_each_key_survives_and_offsets_keep_their_holes() {
        let mut t = topic(false);
        // Offsets 0..6: keys 1 2 1 3 2 1.
        for (i, k) in [1, 2, 1, 3, 2, 1].into_iter().enumerate() {
            t.append_at(0, record(i as SimTime, k, false));
        }
        let c = t.compaction.as_mut().unwrap();
        // The first pass rolls the segment: nothing closed yet.
        let first = c.clean(&mut t.partitions[0], 0, 10);
        assert_eq!(first.compacted, 0);
        t.append_at(0, record(11, 3, false)); // offset 6, in the tail
        let c = t.compaction.as_mut().unwrap();
        let second = c.clean(&mut t.partitions[0], 0, 20);
        assert_eq!(second.compacted, 3, "offsets 0, 1, 2 superseded");
        let part = &t.partitions[0];
        let held: Vec<u64> = part.records_from(0, 10).map(|(o, _)| o).collect();
        // Key 3's offset 3 stays: its newer record is in the tail.
        assert_eq!(held, vec![3, 4, 5, 6]);
        assert_eq!(part.end(), 7);
        assert!(part.get(2).is_none());
        assert_eq!(part.next_at(0).map(|(o, _)| o), Some(3));
        assert_eq!(part.held_from(4), 3);
        assert_eq!(part.bytes, 40);
    }

    #[test]
    fn a_tombstone_stays_for_delete_retention_then_goes() {
        let mut t = topic(false);
        t.append_at(0, record(0, 1, false));
        t.append_at(0, record(1, 1, true));
        t.append_at(0, record(2, 2, false));
        let c = t.compaction.as_mut().unwrap();
        c.clean(&mut t.partitions[0], 0, 5);
        let kept = c.clean(&mut t.partitions[0], 0, 50);
        assert_eq!((kept.compacted, kept.tombstones), (1, 0));
        assert_eq!(Compaction::live_keys(&mut c.deleted, &t.partitions[0]), 1);
        let gone = c.clean(&mut t.partitions[0], 0, 101);
        assert_eq!((gone.compacted, gone.tombstones), (0, 1));
        assert_eq!(gone.tombstones_gone, vec![(1, 1)]);
        assert_eq!(t.held(), 1);
    }

    #[test]
    fn compact_delete_retention_moves_the_start_over_the_holes() {
        let mut t = topic(true);
        for (i, k) in [1, 1, 2, 2].into_iter().enumerate() {
            t.append_at(0, record(i as SimTime * 100, k, false));
        }
        let c = t.compaction.as_mut().unwrap();
        c.clean(&mut t.partitions[0], 0, 400);
        c.clean(&mut t.partitions[0], 0, 400); // keeps offsets 1 and 3
        assert_eq!(t.trim(0, 1150), 3, "offset 1 (published 100) too old");
        assert_eq!(t.partitions[0].trimmed(), Some(&[1][..]));
        assert_eq!(t.deleted(), 1);
        let mut out = vec![];
        t.compaction_books(&mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
