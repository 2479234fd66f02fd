//! Kafka's producer client (`[producer.kafka]`) on a producer to a topic:
//! `send()` puts a record in its partition's batch (`accumulator.rs`); a
//! batch goes out when full (`batch.size`) or when `linger.ms` has passed;
//! at most `max.in.flight.requests.per.connection` requests are outstanding
//! on the producer's one connection (one connection per producer: every
//! partition's leader on one broker, or one request at a time per broker
//! under the same limit); a failed request is sent again after
//! `retry.backoff.ms` (`sender.rs`). With the idempotent producer the broker
//! keeps each partition's sequence (`sequence.rs`): order holds and the
//! duplicates of a lost response are dropped; without it a retried batch can
//! land behind a later one, and a duplicate is appended.
//!
//! A record's published time stays its `send()`: the time it lingers and
//! its request's trip are part of its end-to-end latency. A request carries
//! one batch (Kafka packs the ready batches of the partitions led by one
//! broker into one request: the same with one partition).

mod accumulator;
mod ledger;
mod sender;
mod sequence;
pub mod summary;

pub use accumulator::Outcome;
pub use sequence::Check;

use crate::engine::{Rng, SimTime, from_secs};
use crate::model::consumer::key_order::KeyOrder;
use crate::model::dist::Dist;
use crate::model::log::Record;
use crate::scenario::KafkaProducerConfig;
use accumulator::{Accumulator, Waiting};
use sequence::Sequences;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

fn ms(v: f64) -> SimTime {
    from_secs(v / 1000.0)
}

pub struct KafkaParams {
    pub batch_size: u64,
    pub linger: SimTime,
    pub max_in_flight: u32,
    pub idempotence: bool,
    pub retries: u32,
    pub retry_backoff: SimTime,
    pub request_timeout: SimTime,
    pub delivery_timeout: SimTime,
    pub buffer_memory: u64,
    pub max_block: SimTime,
    pub request: Dist,
    pub error_rate: f64,
    pub lost_rate: f64,
}

impl KafkaParams {
    pub fn of(c: &KafkaProducerConfig) -> Result<KafkaParams, crate::model::dist::DistError> {
        Ok(KafkaParams {
            batch_size: c.batch_size_bytes,
            linger: ms(c.linger_ms),
            max_in_flight: c.max_in_flight,
            idempotence: c.enable_idempotence,
            retries: c.retries,
            retry_backoff: ms(c.retry_backoff_ms),
            request_timeout: ms(c.request_timeout_ms),
            delivery_timeout: ms(c.delivery_timeout_ms),
            buffer_memory: c.buffer_memory_bytes,
            max_block: ms(c.max_block_ms),
            request: Dist::new(&c.request_s)?,
            error_rate: c.request_error_rate,
            lost_rate: c.response_lost_rate,
        })
    }
}

/// What the producer's timer does next, for batch `.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// The request reaches the broker.
    Arrive(u32),
    /// Its response arrives, or the producer stops waiting for it.
    Done(u32),
}

#[derive(Clone, Debug, Default)]
pub struct KafkaCounters {
    /// Records that entered `send()` (past the topic's size limit).
    pub sends: u64,
    /// Batches made (sent at least once) and their records.
    pub batches: u64,
    pub batched_records: u64,
    /// Produce requests, first sends and retries.
    pub requests: u64,
    pub retries: u64,
    /// Requests that failed: a transient error, a refusal by a replicated
    /// topic, out of sequence, or no response before `request.timeout.ms`.
    pub request_errors: u64,
    pub refused_by_topic: u64,
    pub out_of_sequence: u64,
    pub request_timeouts: u64,
    /// Records acknowledged.
    pub acked: u64,
    /// Records the broker appended a first time, and again (no idempotence).
    pub appended: u64,
    pub duplicates_appended: u64,
    /// Records the broker dropped as duplicates (idempotence).
    pub duplicates_dropped: u64,
    /// `send()` calls that waited for buffer memory, and those that failed
    /// after `max.block.ms`.
    pub blocked: u64,
    pub buffer_full_errors: u64,
    /// Records failed: not acknowledged within `delivery.timeout.ms`, or
    /// after `retries` retries.
    pub delivery_timeouts: u64,
    pub retries_exhausted: u64,
    /// Of the records failed, those the broker had appended anyway (the
    /// producer reports an error; the record is in the log).
    pub failed_appended: u64,
    /// Time from `send()` to its batch's first request, summed over records.
    pub linger_ns: u128,
    /// Time from `send()` to its acknowledgement, summed over records.
    pub acked_ns: u128,
    pub peak_buffer_bytes: u64,
}

