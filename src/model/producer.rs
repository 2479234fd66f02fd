//! Producers: an arrival process (Poisson or evenly spaced) following a rate
//! profile, and the attributes of each message (size, key with Zipf skew, poison,
//! cost). Arrival times and attributes use separate streams, so changing the
//! poison rate does not move a single arrival.

use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::model::dist::Dist;
use crate::model::message::Message;
use crate::model::profile::Profile;
use crate::scenario::Arrivals;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, Zipf};

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
    arrivals_rng: Rng,
    /// One stream per attribute: turning poison on does not move keys or costs.
    keys_rng: Rng,
    poison_rng: Rng,
    cost_rng: Rng,
    /// Time of the last arrival drawn, seconds.
    t_s: f64,
    pub c: ProducerCounters,
}

impl Producer {
    pub fn new(p: ProducerParams, seed: u64, rep: u64) -> Producer {
        Producer {
            arrivals_rng: stream(seed, &format!("producer.{}.arrivals", p.name), rep),
            keys_rng: stream(seed, &format!("producer.{}.keys", p.name), rep),
            poison_rng: stream(seed, &format!("producer.{}.poison", p.name), rep),
            cost_rng: stream(seed, &format!("producer.{}.cost", p.name), rep),
            t_s: p.start_s,
            p,
            c: ProducerCounters::default(),
        }
    }

    /// The next arrival time, or None when the producer is done.
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        let t = match self.p.arrivals {
            Arrivals::Poisson => self.next_poisson(),
            Arrivals::Constant => self.next_even(),
        }?;
        self.t_s = t;
        (t < self.p.stop_s).then(|| from_secs(t))
    }

    /// Thinning (Lewis–Shedler) against the profile's per-segment bound; memoryless,
    /// so a candidate past a segment's end restarts from that end.
    fn next_poisson(&mut self) -> Option<f64> {
        let mut t = self.t_s;
        loop {
            let (bound, end) = self.p.profile.bound(t);
            if bound <= 0.0 {
                if !end.is_finite() || end >= self.p.stop_s {
                    return None;
                }
                t = end;
                continue;
            }
            let e: f64 = Exp1.sample(&mut self.arrivals_rng);
            let cand = t + e / bound;
            if cand >= end {
                t = end;
                continue;
            }
            t = cand;
            if self.p.profile.is_flat()
                || self.arrivals_rng.random::<f64>() * bound <= self.p.profile.rate_at(t)
            {
                return Some(t);
            }
            if t >= self.p.stop_s {
                return None;
            }
        }
    }

    /// Evenly spaced at the current rate: the next message 1/rate(t) after the last.
    fn next_even(&mut self) -> Option<f64> {
        let mut t = self.t_s;
        loop {
            let r = self.p.profile.rate_at(t);
            if r > 0.0 {
                return Some(t + 1.0 / r);
            }
            let (_, end) = self.p.profile.bound(t);
            if !end.is_finite() || end >= self.p.stop_s {
                return None;
            }
            t = end;
        }
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
