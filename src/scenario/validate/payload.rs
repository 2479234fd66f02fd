//! Checks for payloads: size distributions, size limits (bytes or a known
//! preset), blob stores (their latencies, bandwidth, error rate, prices and
//! lifecycle rule), the claim checks that name them, and the consumer keys
//! that read them.

use super::names::Names;
use super::{Checker, KeyPath};
use crate::scenario::{
    BYTE_LIMIT_PRESETS, ByteLimit, Cleanup, ProducerConfig, SEND_BATCH_MAX_BYTES,
    SEND_BATCH_MAX_MESSAGES, Scenario, SendBatchConfig,
};

/// A size limit: whole bytes ≥ 1, or a preset's name.
fn limit(c: &mut Checker, path: KeyPath, l: &ByteLimit) {
    let presets = || {
        BYTE_LIMIT_PRESETS
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match l {
        ByteLimit::Bytes(0) => c.fail(path, "a limit of 0 bytes", "bytes ≥ 1, or a preset"),
        ByteLimit::Bytes(b) if *b > u64::from(u32::MAX) => c.fail(
            path,
            format!("{b} bytes is more than a message can carry here"),
            "at most 4294967295 bytes",
        ),
        ByteLimit::Bytes(_) => {}
        ByteLimit::Preset(p) if l.bytes().is_none() => c.fail(
            path,
            format!("no size limit preset named `{p}`"),
            format!("bytes, or one of: {}", presets()),
        ),
        ByteLimit::Preset(_) => {}
    }
}

/// `[producer.batch]`: SendMessageBatch's own limits, on a queue producer.
fn send_batch(c: &mut Checker, k: KeyPath, pr: &ProducerConfig, b: &SendBatchConfig) {
    if pr.topic.is_some() || pr.push.is_some() || pr.bus.is_some() {
        c.fail(
            k.clone(),
            "a send batch on a producer to a topic, a push topic or a bus",
            "a producer to a queue (SendMessageBatch is SQS's call)",
        );
    }
    if pr.publish.is_some() {
        c.fail(
            k.clone(),
            "a send batch together with `[producer.publish]` (retrying refused entries from a buffer is not modelled yet)",
            "one of the two: `[producer.batch]` or `[producer.publish]`",
        );
    }
    if !(1..=SEND_BATCH_MAX_MESSAGES).contains(&b.max_messages) {
        c.fail(
            k.key("max_messages"),
            format!("{} messages per call", b.max_messages),
            format!("1 to {SEND_BATCH_MAX_MESSAGES} (SendMessageBatch's limit)"),
        );
    }
    if !(1..=SEND_BATCH_MAX_BYTES).contains(&b.max_bytes) {
        c.fail(
            k.key("max_bytes"),
            format!("{} bytes per call", b.max_bytes),
            format!("1 to {SEND_BATCH_MAX_BYTES} bytes (SendMessageBatch's 1 MiB)"),
        );
    }
    c.range(
        k.key("linger_s"),
        b.linger_s,
        0.0,
        3600.0,
        "seconds from 0 to 3,600",
    );
}

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    let stores = Names::new(s.blob_stores.iter().map(|b| b.name.clone()));
    let paths: Vec<_> = s
        .blob_stores
        .iter()
        .enumerate()
        .map(|(i, b)| (root.key("blob_store").index(i).key("name"), b.name.clone()))
        .collect();
    super::names_unique(c, "blob store", &paths);
    for (i, q) in s.queues.iter().enumerate() {
        if let Some(l) = &q.max_message_bytes {
            limit(c, root.key("queue").index(i).key("max_message_bytes"), l);
        }
    }
    // Topics, push topics and buses take a limit too.
    let others: Vec<(&str, usize, &ByteLimit)> = (s.topics.iter().enumerate())
        .filter_map(|(i, t)| Some(("topic", i, t.max_message_bytes.as_ref()?)))
        .chain(
            (s.pushes.iter().enumerate())
                .filter_map(|(i, t)| Some(("push", i, t.max_message_bytes.as_ref()?))),
        )
        .chain(
            (s.buses.iter().enumerate())
                .filter_map(|(i, b)| Some(("bus", i, b.max_message_bytes.as_ref()?))),
        )
        .collect();
    for (table, i, l) in others {
        limit(c, root.key(table).index(i).key("max_message_bytes"), l);
    }
    for (i, b) in s.blob_stores.iter().enumerate() {
        let p = root.key("blob_store").index(i);
        c.dist(p.key("put_s"), &b.put_s);
        c.dist(p.key("get_s"), &b.get_s);
        c.dist(p.key("delete_s"), &b.delete_s);
        if let Some(d) = &b.visible_after_s {
            c.dist(p.key("visible_after_s"), d);
        }
        c.range(
            p.key("bandwidth_mb_per_s"),
            b.bandwidth_mb_per_s,
            1e-6,
            1e9,
            "MB per second > 0 (S3: 85 to 90 per connection)",
        );
        c.range(
            p.key("error_rate"),
            b.error_rate,
            0.0,
            0.99,
            "a probability in [0, 0.99] (each failed request is retried)",
        );
        if let Some(d) = b.expire_after_days {
            c.range(
                p.key("expire_after_days"),
                d,
                1e-9,
                1e6,
                "days > 0 (S3 lifecycle rules: whole days ≥ 1)",
            );
        }
        if let Some(g) = b.storage_budget_gb {
            c.range(p.key("storage_budget_gb"), g, 1e-12, 1e15, "GB > 0");
        }
        for (k, v) in [
            ("put_per_1000", b.put_per_1000),
            ("get_per_1000", b.get_per_1000),
            ("delete_per_1000", b.delete_per_1000),
            ("storage_per_gb_month", b.storage_per_gb_month),
        ] {
            c.range(p.key(k), v, 0.0, 1e9, "US dollars ≥ 0");
        }
    }
    for (i, pr) in s.producers.iter().enumerate() {
        let p = root.key("producer").index(i);
        if let Some(d) = &pr.message.size {
            c.dist(p.key("message").key("size"), d);
        }
        if let Some(b) = &pr.batch {
            send_batch(c, p.key("batch"), pr, b);
        }
        let Some(cc) = &pr.claim_check else { continue };
        let k = p.key("claim_check");
        if pr.topic.is_some() || pr.push.is_some() || pr.bus.is_some() {
            c.fail(
                k.clone(),
                "a claim check on a producer to a topic, a push topic or a bus",
                "a producer to a queue (the consumer fetches the payload before processing)",
            );
        }
        c.reference(k.key("blob_store"), "blob store", &cc.blob_store, &stores);
        if cc.pointer_bytes == 0 {
            c.fail(
                k.key("pointer_bytes"),
                "a pointer of 0 bytes",
                "bytes ≥ 1 (the bucket and key)",
            );
        }
        let store = s.blob_stores.iter().find(|b| b.name == cc.blob_store);
        if cc.cleanup.expires()
            && let Some(b) = store
            && b.expire_after_days.is_none()
        {
            c.fail(
                k.key("cleanup"),
                format!(
                    "cleanup `{}` relies on a lifecycle rule, but blob store `{}` has none",
                    match cc.cleanup {
                        Cleanup::Both => "both",
                        _ => "lifecycle",
                    },
                    b.name
                ),
                format!("`expire_after_days = 7` on blob store `{}`", b.name),
            );
        }
    }
    for (i, t) in s.topics.iter().enumerate() {
        if let Some(d) = t.partition_mb_per_s {
            c.range(
                root.key("topic").index(i).key("partition_mb_per_s"),
                d,
                1e-6,
                1e9,
                "MB per second > 0",
            );
        }
    }
    for (i, co) in s.consumers.iter().enumerate() {
        let p = root.key("consumer").index(i);
        if let Some(d) = co.download_mb_per_s {
            c.range(
                p.key("download_mb_per_s"),
                d,
                1e-6,
                1e9,
                "MB per second > 0",
            );
        }
        if co.no_such_key.is_some() && s.blob_stores.is_empty() {
            c.fail(
                p.key("no_such_key"),
                "`no_such_key` without a blob store",
                "a `[[blob_store]]` and a producer's `[producer.claim_check]`",
            );
        }
    }
}
