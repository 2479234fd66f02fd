//! Which components carry keyed messages: decided from the scenario before
//! the run, by following every path a message can take from a producer that
//! draws keys. A consumer whose input is keyed keeps the order of each key's
//! applications (`consumer/key_order.rs`); a pipeline stage publishing a keyed
//! message onward keys its records.
//!
//! A message keeps its key on every hop: through a push topic's fan-out, a
//! bus rule, a dead-letter queue or topic, and a pipeline stage's publish.

use crate::scenario::{ConsumerConfig, Scenario};

/// Where messages can be: the four kinds of broker a scenario names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
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

/// Whether the messages a consumer applies carry keys.
pub(crate) fn keyed_input(s: &Scenario, c: &ConsumerConfig) -> bool {
    input_of(s, c).is_some_and(|n| keyed(s, n, 0))
}

/// Whether messages with keys can reach `node`.
pub(crate) fn keyed(s: &Scenario, node: Node<'_>, depth: usize) -> bool {
    // Every path is a chain of hops through distinct components; deeper than
    // them all, it is a cycle already seen.
    let hops = s.queues.len() + s.topics.len() + s.pushes.len() + s.buses.len() + s.consumers.len();
    if depth > hops {
        return false;
    }
    let deeper = |n: Node<'_>| keyed(s, n, depth + 1);
    let single_queue = s.queues.len() == 1;
    let from_producer = s.producers.iter().filter(|p| p.message.keys > 0).any(|p| {
        match (node, &p.topic, &p.push, &p.bus, &p.queue) {
            (Node::Topic(t), Some(pt), ..) => pt == t,
            (Node::Push(t), None, Some(pp), ..) => pp == t,
            (Node::Bus(b), None, None, Some(pb), _) => pb == b,
            (Node::Queue(q), None, None, None, pq) => {
                pq.as_deref().map_or(single_queue, |n| n == q)
            }
            _ => false,
        }
    });
    if from_producer {
        return true;
    }
    // A pipeline stage publishes its input's key onward.
    let from_stage = s.consumers.iter().any(|c| {
        c.publish.as_ref().is_some_and(|o| {
            let to = match (&o.push, &o.bus, &o.topic, &o.queue) {
                (Some(p), ..) => Node::Push(p),
                (None, Some(b), ..) => Node::Bus(b),
                (None, None, Some(t), _) => Node::Topic(t),
                (None, None, None, Some(q)) => Node::Queue(q),
                (None, None, None, None) => return false,
            };
            to == node && input_of(s, c).is_some_and(deeper)
        })
    });
    if from_stage {
        return true;
    }
    match node {
        // Dead-lettered, fanned out by a push topic, or routed by a bus rule.
        Node::Queue(q) => {
            s.queues.iter().any(|src| {
                src.dead_letter_queue.as_deref() == Some(q) && deeper(Node::Queue(&src.name))
            }) || s
                .pushes
                .iter()
                .any(|p| p.queues.iter().any(|n| n == q) && deeper(Node::Push(&p.name)))
                || s.buses.iter().any(|b| {
                    b.rules.iter().any(|r| {
                        r.queues.iter().any(|n| n == q) || r.dead_letter_queue.as_deref() == Some(q)
                    }) && deeper(Node::Bus(&b.name))
                })
                // A consumer's own dead-letter queue (a push endpoint's),
                // retry tiers and parking queue.
                || s.consumers.iter().any(|c| {
                    let endpoint_dlq = c
                        .delivery
                        .as_ref()
                        .and_then(|d| d.dead_letter_queue.as_deref());
                    let tiers = c.retry_tiers.as_ref().is_some_and(|t| {
                        t.parking == q || t.queues.iter().any(|n| n == q)
                    });
                    (endpoint_dlq == Some(q) || tiers) && input_of(s, c).is_some_and(deeper)
                })
        }
        Node::Push(p) => s.buses.iter().any(|b| {
            b.rules.iter().any(|r| r.push_topics.iter().any(|n| n == p))
                && deeper(Node::Bus(&b.name))
        }),
        // A group's dead-letter (or next retry) topic.
        Node::Topic(t) => s.consumers.iter().any(|c| {
            c.group
                .as_ref()
                .is_some_and(|g| g.dead_letter_topic.as_deref() == Some(t))
                && input_of(s, c).is_some_and(deeper)
        }),
        Node::Bus(_) => false,
    }
}
