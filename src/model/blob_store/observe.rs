//! A blob store's columns in the time series: what it stores (objects, MB,
//! orphans among them), its requests by kind, the GETs that found nothing,
//! what the lifecycle rule expired, and its cost so far.

use crate::metrics::columns::Columns;
use crate::model::blob_store::BlobStore;
use crate::model::observe::{Observed, View};

impl Observed for BlobStore {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut Columns, v: &View) {
        cols.gauge("objects", self.stored as f64);
        cols.gauge("stored_mb", self.bytes as f64 / 1e6);
        cols.gauge("orphans", self.orphans as f64);
        cols.gauge("orphan_mb", self.orphan_bytes as f64 / 1e6);
        cols.counter("puts", self.c.puts);
        cols.counter("gets", self.c.gets);
        cols.counter("deletes", self.c.deletes);
        cols.counter("no_such_key", self.c.not_yet_readable + self.c.gone);
        cols.counter("expired", self.expired());
        cols.gauge("cost_usd", self.cost_usd(v.now));
    }
}
