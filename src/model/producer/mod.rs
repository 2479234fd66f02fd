//! Producers: an arrival process (Poisson or evenly spaced) following a rate
//! profile, and the attributes of each message (size, key with Zipf skew, poison,
//! cost). Arrival times and attributes use separate streams, so changing the
//! poison rate does not move a single arrival.

pub mod batch;
mod claim;
pub mod kafka;
mod ledger;
mod observe;
mod produce;
mod publish;
pub mod summary;

pub use claim::ClaimCheck;
pub(crate) use produce::Outlet;

use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::model::arrivals::ArrivalProcess;
use crate::model::dist::Dist;
use crate::model::event::{BusId, PushId, QueueId, TopicId};
use crate::model::message::Message;
use crate::model::profile::Profile;
use crate::model::retry::Backoff;
use crate::scenario::{Acks, Arrivals, OnFull, PublishConfig};
use rand::RngExt;
use rand_distr::{Distribution, Zipf};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Where a producer's messages go: exactly one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    Queue(QueueId),
    /// Records appended to a topic of the partitioned log.
    Topic(TopicId),
    /// Publishes fanned out by a push topic.
    Push(PushId),
    /// Events routed by a bus's rules.
    Bus(BusId),
}

pub struct ProducerParams {
    pub name: String,
    pub sink: Sink,
    pub arrivals: Arrivals,
    /// The first arrival at `start_s` itself.
    pub first_at_start: bool,
    pub profile: Profile,
    pub start_s: f64,
    pub stop_s: f64,
    pub initial_backlog: u64,
    pub size_bytes: u32,
    pub keys: u32,
    pub key_parts: u32,
    pub zipf: Option<Zipf<f64>>,
    pub poison_probability: f64,
    /// A compacted topic's producer: the share of tombstones (deletes).
    pub tombstone_probability: f64,
    pub cost: Option<Dist>,
    /// Retries of refused publishes from a bounded buffer (queue producers).
    pub publish: Option<PublishConfig>,
    /// What a replicated topic's leader waits for before acknowledging.
    pub acks: Acks,
    /// Sizes drawn per message, bytes (instead of `size_bytes`).
    pub size: Option<Dist>,
    /// Payloads above a threshold go to a blob store (`claim.rs`).
    pub claim: Option<claim::ClaimCheck>,
}

#[derive(Clone, Debug, Default)]
pub struct ProducerCounters {
    /// Accepted by the queue.
    pub produced: u64,
    pub rejected: u64,
    /// Poison messages among all sent (accepted or not).
    pub poison: u64,
    /// Messages made, whatever became of them.
    pub made: u64,
    /// Refused for their size (larger than the queue's limit).
    pub too_large: u64,
    /// Payloads put in a blob store, a pointer sent instead.
    pub claim_checks: u64,
    /// Bytes of the messages made (payloads, before any claim check).
    pub payload_bytes: u64,
    /// Tombstones appended to a compacted topic.
    pub tombstones: u64,
}

pub struct Producer {
    pub p: ProducerParams,
    arrivals: ArrivalProcess,
    /// One stream per attribute: turning poison on does not move keys or costs.
    keys_rng: Rng,
    poison_rng: Rng,
    cost_rng: Rng,
    /// Drawn from only when sizes vary: a constant size draws nothing.
    size_rng: Rng,
    /// Exists only with tombstones: a producer without them draws nothing new.
    tombstone_rng: Option<Rng>,
    pub c: ProducerCounters,
    /// Refused publishes waiting for their retry, with a policy.
    pub buffer: Option<PublishBuffer>,
    /// SendMessageBatch's open batch (`[producer.batch]`).
    pub batch: Option<batch::SendBatch>,
    /// Kafka's producer client (`[producer.kafka]`).
    pub kafka: Option<kafka::KafkaProducer>,
    /// Its messages draw an attribute (a size, a key, poison, a cost): fixed
    /// at build, so that a producer drawing none pays one test a message.
    draws: bool,
}

/// A message waiting in the buffer for its next publish attempt.
pub struct Pending {
    pub due: SimTime,
    seq: u64,
    /// Attempts made so far (≥ 1: the first was refused).
    pub attempts: u32,
    pub m: Message,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        (self.due, self.seq) == (o.due, o.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    /// Reversed: the max-heap yields the earliest due, then the first buffered.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.due, o.seq).cmp(&(self.due, self.seq))
    }
}

