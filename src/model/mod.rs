//! The simulated system: components that own their state and react to their own
//! events. `World` routes each event to the component it names and carries the
//! calls between components (a consumer's receive and delete on its queue); the
//! engine underneath knows none of this.

pub mod build;
pub mod consumer;
pub mod dist;
pub mod message;
pub mod producer;
pub mod profile;
pub mod queue;
pub mod retry;

use crate::engine::{Model, Scheduler, SimTime, from_secs, to_secs};
use crate::metrics::series::Sampler;
use crate::scenario::OnFailure;
use consumer::{Consumer, WorkerState};
use message::{Arena, Receipt};
use producer::Producer;
use queue::{Publish, Queue, Waiter};

#[derive(Clone, Copy, Debug)]
pub enum Event {
    Produce(u16),
    QueueTimer(u16),
    WorkerDone(u16, u32),
    Poll(u16, u32),
    Redrive(u16),
    Sample,
    Warmup,
}

/// Moving messages from a DLQ back to where they came from.
pub struct Redrive {
    pub queue: u16,
    pub at: SimTime,
    pub rate: f64,
    /// Messages allowed but not yet moved (fractional budget of the rate).
    pub budget: f64,
}

pub const REDRIVE_TICK: SimTime = 100_000_000; // 0.1 s

pub struct World {
    pub arena: Arena,
    pub producers: Vec<Producer>,
    pub queues: Vec<Queue>,
    pub consumers: Vec<Consumer>,
    pub redrives: Vec<Redrive>,
    pub sampler: Sampler,
    pub sample_interval: SimTime,
    pub max_backlog: u64,
    /// Messages whose side effect was applied two times or more.
    pub applied_more_than_once: u64,
    pub(crate) scratch_dlq: Vec<u32>,
}

impl Model for World {
    type Event = Event;

    fn handle(&mut self, ev: Event, sim: &mut Scheduler<Event>) {
        match ev {
            Event::Produce(p) => self.produce(p as usize, sim),
            Event::QueueTimer(q) => self.queue_timer(q as usize, sim),
            Event::WorkerDone(c, w) => self.worker_done(c as usize, w as usize, sim),
            Event::Poll(c, w) => self.poll(c as usize, w as usize, None, sim),
            Event::Redrive(i) => self.redrive(i as usize, sim),
            Event::Sample => self.sample(sim),
            Event::Warmup => self.reset_stats(sim.now()),
        }
    }
}

impl World {
    /// Events that start the run.
    pub fn initial_events(&mut self) -> Vec<(SimTime, Event)> {
        let mut evs = vec![(0, Event::Sample)];
        for (i, p) in self.producers.iter_mut().enumerate() {
            if let Some(t) = p.next_arrival() {
                evs.push((t, Event::Produce(i as u16)));
            }
        }
        for (c, cons) in self.consumers.iter().enumerate() {
            for w in 0..cons.workers.len() {
                evs.push((0, Event::Poll(c as u16, w as u32)));
            }
        }
        for (i, r) in self.redrives.iter().enumerate() {
            evs.push((r.at, Event::Redrive(i as u16)));
        }
        evs
    }

    /// The initial backlog: messages already waiting at time 0.
    pub fn seed_backlogs(&mut self) {
        for p in &mut self.producers {
            let q = &mut self.queues[p.p.queue as usize];
            for _ in 0..p.p.initial_backlog {
                let m = p.make_message(0, q.id);
                match q.publish(&mut self.arena, m, 0) {
                    Publish::Accepted(_) => p.c.produced += 1,
                    Publish::Rejected => p.c.rejected += 1,
                }
            }
        }
    }

