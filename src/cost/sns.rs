//! SNS: publishes (each 64 KiB chunk one), and deliveries to HTTP endpoints
//! (deliveries to SQS queues are free).

use super::{Item, Priced, chunks, item, size_to};
use crate::scenario::{CostConfig, Scenario};

pub(super) fn items(s: &Scenario, sum: &Priced, p: &CostConfig) -> Vec<Item> {
    let mut out = vec![];
    for t in sum.pushes {
        out.push(item(
            &t.name,
            "publishes",
            "sns",
            t.published as f64 * chunks(size_to(s, sum, &t.name)),
            "publishes",
            p.sns_per_million_publishes / 1e6,
        ));
        let http: u64 = t.endpoints.iter().map(|e| e.attempts).sum();
        if http > 0 {
            out.push(item(
                &t.name,
                "http_deliveries",
                "sns",
                http as f64,
                "deliveries",
                p.sns_per_million_http_deliveries / 1e6,
            ));
        }
    }
    out
}
