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
use crate::model::reach::Reach;

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

impl Consumer {
    /// The consumer's channel crashes (`crash_at_s`): as when a RabbitMQ
    /// channel closes, every message its workers hold unacknowledged — the
    /// one in progress too — goes back to the queue at once, marked
    /// redelivered (its receive count grows on the next push). A message
    /// whose side effect was applied before the crash (one waiting to publish
    /// onward) is applied again when it is redelivered: a duplicate. The
    /// consumer reconnects at once: the queue pushes to it again.
    pub(crate) fn channel_crash(&mut self, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let qi = self.p.queue.index();
        let limit = self
            .kind
            .prefetch()
            .expect("only a prefetch consumer crashes so");
        let mut changed = cx.queues[qi].changed();
        let mut requeued = 0;
        for wi in 0..self.workers.len() {
            let w = &mut self.workers[wi];
            if w.batch.is_empty() {
                continue;
            }
            let was_full = w.batch.len() as u32 == limit;
            // Cancels its pending step: the processing dies with the channel.
            w.generation = w.generation.wrapping_add(1);
            w.onward_left = 0;
            w.pos = 0;
            // Last first: each goes back to the front, so they keep their order.
            while let Some(r) = w.batch.pop() {
                changed = changed.and(cx.queues[qi].change_visibility(cx.arena, r, now, 0));
                cx.release(r);
                requeued += 1;
            }
            w.set_state(WorkerState::Idle, &mut self.parked);
            self.busy -= 1;
            if was_full {
                cx.queues[qi].pushers_with_room += 1;
            }
        }
        if let Kind::Prefetch { held, .. } = &mut self.kind {
            *held -= requeued;
        }
        self.c.requeued_at_crash += requeued;
        cx.settle(changed);
    }
}
