//! The analytic cross-check: for each part of a scenario that has a closed
//! form (`theory.rs`), the prediction beside the simulated figure, with a 95 %
//! interval from batch means of the run's own samples after warm-up, and a
//! flag when the two depart beyond it. A departure is either a run too short
//! or too close to saturation to have settled, or a fault in the simulator:
//! either way the reader should know before trusting the numbers.
//!
//! Which parts qualify: a standard queue with one producer (Poisson arrivals
//! at a constant rate from 0 s, no backlog, no poison, no publish buffer) and
//! one pool consumer (batch size 1, long polling so that an idle worker takes
//! a message the instant it arrives, no failures, no calls, no dedupe store),
//! unbounded, without delay or redrive, and with a visibility timeout of at
//! least 20 mean service times (a message is practically never received
//! twice). Anything else has no closed form here, and gets no line.

use crate::engine::SimTime;
use crate::metrics::little::QueuePart;
use crate::metrics::series::RowReader;
use crate::metrics::theory::{self, BatchMeans, Interval, PoolPrediction};
use crate::model::World;
use crate::scenario::{Arrivals, DistSpec, Scenario, consumer_name};
use serde::Serialize;

/// The interval is built from about this many batches.
const BATCHES: u64 = 20;

/// One quantity: theory against the run.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Check {
    pub queue: String,
    pub consumer: String,
    /// "M/M/10", "M/G/1", "M/G/4" (utilisation only).
    pub model: String,
    /// "utilisation" (busy workers / workers) or "mean_waiting" (messages
    /// visible in the queue, time-averaged).
    pub quantity: String,
    pub predicted: f64,
    pub simulated: f64,
    /// The 95 % interval's half-width around `simulated`.
    pub half_width: f64,
    /// `predicted` within the interval; None when the batches were too
    /// correlated to trust it (the run is too short for this load).
    pub agrees: Option<bool>,
    /// Little's law only: λ, the rate messages entered the queue after warm-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_rate_per_s: Option<f64>,
    /// Little's law only: W, their mean time in the queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_time_in_queue_s: Option<f64>,
}

/// A qualifying queue and its pool.
struct Part {
    queue: String,
    consumer: String,
    prediction: PoolPrediction,
    workers: f64,
    busy_col: Option<usize>,
    visible_col: Option<usize>,
    busy: BatchMeans,
    visible: BatchMeans,
}

pub struct CrossCheckWatch {
    warmup_s: f64,
    time: Option<usize>,
    parts: Vec<Part>,
    /// Every queue, for Little's law.
    queues: Vec<QueuePart>,
}

/// Mean and coefficient of variation of a service-time distribution.
fn moments(d: &DistSpec) -> Option<(f64, f64)> {
    let m = crate::model::dist::moments::moments(d)?;
    // A service time of 0 has no queue to predict; a Pareto tail with an
    // infinite variance has no M/G/c approximation.
    (m.mean > 0.0 && m.cv.is_finite()).then_some((m.mean, m.cv))
}

