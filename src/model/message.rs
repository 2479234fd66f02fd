//! Messages live in one arena, indexed by slot, reused through a free list: memory
//! follows what is in the system, never what went through it.

use crate::engine::SimTime;
use crate::model::idempotency::Record;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Delayed,
    Visible,
    InFlight,
    /// A copy of a topic's record, fetched by a group member for processing.
    Fetched,
    /// A push topic's copy for an endpoint, until it is acked, dead-lettered
    /// or dropped.
    Pushed,
    /// Terminal states: the slot is freed once no consumer still holds the message.
    Deleted,
    Expired,
    Dropped,
}

impl State {
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Deleted | State::Expired | State::Dropped)
    }
}

#[derive(Clone, Debug)]
pub struct Message {
    pub id: u64,
    /// Original enqueue time: kept through a DLQ, for retention and latency.
    pub published: SimTime,
    /// When it entered its current queue (published, dead-lettered into it or
    /// redriven back): its time in that queue, for Little's law.
    pub entered: SimTime,
    /// Deadline while in flight or delayed.
    pub deadline: SimTime,
    pub key: u32,
    pub size: u32,
    pub cost: f32,
    /// Last backoff delay (decorrelated jitter grows from it).
    pub backoff_prev_s: f32,
    /// Bumped at every receive and move: a consumer's receipt is (slot, generation).
    pub generation: u32,
    pub receive_count: u32,
    pub successes: u32,
    /// Consumers currently processing this message (possibly under stale receipts).
    pub holders: u16,
    pub queue: u16,
    /// The queue it was dead-lettered from (redrive target).
    pub origin: u16,
    pub state: State,
    pub poison: bool,
    pub received_once: bool,
    /// A pipeline stage with a dual write crashed after applying this
    /// message's write and before publishing its event (`consumer/onward.rs`).
    pub owes_event: bool,
    /// A pipeline stage has published this message's event.
    pub event_sent: bool,
    /// Its dedupe record, for consumers with an idempotency store.
    pub dedupe: Record,
    /// For a fetched record: its offset in its partition (`queue`). For a
    /// push copy: the time of its first attempt (`queue` is its endpoint).
    pub offset: u64,
}

/// A consumer's handle on a received message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub slot: u32,
    pub generation: u32,
}

#[derive(Default)]
pub struct Arena {
    slots: Vec<Message>,
    free: Vec<u32>,
    live: usize,
    next_id: u64,
    /// Claim-check pointers of messages whose slot was freed since the
    /// world last looked: a message lost (expired, dropped, given up) leaves
    /// its payload in the blob store, an orphan nobody will read.
    released_pointers: Vec<u64>,
}

impl Arena {
    pub fn insert(&mut self, mut m: Message) -> u32 {
        m.id = self.next_id;
        self.next_id += 1;
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            let generation = self.slots[slot as usize].generation.wrapping_add(1);
            m.generation = generation;
            self.slots[slot as usize] = m;
            slot
        } else {
            self.slots.push(m);
            (self.slots.len() - 1) as u32
        }
    }

    /// Frees the slot of a message in a terminal state once nobody holds it;
    /// returns how many times it was processed successfully.
    #[inline]
    pub fn release_if_done(&mut self, slot: u32) -> Option<u32> {
        let m = &self.slots[slot as usize];
        if m.state.is_terminal() && m.holders == 0 {
            if crate::model::blob_store::unpack(m.offset).is_some() {
                self.released_pointers.push(m.offset);
            }
            self.live -= 1;
            self.free.push(slot);
            let m = &mut self.slots[slot as usize];
            m.generation = m.generation.wrapping_add(1);
            return Some(m.successes);
        }
        None
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &Message {
        &self.slots[slot as usize]
    }
    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Message {
        &mut self.slots[slot as usize]
    }
    /// The claim-check pointers of messages freed since the last call.
    pub fn take_released_pointers(&mut self) -> Option<Vec<u64>> {
        (!self.released_pointers.is_empty()).then(|| std::mem::take(&mut self.released_pointers))
    }

    /// Messages with a slot (in a queue, or terminal but still held).
    pub fn live(&self) -> usize {
        self.live
    }
    /// Messages ever inserted.
    pub fn created(&self) -> u64 {
        self.next_id
    }
    /// Live messages, for end-of-run accounting.
    pub fn iter_live(&self) -> impl Iterator<Item = &Message> {
        let mut is_free = vec![false; self.slots.len()];
        for &f in &self.free {
            is_free[f as usize] = true;
        }
        self.slots
            .iter()
            .zip(is_free)
            .filter(|(_, f)| !f)
            .map(|(m, _)| m)
    }
}

impl Message {
    pub fn new(published: SimTime, queue: u16) -> Message {
        Message {
            id: 0,
            published,
            entered: published,
            deadline: 0,
            key: 0,
            size: 0,
            cost: 1.0,
            backoff_prev_s: 0.0,
            generation: 0,
            receive_count: 0,
            successes: 0,
            holders: 0,
            queue,
            origin: queue,
            state: State::Visible,
            poison: false,
            received_once: false,
            owes_event: false,
            event_sent: false,
            dedupe: Record::ABSENT,
            offset: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// Every message held costs a slot (the README's speed table measures a
    /// 10-million backlog at the slot plus its 4-byte place in a queue's
    /// ready line). The slot's fields are read and written by name across the
    /// model; their widths are what those uses need, and the dedupe record is
    /// one word. A field added here shows up in this test.
    #[test]
    fn a_slot_is_88_bytes() {
        assert_eq!(size_of::<Record>(), 8);
        assert_eq!(size_of::<Message>(), 88);
        assert_eq!(size_of::<Receipt>(), 8);
    }
}
