//! What a queue does after its contents change, so that no message waits
//! while a receiver is free: it passes what a receive set aside to its
//! dead-letter queue, and keeps its timer armed for the earliest deadline.
//! Handing visible messages to parked receivers reaches the consumers, so the
//! router does it when it settles the change (`route/queue.rs`).

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::event::QueueEvent;
use crate::model::message::Arena;
use crate::model::queue::{Changed, Queue};

impl Queue {
    /// Schedules the queue's timer if something is due earlier than it is armed for.
    #[inline]
    pub(crate) fn arm(&mut self, arena: &Arena, sim: &mut Scheduler<Event>) {
        if self.needs_arming() {
            self.rearm(arena, sim);
        }
    }

    /// Out of line: the check above is all most calls need.
    #[inline(never)]
    fn rearm(&mut self, arena: &Arena, sim: &mut Scheduler<Event>) {
        if let Some(t) = self.next_deadline(arena)
            && self.timer_at.is_none_or(|a| t < a)
        {
            self.timer_at = Some(t);
            sim.at(t, Event::Queue(self.id, QueueEvent::Timer));
        }
    }

    /// The queue's timer: moves what is due (delays over, visibility timeouts,
    /// retention), unless an earlier timer superseded it. The change is the
    /// caller's to settle.
    pub(crate) fn on_timer_event(
        &mut self,
        arena: &mut Arena,
        sim: &mut Scheduler<Event>,
    ) -> Option<Changed> {
        let now = sim.now();
        if self.timer_at != Some(now) {
            return None; // superseded by an earlier timer
        }
        self.timer_at = None;
        // Every message the timer moves is a step of work: thousands of
        // visibility timeouts due at one instant are not one step.
        let (moved, delayed) = (self.c.returns + self.c.expired, self.delayed_n);
        let changed = self.on_timer(arena, now);
        sim.work(self.c.returns + self.c.expired - moved + delayed - self.delayed_n);
        Some(changed)
    }

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

/// Moves what the last receive from queue `qi` set aside to its DLQ, and
/// wakes the DLQ's timer so that its own consumers see them. Inlined: after
/// almost every receive nothing was set aside, and the check is all it costs.
#[inline]
pub(crate) fn dead_letter(
    queues: &mut [Queue],
    qi: usize,
    arena: &mut Arena,
    set_aside: &mut Vec<u32>,
    sim: &mut Scheduler<Event>,
) {
    if !set_aside.is_empty() {
        move_set_aside(queues, qi, arena, set_aside, sim);
    }
}

#[cold]
fn move_set_aside(
    queues: &mut [Queue],
    qi: usize,
    arena: &mut Arena,
    set_aside: &mut Vec<u32>,
    sim: &mut Scheduler<Event>,
) {
    let now = sim.now();
    let dlq = queues[qi]
        .p
        .dlq
        .expect("only queues with a DLQ set messages aside")
        .index();
    let mut changed = None;
    for &slot in set_aside.iter() {
        // Redrive sends it back to where it was dead-lettered from.
        arena.get_mut(slot).origin = qi as u16;
        let c = queues[dlq].adopt(arena, slot, now);
        changed = Some(match changed {
            Some(before) => c.and(before),
            None => c,
        });
    }
    set_aside.clear();
    if let Some(changed) = changed {
        queues[dlq].wake(changed, sim);
    }
}
