//! What a component's handler asks of the components it cannot reach itself.
//!
//! A consumer's handler is lent its queue, the arena and the downstreams it
//! calls (`Reach`), never the other consumers. When its conversation crosses
//! to something that can reach them — a queue that hands what became visible
//! to its parked receivers, a database whose pool hands a freed connection to
//! a waiting worker, a dead-letter topic that wakes its readers — the handler
//! names that step as an `Effect` and returns. The router (`route/`) then takes
//! the steps in the order they were named, each one's own steps before the
//! next, which is the order of nested calls: results do not depend on this
//! being a stack rather than a call. When the conversation has more to do after
//! the crossing, the handler names that too, as a `Resume` of its worker.

use crate::model::client::jobs::Job;
use crate::model::event::{ConsumerId, DatabaseId, QueueId, WorkerId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// A queue's contents changed: its prefetch workers and parked receivers
    /// get what is visible, then its timer is re-armed.
    Settle(QueueId),
    /// A prefetch worker is there: the queue pushes what is visible to workers
    /// with room, then re-arms its timer.
    Push(QueueId),
    /// A worker calls a database: a connection, a place in the pool, or a
    /// refusal (which may crash it and fail its other callers).
    CallDatabase {
        consumer: ConsumerId,
        worker: WorkerId,
        database: DatabaseId,
    },
    /// A worker closes the connection it kept: the pool hands it on.
    ReleaseConnection {
        consumer: ConsumerId,
        worker: WorkerId,
    },
    /// A group member's record that failed for good goes to the dead-letter
    /// topic, which wakes that topic's readers.
    DeadLetterRecord {
        consumer: ConsumerId,
        worker: WorkerId,
    },
    /// A pipeline stage published to a push topic or a bus: the router fans
    /// out what the stage holds for it (`Onward::forward`).
    Forward { consumer: ConsumerId },
    /// A job a client submitted is complete: its answer goes back to the
    /// client (`client/jobs.rs`).
    JobDone(Job),
    /// The worker's conversation goes on after a crossing.
    Resume {
        consumer: ConsumerId,
        worker: WorkerId,
        then: Then,
    },
}

/// Where a worker's conversation goes on after a crossing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Then {
    /// Its call succeeded (and its connection is closed): the next call of
    /// the chain, or the message's success.
    NextCall,
    /// Its call failed for good (and its connection is closed): the message
    /// fails.
    MessageFailed,
    /// Its invocation timed out (and its connection is closed): the
    /// invocation ends as a failure.
    InvocationTimedOut,
    /// Its record is in the dead-letter topic: the member moves past it.
    RecordDone,
    /// A member crash goes on with this worker; `random` crashes schedule the
    /// next one when the crash is over.
    CrashFrom { random: bool },
}

// The stack holds the steps of one conversation: keep them small.
const _: () = assert!(std::mem::size_of::<Effect>() <= 16);

/// The steps named by the handlers of the conversation under way, as a stack
/// (the router reverses what one handler named, so that they pop in order).
#[derive(Default)]
pub(crate) struct Effects {
    stack: Vec<Effect>,
}

impl Effects {
    /// Names a step, after those named before it by the same handler.
    #[inline]
    pub(crate) fn push(&mut self, e: Effect) {
        self.stack.push(e);
    }

    /// Where the steps named by the handler about to run will start.
    #[inline]
    pub(crate) fn mark(&self) -> usize {
        self.stack.len()
    }

    /// The next step of those named since `mark`, first named first.
    #[inline]
    pub(crate) fn next_since(&mut self, mark: usize) -> Option<Effect> {
        if self.stack.len() > mark {
            self.stack.pop()
        } else {
            None
        }
    }

    /// Turns the steps named since `mark` so that they pop first to last.
    #[inline]
    pub(crate) fn in_order_since(&mut self, mark: usize) {
        if self.stack.len() > mark + 1 {
            self.stack[mark..].reverse();
        }
    }
}
