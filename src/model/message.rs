//! Messages live in one arena, indexed by slot, reused through a free list: memory
//! follows what is in the system, never what went through it.
//!
//! A message is built and carried as a `Message` (by producers, buffers,
//! pipeline stages) and stored in the arena as a packed `Stored` slot: every
//! waiting message pays for its slot, so the slot keeps only what every message
//! uses. The fields few messages use (a fetched record's offset, a lineage or a
//! claim check's pointer, a retry's last backoff, a dedupe record) live in side
//! tables indexed by slot that grow only when a message uses them.

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

/// A message outside the arena: being made, held by a producer or a stage,
/// or about to be published. `Arena::insert` packs it into a slot.
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

/// A message in the arena, 56 bytes: the fields of `Message` that every
/// message uses, the time it entered its queue as an offset from its publish
/// time, and its flags in one byte. Read the rest through the arena
/// (`Arena::entered`, `offset`, `backoff_prev_s`, `dedupe_mut`).
#[derive(Clone, Debug)]
pub struct Stored {
    pub id: u64,
    /// Original enqueue time: kept through a DLQ, for retention and latency.
    pub published: SimTime,
    /// Deadline while in flight or delayed.
    pub deadline: SimTime,
    /// `entered − published` in ns, or `FAR` when that does not fit (a
    /// dead-lettered or redriven message, a retried publish after 4.3 s): then
    /// the time is in the arena's `entered_far`.
    entered_after: u32,
    pub key: u32,
    pub size: u32,
    pub cost: f32,
    /// Bumped at every receive and move: a consumer's receipt is (slot, generation).
    pub generation: u32,
    pub receive_count: u32,
    /// Consumers currently processing this message (possibly under stale receipts).
    pub holders: u16,
    pub queue: u16,
    /// The queue it was dead-lettered from (redrive target).
    pub origin: u16,
    pub state: State,
    /// `POISON`, `RECEIVED_ONCE`, `OWES_EVENT`, `EVENT_SENT`, and the
    /// successful processings counted up to 3 in `SUCCESSES` (only "one" and
    /// "two or more" are ever asked).
    flags: u8,
}

const FAR: u32 = u32::MAX;
const POISON: u8 = 1;
const RECEIVED_ONCE: u8 = 1 << 1;
/// A pipeline stage with a dual write crashed after applying this message's
/// write and before publishing its event (`consumer/onward.rs`).
const OWES_EVENT: u8 = 1 << 2;
/// A pipeline stage has published this message's event.
const EVENT_SENT: u8 = 1 << 3;
const SUCCESSES_SHIFT: u32 = 4;
const SUCCESSES: u8 = 0b11 << SUCCESSES_SHIFT;

impl Stored {
    #[inline]
    fn flag(&self, f: u8) -> bool {
        self.flags & f != 0
    }
    #[inline]
    fn set_flag(&mut self, f: u8, on: bool) {
        if on {
            self.flags |= f;
        } else {
            self.flags &= !f;
        }
    }
    #[inline]
    pub fn poison(&self) -> bool {
        self.flag(POISON)
    }
    #[inline]
    pub fn received_once(&self) -> bool {
        self.flag(RECEIVED_ONCE)
    }
    #[inline]
    pub fn set_received_once(&mut self) {
        self.set_flag(RECEIVED_ONCE, true);
    }
    #[inline]
    pub fn owes_event(&self) -> bool {
        self.flag(OWES_EVENT)
    }
    #[inline]
    pub fn set_owes_event(&mut self, on: bool) {
        self.set_flag(OWES_EVENT, on);
    }
    #[inline]
    pub fn event_sent(&self) -> bool {
        self.flag(EVENT_SENT)
    }
    #[inline]
    pub fn set_event_sent(&mut self) {
        self.set_flag(EVENT_SENT, true);
    }
    /// Successful processings, counted up to 3.
    #[inline]
    pub fn successes(&self) -> u32 {
        u32::from((self.flags & SUCCESSES) >> SUCCESSES_SHIFT)
    }
    #[inline]
    pub fn add_success(&mut self) {
        let n = (self.successes() + 1).min(3) as u8;
        self.flags = (self.flags & !SUCCESSES) | (n << SUCCESSES_SHIFT);
    }
}

/// A consumer's handle on a received message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub slot: u32,
    pub generation: u32,
}

/// A field few messages use, by slot: empty until a message sets it to other
/// than its default, then as long as the highest such slot.
#[derive(Default)]
struct Side<T> {
    v: Vec<T>,
}

