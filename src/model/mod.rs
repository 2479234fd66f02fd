//! The simulated system. Each component has a folder with its state and the
//! handling of its own events: `producer/`, `queue/`, `consumer/`, `log/`,
//! `push/`, `client/`, `downstream/{database,service,…}`. `World` holds the
//! message arena and the component tables, and routes each event (`event.rs`)
//! to its owner.
//!
//! A component's handler is a method on the component (`impl Consumer`,
//! `impl Queue`, `impl Database`, `impl Topic`, `impl Clients`, `impl Service`,
//! `impl Producer`), and it reaches other components only through what the
//! router (`route/`) lends it for that conversation, named in its signature:
//! `Reach` for a consumer (the arena, the queues, the downstreams' own
//! bookkeeping), `client::Targets` (the services and records a client calls),
//! `producer::Outlet` (the arena and the producer's queue), or a table of
//! callers (`&mut [Consumer]` for a database, `&mut [Clients]` for a service).
//! What a handler changes in a queue comes back as a must-use `Changed`.
//!
//! A conversation can cross back into other consumers within one instant — a
//! queue hands a message to a parked worker, whose work calls a database,
//! whose answer deletes the message and wakes the queue's other receivers. A
//! handler never does that itself: it names the step (`effect.rs`) and returns,
//! and the router takes the steps in the order they were named, which is the
//! order of nested calls, so that ties within an instant break as they always
//! did. The engine underneath knows none of this.

pub mod account;
pub mod arrivals;
pub mod blob_store;
pub mod broker;
pub mod build;
pub mod bus;
pub mod client;
pub mod consumer;
pub mod dist;
pub mod downstream;
pub(crate) mod effect;
pub mod event;
mod guard;
pub mod idempotency;
pub(crate) mod keyed;
pub mod log;
pub mod message;
pub mod observe;
mod owner;
pub mod producer;
pub mod profile;
pub mod protection;
pub mod push;
pub mod queue;
pub(crate) mod reach;
pub mod retry;
mod route;
pub mod size_gate;
pub mod summarise;

use crate::engine::SimTime;
use consumer::Consumer;
use downstream::Client;
use downstream::api::Api;
use downstream::database::Database;
pub use event::Event;
use event::*;
use message::Arena;
use producer::Producer;
use queue::Queue;
use queue::redrive::Redrive;

pub struct World {
    pub arena: Arena,
    pub producers: Vec<Producer>,
    pub queues: Vec<Queue>,
    pub consumers: Vec<Consumer>,
    pub redrives: Vec<Redrive>,
    pub brokers: Vec<broker::Broker>,
    pub topics: Vec<log::Topic>,
    pub pushes: Vec<push::PushTopic>,
    pub buses: Vec<bus::Bus>,
    /// Object stores for claim checks.
    pub blob_stores: Vec<blob_store::BlobStore>,
    /// Copies made in the arena for push endpoints.
    pub endpoint_copies: u64,
    /// Record copies made in the arena for group members (not messages).
    pub record_copies: u64,
    pub databases: Vec<Database>,
    pub apis: Vec<Api>,
    /// Outage windows on databases: (database, from, to).
    pub outages: Vec<(DatabaseId, SimTime, SimTime)>,
    /// Invocations running across Lambda-like consumers, and their limit.
    pub account_running: u32,
    pub account_limit: u32,
    pub clients: Vec<client::Clients>,
    pub services: Vec<downstream::service::Service>,
    pub records: Vec<downstream::record::Record>,
    /// Outage windows on services: (service, from).
    pub service_outages: Vec<(ServiceId, SimTime)>,
    pub max_backlog: u64,
    /// Some producer has a buffer, a bus holds copies for retries, or open-loop
    /// clients hold requests: what the backlog guard adds to the arena's count.
    pub(crate) holds_beyond_arena: bool,
    /// Messages whose side effect was applied two times or more.
    pub applied_more_than_once: u64,
    pub(crate) scratch_dlq: Vec<u32>,
    /// Queues whose overflow dead-letters (`reject_publish_dlx`, `drop_head`
    /// with a DLQ): after each event the router hands what they set aside
    /// to their DLQs. Empty for every other scenario, which then does
    /// nothing more per event.
    pub(crate) overflow_dlq: Vec<usize>,
    pub(crate) scratch_clients: Vec<Client>,
    pub(crate) scratch_callers: Vec<downstream::service::Caller>,
    pub(crate) scratch_pending: Vec<producer::Pending>,
    /// Records a replication step committed, lent for the step.
    pub(crate) scratch_records: Vec<log::Record>,
    /// Jobs clients submitted to queues, whose completion they wait for.
    pub(crate) jobs: client::jobs::Jobs,
    /// The steps handlers named for the router, in the conversation under way.
    pub(crate) effects: effect::Effects,
}

impl World {
    pub fn target_name(&self, t: downstream::Target) -> &str {
        match t {
            downstream::Target::Database(d) => &self.databases[d.index()].p.name,
            downstream::Target::Api(a) => &self.apis[a.index()].p.name,
        }
    }

