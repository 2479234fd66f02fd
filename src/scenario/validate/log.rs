//! Checks for topics and for what reads or writes them.

use super::names::Names;
use super::{Checker, names_unique};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::*;

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    let names = Names::new(s.topics.iter().map(|t| t.name.clone()));
    let mut paths = vec![];
    for (i, t) in s.topics.iter().enumerate() {
        let p = root.key("topic").index(i);
        paths.push((p.key("name"), t.name.clone()));
        if !(1..=10_000).contains(&t.partitions) {
            c.fail(
                p.key("partitions"),
                format!("{} partitions", t.partitions),
                "a whole number from 1 to 10000",
            );
        }
        c.range(
            p.key("retention_s"),
            t.retention_s,
            1e-9,
            1e12,
            "seconds > 0 (Kafka: 604800, 7 days)",
        );
        c.range(
            p.key("retention_check_s"),
            t.retention_check_s,
            1e-3,
            1e9,
            "seconds from 0.001 (Kafka's log.retention.check.interval.ms: 300000, 5 min)",
        );
        if t.retention_bytes == Some(0) {
            c.fail(
                p.key("retention_bytes"),
                "a partition that keeps nothing",
                "bytes ≥ 1 per partition, or leave it out",
            );
        }
        if let Some(r) = &t.replication {
            replication(c, p.key("replication"), r);
        }
        if t.cleanup_policy.compacts() {
            compaction(c, &p, t, s);
        }
    }
    names_unique(c, "topic", &paths);
    for (i, pr) in s.producers.iter().enumerate() {
        let p = root.key("producer").index(i);
        let m = &pr.message;
        if m.key_parts == 0 || (m.keys as u64) * (m.key_parts as u64) > u32::MAX as u64 {
            c.fail(
                p.key("message").key("key_parts"),
                format!("{} parts", m.key_parts),
                "a whole number ≥ 1 (1 = the plain key), with keys × key_parts < 2³²",
            );
        }
        if let Some(t) = &pr.topic {
            topic_ref(c, p.key("topic"), t, pr.queue.is_some(), "producer", &names);
        }
        tombstones(c, &p, pr, s);
        let replicated = pr
            .topic
            .as_ref()
            .and_then(|t| s.topics.iter().find(|x| &x.name == t))
            .is_some_and(|t| t.replication.is_some());
        if pr.acks.is_some() && !replicated {
            c.fail(
                p.key("acks"),
                "`acks` for a producer that writes to no replicated topic",
                "a `[topic.replication]` on its topic, or leave `acks` out",
            );
        }
    }
    for (i, co) in s.consumers.iter().enumerate() {
        let p = root.key("consumer").index(i);
        if let Some(g) = &co.group {
            group(c, p.key("group"), g, co.topic.is_some());
            c.range(
                p.key("group").key("delay_s"),
                g.delay_s,
                0.0,
                1e9,
                "seconds ≥ 0 (a retry topic's delay)",
            );
            if let Some(d) = &g.dead_letter_topic {
                let k = p.key("group").key("dead_letter_topic");
                if c.reference(k.clone(), "topic", d, &names) && co.topic.as_ref() == Some(d) {
                    c.fail(
                        k.clone(),
                        "a group that dead-letters into the topic it reads",
                        "another topic",
                    );
                }
                if g.max_attempts == 0 {
                    c.fail(
                        k,
                        "a dead-letter topic, but records are retried forever",
                        "also `max_attempts = 3` (or another limit)",
                    );
                }
            }
        }
        let Some(t) = &co.topic else { continue };
        topic_ref(c, p.key("topic"), t, co.queue.is_some(), "consumer", &names);
        for (key, set) in [
            ("lambda", co.lambda.is_some()),
            ("idempotency", co.idempotency.is_some()),
        ] {
            if set {
                c.fail(
                    p.key(key),
                    format!("`{key}` is not available to a consumer group yet"),
                    "a queue consumer for this, or leave it out",
                );
            }
        }
    }
}

