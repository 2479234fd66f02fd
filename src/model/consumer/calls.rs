//! Downstream calls: a message's chain of calls, each through the consumer's
//! circuit breaker, to a database (connection, pool, shared cores) or an API
//! (token bucket), retried inside the consumer by its policy and budget while
//! the worker keeps its slot and any connection it holds.

use crate::engine::{Scheduler, from_secs};
use crate::model::consumer::Phase;
use crate::model::downstream::{CallError, Client, Target};
use crate::model::event::{ConsumerEvent, ConsumerId, DatabaseEvent, DatabaseId, WorkerId};
use crate::model::{Event, World};

impl World {
    fn client(&self, ci: usize, wi: usize) -> Client {
        Client {
            consumer: ci as u16,
            worker: wi as u32,
            generation: self.consumers[ci].workers[wi].generation,
        }
    }

    /// An answer known at once, delivered by a step at the same instant.
    fn fail_soon(&mut self, ci: usize, wi: usize, e: CallError, sim: &mut Scheduler<Event>) {
        self.schedule_step(ci, wi, Phase::CallFailed(e), 0, sim);
    }

    /// Makes the current call of the worker's message (first attempt or retry).
    pub(crate) fn start_call(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let w = &c.workers[wi];
        let link = w.call;
        if w.attempt == 0
            && let Some(b) = &mut c.budget
        {
            b.request(now);
        }
        if let Some(b) = c.breakers.get_mut(link)
            && !b.allow(now)
        {
            return self.fail_soon(ci, wi, CallError::BreakerOpen, sim);
        }
        match c.p.chain[link] {
            Target::Database(d) => self.call_database(ci, wi, d as usize, sim),
            Target::Api(a) => {
                let api = &mut self.apis[a as usize];
                let effect = api.faults.at(now);
                if effect.outage {
                    api.c.down_rejections += 1;
                    return self.fail_soon(ci, wi, CallError::Down, sim);
                }
                if !api.try_take(now) {
                    return self.fail_soon(ci, wi, CallError::Throttled, sim);
                }
                api.c.calls += 1;
                let d = api.p.call.sample(&mut api.rng_calls) * effect.factor;
                self.schedule_step(ci, wi, Phase::Api, from_secs(d), sim);
            }
        }
    }

    fn call_database(&mut self, ci: usize, wi: usize, d: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let db = &mut self.databases[d];
        if db.is_down() {
            db.c.down_rejections += 1;
            return self.fail_soon(ci, wi, CallError::Down, sim);
        }
        let w = &mut self.consumers[ci].workers[wi];
        match w.conn.take() {
            Some((held, epoch)) if held as usize == d && epoch == db.epoch => {}
            other => {
                if let Some((held, epoch)) = other {
                    self.databases[held as usize].close_connection(epoch);
                }
                let db = &mut self.databases[d];
                if db.has_free_connection() {
                    db.open_connection();
                } else if let Some((_, timeout)) = db.p.pool {
                    let at = now.saturating_add(timeout).min(w.deadline);
                    w.phase = Phase::PoolWait;
                    w.generation = w.generation.wrapping_add(1);
                    sim.at(
                        at,
                        Event::Consumer(
                            ConsumerId::of(ci),
                            ConsumerEvent::Step {
                                worker: WorkerId::of(wi),
                                generation: w.generation,
                            },
                        ),
                    );
                    let client = self.client(ci, wi);
                    self.databases[d].wait_for_pool(client);
                    if self.databases[d].pool_needs_compacting() {
                        self.compact_pool(d);
                    }
                    return;
                } else {
                    let crashes = db.refuse(now);
                    self.fail_soon(ci, wi, CallError::Refused, sim);
                    if crashes {
                        self.crash_database(d, sim);
                    }
                    return;
                }
            }
        }
        self.run_query(ci, wi, d, sim);
    }

    /// On an open connection: the query joins the database's shared cores.
    fn run_query(&mut self, ci: usize, wi: usize, d: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let w = &mut self.consumers[ci].workers[wi];
        w.phase = Phase::Query;
        w.generation = w.generation.wrapping_add(1);
        if w.deadline != u64::MAX {
            sim.at(
                w.deadline,
                Event::Consumer(
                    ConsumerId::of(ci),
                    ConsumerEvent::Step {
                        worker: WorkerId::of(wi),
                        generation: w.generation,
                    },
                ),
            );
        }
        let client = self.client(ci, wi);
        let db = &mut self.databases[d];
        let work = db.p.query.sample(&mut db.rng_query) * db.faults.at(now).factor;
        db.start_query(now, work, client);
        self.reschedule_database(d, sim);
    }

    fn reschedule_database(&mut self, d: usize, sim: &mut Scheduler<Event>) {
        let db = &mut self.databases[d];
        db.timer_generation = db.timer_generation.wrapping_add(1);
        if let Some(t) = db.next_finish() {
            sim.at(
                t.max(sim.now()),
                Event::Database(
                    DatabaseId::of(d),
                    DatabaseEvent::Finish {
                        generation: db.timer_generation,
                    },
                ),
            );
        }
    }

    pub(crate) fn db_finish(&mut self, d: usize, g: u32, sim: &mut Scheduler<Event>) {
        if self.databases[d].timer_generation != g {
            return;
        }
        let mut done = std::mem::take(&mut self.scratch_clients);
        self.databases[d].finish_due(sim.now(), &mut done);
        for &client in &done {
            self.query_done(client, d, sim);
        }
        done.clear();
        self.scratch_clients = done;
        self.reschedule_database(d, sim);
    }

