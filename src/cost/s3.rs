//! Blob stores (S3-like): PUT, GET and DELETE requests, each retry billed,
//! and storage by the GB-month (the integral of the bytes stored over the
//! run), at the store's own prices (`[[blob_store]]`).

use super::{Item, Priced};

pub(super) fn items(sum: &Priced) -> Vec<Item> {
    let mut out = vec![];
    for b in sum.blob_stores {
        out.push(Item {
            name: format!("{}.requests", b.name),
            kind: "s3".into(),
            quantity: (b.puts + b.gets + b.deletes) as f64,
            unit: "requests".into(),
            cost: b.request_cost_usd,
        });
        out.push(Item {
            name: format!("{}.storage", b.name),
            kind: "s3".into(),
            quantity: b.gb_months,
            unit: "GB-months".into(),
            cost: b.storage_cost_usd,
        });
    }
    out
}
