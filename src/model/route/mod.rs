//! The router: hands each event to the component that owns it, lends the
//! handler what it may reach, and takes the steps the handler named for what
//! it may not (`effect.rs`), in the order they were named, each one's own steps
//! before the next. Where a conversation fans out — a queue serving its parked
//! receivers, a database answering the queries that finished, a topic waking
//! its readers — the router goes through them one by one, so that each one's
//! steps are over before the next one starts.
//!
//! By owner: `queue.rs` (settling a changed queue, its timer, a redrive),
//! `database.rs` (calls, kept connections, answers), `log.rs` (appends),
//! `push.rs` (a push topic's fan-out and its copies).

mod bus;
mod database;
mod kafka;
mod log;
mod push;
mod queue;
mod replicate;

use crate::engine::{Model, Scheduler};
use crate::model::consumer::Consumer;
use crate::model::effect::Effect;
use crate::model::event::*;
use crate::model::producer::{self, Sink};
use crate::model::reach::Reach;
use crate::model::{Event, World, client};

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
                    blobs: &mut self.blob_stores,
                };
                if let Some(changed) = self.producers[p.index()].on_retry(p, out, sim) {
                    self.after_publish(changed.queue(), sim);
                }
            }
            Event::Producer(p, ProducerEvent::Flush { generation }) => {
                let Sink::Queue(q) = self.producers[p.index()].p.sink else {
                    unreachable!("a send batch on a producer to a topic")
                };
                let mut out = producer::Outlet {
                    arena: &mut self.arena,
                    queue: &mut self.queues[q.index()],
                    scratch: &mut self.scratch_pending,
                    blobs: &mut self.blob_stores,
                };
                let now = sim.now();
                if let Some(changed) =
                    self.producers[p.index()].on_linger(generation, &mut out, now)
                {
                    self.after_publish(changed.queue(), sim);
                }
            }
            Event::Producer(p, ProducerEvent::Kafka) => self.kafka_timer(p, sim),
            Event::Queue(q, QueueEvent::Timer) => self.queue_timer(q.index(), sim),
            Event::Topic(t, TopicEvent::RetentionCheck) => {
                self.topics[t.index()].on_retention(t, &mut self.consumers, sim)
            }
            Event::Topic(t, TopicEvent::Compact) => {
                self.topics[t.index()].on_compaction(t, &mut self.consumers, sim)
            }
            Event::Topic(t, ev) => self.on_replication(t, ev, sim),
            Event::Consumer(c, ev) => {
                self.on_consumer(c.index(), sim, |c, cx, sim| c.on_event(ev, cx, sim))
            }
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
                    queues: &mut self.queues,
                    arena: &mut self.arena,
                    jobs: &mut self.jobs,
                };
                let submitted =
                    self.clients[k.index()].on_wire(k, request, generation, hop, to, sim);
                if let Some(changed) = submitted {
                    self.after_publish(changed.queue(), sim);
                }
            }
            Event::Service(s, ServiceEvent::Done { entry, generation }) => {
                self.services[s.index()].on_done(entry, generation, &mut self.clients, sim)
            }
            Event::PushCopy(copy, ev) => self.push_copy(copy, ev, sim),
            Event::Bus(b, BusEvent::Retry { entry }) => self.bus_retry(b, entry, sim),
            Event::Redrive(r) => self.redrive(r.index(), sim),
            Event::Blob(b, BlobEvent::Expire) => self.blob_stores[b.index()].on_expire(sim),
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
        if !self.overflow_dlq.is_empty() {
            self.dead_letter_overflow(Some(sim));
        }
        if let Some(pointers) = self.arena.take_released_pointers() {
            self.payloads_released(&pointers, sim.now());
            self.arena.return_pointers(pointers);
        }
        debug_assert_eq!(self.effects.mark(), 0, "a step left untaken");
    }
}

impl World {
    /// Whether producer `pi`'s topic, push topic or bus takes a message of
    /// `size` bytes: above its `max_message_bytes` it is refused (Kafka's
    /// RecordTooLargeException, SNS's and EventBridge's validation error),
    /// counted by the producer and never retried. A queue keeps its own
    /// limit (`Queue::too_large`), which meets its overflow policy.
    pub(super) fn sink_admits(&mut self, pi: usize, size: u32) -> bool {
        let gate = match self.producers[pi].p.sink {
            Sink::Topic(t) => &mut self.topics[t.index()].size_gate,
            Sink::Push(t) => &mut self.pushes[t.index()].size_gate,
            Sink::Bus(b) => &mut self.buses[b.index()].size_gate,
            Sink::Queue(_) => return true,
        };
        let admitted = gate.admits(size);
        if !admitted {
            self.producers[pi].c.too_large += 1;
        }
        admitted
    }

    /// Messages that left the system: their payloads' stores learn it (an
    /// unprocessed one's object becomes an orphan).
    fn payloads_released(&mut self, pointers: &[u64], now: crate::engine::SimTime) {
        for &p in pointers {
            if let Some((store, _, _)) = crate::model::blob_store::unpack(p) {
                self.blob_stores[store.index()].released(p, now);
            }
        }
    }

