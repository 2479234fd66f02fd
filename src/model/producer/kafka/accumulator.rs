//! The record accumulator: each partition's batches, oldest first, the last
//! one taking new records while it has room (`batch.size`). A batch holds
//! buffer memory from its creation until it is acknowledged or fails: at
//! least `batch.size` bytes (Kafka allocates a whole batch at once), more for
//! a record larger than that. A `send()` that needs a new batch while the
//! buffer is full waits, in arrival order, for up to `max.block.ms`.
//!
//! Memory: the batches not yet done with (open, ready, in flight, backing
//! off) and the sends waiting for room, never what went through.

use crate::engine::SimTime;
use crate::model::log::Record;
use std::collections::VecDeque;

/// A batch: one partition's records sent together in one request.
pub struct Batch {
    pub part: u32,
    pub records: Vec<Record>,
    pub bytes: u64,
    /// Buffer memory it holds.
    pub reserved: u64,
    /// Its first record's `send()`: `delivery.timeout.ms` counts from here.
    pub created: SimTime,
    /// Drained once: it takes no more records.
    pub closed: bool,
    /// Its sequence number in its partition (idempotence), given at its
    /// first drain.
    pub seq: Option<u64>,
    /// Requests made with it.
    pub attempts: u32,
    /// Not sent again before this (`retry.backoff.ms` after a failure).
    pub backoff_until: SimTime,
    /// The broker appended it (at least once).
    pub appended: bool,
    /// The outcome of the request in flight, known at the broker.
    pub outcome: Outcome,
    /// The request's response will not arrive: the producer times out.
    pub response_lost: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pending,
    /// Appended, or a duplicate the broker dropped (acknowledged as success).
    Ok,
    /// A retriable error: a transient failure, a refusal by a replicated
    /// topic (NotEnoughReplicas, offline), or a batch out of sequence.
    Retriable,
}

/// A `send()` waiting for buffer memory.
pub struct Waiting {
    pub r: Record,
    pub part: u32,
}

pub struct Accumulator {
    pub batch_size: u64,
    pub buffer_memory: u64,
    /// Per partition: its batches waiting to be sent, oldest first (a batch
    /// sent again goes back to the front).
    pub parts: Vec<VecDeque<u32>>,
    slab: Vec<Option<Batch>>,
    free: Vec<u32>,
    /// Buffer memory held by the batches.
    pub used: u64,
    pub waiting: VecDeque<Waiting>,
    /// The partition unkeyed records stick to, and the bytes sent to it.
    pub sticky: usize,
    pub sticky_bytes: u64,
}

impl Accumulator {
    pub fn new(partitions: usize, batch_size: u64, buffer_memory: u64) -> Accumulator {
        Accumulator {
            batch_size,
            buffer_memory,
            parts: (0..partitions).map(|_| VecDeque::new()).collect(),
            slab: Vec::new(),
            free: Vec::new(),
            used: 0,
            waiting: VecDeque::new(),
            sticky: 0,
            sticky_bytes: 0,
        }
    }

    pub fn get(&self, b: u32) -> &Batch {
        self.slab[b as usize].as_ref().expect("a live batch")
    }

    pub fn get_mut(&mut self, b: u32) -> &mut Batch {
        self.slab[b as usize].as_mut().expect("a live batch")
    }

    /// Unkeyed records stick to one partition until `batch.size` bytes went
    /// to it, then move to the next (Kafka's built-in partitioner since 3.3,
    /// KIP-794, here in turn rather than weighted by queue sizes).
    pub fn unkeyed_partition(&mut self, size: u32) -> u32 {
        if self.sticky_bytes >= self.batch_size {
            self.sticky = (self.sticky + 1) % self.parts.len();
            self.sticky_bytes = 0;
        }
        self.sticky_bytes += u64::from(size);
        self.sticky as u32
    }

    /// Puts record `r` in partition `part`'s last batch, or a new one;
    /// Err(r) when a new batch is needed and the buffer has no room.
    pub fn append(&mut self, r: Record, part: u32, now: SimTime) -> Result<(), Record> {
        let size = u64::from(r.size);
        if let Some(&last) = self.parts[part as usize].back() {
            let max = self.batch_size;
            let b = self.get_mut(last);
            if !b.closed && b.bytes + size <= max {
                b.bytes += size;
                b.records.push(r);
                return Ok(());
            }
        }
        let reserve = self.batch_size.max(size);
        if self.used + reserve > self.buffer_memory {
            return Err(r);
        }
        self.used += reserve;
        let batch = Batch {
            part,
            records: vec![r],
            bytes: size,
            reserved: reserve,
            created: now,
            closed: false,
            seq: None,
            attempts: 0,
            backoff_until: 0,
            appended: false,
            outcome: Outcome::Pending,
            response_lost: false,
        };
        let id = match self.free.pop() {
            Some(i) => {
                self.slab[i as usize] = Some(batch);
                i
            }
            None => {
                self.slab.push(Some(batch));
                (self.slab.len() - 1) as u32
            }
        };
        self.parts[part as usize].push_back(id);
        Ok(())
    }

