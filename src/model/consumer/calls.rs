//! Downstream calls: a message's chain of calls, each through the consumer's
//! circuit breaker, to a database (connection, pool, shared cores) or an API
//! (token bucket), retried inside the consumer by its policy and budget while
//! the worker keeps its slot and any connection it holds.

use crate::engine::{Scheduler, from_secs};
use crate::model::consumer::{Consumer, Phase};
use crate::model::downstream::{CallError, Client, Target};
use crate::model::event::WorkerId;
use crate::model::{Event, World};

impl World {
    /// Makes the current call of the worker's message (first attempt or retry).
    pub(crate) fn start_call(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let w = &c.workers[wi];
        let (link, retry) = (w.call, w.attempt > 0);
        if !retry && let Some(b) = &mut c.budget {
            b.request(now);
        }
        if let Some(b) = c.breakers.get_mut(link)
            && !b.allow(now, retry)
        {
            return self.consumers[ci].fail_soon(wi, CallError::BreakerOpen, sim);
        }
        match c.p.chain[link] {
            Target::Database(d) => self.call_database(ci, wi, d, sim),
            Target::Api(a) => {
                let api = &mut self.apis[a.index()];
                let effect = api.faults.at(now);
                if effect.outage {
                    api.c.down_rejections += 1;
                    return self.consumers[ci].fail_soon(wi, CallError::Down, sim);
                }
                if !api.try_take(now) {
                    return self.consumers[ci].fail_soon(wi, CallError::Throttled, sim);
                }
                api.c.calls += 1;
                let d = api.p.call.sample(&mut api.rng_calls) * effect.factor;
                self.consumers[ci].schedule_step(wi, Phase::Api, from_secs(d), sim);
            }
        }
    }

    pub(crate) fn api_answered(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let Target::Api(a) = self.consumers[ci].p.chain[self.consumers[ci].workers[wi].call] else {
            unreachable!("an API phase on a database link");
        };
        let api = &mut self.apis[a.index()];
        let outcome = api.faults.error_at(sim.now(), &mut api.rng_errors);
        if outcome.is_err() {
            api.c.errors += 1;
        }
        self.call_answered(ci, wi, outcome, sim);
    }

    pub(crate) fn pool_timeout(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let c = &self.consumers[ci];
        if let Target::Database(d) = c.p.chain[c.workers[wi].call] {
            let db = &mut self.databases[d.index()];
            db.c.pool_timeouts += 1;
            db.left_pool();
        }
        self.call_answered(ci, wi, Err(CallError::PoolTimeout), sim);
    }

    /// The current call's outcome: next call, retry after a backoff, or the
    /// message's success or failure.
    pub(crate) fn call_answered(
        &mut self,
        ci: usize,
        wi: usize,
        outcome: Result<(), CallError>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let link = c.workers[wi].call;
        if outcome != Err(CallError::BreakerOpen)
            && let Some(b) = c.breakers.get_mut(link)
        {
            b.record(now, outcome.is_ok());
        }
        let w = &mut c.workers[wi];
        if outcome.is_ok() {
            if let Some(b) = &mut c.budget {
                b.success();
            }
            self.release_connection(ci, wi, sim);
            let c = &mut self.consumers[ci];
            let w = &mut c.workers[wi];
            w.call += 1;
            w.attempt = 0;
            w.backoff_prev = 0.0;
            if w.call == c.p.chain.len() {
                return self.message_succeeded(ci, wi, true, sim);
            }
            return self.start_call(ci, wi, sim);
        }
        c.c.call_failures += 1;
        let attempts = c.p.retry.as_ref().map_or(1, |r| r.0);
        let retry = outcome != Err(CallError::BreakerOpen)
            && w.attempt + 1 < attempts
            && c.budget.as_mut().is_none_or(|b| b.allow_retry(now));
        if retry {
            c.c.retries += 1;
            let (attempt, prev) = (w.attempt, w.backoff_prev);
            let d = c.draw_retry_s(attempt, prev);
            let w = &mut c.workers[wi];
            w.attempt += 1;
            w.backoff_prev = d;
            // The worker keeps its slot and any connection while it waits.
            self.consumers[ci].schedule_step(wi, Phase::Backoff, from_secs(d), sim);
        } else {
            self.release_connection(ci, wi, sim);
            self.message_failed(ci, wi, true, sim);
        }
    }
}

impl Consumer {
    /// The worker as a caller: its generation tells a live caller from one that
    /// has given up since.
    pub(crate) fn client(&self, wi: usize) -> Client {
        Client {
            consumer: self.id,
            worker: WorkerId::of(wi),
            generation: self.workers[wi].generation,
        }
    }

    /// An answer known at once, delivered by a step at the same instant so that
    /// no chain of calls recurses.
    pub(crate) fn fail_soon(&mut self, wi: usize, e: CallError, sim: &mut Scheduler<Event>) {
        self.schedule_step(wi, Phase::CallFailed(e), 0, sim);
    }
}
