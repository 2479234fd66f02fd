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

use crate::engine::Scheduler;
use crate::model::event::{ProducerEvent, ProducerId};
use crate::model::{Event, World};

impl World {
    /// A new message from a producer with a publish policy.
    pub(crate) fn produce_buffered(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let p = &mut self.producers[pi];
        let qi = p.p.queue as usize;
        let b = p.buffer.as_mut().expect("a publish policy");
        if b.crashed_at.is_some() {
            return;
        }
        if b.blocked_since.is_some() {
            // Blocked: this arrival never becomes a message.
            b.c.blocked += 1;
            return self.schedule_arrival(pi, sim);
        }
        let m = p.make_message(now, qi as u16);
        let b = p.buffer.as_mut().expect("a publish policy");
        let (outcome, changed) = self.queues[qi].try_publish(&mut self.arena, m, now);
        match outcome {
            Ok(_) => p.c.produced += 1,
            Err(m) => b.refused_new(m, now),
        }
        if b.crashed_at.is_none() {
            self.schedule_arrival(pi, sim);
        }
        self.arm_producer(pi, sim);
        self.after_publish(changed, sim);
    }

    /// The producer's retries due now; then a blocked producer's message takes
    /// the room they made.
    pub(crate) fn producer_retry(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let p = &mut self.producers[pi];
        let qi = p.p.queue as usize;
        let b = p.buffer.as_mut().expect("a publish policy");
        if b.timer_at != Some(now) {
            return; // superseded by an earlier timer
        }
        b.timer_at = None;
        if b.crashed_at.is_some() {
            return;
        }
        // Collected first: a retry refused again may be due at once (a jitter
        // draw of 0) and must wait for the next timer.
        let mut due = std::mem::take(&mut self.scratch_pending);
        b.take_due(now, &mut due);
        sim.work(due.len() as u64);
        let mut accepted = false;
        let mut changed = self.queues[qi].changed();
        for e in due.drain(..) {
            b.c.retries += 1;
            let (outcome, c) = self.queues[qi].try_publish(&mut self.arena, e.m, now);
            changed = changed.and(c);
            match outcome {
                Ok(_) => {
                    p.c.produced += 1;
                    accepted = true;
                }
                Err(m) => {
                    // The message came out of the buffer: its place is free.
                    let _kept = b.refused(m, e.attempts + 1, now);
                    debug_assert!(_kept.is_ok());
                }
            }
        }
        self.scratch_pending = due;
        let p = &mut self.producers[pi];
        let b = p.buffer.as_mut().expect("a publish policy");
        if b.has_room()
            && let Some(m) = b.held.take()
        {
            // Unblocked: the message in hand is tried at once.
            let since = b.blocked_since.take().expect("held while blocked");
            b.c.blocked_ns += now - since;
            let (outcome, c) = self.queues[qi].try_publish(&mut self.arena, m, now);
            changed = changed.and(c);
            match outcome {
                Ok(_) => {
                    p.c.produced += 1;
                    accepted = true;
                }
                Err(m) => {
                    let _kept = b.refused(m, 2, now);
                    debug_assert!(_kept.is_ok());
                }
            }
        }
        self.arm_producer(pi, sim);
        if accepted {
            self.after_publish(changed, sim);
        } else {
            changed.refused();
        }
    }

    /// Schedules the producer's retry timer if a retry is due earlier than it
    /// is armed for.
    pub(crate) fn arm_producer(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let b = self.producers[pi]
            .buffer
            .as_mut()
            .expect("a publish policy");
        if let Some(t) = b.next_due()
            && b.timer_at.is_none_or(|a| t < a)
        {
            b.timer_at = Some(t);
            sim.at(t, Event::Producer(ProducerId::of(pi), ProducerEvent::Retry));
        }
    }
}
