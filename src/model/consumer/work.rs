//! A message's work in a worker: the dedupe check, its own processing time, the
//! chain of downstream calls (`calls.rs`), and what happens to the message when
//! it succeeds or fails: a pool deletes it or lets it return at once; a poller
//! records the outcome and settles the batch when the invocation ends.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::Event;
use crate::model::consumer::{Consumer, Kind, Phase, key_order};
use crate::model::effect::Effect;
use crate::model::event::{ConsumerEvent, WorkerId};
use crate::model::idempotency::Check;
use crate::model::message::{Arena, Receipt};
use crate::model::queue::Changed;
use crate::model::reach::Reach;
use crate::scenario::OnFailure;

impl Consumer {
    /// The worker's pending phase has ended.
    pub(crate) fn step(
        &mut self,
        wi: usize,
        g: u32,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let w = &mut self.workers[wi];
        if w.generation != g {
            return; // cancelled: answered or given up since
        }
        // The phase is over: whatever was registered under it (a place in a
        // pool's line, a running query) no longer answers to this worker.
        w.generation = w.generation.wrapping_add(1);
        let phase = w.phase;
        if phase != Phase::Gather && sim.now() >= w.deadline {
            return self.invocation_timeout(wi, cx, sim);
        }
        match phase {
            Phase::Compute => {
                let poison = cx.arena.get(self.current(wi).slot).poison();
                if self.fails(poison) {
                    self.message_failed(wi, true, cx, sim);
                } else if self.p.chain.is_empty() {
                    self.message_succeeded(wi, true, cx, sim);
                } else {
                    self.start_call(wi, cx, sim);
                }
            }
            Phase::Api => self.api_answered(wi, cx, sim),
            Phase::Backoff => self.start_call(wi, cx, sim),
            Phase::PoolWait => self.pool_timeout(wi, cx, sim),
            Phase::Query => {} // only its timeout steps, handled above
            Phase::Gather => self.gathered(wi, cx, sim),
            Phase::Redo => self.begin_message(wi, cx.arena, sim),
            Phase::CallFailed(e) => self.call_answered(wi, Err(e), cx, sim),
            Phase::Skip => {
                self.c.dedupe_skips += 1;
                self.message_succeeded(wi, false, cx, sim);
            }
            Phase::Onward => {
                if self.publish_onward(wi, cx, sim) {
                    self.published(wi, cx, sim);
                }
            }
            Phase::Conflict => {
                self.c.dedupe_conflicts += 1;
                self.message_failed(wi, false, cx, sim);
            }
            Phase::Get => self.get_payload(wi, cx, sim),
            Phase::Got(found) => self.got_payload(wi, found, cx, sim),
        }
    }

    /// Success: the side effect is applied (unless the dedupe store found it
    /// done already) and recorded.
    pub(crate) fn message_succeeded(
        &mut self,
        wi: usize,
        applied: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        if self.payload.is_some() {
            self.payload_processed(wi, cx, sim.now());
        }
        let first = self.record_success(wi, applied, cx.arena, sim.now());
        if first && !cx.jobs.is_empty() {
            // A job's submitter waits for this: its answer goes back.
            let r = self.current(wi);
            if let Some(job) = cx.jobs.complete(r.slot, cx.arena.get(r.slot).id) {
                cx.next.push(Effect::JobDone(job));
            }
        }
        // A pipeline stage publishes onward before it acknowledges: a
        // refusal (or the publish's own time) holds the worker.
        if self.after_write(wi, applied, first, cx, sim) {
            self.finish_message(wi, true, cx, sim);
        }
    }

    /// Failure; `own_lock` is false when the dedupe lock belongs to another
    /// processing (which must keep it).
    pub(crate) fn message_failed(
        &mut self,
        wi: usize,
        own_lock: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        self.record_failure(wi, own_lock, cx.arena);
        if std::mem::take(&mut self.workers[wi].ahead)
            && let Some(o) = self.onward.as_mut()
        {
            // Its event went out before the work that failed.
            o.c.events_without_write += 1;
        }
        self.finish_message(wi, false, cx, sim);
    }

    pub(crate) fn finish_message(
        &mut self,
        wi: usize,
        ok: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        self.c.completions += 1;
        match &self.kind {
            Kind::Endpoint(_) => return self.finish_delivery(wi, ok, cx.deliveries(), sim),
            Kind::Member(_) => return self.finish_record(wi, ok, cx, sim),
            Kind::Poller(p) => {
                let partial = p.p.partial;
                let w = &mut self.workers[wi];
                w.outcomes.push(ok);
                w.pos += 1;
                if !ok && !partial {
                    // The handler threw: the rest of the batch is not processed.
                    return self.end_invocation(wi, false, cx, sim);
                }
                if w.pos < w.batch.len() {
                    self.begin_message(wi, cx.arena, sim);
                } else {
                    self.end_invocation(wi, false, cx, sim);
                }
                return;
            }
            Kind::Pool | Kind::Prefetch { .. } => {}
        }
        let now = sim.now();
        let qi = self.p.queue.index();
        let r = self.current(wi);
        let changed = if ok {
            self.workers[wi].retries_in_place = 0;
            cx.queues[qi].delete(cx.arena, r, now)
        } else if std::mem::take(&mut self.workers[wi].give_up) {
            self.give_up_message(r, cx, now)
        } else if self.tiers.is_some() {
            if self.retry_in_place(wi, sim) {
                return;
            }
            self.move_to_tier(wi, cx, now)
        } else {
            self.return_early(r, cx, now)
        };
        cx.release(r);
        if self.kind.prefetch().is_some() {
            if self.next_held(wi, cx.arena, sim) {
                cx.queues[qi].pushers_with_room += 1;
            }
            return cx.settle(changed);
        }
        let w = &mut self.workers[wi];
        w.pos += 1;
        if w.pos < w.batch.len() {
            self.begin_message(wi, cx.arena, sim);
        } else {
            self.busy -= 1;
            self.poll(wi, None, cx, sim);
        }
        // After the worker's own next receive: it takes what it freed first.
        cx.settle(changed);
    }

