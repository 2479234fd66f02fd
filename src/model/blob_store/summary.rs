//! A blob store's entry in summary.json: its objects (stored, peak, what
//! became of them), its requests and their outcomes, and its cost.

use crate::engine::to_secs;
use crate::model::blob_store::BlobStore;
use crate::model::summarise::{Links, Summarised};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BlobStoreSummary {
    pub name: String,
    /// Objects PUT (one per claim-checked message).
    pub objects_put: u64,
    pub objects_stored: u64,
    pub bytes_stored: u64,
    pub peak_objects: u64,
    pub peak_bytes: u64,
    /// Objects stored whose message was processed (digital waste), and
    /// their bytes.
    pub orphans: u64,
    pub orphan_bytes: u64,
    /// Objects that became orphans over the run …
    pub orphaned: u64,
    /// … of which orphaned because their message was lost unprocessed
    /// (expired, dropped or given up in its queue).
    pub orphaned_by_loss: u64,
    /// Deleted after their message was processed.
    pub deleted: u64,
    /// Expired by the lifecycle rule after their message was processed …
    pub expired_orphans: u64,
    /// … and before it (payloads lost while their message waited).
    pub expired_unprocessed: u64,
    /// Requests made (each billed), retries after errors included.
    pub puts: u64,
    pub gets: u64,
    pub deletes: u64,
    pub errors: u64,
    /// GETs that found their object, and those that found none: not yet
    /// readable, or deleted or expired already.
    pub gets_found: u64,
    pub no_such_key_not_yet_readable: u64,
    pub no_such_key_gone: u64,
    pub bytes_put: u64,
    pub bytes_read: u64,
    /// GB-months stored over the run, and the orphans' share.
    pub gb_months: f64,
    pub orphan_gb_months: f64,
    pub request_cost_usd: f64,
    pub storage_cost_usd: f64,
    /// The lifecycle rule's expiry, if there is one.
    pub expire_after_s: Option<f64>,
    pub over_budget: bool,
    /// `storage_budget_gb`, and when the bytes stored first passed it.
    pub storage_budget_gb: Option<f64>,
    pub over_budget_at_s: Option<f64>,
}

impl Summarised for BlobStore {
    type Entry = BlobStoreSummary;

    fn summary(&self, r: &Links) -> BlobStoreSummary {
        let (gbm, orphan_gbm) = self.gb_months(r.end);
        BlobStoreSummary {
            name: self.p.name.clone(),
            objects_put: self.c.created,
            objects_stored: self.stored,
            bytes_stored: self.bytes,
            peak_objects: self.c.peak_objects,
            peak_bytes: self.c.peak_bytes,
            orphans: self.orphans,
            orphan_bytes: self.orphan_bytes,
            orphaned: self.c.orphaned,
            orphaned_by_loss: self.c.orphaned_by_loss,
            deleted: self.c.deleted,
            expired_orphans: self.c.expired_orphans,
            expired_unprocessed: self.c.expired_unprocessed,
            puts: self.c.puts,
            gets: self.c.gets,
            deletes: self.c.deletes,
            errors: self.c.errors,
            gets_found: self.c.found,
            no_such_key_not_yet_readable: self.c.not_yet_readable,
            no_such_key_gone: self.c.gone,
            bytes_put: self.c.bytes_put,
            bytes_read: self.c.bytes_read,
            gb_months: gbm,
            orphan_gb_months: orphan_gbm,
            request_cost_usd: self.request_cost(),
            storage_cost_usd: gbm * self.p.storage_per_gb_month,
            expire_after_s: self.p.expire_after.map(to_secs),
            over_budget: self.over_budget(),
            storage_budget_gb: self.p.budget_bytes.map(|b| b / super::GIB),
            over_budget_at_s: self.c.over_budget_at.map(to_secs),
        }
    }
}
