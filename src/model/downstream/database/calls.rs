//! The database's side of a consumer's call: admission (a connection, a place
//! in the pool, or a refusal that may crash it), queries on the shared cores and
//! their answers, the pool handing freed connections on, and going down (a crash
//! or an outage window) and coming back. The state and its rules are the
//! database's own (`mod.rs`); this is where they meet the callers.
//!
//! The database reaches its callers only through `callers`, the consumers'
//! table it is lent: to tell a live caller from one that gave up, to start a
//! waiting caller's query, and to fail callers when it goes down. A query's
//! answer is returned to the router (`route/database.rs`), which hands it to
//! the caller, because the caller's next step may reach its queue and beyond.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::{Consumer, Phase};
use crate::model::downstream::database::Database;
use crate::model::downstream::{CallError, Client};
use crate::model::event::{DatabaseEvent, DatabaseId};

impl Database {
    /// A query finished. Its live caller hears the outcome (returned: the
    /// caller's next step is its own, and may reach its queue and beyond) and
    /// keeps the connection; one that gave up does not, and its connection goes
    /// back to the pool.
    pub(crate) fn answer(
        &mut self,
        id: DatabaseId,
        client: Client,
        callers: &mut [Consumer],
        sim: &mut Scheduler<Event>,
    ) -> Option<Result<(), CallError>> {
        let c = &mut callers[client.consumer.index()];
        let wi = client.worker.index();
        let w = &mut c.workers[wi];
        if self.is_down() {
            // Finished in the same instant as a crash that took it down.
            if w.generation == client.generation && w.phase == Phase::Query {
                c.fail_soon(wi, CallError::Down, sim);
            }
            return None;
        }
        if w.generation != client.generation || w.phase != Phase::Query {
            // The caller gave up (timed out); the query ran on regardless.
            self.c.orphaned += 1;
            self.close_connection(self.epoch);
            self.grant_pool(id, callers, sim);
            return None;
        }
        w.generation = w.generation.wrapping_add(1); // cancels the timeout step
        w.conn = Some((id, self.epoch));
        let outcome = self.faults.error_at(sim.now(), &mut self.rng_errors);
        if outcome.is_err() {
            self.c.errors += 1;
        }
        Some(outcome)
    }

    /// A caller without a connection: one is opened, or it waits in the pool,
    /// or it is refused (which may crash the database).
    pub(crate) fn admit(
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
    pub(crate) fn run_query(
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
    pub(crate) fn reschedule(&mut self, id: DatabaseId, sim: &mut Scheduler<Event>) {
        self.timer_generation = self.timer_generation.wrapping_add(1);
        if let Some(t) = self.next_finish() {
            let finish = DatabaseEvent::Finish {
                generation: self.timer_generation,
            };
            sim.at(t.max(sim.now()), Event::Database(id, finish));
        }
    }

    /// A caller closes the connection it kept: the pool hands it on.
    pub(crate) fn release(
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
