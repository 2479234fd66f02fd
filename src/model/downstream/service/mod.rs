//! A service whose latency grows with its concurrency (docs/model.md "Downstream
//! dependencies"): a request that starts with `n` others in service takes
//! (base + its own draw + slope·n) × the latency factor in force, fixed at
//! its start (the draw from `service_s`, when given: a heavy tail). Its
//! capacity tends to 1/slope requests per second. It never learns that a client
//! gave up: an abandoned request keeps its place until it finishes, which is
//! what lets timeouts and retries sustain an overload after its trigger is gone.

mod calls;
mod ledger;
mod observe;
pub mod summary;

use super::CallError;
use super::faults::Faults;
use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::metrics::level::Level;
use crate::model::dist::Dist;
use crate::model::event::{ClientsId, RequestId};

pub struct ServiceParams {
    pub name: String,
    pub base_s: f64,
    /// A request's own time, drawn at its start and added to `base_s`.
    pub service: Option<Dist>,
    /// The draw's mean: the series' latency gauge shows base + mean + slope·n.
    pub service_mean_s: f64,
    pub slope_s: f64,
    /// Requests beyond this are rejected at once (load shedding).
    pub max_concurrency: Option<u32>,
}

/// Who is waiting for a request's answer: a client population's request, at
/// the generation of the attempt that was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    pub clients: ClientsId,
    pub request: RequestId,
    pub generation: u32,
}

#[derive(Clone, Copy)]
struct Entry {
    caller: Caller,
    /// Bumped when the entry is freed, so a finish event for a request that an
    /// outage already failed finds nothing.
    generation: u32,
    live: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ServiceCounters {
    pub accepted: u64,
    pub completed: u64,
    /// Finished, but its client had given up on it: work thrown away.
    pub wasted: u64,
    /// Turned away at `max_concurrency`.
    pub rejected: u64,
    /// Turned away, or failed in service, by an outage.
    pub down_rejections: u64,
    pub errors: u64,
}

pub struct Service {
    pub p: ServiceParams,
    pub faults: Faults,
    rng_errors: Rng,
    /// Draws of `service`: its own stream, so a service without one draws
    /// nothing and the others' streams are unmoved.
    rng_time: Rng,
    entries: Vec<Entry>,
    free: Vec<u32>,
    pub in_service: u32,
    pub peak: u32,
    pub level: Level,
    pub c: ServiceCounters,
}

impl Service {
    pub fn new(p: ServiceParams, seed: u64, rep: u64) -> Service {
        Service {
            rng_errors: stream(seed, &format!("service.{}.errors", p.name), rep),
            rng_time: stream(seed, &format!("service.{}.time", p.name), rep),
            faults: Faults::default(),
            entries: Vec::new(),
            free: Vec::new(),
            in_service: 0,
            peak: 0,
            level: Level::default(),
            c: ServiceCounters::default(),
            p,
        }
    }

    /// The latency a request starting now would get (on average, with a
    /// drawn part).
    pub fn latency_s(&self, now: SimTime) -> f64 {
        self.latency_with_s(now, self.p.service_mean_s)
    }

    fn latency_with_s(&self, now: SimTime, drawn_s: f64) -> f64 {
        (self.p.base_s + drawn_s + self.p.slope_s * self.in_service as f64)
            * self.faults.at(now).factor
    }

    /// A request arrives: accepted with (entry, its generation, latency), or
    /// turned away at once.
    pub fn admit(
        &mut self,
        now: SimTime,
        caller: Caller,
    ) -> Result<(u32, u32, SimTime), CallError> {
        if self.faults.at(now).outage {
            self.c.down_rejections += 1;
            return Err(CallError::Down);
        }
        if self.p.max_concurrency.is_some_and(|m| self.in_service >= m) {
            self.c.rejected += 1;
            return Err(CallError::Refused);
        }
        let drawn = match &self.p.service {
            Some(d) => d.sample(&mut self.rng_time),
            None => 0.0,
        };
        let latency = from_secs(self.latency_with_s(now, drawn));
        self.level.advance(now, self.in_service as u64);
        self.in_service += 1;
        self.peak = self.peak.max(self.in_service);
        self.c.accepted += 1;
        let i = match self.free.pop() {
            Some(i) => i,
            None => {
                self.entries.push(Entry {
                    caller,
                    generation: 0,
                    live: false,
                });
                (self.entries.len() - 1) as u32
            }
        };
        let e = &mut self.entries[i as usize];
        e.caller = caller;
        e.live = true;
        Ok((i, e.generation, latency))
    }

    fn free_entry(&mut self, now: SimTime, i: u32) -> Caller {
        let e = &mut self.entries[i as usize];
        e.live = false;
        e.generation = e.generation.wrapping_add(1);
        let caller = e.caller;
        self.free.push(i);
        self.level.advance(now, self.in_service as u64);
        self.in_service -= 1;
        caller
    }

    /// A request's time is up: its caller and its outcome (an error window in
    /// force fails it), or None if an outage failed it already.
    pub fn finish(
        &mut self,
        now: SimTime,
        i: u32,
        generation: u32,
    ) -> Option<(Caller, Result<(), CallError>)> {
        let e = self.entries[i as usize];
        if !e.live || e.generation != generation {
            return None;
        }
        let caller = self.free_entry(now, i);
        self.c.completed += 1;
        let outcome = self.faults.error_at(now, &mut self.rng_errors);
        if outcome.is_err() {
            self.c.errors += 1;
        }
        Some((caller, outcome))
    }

    /// An outage begins: every request in service fails now (the process
    /// restarted); their callers are pushed to `out`.
    pub fn go_down(&mut self, now: SimTime, out: &mut Vec<Caller>) {
        for i in 0..self.entries.len() as u32 {
            if self.entries[i as usize].live {
                out.push(self.free_entry(now, i));
                self.c.down_rejections += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(request: u32, generation: u32) -> Caller {
        Caller {
            clients: ClientsId(0),
            request: RequestId(request),
            generation,
        }
    }

    fn service(max: Option<u32>) -> Service {
        Service::new(
            ServiceParams {
                name: "s".into(),
                base_s: 0.1,
                service: None,
                service_mean_s: 0.0,
                slope_s: 0.01,
                max_concurrency: max,
            },
            1,
            0,
        )
    }

    #[test]
    fn latency_is_fixed_at_start_by_the_requests_already_in_service() {
        let mut s = service(None);
        let (_, _, a) = s.admit(0, caller(0, 0)).unwrap();
        let (_, _, b) = s.admit(0, caller(1, 0)).unwrap();
        assert_eq!((a, b), (from_secs(0.1), from_secs(0.11)));
        assert_eq!(s.in_service, 2);
    }

    #[test]
    fn sheds_beyond_max_concurrency_and_outages_fail_what_is_in_service() {
        let mut s = service(Some(1));
        let (i, g, _) = s.admit(0, caller(7, 3)).unwrap();
        assert_eq!(s.admit(0, caller(8, 0)), Err(CallError::Refused));
        let mut out = vec![];
        s.go_down(5, &mut out);
        assert_eq!(out, vec![caller(7, 3)]);
        assert_eq!(s.in_service, 0);
        // Its finish event then finds nothing.
        assert!(s.finish(10, i, g).is_none());
    }
}
