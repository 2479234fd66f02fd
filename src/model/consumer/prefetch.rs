//! Prefetch-limited push (RabbitMQ basic.qos), the worker's side: the queue
//! pushes it messages up to its consumer's prefetch (`queue/prefetch.rs`); it
//! works through what it holds one message at a time and acks each as it
//! finishes, which frees room for the next push. Held messages have no
//! visibility timeout: they stay in flight until acked, or nacked and
//! requeued at the front (or delayed by the consumer's backoff with
//! `on_failure = "change_visibility"`).

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::{Consumer, Kind, WorkerState};
use crate::model::message::Arena;

impl Consumer {
    /// A prefetch worker acked or nacked the message it was on: on to the next
    /// one it holds, or idle until the queue pushes again. True when that made
    /// room in a worker that was full.
    pub(crate) fn next_held(
        &mut self,
        wi: usize,
        arena: &mut Arena,
        sim: &mut Scheduler<Event>,
    ) -> bool {
        let w = &mut self.workers[wi];
        let was_full = self.kind.prefetch() == Some(w.batch.len() as u32);
        w.batch.remove(0);
        if let Kind::Prefetch { held, .. } = &mut self.kind {
            *held -= 1;
        }
        w.pos = 0;
        if w.batch.is_empty() {
            w.set_state(WorkerState::Idle, &mut self.parked);
            self.busy -= 1;
        } else {
            self.begin_message(wi, arena, sim);
        }
        was_full
    }
}
