//! A database's conversations with its callers: a call (which may reach every
//! caller, if the refusal crashes it), a kept connection closed (the pool
//! hands it to the next waiting caller), and the answers to the queries that
//! finished, each handed to its caller, whose next step is over before the
//! next answer.

use crate::engine::Scheduler;
use crate::model::downstream::CallError;
use crate::model::event::DatabaseId;
use crate::model::{Event, World};

impl World {
    /// Worker `wi` of consumer `ci` calls database `d`: a connection it kept on
    /// another database is closed first (the consumer's side), then the
    /// database admits the call.
    pub(super) fn call_database(
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

    /// Closes the connection worker `wi` of consumer `ci` kept, if any: its
    /// database's pool hands it on.
    pub(super) fn release_connection(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        if let Some((d, epoch)) = self.consumers[ci].workers[wi].conn.take() {
            self.databases[d.index()].release(d, epoch, &mut self.consumers, sim);
        }
    }

    /// The database's completion timer: each finished query's answer goes to
    /// its caller.
    pub(super) fn db_finish(&mut self, d: DatabaseId, g: u32, sim: &mut Scheduler<Event>) {
        if self.databases[d.index()].timer_generation != g {
            return;
        }
        let mut done = std::mem::take(&mut self.scratch_clients);
        self.databases[d.index()].finish_due(sim.now(), &mut done);
        for &client in &done {
            let db = &mut self.databases[d.index()];
            if let Some(outcome) = db.answer(d, client, &mut self.consumers, sim) {
                let wi = client.worker.index();
                self.on_consumer(client.consumer.index(), sim, |c, cx, sim| {
                    c.call_answered(wi, outcome, cx, sim)
                });
            }
        }
        done.clear();
        self.scratch_clients = done;
        self.databases[d.index()].reschedule(d, sim);
    }
}
