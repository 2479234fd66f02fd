//! Messages waiting for a time (in flight until their visibility timeout, delayed
//! until their delay ends). Deadlines mostly arrive in increasing order (a fixed
//! timeout from "now"), so they go to a deque; the rest (changed visibility) to a
//! heap. Entries are never removed early: a deleted or re-received message leaves
//! a stale entry, recognised by its (generation, deadline) and skipped lazily.

use crate::engine::SimTime;
use crate::model::message::{Arena, State};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

type Entry = (SimTime, u32, u32); // (deadline, slot, generation)

#[derive(Default)]
pub struct Deadlines {
    ordered: VecDeque<Entry>,
    heap: BinaryHeap<Reverse<Entry>>,
}

#[inline]
fn live(arena: &Arena, e: &Entry, state: State) -> bool {
    let m = arena.get(e.1);
    m.generation == e.2 && m.state == state && m.deadline == e.0
}

impl Deadlines {
    /// Inlined into every receive and delayed publish; an entry out of
    /// order (rare) goes to the heap out of line.
    #[inline(always)]
    pub fn push(&mut self, deadline: SimTime, slot: u32, generation: u32) {
        match self.ordered.back() {
            Some(b) if b.0 > deadline => self.push_out_of_order((deadline, slot, generation)),
            _ => self.ordered.push_back((deadline, slot, generation)),
        }
    }

    #[inline(never)]
    fn push_out_of_order(&mut self, e: Entry) {
        self.heap.push(Reverse(e));
    }

    /// Drops stale entries at the heads; returns the earliest live deadline.
    #[inline]
    pub fn earliest(&mut self, arena: &Arena, state: State) -> Option<SimTime> {
        while let Some(e) = self.ordered.front() {
            if live(arena, e, state) {
                break;
            }
            self.ordered.pop_front();
        }
        while let Some(Reverse(e)) = self.heap.peek() {
            if live(arena, e, state) {
                break;
            }
            self.heap.pop();
        }
        match (self.ordered.front(), self.heap.peek()) {
            (Some(a), Some(Reverse(b))) => Some(a.0.min(b.0)),
            (Some(a), None) => Some(a.0),
            (None, Some(Reverse(b))) => Some(b.0),
            (None, None) => None,
        }
    }

    /// Pops the earliest live entry due at or before `now`: its slot.
    ///
    /// The message's deadline is cleared, so that no other entry for it stays
    /// live: a changed visibility can land exactly on the deadline it replaced
    /// (the receive's), and two live entries would hand the same message back
    /// twice.
    pub fn pop_due(&mut self, arena: &mut Arena, state: State, now: SimTime) -> Option<u32> {
        let t = self.earliest(arena, state)?;
        if t > now {
            return None;
        }
        let from_deque = self.ordered.front().is_some_and(|a| a.0 == t);
        let e = if from_deque {
            self.ordered.pop_front()
        } else {
            self.heap.pop().map(|Reverse(e)| e)
        };
        let slot = e?.1;
        arena.get_mut(slot).deadline = SimTime::MAX;
        Some(slot)
    }

    /// Entries held, stale ones included (memory accounting).
    pub fn len(&self) -> usize {
        self.ordered.len() + self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-flight or delayed message costs one entry (more after a changed
    /// visibility, until the stale ones are skipped).
    #[test]
    fn an_entry_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
        assert_eq!(std::mem::size_of::<Reverse<Entry>>(), 16);
    }
}
