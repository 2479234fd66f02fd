//! Lambda: requests (invocations) and GB-seconds (billed duration × the
//! function's `memory_mb`).

use super::{Item, Priced, item};
use crate::scenario::{CostConfig, Scenario};

pub(super) fn items(s: &Scenario, sum: &Priced, p: &CostConfig) -> Vec<Item> {
    let mut out = vec![];
    for (c, co) in sum.consumers.iter().zip(&s.consumers) {
        let (Some(l), Some(cfg)) = (&c.lambda, &co.lambda) else {
            continue;
        };
        out.push(item(
            &c.name,
            "requests",
            "lambda",
            l.invocations as f64,
            "requests",
            p.lambda_per_million_requests / 1e6,
        ));
        out.push(item(
            &c.name,
            "gb_seconds",
            "lambda",
            l.billed_s * f64::from(cfg.memory_mb) / 1024.0,
            "GB-seconds",
            p.lambda_per_gb_second,
        ));
    }
    out
}
