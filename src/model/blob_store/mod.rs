//! An S3-like object store for claim checks: PUT, GET and DELETE whose time is
//! a base latency plus the object's size over the connection's bandwidth, an
//! error rate (a failed request is retried at once by the client, paying its
//! time and price again), an optional replica lag before an object is
//! readable, and a lifecycle rule expiring objects some days after their PUT.
//!
//! Memory follows the objects stored: a slab reused through a free list, and
//! the lifecycle's line of expiries, which is in PUT order (every object gets
//! the same lifetime) and is compacted when deleted objects' stale entries
//! outnumber the live ones.
//!
//! A message carries its object as a pointer (`pointer`): the store, the slab
//! slot and the slot's generation, so that a pointer to a deleted or expired
//! object — or to a slot reused since — finds nothing (NoSuchKey).

mod ledger;
mod observe;
pub mod summary;

use crate::engine::{Rng, Scheduler, SimTime, from_secs, stream, to_secs};
use crate::model::Event;
use crate::model::dist::Dist;
use crate::model::event::{BlobEvent, BlobId};
use crate::scenario::Cleanup;
use rand::RngExt;
use std::collections::VecDeque;

/// A request is retried at most this many times after an error (the
/// client's retries; a validated error rate is below 1).
const MAX_ERRORS: u32 = 10;

pub struct BlobParams {
    pub name: String,
    pub put: Dist,
    pub get: Dist,
    pub delete: Dist,
    /// Bytes per second of one connection.
    pub bytes_per_s: f64,
    pub error_rate: f64,
    pub visible_after: Option<Dist>,
    pub expire_after: Option<SimTime>,
    pub put_per_request: f64,
    pub get_per_request: f64,
    pub delete_per_request: f64,
    pub storage_per_gb_month: f64,
    pub budget_bytes: Option<f64>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Object {
    size: u32,
    /// Bumped when the slot is freed: old pointers no longer match.
    generation: u32,
    live: bool,
    readable_at: SimTime,
    /// Its message was processed; the object stays (an orphan) until it is
    /// deleted or expires.
    orphan: bool,
    /// Its message has been read once at least (a GET found it).
    read: bool,
    /// Deleted by the consumer after processing.
    delete_after: bool,
    /// The lifecycle rule will expire it.
    expires: bool,
}

#[derive(Clone, Debug, Default)]
pub struct BlobCounters {
    /// Requests made, retries after errors included (each is billed).
    pub puts: u64,
    pub gets: u64,
    pub deletes: u64,
    /// Requests that failed and were retried.
    pub errors: u64,
    /// Objects stored (one per claim-checked message).
    pub created: u64,
    /// Objects deleted after their message was processed.
    pub deleted: u64,
    /// Objects the lifecycle rule expired after their message was processed
    /// (orphans it cleaned up) …
    pub expired_orphans: u64,
    /// … and before (a payload lost while its message was still queued or
    /// dead-lettered).
    pub expired_unprocessed: u64,
    /// GETs that found the object.
    pub found: u64,
    /// GETs that found no object: not yet readable (the pointer outran its
    /// PUT or a replica) …
    pub not_yet_readable: u64,
    /// … or deleted or expired already (a retry or a duplicate after the
    /// delete-after-processing, a payload past its lifecycle).
    pub gone: u64,
    /// Objects that became orphans (their message processed, the object kept).
    pub orphaned: u64,
    /// Of those, objects whose message was lost before it was processed
    /// (expired, dropped or given up in its queue): nobody will read them.
    pub orphaned_by_loss: u64,
    /// Bytes PUT, read and deleted.
    pub bytes_put: u64,
    pub bytes_read: u64,
    pub peak_objects: u64,
    pub peak_bytes: u64,
    /// When the bytes stored first passed `storage_budget_gb`.
    pub over_budget_at: Option<SimTime>,
}

/// A PUT's outcome.
pub struct Put {
    pub pointer: u64,
    /// From the request to its acknowledgement, errors' retries included.
    pub took: SimTime,
    /// The lifecycle timer to schedule, if this object starts the line.
    pub arm: Option<SimTime>,
}

/// What a GET found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Got {
    /// The object, of this many bytes.
    Found(u32),
    /// NoSuchKey: not readable yet.
    NotYet,
    /// NoSuchKey: deleted or expired.
    Gone,
}