fn group(c: &mut Checker, p: KeyPath, g: &GroupConfig, on_topic: bool) {
    if !on_topic {
        c.fail(
            p.clone(),
            "group settings on a consumer that reads a queue",
            "`topic = \"<topic>\"` on this consumer, or no `[consumer.group]`",
        );
    }
    c.range(
        p.key("commit_interval_s"),
        g.commit_interval_s,
        1e-3,
        1e9,
        "seconds > 0 (Kafka: 5)",
    );
    c.range(p.key("rebalance_s"), g.rebalance_s, 0.0, 1e9, "seconds ≥ 0");
    c.range(
        p.key("crashes_per_hour"),
        g.crashes_per_hour,
        0.0,
        3.6e6,
        "crashes per hour ≥ 0",
    );
    c.range(p.key("start_s"), g.start_s, 0.0, 1e12, "seconds ≥ 0");
    for (j, &t) in g.crash_at_s.iter().enumerate() {
        c.range(p.key("crash_at_s").index(j), t, 0.0, 1e12, "seconds ≥ 0");
    }
    if let Some(m) = &g.membership {
        membership(c, p.key("membership"), m);
    }
}

/// A group's membership protocol: timeouts Kafka would accept, and a rolling
/// deployment that fits in a run.
fn membership(c: &mut Checker, p: KeyPath, m: &MembershipConfig) {
    c.range(
        p.key("session_timeout_s"),
        m.session_timeout_s,
        1e-3,
        1e9,
        "seconds > 0 (Kafka: 45; brokers accept 6 to 1,800 by default)",
    );
    c.range(
        p.key("max_poll_interval_s"),
        m.max_poll_interval_s,
        1e-3,
        1e9,
        "seconds > 0 (Kafka: 300)",
    );
    c.range(
        p.key("heartbeat_interval_s"),
        m.heartbeat_interval_s,
        1e-3,
        1e9,
        "seconds > 0 (Kafka: 3)",
    );
    if m.heartbeat_interval_s.is_finite()
        && m.session_timeout_s.is_finite()
        && m.heartbeat_interval_s >= m.session_timeout_s
    {
        c.fail(
            p.key("heartbeat_interval_s"),
            format!(
                "a heartbeat every {} s with a session timeout of {} s",
                m.heartbeat_interval_s, m.session_timeout_s
            ),
            "less than `session_timeout_s` (Kafka advises a third of it at most)",
        );
    }
    if let Some(r) = &m.rolling_restart {
        let k = p.key("rolling_restart");
        c.range(k.key("at_s"), r.at_s, 0.0, 1e12, "seconds ≥ 0");
        c.range(k.key("down_s"), r.down_s, 1e-3, 1e9, "seconds > 0");
        c.range(k.key("interval_s"), r.interval_s, 1e-3, 1e9, "seconds > 0");
    }
}

/// A compacted topic (`compaction.rs`): its cleaner's times, and writers whose
/// records all carry keys (compaction keeps the latest record of each key:
/// without keys it would keep one record).
fn compaction(c: &mut Checker, p: &KeyPath, t: &TopicConfig, s: &Scenario) {
    c.range(
        p.key("delete_retention_s"),
        t.delete_retention_s,
        0.0,
        1e12,
        "seconds ≥ 0 (Kafka's delete.retention.ms: 86400000, 1 day)",
    );
    c.range(
        p.key("min_compaction_lag_s"),
        t.min_compaction_lag_s,
        0.0,
        1e12,
        "seconds ≥ 0 (Kafka's min.compaction.lag.ms: 0)",
    );
    c.range(
        p.key("compaction_interval_s"),
        t.compaction_interval_s,
        1e-3,
        1e9,
        "seconds from 0.001 (the cleaner's period; Kafka's log.cleaner.backoff.ms: 15000)",
    );
    let policy = p.key("cleanup_policy");
    if t.replication.is_some() {
        c.fail(
            policy.clone(),
            "compaction of a replicated topic is not modelled yet",
            "`cleanup_policy = \"delete\"`, or no `[topic.replication]`",
        );
    }
    let writes = |x: &Option<String>| x.as_deref() == Some(t.name.as_str());
    for (i, pr) in s.producers.iter().enumerate() {
        if writes(&pr.topic) && pr.message.keys == 0 {
            c.fail(
                KeyPath::root()
                    .key("producer")
                    .index(i)
                    .key("message")
                    .key("keys"),
                format!(
                    "a producer without keys writes to `{}`, a compacted topic (cleanup_policy = \"{}\")",
                    t.name,
                    t.cleanup_policy.name()
                ),
                "`keys = 1000` (the number of distinct keys) in `[producer.message]`, or `cleanup_policy = \"delete\"`",
            );
        }
    }
    for (i, co) in s.consumers.iter().enumerate() {
        let dlt = co.group.as_ref().map(|g| &g.dead_letter_topic);
        let onward = co.publish.as_ref().map(|o| &o.topic);
        if dlt.is_some_and(writes) || onward.is_some_and(writes) {
            c.fail(
                policy.clone(),
                format!(
                    "consumer {i} dead-letters or publishes into `{}`, a compacted topic",
                    t.name
                ),
                "compacted topics written by keyed producers only: `cleanup_policy = \"delete\"` here",
            );
        }
    }
}

