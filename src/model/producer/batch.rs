//! SQS's SendMessageBatch on a queue producer (`[producer.batch]`): messages
//! wait in an open batch until it holds `max_messages` (SQS: at most 10), the
//! next one would take it past `max_bytes` (SQS: 1 MiB in all), or
//! `linger_s` has passed since its first message (the buffered client's
//! send frequency); then the batch goes out as one call. One call is one
//! request against a FIFO queue's throughput quota and one billed request
//! per 64 KiB of the whole batch's payload: the reason to batch. Each entry
//! succeeds or fails on its own (a full queue, a size limit), as the real
//! call reports per entry. A message's time in the batch is part of its
//! end-to-end latency (it was made when it arrived).
//!
//! Memory: the open batch, at most `max_messages` messages per producer.

use crate::engine::{Scheduler, SimTime};
use crate::model::Event;
use crate::model::event::{ProducerEvent, ProducerId};
use crate::model::message::Message;
use crate::model::producer::Producer;
use crate::model::producer::produce::Outlet;
use crate::model::queue::Changed;

pub struct SendBatch {
    pub max_messages: usize,
    pub max_bytes: u64,
    pub linger: SimTime,
    open: Vec<Message>,
    bytes: u64,
    /// Bumped at each send: a linger timer armed for an earlier batch finds
    /// its batch gone.
    generation: u32,
    pub c: BatchCounters,
}

#[derive(Clone, Debug, Default)]
pub struct BatchCounters {
    /// SendMessageBatch calls made, and the messages they carried.
    pub calls: u64,
    pub messages: u64,
    /// Calls sent because the batch was full, because the next message
    /// would pass `max_bytes`, or because its linger ran out.
    pub full: u64,
    pub cut_by_bytes: u64,
    pub lingered: u64,
}

/// Why a batch goes out.
#[derive(Clone, Copy)]
enum Send {
    Full,
    Bytes,
    Linger,
}

impl SendBatch {
    pub fn new(max_messages: usize, max_bytes: u64, linger: SimTime) -> SendBatch {
        SendBatch {
            max_messages,
            max_bytes,
            linger,
            open: Vec::with_capacity(max_messages),
            bytes: 0,
            generation: 0,
            c: BatchCounters::default(),
        }
    }

    /// Messages in the open batch (made, not yet offered to the queue).
    pub fn held(&self) -> u64 {
        self.open.len() as u64
    }
}

impl Producer {
    /// A new message joins the open batch; a batch that must go first (the
    /// message would pass `max_bytes`) or that it fills goes out. Returns
    /// the queue's change to settle.
    pub(crate) fn add_to_batch(
        &mut self,
        id: ProducerId,
        m: Message,
        out: &mut Outlet<'_>,
        sim: &mut Scheduler<Event>,
    ) -> Option<Changed> {
        let now = sim.now();
        let b = self.batch.as_mut().expect("a batch");
        let mut changed = None;
        if !b.open.is_empty() && b.bytes + u64::from(m.size) > b.max_bytes {
            changed = Some(self.send_batch(Send::Bytes, out, now));
        }
        let b = self.batch.as_mut().expect("a batch");
        b.bytes += u64::from(m.size);
        b.open.push(m);
        if b.open.len() >= b.max_messages || b.linger == 0 {
            let sent = self.send_batch(Send::Full, out, now);
            return Some(match changed {
                Some(before) => sent.and(before),
                None => sent,
            });
        }
        if b.open.len() == 1 {
            let generation = b.generation;
            sim.at(
                now.saturating_add(b.linger),
                Event::Producer(id, ProducerEvent::Flush { generation }),
            );
        }
        changed
    }

    /// The linger timer of batch `generation`: sends it if it is still open.
    pub(crate) fn on_linger(
        &mut self,
        generation: u32,
        out: &mut Outlet<'_>,
        now: SimTime,
    ) -> Option<Changed> {
        let b = self.batch.as_ref()?;
        if b.generation != generation || b.open.is_empty() {
            return None;
        }
        Some(self.send_batch(Send::Linger, out, now))
    }

    /// One SendMessageBatch call with the open batch's messages.
    fn send_batch(&mut self, why: Send, out: &mut Outlet<'_>, now: SimTime) -> Changed {
        let b = self.batch.as_mut().expect("a batch");
        b.generation = b.generation.wrapping_add(1);
        b.c.calls += 1;
        b.c.messages += b.open.len() as u64;
        match why {
            Send::Full => b.c.full += 1,
            Send::Bytes => b.c.cut_by_bytes += 1,
            Send::Linger => b.c.lingered += 1,
        }
        b.bytes = 0;
        let sent = out.queue.publish_batch(out.arena, &mut b.open, now);
        self.c.produced += sent.accepted;
        self.c.rejected += sent.rejected;
        self.c.too_large += sent.too_large;
        sent.changed
    }
}
