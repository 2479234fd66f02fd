//! The service's side of a client's request: admission (or shedding beyond
//! `max_concurrency`), the answer when its time is up, and an outage that fails
//! what it is serving. The answers travel back over the client's network.

use crate::engine::Scheduler;
use crate::model::client::Answer;
use crate::model::downstream::CallError;
use crate::model::event::{ServiceEvent, ServiceId};
use crate::model::{Event, World};

impl World {
    /// A request reaches the service. It was sent: the service takes it even
    /// if its client has given up since.
    pub(crate) fn service_receives(
        &mut self,
        s: usize,
        k: usize,
        slot: u32,
        g: u32,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        match self.services[s].admit(now, (k as u16, slot, g)) {
            Ok((entry, eg, latency)) => {
                sim.after(
                    latency,
                    Event::Service(
                        ServiceId::of(s),
                        ServiceEvent::Done {
                            entry,
                            generation: eg,
                        },
                    ),
                );
            }
            Err(e) => self.answer(k, slot, g, Answer::Failed(e), 0, sim),
        }
    }

    /// A service request's time is up: its answer goes back.
    pub(crate) fn service_done(
        &mut self,
        s: usize,
        entry: u32,
        eg: u32,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let Some(((k, slot, g), outcome)) = self.services[s].finish(now, entry, eg) else {
            return; // failed by an outage already
        };
        let (k, slot) = (k as usize, slot);
        if self.clients[k].requests[slot as usize].generation != g {
            self.services[s].c.wasted += 1;
        }
        let a = match outcome {
            Ok(()) => Answer::Done,
            Err(e) => Answer::Failed(e),
        };
        self.answer(k, slot, g, a, 0, sim);
    }

    /// An outage begins on a service: what it was serving fails now.
    pub(crate) fn service_down(&mut self, i: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let s = self.service_outages[i].0 as usize;
        let mut callers = std::mem::take(&mut self.scratch_callers);
        self.services[s].go_down(now, &mut callers);
        for &(k, slot, g) in &callers {
            self.answer(k as usize, slot, g, Answer::Failed(CallError::Down), 0, sim);
        }
        callers.clear();
        self.scratch_callers = callers;
    }
}