impl<T: Copy + Default + PartialEq> Side<T> {
    #[inline]
    fn get(&self, slot: u32) -> T {
        self.v.get(slot as usize).copied().unwrap_or_default()
    }
    #[inline]
    fn set(&mut self, slot: u32, x: T) {
        let i = slot as usize;
        if i < self.v.len() {
            self.v[i] = x;
        } else if x != T::default() {
            self.v.resize(i + 1, T::default());
            self.v[i] = x;
        }
    }
    fn get_mut(&mut self, slot: u32) -> &mut T {
        let i = slot as usize;
        if i >= self.v.len() {
            self.v.resize(i + 1, T::default());
        }
        &mut self.v[i]
    }
}

#[derive(Default)]
pub struct Arena {
    slots: Vec<Stored>,
    free: Vec<u32>,
    live: usize,
    next_id: u64,
    entered_far: Side<SimTime>,
    offsets: Side<u64>,
    backoffs: Side<f32>,
    dedupes: Side<Record>,
    /// Claim-check pointers of messages whose slot was freed since the
    /// world last looked: a message lost (expired, dropped, given up) leaves
    /// its payload in the blob store, an orphan nobody will read.
    released_pointers: Vec<u64>,
}

impl Arena {
    /// Room for `n` messages at once (an initial backlog): without it the
    /// slots' vector doubles past it, and a doubling can leave half unused.
    pub fn reserve(&mut self, n: usize) {
        self.slots.reserve(n.saturating_sub(self.slots.len()));
    }

