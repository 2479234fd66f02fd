//! An SQS-like queue (docs/model.md "Queue"): delayed → visible → in flight → deleted |
//! dead-lettered | expired. Receives hand out receipts; a delete with a stale
//! receipt does nothing; an expired visibility timeout makes the message visible
//! again with its receive count kept. The queue owns one timer: the earliest of
//! its deadlines, re-armed by the world after every operation.

mod notify;
mod prefetch;
pub mod redrive;

mod deadlines;
mod ledger;
mod observe;
mod ready;
mod sojourn;
pub mod summary;
mod ttl;

use crate::engine::SimTime;
use crate::metrics::{Latency, Levels};
use crate::model::event::{ConsumerId, QueueId, WorkerId};
use crate::model::message::{Arena, Message, Receipt, State};
use crate::model::protection::token_bucket::RateBucket;
use crate::scenario::Overflow;
use deadlines::Deadlines;
pub(crate) use notify::dead_letter;
pub(crate) use prefetch::push_ready;
use ready::Ready;
pub use sojourn::Sojourn;
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct QueueParams {
    pub name: String,
    pub fifo: bool,
    pub visibility: SimTime,
    pub delay: SimTime,
    pub retention: SimTime,
    pub max_receive_count: Option<u32>,
    pub dlq: Option<QueueId>,
    pub max_depth: Option<u64>,
    pub overflow: Overflow,
    /// Some other queue dead-letters into this one.
    pub is_dlq: bool,
    /// A message at the head of the line this long after it entered expires
    /// (`ttl.rs`).
    pub ttl: Option<SimTime>,
    /// Messages carry their own expiry here (`Message::deadline`, set when a
    /// retry tier moves them in).
    pub per_message_ttl: bool,
    /// Where an expired message goes (none: it is lost).
    pub expire_to: Option<QueueId>,
    /// SQS's in-flight quota: a receive while this many messages are in
    /// flight returns nothing (OverLimit).
    pub max_in_flight: u64,
    /// SQS FIFO's throughput quota: API calls a second per action (none: no
    /// quota).
    pub max_ops_per_s: Option<u64>,
    /// The largest message a publish may carry (none: no limit).
    pub max_message_bytes: Option<u64>,
    /// Count the billing chunks of what is published (sizes vary).
    pub count_chunks: bool,
}

/// A consumer worker parked on a long poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiter {
    pub consumer: ConsumerId,
    pub worker: WorkerId,
}

/// What one SendMessageBatch call did: entries accepted, refused (a full
/// queue, a throttled call, a size limit) and, of those, refused for size.
pub struct BatchSent {
    pub accepted: u64,
    pub rejected: u64,
    pub too_large: u64,
    pub changed: Changed,
}

/// Cumulative counters; the time series takes differences.
#[derive(Clone, Debug, Default)]
pub struct QueueCounters {
    pub published: u64,
    pub rejected: u64,
    pub dropped: u64,
    pub expired: u64,
    pub dead_lettered: u64,
    pub redriven: u64,
    pub receives: u64,
    pub deliveries: u64,
    pub deletes: u64,
    pub stale_deletes: u64,
    pub returns: u64,
    /// Messages whose TTL ran out and that moved to `expire_to`.
    pub ttl_moved: u64,
    /// Messages a consumer moved to a retry tier or a parking queue.
    pub handed_off: u64,
    /// Publishes refused while its broker blocked publishers.
    pub refused_blocked: u64,
    /// Receives refused at the in-flight quota (OverLimit).
    pub over_limit: u64,
    /// Publishes refused by a full `reject_publish_dlx` queue whose message
    /// was dead-lettered (they are in `rejected` too when the publisher lost
    /// them).
    pub rejected_to_dlq: u64,
    /// Messages a full `drop_head` queue dead-lettered to make room (not in
    /// `dropped`: they are not lost).
    pub dropped_to_dlq: u64,
    /// Publishes (SendMessage) refused at the FIFO throughput quota.
    pub throttled_sends: u64,
    /// Pull receives (ReceiveMessage) refused at the FIFO throughput quota.
    pub throttled_receives: u64,
    /// Publishes refused for their size (`max_message_bytes`).
    pub refused_too_large: u64,
    /// SendMessageBatch calls that reached the queue (not throttled).
    pub send_batches: u64,
    /// Messages refused for good because their call was throttled (among
    /// `rejected`; a producer with a publish policy retries instead).
    pub throttled_lost: u64,
    /// Accepted publishes' 64 KiB billing chunks and bytes (`count_chunks`).
    pub send_chunks: u64,
    pub bytes_published: u64,
}

