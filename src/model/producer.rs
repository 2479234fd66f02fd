//! Producers: an arrival process (Poisson or evenly spaced) following a rate
//! profile, and the attributes of each message (size, key with Zipf skew, poison,
//! cost). Arrival times and attributes use separate streams, so changing the
//! poison rate does not move a single arrival.

use crate::engine::{Rng, SimTime, stream};
use crate::model::arrivals::ArrivalProcess;
use crate::model::dist::Dist;
use crate::model::message::Message;
use crate::model::profile::Profile;
use crate::scenario::Arrivals;
use rand::RngExt;
use rand_distr::{Distribution, Zipf};

pub struct ProducerParams {
    pub name: String,
    pub queue: u16,
    /// Writes to this topic instead of the queue.
    pub topic: Option<u16>,
    /// Publishes to this push topic instead.
    pub push: Option<u16>,
    pub arrivals: Arrivals,
    pub profile: Profile,
    pub start_s: f64,
    pub stop_s: f64,
    pub initial_backlog: u64,
    pub size_bytes: u32,
    pub keys: u32,
    pub key_parts: u32,
    pub zipf: Option<Zipf<f64>>,
    pub poison_probability: f64,
    pub cost: Option<Dist>,
}

#[derive(Clone, Debug, Default)]
pub struct ProducerCounters {
    /// Accepted by the queue.
    pub produced: u64,
    pub rejected: u64,
    /// Poison messages among all sent (accepted or not).
    pub poison: u64,
}

pub struct Producer {
    pub p: ProducerParams,
    arrivals: ArrivalProcess,
    /// One stream per attribute: turning poison on does not move keys or costs.
    keys_rng: Rng,
    poison_rng: Rng,
    cost_rng: Rng,
    pub c: ProducerCounters,
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
            ),
            keys_rng: stream(seed, &format!("producer.{}.keys", p.name), rep),
            poison_rng: stream(seed, &format!("producer.{}.poison", p.name), rep),
            cost_rng: stream(seed, &format!("producer.{}.cost", p.name), rep),
            p,
            c: ProducerCounters::default(),
        }
    }

    /// The next arrival time, or None when the producer is done.
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        self.arrivals.next_time()
    }

    /// A new message with this producer's attributes; `queue` set by the caller.
    pub fn make_message(&mut self, now: SimTime, queue: u16) -> Message {
        let mut m = Message::new(now, queue);
        m.size = self.p.size_bytes;
        if let Some(z) = &self.p.zipf {
            m.key = (z.sample(&mut self.keys_rng) as u32).saturating_sub(1);
            if self.p.key_parts > 1 {
                m.key = m.key * self.p.key_parts + self.keys_rng.random_range(0..self.p.key_parts);
            }
        }
        if self.p.poison_probability > 0.0 {
            m.poison = self.poison_rng.random_bool(self.p.poison_probability);
            self.c.poison += u64::from(m.poison);
        }
        if let Some(c) = &self.p.cost {
            m.cost = c.sample(&mut self.cost_rng) as f32;
        }
        m
    }
}
