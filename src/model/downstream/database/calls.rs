//! The database's side of a consumer's call: admission (a connection, a place
//! in the pool, or a refusal that may crash it), queries on the shared cores and
//! their answers, the pool handing freed connections on, and going down (a crash
//! or an outage window) and coming back. The state and its rules are the
//! database's own (`mod.rs`); this is where they meet the callers.
//!
//! The database reaches its callers only through `callers`, the consumers'
//! table it is lent: to tell a live caller from one that gave up, to start a
//! waiting caller's query, and to fail callers when it goes down. Only a
//! query's answer goes back through the world (`World::query_done`), because
//! the caller's next step may reach its queue and beyond.

use crate::engine::Scheduler;
use crate::model::consumer::{Consumer, Phase};
use crate::model::downstream::database::Database;
use crate::model::downstream::{CallError, Client};
use crate::model::event::{DatabaseEvent, DatabaseId};
use crate::model::{Event, World};

impl World {
    /// Routes worker `wi` of consumer `ci` to database `d`: a connection it
    /// kept on another database is closed first (the consumer's side), then
    /// the database admits the call.
    pub(crate) fn call_database(
        &mut self,
        ci: usize,
        wi: usize,
        d: DatabaseId,
        sim: &mut Scheduler<Event>,
    ) {
        let db = &mut self.databases[d.index()];
        if db.is_down() {
            db.c.down_rejections += 1;
            return self.consumers[ci].fail_soon(wi, CallError::Down, sim);
        }
        let epoch = db.epoch;
        let w = &mut self.consumers[ci].workers[wi];
        match w.conn.take() {
            Some((held, e)) if held == d && e == epoch => {
                self.databases[d.index()].run_query(d, ci, wi, &mut self.consumers, sim)
            }
            other => {
                if let Some((held, e)) = other {
                    self.databases[held.index()].close_connection(e);
                }
                let scratch = &mut self.scratch_clients;
                self.databases[d.index()].admit(d, ci, wi, &mut self.consumers, scratch, sim);
            }
        }
    }

    /// The database's completion timer: each finished query's answer goes to
    /// its caller.
    pub(crate) fn db_finish(&mut self, d: DatabaseId, g: u32, sim: &mut Scheduler<Event>) {
        if self.databases[d.index()].timer_generation != g {
            return;
        }
        let mut done = std::mem::take(&mut self.scratch_clients);
        self.databases[d.index()].finish_due(sim.now(), &mut done);
        for &client in &done {
            self.query_done(client, d, sim);
        }
        done.clear();
        self.scratch_clients = done;
        self.databases[d.index()].reschedule(d, sim);
    }

    /// A query finished: its live caller hears the outcome and goes on with
    /// its message (which may reach its queue); one that gave up does not.
    fn query_done(&mut self, client: Client, d: DatabaseId, sim: &mut Scheduler<Event>) {
        let (ci, wi) = (client.consumer.index(), client.worker.index());
        let w = &mut self.consumers[ci].workers[wi];
        let db = &mut self.databases[d.index()];
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
            return db.grant_pool(d, &mut self.consumers, sim);
        }
        w.generation = w.generation.wrapping_add(1); // cancels the timeout step
        w.conn = Some((d, db.epoch));
        let outcome = db.faults.error_at(sim.now(), &mut db.rng_errors);
        if outcome.is_err() {
            db.c.errors += 1;
        }
        self.call_answered(ci, wi, outcome, sim);
    }

    /// Closes a connection the worker kept between attempts.
    pub(crate) fn release_connection(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        if let Some((d, epoch)) = self.consumers[ci].workers[wi].conn.take() {
            self.databases[d.index()].release(d, epoch, &mut self.consumers, sim);
        }
    }
}

impl Database {
    /// A caller without a connection: one is opened, or it waits in the pool,
    /// or it is refused (which may crash the database).
    fn admit(
        &mut self,
        id: DatabaseId,
        ci: usize,
        wi: usize,
        callers: &mut [Consumer],
        scratch: &mut Vec<Client>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        if self.has_free_connection() {
            self.open_connection();
            return self.run_query(id, ci, wi, callers, sim);
        }
        let c = &mut callers[ci];
        if let Some((_, timeout)) = self.p.pool {
            let at = now.saturating_add(timeout).min(c.workers[wi].deadline);
            c.enter_phase(wi, Phase::PoolWait, Some(at), sim);
            self.wait_for_pool(c.client(wi));
            if self.pool_needs_compacting() {
                self.compact_pool(callers);
            }
            return;
        }
        let crashes = self.refuse(now);
        c.fail_soon(wi, CallError::Refused, sim);
        if crashes {
            self.crash(id, callers, scratch, sim);
        }
    }