/// A queue that an operation has changed: messages may have become visible
/// (parked receivers should get them) or a deadline may now come first (the
/// timer should be re-armed). Every operation that changes a queue returns one,
/// and the caller hands it back: to the router to settle after its handler
/// (`Reach::settle`: parked receivers served, timer re-armed), to the queue's
/// timer now (`Reach::rearm`) or at this instant (`Queue::wake`), so that no
/// caller can forget: an unsettled change does not compile (`must_use`, with
/// warnings denied).
#[must_use = "settle the change: Reach::settle, rearm or Queue::wake"]
#[derive(Debug, PartialEq, Eq)]
pub struct Changed(QueueId);

impl Changed {
    /// The changed queue's index, for the world that settles it.
    pub(crate) fn queue(self) -> usize {
        self.0.index()
    }
    /// The changed queue.
    pub(crate) fn id(self) -> QueueId {
        self.0
    }
    /// A change made inside a settle already under way for the same queue
    /// (the pushes and top-ups it makes): that settle covers it.
    pub(crate) fn covered(self) {}
    /// A change made before the run starts (the initial backlog): nobody is
    /// parked yet, and the queue's first operation in the run arms its timer.
    pub(crate) fn before_the_run(self) {}

    /// The token of publishes the queue refused: nothing became visible and
    /// nothing is due earlier, so there is nothing to settle.
    pub(crate) fn refused(self) {}

    /// Two changes to one queue, settled together.
    pub(crate) fn and(self, other: Changed) -> Changed {
        debug_assert_eq!(self, other, "changes to two queues settled as one");
        self
    }
}

pub enum Publish {
    Accepted(u32),
    Rejected,
}

pub struct Queue {
    pub id: QueueId,
    pub p: QueueParams,
    ready: Ready,
    in_flight: Deadlines,
    delayed: Deadlines,
    pub visible_n: u64,
    pub in_flight_n: u64,
    pub delayed_n: u64,
    pub timer_at: Option<SimTime>,
    /// The earliest deadline created since the timer was last armed: the timer
    /// needs re-arming only if this is earlier than it.
    new_deadline: Option<SimTime>,
    pub waiters: VecDeque<Waiter>,
    /// Workers the queue pushes to (prefetch consumers), in round-robin
    /// order, and the next one's turn.
    pub pushers: Vec<Waiter>,
    pub next_pusher: usize,
    /// Pushed-to workers holding fewer than their prefetch: with none, a push
    /// round ends at once instead of finding every worker full.
    pub pushers_with_room: usize,
    pub c: QueueCounters,
    /// Publish → first receive.
    pub wait: Latency,
    /// Messages visible, in flight, and held (visible + in flight +
    /// delayed: Little's L), time-averaged (`mean_visible`, …).
    levels: Levels<3>,
    /// Offered messages (published + rejected) when statistics were last reset.
    pub offered_mark: u64,
    /// Time in this queue of the messages that entered it since statistics
    /// were last reset and have left it (Little's law's W).
    pub sojourn: Sojourn,
    scratch: Vec<u32>,
    /// Messages the timer found expired, for the router to move to
    /// `expire_to` (`ttl.rs`).
    pub ttl_out: Vec<u32>,
    /// Bytes of the messages it holds (visible, in flight, delayed): its
    /// broker's memory.
    pub bytes_held: u64,
    /// The memory of the broker node it is on (`broker/`).
    pub node: Option<std::rc::Rc<crate::model::broker::NodeMemory>>,
    /// Messages a full queue refused or dropped that go to its DLQ, for the
    /// world to hand over after the event (`World::dead_letter_overflow`):
    /// the publish that refused them cannot reach another queue.
    pub overflow_out: Vec<u32>,
    /// SQS FIFO's throughput quota: SendMessage and ReceiveMessage calls.
    pub(crate) sends: Option<RateBucket>,
    pub(crate) receive_calls: Option<RateBucket>,
    /// When a receive refused at the quota may be made again: the timer
    /// fires then, so that parked receivers are served.
    throttled_until: Option<SimTime>,
}

