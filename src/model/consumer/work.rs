//! A message's work in a worker: the dedupe check, its own processing time, the
//! chain of downstream calls (`calls.rs`), and what happens to the message when
//! it succeeds or fails: a pool deletes it or lets it return at once; a poller
//! records the outcome and settles the batch when the invocation ends.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::consumer::{Consumer, Kind, Phase};
use crate::model::event::{ConsumerEvent, WorkerId};
use crate::model::idempotency::Check;
use crate::model::message::{Arena, Receipt};
use crate::model::queue::Changed;
use crate::model::{Event, World};
use crate::scenario::OnFailure;

impl World {
    /// The worker's pending phase has ended.
    pub(crate) fn step(&mut self, ci: usize, wi: usize, g: u32, sim: &mut Scheduler<Event>) {
        let w = &mut self.consumers[ci].workers[wi];
        if w.generation != g {
            return; // cancelled: answered or given up since
        }
        // The phase is over: whatever was registered under it (a place in a
        // pool's line, a running query) no longer answers to this worker.
        w.generation = w.generation.wrapping_add(1);
        let phase = w.phase;
        if phase != Phase::Gather && sim.now() >= w.deadline {
            return self.invocation_timeout(ci, wi, sim);
        }
        match phase {
            Phase::Compute => {
                let c = &mut self.consumers[ci];
                let poison = self.arena.get(c.current(wi).slot).poison;
                if c.fails(poison) {
                    self.message_failed(ci, wi, true, sim);
                } else if c.p.chain.is_empty() {
                    self.message_succeeded(ci, wi, true, sim);
                } else {
                    self.start_call(ci, wi, sim);
                }
            }
            Phase::Api => self.api_answered(ci, wi, sim),
            Phase::Backoff => self.start_call(ci, wi, sim),
            Phase::PoolWait => self.pool_timeout(ci, wi, sim),
            Phase::Query => {} // only its timeout steps, handled above
            Phase::Gather => self.gathered(ci, wi, sim),
            Phase::Redo => self.consumers[ci].begin_message(wi, &mut self.arena, sim),
            Phase::CallFailed(e) => self.call_answered(ci, wi, Err(e), sim),
            Phase::Skip => {
                self.consumers[ci].c.dedupe_skips += 1;
                self.message_succeeded(ci, wi, false, sim);
            }
            Phase::Conflict => {
                self.consumers[ci].c.dedupe_conflicts += 1;
                self.message_failed(ci, wi, false, sim);
            }
        }
    }

    /// Success: the side effect is applied (unless the dedupe store found it
    /// done already) and recorded.
    pub(crate) fn message_succeeded(
        &mut self,
        ci: usize,
        wi: usize,
        applied: bool,
        sim: &mut Scheduler<Event>,
    ) {
        self.consumers[ci].record_success(wi, applied, &mut self.arena, sim.now());
        self.finish_message(ci, wi, true, sim);
    }

    /// Failure; `own_lock` is false when the dedupe lock belongs to another
    /// processing (which must keep it).
    pub(crate) fn message_failed(
        &mut self,
        ci: usize,
        wi: usize,
        own_lock: bool,
        sim: &mut Scheduler<Event>,
    ) {
        self.consumers[ci].record_failure(wi, own_lock, &mut self.arena);
        self.finish_message(ci, wi, false, sim);
    }

    fn finish_message(&mut self, ci: usize, wi: usize, ok: bool, sim: &mut Scheduler<Event>) {
        let c = &mut self.consumers[ci];
        c.c.completions += 1;
        match &c.kind {
            Kind::Endpoint(_) => {
                let cx = crate::model::push::Deliveries {
                    arena: &mut self.arena,
                    queues: &mut self.queues,
                    applied_more_than_once: &mut self.applied_more_than_once,
                };
                return c.finish_delivery(wi, ok, cx, sim);
            }
            Kind::Member(_) => return self.finish_record(ci, wi, ok, sim),
            Kind::Poller(p) => {
                let partial = p.p.partial;
                let w = &mut c.workers[wi];
                w.outcomes.push(ok);
                w.pos += 1;
                if !ok && !partial {
                    // The handler threw: the rest of the batch is not processed.
                    return self.end_invocation(ci, wi, false, sim);
                }
                if w.pos < w.batch.len() {
                    self.consumers[ci].begin_message(wi, &mut self.arena, sim);
                } else {
                    self.end_invocation(ci, wi, false, sim);
                }
                return;
            }
            Kind::Pool | Kind::Prefetch { .. } => {}
        }
        let now = sim.now();
        let qi = c.p.queue.index();
        let r = self.consumers[ci].current(wi);
        let changed = if ok {
            self.queues[qi].delete(&mut self.arena, r, now)
        } else {
            self.return_early(ci, r, now)
        };
        self.release(r);
        if self.consumers[ci].kind.prefetch().is_some() {
            if self.consumers[ci].next_held(wi, &mut self.arena, sim) {
                self.queues[qi].pushers_with_room += 1;
            }
            return self.settle(changed, sim);
        }
        let c = &mut self.consumers[ci];
        let w = &mut c.workers[wi];
        w.pos += 1;
        if w.pos < w.batch.len() {
            self.consumers[ci].begin_message(wi, &mut self.arena, sim);
        } else {
            c.busy -= 1;
            self.poll(ci, wi, None, sim);
        }
        // After the worker's own next receive: it takes what it freed first.
        self.settle(changed, sim);
    }

