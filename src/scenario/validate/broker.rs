//! `[[broker]]`: a node's memory, its watermark, its reading interval, and
//! the queues it holds — each queue on one node at most.

use super::names::Names;
use super::{Checker, KeyPath, names_unique};
use crate::scenario::Scenario;
use std::collections::HashMap;

pub(super) fn check(c: &mut Checker, s: &Scenario, queues: &Names) {
    let root = KeyPath::root();
    let paths: Vec<_> = s
        .brokers
        .iter()
        .enumerate()
        .map(|(i, b)| (root.key("broker").index(i).key("name"), b.name.clone()))
        .collect();
    names_unique(c, "broker", &paths);
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (i, b) in s.brokers.iter().enumerate() {
        let p = root.key("broker").index(i);
        c.range(
            p.key("memory_mb"),
            b.memory_mb,
            1e-6,
            1e9,
            "megabytes > 0 (the node's memory)",
        );
        c.range(
            p.key("high_watermark"),
            b.high_watermark,
            1e-6,
            1.0,
            "a share of the memory in (0, 1] (RabbitMQ's default: 0.6)",
        );
        if b.queues.is_empty() {
            c.fail(
                p.key("queues"),
                "a broker with no queue",
                "the names of the queues it holds",
            );
        }
        for (j, q) in b.queues.iter().enumerate() {
            let k = p.key("queues").index(j);
            c.queue_ref(k.clone(), Some(q), queues);
            if let Some(other) = owner.insert(q.as_str(), b.name.as_str()) {
                c.fail(
                    k,
                    format!("queue `{q}` is already on broker `{other}`"),
                    "each queue on one broker",
                );
            }
        }
    }
}