impl Queue {
    pub fn new(id: QueueId, p: QueueParams) -> Queue {
        Queue {
            id,
            ready: Ready::new(p.fifo),
            in_flight: Deadlines::default(),
            delayed: Deadlines::default(),
            visible_n: 0,
            in_flight_n: 0,
            delayed_n: 0,
            timer_at: None,
            new_deadline: None,
            waiters: VecDeque::new(),
            pushers: Vec::new(),
            next_pusher: 0,
            pushers_with_room: 0,
            c: QueueCounters::default(),
            wait: Latency::default(),
            levels: Levels::default(),
            offered_mark: 0,
            sojourn: Sojourn::default(),
            scratch: Vec::new(),
            ttl_out: Vec::new(),
            bytes_held: 0,
            node: None,
            overflow_out: Vec::new(),
            sends: p.max_ops_per_s.map(RateBucket::new),
            receive_calls: p.max_ops_per_s.map(RateBucket::new),
            throttled_until: None,
            p,
        }
    }

    /// Publish attempts: accepted and rejected.
    pub fn offered(&self) -> u64 {
        self.c.published + self.c.rejected
    }

    /// Messages held: visible, in flight and delayed.
    pub fn depth(&self) -> u64 {
        self.visible_n + self.in_flight_n + self.delayed_n
    }

    #[inline]
    fn track(&mut self, now: SimTime) {
        let held = [self.visible_n, self.in_flight_n, self.depth()];
        self.levels.advance(now, held);
    }

    /// Mean messages visible since statistics were last reset, until `end`.
    pub fn mean_visible(&self, end: SimTime) -> f64 {
        self.levels.mean(end, 0, self.visible_n)
    }

    /// Mean messages in flight since statistics were last reset, until `end`.
    pub fn mean_in_flight(&self, end: SimTime) -> f64 {
        self.levels.mean(end, 1, self.in_flight_n)
    }

    /// Mean messages held (Little's L) since statistics were last reset,
    /// until `end`.
    pub fn mean_held(&self, end: SimTime) -> f64 {
        self.levels.mean(end, 2, self.depth())
    }

    /// Publishes a new message (the arena assigns its id). Inlined, as
    /// `try_publish`.
    #[inline(always)]
    pub fn publish(&mut self, arena: &mut Arena, m: Message, now: SimTime) -> (Publish, Changed) {
        let throttled = self.c.throttled_sends;
        match self.try_publish(arena, m, now) {
            (Ok(slot), changed) => (Publish::Accepted(slot), changed),
            (Err(_), changed) => {
                self.c.rejected += 1;
                if self.c.throttled_sends > throttled {
                    self.c.throttled_lost += 1;
                }
                (Publish::Rejected, changed)
            }
        }
    }

    /// A publish the producer may retry: a refused message comes back, and the
    /// queue does not count it as rejected (lost). Inlined: in the caller that
    /// made the message, the fields a new message has by default (flags, side
    /// fields) are known there, and packing them into its slot costs nothing.
    #[inline(always)]
    pub fn try_publish(
        &mut self,
        arena: &mut Arena,
        m: Message,
        now: SimTime,
    ) -> (Result<u32, Message>, Changed) {
        self.track(now);
        // Refused by the API before anything else (InvalidParameterValue).
        if self.too_large(&m) {
            self.c.refused_too_large += 1;
            return (Err(m), self.changed());
        }
        // The SendMessage call is throttled before the queue looks at it.
        if let Some(b) = &mut self.sends
            && !b.take(now)
        {
            self.c.throttled_sends += 1;
            return (Err(m), self.changed());
        }
        self.admit(arena, m, now, true)
    }

    /// A publish past the API's checks (size, throughput quota): a blocked
    /// broker or a full queue may still refuse it. `bill` counts its 64 KiB
    /// chunks (a batch's call is billed as a whole instead). Inlined into
    /// its two callers: every publish goes through it.
    #[inline(always)]
    fn admit(
        &mut self,
        arena: &mut Arena,
        mut m: Message,
        now: SimTime,
        bill: bool,
    ) -> (Result<u32, Message>, Changed) {
        if self.node.as_ref().is_some_and(|n| n.blocked()) {
            self.c.refused_blocked += 1;
            return (Err(m), self.changed());
        }
        if let Some(max) = self.p.max_depth
            && self.depth() >= max
        {
            let room = match self.p.overflow {
                Overflow::Reject => false,
                Overflow::DropOldest => self.drop_oldest(arena, now, false),
                Overflow::DropHead => self.drop_oldest(arena, now, self.p.dlq.is_some()),
                Overflow::RejectPublishDlx => {
                    // A copy made here: the message itself never leaves its
                    // caller's frame, where the publish keeps it in registers.
                    self.refuse_to_dlq(arena, m.clone());
                    false
                }
            };
            if !room {
                return (Err(m), self.changed());
            }
        }
        self.c.published += 1;
        if self.p.count_chunks {
            if bill {
                self.c.send_chunks += u64::from(m.size.div_ceil(64 * 1024).max(1));
            }
            self.c.bytes_published += u64::from(m.size);
        }
        m.queue = self.id.0;
        m.origin = self.id.0;
        let slot = arena.insert(m);
        self.enter(arena, slot, now, self.p.delay);
        (Ok(slot), self.changed())
    }

