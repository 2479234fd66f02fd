//! An arrival process: Poisson or evenly spaced times following a rate profile,
//! between a start and a stop time. Producers publish at these times; open-loop
//! clients start their requests at them.

use crate::engine::{Rng, SimTime, from_secs};
use crate::model::profile::Profile;
use crate::scenario::Arrivals;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

pub struct ArrivalProcess {
    kind: Arrivals,
    profile: Profile,
    stop_s: f64,
    rng: Rng,
    /// Time of the last arrival drawn, seconds.
    t_s: f64,
}

impl ArrivalProcess {
    pub fn new(kind: Arrivals, profile: Profile, start_s: f64, stop_s: f64, rng: Rng) -> Self {
        ArrivalProcess {
            kind,
            profile,
            stop_s,
            rng,
            t_s: start_s,
        }
    }

    /// The next arrival time, or None when the process is done.
    pub fn next_time(&mut self) -> Option<SimTime> {
        let t = match self.kind {
            Arrivals::Poisson => self.next_poisson(),
            Arrivals::Constant => self.next_even(),
        }?;
        self.t_s = t;
        (t < self.stop_s).then(|| from_secs(t))
    }

    /// Thinning (Lewis–Shedler) against the profile's per-segment bound; memoryless,
    /// so a candidate past a segment's end restarts from that end.
    fn next_poisson(&mut self) -> Option<f64> {
        let mut t = self.t_s;
        loop {
            let (bound, end) = self.profile.bound(t);
            if bound <= 0.0 {
                if !end.is_finite() || end >= self.stop_s {
                    return None;
                }
                t = end;
                continue;
            }
            let e: f64 = Exp1.sample(&mut self.rng);
            let cand = t + e / bound;
            if cand >= end {
                t = end;
                continue;
            }
            t = cand;
            if self.profile.is_flat() || self.rng.random::<f64>() * bound <= self.profile.rate_at(t)
            {
                return Some(t);
            }
            if t >= self.stop_s {
                return None;
            }
        }
    }

    /// Evenly spaced at the current rate: the next arrival 1/rate(t) after the last.
    fn next_even(&mut self) -> Option<f64> {
        let mut t = self.t_s;
        loop {
            let r = self.profile.rate_at(t);
            if r > 0.0 {
                return Some(t + 1.0 / r);
            }
            let (_, end) = self.profile.bound(t);
            if !end.is_finite() || end >= self.stop_s {
                return None;
            }
            t = end;
        }
    }
}
