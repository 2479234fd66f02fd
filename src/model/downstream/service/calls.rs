//! The service's side of a client's request: admission (or shedding beyond
//! `max_concurrency`), the answer when its time is up, and an outage that fails
//! what it is serving. The service reaches its callers only to answer them,
//! over their own side of the wire (`Clients::answer`).

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::client::{Answer, Clients};
use crate::model::downstream::CallError;
use crate::model::downstream::service::{Caller, Service};
use crate::model::event::{ServiceEvent, ServiceId};

impl Service {
    /// A request reaches the service from `from`, the caller's population. It
    /// was sent: the service takes it even if its client has given up since.
    pub(crate) fn on_request(
        &mut self,
        id: ServiceId,
        caller: Caller,
        from: &mut Clients,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        match self.admit(now, caller) {
            Ok((entry, eg, latency)) => {
                sim.after(
                    latency,
                    Event::Service(
                        id,
                        ServiceEvent::Done {
                            entry,
                            generation: eg,
                        },
                    ),
                );
            }
            Err(e) => answer(from, caller, Answer::Failed(e), sim),
        }
    }

    /// A request's time is up: its answer goes back.
    pub(crate) fn on_done(
        &mut self,
        entry: u32,
        eg: u32,
        clients: &mut [Clients],
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let Some((caller, outcome)) = self.finish(now, entry, eg) else {
            return; // failed by an outage already
        };
        let cl = &mut clients[caller.clients.index()];
        if !cl.awaits(caller.request.0, caller.generation) {
            self.c.wasted += 1;
        }
        let a = match outcome {
            Ok(()) => Answer::Done,
            Err(e) => Answer::Failed(e),
        };
        answer(cl, caller, a, sim);
    }

    /// An outage begins: what the service was serving fails now. `scratch` is
    /// an empty buffer lent for the callers.
    pub(crate) fn on_outage(
        &mut self,
        clients: &mut [Clients],
        scratch: &mut Vec<Caller>,
        sim: &mut Scheduler<Event>,
    ) {
        self.go_down(sim.now(), scratch);
        for &caller in scratch.iter() {
            let cl = &mut clients[caller.clients.index()];
            answer(cl, caller, Answer::Failed(CallError::Down), sim);
        }
        scratch.clear();
    }
}

/// The service's answer to `caller`, sent at once.
fn answer(cl: &mut Clients, caller: Caller, a: Answer, sim: &mut Scheduler<Event>) {
    cl.answer(caller.clients, caller.request, caller.generation, a, 0, sim);
}