    /// One SendMessageBatch call with `batch`'s messages (emptied): one
    /// request against the throughput quota — a throttled call refuses every
    /// entry — then each entry on its own (its size, a blocked broker, a
    /// full queue), as the call reports per entry; billed per 64 KiB chunk
    /// of the whole call's payload.
    pub fn publish_batch(
        &mut self,
        arena: &mut Arena,
        batch: &mut Vec<Message>,
        now: SimTime,
    ) -> BatchSent {
        self.track(now);
        let (mut accepted, mut rejected, mut too_large) = (0, 0, 0);
        let mut changed = self.changed();
        let throttled = self.sends.as_mut().is_some_and(|b| !b.take(now));
        if throttled {
            self.c.throttled_sends += 1;
        } else {
            self.c.send_batches += 1;
            let bytes: u64 = batch.iter().map(|m| u64::from(m.size)).sum();
            self.c.send_chunks += bytes.div_ceil(64 * 1024).max(1);
        }
        for m in batch.drain(..) {
            let outcome = if throttled {
                self.c.throttled_lost += 1;
                Err(m)
            } else if self.too_large(&m) {
                self.c.refused_too_large += 1;
                too_large += 1;
                Err(m)
            } else {
                let (outcome, c) = self.admit(arena, m, now, false);
                changed = c.and(changed);
                outcome.map(|_| ())
            };
            match outcome {
                Ok(()) => accepted += 1,
                Err(_) => {
                    self.c.rejected += 1;
                    rejected += 1;
                }
            }
        }
        BatchSent {
            accepted,
            rejected,
            too_large,
            changed,
        }
    }

    /// Takes in a message that already exists (dead-lettered into this queue, or
    /// redriven back to it). It keeps its original publish time.
    pub fn adopt(&mut self, arena: &mut Arena, slot: u32, now: SimTime) -> Changed {
        self.track(now);
        let m = arena.get_mut(slot);
        m.queue = self.id.0;
        m.generation = m.generation.wrapping_add(1);
        self.enter(arena, slot, now, 0);
        self.changed()
    }

    /// Larger than this queue lets through.
    #[inline]
    pub fn too_large(&self, m: &Message) -> bool {
        self.p
            .max_message_bytes
            .is_some_and(|max| u64::from(m.size) > max)
    }

    /// The token for a change made to this queue (or for a look at it that
    /// must end with its timer re-armed).
    pub(crate) fn changed(&self) -> Changed {
        Changed(self.id)
    }

    /// A message takes its place in the queue, delayed or visible. Inlined:
    /// every publish passes here.
    #[inline(always)]
    fn enter(&mut self, arena: &mut Arena, slot: u32, now: SimTime, delay: SimTime) {
        arena.set_entered(slot, now);
        let m = arena.get_mut(slot);
        self.bytes_held += u64::from(m.size);
        if let Some(n) = &self.node {
            n.add(u64::from(m.size), now);
        }
        if delay > 0 {
            m.state = State::Delayed;
            m.deadline = now + delay;
            self.delayed.push(m.deadline, slot, m.generation);
            self.delayed_n += 1;
            let d = m.deadline;
            self.note(d);
        } else {
            m.state = State::Visible;
            self.ready.push_back(slot, m.key);
            // Only the head of the line can expire first; a new head is a new deadline.
            if self.visible_n == 0 {
                let expiry = m.published.saturating_add(self.p.retention);
                self.note(expiry);
                if let Some(t) = self.ttl_expiry(arena, slot) {
                    self.note(t);
                }
            }
            self.visible_n += 1;
        }
    }

    #[inline]
    fn note(&mut self, deadline: SimTime) {
        self.new_deadline = Some(self.new_deadline.map_or(deadline, |d| d.min(deadline)));
    }

