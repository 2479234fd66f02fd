//! The broker's state for an idempotent producer: per partition, the
//! sequence number it expects next. A batch with that number is appended; a
//! lower one was appended before (its response was lost and the producer
//! sent it again): dropped as a duplicate and acknowledged; a higher one
//! means an earlier batch has not arrived yet (it failed and waits for its
//! retry): refused as out of sequence, and retried, so that the order the
//! producer made the records in is the order of the log.
//!
//! A batch that fails for good (its delivery timeout) leaves a hole the
//! broker would wait for forever; Kafka's producer then bumps its epoch and
//! numbers again (KIP-360). Here the hole is skipped: the same effect on the
//! log.

use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Append,
    Duplicate,
    OutOfSequence,
}

pub struct Sequences {
    /// Per partition: the next sequence number given to a batch.
    next_given: Vec<u64>,
    /// Per partition: the next one the broker appends.
    expected: Vec<u64>,
    /// Per partition: numbers given to batches that failed for good before
    /// the broker had them.
    abandoned: Vec<BTreeSet<u64>>,
    /// Per partition: numbers given to batches not yet acknowledged nor
    /// failed. A batch sent again goes only when it is the first of them:
    /// during retries a partition has one request in flight (Kafka's
    /// accumulator stops draining a partition whose retried batch is not the
    /// first in flight).
    incomplete: Vec<BTreeSet<u64>>,
}

impl Sequences {
    pub fn new(partitions: usize) -> Sequences {
        Sequences {
            next_given: vec![0; partitions],
            expected: vec![0; partitions],
            abandoned: (0..partitions).map(|_| BTreeSet::new()).collect(),
            incomplete: (0..partitions).map(|_| BTreeSet::new()).collect(),
        }
    }

    /// The number of partition `part`'s next batch, at its first drain.
    pub fn give(&mut self, part: usize) -> u64 {
        let s = self.next_given[part];
        self.next_given[part] += 1;
        self.incomplete[part].insert(s);
        s
    }

    /// Batch `seq` is acknowledged or failed for good.
    pub fn complete(&mut self, part: usize, seq: u64) {
        self.incomplete[part].remove(&seq);
    }

    /// A batch sent before, numbered `seq`, may go again now.
    pub fn may_retry(&self, part: usize, seq: u64) -> bool {
        self.incomplete[part].first() == Some(&seq)
    }

    /// What the broker does with a batch numbered `seq`.
    pub fn check(&self, part: usize, seq: u64) -> Check {
        let e = self.expected[part];
        match seq.cmp(&e) {
            std::cmp::Ordering::Less => Check::Duplicate,
            std::cmp::Ordering::Equal => Check::Append,
            std::cmp::Ordering::Greater => Check::OutOfSequence,
        }
    }

    /// The broker appended batch `seq` (the expected one).
    pub fn appended(&mut self, part: usize) {
        self.expected[part] += 1;
        self.skip_abandoned(part);
    }

    /// Batch `seq` failed for good; if the broker never had it, it no longer
    /// waits for it.
    pub fn abandon(&mut self, part: usize, seq: u64) {
        self.complete(part, seq);
        if seq >= self.expected[part] {
            self.abandoned[part].insert(seq);
            self.skip_abandoned(part);
        }
    }

    fn skip_abandoned(&mut self, part: usize) {
        while self.abandoned[part].remove(&self.expected[part]) {
            self.expected[part] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_appends_in_sequence_drops_duplicates_and_skips_holes() {
        let mut s = Sequences::new(1);
        let (a, b, c) = (s.give(0), s.give(0), s.give(0));
        assert_eq!(s.check(0, b), Check::OutOfSequence);
        assert!(!s.may_retry(0, b));
        assert_eq!(s.check(0, a), Check::Append);
        s.appended(0);
        s.complete(0, a);
        assert!(s.may_retry(0, b));
        assert_eq!(s.check(0, a), Check::Duplicate);
        // b fails for good: c is next.
        s.abandon(0, b);
        assert_eq!(s.check(0, c), Check::Append);
    }
}