#[derive(Clone, Debug, Default)]
pub struct PublishCounters {
    /// Publish attempts refused by the queue (first attempts and retries).
    pub refusals: u64,
    /// Retry attempts made from the buffer (accepted or not).
    pub retries: u64,
    /// New messages lost because the buffer was full (`on_full = "drop"`).
    pub dropped_full: u64,
    /// Messages lost after `attempts` refused attempts.
    pub gave_up: u64,
    /// Messages lost with the buffer when the producer crashed.
    pub lost_at_crash: u64,
    /// Arrivals not generated while the producer was blocked.
    pub blocked: u64,
    /// Time spent blocked, nanoseconds (the current block not included).
    pub blocked_ns: SimTime,
    pub peak_buffered: u64,
}

/// The producer's buffer of unsent messages and what it does when full.
pub struct PublishBuffer {
    pub cfg: PublishConfig,
    backoff: Backoff,
    rng: Rng,
    heap: BinaryHeap<Pending>,
    seq: u64,
    /// The message a blocked producer holds until the buffer has room.
    pub held: Option<Message>,
    pub blocked_since: Option<SimTime>,
    pub crashed_at: Option<SimTime>,
    /// The retry timer's time, when one is scheduled.
    pub timer_at: Option<SimTime>,
    pub c: PublishCounters,
}

impl PublishBuffer {
    pub fn new(cfg: PublishConfig, rng: Rng) -> Self {
        PublishBuffer {
            backoff: Backoff::new(&cfg.policy()),
            cfg,
            rng,
            heap: BinaryHeap::new(),
            seq: 0,
            held: None,
            blocked_since: None,
            crashed_at: None,
            timer_at: None,
            c: PublishCounters::default(),
        }
    }

    /// Messages held: the buffer, and a blocked producer's message in hand.
    pub fn held_messages(&self) -> u64 {
        self.heap.len() as u64 + u64::from(self.held.is_some())
    }

    pub fn has_room(&self) -> bool {
        self.heap.len() < self.cfg.buffer as usize
    }

    /// Messages lost at the producer: buffer full, attempts exhausted, crash.
    pub fn lost(&self) -> u64 {
        self.c.dropped_full + self.c.gave_up + self.c.lost_at_crash
    }

    /// Time blocked up to `now`, seconds.
    pub fn blocked_s(&self, now: SimTime) -> f64 {
        let current = self.blocked_since.map_or(0, |t| now.saturating_sub(t));
        crate::engine::to_secs(self.c.blocked_ns + current)
    }

    /// Records a refused attempt (`attempts` made so far, the refused one
    /// included): the message waits for its next attempt, or is given up.
    /// Gives the message back when the buffer has no room (the caller decides).
    pub fn refused(&mut self, mut m: Message, attempts: u32, now: SimTime) -> Result<(), Message> {
        self.c.refusals += 1;
        if attempts >= self.cfg.attempts {
            self.c.gave_up += 1;
            return Ok(());
        }
        if !self.has_room() {
            return Err(m);
        }
        let prev = f64::from(m.backoff_prev_s);
        let d = self.backoff.delay_s(attempts - 1, prev, &mut self.rng);
        m.backoff_prev_s = d as f32;
        self.seq += 1;
        self.heap.push(Pending {
            due: now + from_secs(d),
            seq: self.seq,
            attempts,
            m,
        });
        self.c.peak_buffered = self.c.peak_buffered.max(self.heap.len() as u64);
        Ok(())
    }

    /// A publish refused for a reason no retry changes (too large for the
    /// queue): the message is given up at once.
    pub fn refused_for_good(&mut self) {
        self.c.refusals += 1;
        self.c.gave_up += 1;
    }

    /// A new message's first attempt was refused: it waits in the buffer, or,
    /// the buffer full, `on_full` decides.
    pub fn refused_new(&mut self, m: Message, now: SimTime) {
        let Err(m) = self.refused(m, 1, now) else {
            return;
        };
        match self.cfg.on_full {
            OnFull::Drop => self.c.dropped_full += 1,
            OnFull::Block => {
                self.held = Some(m);
                self.blocked_since = Some(now);
            }
            OnFull::Crash => {
                self.held = Some(m);
                self.crash(now);
            }
        }
    }

    /// The earliest retry due.
    pub fn next_due(&self) -> Option<SimTime> {
        self.heap.peek().map(|p| p.due)
    }

    /// Takes every message due by `now` into `out`.
    pub fn take_due(&mut self, now: SimTime, out: &mut Vec<Pending>) {
        while self.heap.peek().is_some_and(|p| p.due <= now) {
            out.push(self.heap.pop().expect("peeked"));
        }
    }

