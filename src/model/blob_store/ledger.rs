//! A blob store's terms in the payload ledger: every object PUT is deleted
//! after its message was processed, expired by the lifecycle rule (an orphan
//! cleaned up, or a payload lost before its message was processed), or still
//! stored (an orphan, or waiting for its message); and its own books — what
//! it counts stored is what its slab holds.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::blob_store::BlobStore;

impl Accounted for BlobStore {
    fn ledger_terms(&self, t: &mut Terms) {
        let l = t.payloads.get_or_insert_with(Default::default);
        l.objects += self.c.created;
        l.deleted_after_processing += self.c.deleted;
        l.expired_orphans += self.c.expired_orphans;
        l.expired_unprocessed += self.c.expired_unprocessed;
        l.stored_orphans += self.orphans;
        l.stored_referenced += self.stored - self.orphans;
    }

    fn own_books(&self, _: &Books, out: &mut Vec<Imbalance>) {
        let (held, bytes, orphans) = self.live_counts();
        let ended = self.c.deleted + self.expired() + self.stored;
        if ended != self.c.created
            || held != self.stored
            || bytes != self.bytes
            || orphans != self.orphans
        {
            out.push(Imbalance::BlobObjects {
                store: self.p.name.clone(),
                created: self.c.created,
                deleted: self.c.deleted,
                expired: self.expired(),
                stored: self.stored,
                held,
                bytes,
                counted_bytes: self.bytes,
                orphans,
                counted_orphans: self.orphans,
            });
        }
    }
}
