//! The simulated system. Each component has a folder with its state and the
//! handling of its own events: `producer/`, `queue/`, `consumer/`, `log/`,
//! `push/`, `client/`, `downstream/{database,service,…}`. `World` holds the
//! message arena and the component tables, and routes each event (`event.rs`)
//! to its owner.
//!
//! A component's handler is a method on the component (`impl Clients`,
//! `impl Service`, `impl Producer`, `impl Database`, `impl Topic`, and
//! `impl Consumer` for a push endpoint's deliveries and a group member's
//! fetch), and it reaches other components only through what the router lends
//! it for that conversation, named in its signature: `client::Targets` (the
//! services and records a client calls), `producer::Outlet` (the arena and the
//! producer's queue), `push::Deliveries` (the arena and the dead-letter
//! queues), `log::Fetch` (the topics and the arena), or a table of callers
//! (`&mut [Consumer]` for a database, `&mut [Clients]` for a service). What a
//! handler changes in a queue comes back as a must-use `Changed` for the
//! router to settle.
//!
//! The conversations that re-enter — a queue that hands a message to a parked
//! worker, whose work calls a database, whose answer deletes the message and
//! wakes the queue's other receivers, in one instant — are still methods on
//! `World` (`consumer/{receive,work,calls,invoke,prefetch}.rs`,
//! `queue/{notify,redrive}.rs`, `log/flow.rs` for appends, records and
//! crashes), because their order of effects within an instant is part of the
//! results. The engine underneath knows none of this.

pub mod arrivals;
pub mod build;
pub mod client;
pub mod consumer;
pub mod dist;
pub mod downstream;
pub mod event;
mod guard;
pub mod idempotency;
pub mod log;
pub mod message;
pub mod observe;
mod owner;
pub mod producer;
pub mod profile;
pub mod protection;
pub mod push;
pub mod queue;
pub mod retry;

use crate::engine::{Model, Scheduler, SimTime};
use consumer::Consumer;
use downstream::Client;
use downstream::api::Api;
use downstream::database::Database;
pub use event::Event;
use event::*;
use message::Arena;
use producer::{Producer, Sink};
use queue::Queue;
use queue::redrive::Redrive;

pub struct World {
    pub arena: Arena,
    pub producers: Vec<Producer>,
    pub queues: Vec<Queue>,
    pub consumers: Vec<Consumer>,
    pub redrives: Vec<Redrive>,
    pub topics: Vec<log::Topic>,
    pub pushes: Vec<push::PushTopic>,
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
    /// Messages whose side effect was applied two times or more.
    pub applied_more_than_once: u64,
    pub(crate) scratch_dlq: Vec<u32>,
    pub(crate) scratch_clients: Vec<Client>,
    pub(crate) scratch_callers: Vec<downstream::service::Caller>,
    pub(crate) scratch_pending: Vec<producer::Pending>,
}

impl Model for World {
    type Event = Event;

    fn handle(&mut self, ev: Event, sim: &mut Scheduler<Event>) {
        match ev {
            Event::Producer(p, ProducerEvent::Produce) => self.produce(p, sim),
            Event::Producer(p, ProducerEvent::Retry) => {
                let Sink::Queue(q) = self.producers[p.index()].p.sink else {
                    unreachable!("a publish policy on a producer to a topic")
                };
                let out = producer::Outlet {
                    arena: &mut self.arena,
                    queue: &mut self.queues[q.index()],
                    scratch: &mut self.scratch_pending,
                };
                if let Some(changed) = self.producers[p.index()].on_retry(p, out, sim) {
                    self.after_publish(changed, sim);
                }
            }
            Event::Queue(q, QueueEvent::Timer) => self.queue_timer(q.index(), sim),
            Event::Topic(t, TopicEvent::RetentionCheck) => {
                self.topics[t.index()].on_retention(t, &mut self.consumers, sim)
            }
            Event::Consumer(c, ev) => self.consumer_event(c.index(), ev, sim),
            Event::Database(d, DatabaseEvent::Finish { generation }) => {
                self.db_finish(d, generation, sim)
            }
            Event::Database(d, DatabaseEvent::Up) => {
                self.databases[d.index()].on_up(d, &mut self.consumers, sim)
            }
            Event::Clients(k, ClientEvent::Arrival) => {
                self.clients[k.index()].on_arrival(k, sim);
                // An open loop's requests pile up when the service cannot keep up.
                self.guard_backlog(0, sim);
            }
            Event::Clients(
                k,
                ClientEvent::Timer {
                    request,
                    generation,
                },
            ) => self.clients[k.index()].on_timer(k, request, generation, sim),
            Event::Clients(
                k,
                ClientEvent::Wire {
                    request,
                    generation,
                    hop,
                },
            ) => {
                let to = client::Targets {
                    services: &mut self.services,
                    records: &mut self.records,
                };
                self.clients[k.index()].on_wire(k, request, generation, hop, to, sim)
            }
            Event::Service(s, ServiceEvent::Done { entry, generation }) => {
                self.services[s.index()].on_done(entry, generation, &mut self.clients, sim)
            }
            Event::PushCopy(copy, ev) => self.push_copy(copy, ev, sim),
            Event::Redrive(r) => self.redrive(r.index(), sim),
            Event::DatabaseOutage { window, starts } => {
                let d = self.outages[window as usize].0;
                let (callers, scratch) = (&mut self.consumers, &mut self.scratch_clients);
                self.databases[d.index()].on_outage(d, starts, callers, scratch, sim)
            }
            Event::ServiceOutage { window } => {
                let s = self.service_outages[window as usize].0;
                let scratch = &mut self.scratch_callers;
                self.services[s.index()].on_outage(&mut self.clients, scratch, sim)
            }
            Event::Warmup => self.reset_stats(sim.now()),
            // The run's sampler observes the world at its ticks; the engine
            // hands them to it, never here.
            Event::Sample | Event::Alarm(_) => {}
        }
    }
}

