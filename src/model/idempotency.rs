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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Record {
    #[default]
    Absent,
    InProgress {
        until: SimTime,
    },
    Completed {
        until: SimTime,
    },
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
        match *r {
            Record::Completed { until } if now < until => Check::AlreadyDone,
            Record::InProgress { until } if now < until => Check::InProgress,
            _ => {
                *r = Record::InProgress {
                    until: now + self.lock,
                };
                Check::Proceed
            }
        }
    }

    pub fn complete(&self, r: &mut Record, now: SimTime) {
        *r = Record::Completed {
            until: now + self.ttl,
        };
    }

    /// A failed processing deletes its lock so a retry can proceed; a completed
    /// record (written by a faster twin) stays.
    pub fn abandon(&self, r: &mut Record) {
        if matches!(r, Record::InProgress { .. }) {
            *r = Record::Absent;
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
        assert_eq!(r, Record::Absent);
    }
}