    /// Whether the timer must be re-armed: it is not armed, or something is now
    /// due before it. Clears the record of new deadlines.
    #[inline]
    pub fn needs_arming(&mut self) -> bool {
        let new = self.new_deadline.take();
        match self.timer_at {
            None => true,
            Some(at) => new.is_some_and(|d| d < at),
        }
    }

    /// Makes room by taking the oldest visible message out: discarded, or
    /// set aside for the DLQ (`to_dlq`, RabbitMQ's drop-head with a
    /// dead-letter exchange).
    fn drop_oldest(&mut self, arena: &mut Arena, now: SimTime, to_dlq: bool) -> bool {
        let Some(slot) = self.ready.pop_oldest(arena) else {
            return false;
        };
        self.visible_n -= 1;
        self.leave(arena, slot, now);
        if to_dlq {
            self.c.dropped_to_dlq += 1;
            self.overflow_out.push(slot);
            return true;
        }
        self.c.dropped += 1;
        arena.get_mut(slot).state = State::Dropped;
        arena.release_if_done(slot);
        true
    }

    /// RabbitMQ's reject-publish-dlx: the publisher keeps its refused message
    /// (it may retry it) and a copy of it goes to the DLQ — a new message in
    /// the books (`Accounted`: produced), as RabbitMQ's dead-lettered copy is
    /// one the publisher's retry would duplicate.
    fn refuse_to_dlq(&mut self, arena: &mut Arena, mut copy: Message) {
        if self.p.dlq.is_none() {
            return; // validation refuses this; a refusal all the same
        }
        copy.queue = self.id.0;
        copy.origin = self.id.0;
        let slot = arena.insert(copy);
        self.c.rejected_to_dlq += 1;
        self.overflow_out.push(slot);
    }

    /// Receives up to `max` messages into `out`. Messages past retention expire;
    /// messages already received `max_receive_count` times go to `to_dlq` for the
    /// world to hand to the dead-letter queue.
    pub fn receive(
        &mut self,
        arena: &mut Arena,
        now: SimTime,
        max: u32,
        out: &mut Vec<Receipt>,
        to_dlq: &mut Vec<u32>,
    ) -> (u32, Changed) {
        let (got, _) = self.take(arena, now, max, u64::MAX, out, to_dlq, true);
        (got, self.changed())
    }

    /// A receive whose batch may carry at most `max_bytes` (a Lambda
    /// invocation's payload): the message that would pass it stays for the
    /// next receive, unless it would be the batch's first. Also says whether
    /// the batch was cut there.
    pub fn receive_capped(
        &mut self,
        arena: &mut Arena,
        now: SimTime,
        max: u32,
        max_bytes: u64,
        out: &mut Vec<Receipt>,
        to_dlq: &mut Vec<u32>,
    ) -> (u32, bool, Changed) {
        let (got, cut) = self.take(arena, now, max, max_bytes, out, to_dlq, true);
        (got, cut, self.changed())
    }

    /// Pushes one message to a prefetch consumer: received like any other, but
    /// held without a visibility timeout until it is acked or nacked.
    pub fn push_one(
        &mut self,
        arena: &mut Arena,
        now: SimTime,
        out: &mut Vec<Receipt>,
        to_dlq: &mut Vec<u32>,
    ) -> (u32, Changed) {
        let (got, _) = self.take(arena, now, 1, u64::MAX, out, to_dlq, false);
        (got, self.changed())
    }

