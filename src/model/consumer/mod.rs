//! A consumer pulling from one queue: a fixed pool of workers, or a Lambda-like
//! managed poller whose pollers come and go (`poller`). Each worker receives a
//! batch (long polling returns as soon as a message is there) and works through
//! its messages one after another: its own processing time, then the chain of
//! downstream calls, each retried inside the consumer by its policy. A pool
//! deletes each message on success and on failure leaves it to its visibility
//! timeout or changes its visibility to a backoff delay; a Lambda-like consumer
//! deletes at the end of the invocation. Poison messages fail every time. Its
//! handlers are lent what they may reach (`Reach`); a step that reaches other
//! consumers (a queue serving its receivers, a database's pool) is named as an
//! `Effect` for the router.

pub mod autoscale;
mod calls;
pub mod crash;
mod events;
mod invoke;
pub mod key_order;
mod ledger;
mod observe;
pub mod onward;
pub mod outbox;
mod parked;
pub mod payload;
pub mod poller;
mod prefetch;
mod receive;
pub mod summary;
pub mod tiers;
mod work;
mod worker;

pub use parked::ParkedPolls;
pub(crate) use work::release;
pub use worker::{Phase, Worker, WorkerState};

use crate::engine::{Rng, SimTime, stream};
use crate::metrics::Latency;
use crate::metrics::interval_latency::IntervalLatency;
use crate::model::consumer::poller::Poller;
use crate::model::dist::Dist;
use crate::model::downstream::Target;
use crate::model::event::{ConsumerId, QueueId};
use crate::model::idempotency::Store;
use crate::model::log::group::GroupState;
use crate::model::protection::breaker::Breaker;
use crate::model::protection::budget::Budget;
use crate::model::push::Endpoint;
use crate::model::retry::Backoff;
use crate::scenario::OnFailure;
use rand::RngExt;

pub struct ConsumerParams {
    pub name: String,
    /// The queue it reads (a group member reads its group's topic, and an
    /// endpoint is pushed to: theirs is never read).
    pub queue: QueueId,
    pub workers: u32,
    pub batch_size: u32,
    /// Long-poll wait; 0 means short polling.
    pub wait: SimTime,
    pub empty_poll_pause: SimTime,
    pub processing: Dist,
    pub error_rate: f64,
    pub on_failure: OnFailure,
    pub backoff: Backoff,
    pub chain: Vec<Target>,
    /// Attempts per call and the delays between them.
    pub retry: Option<(u32, Backoff)>,
}

#[derive(Clone, Debug, Default)]
pub struct ConsumerCounters {
    pub completions: u64,
    pub successes: u64,
    /// First successful processing of a message.
    pub goodput: u64,
    /// Successful processings beyond a message's first.
    pub duplicates: u64,
    pub failures: u64,
    pub empty_receives: u64,
    /// Downstream calls that failed (each attempt), and retries made.
    pub call_failures: u64,
    pub retries: u64,
    /// Deliveries the dedupe store found done (skipped) or locked (failed).
    pub dedupe_skips: u64,
    pub dedupe_conflicts: u64,
    /// Unacked messages a prefetch consumer's crashes sent back to its queue.
    pub requeued_at_crash: u64,
    /// Crashes (`crash.rs`).
    pub crashes: u64,
    /// Messages a worker pool's crashes left to their visibility timeout.
    pub abandoned_at_crash: u64,
    /// Lambda-like batches cut short by the invocation payload limit.
    pub batches_cut: u64,
}

/// Separate streams, so that changing the error rate does not move a single
/// processing time (common random numbers across sweep points).
pub struct Streams {
    processing: Rng,
    errors: Rng,
    backoff: Rng,
    retry: Rng,
}