impl CrossCheckWatch {
    /// The scenario's qualifying parts (possibly none).
    pub fn new(s: &Scenario) -> CrossCheckWatch {
        let measured_s = s.run.horizon_s - s.run.warmup_s;
        let rows = (measured_s / s.run.sample_interval_s).floor().max(0.0) as u64;
        let per_batch = (rows / BATCHES).max(1);
        let mut parts = vec![];
        let single_queue = s.queues.len() == 1;
        for q in &s.queues {
            let feeds = |target: &Option<String>| match target {
                Some(n) => n == &q.name,
                None => single_queue,
            };
            let producers: Vec<_> = s.producers.iter().filter(|p| feeds(&p.queue)).collect();
            let consumers: Vec<_> = s
                .consumers
                .iter()
                .enumerate()
                .filter(|(_, c)| c.topic.is_none() && c.push.is_none() && feeds(&c.queue))
                .collect();
            let ([p], [(ci, c)]) = (producers.as_slice(), consumers.as_slice()) else {
                continue;
            };
            let plain_queue = !q.fifo
                && q.max_depth.is_none()
                && q.delay_s == 0.0
                && q.redrive.is_none()
                && q.retention_s >= s.run.horizon_s;
            let plain_producer = p.arrivals == Arrivals::Poisson
                && p.profile.is_empty()
                && p.start_s == 0.0
                && p.stop_s.is_none()
                && p.initial_backlog == 0
                && p.message.poison_probability == 0.0
                && p.message.cost.is_none()
                && p.publish.is_none();
            let plain_pool = c.lambda.is_none()
                && c.autoscale.is_none()
                && c.prefetch.is_none()
                && c.delivery.is_none()
                && c.batch_size() == 1
                && c.wait_time_s > 0.0
                && c.error_rate == 0.0
                && c.calls.is_empty()
                && c.idempotency.is_none()
                && c.breaker.is_none();
            let Some((service_s, cv)) = moments(&c.processing_s) else {
                continue;
            };
            let no_redelivery = q.visibility_timeout_s >= 20.0 * service_s;
            if !(plain_queue
                && plain_producer
                && plain_pool
                && no_redelivery
                && s.faults.is_empty())
            {
                continue;
            }
            let workers = c.workers();
            let Some(prediction) = theory::pool(p.rate, service_s, cv, workers) else {
                continue;
            };
            parts.push(Part {
                queue: q.name.clone(),
                consumer: consumer_name(*ci, c),
                prediction,
                workers: workers as f64,
                busy_col: None,
                visible_col: None,
                busy: BatchMeans::new(per_batch),
                visible: BatchMeans::new(per_batch),
            });
        }
        CrossCheckWatch {
            warmup_s: s.run.warmup_s,
            time: None,
            parts,
            queues: s
                .queues
                .iter()
                .map(|q| QueuePart::new(&q.name, per_batch))
                .collect(),
        }
    }

    /// The checks at the end of the run (`end`): the closed forms of the
    /// qualifying parts, then Little's law on every queue.
    pub fn checks(&self, world: &World, end: SimTime) -> Vec<Check> {
        let mut out = vec![];
        for p in &self.parts {
            let check = |quantity: &str, predicted: f64, iv: Interval| Check {
                queue: p.queue.clone(),
                consumer: p.consumer.clone(),
                model: p.prediction.model.clone(),
                quantity: quantity.to_string(),
                predicted,
                simulated: iv.mean,
                half_width: iv.half_width,
                agrees: iv.trusted().then(|| iv.contains(predicted)),
                arrival_rate_per_s: None,
                mean_time_in_queue_s: None,
            };
            if let Some(iv) = p.busy.interval() {
                let scaled = Interval {
                    mean: iv.mean / p.workers,
                    half_width: iv.half_width / p.workers,
                    lag1: iv.lag1,
                };
                out.push(check("utilisation", p.prediction.utilisation, scaled));
            }
            if let (Some(lq), Some(iv)) = (p.prediction.mean_waiting, p.visible.interval()) {
                out.push(check("mean_waiting", lq, iv));
            }
        }
        out.extend(self.queues.iter().filter_map(|q| q.check(world, end)));
        out
    }
}

impl RowReader for CrossCheckWatch {
    fn start(&mut self, columns: &[String], _counters: &[bool]) {
        let at = |name: &str| columns.iter().position(|c| c == name);
        self.time = at("time_s");
        for p in &mut self.parts {
            p.busy_col = at(&format!("{}.busy", p.consumer));
            p.visible_col = at(&format!("{}.visible", p.queue));
        }
        for q in &mut self.queues {
            q.start(&at);
        }
    }

    fn read(&mut self, row: &[f64]) {
        let Some(t) = self.time else { return };
        // Samples after warm-up only (the warm-up's end is one of them).
        if row[t] < self.warmup_s {
            return;
        }
        for p in &mut self.parts {
            if let Some(b) = p.busy_col {
                p.busy.push(row[b]);
            }
            if let Some(v) = p.visible_col {
                p.visible.push(row[v]);
            }
        }
        for q in &mut self.queues {
            q.read(row);
        }
    }
}