pub struct BlobStore {
    pub id: BlobId,
    pub p: BlobParams,
    objects: Vec<Object>,
    free: Vec<u32>,
    /// (expiry, slot, generation) in PUT order: the lifecycle's line.
    expiry: VecDeque<(SimTime, u32, u32)>,
    timer_at: Option<SimTime>,
    latency_rng: Rng,
    error_rng: Rng,
    lag_rng: Rng,
    pub c: BlobCounters,
    /// Objects and bytes stored now; orphans among them.
    pub stored: u64,
    pub bytes: u64,
    pub orphans: u64,
    pub orphan_bytes: u64,
    /// Of the orphans, those no rule will ever expire (digital waste that
    /// only grows), and their bytes.
    pub forever_orphans: u64,
    pub forever_orphan_bytes: u64,
    /// ∫ bytes dt, byte-nanoseconds, up to `since`; and the orphans' share.
    byte_ns: f64,
    orphan_byte_ns: f64,
    since: SimTime,
}

/// A pointer's tag, so that no other use of a message's `offset` reads as one.
const TAG: u64 = 1 << 63;
const GEN_MASK: u32 = 0x7f_ffff;

/// The pointer a message carries to its object.
pub fn pointer(store: BlobId, slot: u32, generation: u32) -> u64 {
    TAG | (u64::from(store.0 & 0xff) << 55)
        | (u64::from(generation & GEN_MASK) << 32)
        | u64::from(slot)
}

/// The store, slot and generation of a pointer; None for an offset that is
/// not one.
pub fn unpack(p: u64) -> Option<(BlobId, u32, u32)> {
    if p & TAG == 0 {
        return None;
    }
    let store = ((p >> 55) & 0xff) as u16;
    let generation = ((p >> 32) as u32) & GEN_MASK;
    Some((BlobId(store), p as u32, generation))
}

/// Bytes per GB as S3 bills it and `storage_budget_gb` counts it: 2^30.
pub const GIB: f64 = 1_073_741_824.0;
/// Nanoseconds per month (730 h), as S3 bills storage.
const MONTH_NS: f64 = 730.0 * 3600.0 * 1e9;

impl BlobStore {
    pub fn new(id: BlobId, p: BlobParams, seed: u64, rep: u64) -> BlobStore {
        BlobStore {
            id,
            latency_rng: stream(seed, &format!("blob_store.{}.latency", p.name), rep),
            error_rng: stream(seed, &format!("blob_store.{}.errors", p.name), rep),
            lag_rng: stream(seed, &format!("blob_store.{}.lag", p.name), rep),
            p,
            objects: Vec::new(),
            free: Vec::new(),
            expiry: VecDeque::new(),
            timer_at: None,
            c: BlobCounters::default(),
            stored: 0,
            bytes: 0,
            orphans: 0,
            orphan_bytes: 0,
            forever_orphans: 0,
            forever_orphan_bytes: 0,
            byte_ns: 0.0,
            orphan_byte_ns: 0.0,
            since: 0,
        }
    }

    /// Brings the storage integral up to `now`.
    fn advance(&mut self, now: SimTime) {
        if now > self.since {
            let dt = (now - self.since) as f64;
            self.byte_ns += self.bytes as f64 * dt;
            self.orphan_byte_ns += self.orphan_bytes as f64 * dt;
            self.since = now;
        }
    }

    /// GB-months stored up to `now` (all objects, and orphans only).
    pub fn gb_months(&self, now: SimTime) -> (f64, f64) {
        let dt = now.saturating_sub(self.since) as f64;
        let all = self.byte_ns + self.bytes as f64 * dt;
        let orphans = self.orphan_byte_ns + self.orphan_bytes as f64 * dt;
        (all / GIB / MONTH_NS, orphans / GIB / MONTH_NS)
    }

    /// US dollars so far: requests and storage.
    pub fn cost_usd(&self, now: SimTime) -> f64 {
        let (gbm, _) = self.gb_months(now);
        self.request_cost() + gbm * self.p.storage_per_gb_month
    }

    pub fn request_cost(&self) -> f64 {
        self.c.puts as f64 * self.p.put_per_request
            + self.c.gets as f64 * self.p.get_per_request
            + self.c.deletes as f64 * self.p.delete_per_request
    }

