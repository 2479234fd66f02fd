//! An arrival process: Poisson or evenly spaced times following a rate profile,
//! between a start and a stop time. Producers publish at these times; open-loop
//! clients start their requests at them. The first arrival is one gap after
//! the start, or at the start itself with `first_at_start`.

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
    /// The next arrival is the start itself (`first_at_start`, before the first draw).
    at_start: bool,
}

impl ArrivalProcess {
    pub fn new(kind: Arrivals, profile: Profile, start_s: f64, stop_s: f64, rng: Rng) -> Self {
        ArrivalProcess {
            kind,
            profile,
            stop_s,
            rng,
            t_s: start_s,
            at_start: false,
        }
    }

    /// The first arrival at the start itself rather than one gap after it
    /// (a fleet that fires its first request as it comes up), when the rate
    /// there is above 0; the gaps after it are drawn as usual.
    pub fn first_at_start(mut self, yes: bool) -> Self {
        self.at_start = yes && self.profile.rate_at(self.t_s) > 0.0;
        self
    }

    /// The next arrival time, or None when the process is done. Inlined:
    /// drawn at every publish, where a call's frame and its returned
    /// `Option` through memory were a third of its own instructions.
    #[inline(always)]
    pub fn next_time(&mut self) -> Option<SimTime> {
        if std::mem::take(&mut self.at_start) {
            return (self.t_s < self.stop_s).then(|| from_secs(self.t_s));
        }
        let t = match self.kind {
            Arrivals::Poisson => self.next_poisson(),
            Arrivals::Constant => self.next_even(),
        }?;
        self.t_s = t;
        (t < self.stop_s).then(|| from_secs(t))
    }

    /// Thinning (Lewis–Shedler) against the profile's per-segment bound; memoryless,
    /// so a candidate past a segment's end restarts from that end. Inlined
    /// into `next_time`, as it: a call would save and restore six registers
    /// around a loop that takes one turn for a flat profile.
    #[inline(always)]
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
            if self.profile.is_flat() || self.accepts(t, bound) {
                return Some(t);
            }
            if t >= self.stop_s {
                return None;
            }
        }
    }

    /// Whether thinning keeps a candidate at `t`: a uniform draw under the
    /// rate there. Out of line, as `next_even`, so that a flat profile's
    /// arrival, drawn at every publish, is a short loop.
    #[inline(never)]
    fn accepts(&mut self, t: f64, bound: f64) -> bool {
        self.rng.random::<f64>() * bound <= self.profile.rate_at(t)
    }

    /// Evenly spaced at the current rate: the next arrival 1/rate(t) after the last.
    #[inline(never)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{stream, to_secs};

    fn times(kind: Arrivals, first_at_start: bool, n: usize) -> Vec<f64> {
        let mut a = ArrivalProcess::new(
            kind,
            Profile::new(2.0, &[]),
            5.0,
            f64::INFINITY,
            stream(1, "arrivals", 0),
        )
        .first_at_start(first_at_start);
        (0..n).map(|_| to_secs(a.next_time().unwrap())).collect()
    }

    #[test]
    fn the_first_arrival_is_the_start_itself_with_first_at_start() {
        assert_eq!(times(Arrivals::Constant, false, 3), [5.5, 6.0, 6.5]);
        assert_eq!(times(Arrivals::Constant, true, 3), [5.0, 5.5, 6.0]);
        // Poisson: the start, then the same draws as without it, one arrival later.
        let plain = times(Arrivals::Poisson, false, 3);
        let first = times(Arrivals::Poisson, true, 4);
        assert_eq!(first[0], 5.0);
        assert_eq!(&first[1..], &plain[..]);
    }

    #[test]
    fn no_arrival_at_the_start_when_the_rate_there_is_zero_or_it_is_the_stop() {
        let none = |rate: f64, stop: f64| {
            ArrivalProcess::new(
                Arrivals::Constant,
                Profile::new(rate, &[]),
                5.0,
                stop,
                stream(1, "arrivals", 0),
            )
            .first_at_start(true)
            .next_time()
        };
        assert_eq!(none(0.0, f64::INFINITY), None);
        assert_eq!(none(2.0, 5.0), None);
    }
}
