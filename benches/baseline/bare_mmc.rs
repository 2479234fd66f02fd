//! The speed of light for flowsim's M/M/c path: the same model as a bare event
//! loop, a binary heap of arrival and departure events and a FIFO of waiting
//! customers, with no queue semantics (no visibility, receipts, polling,
//! samples or percentiles). flowsim's time per customer is reported as a ratio
//! to this loop's, measured in the same process.
//!
//! Shared by the `engine` bench and the `bare_mmc` example (the whole-process
//! comparison against `flowsim run`).

use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What the loop measured: customers served and their mean wait in queue.
pub struct BareResult {
    pub served: u64,
    pub mean_wait_s: f64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    Departure,
}

/// M/M/`servers` with arrival rate `lambda` and service rate `mu` per server,
/// in integer nanoseconds like flowsim, until `horizon_s`.
pub fn run(lambda: f64, mu: f64, servers: u32, horizon_s: f64, seed: u64) -> BareResult {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let ns = |s: f64| (s * 1e9) as u64;
    let horizon = ns(horizon_s);
    let mut heap: BinaryHeap<Reverse<(u64, u64, Kind)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let exp = |rng: &mut Xoshiro256PlusPlus, rate: f64| -> u64 {
        let x: f64 = Exp1.sample(rng);
        ns(x / rate)
    };
    heap.push(Reverse((exp(&mut rng, lambda), seq, Kind::Arrival)));
    let mut waiting: VecDeque<u64> = VecDeque::new();
    let mut idle = servers;
    let (mut served, mut waited_ns) = (0u64, 0u128);
    while let Some(Reverse((now, _, kind))) = heap.pop() {
        if now > horizon {
            break;
        }
        match kind {
            Kind::Arrival => {
                seq += 1;
                heap.push(Reverse((now + exp(&mut rng, lambda), seq, Kind::Arrival)));
                if idle > 0 {
                    idle -= 1;
                    served += 1;
                    seq += 1;
                    heap.push(Reverse((now + exp(&mut rng, mu), seq, Kind::Departure)));
                } else {
                    waiting.push_back(now);
                }
            }
            Kind::Departure => match waiting.pop_front() {
                Some(arrived) => {
                    waited_ns += (now - arrived) as u128;
                    served += 1;
                    seq += 1;
                    heap.push(Reverse((now + exp(&mut rng, mu), seq, Kind::Departure)));
                }
                None => idle += 1,
            },
        }
    }
    BareResult {
        served,
        mean_wait_s: waited_ns as f64 / 1e9 / served.max(1) as f64,
    }
}