    /// A failed message with `on_failure = "change_visibility"` comes back after
    /// the backoff delay for its receive count (only under the latest receipt).
    /// A prefetch consumer otherwise nacks it: requeued at once.
    pub(crate) fn return_early(&mut self, r: Receipt, cx: &mut Reach<'_>, now: SimTime) -> Changed {
        let q = &mut cx.queues[self.p.queue.index()];
        if self.p.on_failure != OnFailure::ChangeVisibility && self.kind.prefetch().is_some() {
            return q.change_visibility(cx.arena, r, now, 0);
        }
        if self.p.on_failure != OnFailure::ChangeVisibility || !q.holds(cx.arena, r) {
            // Left to its visibility timeout: nothing changes now.
            return q.changed();
        }
        let attempt = cx.arena.get(r.slot).receive_count.saturating_sub(1);
        let d = self.draw_backoff_s(attempt, cx.arena.backoff_prev_s(r.slot) as f64);
        cx.arena.set_backoff_prev_s(r.slot, d as f32);
        q.change_visibility(cx.arena, r, now, from_secs(d))
    }
}

/// A consumer lets go of a message; its slot is freed if it is done, and a
/// side effect applied twice or more is counted. Inlined: once a message.
#[inline(always)]
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
    /// timeout if that comes first. Inlined: every message's processing
    /// time passes here.
    #[inline(always)]
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
    #[inline]
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
        w.onward_left = 0;
        w.ahead = false;
        if let Some(store) = self.store {
            match store.begin(arena.dedupe_mut(r.slot), now) {
                Check::Proceed => {}
                Check::AlreadyDone => return self.schedule_step(wi, Phase::Skip, 0, sim),
                Check::InProgress => return self.schedule_step(wi, Phase::Conflict, 0, sim),
            }
        }
        let size = arena.get(r.slot).size;
        // A claim check: the payload is fetched first (`payload.rs`).
        if self.pointer_of(arena, r).is_some() {
            return self.schedule_step(wi, Phase::Get, 0, sim);
        }
        let transfer = self.inline_transfer(size);
        self.process(wi, transfer, arena, sim);
    }

    /// The current message's own work, after `transfer` (its bytes arriving).
    /// Inlined into `begin_message`, its caller for every message.
    #[inline(always)]
    pub(crate) fn process(
        &mut self,
        wi: usize,
        transfer: SimTime,
        arena: &mut Arena,
        sim: &mut Scheduler<Event>,
    ) {
        let cost = arena.get(self.current(wi).slot).cost;
        if self.publish_before_write(wi, sim) {
            return;
        }
        let s = self.draw_processing_s(cost);
        self.schedule_step(wi, Phase::Compute, from_secs(s) + transfer, sim);
    }

    /// The receipt of the message the worker is on.
    pub(crate) fn current(&self, wi: usize) -> Receipt {
        let w = &self.workers[wi];
        w.batch[w.pos]
    }

    /// Books a success: the side effect is applied (unless the dedupe store
    /// found it done already), the first one counts as goodput and its
    /// end-to-end latency, a later one as a duplicate. True for the first.
    fn record_success(
        &mut self,
        wi: usize,
        applied: bool,
        arena: &mut Arena,
        now: SimTime,
    ) -> bool {
        let r = self.current(wi);
        self.c.successes += 1;
        if applied {
            arena.get_mut(r.slot).add_success();
            if let Some(o) = &mut self.key_order {
                o.apply(arena.get(r.slot).key, key_order::stamp(arena, r.slot));
            }
            let m = arena.get(r.slot);
            let first = m.successes() == 1;
            if first {
                self.c.goodput += 1;
                self.e2e.record_at(now - m.published, now);
                self.recent.record(now - m.published, now);
                self.record_lineage(arena.lineage_start(r.slot), now);
            } else {
                self.c.duplicates += 1;
            }
            if let Some(store) = self.store {
                store.complete(arena.dedupe_mut(r.slot), now);
            }
            return first;
        }
        false
    }

    /// Books a failure, and gives up the dedupe lock if it is this
    /// processing's own.
    fn record_failure(&mut self, wi: usize, own_lock: bool, arena: &mut Arena) {
        let r = self.current(wi);
        self.c.failures += 1;
        if let Some(store) = self.store
            && own_lock
        {
            store.abandon(arena.dedupe_mut(r.slot));
        }
    }
}
