//! Prefetch-limited push (RabbitMQ basic.qos): the queue pushes each visible
//! message to the next worker, round robin, that holds fewer unacknowledged
//! messages than its consumer's prefetch. A worker works through what it holds
//! one message at a time and acks each as it finishes, which frees room for the
//! next push. Held messages have no visibility timeout: they stay in flight
//! until acked, or nacked and requeued at the front (or delayed by the
//! consumer's backoff with `on_failure = "change_visibility"`).

use crate::engine::Scheduler;
use crate::model::consumer::{Consumer, Kind, WorkerState};
use crate::model::message::Arena;
use crate::model::queue::Changed;
use crate::model::{Event, World};

impl World {
    /// Pushes what is visible to workers with room, round robin; the queue's
    /// change is the caller's to settle.
    pub(crate) fn push_ready(&mut self, qi: usize, sim: &mut Scheduler<Event>) -> Changed {
        let n = self.queues[qi].pushers.len();
        let now = sim.now();
        // Workers passed over in a row: all of them full ends the round.
        let mut full = 0;
        // Tests (debug assertions) check the count where counting is cheap.
        debug_assert!(
            n > 10_000 || {
                let q = &self.queues[qi];
                let room = q.pushers.iter().filter(|p| {
                    let c = &self.consumers[p.consumer.index()];
                    (c.workers[p.worker.index()].batch.len() as u32)
                        < c.kind.prefetch().unwrap_or(0)
                });
                room.count() == q.pushers_with_room
            }
        );
        let mut changed = self.queues[qi].changed();
        // A round that passes every worker over leaves `next_pusher` where it
        // was, so ending it when none has room changes nothing but the cost.
        while self.queues[qi].pushers_with_room > 0 && full < n && self.queues[qi].has_receivable()
        {
            let q = &mut self.queues[qi];
            let to = q.pushers[q.next_pusher];
            q.next_pusher = (q.next_pusher + 1) % n;
            let (ci, wi) = (to.consumer.index(), to.worker.index());
            let c = &mut self.consumers[ci];
            let w = &mut c.workers[wi];
            if w.batch.len() as u32 >= c.kind.prefetch().expect("a prefetch consumer") {
                full += 1;
                continue;
            }
            full = 0;
            self.scratch_dlq.clear();
            let (got, c_changed) =
                q.push_one(&mut self.arena, now, &mut w.batch, &mut self.scratch_dlq);
            changed = changed.and(c_changed);
            if let Kind::Prefetch { held, limit } = &mut c.kind {
                *held += got as u64;
                if got > 0 && w.batch.len() as u32 == *limit {
                    q.pushers_with_room -= 1;
                }
            }
            if got > 0 && w.state() != WorkerState::Busy {
                w.set_state(WorkerState::Busy, &mut c.parked);
                w.pos = 0;
                c.occupy();
                self.consumers[ci].begin_message(wi, &mut self.arena, sim);
            }
            self.dead_letter(qi, sim);
        }
        changed
    }
}

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
