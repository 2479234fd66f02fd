//! Clients that call a service or a record and retry (docs/model.md "Clients: open and closed loop").
//! A logical request makes attempts; each attempt crosses
//! the network, may time out at the client (the target is not told), and a
//! failed one is retried after the policy's backoff, within a retry budget and
//! behind a circuit breaker when the scenario has them. Open loop: requests
//! start at the arrival process's times whatever happens to them. Closed loop:
//! `count` clients each hold one request and think between requests. A
//! client of a queue submits jobs and waits for their completion (`jobs.rs`).

pub mod hedge;
pub mod jobs;
mod ledger;
mod observe;
mod requests;
pub mod summary;

pub(crate) use requests::Targets;

use super::arrivals::ArrivalProcess;
use super::dist::Dist;
use super::event::{QueueId, RecordId, ServiceId};
use super::protection::breaker::Breaker;
use super::protection::budget::Budget;
use super::retry::Backoff;
use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::metrics::Latency;
use crate::metrics::interval_latency::IntervalLatency;
use hedge::Hedging;

/// What a population of clients calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Service(ServiceId),
    Record(RecordId),
    /// Jobs submitted to a queue, complete when a consumer first processes
    /// them successfully (`jobs.rs`).
    Queue(QueueId),
}

pub struct ClosedLoop {
    pub count: u32,
    pub think: Dist,
    pub requests_each: Option<u64>,
    pub spread: SimTime,
    /// `pacing = "from_start"`: a request starts this long after the last
    /// one started (or when it ends, if later).
    pub pace: Option<SimTime>,
    /// No request starts at or after this time.
    pub stop: Option<SimTime>,
}

pub struct ClientParams {
    pub name: String,
    pub target: Target,
    pub closed: Option<ClosedLoop>,
    pub start: SimTime,
    pub timeout: Option<SimTime>,
    pub network: Dist,
    /// Attempts per logical request, the first included.
    pub attempts: u32,
    pub backoff: Backoff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// A closed-loop client between requests (or an open-loop slot unused).
    Thinking,
    /// Waiting to retry.
    Backoff,
    /// An attempt is out: on the wire, at the target, or coming back.
    Out,
    /// A closed-loop client that made all its requests.
    Done,
}

/// One logical request in progress (closed loop: one per client).
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// Bumped at every phase change; events carry it, so an answer or timer
    /// meant for an attempt given up since is recognised as late. A hedged
    /// copy gets the next number without a phase change: the copies of the
    /// current attempt are the generations `round..=generation`.
    pub generation: u32,
    /// The generation of the current attempt's first copy (= `generation`
    /// while it is not hedged).
    pub round: u32,
    /// The highest generation handed out: `generation`, or one more for the
    /// copy a pending hedge timer will send.
    pub top: u32,
    /// Copies of the current attempt still unanswered.
    pub copies_out: u32,
    /// The current attempt's first copy is still unanswered.
    pub first_out: bool,
    /// Extra copies of the current attempt sent.
    pub hedges: u32,
    /// When the current attempt's first copy went out.
    pub attempt_sent: SimTime,
    pub phase: Phase,
    pub started: SimTime,
    /// Attempts made for this request, sent or stopped by the breaker.
    pub attempt: u32,
    pub prev_delay_s: f64,
    /// The record version the current attempt read.
    pub read_version: u64,
    /// Closed loop: requests this client finished.
    pub finished: u64,
    /// The client of the population that made the request: its slot (closed
    /// loop), or drawn at random (open loop with a `population`).
    pub client: u32,
}

