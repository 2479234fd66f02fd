//! A queue's conversations that reach its consumers: settling a change
//! (pushing to its prefetch workers, serving its parked receivers one by one,
//! re-arming its timer), its timer, a publish, and a redrive that hands each
//! message to its origin queue and settles it before the next.

use crate::engine::Scheduler;
use crate::model::event::RedriveId;
use crate::model::queue::{self, Changed, redrive::REDRIVE_TICK};
use crate::model::{Event, World};

impl World {
    /// Settles a change to queue `qi`: its prefetch workers and parked
    /// receivers get what became visible, oldest receiver first, and the timer
    /// is re-armed for the earliest deadline.
    ///
    /// Nobody to serve (no prefetch worker, nobody parked) is the common
    /// case, checked where the caller is: all that is left then is the timer.
    #[inline]
    pub(super) fn settle(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        let q = &mut self.queues[qi];
        if q.pushers.is_empty() && q.waiters.is_empty() {
            q.arm(&self.arena, sim);
            return;
        }
        self.serve_receivers(qi, sim);
    }

    /// [`World::settle`] with prefetch workers or parked receivers.
    #[inline(never)]
    fn serve_receivers(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        if !self.queues[qi].pushers.is_empty() {
            self.push_ready(qi, sim).covered();
        }
        // Nobody parked is the common case: asked first, it spares the
        // look at what could be pulled. The queue is looked up once per
        // receiver served: a handler may reach every queue.
        loop {
            let q = &mut self.queues[qi];
            if q.waiters.is_empty() || !q.has_pullable(sim.now()) {
                q.wake_for_quota(sim.now());
                q.arm(&self.arena, sim);
                return;
            }
            let Some(w) = q.waiters.pop_front() else {
                unreachable!("a receiver is parked");
            };
            let wi = w.worker.index();
            self.on_consumer(w.consumer.index(), sim, |c, cx, sim| c.served(wi, cx, sim));
        }
    }

    /// A prefetch worker is there: the queue pushes what it has visible, then
    /// re-arms (a push only takes messages out).
    pub(super) fn push(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        let changed = self.push_ready(qi, sim);
        self.queues[changed.queue()].arm(&self.arena, sim);
    }

    fn push_ready(&mut self, qi: usize, sim: &mut Scheduler<Event>) -> Changed {
        queue::push_ready(
            &mut self.queues,
            qi,
            &mut self.consumers,
            &mut self.arena,
            &mut self.scratch_dlq,
            sim,
        )
    }

    pub(super) fn queue_timer(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        if let Some(changed) = self.queues[qi].on_timer_event(&mut self.arena, sim) {
            self.move_expired(qi, sim);
            self.settle(changed.queue(), sim);
        }
    }

    /// Hands what queue `qi`'s TTL expired to its `expire_to` queue (a retry
    /// tier's message back to its work queue), each settled as it arrives.
    fn move_expired(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        if self.queues[qi].ttl_out.is_empty() {
            return;
        }
        let now = sim.now();
        let to = self.queues[qi].p.expire_to.expect("expired out").index();
        let moved = std::mem::take(&mut self.queues[qi].ttl_out);
        let to_dlq = self.queues[to].p.is_dlq;
        for &slot in &moved {
            if to_dlq {
                // A redrive sends it back where it expired.
                self.arena.get_mut(slot).origin = qi as u16;
            }
            let changed = self.queues[to].adopt(&mut self.arena, slot, now);
            self.settle(changed.queue(), sim);
        }
        let mut moved = moved;
        moved.clear();
        self.queues[qi].ttl_out = moved;
    }

    /// Hands what full queues set aside (`reject_publish_dlx` copies,
    /// `drop_head` drops) to their DLQs, each DLQ settled as it fills; with
    /// no scheduler (before the run) nobody is parked yet. Settling may
    /// publish again (a DLQ's consumer moving messages on): repeated until
    /// nothing is left.
    pub(super) fn dead_letter_overflow(&mut self, mut sim: Option<&mut Scheduler<Event>>) {
        loop {
            let mut moved = false;
            for k in 0..self.overflow_dlq.len() {
                let qi = self.overflow_dlq[k];
                if self.queues[qi].overflow_out.is_empty() {
                    continue;
                }
                moved = true;
                let dlq = self.queues[qi].p.dlq.expect("overflow to a DLQ").index();
                let now = sim.as_ref().map_or(0, |s| s.now());
                let out = std::mem::take(&mut self.queues[qi].overflow_out);
                let mut changed = None;
                for &slot in &out {
                    // A redrive sends it back where it overflowed.
                    self.arena.get_mut(slot).origin = qi as u16;
                    let c = self.queues[dlq].adopt(&mut self.arena, slot, now);
                    changed = Some(match changed {
                        Some(before) => c.and(before),
                        None => c,
                    });
                }
                let mut out = out;
                out.clear();
                self.queues[qi].overflow_out = out;
                match (changed, sim.as_deref_mut()) {
                    (Some(c), Some(sim)) => self.settle(c.queue(), sim),
                    (Some(c), None) => c.before_the_run(),
                    (None, _) => {}
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// The guard on messages held, then the publish to queue `qi` settled.
    pub(super) fn after_publish(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        self.guard_backlog(0, sim);
        self.settle(qi, sim);
    }

    /// A DLQ redrive tick: moves up to rate × tick messages back to the queues
    /// they were dead-lettered from, each one handed over (and its queue
    /// settled) as it arrives, as a move task does. It runs from its start
    /// time until the DLQ has nothing visible.
    pub(super) fn redrive(&mut self, ri: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let qi = self.redrives[ri].queue.index();
        let mut budget = self.redrives[ri].allowance();
        let mut taken = self.queues[qi].changed();
        while budget >= 1.0 {
            let (moved, changed) = self.queues[qi].give_up_for_redrive(&mut self.arena, now);
            taken = taken.and(changed);
            let Some((slot, origin)) = moved else {
                break;
            };
            budget -= 1.0;
            sim.work(1);
            let changed = self.queues[origin].adopt(&mut self.arena, slot, now);
            self.settle(changed.queue(), sim);
        }
        if self.queues[qi].has_visible() {
            self.redrives[ri].budget = budget;
            sim.after(REDRIVE_TICK, Event::Redrive(RedriveId::of(ri)));
        } else {
            self.redrives[ri].budget = 0.0;
        }
        self.queues[taken.queue()].arm(&self.arena, sim);
    }
}
