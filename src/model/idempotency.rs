//! A dedupe store keyed by message id (the idempotency-token pattern of seed 000,
//! as Powertools implements it): before processing, a record is looked up; a
//! completed one means "already done, skip"; an in-progress one whose lock has
//! not expired means "someone else is on it, fail"; otherwise the processing
//! takes the lock. Success completes the record for `ttl`; failure deletes it; a
//! processing killed by a timeout leaves its lock to expire.
//!
//! The record lives on the message itself: ids are unique and a message can only
//! be delivered again while it exists, so this is the store's exact behaviour in
//! memory bounded by the messages in the system.

use crate::engine::SimTime;

/// A message's record in the store, in one word (kept by slot in a side table
/// of the arena, which only a consumer with a store fills): the expiry of a lock or
/// of a completed record, and the top bit set when completed. Absent is a lock
/// that expired at 0: both let the next processing proceed, and both are left
/// alone by `abandon`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Record(u64);

/// The top bit: completed.
const COMPLETED: u64 = 1 << 63;

impl Record {
    pub const ABSENT: Record = Record(0);

    /// A lock held until `until`. Times past 2⁶³ ns (292 years) are kept as
    /// 2⁶³ − 1 ns: still later than any time a run reaches before it.
    fn in_progress(until: SimTime) -> Record {
        Record(until.min(COMPLETED - 1))
    }

    fn completed(until: SimTime) -> Record {
        Record(until.min(COMPLETED - 1) | COMPLETED)
    }

    fn is_completed(self) -> bool {
        self.0 & COMPLETED != 0
    }

    fn until(self) -> SimTime {
        self.0 & !COMPLETED
    }
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (*self == Record::ABSENT, self.is_completed()) {
            (true, _) => write!(f, "Absent"),
            (false, true) => write!(f, "Completed {{ until: {} }}", self.until()),
            (false, false) => write!(f, "InProgress {{ until: {} }}", self.until()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Lock taken: process.
    Proceed,
    /// Completed before: skip the side effect, report success.
    AlreadyDone,
    /// Locked by another processing: fail.
    InProgress,
}

#[derive(Clone, Copy, Debug)]
pub struct Store {
    pub ttl: SimTime,
    pub lock: SimTime,
}

impl Store {
    pub fn begin(&self, r: &mut Record, now: SimTime) -> Check {
        if now < r.until() {
            return if r.is_completed() {
                Check::AlreadyDone
            } else {
                Check::InProgress
            };
        }
        *r = Record::in_progress(now + self.lock);
        Check::Proceed
    }

    pub fn complete(&self, r: &mut Record, now: SimTime) {
        *r = Record::completed(now + self.ttl);
    }

    /// A failed processing deletes its lock so a retry can proceed; a completed
    /// record (written by a faster twin) stays.
    pub fn abandon(&self, r: &mut Record) {
        if !r.is_completed() {
            *r = Record::ABSENT;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_then_complete_then_expire() {
        let s = Store { ttl: 100, lock: 10 };
        let mut r = Record::default();
        assert_eq!(s.begin(&mut r, 0), Check::Proceed);
        assert_eq!(s.begin(&mut r, 5), Check::InProgress);
        // The lock expired: a second processing goes ahead (a double effect).
        assert_eq!(s.begin(&mut r, 10), Check::Proceed);
        s.complete(&mut r, 12);
        assert_eq!(s.begin(&mut r, 50), Check::AlreadyDone);
        s.abandon(&mut r);
        assert_eq!(s.begin(&mut r, 111), Check::AlreadyDone);
        assert_eq!(s.begin(&mut r, 112), Check::Proceed);
        s.abandon(&mut r);
        assert_eq!(r, Record::ABSENT);
    }
}
