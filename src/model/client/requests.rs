//! A client population's requests: a logical request's attempts, their trips
//! over the network, the answers, timeouts, and retries. The population owns
//! this behaviour; what an attempt reaches at the far end of the wire is the
//! `Targets` it is lent (the services and records), and a service answers
//! through `Clients::answer`, the population's side of the wire.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::Event;
use crate::model::client::jobs::{Job, Jobs};
use crate::model::client::{Answer, Clients, Hop, Phase, Target};
use crate::model::downstream::CallError;
use crate::model::downstream::record::Record;
use crate::model::downstream::service::{Caller, Service};
use crate::model::event::{ClientEvent, ClientsId, RequestId};
use crate::model::message::{Arena, Message};
use crate::model::queue::{Changed, Publish, Queue};
use rand::RngExt;

/// What a population's attempts reach: the services and records they call,
/// the queues they submit jobs to (with the arena that holds the messages and
/// the registry of jobs), and nothing else.
pub(crate) struct Targets<'a> {
    pub services: &'a mut [Service],
    pub records: &'a mut [Record],
    pub queues: &'a mut [Queue],
    pub arena: &'a mut Arena,
    pub jobs: &'a mut Jobs,
}

impl Clients {
    /// Open loop: a new logical request, and the next arrival.
    pub(crate) fn on_arrival(&mut self, k: ClientsId, sim: &mut Scheduler<Event>) {
        let slot = RequestId(self.alloc());
        if self.population > 1 {
            // Drawn only for a population, so a single client's streams are
            // as they were.
            let c = self.rng.assign.random_range(0..self.population);
            self.requests[slot.index()].client = c;
        }
        if let Some(t) = self.arrivals.as_mut().and_then(|a| a.next_time()) {
            sim.at(t, Event::Clients(k, ClientEvent::Arrival));
        }
        self.begin_request(k, slot, sim);
    }

    fn begin_request(&mut self, k: ClientsId, slot: RequestId, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let r = &mut self.requests[slot.index()];
        r.started = now;
        r.attempt = 0;
        r.prev_delay_s = 0.0;
        self.c.requests += 1;
        if let Some(b) = self.budget(slot.0) {
            b.request(now);
        }
        self.send_attempt(k, slot, sim);
    }

    fn send_attempt(&mut self, k: ClientsId, slot: RequestId, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        self.requests[slot.index()].attempt += 1;
        let retry = self.requests[slot.index()].attempt > 1;
        if let Some(b) = self.breaker(slot.0)
            && !b.allow(now, retry)
        {
            self.c.breaker_rejections += 1;
            return self.attempt_failed(k, slot, false, sim);
        }
        self.c.attempts += 1;
        let g = self.set_phase(slot.0, Phase::Out);
        let r = &mut self.requests[slot.index()];
        r.copies_out = 1;
        r.first_out = true;
        r.hedges = 0;
        r.attempt_sent = now;
        if let Some(t) = self.p.timeout {
            sim.after(t, timer(k, slot, g));
        }
        let hop = match self.p.target {
            Target::Service(_) => Hop::ToService,
            Target::Record(_) => Hop::ToRead,
            Target::Queue(_) => Hop::ToQueue,
        };
        let d = self.network_delay();
        sim.after(d, on_the_wire(k, slot, g, hop));
        self.schedule_hedge(k, slot, sim);
    }

    /// With `[client.hedge]`: the timer of the current attempt's next copy,
    /// one delay from now, under the next generation number (so a timer that
    /// outlives its attempt finds nothing); none past `max_extra` copies, or
    /// before a percentile delay's warm-up.
    fn schedule_hedge(&mut self, k: ClientsId, slot: RequestId, sim: &mut Scheduler<Event>) {
        let Some(h) = &self.hedge else { return };
        let r = &mut self.requests[slot.index()];
        let Some(d) = h.delay().filter(|_| r.hedges < h.max_extra) else {
            return;
        };
        r.top = r.top.wrapping_add(1);
        sim.after(d, timer(k, slot, r.top));
    }

