//! Checks for push topics, what publishes to them, their endpoint
//! subscriptions' delivery policies, and prefetch consumers.

use super::names::{Names, shown};
use super::{Checker, names_unique};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::*;
use std::collections::{HashMap, HashSet};

/// Queues by what a subscription needs to know of them.
struct Queues {
    names: Names,
    fifo: HashSet<String>,
    redriven: HashSet<String>,
}

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    let names = Names::new(s.pushes.iter().map(|t| t.name.clone()));
    let queues = Queues {
        names: Names::new(s.queues.iter().map(|q| q.name.clone())),
        fifo: s
            .queues
            .iter()
            .filter(|q| q.fifo)
            .map(|q| q.name.clone())
            .collect(),
        redriven: s
            .queues
            .iter()
            .filter(|q| q.redrive.is_some())
            .map(|q| q.name.clone())
            .collect(),
    };
    let mut endpoints: HashMap<&str, usize> = HashMap::new();
    for co in &s.consumers {
        if let Some(t) = &co.push {
            *endpoints.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut paths = vec![];
    for (i, t) in s.pushes.iter().enumerate() {
        let p = root.key("push").index(i);
        paths.push((p.key("name"), t.name.clone()));
        let mut subscribed = HashSet::new();
        for (j, q) in t.queues.iter().enumerate() {
            let k = p.key("queues").index(j);
            standard_queue(c, k.clone(), q, &queues);
            if !subscribed.insert(q.as_str()) {
                c.fail(
                    k,
                    format!("`{}` is subscribed twice", shown(q)),
                    "each queue once",
                );
            }
        }
        if t.queues.is_empty() && !endpoints.contains_key(t.name.as_str()) {
            c.fail(
                p.clone(),
                format!("push topic `{}` has no subscription", shown(&t.name)),
                "`queues = [\"<queue>\"]`, or a `[[consumer]]` with `push = \"<topic>\"`",
            );
        }
    }
    names_unique(c, "push topic", &paths);
    for (i, pr) in s.producers.iter().enumerate() {
        let Some(t) = &pr.push else { continue };
        let p = root.key("producer").index(i);
        c.reference(p.key("push"), "push topic", t, &names);
        if pr.queue.is_some() || pr.topic.is_some() {
            c.fail(
                p.key("push"),
                "a producer with a push topic and a queue or topic",
                "one of `queue`, `topic` or `push`",
            );
        }
        if pr.initial_backlog > 0 {
            c.fail(
                p.key("initial_backlog"),
                "a push topic keeps nothing to start with",
                "no `initial_backlog` on a push producer (give it to a queue)",
            );
        }
    }
    for (i, co) in s.consumers.iter().enumerate() {
        let p = root.key("consumer").index(i);
        if let Some(n) = co.prefetch {
            prefetch(c, &p, co, n);
        }
        let Some(t) = &co.push else {
            if co.delivery.is_some() {
                c.fail(
                    p.key("delivery"),
                    "a delivery policy on a consumer that is not pushed to",
                    "`push = \"<push topic>\"` on this consumer, or no `[consumer.delivery]`",
                );
            }
            continue;
        };
        c.reference(p.key("push"), "push topic", t, &names);
        if co.queue.is_some() || co.topic.is_some() {
            c.fail(
                p.key("push"),
                "a consumer with a push topic and a queue or topic",
                "one of `queue`, `topic` or `push`",
            );
        }
        for (key, set) in [
            ("lambda", co.lambda.is_some()),
            ("batch_size", co.batch_size.is_some()),
            ("group", co.group.is_some()),
        ] {
            if set {
                c.fail(
                    p.key(key),
                    format!("`{key}` does not apply to a push endpoint"),
                    "an endpoint takes one delivery per worker; leave it out",
                );
            }
        }
        let d = co.delivery.clone().unwrap_or_default();
        delivery(c, &p.key("delivery"), &d, &queues);
    }
}

/// A queue that a standard push topic may deliver to.
fn standard_queue(c: &mut Checker, k: KeyPath, q: &str, queues: &Queues) {
    if !c.reference(k.clone(), "queue", q, &queues.names) {
        return;
    }
    if queues.fifo.contains(q) {
        c.fail(
            k,
            format!("`{}` is a FIFO queue", shown(q)),
            "a standard queue (SNS delivers to FIFO queues only from FIFO topics, not modelled)",
        );
    }
}

fn delivery(c: &mut Checker, k: &KeyPath, d: &DeliveryConfig, queues: &Queues) {
    let p = d.resolve();
    let http = d.preset == DeliveryPreset::Http;
    c.range(
        k.key("min_delay_s"),
        p.min_delay_s,
        1e-3,
        HTTP_MAX_TOTAL_S,
        "seconds in (0, 3600] (SNS minDelayTarget: 1 s or more)",
    );
    c.range(
        k.key("max_delay_s"),
        p.max_delay_s,
        p.min_delay_s.max(1e-3),
        HTTP_MAX_TOTAL_S,
        "seconds from min_delay_s to 3600 (SNS maxDelayTarget)",
    );
    if let Some(m) = p.max_s {
        let hi = if http { HTTP_MAX_TOTAL_S } else { 1e12 };
        c.range(
            k.key("max_s"),
            m,
            1e-3,
            hi,
            "seconds > 0 (HTTP/S: at most 3600)",
        );
    }
    c.range(
        k.key("timeout_s"),
        p.timeout_s,
        1e-6,
        1e9,
        "seconds > 0 (SNS HTTP/S: 15)",
    );
    if let Some(r) = p.throttle_per_s {
        c.range(
            k.key("throttle_per_s"),
            r,
            1e-6,
            1e9,
            "deliveries per second > 0 (SNS maxReceivesPerSecond)",
        );
    }
    if http && p.retries() > HTTP_MAX_RETRIES as u64 {
        c.fail(
            k.clone(),
            format!("{} retries in all", p.retries()),
            "at most 100 retries for an HTTP/S endpoint (SNS numRetries)",
        );
    }
    let total = p.total_delay_s();
    if http && total > HTTP_MAX_TOTAL_S && total.is_finite() {
        c.fail(
            k.clone(),
            format!("the retries' delays add up to {total:.0} s"),
            "at most 3600 s in all for an HTTP/S endpoint (an SNS hard limit), or `preset = \"aws_managed\"`",
        );
    }
    if let Some(q) = &d.dead_letter_queue {
        let kq = k.key("dead_letter_queue");
        standard_queue(c, kq.clone(), q, queues);
        if queues.redriven.contains(q.as_str()) {
            c.fail(
                kq,
                format!("`{}` has a redrive", shown(q)),
                "a subscription's dead-letter queue without `redrive` (there is no queue to move its copies back to)",
            );
        }
    }
}

fn prefetch(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig, n: u32) {
    if n == 0 {
        c.fail(
            p.key("prefetch"),
            "a prefetch of 0 (RabbitMQ reads it as unlimited)",
            "a whole number ≥ 1; a large one for \"unlimited\"",
        );
    }
    for (key, set) in [
        ("topic", co.topic.is_some()),
        ("push", co.push.is_some()),
        ("lambda", co.lambda.is_some()),
        ("batch_size", co.batch_size.is_some()),
    ] {
        if set {
            c.fail(
                p.key(key),
                format!("`{key}` does not go with `prefetch`"),
                "a worker pool on a queue, which the queue pushes to",
            );
        }
    }
}
