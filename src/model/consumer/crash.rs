//! A consumer's crashes (`crash_at_s`, `crashes_per_hour`). A prefetch
//! consumer's channel closes and requeues what it held (`prefetch.rs`). A
//! worker pool's process dies: every worker stops where it is, what it held
//! stays in flight until its visibility timeout returns it to the queue
//! (SQS has no connection to notice the death), a dedupe lock it took is
//! left to expire, and the restarted process polls again at once. A pipeline
//! stage caught between its write and its publish is counted (`onward.rs`).

use crate::engine::{Rng, Scheduler, SimTime, from_secs};
use crate::model::Event;
use crate::model::consumer::{Consumer, Kind, WorkerState};
use crate::model::event::ConsumerEvent;
use crate::model::reach::Reach;
use rand::RngExt;

/// Crashes at random: a Poisson process at `per_s`.
pub struct RandomCrashes {
    pub per_s: f64,
    pub rng: Rng,
}

impl RandomCrashes {
    /// Time to the next crash.
    pub fn next_in(&mut self) -> SimTime {
        let u: f64 = self.rng.random();
        from_secs(-(1.0 - u).ln() / self.per_s).max(1)
    }
}

impl Consumer {
    /// The consumer crashes; a random crash schedules the next one.
    pub(crate) fn crash(&mut self, random: bool, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        self.c.crashes += 1;
        if random && let Some(r) = self.random_crashes.as_mut() {
            let at = sim.now().saturating_add(r.next_in());
            sim.at(
                at,
                Event::Consumer(self.id, ConsumerEvent::Crash { random: true }),
            );
        }
        match self.kind {
            Kind::Prefetch { .. } => self.channel_crash(cx, sim),
            _ => self.process_crash(cx, sim),
        }
    }

    /// A worker pool's process dies and restarts at once.
    fn process_crash(&mut self, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        for wi in 0..self.workers.len() {
            if self.workers[wi].state() != WorkerState::Busy {
                // Parked or pausing: the restarted process polls the same way.
                continue;
            }
            self.crash_between(wi, cx);
            let w = &mut self.workers[wi];
            // Cancels its pending step: the processing dies with the process.
            w.generation = w.generation.wrapping_add(1);
            w.onward_left = 0;
            w.ahead = false;
            w.retries_in_place = 0;
            let held: Vec<_> = w.batch.drain(w.pos..).collect();
            w.batch.clear();
            w.pos = 0;
            self.c.abandoned_at_crash += held.len() as u64;
            for r in held {
                cx.release(r);
            }
            self.busy -= 1;
            self.poll(wi, None, cx, sim);
        }
    }
}