pub struct KafkaProducer {
    pub p: KafkaParams,
    acc: Accumulator,
    seqs: Option<Sequences>,
    /// Timed steps: (time, order made, action).
    timers: BinaryHeap<Reverse<(SimTime, u64, Action)>>,
    made: u64,
    /// The producer's timer event, when one is scheduled.
    pub timer_at: Option<SimTime>,
    /// When the accumulator next needs a look (a linger, a backoff, a
    /// blocked send's `max.block.ms`), if nothing else happens first.
    wake: Option<SimTime>,
    in_flight: u32,
    /// When the connection's last request reached the broker, and its last
    /// response the producer.
    last_arrival: SimTime,
    last_response: SimTime,
    /// Where the sender's next look over the partitions starts.
    drain_from: usize,
    rng: Rng,
    /// Per-key order of the broker's appends, for keyed records.
    pub order: Option<KeyOrder>,
    pub c: KafkaCounters,
}

impl KafkaProducer {
    pub fn new(p: KafkaParams, partitions: usize, keyed: bool, rng: Rng) -> KafkaProducer {
        KafkaProducer {
            acc: Accumulator::new(partitions, p.batch_size, p.buffer_memory),
            seqs: p.idempotence.then(|| Sequences::new(partitions)),
            p,
            timers: BinaryHeap::new(),
            made: 0,
            timer_at: None,
            wake: None,
            in_flight: 0,
            last_arrival: 0,
            last_response: 0,
            drain_from: 0,
            rng,
            order: keyed.then(|| KeyOrder::new(false, 1)),
            c: KafkaCounters::default(),
        }
    }

    /// The partition of an unkeyed record.
    pub fn unkeyed_partition(&mut self, size: u32) -> u32 {
        self.acc.unkeyed_partition(size)
    }

    /// `send()`: the record joins its partition's batch, or waits for
    /// buffer memory (behind any send already waiting).
    pub fn send(&mut self, r: Record, part: u32, now: SimTime) {
        self.c.sends += 1;
        if self.acc.never_fits(r.size) {
            // Larger than buffer.memory: refused at once.
            self.c.buffer_full_errors += 1;
            return;
        }
        if !self.acc.waiting.is_empty() {
            self.c.blocked += 1;
            self.acc.waiting.push_back(Waiting { r, part });
            return;
        }
        if let Err(r) = self.acc.append(r, part, now) {
            self.c.blocked += 1;
            self.acc.waiting.push_back(Waiting { r, part });
        }
        self.c.peak_buffer_bytes = self.c.peak_buffer_bytes.max(self.acc.used);
    }

    fn push(&mut self, at: SimTime, a: Action) {
        self.made += 1;
        self.timers.push(Reverse((at, self.made, a)));
    }

    /// The next timed step due by `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<Action> {
        if self
            .timers
            .peek()
            .is_some_and(|Reverse((t, _, _))| *t <= now)
        {
            return self.timers.pop().map(|Reverse((_, _, a))| a);
        }
        None
    }

    /// When the producer's timer must next fire.
    pub fn next_timer(&self) -> Option<SimTime> {
        let t = self.timers.peek().map(|Reverse((t, _, _))| *t);
        match (t, self.wake) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Records held by the client: waiting for memory, or in batches.
    pub fn held(&self) -> u64 {
        self.acc.waiting.len() as u64 + self.acc.records_held()
    }

    /// Records failed at the producer that the broker never appended: lost.
    pub fn lost(&self) -> u64 {
        self.c.buffer_full_errors + self.c.delivery_timeouts + self.c.retries_exhausted
            - self.c.failed_appended
    }

    /// Records out of order per key at the broker (appended after a later
    /// record of their key).
    pub fn reordered(&self) -> u64 {
        self.order.as_ref().map_or(0, |o| o.c.out_of_order)
    }
}
