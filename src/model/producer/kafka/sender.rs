//! The sender: drains sendable batches into requests while fewer than
//! `max_in_flight` are outstanding, and settles each request when its
//! response arrives or `request.timeout.ms` passes. A request's round trip
//! is drawn from `request_s`; the broker has it half-way. A failed request
//! is sent again after `retry.backoff.ms`, until `retries` retries or
//! `delivery.timeout.ms` after its first record's `send()`; a record whose
//! batch fails for good is an error to the application (lost, unless the
//! broker had appended it before the response went missing).
//!
//! Draws: one round trip per request, and a draw per failure mode only when
//! its rate is set, all from the producer's own `kafka` stream.

use super::accumulator::Outcome;
use super::{Action, KafkaProducer};
use crate::engine::SimTime;
use crate::model::log::Record;
use rand::RngExt;

/// Why a batch failed for good.
#[derive(Clone, Copy)]
enum Failed {
    DeliveryTimeout,
    RetriesExhausted,
}

impl KafkaProducer {
    /// Everything that can move now: blocked sends past `max.block.ms` fail,
    /// those that fit take their memory, batches past their delivery timeout
    /// fail, and sendable batches go out while the connection has room.
    pub fn drain(&mut self, now: SimTime) {
        while let Some(w) = self.acc.waiting.front() {
            if now < w.r.published.saturating_add(self.p.max_block) {
                break;
            }
            self.acc.waiting.pop_front();
            self.c.buffer_full_errors += 1;
        }
        while let Some(w) = self.acc.waiting.pop_front() {
            if let Err(r) = self.acc.append(w.r, w.part, now) {
                self.acc
                    .waiting
                    .push_front(super::Waiting { r, part: w.part });
                break;
            }
        }
        self.c.peak_buffer_bytes = self.c.peak_buffer_bytes.max(self.acc.used);
        let n = self.acc.parts.len();
        for part in 0..n {
            while let Some(&b) = self.acc.parts[part].front() {
                if now
                    < self
                        .acc
                        .get(b)
                        .created
                        .saturating_add(self.p.delivery_timeout)
                {
                    break;
                }
                self.acc.parts[part].pop_front();
                self.fail(b, Failed::DeliveryTimeout);
            }
        }
        let mut looked = 0;
        while self.in_flight < self.p.max_in_flight && looked < n {
            let part = self.drain_from;
            self.drain_from = (self.drain_from + 1) % n;
            let b = self.acc.sendable(part, self.p.linger, now).filter(|&b| {
                let (seq, s) = (self.acc.get(b).seq, &self.seqs);
                match (seq, s) {
                    (Some(seq), Some(s)) => s.may_retry(part, seq),
                    _ => true,
                }
            });
            match b {
                Some(b) => {
                    self.request(b, now);
                    looked = 0;
                }
                None => looked += 1,
            }
        }
        self.wake = self.next_wake(now);
    }