    /// Events that start the run.
    pub fn initial_events(&mut self) -> Vec<(SimTime, Event)> {
        // Retention before the sample of the same instant: the sample sees the
        // partitions trimmed.
        let mut evs: Vec<_> = (0..self.topics.len())
            .map(|t| (0, Event::Topic(TopicId::of(t), TopicEvent::RetentionCheck)))
            .collect();
        evs.push((0, Event::Sample));
        for (t, topic) in self.topics.iter().enumerate() {
            if let Some(c) = &topic.compaction {
                evs.push((
                    c.p.interval,
                    Event::Topic(TopicId::of(t), TopicEvent::Compact),
                ));
            }
        }
        for (t, topic) in self.topics.iter().enumerate() {
            let Some(rep) = &topic.replication else {
                continue;
            };
            let id = TopicId::of(t);
            for &(broker, down, up) in &rep.p.failures {
                evs.push((down, Event::Topic(id, TopicEvent::BrokerDown { broker })));
                evs.push((up, Event::Topic(id, TopicEvent::BrokerUp { broker })));
            }
        }
        for (i, p) in self.producers.iter_mut().enumerate() {
            if let Some(b) = &mut p.buffer {
                // The initial backlog's refused messages wait for their retry.
                if let Some(t) = b.next_due() {
                    b.timer_at = Some(t);
                    evs.push((t, Event::Producer(ProducerId::of(i), ProducerEvent::Retry)));
                }
                if b.crashed_at.is_some() {
                    continue;
                }
            }
            if let Some(t) = p.next_arrival() {
                evs.push((
                    t,
                    Event::Producer(ProducerId::of(i), ProducerEvent::Produce),
                ));
            }
        }
        for (c, cons) in self.consumers.iter().enumerate() {
            if cons.kind.endpoint().is_some() {
                continue; // pushed to, never polls
            }
            for w in 0..cons.workers.len() {
                evs.push((
                    0,
                    Event::Consumer(
                        ConsumerId::of(c),
                        ConsumerEvent::Poll {
                            worker: WorkerId::of(w),
                        },
                    ),
                ));
            }
        }
        for (i, r) in self.redrives.iter().enumerate() {
            evs.push((r.at, Event::Redrive(RedriveId::of(i))));
        }
        for (i, b) in self.blob_stores.iter().enumerate() {
            // The lifecycle line of the initial backlog's objects.
            if let Some(t) = b.timer_at() {
                evs.push((t, Event::Blob(BlobId::of(i), BlobEvent::Expire)));
            }
        }
        for (c, cons) in self.consumers.iter().enumerate() {
            if cons.autoscale.is_some() {
                // The scaler reads the backlog from the start.
                evs.push((
                    0,
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::Autoscale),
                ));
            }
            if cons.kind.poller().is_some() {
                evs.push((
                    consumer::poller::SCALE_TICK,
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::Scale),
                ));
            }
        }
        for (c, cons) in self.consumers.iter_mut().enumerate() {
            if let Some(r) = cons.random_crashes.as_mut() {
                evs.push((
                    r.next_in(),
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::Crash { random: true }),
                ));
            }
            for &t in &cons.crash_at {
                evs.push((
                    t,
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::Crash { random: false }),
                ));
            }
        }
        for (c, cons) in self.consumers.iter_mut().enumerate() {
            let Some(g) = cons.kind.group_mut() else {
                continue;
            };
            if let Some(ms) = &g.membership {
                for (t, ev) in ms.planned() {
                    evs.push((
                        t,
                        Event::Consumer(ConsumerId::of(c), ConsumerEvent::Member(ev)),
                    ));
                }
            }
            for &t in &g.p.crashes {
                evs.push((
                    t,
                    Event::Consumer(
                        ConsumerId::of(c),
                        ConsumerEvent::MemberCrash { random: false },
                    ),
                ));
            }
            if let Some(t) = g.next_crash_in() {
                evs.push((
                    t,
                    Event::Consumer(
                        ConsumerId::of(c),
                        ConsumerEvent::MemberCrash { random: true },
                    ),
                ));
            }
            if g.p.start > 0 {
                // A group that joins later: paused until then (`build.rs`),
                // its members fetch when it joins.
                evs.push((
                    g.p.start,
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::Rebalanced),
                ));
            }
            if g.p.commit == crate::scenario::Commit::Timer {
                evs.push((
                    g.p.commit_interval,
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::AutoCommit),
                ));
            }
        }
        for (k, cl) in self.clients.iter_mut().enumerate() {
            match &cl.p.closed {
                Some(closed) => {
                    let n = closed.count as u64;
                    for i in 0..n {
                        let t =
                            cl.p.start + (closed.spread as u128 * i as u128 / n as u128) as SimTime;
                        evs.push((
                            t,
                            Event::Clients(
                                ClientsId::of(k),
                                ClientEvent::Timer {
                                    request: RequestId(i as u32),
                                    generation: 0,
                                },
                            ),
                        ));
                    }
                }
                None => {
                    if let Some(t) = cl.arrivals.as_mut().and_then(|a| a.next_time()) {
                        evs.push((t, Event::Clients(ClientsId::of(k), ClientEvent::Arrival)));
                    }
                }
            }
        }
        for (i, &(_, from)) in self.service_outages.iter().enumerate() {
            evs.push((from, Event::ServiceOutage { window: i as u16 }));
        }
        for (i, &(_, from, to)) in self.outages.iter().enumerate() {
            evs.push((
                from,
                Event::DatabaseOutage {
                    window: i as u16,
                    starts: true,
                },
            ));
            evs.push((
                to,
                Event::DatabaseOutage {
                    window: i as u16,
                    starts: false,
                },
            ));
        }
        evs
    }

    pub fn reset_stats(&mut self, now: SimTime) {
        for q in &mut self.queues {
            q.reset_stats(now);
        }
        for c in &mut self.consumers {
            c.reset_stats();
        }
        for cl in &mut self.clients {
            cl.reset_stats();
        }
        for v in &mut self.services {
            v.level.advance(now, v.in_service as u64);
            v.level.reset(now);
        }
        for t in &mut self.topics {
            t.appended_mark = t.appended - t.dead_letter_appends;
        }
        for t in &mut self.pushes {
            t.published_mark = t.published;
            t.queue_copies_mark = t.queue_copies;
        }
        for b in &mut self.buses {
            b.published_mark = b.published;
            b.delivered_mark = b.delivered();
        }
    }
}