    #[allow(clippy::too_many_arguments)]
    fn take(
        &mut self,
        arena: &mut Arena,
        now: SimTime,
        max: u32,
        max_bytes: u64,
        out: &mut Vec<Receipt>,
        to_dlq: &mut Vec<u32>,
        visibility: bool,
    ) -> (u32, bool) {
        self.track(now);
        self.c.receives += 1;
        let mut max = max;
        // A pull receive is a ReceiveMessage call: throttled before the queue
        // looks at it, empty or not.
        if visibility
            && let Some(b) = &mut self.receive_calls
            && !b.take(now)
        {
            self.c.throttled_receives += 1;
            let at = b.next_allowed(now);
            self.throttled_until = Some(at);
            self.note(at);
            return (0, false);
        }
        if visibility {
            let room = self.p.max_in_flight.saturating_sub(self.in_flight_n);
            if room == 0 {
                self.c.over_limit += 1;
                return (0, false);
            }
            max = max.min(u32::try_from(room).unwrap_or(u32::MAX));
        }
        let mut got = 0;
        let (mut bytes, mut cut) = (0u64, false);
        while got < max {
            let Some(slot) = self.ready.pop() else { break };
            self.visible_n -= 1;
            if now.saturating_sub(arena.get(slot).published) >= self.p.retention {
                self.leave(arena, slot, now);
                arena.get_mut(slot).state = State::Expired;
                self.c.expired += 1;
                arena.release_if_done(slot);
                continue;
            }
            if let (Some(limit), Some(_)) = (self.p.max_receive_count, self.p.dlq)
                && arena.get(slot).receive_count >= limit
            {
                self.c.dead_lettered += 1;
                self.leave(arena, slot, now);
                to_dlq.push(slot);
                continue;
            }
            let m = arena.get_mut(slot);
            if max_bytes < u64::MAX {
                let size = u64::from(m.size);
                if !out.is_empty() && bytes + size > max_bytes {
                    let key = m.key;
                    self.visible_n += 1;
                    self.ready.unpop(slot, key);
                    cut = true;
                    break;
                }
                bytes += size;
            }
            m.receive_count += 1;
            m.generation = m.generation.wrapping_add(1);
            m.state = State::InFlight;
            m.deadline = if visibility {
                now.saturating_add(self.p.visibility)
            } else {
                SimTime::MAX
            };
            m.holders += 1;
            let first = !m.received_once();
            m.set_received_once();
            let (generation, key, published, deadline) =
                (m.generation, m.key, m.published, m.deadline);
            if first {
                self.wait.record(now - published);
            }
            if visibility {
                self.in_flight.push(deadline, slot, generation);
                self.note(deadline);
            }
            self.in_flight_n += 1;
            self.ready.delivered(key);
            out.push(Receipt { slot, generation });
            got += 1;
        }
        self.ready.end_receive();
        self.c.deliveries += got as u64;
        (got, cut)
    }

    /// The receipt is the message's latest and it is still in flight here.
    #[inline]
    pub fn holds(&self, arena: &Arena, r: Receipt) -> bool {
        let m = arena.get(r.slot);
        m.generation == r.generation && m.state == State::InFlight && m.queue == self.id.0
    }

    /// Deletes with a receipt; a stale receipt (received again since) deletes nothing.
    /// Inlined: every processed message of a pool is deleted.
    #[inline(always)]
    pub fn delete(&mut self, arena: &mut Arena, r: Receipt, now: SimTime) -> Changed {
        if !self.holds(arena, r) {
            self.c.stale_deletes += 1;
            return self.changed();
        }
        self.track(now);
        self.leave(arena, r.slot, now);
        let m = arena.get_mut(r.slot);
        m.state = State::Deleted;
        let key = m.key;
        self.in_flight_n -= 1;
        self.c.deletes += 1;
        // A FIFO group waiting behind this message may be receivable now.
        self.ready.settle(key);
        self.changed()
    }

    /// Takes an in-flight message out under its receipt, for its consumer to
    /// move to another queue (a retry tier, a parking queue); `None` for a
    /// stale receipt (received again since: the move is someone else's).
    pub fn hand_off(&mut self, arena: &mut Arena, r: Receipt, now: SimTime) -> Option<Changed> {
        if !self.holds(arena, r) {
            return None;
        }
        self.track(now);
        self.leave(arena, r.slot, now);
        let key = arena.get(r.slot).key;
        self.in_flight_n -= 1;
        self.c.handed_off += 1;
        self.ready.settle(key);
        Some(self.changed())
    }

    /// ChangeMessageVisibility: the message stays invisible for `delay` from now.
    pub fn change_visibility(
        &mut self,
        arena: &mut Arena,
        r: Receipt,
        now: SimTime,
        delay: SimTime,
    ) -> Changed {
        if !self.holds(arena, r) {
            return self.changed();
        }
        if delay == 0 {
            self.track(now);
            self.make_visible(arena, r.slot);
            return self.changed();
        }
        let m = arena.get_mut(r.slot);
        m.deadline = now.saturating_add(delay);
        self.in_flight.push(m.deadline, r.slot, m.generation);
        let d = m.deadline;
        self.note(d);
        self.changed()
    }

    fn make_visible(&mut self, arena: &mut Arena, slot: u32) {
        let m = arena.get_mut(slot);
        m.state = State::Visible;
        self.in_flight_n -= 1;
        self.visible_n += 1;
        self.c.returns += 1;
        self.ready.push_returned(slot, m.key);
        let expiry = m.published.saturating_add(self.p.retention);
        self.note(expiry);
        if let Some(t) = self.ttl_expiry(arena, slot) {
            self.note(t);
        }
    }

