//! A managed poller's side (Lambda reading SQS): invoking the function with a
//! batch (or being throttled), settling the batch when the invocation ends
//! (whole batch or partial batch response), the function timeout, and the
//! scaling tick that adds and retires pollers.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::poller::SCALE_TICK;
use crate::model::consumer::{Consumer, Phase, Worker, WorkerState};
use crate::model::downstream::Target;
use crate::model::effect::{Effect, Then};
use crate::model::event::{ConsumerEvent, WorkerId};
use crate::model::reach::Reach;

impl Consumer {
    /// A poller has its batch: invoke, unless a concurrency limit throttles it.
    pub(crate) fn invoke(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let p = self.kind.poller_mut().expect("only pollers invoke");
        if !p.may_invoke(self.busy, *cx.account_running, cx.account_limit) {
            // The batch stays in flight until its visibility timeout. A throttle
            // is a failed invocation: the poller backs off as on an error.
            p.c.throttles += 1;
            p.throttled_since_tick = true;
            let pause = p.p.throttle_pause;
            let retire = p.back_off();
            let w = &mut self.workers[wi];
            w.set_state(
                if retire {
                    WorkerState::Retired
                } else {
                    WorkerState::Pausing
                },
                &mut self.parked,
            );
            for &r in &w.batch {
                cx.release(r);
            }
            w.batch.clear();
            if !retire {
                let poll = ConsumerEvent::Poll {
                    worker: WorkerId::of(wi),
                };
                sim.after(pause, Event::Consumer(self.id, poll));
            }
            return;
        }
        p.c.invocations += 1;
        p.c.billed_ns -= i128::from(now);
        let timeout = p.p.timeout;
        self.occupy();
        *cx.account_running += 1;
        let w = &mut self.workers[wi];
        w.set_state(WorkerState::Busy, &mut self.parked);
        w.deadline = now.saturating_add(timeout);
        w.outcomes.clear();
        w.pos = 0;
        self.begin_message(wi, cx.arena, sim);
    }

    /// The function ran past its timeout: the invocation fails as a whole.
    /// A running query runs on at the database; a dedupe lock stays until it
    /// expires (the function was killed before it could clear it).
    pub(crate) fn invocation_timeout(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        if let Some(p) = self.kind.poller_mut() {
            p.c.timeouts += 1;
        }
        self.c.completions += 1;
        self.c.failures += 1;
        if self.drop_current_call(wi, cx) {
            return self.close_connection_then(wi, Then::InvocationTimedOut, cx);
        }
        self.end_invocation(wi, true, cx, sim);
    }

    /// The worker stops where it is (killed): its pending step is void, its
    /// place in a pool's line given up. A running query runs on at the
    /// database. True when it kept a connection, which the caller must have
    /// closed (`close_connection_then`) before it goes on.
    pub(crate) fn drop_current_call(&mut self, wi: usize, cx: &mut Reach<'_>) -> bool {
        let w = &mut self.workers[wi];
        w.generation = w.generation.wrapping_add(1);
        if w.phase == Phase::PoolWait
            && let Target::Database(d) = self.p.chain[w.call]
        {
            cx.databases[d.index()].left_pool();
        }
        w.conn.is_some()
    }

    /// The worker's kept connection is closed (its pool hands it on to
    /// another caller, which reaches beyond this consumer), then the
    /// conversation goes on as `then` says.
    pub(crate) fn close_connection_then(&mut self, wi: usize, then: Then, cx: &mut Reach<'_>) {
        let (consumer, worker) = (self.id, WorkerId::of(wi));
        cx.next.push(Effect::ReleaseConnection { consumer, worker });
        cx.next.push(Effect::Resume {
            consumer,
            worker,
            then,
        });
    }

    /// Settles the batch: delete what succeeded (everything, only if all did,
    /// without partial batch responses; nothing after a timeout), return the
    /// rest, then poll again or retire.
    pub(crate) fn end_invocation(
        &mut self,
        wi: usize,
        timed_out: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let qi = self.p.queue.index();
        let p = self.kind.poller_mut().expect("only pollers invoke");
        let w = &mut self.workers[wi];
        let all_ok =
            !timed_out && w.outcomes.len() == w.batch.len() && w.outcomes.iter().all(|&ok| ok);
        let partial = p.p.partial && !timed_out;
        // A function error: a timeout, or a failure without partial responses
        // (a reported item failure is a successful invocation).
        let function_error = !all_ok && !partial;
        if function_error {
            p.c.failed_invocations += 1;
        }
        p.c.billed_ns += i128::from(now);
        let mut changed = cx.queues[qi].changed();
        for i in 0..self.workers[wi].batch.len() {
            let w = &self.workers[wi];
            let (r, ok) = (w.batch[i], w.outcomes.get(i) == Some(&true));
            changed = changed.and(if all_ok || (partial && ok) {
                cx.queues[qi].delete(cx.arena, r, now)
            } else {
                self.return_early(r, cx, now)
            });
            cx.release(r);
        }
        self.busy -= 1;
        *cx.account_running -= 1;
        let w = &mut self.workers[wi];
        w.deadline = u64::MAX;
        w.batch.clear();
        let p = self.kind.poller_mut().expect("only pollers invoke");
        if function_error && p.back_off() {
            w.set_state(WorkerState::Retired, &mut self.parked);
        } else {
            self.poll(wi, None, cx, sim);
        }
        cx.settle(changed);
    }

    /// Once a second: add pollers while messages wait, retire idle ones.
    pub(crate) fn scale(&mut self, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let qi = self.p.queue.index();
        let (wait, batch) = (self.p.wait, self.p.batch_size as u64);
        let p = self.kind.poller_mut().expect("only pollers scale");
        p.tick();
        let visible = cx.queues[qi].visible_n;
        // No growth while invocations are being throttled: more pollers would
        // only be throttled too.
        let throttled = std::mem::take(&mut p.throttled_since_tick);
        let mut add = if visible > 0 && !throttled {
            p.grow(visible.div_ceil(batch))
        } else {
            0
        };
        // Retire pollers whose long poll has come back empty (parked a full
        // wait period).
        for w in self.workers.iter_mut() {
            if let WorkerState::Waiting { since } = w.state()
                && now - w.parked_at >= wait.max(1)
                && p.retire_idle()
            {
                self.c.empty_receives += (now - since).checked_div(wait).unwrap_or(0);
                w.set_state(WorkerState::Retired, &mut self.parked);
            }
        }
        // New pollers reuse retired slots first.
        let mut started = Vec::new();
        for (wi, w) in self.workers.iter_mut().enumerate() {
            if add == 0 {
                break;
            }
            if w.state() == WorkerState::Retired {
                w.set_state(WorkerState::Pausing, &mut self.parked);
                started.push(wi);
                add -= 1;
            }
        }
        for _ in 0..add {
            self.workers.push(Worker::new());
            started.push(self.workers.len() - 1);
        }
        for wi in started {
            self.poll(wi, None, cx, sim);
        }
        sim.after(SCALE_TICK, Event::Consumer(self.id, ConsumerEvent::Scale));
    }
}
