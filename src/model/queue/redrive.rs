//! A DLQ redrive: from its start time, moves messages back from the DLQ to the
//! queues they were dead-lettered from at a rate, until the DLQ has nothing
//! visible (SQS StartMessageMoveTask).

use crate::engine::{Scheduler, SimTime, to_secs};
use crate::model::event::RedriveId;
use crate::model::{Event, World};

/// Moving messages from a DLQ back to where they came from.
pub struct Redrive {
    pub queue: u16,
    pub at: SimTime,
    pub rate: f64,
    /// Messages allowed but not yet moved (fractional budget of the rate).
    pub budget: f64,
}

pub const REDRIVE_TICK: SimTime = 100_000_000; // 0.1 s

impl World {
    /// A DLQ redrive tick: moves up to rate × tick messages back to the queues they
    /// were dead-lettered from (receive count reset, original publish time kept).
    /// It runs from its start time until the DLQ has nothing visible.
    pub(crate) fn redrive(&mut self, ri: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let qi = self.redrives[ri].queue as usize;
        let mut budget = self.redrives[ri].budget + self.redrives[ri].rate * to_secs(REDRIVE_TICK);
        let mut taken = self.queues[qi].changed();
        while budget >= 1.0 {
            let (slot, changed) = self.queues[qi].take_visible(&mut self.arena, now);
            taken = taken.and(changed);
            let Some(slot) = slot else {
                break;
            };
            budget -= 1.0;
            sim.work(1);
            let origin = self.arena.get(slot).origin as usize;
            self.arena.get_mut(slot).receive_count = 0;
            self.queues[qi].c.redriven += 1;
            // Each message is handed over as it arrives, as a move task does.
            let changed = self.queues[origin].adopt(&mut self.arena, slot, now);
            self.settle(changed, sim);
        }
        if self.queues[qi].has_visible() {
            self.redrives[ri].budget = budget;
            sim.after(REDRIVE_TICK, Event::Redrive(RedriveId::of(ri)));
        } else {
            self.redrives[ri].budget = 0.0;
        }
        self.rearm(taken, sim);
    }
}