    /// Handles every deadline due at `now`: visibility timeouts, delays, retention.
    pub fn on_timer(&mut self, arena: &mut Arena, now: SimTime) -> Changed {
        self.track(now);
        // Messages due together (a batch) go back to the front in the order they
        // were received: collect, then push the last first.
        let mut due = std::mem::take(&mut self.scratch);
        while let Some(slot) = self.in_flight.pop_due(arena, State::InFlight, now) {
            due.push(slot);
        }
        for &slot in due.iter().rev() {
            self.make_visible(arena, slot);
        }
        due.clear();
        self.scratch = due;
        while let Some(slot) = self.delayed.pop_due(arena, State::Delayed, now) {
            let m = arena.get_mut(slot);
            m.state = State::Visible;
            self.delayed_n -= 1;
            self.visible_n += 1;
            self.ready.push_back(slot, m.key);
        }
        self.expire_oldest(arena, now);
        self.expire_ttl(arena, now);
        if self.throttled_until.is_some_and(|t| t <= now) {
            self.throttled_until = None;
        }
        self.changed()
    }

    /// Retention: expires visible messages from the oldest end.
    fn expire_oldest(&mut self, arena: &mut Arena, now: SimTime) {
        if self.p.fifo {
            return;
        }
        while let Some(slot) = self.ready.oldest(arena) {
            if now.saturating_sub(arena.get(slot).published) < self.p.retention {
                break;
            }
            self.ready.pop_oldest(arena);
            self.visible_n -= 1;
            self.c.expired += 1;
            self.leave(arena, slot, now);
            arena.get_mut(slot).state = State::Expired;
            arena.release_if_done(slot);
        }
    }