    /// The earliest time the accumulator changes by itself.
    fn next_wake(&self, now: SimTime) -> Option<SimTime> {
        let blocked = self
            .acc
            .waiting
            .front()
            .map(|w| w.r.published.saturating_add(self.p.max_block));
        let batches = if self.in_flight < self.p.max_in_flight {
            (0..self.acc.parts.len())
                .filter_map(|p| self.acc.due(p, self.p.linger))
                .filter(|&t| t > now)
                .min()
        } else {
            None // a response frees the connection first
        };
        match (blocked, batches) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Sends batch `b` in a request.
    fn request(&mut self, b: u32, now: SimTime) {
        self.acc.take_front(b);
        let rtt = crate::engine::from_secs(self.p.request.sample(&mut self.rng).max(0.0));
        let error = self.p.error_rate > 0.0 && self.rng.random_bool(self.p.error_rate);
        let lost = self.p.lost_rate > 0.0 && self.rng.random_bool(self.p.lost_rate);
        let timeout = self.p.request_timeout;
        let first = self.acc.get(b).attempts == 0;
        if first {
            let part = self.acc.get(b).part as usize;
            let seq = self.seqs.as_mut().map(|s| s.give(part));
            let batch = self.acc.get_mut(b);
            batch.seq = seq;
            let waited: u128 = (batch.records.iter())
                .map(|r| u128::from(now - r.published))
                .sum();
            let n = batch.records.len() as u64;
            self.c.batches += 1;
            self.c.batched_records += n;
            self.c.linger_ns += waited;
        } else {
            self.c.retries += 1;
        }
        let batch = self.acc.get_mut(b);
        batch.attempts += 1;
        batch.outcome = if error {
            Outcome::Retriable
        } else {
            Outcome::Pending
        };
        // One connection: the broker takes its requests in the order they
        // were sent and answers them in that order (a request is never
        // overtaken by a later one; nor is a response).
        let deadline = now + timeout;
        let arrive = (now + rtt / 2).max(self.last_arrival).min(deadline);
        self.last_arrival = arrive;
        let response = (now + rtt).max(self.last_response).max(arrive);
        // A lost response, or one later than the timeout: the producer hears
        // nothing until its timeout.
        let lost = lost || response >= deadline;
        if !lost {
            self.last_response = response;
        }
        batch.response_lost = lost;
        self.c.requests += 1;
        self.in_flight += 1;
        self.push(arrive, Action::Arrive(b));
        self.push(if lost { deadline } else { response }, Action::Done(b));
    }

    /// The request of batch `b` reaches the broker: the partition it must be
    /// appended to, or None (a transient error, a duplicate dropped, a batch
    /// out of sequence: the broker appends nothing).
    pub fn at_broker(&mut self, b: u32) -> Option<u32> {
        let batch = self.acc.get(b);
        if batch.outcome == Outcome::Retriable {
            return None;
        }
        let (part, n) = (batch.part, batch.records.len() as u64);
        if let (Some(s), Some(seq)) = (&self.seqs, batch.seq) {
            match s.check(part as usize, seq) {
                super::Check::Append => {}
                super::Check::Duplicate => {
                    self.c.duplicates_dropped += n;
                    self.acc.get_mut(b).outcome = Outcome::Ok;
                    return None;
                }
                super::Check::OutOfSequence => {
                    self.c.out_of_sequence += 1;
                    self.acc.get_mut(b).outcome = Outcome::Retriable;
                    return None;
                }
            }
        }
        Some(part)
    }

    /// Batch `b`'s records, lent to the broker's append.
    pub fn take_records(&mut self, b: u32) -> Vec<Record> {
        std::mem::take(&mut self.acc.get_mut(b).records)
    }

    /// The broker appended batch `b`'s records (`ok`), or its topic refused
    /// them (a replicated topic's NotEnoughReplicas or offline partition).
    pub fn appended(&mut self, b: u32, records: Vec<Record>, ok: bool) {
        let n = records.len() as u64;
        let again = self.acc.get(b).appended;
        if ok {
            // A duplicate appended re-applies its batch's records: counted as
            // duplicates (the consumers' order counts see them), not here.
            if let Some(o) = self.order.as_mut().filter(|_| !again) {
                for r in &records {
                    // Sends are made one event apart: the publish time orders them.
                    o.apply(r.key, (r.published, 0));
                }
            }
            let part = self.acc.get(b).part as usize;
            if let Some(s) = &mut self.seqs {
                s.appended(part);
            }
            let batch = self.acc.get_mut(b);
            if batch.appended {
                self.c.duplicates_appended += n;
            } else {
                self.c.appended += n;
            }
            batch.appended = true;
            batch.outcome = Outcome::Ok;
        } else {
            self.c.refused_by_topic += 1;
            self.acc.get_mut(b).outcome = Outcome::Retriable;
        }
        self.acc.get_mut(b).records = records;
    }

    /// Batch `b`'s response, or its timeout: acknowledged, sent again after
    /// the backoff, or failed for good. Returns the records acknowledged.
    pub fn done(&mut self, b: u32, now: SimTime) -> u64 {
        self.in_flight -= 1;
        let batch = self.acc.get(b);
        if batch.outcome == Outcome::Ok && !batch.response_lost {
            let batch = self.acc.release(b);
            if let (Some(s), Some(seq)) = (&mut self.seqs, batch.seq) {
                s.complete(batch.part as usize, seq);
            }
            let n = batch.records.len() as u64;
            self.c.acked += n;
            self.c.acked_ns += (batch.records.iter())
                .map(|r| u128::from(now - r.published))
                .sum::<u128>();
            return n;
        }
        self.c.request_errors += 1;
        self.c.request_timeouts += u64::from(batch.response_lost);
        if batch.attempts > self.p.retries {
            self.fail(b, Failed::RetriesExhausted);
        } else if now >= batch.created.saturating_add(self.p.delivery_timeout) {
            self.fail(b, Failed::DeliveryTimeout);
        } else {
            let batch = self.acc.get_mut(b);
            batch.backoff_until = now + self.p.retry_backoff;
            batch.outcome = Outcome::Pending;
            batch.response_lost = false;
            self.acc.requeue(b);
        }
        0
    }

    /// Batch `b` (off its partition's queue) fails for good.
    fn fail(&mut self, b: u32, why: Failed) {
        let batch = self.acc.release(b);
        let n = batch.records.len() as u64;
        match why {
            Failed::DeliveryTimeout => self.c.delivery_timeouts += n,
            Failed::RetriesExhausted => self.c.retries_exhausted += n,
        }
        if let (Some(s), Some(seq)) = (&mut self.seqs, batch.seq) {
            if batch.appended {
                s.complete(batch.part as usize, seq);
            } else {
                s.abandon(batch.part as usize, seq);
            }
        }
        if batch.appended {
            self.c.failed_appended += n;
        }
    }
}