    /// A failed message with `on_failure = "change_visibility"` comes back after
    /// the backoff delay for its receive count (only under the latest receipt).
    /// A prefetch consumer otherwise nacks it: requeued at once.
    pub(crate) fn return_early(&mut self, ci: usize, r: Receipt, now: SimTime) -> Changed {
        let c = &mut self.consumers[ci];
        let qi = c.p.queue.index();
        if c.p.on_failure != OnFailure::ChangeVisibility && c.kind.prefetch().is_some() {
            return self.queues[qi].change_visibility(&mut self.arena, r, now, 0);
        }
        if c.p.on_failure != OnFailure::ChangeVisibility || !self.queues[qi].holds(&self.arena, r) {
            // Left to its visibility timeout: nothing changes now.
            return self.queues[qi].changed();
        }
        let m = self.arena.get_mut(r.slot);
        let attempt = m.receive_count.saturating_sub(1);
        let d = c.draw_backoff_s(attempt, m.backoff_prev_s as f64);
        m.backoff_prev_s = d as f32;
        self.queues[qi].change_visibility(&mut self.arena, r, now, from_secs(d))
    }

    /// The consumer lets go of a message; its slot is freed if it is done.
    pub(crate) fn release(&mut self, r: Receipt) {
        release(&mut self.arena, r, &mut self.applied_more_than_once);
    }
}

/// A consumer lets go of a message; its slot is freed if it is done, and a
/// side effect applied twice or more is counted.
pub(crate) fn release(arena: &mut Arena, r: Receipt, applied_more_than_once: &mut u64) {
    arena.get_mut(r.slot).holders -= 1;
    if let Some(successes) = arena.release_if_done(r.slot)
        && successes >= 2
    {
        *applied_more_than_once += 1;
    }
}

impl Consumer {
    /// Ends the worker's current phase after `d`, or at its invocation's
    /// timeout if that comes first.
    pub(crate) fn schedule_step(
        &mut self,
        wi: usize,
        phase: Phase,
        d: SimTime,
        sim: &mut Scheduler<Event>,
    ) {
        let at = sim.now().saturating_add(d).min(self.workers[wi].deadline);
        self.enter_phase(wi, phase, Some(at), sim);
    }

    /// The worker enters `phase`, which cancels its pending step, and the phase
    /// ends by a step at `end` (with `None`, only an answer ends it).
    pub(crate) fn enter_phase(
        &mut self,
        wi: usize,
        phase: Phase,
        end: Option<SimTime>,
        sim: &mut Scheduler<Event>,
    ) {
        let w = &mut self.workers[wi];
        w.phase = phase;
        w.generation = w.generation.wrapping_add(1);
        if let Some(at) = end {
            let step = ConsumerEvent::Step {
                worker: WorkerId::of(wi),
                generation: w.generation,
            };
            sim.at(at, Event::Consumer(self.id, step));
        }
    }

    /// Starts the message at the worker's position.
    pub(crate) fn begin_message(
        &mut self,
        wi: usize,
        arena: &mut Arena,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let w = &mut self.workers[wi];
        let r = w.batch[w.pos];
        w.call = 0;
        w.attempt = 0;
        w.backoff_prev = 0.0;
        let m = arena.get_mut(r.slot);
        if let Some(store) = self.store {
            match store.begin(&mut m.dedupe, now) {
                Check::Proceed => {}
                Check::AlreadyDone => return self.schedule_step(wi, Phase::Skip, 0, sim),
                Check::InProgress => return self.schedule_step(wi, Phase::Conflict, 0, sim),
            }
        }
        let s = self.draw_processing_s(m.cost);
        self.schedule_step(wi, Phase::Compute, from_secs(s), sim);
    }

    /// The receipt of the message the worker is on.
    pub(crate) fn current(&self, wi: usize) -> Receipt {
        let w = &self.workers[wi];
        w.batch[w.pos]
    }

    /// Books a success: the side effect is applied (unless the dedupe store
    /// found it done already), the first one counts as goodput and its
    /// end-to-end latency, a later one as a duplicate.
    fn record_success(&mut self, wi: usize, applied: bool, arena: &mut Arena, now: SimTime) {
        let r = self.current(wi);
        self.c.successes += 1;
        let m = arena.get_mut(r.slot);
        if applied {
            m.successes += 1;
            if m.successes == 1 {
                self.c.goodput += 1;
                self.e2e.record_at(now - m.published, now);
                self.recent.record(now - m.published, now);
            } else {
                self.c.duplicates += 1;
            }
            if let Some(store) = self.store {
                store.complete(&mut m.dedupe, now);
            }
        }
    }

    /// Books a failure, and gives up the dedupe lock if it is this
    /// processing's own.
    fn record_failure(&mut self, wi: usize, own_lock: bool, arena: &mut Arena) {
        let r = self.current(wi);
        self.c.failures += 1;
        if let Some(store) = self.store
            && own_lock
        {
            store.abandon(&mut arena.get_mut(r.slot).dedupe);
        }
    }
}