    /// A request of `base` plus `bytes` at `bytes_per_s`, retried after each
    /// error: its total time, and the requests made.
    fn request(&mut self, base: Base, bytes: u32, bytes_per_s: f64) -> (SimTime, u64) {
        let mut t = 0.0;
        let mut n = 0;
        loop {
            n += 1;
            let b = match base {
                Base::Put => self.p.put.sample(&mut self.latency_rng),
                Base::Get => self.p.get.sample(&mut self.latency_rng),
                Base::Delete => self.p.delete.sample(&mut self.latency_rng),
            };
            t += b + f64::from(bytes) / bytes_per_s;
            let failed = self.p.error_rate > 0.0 && self.error_rng.random_bool(self.p.error_rate);
            if !failed || n > MAX_ERRORS as u64 {
                break;
            }
            self.c.errors += 1;
        }
        (from_secs(t), n)
    }

    /// PUTs an object of `size` at `now`: its pointer, the PUT's time, and
    /// the lifecycle timer to arm if this object is the first in line. With
    /// `sent_after_ack` the message is sent once the PUT is acknowledged, so
    /// the object is readable (after any replica lag) by the time it is
    /// sent; otherwise the pointer goes out at `now`, ahead of its object.
    pub fn put(&mut self, size: u32, now: SimTime, sent_after_ack: bool, cleanup: Cleanup) -> Put {
        let (d, n) = self.request(Base::Put, size, self.p.bytes_per_s);
        self.c.puts += n;
        let lag = self
            .p
            .visible_after
            .as_ref()
            .map_or(0, |l| from_secs(l.sample(&mut self.lag_rng)));
        let readable_at = if sent_after_ack {
            now
        } else {
            now.saturating_add(d)
        };
        self.advance(now);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.objects.push(Object::default());
                (self.objects.len() - 1) as u32
            }
        };
        let o = &mut self.objects[slot as usize];
        let generation = o.generation;
        *o = Object {
            size,
            generation,
            live: true,
            readable_at: readable_at.saturating_add(lag),
            orphan: false,
            read: false,
            delete_after: cleanup.deletes(),
            expires: cleanup.expires() && self.p.expire_after.is_some(),
        };
        self.stored += 1;
        self.bytes += u64::from(size);
        self.c.created += 1;
        self.c.bytes_put += u64::from(size);
        self.c.peak_objects = self.c.peak_objects.max(self.stored);
        self.c.peak_bytes = self.c.peak_bytes.max(self.bytes);
        if self.c.over_budget_at.is_none()
            && self.p.budget_bytes.is_some_and(|b| self.bytes as f64 > b)
        {
            self.c.over_budget_at = Some(now);
        }
        let mut arm = None;
        if let (true, Some(after)) = (cleanup.expires(), self.p.expire_after) {
            let at = now.saturating_add(after);
            self.expiry.push_back((at, slot, generation));
            if self.timer_at.is_none() {
                self.timer_at = Some(at);
                arm = Some(at);
            }
        }
        Put {
            pointer: pointer(self.id, slot, generation),
            took: d,
            arm,
        }
    }

    /// The lifecycle timer, when one is due (armed before the run for the
    /// initial backlog's objects).
    pub fn timer_at(&self) -> Option<SimTime> {
        self.timer_at
    }

    fn object(&self, slot: u32, generation: u32) -> Option<&Object> {
        self.objects
            .get(slot as usize)
            .filter(|o| o.live && o.generation & GEN_MASK == generation)
    }

    /// A GET of the pointer's object at `now` by a consumer downloading at
    /// `download` bytes per second (None: the store's bandwidth only): how
    /// long it takes and what it found. A NoSuchKey answers after the base
    /// latency only.
    pub fn get(&mut self, ptr: u64, download: Option<f64>, now: SimTime) -> (SimTime, Got) {
        let (_, slot, generation) = unpack(ptr).expect("a pointer");
        let got = match self.object(slot, generation) {
            None => Got::Gone,
            Some(o) if o.readable_at > now => Got::NotYet,
            Some(o) => Got::Found(o.size),
        };
        let bytes = match got {
            Got::Found(size) => size,
            _ => 0,
        };
        let bw = download.map_or(self.p.bytes_per_s, |d| d.min(self.p.bytes_per_s));
        let (d, n) = self.request(Base::Get, bytes, bw);
        self.c.gets += n;
        match got {
            Got::Found(size) => {
                self.c.found += 1;
                self.c.bytes_read += u64::from(size);
                self.objects[slot as usize].read = true;
            }
            Got::NotYet => self.c.not_yet_readable += 1,
            Got::Gone => self.c.gone += 1,
        }
        (d, got)
    }

    /// The pointer's message was processed: its object is deleted if its
    /// producer cleans up after processing, else it is an orphan from now
    /// until it expires (or forever). Returns the DELETE's time, if one was
    /// made.
    pub fn processed(&mut self, ptr: u64, now: SimTime) -> Option<SimTime> {
        let (_, slot, generation) = unpack(ptr).expect("a pointer");
        let o = *self.object(slot, generation)?;
        self.advance(now);
        if o.delete_after {
            let (d, n) = self.request(Base::Delete, 0, self.p.bytes_per_s);
            self.c.deletes += n;
            self.c.deleted += 1;
            self.remove(slot);
            return Some(d);
        }
        if !o.orphan {
            self.mark_orphan(slot, o);
        }
        None
    }

    /// The pointer's message left the system (its slot was freed). If it was
    /// never processed — lost to retention, an overflow, a consumer giving
    /// up — its object is an orphan from now on: nobody holds its pointer.
    pub fn released(&mut self, ptr: u64, now: SimTime) {
        let Some((_, slot, generation)) = unpack(ptr) else {
            return;
        };
        let Some(o) = self.object(slot, generation).copied() else {
            return; // deleted or expired already
        };
        if o.orphan {
            return; // processed, its object kept
        }
        self.advance(now);
        self.mark_orphan(slot, o);
        self.c.orphaned_by_loss += 1;
    }

    fn mark_orphan(&mut self, slot: u32, o: Object) {
        self.objects[slot as usize].orphan = true;
        self.orphans += 1;
        self.orphan_bytes += u64::from(o.size);
        self.c.orphaned += 1;
        if !o.expires {
            self.forever_orphans += 1;
            self.forever_orphan_bytes += u64::from(o.size);
        }
    }

    /// Frees an object's slot (the caller has advanced the integral).
    fn remove(&mut self, slot: u32) {
        let o = &mut self.objects[slot as usize];
        o.live = false;
        o.generation = o.generation.wrapping_add(1) & GEN_MASK;
        self.stored -= 1;
        self.bytes -= u64::from(o.size);
        if o.orphan {
            self.orphans -= 1;
            self.orphan_bytes -= u64::from(o.size);
            if !o.expires {
                self.forever_orphans -= 1;
                self.forever_orphan_bytes -= u64::from(o.size);
            }
        }
        self.free.push(slot);
        // Deleted objects leave stale entries in the lifecycle's line: keep
        // it within twice the objects stored.
        if self.expiry.len() as u64 > 2 * self.stored + 64 {
            let objects = &self.objects;
            self.expiry.retain(|&(_, s, g)| {
                let o = &objects[s as usize];
                o.live && o.generation == g
            });
        }
    }

    /// The lifecycle rule's timer: every object due expires.
    pub fn on_expire(&mut self, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        if self.timer_at != Some(now) {
            return;
        }
        self.timer_at = None;
        self.advance(now);
        while let Some(&(at, slot, generation)) = self.expiry.front() {
            if at > now {
                break;
            }
            self.expiry.pop_front();
            let Some(o) = self.object(slot, generation).copied() else {
                continue; // deleted since
            };
            if o.orphan {
                self.c.expired_orphans += 1;
            } else {
                self.c.expired_unprocessed += 1;
            }
            self.remove(slot);
        }
        if let Some(&(at, _, _)) = self.expiry.front() {
            self.timer_at = Some(at);
            sim.at(at, Event::Blob(self.id, BlobEvent::Expire));
        }
    }

    /// Objects expired by the lifecycle rule.
    pub fn expired(&self) -> u64 {
        self.c.expired_orphans + self.c.expired_unprocessed
    }

    /// Stored past the budget at some time, if it has one.
    pub fn over_budget(&self) -> bool {
        self.c.over_budget_at.is_some()
    }

    /// Seconds of storage integral so far, for the tests: (objects, bytes)
    /// per slot actually live — the books' cross-check.
    fn live_counts(&self) -> (u64, u64, u64) {
        let live = self.objects.iter().filter(|o| o.live);
        let (mut n, mut b, mut orphans) = (0, 0, 0);
        for o in live {
            n += 1;
            b += u64::from(o.size);
            orphans += u64::from(o.orphan);
        }
        (n, b, orphans)
    }

    /// Entries in the lifecycle's line (memory: bounded by the objects stored).
    pub fn expiry_entries(&self) -> usize {
        self.expiry.len()
    }

    pub fn expire_after_s(&self) -> Option<f64> {
        self.p.expire_after.map(to_secs)
    }
}

#[derive(Clone, Copy)]
enum Base {
    Put,
    Get,
    Delete,
}