    #[inline(always)]
    pub fn insert(&mut self, m: Message) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.live += 1;
        let flags = (u8::from(m.poison) * POISON)
            | (u8::from(m.received_once) * RECEIVED_ONCE)
            | (u8::from(m.owes_event) * OWES_EVENT)
            | (u8::from(m.event_sent) * EVENT_SENT)
            | ((m.successes.min(3) as u8) << SUCCESSES_SHIFT);
        let mut s = Stored {
            id,
            published: m.published,
            deadline: m.deadline,
            entered_after: 0,
            key: m.key,
            size: m.size,
            cost: m.cost,
            generation: m.generation,
            receive_count: m.receive_count,
            holders: m.holders,
            queue: m.queue,
            origin: m.origin,
            state: m.state,
            flags,
        };
        let slot = if let Some(slot) = self.free.pop() {
            s.generation = self.slots[slot as usize].generation.wrapping_add(1);
            self.slots[slot as usize] = s;
            slot
        } else {
            self.slots.push(s);
            (self.slots.len() - 1) as u32
        };
        // Entered as published (`entered_after` 0) but for a message that
        // says otherwise; the queue it enters sets it again anyway.
        if m.entered != m.published {
            self.set_entered(slot, m.entered);
        }
        self.offsets.set(slot, m.offset);
        self.backoffs.set(slot, m.backoff_prev_s);
        self.dedupes.set(slot, m.dedupe);
        slot
    }

    /// Frees the slot of a message in a terminal state once nobody holds it;
    /// returns how many times it was processed successfully (up to 3).
    /// Inlined: every message passes here once or more.
    #[inline(always)]
    pub fn release_if_done(&mut self, slot: u32) -> Option<u32> {
        let m = &self.slots[slot as usize];
        if m.state.is_terminal() && m.holders == 0 {
            let offset = self.offsets.get(slot);
            if crate::model::blob_store::unpack(offset).is_some() {
                self.released_pointers.push(offset);
            }
            self.live -= 1;
            self.free.push(slot);
            let m = &mut self.slots[slot as usize];
            m.generation = m.generation.wrapping_add(1);
            return Some(m.successes());
        }
        None
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &Stored {
        &self.slots[slot as usize]
    }
    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Stored {
        &mut self.slots[slot as usize]
    }
    /// The claim-check pointers of messages freed since the last call, if
    /// any; hand the list back with [`Arena::return_pointers`] to keep its
    /// allocation.
    pub fn take_released_pointers(&mut self) -> Option<Vec<u64>> {
        (!self.released_pointers.is_empty()).then(|| std::mem::take(&mut self.released_pointers))
    }

    /// The list [`Arena::take_released_pointers`] lent, read.
    pub fn return_pointers(&mut self, mut pointers: Vec<u64>) {
        pointers.clear();
        if self.released_pointers.is_empty() {
            self.released_pointers = pointers;
        }
    }

    /// When the message entered its current queue.
    #[inline]
    pub fn entered(&self, slot: u32) -> SimTime {
        let m = &self.slots[slot as usize];
        if m.entered_after == FAR {
            self.entered_far.get(slot)
        } else {
            m.published + u64::from(m.entered_after)
        }
    }
    #[inline]
    pub fn set_entered(&mut self, slot: u32, t: SimTime) {
        let m = &mut self.slots[slot as usize];
        match t.checked_sub(m.published) {
            Some(d) if d < u64::from(FAR) => m.entered_after = d as u32,
            _ => {
                m.entered_after = FAR;
                *self.entered_far.get_mut(slot) = t;
            }
        }
    }

    /// For a fetched record: its offset in its partition (`queue`). For a
    /// push copy: the time of its first attempt (`queue` is its endpoint).
    /// For a queue's message: its chain's start + 1 (published onward by a
    /// pipeline stage), or a claim check's pointer (0: neither).
    #[inline]
    pub fn offset(&self, slot: u32) -> u64 {
        self.offsets.get(slot)
    }
    #[inline]
    pub fn set_offset(&mut self, slot: u32, offset: u64) {
        self.offsets.set(slot, offset);
    }

    /// Last backoff delay (decorrelated jitter grows from it).
    #[inline]
    pub fn backoff_prev_s(&self, slot: u32) -> f32 {
        self.backoffs.get(slot)
    }
    #[inline]
    pub fn set_backoff_prev_s(&mut self, slot: u32, s: f32) {
        self.backoffs.set(slot, s);
    }

    /// Its dedupe record, for consumers with an idempotency store.
    pub fn dedupe_mut(&mut self, slot: u32) -> &mut Record {
        self.dedupes.get_mut(slot)
    }

    /// The first publish of the chain this message belongs to, for a message
    /// a pipeline stage published onward (`None`: it started its own chain
    /// when it was published). A queue's message keeps it in `offset`; a
    /// fetched record, whose `offset` is its place in its partition, in
    /// `deadline` (a fetched record has none); a push copy has none.
    pub fn lineage_start(&self, slot: u32) -> Option<SimTime> {
        let m = self.get(slot);
        lineage_start(m.state, m.deadline, self.offset(slot))
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
    pub fn iter_live(&self) -> impl Iterator<Item = &Stored> {
        self.iter_live_slots().map(|(_, m)| m)
    }
    /// Live messages with their slots.
    pub fn iter_live_slots(&self) -> impl Iterator<Item = (u32, &Stored)> {
        let mut is_free = vec![false; self.slots.len()];
        for &f in &self.free {
            is_free[f as usize] = true;
        }
        self.slots
            .iter()
            .zip(is_free)
            .enumerate()
            .filter(|(_, (_, f))| !f)
            .map(|(i, (m, _))| (i as u32, m))
    }
}

fn lineage_start(state: State, deadline: SimTime, offset: u64) -> Option<SimTime> {
    match state {
        State::Fetched => deadline.checked_sub(1),
        State::Pushed => None,
        // A claim check's pointer, not a chain's start: claim checks are
        // made by producers, at the head of a chain.
        _ if crate::model::blob_store::unpack(offset).is_some() => None,
        _ => offset.checked_sub(1),
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

    /// As `Arena::lineage_start`, for a message not yet in the arena.
    pub fn lineage_start(&self) -> Option<SimTime> {
        lineage_start(self.state, self.deadline, self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// Every message held costs a slot (the README's speed table measures a
    /// 10-million backlog at the slot plus its 4-byte place in a queue's
    /// ready line, under 64 bytes together). The slot keeps what every
    /// message uses; a field added here shows up in this test.
    #[test]
    fn a_slot_is_56_bytes() {
        assert_eq!(size_of::<Record>(), 8);
        assert_eq!(size_of::<Stored>(), 56);
        assert_eq!(size_of::<Receipt>(), 8);
    }

    /// The fields packed or moved out of the slot read back as inserted,
    /// across a reused slot (whose side tables must not keep the old values).
    #[test]
    fn packed_and_side_fields_round_trip() {
        let mut a = Arena::default();
        let mut m = Message::new(5_000_000_000, 2);
        m.entered = 5_000_000_000 + 7;
        m.offset = 42;
        m.backoff_prev_s = 1.5;
        m.poison = true;
        m.successes = 1;
        let s = a.insert(m);
        assert_eq!(a.entered(s), 5_000_000_007);
        assert_eq!(a.offset(s), 42);
        assert_eq!(a.backoff_prev_s(s), 1.5);
        assert!(a.get(s).poison() && !a.get(s).owes_event());
        a.get_mut(s).add_success();
        a.get_mut(s).add_success();
        a.get_mut(s).add_success();
        assert_eq!(a.get(s).successes(), 3);
        // Entered long after its publish, then before it: both kept exactly.
        a.set_entered(s, 5_000_000_000 + 10_000_000_000);
        assert_eq!(a.entered(s), 15_000_000_000);
        a.set_entered(s, 3);
        assert_eq!(a.entered(s), 3);
        *a.dedupe_mut(s) = Record::ABSENT;
        a.get_mut(s).state = State::Deleted;
        assert_eq!(a.release_if_done(s), Some(3));
        let t = a.insert(Message::new(1, 0));
        assert_eq!(t, s);
        assert_eq!(
            (a.offset(t), a.backoff_prev_s(t), a.entered(t)),
            (0, 0.0, 1)
        );
        assert!(!a.get(t).poison() && a.get(t).successes() == 0);
    }
}
