//! Prefetch-limited push (RabbitMQ basic.qos), the queue's side: it pushes each
//! visible message to the next worker, round robin, that holds fewer
//! unacknowledged messages than its consumer's prefetch. The queue is lent the
//! consumers' table for this: a push starts the worker's message at once.
//! The worker's side (working through what it holds, acking) is
//! `consumer/prefetch.rs`.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::{Consumer, Kind, WorkerState};
use crate::model::message::Arena;
use crate::model::queue::{Changed, Queue, dead_letter};

/// Pushes what queue `qi` has visible to workers with room, round robin; the
/// queue's change is the caller's to settle.
pub(crate) fn push_ready(
    queues: &mut [Queue],
    qi: usize,
    consumers: &mut [Consumer],
    arena: &mut Arena,
    set_aside: &mut Vec<u32>,
    sim: &mut Scheduler<Event>,
) -> Changed {
    let n = queues[qi].pushers.len();
    let now = sim.now();
    // Workers passed over in a row: all of them full ends the round.
    let mut full = 0;
    // Tests (debug assertions) check the count where counting is cheap.
    debug_assert!(
        n > 10_000 || {
            let q = &queues[qi];
            let room = q.pushers.iter().filter(|p| {
                let c = &consumers[p.consumer.index()];
                (c.workers[p.worker.index()].batch.len() as u32) < c.kind.prefetch().unwrap_or(0)
            });
            room.count() == q.pushers_with_room
        }
    );
    let mut changed = queues[qi].changed();
    // A round that passes every worker over leaves `next_pusher` where it
    // was, so ending it when none has room changes nothing but the cost.
    while queues[qi].pushers_with_room > 0 && full < n && queues[qi].has_receivable() {
        let q = &mut queues[qi];
        let to = q.pushers[q.next_pusher];
        q.next_pusher = (q.next_pusher + 1) % n;
        let (ci, wi) = (to.consumer.index(), to.worker.index());
        let c = &mut consumers[ci];
        let w = &mut c.workers[wi];
        if w.batch.len() as u32 >= c.kind.prefetch().expect("a prefetch consumer") {
            full += 1;
            continue;
        }
        full = 0;
        set_aside.clear();
        let (got, c_changed) = q.push_one(arena, now, &mut w.batch, set_aside);
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
            c.begin_message(wi, arena, sim);
        }
        dead_letter(queues, qi, arena, set_aside, sim);
    }
    changed
}
