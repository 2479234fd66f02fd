//! A managed poller's side (Lambda reading SQS): invoking the function with a
//! batch (or being throttled), settling the batch when the invocation ends
//! (whole batch or partial batch response), the function timeout, and the
//! scaling tick that adds and retires pollers.

use crate::engine::Scheduler;
use crate::model::consumer::poller::SCALE_TICK;
use crate::model::consumer::{Phase, Worker, WorkerState};
use crate::model::downstream::Target;
use crate::model::event::{ConsumerEvent, ConsumerId, WorkerId};
use crate::model::{Event, World};

impl World {
    /// A poller has its batch: invoke, unless a concurrency limit throttles it.
    pub(crate) fn invoke(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let p = c.kind.poller_mut().expect("only pollers invoke");
        if !p.may_invoke(c.busy, self.account_running, self.account_limit) {
            // The batch stays in flight until its visibility timeout. A throttle
            // is a failed invocation: the poller backs off as on an error.
            p.c.throttles += 1;
            p.throttled_since_tick = true;
            let pause = p.p.throttle_pause;
            let retire = p.back_off();
            let w = &mut c.workers[wi];
            w.set_state(
                if retire {
                    WorkerState::Retired
                } else {
                    WorkerState::Pausing
                },
                &mut c.parked,
            );
            for i in 0..w.batch.len() {
                let r = self.consumers[ci].workers[wi].batch[i];
                self.release(r);
            }
            self.consumers[ci].workers[wi].batch.clear();
            if !retire {
                sim.after(
                    pause,
                    Event::Consumer(
                        ConsumerId::of(ci),
                        ConsumerEvent::Poll {
                            worker: WorkerId::of(wi),
                        },
                    ),
                );
            }
            return;
        }
        p.c.invocations += 1;
        p.c.billed_ns -= i128::from(now);
        let timeout = p.p.timeout;
        c.occupy();
        self.account_running += 1;
        let w = &mut c.workers[wi];
        w.set_state(WorkerState::Busy, &mut c.parked);
        w.deadline = now.saturating_add(timeout);
        w.outcomes.clear();
        w.pos = 0;
        self.consumers[ci].begin_message(wi, &mut self.arena, sim);
    }

    /// The function ran past its timeout: the invocation fails as a whole.
    /// A running query runs on at the database; a dedupe lock stays until it
    /// expires (the function was killed before it could clear it).
    pub(crate) fn invocation_timeout(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let c = &mut self.consumers[ci];
        if let Some(p) = c.kind.poller_mut() {
            p.c.timeouts += 1;
        }
        c.c.completions += 1;
        c.c.failures += 1;
        self.drop_current_call(ci, wi, sim);
        self.end_invocation(ci, wi, true, sim);
    }

    /// The worker stops where it is (killed): its pending step is void, its
    /// place in a pool's line given up, a connection it kept closed. A running
    /// query runs on at the database.
    pub(crate) fn drop_current_call(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let c = &mut self.consumers[ci];
        let w = &mut c.workers[wi];
        w.generation = w.generation.wrapping_add(1);
        if w.phase == Phase::PoolWait
            && let Target::Database(d) = c.p.chain[w.call]
        {
            self.databases[d.index()].left_pool();
        }
        self.release_connection(ci, wi, sim);
    }

    /// Settles the batch: delete what succeeded (everything, only if all did,
    /// without partial batch responses; nothing after a timeout), return the
    /// rest, then poll again or retire.
    pub(crate) fn end_invocation(
        &mut self,
        ci: usize,
        wi: usize,
        timed_out: bool,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let qi = c.p.queue.index();
        let p = c.kind.poller_mut().expect("only pollers invoke");
        let w = &mut c.workers[wi];
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
        let mut changed = self.queues[qi].changed();
        for i in 0..self.consumers[ci].workers[wi].batch.len() {
            let w = &self.consumers[ci].workers[wi];
            let (r, ok) = (w.batch[i], w.outcomes.get(i) == Some(&true));
            changed = changed.and(if all_ok || (partial && ok) {
                self.queues[qi].delete(&mut self.arena, r, now)
            } else {
                self.return_early(ci, r, now)
            });
            self.release(r);
        }
        let c = &mut self.consumers[ci];
        c.busy -= 1;
        self.account_running -= 1;
        let w = &mut c.workers[wi];
        w.deadline = u64::MAX;
        w.batch.clear();
        let p = c.kind.poller_mut().expect("only pollers invoke");
        if function_error && p.back_off() {
            w.set_state(WorkerState::Retired, &mut c.parked);
        } else {
            self.poll(ci, wi, None, sim);
        }
        self.settle(changed, sim);
    }

    /// Once a second: add pollers while messages wait, retire idle ones.
    pub(crate) fn scale(&mut self, ci: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let qi = c.p.queue.index();
        let (wait, batch) = (c.p.wait, c.p.batch_size as u64);
        let p = c.kind.poller_mut().expect("only pollers scale");
        p.tick();
        let visible = self.queues[qi].visible_n;
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
        for w in c.workers.iter_mut() {
            if let WorkerState::Waiting { since } = w.state()
                && now - w.parked_at >= wait.max(1)
                && p.retire_idle()
            {
                c.c.empty_receives += (now - since).checked_div(wait).unwrap_or(0);
                w.set_state(WorkerState::Retired, &mut c.parked);
            }
        }
        // New pollers reuse retired slots first.
        let mut started = Vec::new();
        for (wi, w) in c.workers.iter_mut().enumerate() {
            if add == 0 {
                break;
            }
            if w.state() == WorkerState::Retired {
                w.set_state(WorkerState::Pausing, &mut c.parked);
                started.push(wi);
                add -= 1;
            }
        }
        for _ in 0..add {
            c.workers.push(Worker::new());
            started.push(c.workers.len() - 1);
        }
        for wi in started {
            self.poll(ci, wi, None, sim);
        }
        sim.after(
            SCALE_TICK,
            Event::Consumer(ConsumerId::of(ci), ConsumerEvent::Scale),
        );
    }
}
