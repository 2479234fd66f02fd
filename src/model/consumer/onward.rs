//! A pipeline stage (`[consumer.publish]`): after its side effect, a worker
//! publishes onward to the next stage's queue, then acknowledges what it
//! processed. A refusal (the next queue is full) keeps the worker on the
//! message — it retries after a backoff, holding its slot — so that a slow
//! stage downstream fills its bounded queue, then stalls the stage before it,
//! whose own backlog grows: backpressure, as a RabbitMQ publisher blocked by
//! a full queue (`x-overflow = reject-publish`) or an SQS sender retrying.
//!
//! Lineage: an onward message carries the first publish time of the message
//! that started its chain in `Message::offset` (unused by a queue's message;
//! `published` stays the time it entered its own queue, which SQS retention
//! and FIFO group order read), so each later stage measures its latency from
//! the pipeline's first publish. In the ledger an onward message is a new
//! arrival of the next queue; its parent is done when it is deleted.
//!
//! The write and the publish are two steps (`delivery = "dual_write"`): a
//! crash between them leaves the database and the stream disagreeing. With
//! the write first, the write is applied and its event is owed
//! (`Message::owes_event`); the input was not acknowledged, so the queue
//! redelivers it, and what happens then depends on the handler: one that
//! recognises the work as done (an idempotency record completed with the
//! write) skips it and the event is lost; one that does it again writes
//! twice and publishes late. With the publish first, a crash (or a failure)
//! after the publish leaves an event without its write, and the redelivery
//! publishes it again. The outbox (`outbox.rs`) commits the event with the
//! write and leaves the publish to a relay: nothing to lose.

use crate::engine::{Rng, Scheduler, SimTime, from_secs, stream};
use crate::metrics::Latency;
use crate::model::Event;
use crate::model::consumer::outbox::Outbox;
use crate::model::consumer::{Consumer, Phase};
use crate::model::dist::{Dist, DistError};
use crate::model::effect::Effect;
use crate::model::message::Message;
use crate::model::producer::Sink;
use crate::model::reach::Reach;
use crate::model::retry::Backoff;
use crate::scenario::{Delivery, OnwardConfig, WriteOrder};
use rand::RngExt;

/// What a stage publishes onward, and what it saw doing so.
pub struct Onward {
    /// The next stage: a queue (which may refuse), or a push topic or a bus
    /// (which take everything; the router fans it out).
    pub sink: Sink,
    /// Messages for a push topic or a bus, until the router takes them.
    pub(crate) forward: Vec<Message>,
    pub messages: u32,
    pub fraction: f64,
    pub(crate) backoff: Backoff,
    /// Its own streams: a stage's fraction and backoff draws move nothing else.
    rng: Rng,
    pub(crate) backoff_rng: Rng,
    /// A dual write's order (an outbox always commits with the write).
    pub order: WriteOrder,
    /// A dual write's publish time (`None`: instantaneous), on its own stream.
    publish: Option<Dist>,
    publish_rng: Rng,
    /// Its input's messages carry keys: a log topic partitions its records
    /// by them (else round-robin).
    pub keyed: bool,
    /// `delivery = "outbox"`: the table and its relay.
    pub outbox: Option<Outbox>,
    pub c: OnwardCounters,
}

#[derive(Clone, Debug, Default)]
pub struct OnwardCounters {
    /// Messages the next queue accepted.
    pub published: u64,
    /// Publish attempts it refused (each was retried).
    pub refusals: u64,
    /// Time workers spent waiting to retry a refused publish, holding their
    /// slot (nanoseconds; the waits scheduled).
    pub held_ns: SimTime,
    /// Dual write, write first: crashes that caught a worker between its
    /// write and its publish (each a write whose event is owed).
    pub writes_without_event: u64,
    /// Owed events a redelivery published after all.
    pub events_late: u64,
    /// Owed events whose redelivery was skipped as already done: never
    /// published.
    pub events_lost: u64,
    /// Dual write, publish first: events out whose write did not follow (a
    /// crash or a failure after the publish).
    pub events_without_write: u64,
    /// Events published again for a message whose event was already out
    /// (a redelivery of a message processed before).
    pub duplicate_events: u64,
}