    fn produce(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let p = &mut self.producers[pi];
        let qi = p.p.queue as usize;
        let m = p.make_message(now, qi as u16);
        match self.queues[qi].publish(&mut self.arena, m, now) {
            Publish::Accepted(_) => p.c.produced += 1,
            Publish::Rejected => p.c.rejected += 1,
        }
        if let Some(t) = p.next_arrival() {
            sim.at(t, Event::Produce(pi as u16));
        }
        if self.arena.live() as u64 > self.max_backlog {
            sim.stop(format!(
                "{} messages held, beyond the cap of {} (run.max_backlog)",
                self.arena.live(),
                self.max_backlog
            ));
        }
        self.serve_waiters(qi, sim);
        self.arm(qi, sim);
    }

    /// Schedules the queue's timer if something is due earlier than it is armed for.
    #[inline]
    fn arm(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        let q = &mut self.queues[qi];
        if !q.needs_arming() {
            return;
        }
        if let Some(t) = q.next_deadline(&self.arena)
            && q.timer_at.is_none_or(|a| t < a)
        {
            q.timer_at = Some(t);
            sim.at(t, Event::QueueTimer(qi as u16));
        }
    }

    fn queue_timer(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let q = &mut self.queues[qi];
        if q.timer_at != Some(now) {
            return; // superseded by an earlier timer
        }
        q.timer_at = None;
        q.on_timer(&mut self.arena, now);
        self.serve_waiters(qi, sim);
        self.arm(qi, sim);
    }

    /// Hands newly visible messages to workers parked on a long poll, oldest first.
    fn serve_waiters(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        while self.queues[qi].has_receivable() {
            let Some(w) = self.queues[qi].waiters.pop_front() else {
                break;
            };
            let c = &mut self.consumers[w.consumer as usize];
            let WorkerState::Waiting { since } = c.workers[w.worker as usize].state else {
                continue;
            };
            c.c.empty_receives += c.empty_polls_since(since, sim.now());
            self.poll(w.consumer as usize, w.worker as usize, Some(since), sim);
        }
    }

    /// A worker asks its queue for a batch. `parked_since` is set when the worker
    /// was waiting on a long poll that is now answered.
    fn poll(
        &mut self,
        ci: usize,
        wi: usize,
        parked_since: Option<SimTime>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let qi = c.p.queue as usize;
        let q = &mut self.queues[qi];
        let wait = c.p.wait;
        let w = &mut c.workers[wi];
        w.batch.clear();
        w.pos = 0;
        self.scratch_dlq.clear();
        let got = q.receive(
            &mut self.arena,
            now,
            c.p.batch_size,
            &mut w.batch,
            &mut self.scratch_dlq,
        );
        if got > 0 {
            w.state = WorkerState::Busy;
            c.busy += 1;
            self.start_next(ci, wi, sim);
        } else if c.p.wait > 0 {
            // Keep waiting; a worker whose answer vanished (expired, dead-lettered)
            // keeps its place in line.
            w.state = WorkerState::Waiting {
                since: parked_since.map_or(now, |s| s + (now - s) / wait * wait),
            };
            let waiter = Waiter {
                consumer: ci as u16,
                worker: wi as u32,
            };
            if parked_since.is_some() {
                q.waiters.push_front(waiter);
            } else {
                q.waiters.push_back(waiter);
            }
        } else {
            w.state = WorkerState::Pausing;
            c.c.empty_receives += 1;
            sim.after(c.p.empty_poll_pause, Event::Poll(ci as u16, wi as u32));
        }
        self.dead_letter(qi, sim);
        self.arm(qi, sim);
    }

    /// Moves what the last receive set aside to the queue's DLQ, and wakes the
    /// DLQ's timer so that its own consumers see them.
    fn dead_letter(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        if self.scratch_dlq.is_empty() {
            return;
        }
        let now = sim.now();
        let dlq = self.queues[qi]
            .p
            .dlq
            .expect("only queues with a DLQ set messages aside") as usize;
        for &slot in &self.scratch_dlq {
            // Redrive sends it back to where it was dead-lettered from.
            self.arena.get_mut(slot).origin = qi as u16;
            self.queues[dlq].adopt(&mut self.arena, slot, now);
        }
        self.scratch_dlq.clear();
        let q = &mut self.queues[dlq];
        if !q.waiters.is_empty() && q.timer_at.is_none_or(|a| a > now) {
            q.timer_at = Some(now);
            sim.at(now, Event::QueueTimer(dlq as u16));
        }
    }

