//! Downstream calls: a message's chain of calls, each through the consumer's
//! circuit breaker, to a database (connection, pool, shared cores) or an API
//! (token bucket), retried inside the consumer by its policy and budget while
//! the worker keeps its slot and any connection it holds.

use crate::engine::{Scheduler, from_secs};
use crate::model::Event;
use crate::model::consumer::{Consumer, Phase};
use crate::model::downstream::{CallError, Client, Target};
use crate::model::effect::{Effect, Then};
use crate::model::event::WorkerId;
use crate::model::reach::Reach;

impl Consumer {
    /// Makes the current call of the worker's message (first attempt or retry).
    pub(crate) fn start_call(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let w = &self.workers[wi];
        let (link, retry) = (w.call, w.attempt > 0);
        if !retry && let Some(b) = &mut self.budget {
            b.request(now);
        }
        if let Some(b) = self.breakers.get_mut(link)
            && !b.allow(now, retry)
        {
            return self.fail_soon(wi, CallError::BreakerOpen, sim);
        }
        match self.p.chain[link] {
            // The database may hand the call a connection, a place in its
            // pool, or crash and fail its other callers: its own to decide.
            Target::Database(database) => cx.next.push(Effect::CallDatabase {
                consumer: self.id,
                worker: WorkerId::of(wi),
                database,
            }),
            Target::Api(a) => {
                let api = &mut cx.apis[a.index()];
                let effect = api.faults.at(now);
                if effect.outage {
                    api.c.down_rejections += 1;
                    return self.fail_soon(wi, CallError::Down, sim);
                }
                if !api.try_take(now) {
                    return self.fail_soon(wi, CallError::Throttled, sim);
                }
                api.c.calls += 1;
                let d = api.p.call.sample(&mut api.rng_calls) * effect.factor;
                self.schedule_step(wi, Phase::Api, from_secs(d), sim);
            }
        }
    }

    pub(crate) fn api_answered(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let Target::Api(a) = self.p.chain[self.workers[wi].call] else {
            unreachable!("an API phase on a database link");
        };
        let api = &mut cx.apis[a.index()];
        let outcome = api.faults.error_at(sim.now(), &mut api.rng_errors);
        if outcome.is_err() {
            api.c.errors += 1;
        }
        self.call_answered(wi, outcome, cx, sim);
    }

    pub(crate) fn pool_timeout(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        if let Target::Database(d) = self.p.chain[self.workers[wi].call] {
            let db = &mut cx.databases[d.index()];
            db.c.pool_timeouts += 1;
            db.left_pool();
        }
        self.call_answered(wi, Err(CallError::PoolTimeout), cx, sim);
    }

    /// The current call's outcome: next call, retry after a backoff, or the
    /// message's success or failure. A connection the worker kept is closed
    /// first, except before a retry.
    pub(crate) fn call_answered(
        &mut self,
        wi: usize,
        outcome: Result<(), CallError>,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let link = self.workers[wi].call;
        if outcome != Err(CallError::BreakerOpen)
            && let Some(b) = self.breakers.get_mut(link)
        {
            b.record(now, outcome.is_ok());
        }
        if outcome.is_ok() {
            if let Some(b) = &mut self.budget {
                b.success();
            }
            let w = &mut self.workers[wi];
            w.call += 1;
            w.attempt = 0;
            w.backoff_prev = 0.0;
            if w.conn.is_some() {
                return self.close_connection_then(wi, Then::NextCall, cx);
            }
            return self.next_call(wi, cx, sim);
        }
        self.c.call_failures += 1;
        let w = &mut self.workers[wi];
        let attempts = self.p.retry.as_ref().map_or(1, |r| r.0);
        let retry = outcome != Err(CallError::BreakerOpen)
            && w.attempt + 1 < attempts
            && self.budget.as_mut().is_none_or(|b| b.allow_retry(now));
        if retry {
            self.c.retries += 1;
            let (attempt, prev) = (w.attempt, w.backoff_prev);
            let d = self.draw_retry_s(attempt, prev);
            let w = &mut self.workers[wi];
            w.attempt += 1;
            w.backoff_prev = d;
            // The worker keeps its slot and any connection while it waits.
            self.schedule_step(wi, Phase::Backoff, from_secs(d), sim);
        } else if w.conn.is_some() {
            self.close_connection_then(wi, Then::MessageFailed, cx);
        } else {
            self.message_failed(wi, true, cx, sim);
        }
    }

    /// After a call's success: the chain's next call, or the message's success.
    pub(crate) fn next_call(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        if self.workers[wi].call == self.p.chain.len() {
            return self.message_succeeded(wi, true, cx, sim);
        }
        self.start_call(wi, cx, sim);
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