impl Onward {
    pub fn new(
        name: &str,
        sink: Sink,
        o: &OnwardConfig,
        seed: u64,
        rep: u64,
    ) -> Result<Onward, DistError> {
        let outbox = match o.delivery {
            Delivery::DualWrite => None,
            Delivery::Outbox => Some(Outbox::new(name, o, seed, rep)?),
        };
        Ok(Onward {
            sink,
            forward: vec![],
            keyed: false,
            messages: o.messages,
            fraction: o.fraction,
            backoff: Backoff::new(&o.policy()),
            rng: stream(seed, &format!("consumer.{name}.publish"), rep),
            backoff_rng: stream(seed, &format!("consumer.{name}.publish.backoff"), rep),
            order: o.order,
            publish: o.publish_s.as_ref().map(Dist::new).transpose()?,
            publish_rng: stream(seed, &format!("consumer.{name}.publish.latency"), rep),
            outbox,
            c: OnwardCounters::default(),
        })
    }

    /// A dual write publishing before its write.
    #[inline]
    pub fn publishes_first(&self) -> bool {
        self.outbox.is_none() && self.order == WriteOrder::PublishThenWrite
    }

    /// A dual write whose publish takes time (`publish_s`).
    pub fn has_publish_time(&self) -> bool {
        self.publish.is_some()
    }

    /// How long this publish takes (0 without `publish_s`).
    fn draw_publish(&mut self) -> SimTime {
        self.publish
            .as_ref()
            .map_or(0, |d| from_secs(d.sample(&mut self.publish_rng).max(0.0)))
    }

    /// How many messages this processing publishes onward.
    fn draw_count(&mut self) -> u32 {
        if self.fraction >= 1.0 || self.rng.random_bool(self.fraction.max(0.0)) {
            self.messages
        } else {
            0
        }
    }
}

impl Consumer {
    /// The message's side effect is applied: how many messages it publishes
    /// onward (0 without `[consumer.publish]`).
    pub(crate) fn onward_count(&mut self) -> u32 {
        self.onward.as_mut().map_or(0, Onward::draw_count)
    }

    /// Publishes what the worker still owes the next stage; true when all are
    /// accepted. A refusal schedules a retry after the backoff, the worker
    /// holding its slot and its message.
    pub(crate) fn publish_onward(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) -> bool {
        let now = sim.now();
        let parent_slot = self.current(wi).slot;
        let parent = cx.arena.get(parent_slot);
        let start = cx
            .arena
            .lineage_start(parent_slot)
            .unwrap_or(parent.published);
        let (key, size) = (parent.key, parent.size);
        let Sink::Queue(q) = self.onward.as_ref().expect("a pipeline stage").sink else {
            return self.forward_onward(wi, start, now, cx);
        };
        while self.workers[wi].onward_left > 0 {
            let mut m = Message::new(now, q.0);
            m.key = key;
            m.size = size;
            m.offset = start + 1;
            let (outcome, changed) = cx.queues[q.index()].try_publish(cx.arena, m, now);
            let o = self.onward.as_mut().expect("a pipeline stage");
            let w = &mut self.workers[wi];
            if outcome.is_ok() {
                o.c.published += 1;
                w.onward_left -= 1;
                // The next stage's parked receivers are another consumer's:
                // the router serves them.
                cx.settle(changed);
                if w.onward_left == 0 {
                    let parent = cx.arena.get_mut(w.batch[w.pos].slot);
                    if parent.event_sent() {
                        o.c.duplicate_events += 1;
                    }
                    if parent.owes_event() {
                        parent.set_owes_event(false);
                        o.c.events_late += 1;
                    }
                    parent.set_event_sent();
                }
                continue;
            }
            changed.refused();
            o.c.refusals += 1;
            let d = o
                .backoff
                .delay_s(w.attempt, w.backoff_prev, &mut o.backoff_rng);
            w.attempt = w.attempt.saturating_add(1);
            w.backoff_prev = d;
            let wait = from_secs(d);
            o.c.held_ns += wait;
            self.schedule_step(wi, Phase::Onward, wait, sim);
            return false;
        }
        true
    }

    /// Publishes what the worker owes to a push topic or a bus: taken at
    /// once (the router fans the messages out when this handler is done).
    fn forward_onward(
        &mut self,
        wi: usize,
        start: SimTime,
        now: SimTime,
        cx: &mut Reach<'_>,
    ) -> bool {
        let w = &mut self.workers[wi];
        let o = self.onward.as_mut().expect("a pipeline stage");
        let parent = cx.arena.get_mut(w.batch[w.pos].slot);
        for _ in 0..w.onward_left {
            let mut m = Message::new(now, 0);
            m.key = parent.key;
            m.size = parent.size;
            m.offset = start + 1;
            o.forward.push(m);
        }
        if w.onward_left > 0 {
            o.c.published += u64::from(w.onward_left);
            w.onward_left = 0;
            if parent.event_sent() {
                o.c.duplicate_events += 1;
            }
            if parent.owes_event() {
                parent.set_owes_event(false);
                o.c.events_late += 1;
            }
            parent.set_event_sent();
            cx.next.push(Effect::Forward { consumer: self.id });
        }
        true
    }

