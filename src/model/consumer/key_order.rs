//! Order tolerance: a consumer whose messages carry keys counts the
//! applications that came after a later message of the same key had been
//! applied — a stale write over a newer one, unless the handler tolerates it
//! (a version check, a commutative update).
//!
//! "Later" is the producer's order: the time the message was made, ties
//! broken by its place in that order (a record's offset in its partition, a
//! queue message's arrival number). Competing workers on a standard queue,
//! a retry that returns a message behind its successors, a redrive from a
//! dead-letter queue, a rebalance that rewinds a partition, a producer's
//! buffered retry: each shows up here the same way, wherever it happens.
//!
//! Memory follows the keys applied: one entry per key (the latest stamp
//! applied), never one per message.

use crate::engine::{SimTime, to_secs};
use crate::model::message::{Arena, State};
use std::collections::HashMap;

/// A message's place in its producer's order.
pub type Stamp = (SimTime, u64);

/// The stamp of a message being applied.
pub fn stamp(arena: &Arena, slot: u32) -> Stamp {
    let m = arena.get(slot);
    let tie = match m.state {
        // A fetched record's copy is new at each fetch; its offset is not.
        State::Fetched => arena.offset(slot),
        _ => m.id,
    };
    (m.published, tie)
}

#[derive(Clone, Copy)]
struct Latest {
    stamp: Stamp,
    /// The key has had an application out of order.
    reordered: bool,
}

#[derive(Clone, Debug, Default)]
pub struct KeyOrderCounters {
    /// Applications of keyed messages (first ones and repeats).
    pub applied: u64,
    /// Of those, applied after a later message of the same key.
    pub out_of_order: u64,
    /// Keys with at least one application out of order.
    pub keys_reordered: u64,
    /// Keys applied at least once.
    pub keys: u64,
    /// The most a late application trailed the latest of its key: the time
    /// between their publishes.
    pub max_behind: SimTime,
}

pub struct KeyOrder {
    latest: HashMap<u32, Latest>,
    /// The scenario says order matters here (`order_matters`): out-of-order
    /// applications are a harm the verdict names.
    pub matters: bool,
    pub c: KeyOrderCounters,
    /// A composite key (an entity's key and one of `parts` suffixes, so
    /// that a hot entity spreads over partitions): the order per entity
    /// too, the price of the split.
    pub entities: Option<(u32, Box<KeyOrder>)>,
}

impl KeyOrder {
    pub fn new(matters: bool, parts: u32) -> KeyOrder {
        KeyOrder {
            latest: HashMap::new(),
            matters,
            c: KeyOrderCounters::default(),
            entities: (parts > 1).then(|| (parts, Box::new(KeyOrder::new(false, 1)))),
        }
    }

    /// Books one application of message `key` with stamp `s`; true when it
    /// came after a later one of its key.
    pub fn apply(&mut self, key: u32, s: Stamp) -> bool {
        if let Some((parts, e)) = &mut self.entities {
            e.apply(key / *parts, s);
        }
        self.c.applied += 1;
        let Some(l) = self.latest.get_mut(&key) else {
            self.latest.insert(
                key,
                Latest {
                    stamp: s,
                    reordered: false,
                },
            );
            self.c.keys += 1;
            return false;
        };
        if s >= l.stamp {
            l.stamp = s;
            return false;
        }
        self.c.out_of_order += 1;
        self.c.max_behind = self.c.max_behind.max(l.stamp.0 - s.0);
        if !l.reordered {
            l.reordered = true;
            self.c.keys_reordered += 1;
        }
        true
    }

    pub fn max_behind_s(&self) -> f64 {
        to_secs(self.c.max_behind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_behind_a_later_one_of_its_key_is_out_of_order() {
        let mut o = KeyOrder::new(true, 1);
        assert!(!o.apply(7, (10, 1)));
        assert!(!o.apply(7, (20, 2)));
        // Another key's order is its own.
        assert!(!o.apply(8, (5, 3)));
        // Message 1 again (a duplicate), after message 2: a stale write.
        assert!(o.apply(7, (10, 1)));
        // The same message twice in a row is not out of order.
        assert!(!o.apply(7, (20, 2)));
        assert!(!o.apply(7, (20, 2)));
        // Same publish time: the tie-break orders them.
        assert!(!o.apply(8, (5, 4)));
        assert!(o.apply(8, (5, 3)));
        assert_eq!(o.c.applied, 8);
        assert_eq!(o.c.out_of_order, 2);
        assert_eq!(o.c.keys_reordered, 2);
        assert_eq!(o.c.keys, 2);
        assert_eq!(o.c.max_behind, 10);
    }

    #[test]
    fn a_composite_key_keeps_its_order_and_loses_its_entitys() {
        // Entity 3 split in 4 parts: keys 12..16.
        let mut o = KeyOrder::new(false, 4);
        assert!(!o.apply(12, (10, 1)));
        assert!(!o.apply(13, (5, 2)));
        assert_eq!(o.c.out_of_order, 0);
        let (_, e) = o.entities.as_ref().expect("entities");
        assert_eq!((e.c.applied, e.c.out_of_order, e.c.keys), (2, 1, 1));
    }
}