    /// An attempt still unanswered after the hedge delay: another copy (of
    /// generation `g`) goes to the service. It passes neither the breaker nor
    /// the retry budget: it is not a retry, and its cost is bounded by the delay.
    fn send_hedge(&mut self, k: ClientsId, slot: RequestId, g: u32, sim: &mut Scheduler<Event>) {
        let r = &mut self.requests[slot.index()];
        r.generation = g;
        r.copies_out += 1;
        r.hedges += 1;
        if let Some(h) = &mut self.hedge {
            h.c.sent += 1;
        }
        let d = self.network_delay();
        sim.after(d, on_the_wire(k, slot, g, Hop::ToService));
        self.schedule_hedge(k, slot, sim);
    }

    /// Sends an answer back to request `slot` (generation `g`) over the
    /// network, `after` from now.
    pub(crate) fn answer(
        &mut self,
        k: ClientsId,
        slot: RequestId,
        g: u32,
        a: Answer,
        after: SimTime,
        sim: &mut Scheduler<Event>,
    ) {
        let d = self.network_delay();
        sim.after(after + d, on_the_wire(k, slot, g, Hop::Back(a)));
    }

    /// A message arrives at its end of the wire: at the target, or back here.
    /// A job accepted by its queue changes the queue: the change is returned
    /// for the router to settle.
    pub(crate) fn on_wire(
        &mut self,
        k: ClientsId,
        slot: RequestId,
        g: u32,
        hop: Hop,
        to: Targets<'_>,
        sim: &mut Scheduler<Event>,
    ) -> Option<Changed> {
        match (hop, self.p.target) {
            (Hop::ToQueue, Target::Queue(q)) => {
                let now = sim.now();
                let m = Message::new(now, q.0);
                self.c.submitted += 1;
                match to.queues[q.index()].publish(to.arena, m, now) {
                    (Publish::Accepted(at), changed) => {
                        let id = to.arena.get(at).id;
                        let job = Job {
                            clients: k,
                            request: slot,
                            generation: g,
                        };
                        to.jobs.submit(at, id, job);
                        return Some(changed);
                    }
                    (Publish::Rejected, changed) => {
                        changed.refused();
                        self.c.submit_refused += 1;
                        let refused = Answer::Failed(CallError::Refused);
                        self.answer(k, slot, g, refused, 0, sim);
                    }
                }
            }
            (Hop::ToService, Target::Service(s)) => {
                let caller = Caller {
                    clients: k,
                    request: slot,
                    generation: g,
                };
                to.services[s.index()].on_request(s, caller, self, sim)
            }
            (Hop::ToRead, Target::Record(r)) => {
                let (version, d) = to.records[r.index()].read();
                let req = &mut self.requests[slot.index()];
                if req.generation == g {
                    req.read_version = version;
                }
                self.answer(k, slot, g, Answer::ReadDone, d, sim);
            }
            (Hop::ToWrite, Target::Record(r)) => {
                let seen = self.requests[slot.index()].read_version;
                let (ok, d) = to.records[r.index()].write(seen);
                let a = if ok { Answer::Done } else { Answer::Conflict };
                self.answer(k, slot, g, a, d, sim);
            }
            (Hop::Back(a), _) => self.answered(k, slot, g, a, sim),
            _ => unreachable!("a hop to the wrong kind of target"),
        }
        None
    }

    fn answered(
        &mut self,
        k: ClientsId,
        slot: RequestId,
        g: u32,
        a: Answer,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let r = self.requests[slot.index()];
        if !self.awaits(slot.0, g) {
            // Late, or a hedged copy that lost.
            self.c.late_answers += 1;
            if let Some(h) = &mut self.hedge {
                h.late_answer(slot.0, g, a == Answer::Done, now);
            }
            return;
        }
        if g == r.round {
            self.requests[slot.index()].first_out = false;
        }
        match a {
            Answer::ReadDone => {
                let d = self.network_delay();
                sim.after(d, on_the_wire(k, slot, g, Hop::ToWrite));
            }
            Answer::Done => {
                if let Some(h) = &mut self.hedge {
                    if g == r.round {
                        h.observe(now - r.attempt_sent);
                    } else {
                        h.c.won += 1;
                        if r.first_out {
                            h.first_copy_lost(slot.0, r.round, r.attempt_sent);
                        }
                    }
                }
                if let Some(b) = self.breaker(slot.0) {
                    b.record(now, true);
                }
                if let Some(b) = self.budget(slot.0) {
                    b.success();
                }
                self.c.successes += 1;
                self.latency.record(now - r.started);
                self.recent.record(now - r.started, now);
                self.last_success = Some(now);
                self.end_request(k, slot, sim);
            }
            Answer::Conflict => {
                self.c.conflicts += 1;
                self.attempt_failed(k, slot, true, sim);
            }
            Answer::Failed(e) => {
                match e {
                    CallError::Refused | CallError::Down => self.c.rejections += 1,
                    _ => self.c.errors += 1,
                }
                // A hedged attempt fails when its last copy out does: the
                // others may still succeed.
                let r = &mut self.requests[slot.index()];
                r.copies_out -= 1;
                if r.copies_out == 0 {
                    self.attempt_failed(k, slot, true, sim);
                }
            }
        }
    }