    fn start_next(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let c = &mut self.consumers[ci];
        let r = c.workers[wi].batch[c.workers[wi].pos];
        let cost = self.arena.get(r.slot).cost;
        let s = c.draw_processing_s(cost);
        sim.after(from_secs(s), Event::WorkerDone(ci as u16, wi as u32));
    }

    fn worker_done(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let c = &mut self.consumers[ci];
        let qi = c.p.queue as usize;
        let r: Receipt = c.workers[wi].batch[c.workers[wi].pos];
        c.c.completions += 1;
        // Only the latest receipt may change the message's visibility.
        let held = self.queues[qi].holds(&self.arena, r);
        let m = self.arena.get_mut(r.slot);
        m.holders -= 1;
        if c.fails(m.poison) {
            c.c.failures += 1;
            if c.p.on_failure == OnFailure::ChangeVisibility && held {
                let attempt = m.receive_count.saturating_sub(1);
                let d = c.draw_backoff_s(attempt, m.backoff_prev_s as f64);
                m.backoff_prev_s = d as f32;
                self.queues[qi].change_visibility(&mut self.arena, r, now, from_secs(d));
            }
        } else {
            c.c.successes += 1;
            m.successes += 1;
            if m.successes == 1 {
                c.c.goodput += 1;
                c.e2e.record(now - m.published);
            } else {
                c.c.duplicates += 1;
            }
            self.queues[qi].delete(&mut self.arena, r, now);
        }
        if let Some(successes) = self.arena.release_if_done(r.slot)
            && successes >= 2
        {
            self.applied_more_than_once += 1;
        }
        let w = &mut c.workers[wi];
        w.pos += 1;
        if w.pos < w.batch.len() {
            self.start_next(ci, wi, sim);
        } else {
            c.busy -= 1;
            self.poll(ci, wi, None, sim);
        }
        self.serve_waiters(qi, sim);
        self.arm(qi, sim);
    }

    /// A DLQ redrive tick: moves up to rate × tick messages back to the queues they
    /// were dead-lettered from (receive count reset, original publish time kept).
    /// It runs from its start time until the DLQ has nothing visible.
    fn redrive(&mut self, ri: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let qi = self.redrives[ri].queue as usize;
        let mut budget = self.redrives[ri].budget + self.redrives[ri].rate * to_secs(REDRIVE_TICK);
        while budget >= 1.0 {
            let Some(slot) = self.queues[qi].take_visible(&mut self.arena, now) else {
                break;
            };
            budget -= 1.0;
            let origin = self.arena.get(slot).origin as usize;
            self.arena.get_mut(slot).receive_count = 0;
            self.queues[qi].c.redriven += 1;
            self.queues[origin].adopt(&mut self.arena, slot, now);
            self.serve_waiters(origin, sim);
            self.arm(origin, sim);
        }
        if self.queues[qi].has_visible() {
            self.redrives[ri].budget = budget;
            sim.after(REDRIVE_TICK, Event::Redrive(ri as u16));
        } else {
            self.redrives[ri].budget = 0.0;
        }
        self.arm(qi, sim);
    }

    fn sample(&mut self, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        for c in &mut self.consumers {
            c.settle_waits(now);
        }
        let mut sampler = std::mem::take(&mut self.sampler);
        sampler.record(self, now);
        self.sampler = sampler;
        sim.after(self.sample_interval, Event::Sample);
    }

    pub fn reset_stats(&mut self, now: SimTime) {
        for q in &mut self.queues {
            q.reset_stats(now);
        }
        for c in &mut self.consumers {
            c.reset_stats();
        }
    }
}
