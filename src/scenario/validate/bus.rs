//! Checks for event buses: their event types and shares, each rule's filter,
//! targets and retry policy, and what publishes to a bus.

use super::names::{Names, shown};
use super::{Checker, names_unique};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::*;
use std::collections::HashSet;

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    let names = Names::new(s.buses.iter().map(|b| b.name.clone()));
    let queues = Names::new(s.queues.iter().map(|q| q.name.clone()));
    let pushes = Names::new(s.pushes.iter().map(|t| t.name.clone()));
    let mut paths = vec![];
    for (i, b) in s.buses.iter().enumerate() {
        let p = root.key("bus").index(i);
        paths.push((p.key("name"), b.name.clone()));
        event_types(c, &p, b);
        if b.rules.is_empty() {
            c.fail(
                p.clone(),
                format!(
                    "bus `{}` has no rule: every event is discarded",
                    shown(&b.name)
                ),
                "a `[[bus.rule]]` with `queues = [\"<queue>\"]` or `push_topics = [...]`",
            );
        }
        let mut rule_paths = vec![];
        for (j, r) in b.rules.iter().enumerate() {
            let k = p.key("rule").index(j);
            rule_paths.push((k.key("name"), r.name.clone()));
            rule(c, &k, b, r, &queues, &pushes);
        }
        names_unique(c, "rule", &rule_paths);
    }
    names_unique(c, "bus", &paths);
    for (i, pr) in s.producers.iter().enumerate() {
        let Some(b) = &pr.bus else { continue };
        let p = root.key("producer").index(i);
        c.reference(p.key("bus"), "bus", b, &names);
        if pr.queue.is_some() || pr.topic.is_some() || pr.push.is_some() {
            c.fail(
                p.key("bus"),
                "a producer with a bus and a queue, topic or push topic",
                "one of `queue`, `topic`, `push` or `bus`",
            );
        }
        if pr.initial_backlog > 0 {
            c.fail(
                p.key("initial_backlog"),
                "a bus keeps nothing to start with",
                "no `initial_backlog` on a bus producer (give it to a queue)",
            );
        }
    }
    for (i, co) in s.consumers.iter().enumerate() {
        let Some(o) = &co.publish else { continue };
        let p = root.key("consumer").index(i).key("publish");
        if let Some(b) = &o.bus {
            c.reference(p.key("bus"), "bus", b, &names);
        }
        if let Some(t) = &o.push {
            c.reference(p.key("push"), "push topic", t, &pushes);
        }
        if let Some(t) = &o.topic {
            let topics = Names::new(s.topics.iter().map(|t| t.name.clone()));
            if c.reference(p.key("topic"), "topic", t, &topics)
                && s.topics
                    .iter()
                    .any(|x| &x.name == t && x.replication.is_some())
            {
                c.fail(
                    p.key("topic"),
                    "a stage publishing to a replicated topic (its acks and leader are not modelled for a stage)",
                    "a topic without `[topic.replication]`",
                );
            }
        }
    }
}

fn event_types(c: &mut Checker, p: &KeyPath, b: &BusConfig) {
    let k = p.key("event_types");
    if b.event_types.len() > 64 {
        c.fail(
            k.clone(),
            format!("{} event types", b.event_types.len()),
            "at most 64 event types",
        );
    }
    for (name, &share) in &b.event_types {
        c.range(k.key(name), share, 0.0, 1.0, "a share from 0 to 1");
    }
    let total: f64 = b.event_types.values().sum();
    if !b.event_types.is_empty() && (total - 1.0).abs() > 1e-6 {
        c.fail(
            k,
            format!("the shares add up to {total}"),
            "shares that add up to 1",
        );
    }
}

fn rule(
    c: &mut Checker,
    k: &KeyPath,
    b: &BusConfig,
    r: &RuleConfig,
    queues: &Names,
    pushes: &Names,
) {
    for (j, t) in r.event_types.iter().enumerate() {
        if !b.event_types.contains_key(t) {
            let known: Vec<&str> = b.event_types.keys().map(String::as_str).collect();
            c.fail(
                k.key("event_types").index(j),
                format!("`{}` is not one of the bus's event types", shown(t)),
                if known.is_empty() {
                    "give the bus `event_types = { <type> = <share>, ... }` first".to_string()
                } else {
                    format!("one of: {}", known.join(", "))
                },
            );
        }
    }
    if let Some([lo, hi]) = r.keys
        && lo > hi
    {
        c.fail(
            k.key("keys"),
            format!("[{lo}, {hi}] is empty"),
            "[first, last] with first ≤ last",
        );
    }
    if r.queues.is_empty() && r.push_topics.is_empty() {
        c.fail(
            k.clone(),
            format!("rule `{}` has no target", shown(&r.name)),
            "`queues = [\"<queue>\"]` or `push_topics = [\"<push topic>\"]`",
        );
    }
    let mut seen = HashSet::new();
    for (j, q) in r.queues.iter().enumerate() {
        let path = k.key("queues").index(j);
        if c.reference(path.clone(), "queue", q, queues) && !seen.insert(q.as_str()) {
            c.fail(
                path,
                format!("`{}` is a target twice", shown(q)),
                "each queue once",
            );
        }
    }
    for (j, t) in r.push_topics.iter().enumerate() {
        c.reference(k.key("push_topics").index(j), "push topic", t, pushes);
    }
    if r.max_retry_attempts > MAX_RETRY_ATTEMPTS {
        c.fail(
            k.key("max_retry_attempts"),
            format!("{} retries", r.max_retry_attempts),
            "0 to 185 (EventBridge's limit)",
        );
    }
    c.range(
        k.key("max_event_age_s"),
        r.max_event_age_s,
        MIN_EVENT_AGE_S,
        MAX_EVENT_AGE_S,
        "seconds from 60 to 86,400 (EventBridge's limits)",
    );
    if !(r.base_s.is_finite() && r.base_s > 0.0) {
        c.fail(
            k.key("base_s"),
            "a retry at the same instant, forever",
            "seconds > 0 (default 1)",
        );
    }
    c.range(
        k.key("cap_s"),
        r.cap_s,
        r.base_s.max(1e-9),
        MAX_EVENT_AGE_S,
        "seconds from base_s to 86,400",
    );
    if let Some(q) = &r.dead_letter_queue {
        c.reference(k.key("dead_letter_queue"), "queue", q, queues);
    }
}