pub struct Consumer {
    /// Its own id, for the events it schedules for itself.
    pub id: ConsumerId,
    pub p: ConsumerParams,
    rng: Streams,
    pub workers: Vec<Worker>,
    /// The long polls of its parked workers, for the empty receives they return.
    pub parked: ParkedPolls,
    pub busy: u32,
    pub peak_busy: u32,
    pub c: ConsumerCounters,
    /// Publish → first successful processing.
    pub e2e: Latency,
    /// The same, over the current sampling interval only (the time series'
    /// latency percentiles).
    pub recent: IntervalLatency,
    pub budget: Option<Budget>,
    /// One per link of the call chain.
    pub breakers: Vec<Breaker>,
    pub store: Option<Store>,
    pub kind: Kind,
    /// A pool that scales on its queue's backlog.
    pub autoscale: Option<autoscale::Autoscaler>,
    /// A prefetch consumer's channel crashes at these times (`prefetch.rs`).
    pub crash_at: Vec<SimTime>,
    /// And at random (`crashes_per_hour`).
    pub random_crashes: Option<crash::RandomCrashes>,
    /// Delayed-retry tiers for failed messages (`tiers.rs`).
    pub tiers: Option<tiers::RetryTiers>,
    /// A pipeline stage: what it publishes onward (`onward.rs`).
    pub onward: Option<onward::Onward>,
    /// The chain's first publish → this stage's first successful processing,
    /// for messages an earlier stage published (after warm-up).
    pub lineage: Option<Latency>,
    /// Keyed input: the order of each key's applications (`key_order.rs`).
    pub key_order: Option<key_order::KeyOrder>,
    /// Fetches claim-check payloads (a scenario with blob stores), or
    /// downloads messages at a bandwidth (`payload.rs`).
    pub payload: Option<payload::PayloadReader>,
}

/// What a consumer is: how its workers get what they process. Each kind keeps
/// the state only it has.
pub enum Kind {
    /// A fixed pool of workers, each polling its queue.
    Pool,
    /// A pool the queue pushes to (RabbitMQ basic.qos): each worker holds at
    /// most `limit` unacknowledged messages; `held` counts them over all
    /// workers, so that observing it does not visit each worker.
    Prefetch { limit: u32, held: u64 },
    /// A Lambda-like function behind a managed poller.
    Poller(Poller),
    /// A consumer group's members reading a topic.
    Member(GroupState),
    /// A push topic's endpoint: pushed to, never polls.
    Endpoint(Endpoint),
}

impl Kind {
    pub fn poller(&self) -> Option<&Poller> {
        match self {
            Kind::Poller(p) => Some(p),
            _ => None,
        }
    }
    pub fn poller_mut(&mut self) -> Option<&mut Poller> {
        match self {
            Kind::Poller(p) => Some(p),
            _ => None,
        }
    }
    pub fn group(&self) -> Option<&GroupState> {
        match self {
            Kind::Member(g) => Some(g),
            _ => None,
        }
    }
    pub fn group_mut(&mut self) -> Option<&mut GroupState> {
        match self {
            Kind::Member(g) => Some(g),
            _ => None,
        }
    }
    pub fn endpoint(&self) -> Option<&Endpoint> {
        match self {
            Kind::Endpoint(e) => Some(e),
            _ => None,
        }
    }
    pub fn endpoint_mut(&mut self) -> Option<&mut Endpoint> {
        match self {
            Kind::Endpoint(e) => Some(e),
            _ => None,
        }
    }
    /// The prefetch limit of a consumer the queue pushes to.
    pub fn prefetch(&self) -> Option<u32> {
        match *self {
            Kind::Prefetch { limit, .. } => Some(limit),
            _ => None,
        }
    }

    /// The kind's name in summaries.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Pool | Kind::Prefetch { .. } => "pool",
            Kind::Poller(_) => "lambda",
            Kind::Member(_) => "group",
            Kind::Endpoint(_) => "endpoint",
        }
    }
}