    fn query_done(&mut self, client: Client, d: usize, sim: &mut Scheduler<Event>) {
        let (ci, wi) = (client.consumer as usize, client.worker as usize);
        let w = &mut self.consumers[ci].workers[wi];
        let db = &mut self.databases[d];
        if db.is_down() {
            // Finished in the same instant as a crash that took it down.
            if w.generation == client.generation && w.phase == Phase::Query {
                self.fail_soon(ci, wi, CallError::Down, sim);
            }
            return;
        }
        if w.generation != client.generation || w.phase != Phase::Query {
            // The caller gave up (timed out); the query ran on regardless.
            db.c.orphaned += 1;
            db.close_connection(db.epoch);
            return self.grant_pool(d, sim);
        }
        w.generation = w.generation.wrapping_add(1); // cancels the timeout step
        w.conn = Some((d as u16, db.epoch));
        let outcome = db.faults.error_at(sim.now(), &mut db.rng_errors);
        if outcome.is_err() {
            db.c.errors += 1;
        }
        self.call_answered(ci, wi, outcome, sim);
    }

    pub(crate) fn api_answered(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let Target::Api(a) = self.consumers[ci].p.chain[self.consumers[ci].workers[wi].call] else {
            unreachable!("an API phase on a database link");
        };
        let api = &mut self.apis[a as usize];
        let outcome = api.faults.error_at(sim.now(), &mut api.rng_errors);
        if outcome.is_err() {
            api.c.errors += 1;
        }
        self.call_answered(ci, wi, outcome, sim);
    }

    pub(crate) fn pool_timeout(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let c = &self.consumers[ci];
        if let Target::Database(d) = c.p.chain[c.workers[wi].call] {
            let db = &mut self.databases[d as usize];
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
            self.schedule_step(ci, wi, Phase::Backoff, from_secs(d), sim);
        } else {
            self.release_connection(ci, wi, sim);
            self.message_failed(ci, wi, true, sim);
        }
    }

    /// Closes a connection the worker kept between attempts.
    pub(crate) fn release_connection(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        if let Some((d, epoch)) = self.consumers[ci].workers[wi].conn.take() {
            self.databases[d as usize].close_connection(epoch);
            self.grant_pool(d as usize, sim);
        }
    }

    /// Hands free connections to callers waiting in the pool, first come first.
    fn grant_pool(&mut self, d: usize, sim: &mut Scheduler<Event>) {
        while self.databases[d].has_free_connection() && !self.databases[d].is_down() {
            let Some(client) = self.databases[d].next_pool_waiter() else {
                return;
            };
            if !self.waits_in_pool(client) {
                continue; // gave up already
            }
            let (ci, wi) = (client.consumer as usize, client.worker as usize);
            let db = &mut self.databases[d];
            db.left_pool();
            db.open_connection();
            self.run_query(ci, wi, d, sim);
        }
    }

    fn waits_in_pool(&self, client: Client) -> bool {
        let w = &self.consumers[client.consumer as usize].workers[client.worker as usize];
        w.generation == client.generation && w.phase == Phase::PoolWait
    }

    /// Drops the entries of callers who gave up, so the line stays as long as
    /// the callers really in it.
    fn compact_pool(&mut self, d: usize) {
        let mut line = std::mem::take(&mut self.databases[d].pool_waiters);
        line.retain(|&c| self.waits_in_pool(c));
        self.databases[d].pool_waiters = line;
    }

    /// The database goes down: running queries and pool waiters fail now.
    fn fail_callers(&mut self, d: usize, sim: &mut Scheduler<Event>) {
        let mut failed = std::mem::take(&mut self.scratch_clients);
        let now = sim.now();
        self.databases[d].go_down(now, &mut failed);
        self.answer_down(&failed, sim);
        failed.clear();
        self.scratch_clients = failed;
        self.reschedule_database(d, sim);
    }

    fn answer_down(&mut self, clients: &[Client], sim: &mut Scheduler<Event>) {
        for &client in clients {
            let (ci, wi) = (client.consumer as usize, client.worker as usize);
            let w = &mut self.consumers[ci].workers[wi];
            if w.generation == client.generation
                && matches!(w.phase, Phase::Query | Phase::PoolWait)
            {
                self.fail_soon(ci, wi, CallError::Down, sim);
            }
        }
    }

    fn crash_database(&mut self, d: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let up = self.databases[d].crash_at(now);
        sim.at(up, Event::Database(DatabaseId::of(d), DatabaseEvent::Up));
        self.fail_callers(d, sim);
    }

    pub(crate) fn db_up(&mut self, d: usize, sim: &mut Scheduler<Event>) {
        self.databases[d].maybe_up(sim.now());
        self.grant_pool(d, sim);
    }

    pub(crate) fn outage(&mut self, i: usize, starts: bool, sim: &mut Scheduler<Event>) {
        let d = self.outages[i].0 as usize;
        if starts {
            let was_down = self.databases[d].is_down();
            self.databases[d].outages += 1;
            if !was_down {
                self.fail_callers(d, sim);
            }
        } else {
            self.databases[d].outages -= 1;
            self.db_up(d, sim);
        }
    }
}
