//! Which components carry keyed messages: decided from the scenario before
//! the run, by following every path a message can take from a producer that
//! draws keys. A consumer whose input is keyed keeps the order of each key's
//! applications (`consumer/key_order.rs`); a pipeline stage publishing a keyed
//! message onward keys its records.
//!
//! A message keeps its key on every hop: through a push topic's fan-out, a
//! bus rule, a dead-letter queue or topic, retry tiers, and a pipeline stage's
//! publish. The paths form a graph of the scenario's brokers; the keyed ones
//! are found once, by a walk from the keyed producers that visits each hop
//! once (linear in the scenario, whatever its size).

use crate::scenario::{ConsumerConfig, Scenario};
use std::collections::HashMap;

/// Where messages can be: the four kinds of broker a scenario names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Node<'a> {
    Queue(&'a str),
    Topic(&'a str),
    Push(&'a str),
    Bus(&'a str),
}

/// The broker a consumer reads or is pushed from, by name.
pub(crate) fn input_of<'a>(s: &'a Scenario, c: &'a ConsumerConfig) -> Option<Node<'a>> {
    if let Some(t) = &c.topic {
        Some(Node::Topic(t))
    } else if let Some(p) = &c.push {
        Some(Node::Push(p))
    } else {
        match (&c.queue, s.queues.as_slice()) {
            (Some(q), _) => Some(Node::Queue(q)),
            (None, [only]) => Some(Node::Queue(&only.name)),
            _ => None,
        }
    }
}

/// The brokers keyed messages reach, each with the most parts a composite
/// key of theirs is split into (`key_parts`, 1 for a plain key).
pub(crate) struct KeyedNodes<'a> {
    parts: HashMap<Node<'a>, u32>,
    scenario: &'a Scenario,
}

impl<'a> KeyedNodes<'a> {
    pub(crate) fn of(s: &'a Scenario) -> KeyedNodes<'a> {
        let mut next: HashMap<Node<'a>, Vec<Node<'a>>> = HashMap::new();
        let mut edge = |from: Node<'a>, to: Node<'a>| next.entry(from).or_default().push(to);
        for q in &s.queues {
            if let Some(d) = &q.dead_letter_queue {
                edge(Node::Queue(&q.name), Node::Queue(d));
            }
        }
        for p in &s.pushes {
            for q in &p.queues {
                edge(Node::Push(&p.name), Node::Queue(q));
            }
        }
        for b in &s.buses {
            for r in &b.rules {
                let targets = r.queues.iter().chain(&r.dead_letter_queue);
                for q in targets {
                    edge(Node::Bus(&b.name), Node::Queue(q));
                }
                for p in &r.push_topics {
                    edge(Node::Bus(&b.name), Node::Push(p));
                }
            }
        }
        for c in &s.consumers {
            let Some(from) = input_of(s, c) else {
                continue;
            };
            // A stage publishes its input's key onward.
            if let Some(o) = &c.publish {
                let to = match (&o.push, &o.bus, &o.topic, &o.queue) {
                    (Some(p), ..) => Some(Node::Push(p)),
                    (None, Some(b), ..) => Some(Node::Bus(b)),
                    (None, None, Some(t), _) => Some(Node::Topic(t)),
                    (None, None, None, Some(q)) => Some(Node::Queue(q)),
                    (None, None, None, None) => None,
                };
                if let Some(to) = to {
                    edge(from, to);
                }
            }
            // An endpoint's dead-letter queue, retry tiers and parking, a
            // group's dead-letter (or next retry) topic.
            if let Some(d) = c
                .delivery
                .as_ref()
                .and_then(|d| d.dead_letter_queue.as_ref())
            {
                edge(from, Node::Queue(d));
            }
            if let Some(t) = &c.retry_tiers {
                for q in t.queues.iter().chain([&t.parking]) {
                    edge(from, Node::Queue(q));
                }
            }
            if let Some(t) = c.group.as_ref().and_then(|g| g.dead_letter_topic.as_ref()) {
                edge(from, Node::Topic(t));
            }
        }
        // The walk: from each keyed producer's broker, along the hops; a
        // broker is visited again only when more parts reach it.
        let single_queue = s.queues.len() == 1;
        let mut parts: HashMap<Node<'a>, u32> = HashMap::new();
        let mut todo: Vec<(Node<'a>, u32)> = vec![];
        for p in s.producers.iter().filter(|p| p.message.keys > 0) {
            let node = match (&p.topic, &p.push, &p.bus, &p.queue, s.queues.as_slice()) {
                (Some(t), ..) => Node::Topic(t),
                (None, Some(t), ..) => Node::Push(t),
                (None, None, Some(b), ..) => Node::Bus(b),
                (None, None, None, Some(q), _) => Node::Queue(q),
                (None, None, None, None, [only]) if single_queue => Node::Queue(&only.name),
                _ => continue,
            };
            todo.push((node, p.message.key_parts.max(1)));
        }
        while let Some((node, n)) = todo.pop() {
            let known = parts.entry(node).or_insert(0);
            if *known >= n {
                continue;
            }
            *known = n;
            for &to in next.get(&node).into_iter().flatten() {
                todo.push((to, n));
            }
        }
        KeyedNodes { parts, scenario: s }
    }

    /// The most parts of the composite keys a consumer applies; None when its
    /// messages carry no key.
    pub(crate) fn input_parts(&self, c: &'a ConsumerConfig) -> Option<u32> {
        let node = input_of(self.scenario, c)?;
        self.parts.get(&node).copied()
    }
}