    /// The publish the worker owed is accepted: a dual write publishing
    /// first goes on to its work, one publishing after acknowledges.
    pub(crate) fn published(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let w = &mut self.workers[wi];
        if w.ahead {
            w.attempt = 0;
            w.backoff_prev = 0.0;
            let slot = w.batch[w.pos].slot;
            let s = self.draw_processing_s(cx.arena.get(slot).cost);
            return self.schedule_step(wi, Phase::Compute, from_secs(s), sim);
        }
        self.finish_message(wi, true, cx, sim);
    }

    /// The write is applied (`applied`: not skipped as done before; `first`:
    /// its first application). Returns true when the worker may acknowledge
    /// at once; false when a publish goes on (it steps later).
    pub(crate) fn after_write(
        &mut self,
        wi: usize,
        applied: bool,
        first: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) -> bool {
        let slot = self.current(wi).slot;
        let Some(o) = self.onward.as_mut() else {
            return true;
        };
        if !applied {
            // Skipped as done: an owed event is never published now.
            let m = cx.arena.get_mut(slot);
            if m.owes_event() {
                m.set_owes_event(false);
                o.c.events_lost += 1;
            }
            return true;
        }
        if o.outbox.is_some() {
            // The rows commit with the write; one per input (keyed by its id),
            // so a second application adds none.
            if first {
                let n = self.onward_count();
                let m = cx.arena.get(slot);
                let start = cx.arena.lineage_start(slot).unwrap_or(m.published);
                let (key, size) = (m.key, m.size);
                self.commit_rows(n, key, size, start, sim);
            }
            return true;
        }
        if o.publishes_first() {
            self.workers[wi].ahead = false;
            return true;
        }
        self.workers[wi].onward_left = self.onward_count();
        self.start_publish(wi, cx, sim)
    }

    /// Sends the publish the worker owes: at once without `publish_s`, else
    /// it steps when the broker answers. True when all were accepted now.
    pub(crate) fn start_publish(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) -> bool {
        let o = self.onward.as_mut().expect("a pipeline stage");
        if o.publish.is_some() && self.workers[wi].onward_left > 0 {
            let d = o.draw_publish();
            self.schedule_step(wi, Phase::Onward, d, sim);
            return false;
        }
        self.publish_onward(wi, cx, sim)
    }

    /// A dual write publishing first: the publish goes before the work (it
    /// steps when the broker answers). False for any other stage. Inlined:
    /// every message of every consumer asks, and for most the check is all.
    #[inline]
    pub(crate) fn publish_before_write(&mut self, wi: usize, sim: &mut Scheduler<Event>) -> bool {
        if !self.onward.as_ref().is_some_and(|o| o.publishes_first()) {
            return false;
        }
        self.publish_first(wi, sim);
        true
    }

    fn publish_first(&mut self, wi: usize, sim: &mut Scheduler<Event>) {
        let o = self.onward.as_mut().expect("a stage publishing first");
        let n = o.draw_count();
        let d = if n > 0 { o.draw_publish() } else { 0 };
        let w = &mut self.workers[wi];
        w.onward_left = n;
        w.ahead = true;
        self.schedule_step(wi, Phase::Onward, d, sim);
    }

    /// A crash stops worker `wi` where it is: a write whose event it had not
    /// yet published owes that event; an event published before a write that
    /// did not happen is counted.
    pub(crate) fn crash_between(&mut self, wi: usize, cx: &mut Reach<'_>) {
        let Some(o) = self.onward.as_mut() else {
            return;
        };
        let w = &self.workers[wi];
        if o.outbox.is_some() || w.batch.is_empty() {
            return;
        }
        let m = cx.arena.get_mut(w.batch[w.pos].slot);
        if w.ahead {
            if w.phase != Phase::Onward {
                o.c.events_without_write += 1;
            }
        } else if w.phase == Phase::Onward && w.onward_left > 0 {
            o.c.writes_without_event += 1;
            m.set_owes_event(true);
        }
    }

    /// Records the latency from the chain's first publish, for a message a
    /// stage before this one published (into a queue, a push topic's or a
    /// bus's queue, or a log topic).
    pub(crate) fn record_lineage(&mut self, start: Option<SimTime>, now: SimTime) {
        if let Some(start) = start {
            self.lineage
                .get_or_insert_with(Latency::default)
                .record_at(now - start, now);
        }
    }
}
