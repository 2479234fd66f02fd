//! What a queue does after its contents change, so that no message waits
//! while a receiver is free: it hands visible messages to the receivers parked
//! on a long poll (and to the workers it pushes to), passes what it set aside to
//! its dead-letter queue, and keeps its timer armed for the earliest deadline.

use crate::engine::Scheduler;
use crate::model::consumer::WorkerState;
use crate::model::event::{QueueEvent, QueueId};
use crate::model::queue::{Changed, Queue};
use crate::model::{Event, World};

impl World {
    /// Settles a change: parked receivers get what became visible, and the
    /// timer is re-armed for the earliest deadline.
    pub(crate) fn settle(&mut self, changed: Changed, sim: &mut Scheduler<Event>) {
        let qi = changed.queue();
        self.serve_waiters(qi, sim);
        self.arm(qi, sim);
    }

    /// Settles a change that only took messages out (a receive, a push, a
    /// redrive's take): nothing new to hand over, only the timer to re-arm.
    pub(crate) fn rearm(&mut self, changed: Changed, sim: &mut Scheduler<Event>) {
        self.arm(changed.queue(), sim);
    }

    /// A change made inside a settle already under way for the same queue
    /// (the pushes and top-ups of `serve_waiters`): that settle covers it.
    pub(crate) fn covered(changed: Changed) {
        let _ = changed.queue();
    }

    /// Hands newly visible messages to workers parked on a long poll, oldest first.
    fn serve_waiters(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        if !self.queues[qi].pushers.is_empty() {
            let pushed = self.push_ready(qi, sim);
            Self::covered(pushed);
        }
        while self.queues[qi].has_receivable() {
            let Some(w) = self.queues[qi].waiters.pop_front() else {
                break;
            };
            let c = &mut self.consumers[w.consumer.index()];
            match c.workers[w.worker.index()].state() {
                WorkerState::Waiting { since } => {
                    c.c.empty_receives += c.empty_polls_since(since, sim.now());
                    self.poll(w.consumer.index(), w.worker.index(), Some(since), sim);
                }
                WorkerState::Gathering => self.top_up(w, sim),
                _ => {}
            }
        }
    }

    /// Moves what the last receive set aside to the queue's DLQ, and wakes the
    /// DLQ's timer so that its own consumers see them.
    pub(crate) fn dead_letter(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        if self.scratch_dlq.is_empty() {
            return;
        }
        let now = sim.now();
        let dlq = self.queues[qi]
            .p
            .dlq
            .expect("only queues with a DLQ set messages aside") as usize;
        let mut changed = None;
        for &slot in &self.scratch_dlq {
            // Redrive sends it back to where it was dead-lettered from.
            self.arena.get_mut(slot).origin = qi as u16;
            let c = self.queues[dlq].adopt(&mut self.arena, slot, now);
            changed = Some(match changed {
                Some(before) => c.and(before),
                None => c,
            });
        }
        self.scratch_dlq.clear();
        if let Some(changed) = changed {
            self.queues[dlq].wake(changed, sim);
        }
    }

    /// The guard on messages held, then the publish settled.
    pub(crate) fn after_publish(&mut self, changed: Changed, sim: &mut Scheduler<Event>) {
        self.guard_backlog(0, sim);
        self.settle(changed, sim);
    }

    /// Schedules the queue's timer if something is due earlier than it is armed for.
    #[inline]
    fn arm(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        let q = &mut self.queues[qi];
        if !q.needs_arming() {
            return;
        }
        if let Some(t) = q.next_deadline(&self.arena)
            && q.timer_at.is_none_or(|a| t < a)
        {
            q.timer_at = Some(t);
            sim.at(t, Event::Queue(QueueId::of(qi), QueueEvent::Timer));
        }
    }

    pub(crate) fn queue_timer(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let q = &mut self.queues[qi];
        if q.timer_at != Some(now) {
            return; // superseded by an earlier timer
        }
        q.timer_at = None;
        // Every message the timer moves is a step of work: thousands of
        // visibility timeouts due at one instant are not one step.
        let (moved, delayed) = (q.c.returns + q.c.expired, q.delayed_n);
        let changed = q.on_timer(&mut self.arena, now);
        sim.work(q.c.returns + q.c.expired - moved + delayed - q.delayed_n);
        self.settle(changed, sim);
    }
}

impl Queue {
    /// Settles a change through the queue's timer at this instant, not now: the
    /// caller may be in the middle of a receive. Parked workers then see what
    /// arrived.
    pub(crate) fn wake(&mut self, changed: Changed, sim: &mut Scheduler<Event>) {
        debug_assert_eq!(changed.queue(), self.id.index(), "another queue's change");
        let now = sim.now();
        let listening = !self.waiters.is_empty() || !self.pushers.is_empty();
        if listening && self.timer_at.is_none_or(|a| a > now) {
            self.timer_at = Some(now);
            sim.at(now, Event::Queue(self.id, QueueEvent::Timer));
        }
    }
}
