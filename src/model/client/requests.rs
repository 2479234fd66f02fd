//! Clients and their targets: a logical request's attempts, their trips over
//! the network, the service or record answering, timeouts, and retries.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::client::{Answer, Hop, Phase, Target};
use crate::model::downstream::CallError;
use crate::model::event::{ClientEvent, ClientsId, RequestId};
use crate::model::{Event, World};

impl World {
    /// Open loop: a new logical request, and the next arrival.
    pub(crate) fn client_arrival(&mut self, k: usize, sim: &mut Scheduler<Event>) {
        let cl = &mut self.clients[k];
        let slot = cl.alloc();
        if let Some(t) = cl.arrivals.as_mut().and_then(|a| a.next_time()) {
            sim.at(t, Event::Clients(ClientsId::of(k), ClientEvent::Arrival));
        }
        self.begin_request(k, slot, sim);
        // An open loop's requests pile up when the service cannot keep up.
        self.guard_backlog(0, sim);
    }

    fn begin_request(&mut self, k: usize, slot: u32, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let cl = &mut self.clients[k];
        let r = &mut cl.requests[slot as usize];
        r.started = now;
        r.attempt = 0;
        r.prev_delay_s = 0.0;
        cl.c.requests += 1;
        if let Some(b) = &mut cl.budget {
            b.request(now);
        }
        self.send_attempt(k, slot, sim);
    }

    fn send_attempt(&mut self, k: usize, slot: u32, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let cl = &mut self.clients[k];
        cl.requests[slot as usize].attempt += 1;
        let retry = cl.requests[slot as usize].attempt > 1;
        if let Some(b) = &mut cl.breaker
            && !b.allow(now, retry)
        {
            cl.c.breaker_rejections += 1;
            return self.client_attempt_failed(k, slot, false, sim);
        }
        cl.c.attempts += 1;
        let g = cl.set_phase(slot, Phase::Out);
        if let Some(t) = cl.p.timeout {
            sim.after(
                t,
                Event::Clients(
                    ClientsId::of(k),
                    ClientEvent::Timer {
                        request: RequestId(slot),
                        generation: g,
                    },
                ),
            );
        }
        let hop = match cl.p.target {
            Target::Service(_) => Hop::ToService,
            Target::Record(_) => Hop::ToRead,
        };
        let d = cl.network_delay();
        sim.after(d, on_the_wire(k, slot, g, hop));
    }

    /// Sends an answer back to the client over the network, `after` from now.
    pub(crate) fn answer(
        &mut self,
        k: usize,
        slot: u32,
        g: u32,
        a: Answer,
        after: SimTime,
        sim: &mut Scheduler<Event>,
    ) {
        let d = self.clients[k].network_delay();
        sim.after(after + d, on_the_wire(k, slot, g, Hop::Back(a)));
    }

    /// A message arrives at its end of the wire.
    pub(crate) fn wire(
        &mut self,
        k: usize,
        slot: u32,
        g: u32,
        hop: Hop,
        sim: &mut Scheduler<Event>,
    ) {
        let target = self.clients[k].p.target;
        match (hop, target) {
            (Hop::ToService, Target::Service(s)) => {
                self.service_receives(s as usize, k, slot, g, sim)
            }
            (Hop::ToRead, Target::Record(r)) => {
                let (version, d) = self.records[r as usize].read();
                let req = &mut self.clients[k].requests[slot as usize];
                if req.generation == g {
                    req.read_version = version;
                }
                self.answer(k, slot, g, Answer::ReadDone, d, sim);
            }
            (Hop::ToWrite, Target::Record(r)) => {
                let seen = self.clients[k].requests[slot as usize].read_version;
                let (ok, d) = self.records[r as usize].write(seen);
                let a = if ok { Answer::Done } else { Answer::Conflict };
                self.answer(k, slot, g, a, d, sim);
            }
            (Hop::Back(a), _) => self.answered(k, slot, g, a, sim),
            _ => unreachable!("a hop to the wrong kind of target"),
        }
    }