/// Tombstones only on a compacted topic, with a probability.
fn tombstones(c: &mut Checker, p: &KeyPath, pr: &ProducerConfig, s: &Scenario) {
    let q = pr.message.tombstone_probability;
    let k = p.key("message").key("tombstone_probability");
    c.range(k.clone(), q, 0.0, 1.0, "a probability from 0 to 1");
    let compacted = pr
        .topic
        .as_ref()
        .and_then(|t| s.topics.iter().find(|x| &x.name == t))
        .is_some_and(|t| t.cleanup_policy.compacts());
    if q > 0.0 && !compacted {
        c.fail(
            k,
            "tombstones from a producer that writes to no compacted topic",
            "`cleanup_policy = \"compact\"` on its topic, or leave `tombstone_probability` out",
        );
    }
}

/// A producer's or consumer's topic: one that exists, and no queue besides.
fn topic_ref(
    c: &mut Checker,
    path: KeyPath,
    topic: &str,
    has_queue: bool,
    what: &str,
    names: &Names,
) {
    c.reference(path.clone(), "topic", topic, names);
    if has_queue {
        c.fail(
            path,
            format!("a {what} with both a queue and a topic"),
            "one of `queue` or `topic`",
        );
    }
}

/// A replicated topic's brokers, replicas and failures.
fn replication(c: &mut Checker, p: KeyPath, r: &ReplicationConfig) {
    if !(1..=1000).contains(&r.brokers) {
        c.fail(
            p.key("brokers"),
            format!("{} brokers", r.brokers),
            "a whole number from 1 to 1000",
        );
    }
    if r.replication_factor == 0 || r.replication_factor > r.brokers {
        c.fail(
            p.key("replication_factor"),
            format!("{} replicas on {} brokers", r.replication_factor, r.brokers),
            "from 1 to `brokers` (Kafka: 1; 3 is usual)",
        );
    }
    if r.min_insync_replicas == 0 || r.min_insync_replicas > r.replication_factor {
        c.fail(
            p.key("min_insync_replicas"),
            format!(
                "{} of {} replicas",
                r.min_insync_replicas, r.replication_factor
            ),
            "from 1 to `replication_factor` (Kafka: 1)",
        );
    }
    c.range(
        p.key("replica_fetch_lag_s"),
        r.replica_fetch_lag_s,
        0.0,
        3600.0,
        "seconds ≥ 0",
    );
    c.range(
        p.key("replica_lag_time_max_s"),
        r.replica_lag_time_max_s,
        1e-6,
        1e6,
        "seconds > 0 (Kafka: 30)",
    );
    for (i, f) in r.failures.iter().enumerate() {
        let k = p.key("failures").index(i);
        if f.broker >= r.brokers {
            c.fail(
                k.key("broker"),
                format!("broker {} of {}", f.broker, r.brokers),
                format!("a broker from 0 to {}", r.brokers.saturating_sub(1)),
            );
        }
        c.range(k.key("at_s"), f.at_s, 0.0, 1e12, "seconds ≥ 0");
        c.range(k.key("down_s"), f.down_s, 1e-6, 1e12, "seconds > 0");
    }
}