impl Consumer {
    pub fn new(id: ConsumerId, p: ConsumerParams, seed: u64, rep: u64) -> Consumer {
        let workers = (0..p.workers).map(|_| Worker::new()).collect();
        Consumer {
            id,
            rng: Streams {
                processing: stream(seed, &format!("consumer.{}.processing", p.name), rep),
                errors: stream(seed, &format!("consumer.{}.errors", p.name), rep),
                backoff: stream(seed, &format!("consumer.{}.backoff", p.name), rep),
                retry: stream(seed, &format!("consumer.{}.retry", p.name), rep),
            },
            parked: ParkedPolls::new(p.wait, p.workers),
            p,
            workers,
            busy: 0,
            peak_busy: 0,
            c: ConsumerCounters::default(),
            e2e: Latency::default(),
            recent: IntervalLatency::default(),
            budget: None,
            breakers: Vec::new(),
            store: None,
            kind: Kind::Pool,
            autoscale: None,
            crash_at: Vec::new(),
            random_crashes: None,
            tiers: None,
            onward: None,
            lineage: None,
            key_order: None,
            payload: None,
        }
    }

    /// Delay before retrying a failed call, inside the consumer.
    pub fn draw_retry_s(&mut self, attempt: u32, prev_s: f64) -> f64 {
        let (_, b) = self
            .p
            .retry
            .as_ref()
            .expect("only called with a retry policy");
        b.delay_s(attempt, prev_s, &mut self.rng.retry)
    }

    /// Moves worker `wi` to `state`, keeping the index of parked long polls.
    pub fn set_worker_state(&mut self, wi: usize, state: WorkerState) {
        self.workers[wi].set_state(state, &mut self.parked);
    }

    /// A worker starts a batch (a poller: an invocation).
    pub fn occupy(&mut self) {
        self.busy += 1;
        self.peak_busy = self.peak_busy.max(self.busy);
    }

    /// Workers in the pool (of an autoscaled pool: those running), or
    /// pollers running.
    pub fn slots(&self) -> u32 {
        match (self.kind.poller(), &self.autoscale) {
            (Some(p), _) => p.active,
            (None, Some(a)) => a.running,
            (None, None) => self.workers.len() as u32,
        }
    }

    /// Processing time of one message, in seconds, scaled by its cost.
    #[inline]
    pub fn draw_processing_s(&mut self, cost: f32) -> f64 {
        self.p.processing.sample(&mut self.rng.processing) * cost as f64
    }

    /// Does this processing fail? Poison always does; others at the error rate.
    #[inline]
    pub fn fails(&mut self, poison: bool) -> bool {
        poison || (self.p.error_rate > 0.0 && self.rng.errors.random_bool(self.p.error_rate))
    }

    /// Backoff before retry `attempt` (0-based) of a failed message.
    pub fn draw_backoff_s(&mut self, attempt: u32, prev_s: f64) -> f64 {
        self.p
            .backoff
            .delay_s(attempt, prev_s, &mut self.rng.backoff)
    }

    /// Long polls that came back empty since `since`: one per full wait period.
    #[inline]
    pub fn empty_polls_since(&self, since: SimTime, now: SimTime) -> u64 {
        (now - since).checked_div(self.p.wait).unwrap_or(0)
    }

    /// Empty receives up to `now`: those booked, and the long polls of parked
    /// workers that have come back empty since they parked (booked when the
    /// worker is served). Reading it changes nothing, so observing a run at any
    /// interval leaves it as it is; the parked workers' index answers without
    /// visiting each of them.
    pub fn empty_receives_at(&self, now: SimTime) -> u64 {
        let scan = || -> u64 {
            self.workers
                .iter()
                .map(|w| match w.state() {
                    WorkerState::Waiting { since } => self.empty_polls_since(since, now),
                    _ => 0,
                })
                .sum()
        };
        if !self.parked.indexed() {
            return self.c.empty_receives + scan();
        }
        // Tests (debug assertions) check the index against the scan where the
        // scan is cheap.
        debug_assert!(self.workers.len() > 10_000 || self.parked.empty_polls_at(now) == scan());
        self.c.empty_receives + self.parked.empty_polls_at(now)
    }

    pub fn reset_stats(&mut self) {
        self.e2e = Latency::default();
        if let Some(l) = &mut self.lineage {
            *l = Latency::default();
        }
        if let Some(g) = self.kind.group_mut() {
            g.wait = Latency::default();
        }
    }
}
