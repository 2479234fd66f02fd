//! A producer with a publish policy: a publish the queue refuses goes into the
//! producer's bounded buffer and is retried after a backoff, up to `attempts`
//! attempts per message, then given up (lost, counted). A new message that is
//! refused while the buffer is full blocks the producer (it holds the message
//! and generates nothing until the buffer has room), is dropped, or crashes the
//! producer (out of memory: it stops for good and its buffer is lost).
//!
//! A buffered message keeps its creation time: its end-to-end latency includes
//! the time it waited at the producer. A new message is tried at once, even if
//! older ones wait in the buffer (no ordering between them).

use super::Outlet;
use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::event::{ProducerEvent, ProducerId};
use crate::model::producer::Producer;
use crate::model::queue::Changed;

impl Producer {
    /// A new message from a producer with a publish policy; the queue's change
    /// to settle, unless nothing was published.
    pub(super) fn produce_buffered(
        &mut self,
        id: ProducerId,
        out: Outlet<'_>,
        sim: &mut Scheduler<Event>,
    ) -> Option<Changed> {
        let now = sim.now();
        let b = self.buffer.as_mut().expect("a publish policy");
        if b.crashed_at.is_some() {
            return None;
        }
        if b.blocked_since.is_some() {
            // Blocked: this arrival never becomes a message.
            b.c.blocked += 1;
            self.schedule_arrival(id, sim);
            return None;
        }
        let mut m = self.make_message(now, out.queue.id.0);
        self.claim(&mut m, out.blobs, sim);
        let b = self.buffer.as_mut().expect("a publish policy");
        let (outcome, changed) = out.queue.try_publish(out.arena, m, now);
        match outcome {
            Ok(_) => self.c.produced += 1,
            // Too large for the queue: no retry can succeed.
            Err(m) if out.queue.too_large(&m) => {
                self.c.too_large += 1;
                b.refused_for_good();
            }
            Err(m) => b.refused_new(m, now),
        }
        if b.crashed_at.is_none() {
            self.schedule_arrival(id, sim);
        }
        self.arm_retry(id, sim);
        Some(changed)
    }

    /// The producer's retries due now; then a blocked producer's message takes
    /// the room they made. The queue's change to settle, if any was accepted.
    pub(crate) fn on_retry(
        &mut self,
        id: ProducerId,
        out: Outlet<'_>,
        sim: &mut Scheduler<Event>,
    ) -> Option<Changed> {
        let now = sim.now();
        let b = self.buffer.as_mut().expect("a publish policy");
        if b.timer_at != Some(now) {
            return None; // superseded by an earlier timer
        }
        b.timer_at = None;
        if b.crashed_at.is_some() {
            return None;
        }
        // Collected first: a retry refused again may be due at once (a jitter
        // draw of 0) and must wait for the next timer.
        let due = out.scratch;
        b.take_due(now, due);
        sim.work(due.len() as u64);
        let mut accepted = false;
        let mut changed = out.queue.changed();
        for e in due.drain(..) {
            b.c.retries += 1;
            let (outcome, c) = out.queue.try_publish(out.arena, e.m, now);
            changed = changed.and(c);
            match outcome {
                Ok(_) => {
                    self.c.produced += 1;
                    accepted = true;
                }
                Err(m) => {
                    // The message came out of the buffer: its place is free.
                    let _kept = b.refused(m, e.attempts + 1, now);
                    debug_assert!(_kept.is_ok());
                }
            }
        }
        if b.has_room()
            && let Some(m) = b.held.take()
        {
            // Unblocked: the message in hand is tried at once.
            let since = b.blocked_since.take().expect("held while blocked");
            b.c.blocked_ns += now - since;
            let (outcome, c) = out.queue.try_publish(out.arena, m, now);
            changed = changed.and(c);
            match outcome {
                Ok(_) => {
                    self.c.produced += 1;
                    accepted = true;
                }
                Err(m) => {
                    let _kept = b.refused(m, 2, now);
                    debug_assert!(_kept.is_ok());
                }
            }
        }
        self.arm_retry(id, sim);
        if accepted {
            Some(changed)
        } else {
            changed.refused();
            None
        }
    }

    /// Schedules the producer's retry timer if a retry is due earlier than it
    /// is armed for.
    fn arm_retry(&mut self, id: ProducerId, sim: &mut Scheduler<Event>) {
        let b = self.buffer.as_mut().expect("a publish policy");
        if let Some(t) = b.next_due()
            && b.timer_at.is_none_or(|a| t < a)
        {
            b.timer_at = Some(t);
            sim.at(t, Event::Producer(id, ProducerEvent::Retry));
        }
    }
}
