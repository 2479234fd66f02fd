//! Turns a validated scenario into a world of components with their own streams.

use super::consumer::{Consumer, ConsumerParams};
use super::dist::Dist;
use super::message::Arena;
use super::producer::{Producer, ProducerParams};
use super::profile::Profile;
use super::queue::{Queue, QueueParams};
use super::retry::Backoff;
use super::{Redrive, World};
use crate::engine::from_secs;
use crate::metrics::series::Sampler;
use crate::scenario::{Scenario, consumer_name, producer_name};
use rand_distr::Zipf;

/// Builds the world; the scenario must have passed validation (a reference that
/// does not resolve here is a bug, reported as an error string).
pub fn build(s: &Scenario) -> Result<World, String> {
    let seed = s.run.seed;
    let rep = s.run.replication;
    let qid = |name: Option<&str>| -> Result<u16, String> {
        match name {
            None if s.queues.len() == 1 => Ok(0),
            None => Err("component without a queue".into()),
            Some(n) => s
                .queues
                .iter()
                .position(|q| q.name == n)
                .map(|i| i as u16)
                .ok_or_else(|| format!("no queue named `{n}`")),
        }
    };
    let mut queues = vec![];
    for (i, q) in s.queues.iter().enumerate() {
        let is_dlq = s
            .queues
            .iter()
            .any(|o| o.dead_letter_queue.as_deref() == Some(&q.name));
        let dlq = match &q.dead_letter_queue {
            Some(d) => Some(qid(Some(d))?),
            None => None,
        };
        queues.push(Queue::new(
            i as u16,
            QueueParams {
                name: q.name.clone(),
                fifo: q.fifo,
                visibility: from_secs(q.visibility_timeout_s),
                delay: from_secs(q.delay_s),
                retention: from_secs(q.retention_s),
                max_receive_count: q.max_receive_count,
                dlq,
                max_depth: q.max_depth,
                overflow: q.overflow,
                is_dlq,
            },
        ));
    }
    let mut producers = vec![];
    for (i, p) in s.producers.iter().enumerate() {
        let m = &p.message;
        let zipf = if m.keys > 0 {
            Some(Zipf::new(m.keys as f64, m.key_skew).map_err(|e| format!("zipf: {e}"))?)
        } else {
            None
        };
        let cost = match &m.cost {
            Some(d) => Some(Dist::new(d)?),
            None => None,
        };
        producers.push(Producer::new(
            ProducerParams {
                name: producer_name(i, p),
                queue: qid(p.queue.as_deref())?,
                arrivals: p.arrivals,
                profile: Profile::new(p.rate, &p.profile),
                start_s: p.start_s,
                stop_s: p.stop_s.unwrap_or(f64::INFINITY),
                initial_backlog: p.initial_backlog,
                size_bytes: m.size_bytes,
                keys: m.keys,
                zipf,
                poison_probability: m.poison_probability,
                cost,
            },
            seed,
            rep,
        ));
    }
    let mut consumers = vec![];
    for (i, c) in s.consumers.iter().enumerate() {
        consumers.push(Consumer::new(
            ConsumerParams {
                name: consumer_name(i, c),
                queue: qid(c.queue.as_deref())?,
                workers: c.workers,
                batch_size: c.batch_size,
                wait: from_secs(c.wait_time_s),
                empty_poll_pause: from_secs(c.empty_poll_pause_s),
                processing: Dist::new(&c.processing_s)?,
                error_rate: c.error_rate,
                on_failure: c.on_failure,
                backoff: Backoff::new(&c.backoff),
            },
            seed,
            rep,
        ));
    }
    let redrives = s
        .queues
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            q.redrive.as_ref().map(|r| Redrive {
                queue: i as u16,
                at: from_secs(r.at_s),
                rate: r.rate,
                budget: 0.0,
            })
        })
        .collect();
    Ok(World {
        arena: Arena::default(),
        producers,
        queues,
        consumers,
        redrives,
        sampler: Sampler::default(),
        sample_interval: from_secs(s.run.sample_interval_s).max(1),
        max_backlog: s.run.max_backlog,
        applied_more_than_once: 0,
        scratch_dlq: Vec::new(),
    })
}