    /// The earliest time something is due.
    pub fn next_deadline(&mut self, arena: &Arena) -> Option<SimTime> {
        let a = self.in_flight.earliest(arena, State::InFlight);
        let b = self.delayed.earliest(arena, State::Delayed);
        // FIFO queues check retention when a message is received (finding the
        // oldest means scanning the groups).
        let c = (!self.p.fifo)
            .then(|| self.ready.oldest(arena))
            .flatten()
            .map(|s| arena.get(s).published.saturating_add(self.p.retention));
        let d = self.ttl_head_expiry(arena);
        [a, b, c, d, self.throttled_until]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn has_visible(&self) -> bool {
        self.visible_n > 0
    }

    /// A receive now would deliver something (FIFO: some group is not blocked).
    pub fn has_receivable(&self) -> bool {
        self.visible_n > 0 && self.ready.has_ready()
    }

    /// A pull receive now would deliver something: also under the in-flight
    /// quota and the FIFO throughput quota (a push to prefetch workers is
    /// limited by neither). A receiver refused at the throughput quota is
    /// served when the queue's timer finds a call allowed again.
    pub fn has_pullable(&self, now: SimTime) -> bool {
        self.has_receivable()
            && self.in_flight_n < self.p.max_in_flight
            && self.receive_calls.as_ref().is_none_or(|b| b.allows(now))
    }

    /// Parked receivers that the FIFO throughput quota alone keeps from
    /// messages: the timer must fire when a call is allowed again, or they
    /// would wait for the next change to the queue (or their poll's end).
    #[inline]
    pub fn wake_for_quota(&mut self, now: SimTime) {
        if self.receive_calls.is_none() || self.waiters.is_empty() || !self.has_receivable() {
            return;
        }
        if let Some(b) = &self.receive_calls
            && !b.allows(now)
        {
            let at = b.next_allowed(now);
            // Never a time already past: the timer would be armed for it.
            if self.throttled_until.is_none_or(|t| t <= now || at < t) {
                self.throttled_until = Some(at);
            }
            self.note(at);
        }
    }

    /// Takes the oldest visible message out of the queue without receiving it (a
    /// redrive moving it elsewhere); expired ones on the way are expired.
    pub fn take_visible(&mut self, arena: &mut Arena, now: SimTime) -> (Option<u32>, Changed) {
        self.track(now);
        while let Some(slot) = self.ready.pop_oldest(arena) {
            self.visible_n -= 1;
            self.leave(arena, slot, now);
            if now.saturating_sub(arena.get(slot).published) >= self.p.retention {
                self.c.expired += 1;
                arena.get_mut(slot).state = State::Expired;
                arena.release_if_done(slot);
                continue;
            }
            return (Some(slot), self.changed());
        }
        (None, self.changed())
    }

    /// Age of the oldest visible message.
    pub fn oldest_age(&self, arena: &Arena, now: SimTime) -> SimTime {
        self.ready
            .oldest(arena)
            .map_or(0, |s| now.saturating_sub(arena.get(s).published))
    }

    pub fn blocked_groups(&self) -> usize {
        self.ready.blocked_groups()
    }

    /// Restarts time-averaged statistics (end of warm-up).
    pub fn reset_stats(&mut self, now: SimTime) {
        self.wait = Latency::default();
        self.levels.reset(now);
        self.offered_mark = self.offered();
        self.sojourn = Sojourn::since(now);
    }

    /// Entries in the deadline structures, stale ones included.
    pub fn bookkeeping_entries(&self) -> usize {
        self.in_flight.len() + self.delayed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fifo_queue() -> Queue {
        Queue::new(
            QueueId(0),
            QueueParams {
                name: "q.fifo".into(),
                fifo: true,
                visibility: 10,
                delay: 0,
                retention: u64::MAX,
                max_receive_count: None,
                dlq: None,
                max_depth: None,
                overflow: Overflow::Reject,
                ttl: None,
                per_message_ttl: false,
                expire_to: None,
                max_in_flight: u64::MAX,
                max_ops_per_s: None,
                max_message_bytes: None,
                count_chunks: false,
                is_dlq: false,
            },
        )
    }

    fn ids(arena: &Arena, rs: &[Receipt]) -> Vec<u64> {
        rs.iter().map(|r| arena.get(r.slot).id).collect()
    }

    #[test]
    fn a_batch_that_times_out_keeps_its_group_order() {
        let (mut q, mut arena) = (fifo_queue(), Arena::default());
        for t in 0..4 {
            let (outcome, changed) = q.publish(&mut arena, Message::new(t, 0), t);
            assert!(matches!(outcome, Publish::Accepted(_)));
            assert_eq!(changed.queue(), 0);
        }
        let (mut out, mut dlq) = (vec![], vec![]);
        q.receive(&mut arena, 5, 3, &mut out, &mut dlq).1.queue();
        assert_eq!(ids(&arena, &out), vec![0, 1, 2]);
        // The group is blocked while they are in flight.
        let mut more = vec![];
        assert_eq!(q.receive(&mut arena, 6, 3, &mut more, &mut dlq).0, 0);
        q.on_timer(&mut arena, 15).queue();
        let mut again = vec![];
        q.receive(&mut arena, 16, 10, &mut again, &mut dlq)
            .1
            .queue();
        assert_eq!(ids(&arena, &again), vec![0, 1, 2, 3]);
        // Receipts of the first receive are stale now.
        q.delete(&mut arena, out[0], 17).queue();
        assert_eq!((q.c.deletes, q.c.stale_deletes), (0, 1));
        q.delete(&mut arena, again[0], 17).queue();
        assert_eq!((q.c.deletes, q.c.stale_deletes), (1, 1));
    }

    /// A changed visibility that lands exactly on the receive's own deadline
    /// (a failed invocation's backoff can add up to the visibility timeout)
    /// leaves two entries for one message: it still comes back once.
    #[test]
    fn a_visibility_change_onto_the_same_deadline_returns_the_message_once() {
        for fifo in [true, false] {
            let mut q = fifo_queue();
            q.p.fifo = fifo;
            q.ready = Ready::new(fifo);
            let mut arena = Arena::default();
            let _ = q.publish(&mut arena, Message::new(0, 0), 0).1.queue();
            let (mut out, mut dlq) = (vec![], vec![]);
            q.receive(&mut arena, 0, 1, &mut out, &mut dlq).1.queue();
            // Received at 0 with a visibility timeout of 10; changed at 4 to 6 more.
            q.change_visibility(&mut arena, out[0], 4, 6).queue();
            q.on_timer(&mut arena, 10).queue();
            assert_eq!((q.visible_n, q.in_flight_n), (1, 0), "fifo = {fifo}");
            let mut again = vec![];
            assert_eq!(q.receive(&mut arena, 11, 10, &mut again, &mut dlq).0, 1);
            assert_eq!(q.receive(&mut arena, 12, 10, &mut again, &mut dlq).0, 0);
        }
    }
}
