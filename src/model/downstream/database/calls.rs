//! The database's side of a consumer's call: admission (a connection, a place
//! in the pool, or a refusal that may crash it), queries on the shared cores and
//! their answers, the pool handing freed connections on, and going down (a crash
//! or an outage window) and coming back. The state and its rules are the
//! database's own (`mod.rs`); this is where they meet the callers.

use crate::engine::Scheduler;
use crate::model::consumer::Phase;
use crate::model::downstream::{CallError, Client};
use crate::model::event::{DatabaseEvent, DatabaseId};
use crate::model::{Event, World};

impl World {
    pub(crate) fn call_database(
        &mut self,
        ci: usize,
        wi: usize,
        d: usize,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let db = &mut self.databases[d];
        if db.is_down() {
            db.c.down_rejections += 1;
            return self.consumers[ci].fail_soon(wi, CallError::Down, sim);
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
                    self.consumers[ci].enter_phase(wi, Phase::PoolWait, Some(at), sim);
                    let client = self.consumers[ci].client(wi);
                    self.databases[d].wait_for_pool(client);
                    if self.databases[d].pool_needs_compacting() {
                        self.compact_pool(d);
                    }
                    return;
                } else {
                    let crashes = db.refuse(now);
                    self.consumers[ci].fail_soon(wi, CallError::Refused, sim);
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
        // The database answers; the only step is the invocation's timeout.
        let c = &mut self.consumers[ci];
        let timeout = c.workers[wi].deadline;
        c.enter_phase(
            wi,
            Phase::Query,
            (timeout != u64::MAX).then_some(timeout),
            sim,
        );
        let client = self.consumers[ci].client(wi);
        let db = &mut self.databases[d];
        let work = db.draw_query_work_s(now);
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
                self.consumers[ci].fail_soon(wi, CallError::Down, sim);
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
                self.consumers[ci].fail_soon(wi, CallError::Down, sim);
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