    /// The consumers' table, and what a consumer's handler is lent.
    fn lend(&mut self) -> (&mut [Consumer], Reach<'_>) {
        let cx = Reach {
            arena: &mut self.arena,
            queues: &mut self.queues,
            topics: &self.topics,
            record_copies: &mut self.record_copies,
            apis: &mut self.apis,
            databases: &mut self.databases,
            account_running: &mut self.account_running,
            account_limit: self.account_limit,
            applied_more_than_once: &mut self.applied_more_than_once,
            set_aside: &mut self.scratch_dlq,
            jobs: &mut self.jobs,
            blobs: &mut self.blob_stores,
            next: &mut self.effects,
        };
        (&mut self.consumers, cx)
    }

    /// Runs a handler of consumer `ci`, then the steps it named, in order.
    #[inline]
    fn on_consumer(
        &mut self,
        ci: usize,
        sim: &mut Scheduler<Event>,
        handler: impl FnOnce(&mut Consumer, &mut Reach<'_>, &mut Scheduler<Event>),
    ) {
        let mark = self.effects.mark();
        let (consumers, mut cx) = self.lend();
        handler(&mut consumers[ci], &mut cx, sim);
        self.effects.in_order_since(mark);
        while let Some(step) = self.effects.next_since(mark) {
            self.take(step, sim);
        }
    }

    /// Takes one step a handler named.
    fn take(&mut self, step: Effect, sim: &mut Scheduler<Event>) {
        match step {
            Effect::Settle(q) => self.settle(q.index(), sim),
            Effect::Push(q) => self.push(q.index(), sim),
            Effect::CallDatabase {
                consumer,
                worker,
                database,
            } => self.call_database(consumer.index(), worker.index(), database, sim),
            Effect::ReleaseConnection { consumer, worker } => {
                self.release_connection(consumer.index(), worker.index(), sim)
            }
            Effect::DeadLetterRecord { consumer, worker } => {
                self.dead_letter_record(consumer.index(), worker.index(), sim)
            }
            Effect::Forward { consumer } => self.forward(consumer.index(), sim),
            Effect::JobDone(job) => {
                let done = client::Answer::Done;
                let k = job.clients;
                self.clients[k.index()].answer(k, job.request, job.generation, done, 0, sim)
            }
            Effect::Resume {
                consumer,
                worker,
                then,
            } => self.on_consumer(consumer.index(), sim, |c, cx, sim| {
                c.resume(worker.index(), then, cx, sim)
            }),
        }
    }

    /// What pipeline stage `ci` published to a push topic or a bus, fanned
    /// out in the order it was published.
    fn forward(&mut self, ci: usize, sim: &mut Scheduler<Event>) {
        let o = self.consumers[ci]
            .onward
            .as_mut()
            .expect("a pipeline stage");
        let (sink, keyed) = (o.sink, o.keyed);
        let mut out = std::mem::take(&mut o.forward);
        for m in out.drain(..) {
            match sink {
                Sink::Push(t) => self.fan_out_push(t.index(), m, sim),
                Sink::Bus(b) => self.publish_bus(b.index(), m, sim),
                Sink::Topic(t) => self.append_onward(t.index(), &m, keyed, sim),
                Sink::Queue(_) => unreachable!("a queue's stage publishes itself"),
            }
        }
        // The buffer's room is kept for the next publish.
        let o = self.consumers[ci]
            .onward
            .as_mut()
            .expect("a pipeline stage");
        if o.forward.is_empty() {
            o.forward = out;
        }
    }

    /// A producer's next message goes to the owner of its sink: the queue
    /// through the producer's own publish (the router then settles the
    /// queue), a topic or a push topic through theirs.
    fn produce(&mut self, p: ProducerId, sim: &mut Scheduler<Event>) {
        let pi = p.index();
        match self.producers[pi].p.sink {
            Sink::Push(_) => {
                self.publish_push(pi, sim);
                self.producers[pi].schedule_arrival(p, sim);
            }
            Sink::Bus(b) => {
                let producer = &mut self.producers[pi];
                let m = producer.make_message(sim.now(), 0);
                if self.sink_admits(pi, m.size) {
                    self.producers[pi].c.produced += 1;
                    self.publish_bus(b.index(), m, sim);
                }
                self.producers[pi].schedule_arrival(p, sim);
            }
            Sink::Topic(_) if self.producers[pi].kafka.is_some() => {
                self.kafka_send(pi, sim);
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
                    blobs: &mut self.blob_stores,
                };
                if let Some(changed) = self.producers[pi].on_produce(p, out, sim) {
                    self.after_publish(changed.queue(), sim);
                }
            }
        }
    }

    /// The initial backlog: records already in topics and messages already
    /// waiting in queues at time 0. Returns the messages made (steps of work).
    pub fn seed_backlogs(&mut self) -> u64 {
        let mut steps = 0;
        // The queues' backlogs take their slots at once: reserved, since the
        // arena's vector grown by doubling could leave up to half unused.
        let queued: u64 = (self.producers.iter())
            .filter(|p| matches!(p.p.sink, Sink::Queue(_)))
            .map(|p| p.p.initial_backlog)
            .sum();
        self.arena
            .reserve(usize::try_from(queued.min(self.max_backlog)).unwrap_or(usize::MAX));
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
                    blobs: &mut self.blob_stores,
                });
            }
        }
        // A full queue's overflow of the backlog reaches its DLQ before the run.
        self.dead_letter_overflow(None);
        steps
    }
}
