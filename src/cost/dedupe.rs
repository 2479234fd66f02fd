//! A dedupe store (DynamoDB on demand, as Powertools' idempotency uses it):
//! each processing writes its record twice (in progress, then done); a
//! delivery found done or locked costs a failed conditional write and a read.

use super::{Item, Priced, item};
use crate::scenario::{CostConfig, Scenario};

pub(super) fn items(s: &Scenario, sum: &Priced, p: &CostConfig) -> Vec<Item> {
    let mut out = vec![];
    for (c, co) in sum.consumers.iter().zip(&s.consumers) {
        if co.idempotency.is_none() {
            continue;
        }
        let found = c.dedupe_skips + c.dedupe_conflicts;
        out.push(item(
            &c.name,
            "dedupe_writes",
            "dedupe",
            (2 * c.completions + found) as f64,
            "writes",
            p.dedupe_per_million_writes / 1e6,
        ));
        out.push(item(
            &c.name,
            "dedupe_reads",
            "dedupe",
            found as f64,
            "reads",
            p.dedupe_per_million_reads / 1e6,
        ));
    }
    out
}