impl Request {
    fn new() -> Request {
        Request {
            generation: 0,
            round: 0,
            top: 0,
            copies_out: 0,
            first_out: false,
            hedges: 0,
            attempt_sent: 0,
            phase: Phase::Thinking,
            started: 0,
            attempt: 0,
            prev_delay_s: 0.0,
            read_version: 0,
            finished: 0,
            client: 0,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ClientCounters {
    /// Logical requests started: the offered load.
    pub requests: u64,
    /// Attempts sent to the target.
    pub attempts: u64,
    pub successes: u64,
    /// Requests that ran out of attempts (or of retry budget).
    pub gave_up: u64,
    pub timeouts: u64,
    /// Turned away: load shedding, or the target down.
    pub rejections: u64,
    /// Failed at the target: errors and write conflicts.
    pub errors: u64,
    pub conflicts: u64,
    pub retries: u64,
    /// Answers that came back after their attempt was given up (for jobs:
    /// completions of a submission the client had given up on).
    pub late_answers: u64,
    /// Jobs that reached their queue, and those its limit refused.
    pub submitted: u64,
    pub submit_refused: u64,
    pub breaker_rejections: u64,
    pub budget_denied: u64,
}

pub struct Streams {
    pub network: Rng,
    pub think: Rng,
    pub retry: Rng,
    /// Open loop: which client of the population makes a request.
    pub assign: Rng,
}

pub struct Clients {
    pub p: ClientParams,
    pub arrivals: Option<ArrivalProcess>,
    pub requests: Vec<Request>,
    /// Open loop: request slots free for reuse.
    pub free: Vec<u32>,
    pub rng: Streams,
    /// The retry budgets and breakers: one shared by the population, or one
    /// per client (`scope = "client"`), indexed by `Request::client`.
    pub budgets: Vec<Budget>,
    pub breakers: Vec<Breaker>,
    /// `[client.hedge]`: extra copies of slow attempts.
    pub hedge: Option<Hedging>,
    /// Open loop: the clients requests are drawn from (1: one client).
    pub population: u32,
    pub c: ClientCounters,
    /// Logical request start → success, after warm-up.
    pub latency: Latency,
    /// The same, over the current sampling interval only (the time series'
    /// latency percentiles per client).
    pub recent: IntervalLatency,
    /// Requests with an attempt out, and waiting to retry.
    pub out: u32,
    pub backing_off: u32,
    pub last_success: Option<SimTime>,
}

impl Clients {
    pub fn new(p: ClientParams, arrivals: Option<ArrivalProcess>, seed: u64, rep: u64) -> Self {
        let s = |what: &str| stream(seed, &format!("client.{}.{what}", p.name), rep);
        let n = p.closed.as_ref().map_or(0, |c| c.count as usize);
        Clients {
            rng: Streams {
                network: s("network"),
                think: s("think"),
                retry: s("retry"),
                assign: s("assign"),
            },
            arrivals,
            requests: (0..n as u32)
                .map(|i| Request {
                    client: i,
                    ..Request::new()
                })
                .collect(),
            free: Vec::new(),
            budgets: Vec::new(),
            breakers: Vec::new(),
            hedge: None,
            population: 1,
            c: ClientCounters::default(),
            latency: Latency::default(),
            recent: IntervalLatency::default(),
            out: 0,
            backing_off: 0,
            last_success: None,
            p,
        }
    }

    /// An open-loop request slot.
    pub fn alloc(&mut self) -> u32 {
        match self.free.pop() {
            Some(i) => i,
            None => {
                self.requests.push(Request::new());
                (self.requests.len() - 1) as u32
            }
        }
    }

    /// Moves a request to `phase`, keeping the gauges, and returns its new
    /// generation.
    pub fn set_phase(&mut self, slot: u32, phase: Phase) -> u32 {
        let r = &mut self.requests[slot as usize];
        match r.phase {
            Phase::Out => self.out -= 1,
            Phase::Backoff => self.backing_off -= 1,
            _ => {}
        }
        match phase {
            Phase::Out => self.out += 1,
            Phase::Backoff => self.backing_off += 1,
            _ => {}
        }
        r.phase = phase;
        // Past any number a pending hedge timer holds, so that it finds nothing.
        r.top = r.top.wrapping_add(1);
        r.generation = r.top;
        r.round = r.top;
        r.generation
    }

    /// Whether request `slot` still waits for the answer of the copy sent at
    /// generation `g`: one of its current attempt's copies.
    pub fn awaits(&self, slot: u32, g: u32) -> bool {
        let r = &self.requests[slot as usize];
        r.phase == Phase::Out && g.wrapping_sub(r.round) <= r.generation.wrapping_sub(r.round)
    }

    /// The retry budget request `slot` answers to, if any.
    pub fn budget(&mut self, slot: u32) -> Option<&mut Budget> {
        let i = self.owner(slot, self.budgets.len());
        self.budgets.get_mut(i)
    }

    /// The breaker request `slot` answers to, if any.
    pub fn breaker(&mut self, slot: u32) -> Option<&mut Breaker> {
        let i = self.owner(slot, self.breakers.len());
        self.breakers.get_mut(i)
    }

    /// Shared (one instance): the first; per client: the request's client's.
    fn owner(&self, slot: u32, instances: usize) -> usize {
        if instances > 1 {
            self.requests[slot as usize].client as usize
        } else {
            0
        }
    }

    pub fn network_delay(&mut self) -> SimTime {
        from_secs(self.p.network.sample(&mut self.rng.network))
    }

    /// Requests in progress: started and not yet succeeded or given up.
    pub fn in_progress(&self) -> u64 {
        (self.out + self.backing_off) as u64
    }

    pub fn reset_stats(&mut self) {
        self.latency = Latency::default();
    }
}

/// A message between a client and its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hop {
    /// An attempt reaches the service.
    ToService,
    /// An attempt (a job) reaches the queue.
    ToQueue,
    /// An attempt's read, then its conditional write, reach the record.
    ToRead,
    ToWrite,
    /// An answer reaches the client.
    Back(Answer),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Done,
    /// The read's version is in; the write goes out.
    ReadDone,
    Failed(super::downstream::CallError),
    Conflict,
}
