//! A worst-case estimate of a run's memory, from the scenario alone, before
//! anything is allocated. Each part is a collection that grows with the input
//! and the key that sizes it: the messages held (up to `run.max_backlog`,
//! which counts producers' buffers and clients' requests too), the workers
//! and their events, the clients of closed loops, the topics' partitions,
//! and what the time series keeps. Sizes are the model's own types', with room
//! for a vector's doubling.

use super::super::diagnostics::KeyPath;
use super::super::validate::Problem;
use super::{MemoryBudget, bytes};
use crate::scenario::{EVENT_SOURCE_LIMIT, Scenario};
use std::mem::size_of;

/// One entry of the event heap (its key and the event).
const EVENT_BYTES: u64 = (size_of::<crate::model::Event>() + 16) as u64;
/// A held message: its arena slot, its place in a queue's index, a receipt,
/// and half as much again for vectors grown by doubling (on average; a
/// 10-million backlog measures about 59 bytes a message).
const MESSAGE_BYTES: u64 = 3 * (size_of::<crate::model::message::Stored>() as u64 + 16) / 2;
/// A worker or poller: its state, its pending event, a waiter's entry.
const WORKER_BYTES: u64 = size_of::<crate::model::consumer::Worker>() as u64 + EVENT_BYTES + 16;
/// A closed-loop client: its request and its pending timer.
const CLIENT_BYTES: u64 = size_of::<crate::model::client::Request>() as u64 + EVENT_BYTES;
/// A key's latest application (`consumer/key_order.rs`): a hash map's
/// entry, its control byte and its load factor's spare room, doubled.
const KEY_ORDER_BYTES: u64 = 48;
/// A partition of a topic, and each group's place in it.
const PARTITION_BYTES: u64 = 256;
/// What the verdict keeps per row of the time series (its final window, the
/// recovery's totals, the low points), and per value of the charts' copy.
const ROW_BYTES: u64 = 96;
const CHART_VALUE_BYTES: u64 = 24;
/// The program itself, its allocator, the charts being drawn.
const BASE_BYTES: u64 = 64 << 20;

/// A collection and what it may take.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The key that sizes it.
    pub path: KeyPath,
    /// What it is, e.g. "1,000 workers of consumer `w`".
    pub what: String,
    pub bytes: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Estimate {
    pub parts: Vec<Part>,
}

impl Estimate {
    pub fn total(&self) -> u64 {
        self.parts
            .iter()
            .fold(BASE_BYTES, |t, p| t.saturating_add(p.bytes))
    }
    /// The part that takes the most.
    pub fn largest(&self) -> Option<&Part> {
        self.parts.iter().max_by_key(|p| p.bytes)
    }
    fn add(&mut self, path: KeyPath, what: String, n: u64, each: u64) {
        self.parts.push(Part {
            path,
            what,
            bytes: n.saturating_mul(each),
        });
    }
}

/// The scenario's worst case; the scenario must have passed validation.
pub fn estimate(s: &Scenario) -> Estimate {
    let root = KeyPath::root();
    let mut e = Estimate::default();
    e.add(
        root.key("run").key("max_backlog"),
        format!(
            "up to {} messages held (run.max_backlog)",
            s.run.max_backlog
        ),
        s.run.max_backlog,
        MESSAGE_BYTES,
    );
    for (i, c) in s.consumers.iter().enumerate() {
        let p = root.key("consumer").index(i);
        let (path, n) = match &c.lambda {
            Some(l) => (
                p.key("lambda").key("max_concurrency"),
                l.max_concurrency
                    .unwrap_or(EVENT_SOURCE_LIMIT)
                    .min(EVENT_SOURCE_LIMIT),
            ),
            None if c.autoscale.is_some() => {
                (p.key("autoscale").key("max_workers"), c.most_workers())
            }
            None => (p.key("workers"), c.workers()),
        };
        e.add(
            path,
            format!("{n} workers of consumer {}", i + 1),
            u64::from(n),
            WORKER_BYTES,
        );
    }
    // A consumer of keyed messages keeps each key's latest application
    // (and each entity's, for a composite key): up to every key drawn.
    let keyed = crate::model::keyed::KeyedNodes::of(s);
    let keyed_consumers = s
        .consumers
        .iter()
        .filter(|c| keyed.input_parts(c).is_some())
        .count() as u64;
    if keyed_consumers > 0 {
        for (i, p) in s.producers.iter().enumerate() {
            let m = &p.message;
            let keys = u64::from(m.keys) * u64::from(m.key_parts.max(1))
                + if m.key_parts > 1 {
                    u64::from(m.keys)
                } else {
                    0
                };
            if keys > 0 {
                e.add(
                    root.key("producer").index(i).key("message").key("keys"),
                    format!(
                        "the order of {} keys (producer {}) at {keyed_consumers} consumers",
                        m.keys,
                        i + 1
                    ),
                    keys.saturating_mul(keyed_consumers),
                    KEY_ORDER_BYTES,
                );
            }
        }
    }
    for (i, p) in s.producers.iter().enumerate() {
        if let Some(b) = &p.publish {
            // Buffered messages count towards run.max_backlog too.
            let n = u64::from(b.buffer).min(s.run.max_backlog);
            e.add(
                root.key("producer").index(i).key("publish").key("buffer"),
                format!("a publish buffer of {n} messages (producer {})", i + 1),
                n,
                MESSAGE_BYTES,
            );
        }
    }
    for (i, c) in s.clients.iter().enumerate() {
        if let Some(n) = c.count {
            e.add(
                root.key("client").index(i).key("count"),
                format!("{n} clients of `{}`", c.name),
                u64::from(n),
                CLIENT_BYTES,
            );
        }
    }
    for (i, t) in s.topics.iter().enumerate() {
        let groups = s
            .consumers
            .iter()
            .filter(|c| c.topic.as_deref() == Some(&t.name))
            .count() as u64;
        e.add(
            root.key("topic").index(i).key("partitions"),
            format!("{} partitions of topic `{}`", t.partitions, t.name),
            u64::from(t.partitions),
            PARTITION_BYTES * (1 + groups),
        );
    }
    let rows = super::series::rows(s);
    let chart_rows = rows.min(crate::metrics::series::bounded::MAX_ROWS as u64);
    e.parts.push(Part {
        path: root.key("run").key("sample_interval_s"),
        what: format!("{rows} rows of the time series"),
        bytes: rows.saturating_mul(ROW_BYTES).saturating_add(
            chart_rows
                .saturating_mul(super::series::columns(s))
                .saturating_mul(CHART_VALUE_BYTES),
        ),
    });
    e
}

