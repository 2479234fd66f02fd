//! Jobs through a queue: a client whose target is a queue submits each attempt
//! as a message and waits for its completion (the first successful processing
//! by a consumer of the queue) with its timeout. A submission that times out is
//! given up and re-submitted as a new message by the retry policy, while the
//! original stays in the queue and is processed later anyway: a late
//! completion, work the system did for nobody (the runaway of a queue whose
//! clients retry on late completion).
//!
//! The registry says where a job's completion goes. It is indexed by the
//! message's arena slot and checked against the message's id, so it is as
//! large as the arena (what is in the system), and a slot reused by another
//! message finds no job.

use crate::model::event::{ClientsId, RequestId};

/// Where a completion goes: the population, its request, and the attempt's
/// generation (a completion for an attempt given up since arrives late).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub clients: ClientsId,
    pub request: RequestId,
    pub generation: u32,
}

#[derive(Clone, Copy)]
struct Entry {
    /// The message's id; `u64::MAX`: no job in this slot.
    id: u64,
    job: Job,
}

#[derive(Default)]
pub struct Jobs {
    by_slot: Vec<Entry>,
    /// Jobs submitted and not yet completed.
    open: usize,
}

impl Jobs {
    /// Whether any job waits for its completion (a consumer's success looks
    /// further only then).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.open == 0
    }

    /// Message `id` in arena slot `slot` is a job.
    pub fn submit(&mut self, slot: u32, id: u64, job: Job) {
        let s = slot as usize;
        if s >= self.by_slot.len() {
            let none = Entry { id: u64::MAX, job };
            self.by_slot.resize(s + 1, none);
        }
        if self.by_slot[s].id == u64::MAX {
            self.open += 1;
        }
        self.by_slot[s] = Entry { id, job };
    }

    /// Message `id` in slot `slot` was processed successfully for the first
    /// time: the job it is, if any (then no longer open).
    pub fn complete(&mut self, slot: u32, id: u64) -> Option<Job> {
        let e = self.by_slot.get_mut(slot as usize)?;
        if e.id != id {
            return None;
        }
        e.id = u64::MAX;
        self.open -= 1;
        Some(e.job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(g: u32) -> Job {
        Job {
            clients: ClientsId(0),
            request: RequestId(3),
            generation: g,
        }
    }

    #[test]
    fn a_job_completes_once_and_a_reused_slot_is_not_a_job() {
        let mut jobs = Jobs::default();
        assert!(jobs.is_empty());
        jobs.submit(5, 42, job(7));
        assert!(!jobs.is_empty());
        assert_eq!(jobs.complete(5, 41), None, "another message in the slot");
        assert_eq!(jobs.complete(5, 42), Some(job(7)));
        assert_eq!(jobs.complete(5, 42), None, "a duplicate success");
        assert!(jobs.is_empty());
        assert_eq!(jobs.complete(900, 1), None);
    }
}
