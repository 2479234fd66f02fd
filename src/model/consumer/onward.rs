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

use crate::engine::{Rng, Scheduler, SimTime, from_secs, stream};
use crate::metrics::Latency;
use crate::model::Event;
use crate::model::consumer::{Consumer, Kind, Phase};
use crate::model::event::QueueId;
use crate::model::message::Message;
use crate::model::reach::Reach;
use crate::model::retry::Backoff;
use rand::RngExt;

/// What a stage publishes onward, and what it saw doing so.
pub struct Onward {
    pub queue: QueueId,
    pub messages: u32,
    pub fraction: f64,
    backoff: Backoff,
    /// Its own streams: a stage's fraction and backoff draws move nothing else.
    rng: Rng,
    backoff_rng: Rng,
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
}

impl Onward {
    pub fn new(
        name: &str,
        queue: QueueId,
        messages: u32,
        fraction: f64,
        backoff: Backoff,
        seed: u64,
        rep: u64,
    ) -> Onward {
        Onward {
            queue,
            messages,
            fraction,
            backoff,
            rng: stream(seed, &format!("consumer.{name}.publish"), rep),
            backoff_rng: stream(seed, &format!("consumer.{name}.publish.backoff"), rep),
            c: OnwardCounters::default(),
        }
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

impl Message {
    /// The first publish of the chain this message belongs to, for a queue's
    /// message published onward by a pipeline stage (`None`: it started its
    /// own chain when it was published). Meaningless for a fetched record or
    /// a push copy, whose `offset` is their own.
    pub fn lineage_start(&self) -> Option<SimTime> {
        self.offset.checked_sub(1)
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
        let parent = cx.arena.get(self.current(wi).slot);
        let start = parent.lineage_start().unwrap_or(parent.published);
        let (key, size) = (parent.key, parent.size);
        let q = self.onward.as_ref().expect("a pipeline stage").queue;
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

    /// Records the latency from the chain's first publish, for a message a
    /// stage before this one published. Only a queue's messages carry a
    /// lineage: a fetched record's or a push copy's `offset` is theirs.
    pub(crate) fn record_lineage(&mut self, m: &Message, now: SimTime) {
        if !matches!(
            self.kind,
            Kind::Pool | Kind::Prefetch { .. } | Kind::Poller(_)
        ) {
            return;
        }
        if let Some(start) = m.lineage_start() {
            self.lineage
                .get_or_insert_with(Latency::default)
                .record_at(now - start, now);
        }
    }
}