    fn answered(&mut self, k: usize, slot: u32, g: u32, a: Answer, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let cl = &mut self.clients[k];
        let r = cl.requests[slot as usize];
        if r.generation != g || r.phase != Phase::Out {
            cl.c.late_answers += 1;
            return;
        }
        match a {
            Answer::ReadDone => {
                let d = cl.network_delay();
                sim.after(d, on_the_wire(k, slot, g, Hop::ToWrite));
            }
            Answer::Done => {
                if let Some(b) = &mut cl.breaker {
                    b.record(now, true);
                }
                if let Some(b) = &mut cl.budget {
                    b.success();
                }
                cl.c.successes += 1;
                cl.latency.record(now - r.started);
                cl.last_success = Some(now);
                self.end_request(k, slot, sim);
            }
            Answer::Conflict => {
                cl.c.conflicts += 1;
                self.client_attempt_failed(k, slot, true, sim);
            }
            Answer::Failed(e) => {
                match e {
                    CallError::Refused | CallError::Down => cl.c.rejections += 1,
                    _ => cl.c.errors += 1,
                }
                self.client_attempt_failed(k, slot, true, sim);
            }
        }
    }

    /// A request's timer: its think time or backoff is over, or its attempt
    /// timed out.
    pub(crate) fn client_timer(&mut self, k: usize, slot: u32, g: u32, sim: &mut Scheduler<Event>) {
        let r = self.clients[k].requests[slot as usize];
        if r.generation != g {
            return;
        }
        match r.phase {
            Phase::Thinking => self.begin_request(k, slot, sim),
            Phase::Backoff => self.send_attempt(k, slot, sim),
            Phase::Out => {
                self.clients[k].c.timeouts += 1;
                self.client_attempt_failed(k, slot, true, sim);
            }
            Phase::Done => {}
        }
    }

    /// The attempt failed (`sent`: it reached the wire, so the breaker counts
    /// it): retry after the backoff if attempts and budget allow, else give up.
    fn client_attempt_failed(
        &mut self,
        k: usize,
        slot: u32,
        sent: bool,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let cl = &mut self.clients[k];
        if sent && let Some(b) = &mut cl.breaker {
            b.record(now, false);
        }
        let r = cl.requests[slot as usize];
        let allowed = r.attempt < cl.p.attempts
            && match &mut cl.budget {
                Some(b) => {
                    let ok = b.allow_retry(now);
                    cl.c.budget_denied += u64::from(!ok);
                    ok
                }
                None => true,
            };
        if !allowed {
            cl.c.gave_up += 1;
            return self.end_request(k, slot, sim);
        }
        cl.c.retries += 1;
        let d =
            cl.p.backoff
                .delay_s(r.attempt - 1, r.prev_delay_s, &mut cl.rng.retry);
        cl.requests[slot as usize].prev_delay_s = d;
        let g = cl.set_phase(slot, Phase::Backoff);
        sim.after(
            from_secs(d),
            Event::Clients(
                ClientsId::of(k),
                ClientEvent::Timer {
                    request: RequestId(slot),
                    generation: g,
                },
            ),
        );
    }

    /// The request succeeded or was given up: a closed-loop client thinks
    /// before its next one; an open-loop slot is freed.
    fn end_request(&mut self, k: usize, slot: u32, sim: &mut Scheduler<Event>) {
        let cl = &mut self.clients[k];
        let Some(closed) = &cl.p.closed else {
            cl.set_phase(slot, Phase::Thinking);
            cl.free.push(slot);
            return;
        };
        let r = &mut cl.requests[slot as usize];
        r.finished += 1;
        if closed.requests_each.is_some_and(|n| r.finished >= n) {
            cl.set_phase(slot, Phase::Done);
            return;
        }
        let think = from_secs(closed.think.sample(&mut cl.rng.think));
        let g = cl.set_phase(slot, Phase::Thinking);
        sim.after(
            think,
            Event::Clients(
                ClientsId::of(k),
                ClientEvent::Timer {
                    request: RequestId(slot),
                    generation: g,
                },
            ),
        );
    }
}

/// A message between population `k`'s request `slot` (generation `g`) and its
/// target, on the wire.
fn on_the_wire(k: usize, slot: u32, g: u32, hop: Hop) -> Event {
    Event::Clients(
        ClientsId::of(k),
        ClientEvent::Wire {
            request: RequestId(slot),
            generation: g,
            hop,
        },
    )
}
