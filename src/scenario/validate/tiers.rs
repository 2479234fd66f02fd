//! Message TTLs on queues and a consumer's delayed-retry tiers: every tier
//! queue must send what expires somewhere (else a retry becomes a loss), and
//! a tier's delay must exist, as its queue's TTL or the tier's own.

use super::names::Names;
use super::{Checker, KeyPath};
use crate::scenario::{ConsumerConfig, QueueConfig, Scenario};

/// A queue's `message_ttl_s` and `expire_to`.
pub(super) fn queue(c: &mut Checker, p: &KeyPath, q: &QueueConfig, queues: &Names) {
    if let Some(t) = q.message_ttl_s {
        c.range(p.key("message_ttl_s"), t, 1e-6, 1e12, "seconds > 0");
        if q.fifo {
            c.fail(
                p.key("message_ttl_s"),
                "a message TTL on a FIFO queue",
                "a standard queue (RabbitMQ's TTL has no message groups to keep in order)",
            );
        }
    }
    if let Some(to) = &q.expire_to {
        c.queue_ref(p.key("expire_to"), Some(to), queues);
        if *to == q.name {
            c.fail(
                p.key("expire_to"),
                "a queue expiring into itself",
                "another queue (the work queue a retry tier returns to)",
            );
        }
    }
}

/// A consumer's `[consumer.retry_tiers]`.
pub(super) fn consumer(
    c: &mut Checker,
    p: &KeyPath,
    co: &ConsumerConfig,
    s: &Scenario,
    queues: &Names,
) {
    let Some(t) = &co.retry_tiers else { return };
    let k = p.key("retry_tiers");
    if co.topic.is_some() || co.push.is_some() || co.lambda.is_some() {
        c.fail(
            k.clone(),
            "retry tiers on a group member, an endpoint or a managed poller",
            "a worker pool on a queue (with or without `prefetch`)",
        );
    }
    if t.blocking && t.delays_s.is_none() {
        c.fail(
            k.key("blocking"),
            "blocking retries without their delays",
            "`delays_s = [5, 30, 300]` (the waits in place)",
        );
    }
    let work = co.queue.as_deref();
    let find = |name: &str| s.queues.iter().find(|q| q.name == name);
    for (i, name) in t.queues.iter().enumerate().filter(|_| !t.blocking) {
        let path = k.key("queues").index(i);
        c.queue_ref(path.clone(), Some(name), queues);
        if Some(name.as_str()) == work || *name == t.parking {
            c.fail(
                path.clone(),
                "a tier queue that is the work queue or the parking queue",
                "a queue of its own, which nobody consumes",
            );
        }
        let Some(q) = find(name) else { continue };
        if q.expire_to.is_none() && q.dead_letter_queue.is_none() {
            c.fail(
                path.clone(),
                format!(
                    "tier queue `{name}` sends what expires nowhere: every retry would be lost"
                ),
                format!(
                    "`expire_to = \"{}\"` on `{name}`",
                    work.unwrap_or("<work queue>")
                ),
            );
        }
        if t.delays_s.is_none() && q.message_ttl_s.is_none() {
            c.fail(
                path,
                format!(
                    "tier queue `{name}` has no `message_ttl_s`: its messages would never come back"
                ),
                "`message_ttl_s` on the tier queue, or `delays_s` on the tiers",
            );
        }
    }
    if let Some(d) = &t.delays_s {
        if d.is_empty() {
            c.fail(
                k.key("delays_s"),
                "no delays",
                "one delay per tier, in seconds",
            );
        }
        for (i, &x) in d.iter().enumerate() {
            c.range(k.key("delays_s").index(i), x, 1e-6, 1e12, "seconds > 0");
        }
    }
    c.queue_ref(k.key("parking"), Some(&t.parking), queues);
    if Some(t.parking.as_str()) == work {
        c.fail(
            k.key("parking"),
            "parking in the work queue",
            "a queue of its own (RabbitMQ's parking lot)",
        );
    }
}
