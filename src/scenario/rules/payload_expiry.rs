//! A claim check's payload must outlive its message: a lifecycle rule that
//! expires objects sooner than the longest a message can wait (its queue's
//! retention, or its dead-letter queue's while it waits there for a redrive;
//! both counted from the publish, as SQS does for a standard queue) deletes
//! payloads of messages still queued or dead-lettered. Their GET then finds
//! nothing, and the message is lost however it is retried (the run counts
//! them: `expired_unprocessed`).

use super::*;

pub const ID: &str = "payload-expiry";

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    let queues = queue_index(s);
    let stores = first_index(s.blob_stores.iter().map(|b| b.name.as_str()));
    for (i, p) in s.producers.iter().enumerate() {
        let Some(cc) = p.claim_check.as_ref().filter(|cc| cc.cleanup.expires()) else {
            continue;
        };
        let Some(&bi) = stores.get(cc.blob_store.as_str()) else {
            continue;
        };
        let Some(days) = s.blob_stores[bi].expire_after_days else {
            continue;
        };
        let queue = match (&p.queue, s.queues.as_slice()) {
            (Some(q), _) => queues.get(q.as_str()).map(|&k| &s.queues[k]),
            (None, [only]) if p.topic.is_none() && p.push.is_none() && p.bus.is_none() => {
                Some(only)
            }
            _ => None,
        };
        let Some(q) = queue else { continue };
        // The longest wait on the message's path, and where it is.
        let mut longest = (q.retention_s, format!("retention_s of queue `{}`", q.name));
        if let Some(dlq) = q
            .dead_letter_queue
            .as_deref()
            .and_then(|d| queues.get(d))
            .map(|&k| &s.queues[k])
            && dlq.retention_s > longest.0
        {
            longest = (
                dlq.retention_s,
                format!(
                    "retention_s of its dead-letter queue `{}`, where it waits for a redrive",
                    dlq.name
                ),
            );
        }
        let expiry = days * 86_400.0;
        if expiry < longest.0 {
            out.push(Warning {
                rule: ID,
                path: root()
                    .key("blob_store")
                    .index(bi)
                    .key("expire_after_days"),
                message: format!(
                    "blob store `{}` expires payloads {} days ({} s) after their PUT, but a message of producer `{}` can wait {} s ({}): its payload can expire before the message is processed or redriven",
                    s.blob_stores[bi].name,
                    num(days),
                    num(expiry),
                    producer_name(i, p),
                    num(longest.0),
                    longest.1
                ),
                fix: format!(
                    "set `expire_after_days` to at least {} (the longest retention on the message's path), or shorten that retention",
                    num((longest.0 / 86_400.0 * 1000.0).ceil() / 1000.0)
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(expire_days: f64, dlq_retention_s: f64) -> Scenario {
        let src = format!(
            r#"
[[queue]]
name = "orders"
retention_s = 345600
dead_letter_queue = "orders-dlq"
max_receive_count = 3
[[queue]]
name = "orders-dlq"
retention_s = {dlq_retention_s}
[[blob_store]]
name = "payloads"
expire_after_days = {expire_days}
[[producer]]
name = "shop"
queue = "orders"
rate = 1
[producer.claim_check]
blob_store = "payloads"
cleanup = "both"
[[consumer]]
queue = "orders"
"#
        );
        crate::scenario::load_str("t.toml", &src).expect("valid")
    }

    #[test]
    fn an_expiry_shorter_than_the_dead_letter_queues_retention_is_flagged() {
        // 14 days of DLQ retention against a 7-day rule.
        let w = check(&scenario(7.0, 1_209_600.0));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path.to_string(), "blob_store[0].expire_after_days");
        assert!(w[0].message.contains("1,209,600 s"), "{}", w[0].message);
        assert!(w[0].message.contains("orders-dlq"), "{}", w[0].message);
        assert!(w[0].fix.contains("at least 14"), "{}", w[0].fix);
        // The queue's own 4 days against a 3-day rule.
        let w = check(&scenario(3.0, 86_400.0));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("queue `orders`"), "{}", w[0].message);
        // Long enough: no warning.
        assert!(check(&scenario(14.0, 1_209_600.0)).is_empty());
    }
}
