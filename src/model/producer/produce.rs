//! A producer's messages to its queue: the initial backlog, each arrival
//! published, and the next arrival scheduled. A producer with a publish policy
//! goes through its buffer (`publish.rs`). A producer to a topic or a push
//! topic hands its message to that owner (`log/flow.rs`, `push/delivery.rs`).
//!
//! What a publish reaches is lent as an `Outlet`: the arena and the producer's
//! own queue. The queue's change is handed back, for the world to settle
//! (serve the receivers it woke, re-arm its timer) once the producer is done.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::blob_store::BlobStore;
use crate::model::event::BlobEvent;
use crate::model::event::{ProducerEvent, ProducerId};
use crate::model::message::Arena;
use crate::model::producer::{Pending, Producer};
use crate::model::queue::{Changed, Publish, Queue};

/// What a queue producer's publish reaches: the message arena and its queue,
/// with a buffer lent for the retries due at once.
pub(crate) struct Outlet<'a> {
    pub arena: &'a mut Arena,
    pub queue: &'a mut Queue,
    pub scratch: &'a mut Vec<Pending>,
    /// The blob stores, for a claim-check producer's PUTs.
    pub blobs: &'a mut [BlobStore],
}

impl Producer {
    /// The initial backlog: messages already waiting in the queue at time 0.
    /// Returns the messages made (steps of work).
    pub(crate) fn seed_queue(&mut self, out: Outlet<'_>) -> u64 {
        let q = out.queue;
        // The backlog is already in the queue when the run starts: no
        // SendMessage calls against the FIFO throughput quota.
        let sends = q.sends.take();
        for _ in 0..self.p.initial_backlog {
            // Stopped, or blocked with a message in hand: the rest of the
            // backlog is never made (a blocked producer counts it).
            if let Some(b) = &mut self.buffer {
                if b.crashed_at.is_some() {
                    break;
                }
                if b.blocked_since.is_some() {
                    b.c.blocked += 1;
                    continue;
                }
            }
            let mut m = self.make_message(0, q.id.0);
            // Before the run: the store's timer is armed with the first events.
            let _armed_later = self.claim_check(&mut m, out.blobs, 0);
            if let Some(b) = &mut self.buffer {
                let (outcome, changed) = q.try_publish(out.arena, m, 0);
                changed.before_the_run();
                match outcome {
                    Ok(_) => self.c.produced += 1,
                    Err(m) if q.too_large(&m) => {
                        self.c.too_large += 1;
                        b.refused_for_good();
                    }
                    Err(m) => b.refused_new(m, 0),
                }
                continue;
            }
            let too_large = q.too_large(&m);
            let (outcome, changed) = q.publish(out.arena, m, 0);
            changed.before_the_run();
            match outcome {
                Publish::Accepted(_) => self.c.produced += 1,
                Publish::Rejected => {
                    self.c.rejected += 1;
                    self.c.too_large += u64::from(too_large);
                }
            }
        }
        q.sends = sends;
        self.p.initial_backlog
    }

    /// The next message is due: published to the queue, or through the
    /// buffer with a publish policy. Returns the queue's change to settle.
    pub(crate) fn on_produce(
        &mut self,
        id: ProducerId,
        out: Outlet<'_>,
        sim: &mut Scheduler<Event>,
    ) -> Option<Changed> {
        if self.buffer.is_some() {
            return self.produce_buffered(id, out, sim);
        }
        let now = sim.now();
        let mut m = self.make_message(now, out.queue.id.0);
        self.claim(&mut m, out.blobs, sim);
        if self.batch.is_some() {
            let mut out = out;
            // A copy, as in `claim`.
            let changed = self.add_to_batch(id, m.clone(), &mut out, sim);
            self.schedule_arrival(id, sim);
            return changed;
        }
        let too_large = out.queue.too_large(&m);
        let (outcome, changed) = out.queue.publish(out.arena, m, now);
        match outcome {
            Publish::Accepted(_) => self.c.produced += 1,
            Publish::Rejected => {
                self.c.rejected += 1;
                self.c.too_large += u64::from(too_large);
            }
        }
        self.schedule_arrival(id, sim);
        Some(changed)
    }

    /// The claim check during the run, arming the store's lifecycle timer
    /// if its line was empty. Inlined: most producers have none, and then
    /// a publish pays one test instead of a call. The check works on a copy:
    /// a message whose address reached a call would be written to memory
    /// field by field and read back by the publish, where without it the
    /// publish takes its fields from registers (~20 instructions a message).
    #[inline]
    pub(super) fn claim(
        &mut self,
        m: &mut crate::model::message::Message,
        blobs: &mut [BlobStore],
        sim: &mut Scheduler<Event>,
    ) {
        if self.p.claim.is_none() {
            return;
        }
        let mut checked = m.clone();
        if let Some((store, at)) = self.claim_check(&mut checked, blobs, sim.now()) {
            sim.at(at, Event::Blob(store, BlobEvent::Expire));
        }
        *m = checked;
    }

    /// The producer's next arrival, if it has one.
    pub(crate) fn schedule_arrival(&mut self, id: ProducerId, sim: &mut Scheduler<Event>) {
        if let Some(t) = self.next_arrival() {
            sim.at(t, Event::Producer(id, ProducerEvent::Produce));
        }
    }
}
