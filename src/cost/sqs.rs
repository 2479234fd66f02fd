//! SQS: requests, each 64 KiB chunk of a payload one request. Sends; receives
//! (a call returns up to a batch, and an empty long poll is a call too);
//! deletes (in batches of the consumer's batch size); a failed message made
//! visible again is a ChangeMessageVisibility call.

use super::{Item, Priced, chunks, item, size_to};
use crate::scenario::{CostConfig, Scenario};

pub(super) fn items(s: &Scenario, sum: &Priced, p: &CostConfig) -> Vec<Item> {
    let mut out = vec![];
    for (q, cfg) in sum.queues.iter().zip(&s.queues) {
        let readers: Vec<_> = sum
            .consumers
            .iter()
            .zip(&s.consumers)
            .filter(|(c, co)| c.queue == q.name && co.topic.is_none() && co.push.is_none())
            .collect();
        let batch = readers
            .iter()
            .map(|(_, co)| co.batch_size())
            .max()
            .unwrap_or(1)
            .max(1);
        let empty: u64 = readers.iter().map(|(c, _)| c.empty_receives).sum();
        let per = |n: u64| n.div_ceil(u64::from(batch)) as f64;
        // Sizes that vary are billed by what was sent, chunk by chunk.
        let sends = match q.send_chunks {
            Some(n) => n as f64,
            None => q.published as f64 * chunks(size_to(s, sum, &q.name)),
        };
        let requests = sends
            + per(q.deliveries)
            + empty as f64
            + per(q.deletes + q.stale_deletes)
            + q.returns as f64;
        let price = if cfg.fifo {
            p.sqs_fifo_per_million_requests
        } else {
            p.sqs_per_million_requests
        };
        out.push(item(
            &q.name,
            "requests",
            "sqs",
            requests,
            "requests",
            price / 1e6,
        ));
    }
    out
}
