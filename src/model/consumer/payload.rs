//! A consumer's side of the claim check: a message that carries a pointer
//! is fetched from its blob store (a GET whose time grows with the payload's
//! size) before it is processed; a GET that finds nothing (NoSuchKey: the
//! pointer outran its PUT, or the object was deleted or expired) fails the
//! message as a transient failure, or gives it up (`no_such_key = "fatal"`).
//! After a message is processed its object is deleted or left to the store
//! (`Cleanup`). A message without a pointer with `download_mb_per_s` given
//! takes its own transfer time before its processing.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::Event;
use crate::model::blob_store::{Got, unpack};
use crate::model::consumer::{Consumer, Kind, Phase};
use crate::model::message::{Arena, Receipt};
use crate::model::queue::Changed;
use crate::model::reach::Reach;
use crate::scenario::NoSuchKey;

pub struct PayloadReader {
    pub no_such_key: NoSuchKey,
    /// Download bandwidth, bytes per second.
    pub download: Option<f64>,
    pub c: PayloadCounters,
}

#[derive(Clone, Debug, Default)]
pub struct PayloadCounters {
    /// GETs of claim-check payloads, and those that found nothing.
    pub gets: u64,
    pub no_such_key: u64,
    /// NoSuchKey handled as transient: the message went back to its queue.
    pub returned: u64,
    /// NoSuchKey handled as fatal: moved to the dead-letter queue, or lost
    /// (deleted without processing) when there is none.
    pub dead_lettered: u64,
    pub lost: u64,
    /// Time spent fetching payloads, nanoseconds (GETs and inline transfers).
    pub fetch_ns: u64,
    /// Objects deleted after processing.
    pub deleted_objects: u64,
}

impl Consumer {
    /// The pointer of a message this consumer must fetch first, if any.
    pub(crate) fn pointer_of(&self, arena: &Arena, r: Receipt) -> Option<u64> {
        self.payload.as_ref()?;
        if !matches!(
            self.kind,
            Kind::Pool | Kind::Prefetch { .. } | Kind::Poller(_)
        ) {
            return None;
        }
        let p = arena.offset(r.slot);
        unpack(p).map(|_| p)
    }

    /// The transfer time of an inline message of `size` bytes, with a
    /// download bandwidth.
    pub(crate) fn inline_transfer(&mut self, size: u32) -> SimTime {
        let Some(pr) = self.payload.as_mut() else {
            return 0;
        };
        let Some(bw) = pr.download else { return 0 };
        let d = from_secs(f64::from(size) / bw);
        pr.c.fetch_ns += d;
        d
    }

    /// The GET of the current message's payload: its answer comes after the
    /// request's time.
    pub(crate) fn get_payload(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let r = self.current(wi);
        let ptr = cx.arena.offset(r.slot);
        let (store, _, _) = unpack(ptr).expect("a pointer");
        let pr = self.payload.as_mut().expect("a payload reader");
        let (d, got) = cx.blobs[store.index()].get(ptr, pr.download, sim.now());
        pr.c.gets += 1;
        pr.c.fetch_ns += d;
        let found = matches!(got, Got::Found(_));
        if !found {
            pr.c.no_such_key += 1;
        }
        self.schedule_step(wi, Phase::Got(found), d, sim);
    }

    /// The GET has answered: the payload is processed, or NoSuchKey.
    pub(crate) fn got_payload(
        &mut self,
        wi: usize,
        found: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        if found {
            return self.process(wi, 0, cx.arena, sim);
        }
        let pr = self.payload.as_mut().expect("a payload reader");
        match pr.no_such_key {
            NoSuchKey::Transient => {
                pr.c.returned += 1;
                self.message_failed(wi, true, cx, sim);
            }
            NoSuchKey::Fatal => {
                if self.kind.poller().is_some() {
                    // The handler catches it and reports the record done.
                    pr.c.lost += 1;
                    return self.finish_message(wi, true, cx, sim);
                }
                self.workers[wi].give_up = true;
                self.message_failed(wi, true, cx, sim);
            }
        }
    }

    /// A pool gives up a message whose payload is missing: to its queue's
    /// dead-letter queue, or deleted (lost) without one.
    pub(crate) fn give_up_message(
        &mut self,
        r: Receipt,
        cx: &mut Reach<'_>,
        now: SimTime,
    ) -> Changed {
        let qi = self.p.queue.index();
        let pr = self.payload.as_mut().expect("a payload reader");
        let Some(dlq) = cx.queues[qi].p.dlq else {
            pr.c.lost += 1;
            return cx.queues[qi].delete(cx.arena, r, now);
        };
        let Some(changed) = cx.queues[qi].hand_off(cx.arena, r, now) else {
            return cx.queues[qi].changed();
        };
        pr.c.dead_lettered += 1;
        // The DLQ's redrive sends it back here.
        cx.arena.get_mut(r.slot).origin = qi as u16;
        let moved = cx.queues[dlq.index()].adopt(cx.arena, r.slot, now);
        cx.settle(moved);
        changed
    }

    /// The current message was processed: its object is deleted (its
    /// producer cleans up after processing) or becomes an orphan.
    pub(crate) fn payload_processed(&mut self, wi: usize, cx: &mut Reach<'_>, now: SimTime) {
        let r = self.current(wi);
        let Some(ptr) = self.pointer_of(cx.arena, r) else {
            return;
        };
        let (store, _, _) = unpack(ptr).expect("a pointer");
        if cx.blobs[store.index()].processed(ptr, now).is_some() {
            let pr = self.payload.as_mut().expect("a payload reader");
            pr.c.deleted_objects += 1;
        }
    }
}
