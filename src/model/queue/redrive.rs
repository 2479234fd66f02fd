//! A DLQ redrive: from its start time, moves messages back from the DLQ to the
//! queues they were dead-lettered from at a rate, until the DLQ has nothing
//! visible (SQS StartMessageMoveTask). The DLQ gives each message up here; the
//! router hands it to its origin queue and settles that queue before the next
//! one, as a move task does (`route/queue.rs`).

use crate::engine::{SimTime, to_secs};
use crate::model::event::QueueId;
use crate::model::message::Arena;
use crate::model::queue::{Changed, Queue};

/// Moving messages from a DLQ back to where they came from.
pub struct Redrive {
    pub queue: QueueId,
    pub at: SimTime,
    pub rate: f64,
    /// Messages allowed but not yet moved (fractional budget of the rate).
    pub budget: f64,
}

pub const REDRIVE_TICK: SimTime = 100_000_000; // 0.1 s

impl Redrive {
    /// Messages this tick may move: what was left over, and the rate's share.
    pub(crate) fn allowance(&self) -> f64 {
        self.budget + self.rate * to_secs(REDRIVE_TICK)
    }
}

impl Queue {
    /// The DLQ gives up its next visible message for a redrive: its receive
    /// count starts over (its original publish time is kept). Returns the
    /// message and the queue it came from, if one was visible, and the DLQ's
    /// change.
    pub(crate) fn give_up_for_redrive(
        &mut self,
        arena: &mut Arena,
        now: SimTime,
    ) -> (Option<(u32, usize)>, Changed) {
        let (slot, changed) = self.take_visible(arena, now);
        let Some(slot) = slot else {
            return (None, changed);
        };
        let m = arena.get_mut(slot);
        m.receive_count = 0;
        self.c.redriven += 1;
        (Some((slot, m.origin as usize)), changed)
    }
}