    /// A record larger than the whole buffer can never be sent.
    pub fn never_fits(&self, size: u32) -> bool {
        u64::from(size) > self.buffer_memory
    }

    /// Partition `part`'s first batch can go now: it is full (another batch
    /// follows it, or it has no room left), its linger ran out, or sends
    /// wait for memory (Kafka then sends at once); a batch sent before waits
    /// for its backoff whatever the rest.
    pub fn sendable(&self, part: usize, linger: SimTime, now: SimTime) -> Option<u32> {
        let q = &self.parts[part];
        let &first = q.front()?;
        let b = self.get(first);
        if b.attempts > 0 {
            return (now >= b.backoff_until).then_some(first);
        }
        let full = q.len() > 1 || b.closed || b.bytes >= self.batch_size;
        let lingered = now >= b.created.saturating_add(linger);
        (full || lingered || !self.waiting.is_empty()).then_some(first)
    }

    /// When partition `part`'s first batch will be sendable if nothing
    /// changes (its linger or its backoff), if later than now.
    pub fn due(&self, part: usize, linger: SimTime) -> Option<SimTime> {
        let &first = self.parts[part].front()?;
        let b = self.get(first);
        Some(if b.attempts > 0 {
            b.backoff_until
        } else {
            b.created.saturating_add(linger)
        })
    }

    /// Takes batch `b` off the front of its partition's queue.
    pub fn take_front(&mut self, b: u32) {
        let part = self.get(b).part as usize;
        let first = self.parts[part].pop_front();
        debug_assert_eq!(first, Some(b));
        self.get_mut(b).closed = true;
    }

    /// A failed batch goes back to its partition's queue, before the batches
    /// never sent; with sequence numbers, in their order among the batches
    /// sent before (the broker takes them in no other order).
    pub fn requeue(&mut self, b: u32) {
        let (part, seq) = {
            let x = self.get(b);
            (x.part as usize, x.seq)
        };
        let q = &self.parts[part];
        let at = match seq {
            Some(s) => q
                .iter()
                .position(|&o| self.get(o).seq.is_none_or(|os| os > s))
                .unwrap_or(q.len()),
            None => 0,
        };
        self.parts[part].insert(at, b);
    }

    /// Removes batch `b` (done with: acknowledged or failed), freeing its
    /// memory; returns it.
    pub fn release(&mut self, b: u32) -> Batch {
        let batch = self.slab[b as usize].take().expect("a live batch");
        self.free.push(b);
        self.used -= batch.reserved;
        batch
    }

    /// Records held in batches (open, ready, in flight, backing off).
    pub fn records_held(&self) -> u64 {
        self.slab
            .iter()
            .flatten()
            .map(|b| b.records.len() as u64)
            .sum()
    }

    /// Records of live batches the broker already appended.
    pub fn records_appended_held(&self) -> u64 {
        self.slab
            .iter()
            .flatten()
            .filter(|b| b.appended)
            .map(|b| b.records.len() as u64)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: SimTime, size: u32) -> Record {
        Record {
            published: t,
            lineage: 0,
            key: 0,
            size,
            cost: 1.0,
            poison: false,
            tombstone: false,
        }
    }

    #[test]
    fn batches_fill_to_batch_size_and_hold_memory_until_released() {
        let mut a = Accumulator::new(1, 1000, 2000);
        for i in 0..4 {
            assert!(a.append(rec(i, 300), 0, i).is_ok());
        }
        // 3 records fit in 1000 bytes, the 4th opens a second batch.
        assert_eq!(a.parts[0].len(), 2);
        assert_eq!(a.used, 2000);
        // A third batch would pass buffer.memory.
        for i in 4..6 {
            assert!(a.append(rec(i, 300), 0, i).is_ok());
        }
        assert!(a.append(rec(6, 300), 0, 6).is_err());
        let first = *a.parts[0].front().expect("a batch");
        // The first batch is full: sendable before its linger.
        assert_eq!(a.sendable(0, 1_000_000, 6), Some(first));
        a.take_front(first);
        assert_eq!(a.release(first).records.len(), 3);
        assert_eq!(a.used, 1000);
        assert!(a.append(rec(7, 300), 0, 7).is_ok());
    }

    #[test]
    fn a_retried_batch_goes_back_in_sequence_order() {
        let mut a = Accumulator::new(1, 100, 10_000);
        let ids: Vec<u32> = (0..3)
            .map(|i| {
                a.append(rec(i, 100), 0, i).expect("room");
                *a.parts[0].back().expect("a batch")
            })
            .collect();
        for (s, &b) in ids.iter().enumerate() {
            a.take_front(b);
            a.get_mut(b).seq = Some(s as u64);
        }
        a.append(rec(9, 100), 0, 9).expect("room");
        a.requeue(ids[2]);
        a.requeue(ids[0]);
        let order: Vec<u32> = a.parts[0].iter().copied().take(2).collect();
        assert_eq!(order, vec![ids[0], ids[2]]);
        assert_eq!(a.parts[0].len(), 3);
    }
}