    /// Out of memory: the buffer and the message in hand are lost.
    pub fn crash(&mut self, now: SimTime) {
        self.c.lost_at_crash += self.held_messages();
        self.heap.clear();
        self.held = None;
        self.crashed_at = Some(now);
        if let Some(t) = self.blocked_since.take() {
            self.c.blocked_ns += now - t;
        }
    }
}

impl Producer {
    pub fn new(p: ProducerParams, seed: u64, rep: u64) -> Producer {
        Producer {
            arrivals: ArrivalProcess::new(
                p.arrivals,
                p.profile.clone(),
                p.start_s,
                p.stop_s,
                stream(seed, &format!("producer.{}.arrivals", p.name), rep),
            )
            .first_at_start(p.first_at_start),
            keys_rng: stream(seed, &format!("producer.{}.keys", p.name), rep),
            poison_rng: stream(seed, &format!("producer.{}.poison", p.name), rep),
            cost_rng: stream(seed, &format!("producer.{}.cost", p.name), rep),
            size_rng: stream(seed, &format!("producer.{}.size", p.name), rep),
            tombstone_rng: (p.tombstone_probability > 0.0)
                .then(|| stream(seed, &format!("producer.{}.tombstones", p.name), rep)),
            buffer: p.publish.clone().map(|cfg| {
                PublishBuffer::new(
                    cfg,
                    stream(seed, &format!("producer.{}.retry", p.name), rep),
                )
            }),
            draws: p.size.is_some()
                || p.zipf.is_some()
                || p.poison_probability > 0.0
                || p.cost.is_some(),
            p,
            c: ProducerCounters::default(),
            batch: None,
            kafka: None,
        }
    }

    /// Messages this producer made (for a queue producer: accepted, rejected,
    /// held in its buffer, or lost at the producer; for a producer to a
    /// topic, push topic or bus: accepted, or refused as too large).
    pub fn messages(&self) -> u64 {
        // A queue's refusals for size are among its rejections already.
        let refused_for_size = match self.p.sink {
            Sink::Queue(_) => 0,
            _ => self.c.too_large,
        };
        self.c.produced
            + self.c.rejected
            + refused_for_size
            + self.batch.as_ref().map_or(0, |b| b.held())
            + self.kafka.as_ref().map_or(0, |k| {
                let c = &k.c;
                k.held() + c.buffer_full_errors + c.delivery_timeouts + c.retries_exhausted
            })
            + self
                .buffer
                .as_ref()
                .map_or(0, |b| b.held_messages() + b.lost())
    }

    /// Its messages' sizes vary, or it claim-checks them.
    pub fn sized(&self) -> bool {
        self.p.size.is_some() || self.p.claim.is_some()
    }

    /// The next arrival time, or None when the producer is done.
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        self.arrivals.next_time()
    }

    /// A new message with this producer's attributes; `queue` set by the caller.
    /// Inlined: made in its caller's frame, the message is not copied into
    /// the publish's argument (88 bytes a publish) and the call costs no frame.
    #[inline(always)]
    pub fn make_message(&mut self, now: SimTime, queue: u16) -> Message {
        let mut m = Message::new(now, queue);
        self.c.made += 1;
        m.size = self.p.size_bytes;
        if self.draws {
            if let Some(d) = &self.p.size {
                // Rounded to whole bytes, at least one, within the field.
                m.size = d
                    .sample(&mut self.size_rng)
                    .round()
                    .clamp(1.0, f64::from(u32::MAX)) as u32;
            }
            if let Some(z) = &self.p.zipf {
                m.key = (z.sample(&mut self.keys_rng) as u32).saturating_sub(1);
                if self.p.key_parts > 1 {
                    m.key =
                        m.key * self.p.key_parts + self.keys_rng.random_range(0..self.p.key_parts);
                }
            }
            if self.p.poison_probability > 0.0 {
                m.poison = self.poison_rng.random_bool(self.p.poison_probability);
                self.c.poison += u64::from(m.poison);
            }
            if let Some(c) = &self.p.cost {
                m.cost = c.sample(&mut self.cost_rng) as f32;
            }
        }
        self.c.payload_bytes += u64::from(m.size);
        m
    }

    /// Whether its next record is a tombstone (a compacted topic's delete).
    pub fn draw_tombstone(&mut self) -> bool {
        let Some(rng) = self.tombstone_rng.as_mut() else {
            return false;
        };
        let t = rng.random_bool(self.p.tombstone_probability);
        self.c.tombstones += u64::from(t);
        t
    }
}