/// The scenario's worst case beyond the budget, at the key of its largest
/// part.
pub fn check(e: &Estimate, budget: &MemoryBudget) -> Option<Problem> {
    let total = e.total();
    if total <= budget.bytes {
        return None;
    }
    let big = e.largest()?;
    let key = big.path.to_string();
    Some(
        Problem::new(
            big.path.clone(),
            format!(
                "this scenario may need up to {} of memory, beyond the budget of {budget}",
                bytes(total)
            ),
            format!(
                "a scenario that fits in {}; the most is {}: {}",
                bytes(budget.bytes),
                big.what,
                bytes(big.bytes)
            ),
        )
        .with_hint(format!(
            "lower `{key}`, or raise the budget with `--memory-budget {}` if the machine has the memory",
            round_up_gib(total)
        )),
    )
}

/// A budget that would fit `bytes`, in whole GiB.
fn round_up_gib(bytes: u64) -> String {
    format!("{}GiB", bytes.div_ceil(1 << 30).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    /// A small scenario, with lines added to its `[run]` and its consumer.
    fn with(run: &str, consumer: &str) -> Scenario {
        load_str(
            "t.toml",
            &format!(
                "[run]\nhorizon_s = 10\n{run}\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1.0\n[[consumer]]\nprocessing_s = {{ dist = \"constant\", mean = 0.1 }}\n{consumer}"
            ),
        )
        .expect("valid")
    }

    fn scenario(consumer: &str) -> Scenario {
        with("", consumer)
    }

    fn budget(bytes: u64) -> MemoryBudget {
        MemoryBudget {
            bytes,
            source: super::super::budget::Source::Flag,
        }
    }

    #[test]
    fn the_defaults_fit_well_under_a_gigabyte() {
        let e = estimate(&scenario(""));
        assert!(e.total() < 1 << 30, "{}", bytes(e.total()));
        assert!(check(&e, &budget(1 << 30)).is_none());
    }

    #[test]
    fn workers_are_counted_and_blamed() {
        let s = scenario("workers = 4294967295");
        let e = estimate(&s);
        let big = e.largest().unwrap();
        assert_eq!(big.path.to_string(), "consumer[0].workers");
        assert!(big.bytes >= 4294967295 * 64);
        let p = check(&e, &budget(8 << 30)).expect("refused");
        let shown = p.describe();
        assert!(shown.contains("consumer[0].workers"), "{shown}");
        assert!(shown.contains("8.0 GiB"), "{shown}");
    }

    #[test]
    fn the_backlog_cap_sizes_the_messages() {
        let small = estimate(&with("max_backlog = 1000", "")).total();
        let large = estimate(&with("max_backlog = 1000000000", "")).total();
        assert!(large > small + 1_000_000_000 * 64);
        let e = estimate(&with("max_backlog = 1000000000", ""));
        assert_eq!(e.largest().unwrap().path.to_string(), "run.max_backlog");
    }

    #[test]
    fn batch_size_costs_nothing_up_front() {
        // A batch grows with what is received, within the messages held.
        let a = estimate(&scenario("batch_size = 1000000000")).total();
        let b = estimate(&scenario("")).total();
        assert_eq!(a, b);
    }

    #[test]
    fn closed_loop_clients_and_buffers_count() {
        let base = estimate(&scenario("")).total();
        let buffered = scenario("");
        let mut with_buffer = buffered.clone();
        with_buffer.producers[0].publish = Some(crate::scenario::PublishConfig {
            buffer: 1_000_000,
            ..Default::default()
        });
        assert!(estimate(&with_buffer).total() >= base + 1_000_000 * 64);
    }

    #[test]
    fn the_series_rows_count() {
        let few = estimate(&scenario("")).total();
        let many = estimate(&with("sample_interval_s = 0.00001", "")).total();
        assert!(many >= few + 1_000_000 * 64);
    }
}
