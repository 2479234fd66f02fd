//! The bookkeeping floor of flowsim's M/M/c path: the bare loop
//! (`bare_mmc.rs`) plus the records flowsim's outputs of that model cannot do
//! without, kept with flowsim's own recorders, and nothing else. It splits the
//! gap between flowsim and the bare loop in two: what the outputs cost (this
//! loop over the bare one) and what a general engine costs (flowsim over this
//! loop).
//!
//! Per message it keeps what an SQS-like queue and its report need:
//! - a slot (publish time, receipt generation, state), freed when deleted;
//! - a receive under a receipt, with a visibility deadline in a time-ordered
//!   line that the loop drains lazily, and a delete that checks the receipt;
//! - the queue's time-weighted levels (visible, in flight, held: Little's L);
//! - the time waited before the first receive, and the end-to-end latency
//!   (publish to processed) in a run histogram and in the sampling interval's
//!   recorder.
//!
//! Time series samples are left out: the bench's scenario takes one every
//! 1000 s, 111 of them in a run.

use flowsim::engine::SimTime;
use flowsim::metrics::interval_latency::IntervalLatency;
use flowsim::metrics::latency::Latency;
use flowsim::metrics::level::Levels;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What the loop measured: customers served, their mean wait in queue, and
/// the mean number held (visible or in flight).
pub struct FloorResult {
    pub served: u64,
    pub mean_wait_s: f64,
    pub mean_held: f64,
    pub p99_latency_s: f64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    /// A worker is done with the message it received under this receipt.
    Departure {
        slot: u32,
        generation: u32,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Visible,
    InFlight,
    Free,
}

#[derive(Clone, Copy)]
struct Slot {
    published: SimTime,
    deadline: SimTime,
    generation: u32,
    state: State,
    received_once: bool,
}

/// The queue's side: slots, the line of visible messages, the visibility
/// deadlines, the levels.
struct Queue {
    slots: Vec<Slot>,
    free: Vec<u32>,
    ready: VecDeque<u32>,
    deadlines: VecDeque<(SimTime, u32, u32)>,
    visible: u64,
    in_flight: u64,
    levels: Levels<3>,
    wait: Latency,
    visibility: SimTime,
}

impl Queue {
    fn track(&mut self, now: SimTime) {
        let held = self.visible + self.in_flight;
        self.levels
            .advance(now, [self.visible, self.in_flight, held]);
    }

    fn publish(&mut self, now: SimTime) {
        self.track(now);
        let slot = Slot {
            published: now,
            deadline: SimTime::MAX,
            generation: 0,
            state: State::Visible,
            received_once: false,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = slot;
                i
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        self.ready.push_back(i);
        self.visible += 1;
    }

    /// Receives the oldest visible message: its receipt.
    fn receive(&mut self, now: SimTime) -> Option<(u32, u32)> {
        let i = self.ready.pop_front()?;
        self.track(now);
        let s = &mut self.slots[i as usize];
        s.generation = s.generation.wrapping_add(1);
        s.state = State::InFlight;
        s.deadline = now + self.visibility;
        if !s.received_once {
            s.received_once = true;
            self.wait.record(now - s.published);
        }
        let receipt = (i, s.generation);
        self.deadlines.push_back((s.deadline, i, s.generation));
        self.visible -= 1;
        self.in_flight += 1;
        Some(receipt)
    }

    /// Deletes under a receipt; the publish time of what it deleted.
    fn delete(&mut self, now: SimTime, slot: u32, generation: u32) -> Option<SimTime> {
        let s = &mut self.slots[slot as usize];
        if s.generation != generation || s.state != State::InFlight {
            return None;
        }
        s.state = State::Free;
        let published = s.published;
        self.track(now);
        self.in_flight -= 1;
        self.free.push(slot);
        // Deadlines of deleted messages go when they come due: none is ever
        // due here (processing is far shorter than the visibility timeout),
        // but the line is kept to what is in flight.
        while let Some(&(due, i, g)) = self.deadlines.front() {
            let live = self.slots[i as usize].generation == g
                && self.slots[i as usize].state == State::InFlight;
            if live && due > now {
                break;
            }
            self.deadlines.pop_front();
        }
        Some(published)
    }
}

type Heap = BinaryHeap<Reverse<(u64, u64, Kind)>>;

fn ns(s: f64) -> SimTime {
    (s * 1e9) as u64
}

fn exp(rng: &mut Xoshiro256PlusPlus, rate: f64) -> SimTime {
    let x: f64 = Exp1.sample(rng);
    ns(x / rate)
}

/// A free worker receives the oldest visible message, if any, and is done
/// with it after an exponential time.
fn start(
    now: SimTime,
    q: &mut Queue,
    heap: &mut Heap,
    seq: &mut u64,
    rng: &mut Xoshiro256PlusPlus,
    mu: f64,
) -> bool {
    let Some((slot, generation)) = q.receive(now) else {
        return false;
    };
    *seq += 1;
    let at = now + exp(rng, mu);
    heap.push(Reverse((at, *seq, Kind::Departure { slot, generation })));
    true
}

/// M/M/`servers` with arrival rate `lambda` and service rate `mu` per server,
/// in integer nanoseconds like flowsim, until `horizon_s`; a 30 s visibility
/// timeout and 1000 s sampling intervals, as the bench's scenario.
pub fn run(lambda: f64, mu: f64, servers: u32, horizon_s: f64, seed: u64) -> FloorResult {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let horizon = ns(horizon_s);
    let mut heap = Heap::new();
    let mut seq = 0u64;
    heap.push(Reverse((exp(&mut rng, lambda), seq, Kind::Arrival)));
    let mut q = Queue {
        slots: Vec::new(),
        free: Vec::new(),
        ready: VecDeque::new(),
        deadlines: VecDeque::new(),
        visible: 0,
        in_flight: 0,
        levels: Levels::default(),
        wait: Latency::default(),
        visibility: ns(30.0),
    };
    let mut e2e = Latency::default();
    let mut recent = IntervalLatency::new(ns(1000.0));
    let mut idle = servers;
    let mut served = 0u64;
    let mut end = 0;
    while let Some(Reverse((now, _, kind))) = heap.pop() {
        if now > horizon {
            break;
        }
        end = now;
        match kind {
            Kind::Arrival => {
                seq += 1;
                heap.push(Reverse((now + exp(&mut rng, lambda), seq, Kind::Arrival)));
                q.publish(now);
                if idle > 0 && start(now, &mut q, &mut heap, &mut seq, &mut rng, mu) {
                    idle -= 1;
                }
            }
            Kind::Departure { slot, generation } => {
                if let Some(published) = q.delete(now, slot, generation) {
                    served += 1;
                    e2e.record_at(now - published, now);
                    recent.record(now - published, now);
                }
                if !start(now, &mut q, &mut heap, &mut seq, &mut rng, mu) {
                    idle += 1;
                }
            }
        }
    }
    FloorResult {
        served,
        mean_wait_s: q.wait.mean_s(),
        mean_held: q.levels.mean(end, 2, q.visible + q.in_flight),
        p99_latency_s: e2e.quantile_ns(0.99) as f64 / 1e9,
    }
}