    /// A request's timer: its think time or backoff is over, or its attempt
    /// timed out.
    pub(crate) fn on_timer(
        &mut self,
        k: ClientsId,
        slot: RequestId,
        g: u32,
        sim: &mut Scheduler<Event>,
    ) {
        let r = self.requests[slot.index()];
        if r.phase == Phase::Out && g == r.top && r.top != r.generation {
            return self.send_hedge(k, slot, g, sim);
        }
        // The current phase's timer (an attempt's timeout: its first copy's).
        if r.round != g {
            return;
        }
        match r.phase {
            Phase::Thinking => {
                let stopped = (self.p.closed.as_ref())
                    .and_then(|c| c.stop)
                    .is_some_and(|stop| sim.now() >= stop);
                if stopped {
                    self.set_phase(slot.0, Phase::Done);
                } else {
                    self.begin_request(k, slot, sim)
                }
            }
            Phase::Backoff => self.send_attempt(k, slot, sim),
            Phase::Out => {
                self.c.timeouts += 1;
                self.attempt_failed(k, slot, true, sim);
            }
            Phase::Done => {}
        }
    }

    /// The attempt failed (`sent`: it reached the wire, so the breaker counts
    /// it): retry after the backoff if attempts and budget allow, else give up.
    fn attempt_failed(
        &mut self,
        k: ClientsId,
        slot: RequestId,
        sent: bool,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        if sent && let Some(b) = self.breaker(slot.0) {
            b.record(now, false);
        }
        let r = self.requests[slot.index()];
        let allowed = r.attempt < self.p.attempts
            && match self.budget(slot.0) {
                Some(b) => {
                    let ok = b.allow_retry(now);
                    self.c.budget_denied += u64::from(!ok);
                    ok
                }
                None => true,
            };
        if !allowed {
            self.c.gave_up += 1;
            return self.end_request(k, slot, sim);
        }
        self.c.retries += 1;
        let d = self
            .p
            .backoff
            .delay_s(r.attempt - 1, r.prev_delay_s, &mut self.rng.retry);
        self.requests[slot.index()].prev_delay_s = d;
        let g = self.set_phase(slot.0, Phase::Backoff);
        sim.after(from_secs(d), timer(k, slot, g));
    }

    /// The request succeeded or was given up: a closed-loop client thinks
    /// before its next one; an open-loop slot is freed.
    fn end_request(&mut self, k: ClientsId, slot: RequestId, sim: &mut Scheduler<Event>) {
        let Some(closed) = &self.p.closed else {
            self.set_phase(slot.0, Phase::Thinking);
            self.free.push(slot.0);
            return;
        };
        let r = &mut self.requests[slot.index()];
        r.finished += 1;
        if closed.requests_each.is_some_and(|n| r.finished >= n) {
            self.set_phase(slot.0, Phase::Done);
            return;
        }
        let think = match closed.pace {
            // Paced from the start: the rest of the interval, if any.
            Some(pace) => (r.started + pace).saturating_sub(sim.now()),
            None => from_secs(closed.think.sample(&mut self.rng.think)),
        };
        let g = self.set_phase(slot.0, Phase::Thinking);
        sim.after(think, timer(k, slot, g));
    }
}

/// Request `slot`'s timer (generation `g`).
fn timer(k: ClientsId, slot: RequestId, g: u32) -> Event {
    Event::Clients(
        k,
        ClientEvent::Timer {
            request: slot,
            generation: g,
        },
    )
}

/// A message between population `k`'s request `slot` (generation `g`) and its
/// target, on the wire.
fn on_the_wire(k: ClientsId, slot: RequestId, g: u32, hop: Hop) -> Event {
    Event::Clients(
        k,
        ClientEvent::Wire {
            request: slot,
            generation: g,
            hop,
        },
    )
}