    /// On an open connection: the query joins the database's shared cores.
    fn run_query(
        &mut self,
        id: DatabaseId,
        ci: usize,
        wi: usize,
        callers: &mut [Consumer],
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        // The database answers; the only step is the invocation's timeout.
        let c = &mut callers[ci];
        let timeout = c.workers[wi].deadline;
        c.enter_phase(
            wi,
            Phase::Query,
            (timeout != u64::MAX).then_some(timeout),
            sim,
        );
        let work = self.draw_query_work_s(now);
        self.start_query(now, work, c.client(wi));
        self.reschedule(id, sim);
    }

    /// Arms the completion timer for the earliest running query; a timer
    /// armed before is void.
    fn reschedule(&mut self, id: DatabaseId, sim: &mut Scheduler<Event>) {
        self.timer_generation = self.timer_generation.wrapping_add(1);
        if let Some(t) = self.next_finish() {
            let finish = DatabaseEvent::Finish {
                generation: self.timer_generation,
            };
            sim.at(t.max(sim.now()), Event::Database(id, finish));
        }
    }

    /// A caller closes the connection it kept: the pool hands it on.
    fn release(
        &mut self,
        id: DatabaseId,
        epoch: u32,
        callers: &mut [Consumer],
        sim: &mut Scheduler<Event>,
    ) {
        self.close_connection(epoch);
        self.grant_pool(id, callers, sim);
    }

    /// Hands free connections to callers waiting in the pool, first come first.
    fn grant_pool(&mut self, id: DatabaseId, callers: &mut [Consumer], sim: &mut Scheduler<Event>) {
        while self.has_free_connection() && !self.is_down() {
            let Some(client) = self.next_pool_waiter() else {
                return;
            };
            if !waits_in_pool(callers, client) {
                continue; // gave up already
            }
            self.left_pool();
            self.open_connection();
            let (ci, wi) = (client.consumer.index(), client.worker.index());
            self.run_query(id, ci, wi, callers, sim);
        }
    }

    /// Drops the entries of callers who gave up, so the line stays as long as
    /// the callers really in it.
    fn compact_pool(&mut self, callers: &[Consumer]) {
        self.pool_waiters.retain(|&c| waits_in_pool(callers, c));
    }

    /// The database goes down: running queries and pool waiters fail now.
    fn fail_callers(
        &mut self,
        id: DatabaseId,
        callers: &mut [Consumer],
        scratch: &mut Vec<Client>,
        sim: &mut Scheduler<Event>,
    ) {
        self.go_down(sim.now(), scratch);
        for &client in scratch.iter() {
            let c = &mut callers[client.consumer.index()];
            let wi = client.worker.index();
            let w = &c.workers[wi];
            if w.generation == client.generation
                && matches!(w.phase, Phase::Query | Phase::PoolWait)
            {
                c.fail_soon(wi, CallError::Down, sim);
            }
        }
        scratch.clear();
        self.reschedule(id, sim);
    }

    fn crash(
        &mut self,
        id: DatabaseId,
        callers: &mut [Consumer],
        scratch: &mut Vec<Client>,
        sim: &mut Scheduler<Event>,
    ) {
        let up = self.crash_at(sim.now());
        sim.at(up, Event::Database(id, DatabaseEvent::Up));
        self.fail_callers(id, callers, scratch, sim);
    }

    /// A crash's recovery time is over (or an outage window ended): up again
    /// unless something else keeps it down, and the pool hands connections on.
    pub(crate) fn on_up(
        &mut self,
        id: DatabaseId,
        callers: &mut [Consumer],
        sim: &mut Scheduler<Event>,
    ) {
        self.maybe_up(sim.now());
        self.grant_pool(id, callers, sim);
    }

    /// An outage window starts or ends.
    pub(crate) fn on_outage(
        &mut self,
        id: DatabaseId,
        starts: bool,
        callers: &mut [Consumer],
        scratch: &mut Vec<Client>,
        sim: &mut Scheduler<Event>,
    ) {
        if starts {
            let was_down = self.is_down();
            self.outages += 1;
            if !was_down {
                self.fail_callers(id, callers, scratch, sim);
            }
        } else {
            self.outages -= 1;
            self.on_up(id, callers, sim);
        }
    }
}

/// Whether `client` still waits in a pool: it has not given up since.
fn waits_in_pool(callers: &[Consumer], client: Client) -> bool {
    let w = &callers[client.consumer.index()].workers[client.worker.index()];
    w.generation == client.generation && w.phase == Phase::PoolWait
}
