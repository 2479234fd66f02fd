//! A pool of workers pulling from one queue: each receives a batch (long polling
//! returns as soon as a message is there), processes its messages one after
//! another, deletes each on success, and on failure leaves it to its visibility
//! timeout or changes its visibility to a backoff delay. Poison messages fail
//! every time. The world drives the calls between the pool and its queue.

use crate::engine::{Rng, SimTime, stream};
use crate::metrics::Latency;
use crate::model::dist::Dist;
use crate::model::message::Receipt;
use crate::model::retry::Backoff;
use crate::scenario::OnFailure;
use rand::RngExt;

pub struct ConsumerParams {
    pub name: String,
    pub queue: u16,
    pub workers: u32,
    pub batch_size: u32,
    /// Long-poll wait; 0 means short polling.
    pub wait: SimTime,
    pub empty_poll_pause: SimTime,
    pub processing: Dist,
    pub error_rate: f64,
    pub on_failure: OnFailure,
    pub backoff: Backoff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    /// Parked on a long poll since this time.
    Waiting {
        since: SimTime,
    },
    /// Between short polls.
    Pausing,
    Busy,
}

pub struct Worker {
    pub state: WorkerState,
    pub batch: Vec<Receipt>,
    pub pos: usize,
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
}

/// Separate streams, so that changing the error rate does not move a single
/// processing time (common random numbers across sweep points).
pub struct Streams {
    processing: Rng,
    errors: Rng,
    backoff: Rng,
}

pub struct Consumer {
    pub p: ConsumerParams,
    rng: Streams,
    pub workers: Vec<Worker>,
    pub busy: u32,
    pub c: ConsumerCounters,
    /// Publish → first successful processing.
    pub e2e: Latency,
}

impl Consumer {
    pub fn new(p: ConsumerParams, seed: u64, rep: u64) -> Consumer {
        let workers = (0..p.workers)
            .map(|_| Worker {
                state: WorkerState::Pausing,
                batch: Vec::with_capacity(p.batch_size as usize),
                pos: 0,
            })
            .collect();
        Consumer {
            rng: Streams {
                processing: stream(seed, &format!("consumer.{}.processing", p.name), rep),
                errors: stream(seed, &format!("consumer.{}.errors", p.name), rep),
                backoff: stream(seed, &format!("consumer.{}.backoff", p.name), rep),
            },
            p,
            workers,
            busy: 0,
            c: ConsumerCounters::default(),
            e2e: Latency::default(),
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

    /// Books the empty long polls of parked workers up to `now` (the time series
    /// calls this before each sample, so counts land in the right interval).
    pub fn settle_waits(&mut self, now: SimTime) {
        if self.p.wait == 0 {
            return;
        }
        let wait = self.p.wait;
        for w in &mut self.workers {
            if let WorkerState::Waiting { since } = &mut w.state {
                let n = (now - *since) / wait;
                self.c.empty_receives += n;
                *since += n * wait;
            }
        }
    }

    pub fn reset_stats(&mut self) {
        self.e2e = Latency::default();
    }
}
