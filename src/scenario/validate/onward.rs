//! A pipeline stage's `[consumer.publish]`: the next queue, the count and
//! share published onward, and the backoff between refused attempts.

use super::names::Names;
use super::{Checker, KeyPath};
use crate::scenario::{ConsumerConfig, Delivery, OnwardConfig, Relay, WriteOrder};

pub(super) fn check(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig, queues: &Names) {
    let Some(o) = &co.publish else { return };
    let k = p.key("publish");
    if co.topic.is_some() || co.push.is_some() {
        c.fail(
            k.clone(),
            "a pipeline stage reads a queue",
            "leave `publish` out of a consumer of a topic or a push topic, or read a queue",
        );
    }
    let OnwardConfig {
        messages, fraction, ..
    } = o;
    let sinks = [
        o.queue.is_some(),
        o.push.is_some(),
        o.bus.is_some(),
        o.topic.is_some(),
    ];
    match sinks.iter().filter(|&&s| s).count() {
        0 => c.fail(
            k.clone(),
            "where does this stage publish?",
            "`queue = \"<next queue>\"`, `push = \"<push topic>\"`, `bus = \"<bus>\"` or `topic = \"<topic>\"`",
        ),
        1 => {}
        _ => c.fail(
            k.clone(),
            "a stage publishing to more than one of a queue, a push topic, a bus and a topic",
            "one of `queue`, `push`, `bus` or `topic` (fan out with a push topic or a bus)",
        ),
    }
    if let Some(q) = &o.queue {
        c.queue_ref(k.key("queue"), Some(q), queues);
    }
    if o.queue.is_some() && co.queue == o.queue {
        c.fail(
            k.key("queue"),
            "a stage publishing into the queue it reads",
            "the next stage's queue",
        );
    }
    if *messages == 0 {
        c.fail(
            k.key("messages"),
            "0 messages",
            "a whole number ≥ 1 (use `fraction` to publish onward for some only)",
        );
    }
    c.range(
        k.key("fraction"),
        *fraction,
        0.0,
        1.0,
        "a share from 0 to 1",
    );
    if o.base_s <= 0.0 {
        // A refusal retried at the same instant would never let time move
        // on for the next stage to make room.
        c.fail(
            k.key("base_s"),
            "a refused publish retried at once, forever",
            "seconds > 0 (the AWS SDKs' standard mode: 0.1)",
        );
    }
    c.backoff(k.clone(), &o.policy());
    delivery(c, &k, o);
}

/// A dual write's keys, or an outbox's: each goes with its own delivery.
fn delivery(c: &mut Checker, k: &KeyPath, o: &OnwardConfig) {
    match o.delivery {
        Delivery::DualWrite => {
            if let Some(d) = &o.publish_s {
                c.dist(k.key("publish_s"), d);
            }
            if o.relay != Relay::default() || o.relay_lag_s.is_some() {
                c.fail(
                    k.key("relay"),
                    "a relay without an outbox",
                    "`delivery = \"outbox\"`, or leave the relay keys out",
                );
            }
        }
        Delivery::Outbox => {
            if o.order != WriteOrder::default() {
                c.fail(
                    k.key("order"),
                    "an order between the write and the publish of an outbox",
                    "leave `order` out: the outbox commits its events with the write",
                );
            }
            if o.publish_s.is_some() {
                c.fail(
                    k.key("publish_s"),
                    "a publish time on an outbox stage",
                    "`relay_lag_s` (change-data-capture) or `relay_interval_s` (polling)",
                );
            }
            match o.relay {
                Relay::Cdc => {
                    if let Some(d) = &o.relay_lag_s {
                        c.dist(k.key("relay_lag_s"), d);
                    }
                }
                Relay::Polling => {
                    c.range(
                        k.key("relay_interval_s"),
                        o.relay_interval_s,
                        1e-6,
                        1e9,
                        "seconds > 0",
                    );
                    if o.relay_lag_s.is_some() {
                        c.fail(
                            k.key("relay_lag_s"),
                            "a capture lag on a polling relay",
                            "`relay_interval_s`, or `relay = \"cdc\"`",
                        );
                    }
                }
            }
        }
    }
}
