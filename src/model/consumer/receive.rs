//! Receiving: a worker's poll of its queue (short or long), the hand-over of
//! newly visible messages to parked workers, and dead-lettering on receive.

use crate::engine::Scheduler;
use crate::model::consumer::{Kind, Phase, WorkerState};
use crate::model::event::{ConsumerEvent, ConsumerId, WorkerId};
use crate::model::queue::{Changed, Waiter};
use crate::model::{Event, World};

impl World {
    /// A poller gathering a batch keeps receiving until the batch is full (then
    /// invokes at once) or its window ends.
    pub(crate) fn top_up(&mut self, waiter: Waiter, sim: &mut Scheduler<Event>) {
        let (ci, wi) = (waiter.consumer.index(), waiter.worker.index());
        let (changed, full) = self.fill_batch(ci, wi, sim.now());
        // Called while the queue's change is being settled: that settle re-arms.
        World::covered(changed);
        let qi = self.consumers[ci].p.queue.index();
        if full {
            let w = &mut self.consumers[ci].workers[wi];
            w.generation = w.generation.wrapping_add(1); // cancels the window's end
            self.invoke(ci, wi, sim);
        } else {
            self.queues[qi].waiters.push_front(waiter);
        }
        self.dead_letter(qi, sim);
    }

    /// Receives into the room left in a gathering poller's batch; returns the
    /// queue's change and whether the batch is now full.
    fn fill_batch(&mut self, ci: usize, wi: usize, now: u64) -> (Changed, bool) {
        let c = &mut self.consumers[ci];
        let qi = c.p.queue.index();
        let w = &mut c.workers[wi];
        let room = c.p.batch_size - w.batch.len() as u32;
        self.scratch_dlq.clear();
        let (_, changed) = self.queues[qi].receive(
            &mut self.arena,
            now,
            room,
            &mut w.batch,
            &mut self.scratch_dlq,
        );
        (changed, w.batch.len() as u32 == c.p.batch_size)
    }

    /// A worker asks its queue for a batch. `parked_since` is set when the worker
    /// was waiting on a long poll that is now answered.
    pub(crate) fn poll(
        &mut self,
        ci: usize,
        wi: usize,
        parked_since: Option<u64>,
        sim: &mut Scheduler<Event>,
    ) {
        match self.consumers[ci].kind {
            Kind::Member(_) => return self.fetch(ci, wi, sim),
            Kind::Prefetch { .. } => {
                // A prefetch worker does not poll: it tells the queue it is there.
                let qi = self.consumers[ci].p.queue.index();
                let changed = self.push_ready(qi, sim);
                return self.rearm(changed, sim);
            }
            Kind::Pool | Kind::Poller(_) | Kind::Endpoint(_) => {}
        }
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let qi = c.p.queue.index();
        let q = &mut self.queues[qi];
        let wait = c.p.wait;
        let w = &mut c.workers[wi];
        w.batch.clear();
        w.pos = 0;
        self.scratch_dlq.clear();
        let (got, changed) = q.receive(
            &mut self.arena,
            now,
            c.p.batch_size,
            &mut w.batch,
            &mut self.scratch_dlq,
        );
        if got > 0 {
            match c.kind.poller() {
                Some(p) if got < c.p.batch_size && p.p.batch_window > 0 => {
                    // Gather until the window ends, then top up and invoke.
                    w.set_state(WorkerState::Gathering, &mut c.parked);
                    let at = now + p.p.batch_window;
                    c.enter_phase(wi, Phase::Gather, Some(at), sim);
                    q.waiters.push_back(Waiter {
                        consumer: ConsumerId::of(ci),
                        worker: WorkerId::of(wi),
                    });
                }
                Some(_) => self.invoke(ci, wi, sim),
                None => {
                    w.set_state(WorkerState::Busy, &mut c.parked);
                    c.occupy();
                    self.consumers[ci].begin_message(wi, &mut self.arena, sim);
                }
            }
        } else if c.p.wait > 0 {
            // Keep waiting; a worker whose answer vanished (expired, dead-lettered)
            // keeps its place in line.
            w.set_state(
                WorkerState::Waiting {
                    since: parked_since.map_or(now, |s| s + (now - s) / wait * wait),
                },
                &mut c.parked,
            );
            let waiter = Waiter {
                consumer: ConsumerId::of(ci),
                worker: WorkerId::of(wi),
            };
            if parked_since.is_some() {
                q.waiters.push_front(waiter);
            } else {
                w.parked_at = now;
                q.waiters.push_back(waiter);
            }
        } else {
            w.set_state(WorkerState::Pausing, &mut c.parked);
            c.c.empty_receives += 1;
            sim.after(
                c.p.empty_poll_pause,
                Event::Consumer(
                    ConsumerId::of(ci),
                    ConsumerEvent::Poll {
                        worker: WorkerId::of(wi),
                    },
                ),
            );
        }
        self.dead_letter(qi, sim);
        self.rearm(changed, sim);
    }

    /// The end of a batching window: top the batch up, then invoke.
    pub(crate) fn gathered(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let (changed, _) = self.fill_batch(ci, wi, sim.now());
        let qi = self.consumers[ci].p.queue.index();
        self.dead_letter(qi, sim);
        self.invoke(ci, wi, sim);
        self.rearm(changed, sim);
    }
}
