//! Receiving: a worker's poll of its queue (short or long), a parked worker
//! served when messages become visible, a poller gathering its batch, and
//! dead-lettering on receive.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::{Consumer, Kind, Phase, WorkerState};
use crate::model::effect::Effect;
use crate::model::event::{ConsumerEvent, WorkerId};
use crate::model::queue::{Changed, Waiter};
use crate::model::reach::Reach;
use crate::scenario::LAMBDA_PAYLOAD_BYTES;

impl Consumer {
    /// The queue has something visible for worker `wi`, parked on it: a long
    /// poll is answered, or a gathering poller tops its batch up.
    pub(crate) fn served(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        match self.workers[wi].state() {
            WorkerState::Waiting { since } => {
                self.c.empty_receives += self.empty_polls_since(since, sim.now());
                self.poll(wi, Some(since), cx, sim);
            }
            WorkerState::Gathering => self.top_up(wi, cx, sim),
            _ => {}
        }
    }

    /// A poller gathering a batch keeps receiving until the batch is full (then
    /// invokes at once) or its window ends.
    fn top_up(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let (changed, full) = self.fill_batch(wi, cx, sim.now());
        // Served while the queue's change is being settled: that settle re-arms.
        changed.covered();
        let qi = self.p.queue.index();
        if full {
            let w = &mut self.workers[wi];
            w.generation = w.generation.wrapping_add(1); // cancels the window's end
            self.invoke(wi, cx, sim);
        } else {
            cx.queues[qi].waiters.push_front(self.waiter(wi));
        }
        cx.dead_letter(qi, sim);
    }

    /// Receives into the room left in a gathering poller's batch; returns the
    /// queue's change and whether the batch is now full.
    fn fill_batch(&mut self, wi: usize, cx: &mut Reach<'_>, now: u64) -> (Changed, bool) {
        let qi = self.p.queue.index();
        let w = &mut self.workers[wi];
        let room = self.p.batch_size - w.batch.len() as u32;
        cx.set_aside.clear();
        // A Lambda invocation's payload limit: what the batch holds already
        // counts.
        let held: u64 = w
            .batch
            .iter()
            .map(|r| u64::from(cx.arena.get(r.slot).size))
            .sum();
        let cap = LAMBDA_PAYLOAD_BYTES.saturating_sub(held);
        let (_, cut, changed) =
            cx.queues[qi].receive_capped(cx.arena, now, room, cap, &mut w.batch, cx.set_aside);
        if cut {
            self.c.batches_cut += 1;
        }
        (changed, cut || w.batch.len() as u32 == self.p.batch_size)
    }

    /// Worker `wi` as a receiver parked on its queue.
    fn waiter(&self, wi: usize) -> Waiter {
        Waiter {
            consumer: self.id,
            worker: WorkerId::of(wi),
        }
    }

    /// A worker asks for its next batch: a member fetches from its
    /// partitions, a prefetch worker tells its queue it is there, the others
    /// receive from their queue. `parked_since` is set when the worker was
    /// waiting on a long poll that is now answered.
    pub(crate) fn poll(
        &mut self,
        wi: usize,
        parked_since: Option<u64>,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        match self.kind {
            Kind::Member(_) => return self.fetch(wi, cx.fetch(), sim),
            Kind::Prefetch { .. } => return cx.next.push(Effect::Push(self.p.queue)),
            Kind::Pool | Kind::Poller(_) | Kind::Endpoint(_) => {}
        }
        // An autoscaled pool being shrunk: a worker holding nothing stops.
        if self.retire_if_surplus(wi, sim.now()) {
            return;
        }
        let now = sim.now();
        let qi = self.p.queue.index();
        let waiter = self.waiter(wi);
        let q = &mut cx.queues[qi];
        let wait = self.p.wait;
        let w = &mut self.workers[wi];
        w.batch.clear();
        w.pos = 0;
        cx.set_aside.clear();
        let (got, cut, changed) = if self.kind.poller().is_some() {
            // A Lambda invocation carries at most 6 MB: the batch is cut
            // before the message that would pass it.
            let cap = LAMBDA_PAYLOAD_BYTES;
            q.receive_capped(
                cx.arena,
                now,
                self.p.batch_size,
                cap,
                &mut w.batch,
                cx.set_aside,
            )
        } else {
            let (got, changed) =
                q.receive(cx.arena, now, self.p.batch_size, &mut w.batch, cx.set_aside);
            (got, false, changed)
        };
        if cut {
            self.c.batches_cut += 1;
        }
        if got > 0 {
            match self.kind.poller() {
                Some(p) if got < self.p.batch_size && !cut && p.p.batch_window > 0 => {
                    // Gather until the window ends, then top up and invoke.
                    w.set_state(WorkerState::Gathering, &mut self.parked);
                    let at = now + p.p.batch_window;
                    self.enter_phase(wi, Phase::Gather, Some(at), sim);
                    q.waiters.push_back(waiter);
                }
                Some(_) => self.invoke(wi, cx, sim),
                None => {
                    w.set_state(WorkerState::Busy, &mut self.parked);
                    self.occupy();
                    self.begin_message(wi, cx.arena, sim);
                }
            }
        } else if wait > 0 {
            // Keep waiting; a worker whose answer vanished (expired, dead-lettered)
            // keeps its place in line.
            w.set_state(
                WorkerState::Waiting {
                    since: parked_since.map_or(now, |s| s + (now - s) / wait * wait),
                },
                &mut self.parked,
            );
            if parked_since.is_some() {
                q.waiters.push_front(waiter);
            } else {
                w.parked_at = now;
                q.waiters.push_back(waiter);
            }
        } else {
            w.set_state(WorkerState::Pausing, &mut self.parked);
            self.c.empty_receives += 1;
            sim.after(
                self.p.empty_poll_pause,
                Event::Consumer(
                    self.id,
                    ConsumerEvent::Poll {
                        worker: waiter.worker,
                    },
                ),
            );
        }
        cx.dead_letter(qi, sim);
        cx.rearm(changed, sim);
    }

    /// The end of a batching window: top the batch up, then invoke.
    pub(crate) fn gathered(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let (changed, _) = self.fill_batch(wi, cx, sim.now());
        cx.dead_letter(self.p.queue.index(), sim);
        self.invoke(wi, cx, sim);
        cx.rearm(changed, sim);
    }
}
