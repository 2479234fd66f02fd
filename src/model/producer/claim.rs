//! The claim check on a queue producer: a payload above the threshold (or
//! every payload, `always`) is PUT to a blob store and the message carries a
//! pointer to it instead, of the pointer's small size.
//!
//! A producer's arrival is the moment it sends. With a synchronous upload
//! the PUT came first: the message's creation time is set back by the PUT's
//! time, so that its end-to-end latency includes the upload, and its object
//! is readable when the pointer is sent. An asynchronous uploader sends at
//! once: its object is readable only when the PUT is acknowledged (plus any
//! replica lag), and a consumer quick enough finds nothing (`NoSuchKey`).

use crate::engine::SimTime;
use crate::model::blob_store::BlobStore;
use crate::model::event::BlobId;
use crate::model::message::Message;
use crate::model::producer::Producer;
use crate::scenario::{Cleanup, Upload};

pub struct ClaimCheck {
    pub store: BlobId,
    pub threshold: u32,
    pub always: bool,
    pub pointer_bytes: u32,
    pub upload: Upload,
    pub cleanup: Cleanup,
}

impl Producer {
    /// Puts the message's payload in the blob store if it goes there; the
    /// store's lifecycle timer to arm, if its line was empty.
    pub(crate) fn claim_check(
        &mut self,
        m: &mut Message,
        blobs: &mut [BlobStore],
        now: SimTime,
    ) -> Option<(BlobId, SimTime)> {
        let cc = self.p.claim.as_ref()?;
        if !cc.always && m.size <= cc.threshold {
            return None;
        }
        let sync = cc.upload == Upload::Sync;
        let put = blobs[cc.store.index()].put(m.size, now, sync, cc.cleanup);
        self.c.claim_checks += 1;
        m.offset = put.pointer;
        m.size = cc.pointer_bytes;
        if sync {
            m.published = now.saturating_sub(put.took);
        }
        put.arm.map(|t| (cc.store, t))
    }
}