impl World {
    /// A producer's next message goes to the owner of its sink: the queue
    /// through the producer's own publish (the world then settles the
    /// queue), a topic or a push topic through theirs.
    fn produce(&mut self, p: ProducerId, sim: &mut Scheduler<Event>) {
        let pi = p.index();
        match self.producers[pi].p.sink {
            Sink::Push(_) => {
                self.publish_push(pi, sim);
                self.producers[pi].schedule_arrival(p, sim);
            }
            Sink::Topic(_) => {
                self.append_record(pi, sim.now(), Some(sim));
                self.producers[pi].schedule_arrival(p, sim);
            }
            Sink::Queue(q) => {
                let out = producer::Outlet {
                    arena: &mut self.arena,
                    queue: &mut self.queues[q.index()],
                    scratch: &mut self.scratch_pending,
                };
                if let Some(changed) = self.producers[pi].on_produce(p, out, sim) {
                    self.after_publish(changed, sim);
                }
            }
        }
    }

    /// The initial backlog: records already in topics and messages already
    /// waiting in queues at time 0. Returns the messages made (steps of work).
    pub fn seed_backlogs(&mut self) -> u64 {
        let mut steps = 0;
        for pi in 0..self.producers.len() {
            if let Sink::Topic(_) = self.producers[pi].p.sink {
                for _ in 0..self.producers[pi].p.initial_backlog {
                    self.append_record(pi, 0, None);
                }
                steps += self.producers[pi].p.initial_backlog;
            }
        }
        for p in &mut self.producers {
            if let Sink::Queue(q) = p.p.sink {
                steps += p.seed_queue(producer::Outlet {
                    arena: &mut self.arena,
                    queue: &mut self.queues[q.index()],
                    scratch: &mut self.scratch_pending,
                });
            }
        }
        steps
    }

    fn consumer_event(&mut self, ci: usize, ev: ConsumerEvent, sim: &mut Scheduler<Event>) {
        match ev {
            ConsumerEvent::Step { worker, generation } => {
                self.step(ci, worker.index(), generation, sim)
            }
            ConsumerEvent::Poll { worker } => self.poll(ci, worker.index(), None, sim),
            ConsumerEvent::Scale => self.scale(ci, sim),
            ConsumerEvent::MemberCrash { random } => {
                self.member_crash(ci, sim);
                if random {
                    self.consumers[ci].schedule_random_crash(sim);
                }
            }
            ConsumerEvent::Rebalanced => {
                let cx = log::Fetch {
                    topics: &self.topics,
                    arena: &mut self.arena,
                    record_copies: &mut self.record_copies,
                };
                self.consumers[ci].on_rebalanced(cx, sim)
            }
            ConsumerEvent::AutoCommit => self.consumers[ci].on_auto_commit(sim),
        }
    }
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
        for (c, cons) in self.consumers.iter().enumerate() {
            if cons.kind.poller().is_some() {
                evs.push((
                    consumer::poller::SCALE_TICK,
                    Event::Consumer(ConsumerId::of(c), ConsumerEvent::Scale),
                ));
            }
        }
        for (c, cons) in self.consumers.iter_mut().enumerate() {
            let Some(g) = cons.kind.group_mut() else {
                continue;
            };
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
    }
}
