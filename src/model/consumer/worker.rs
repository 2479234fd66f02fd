//! One worker of a consumer: where it is (parked, busy, ...) and what it holds.
//! Its state changes only through `set_state`, so the consumer's index of
//! parked long polls never misses a worker that parks or stops waiting.

use crate::engine::SimTime;
use crate::model::consumer::parked::ParkedPolls;
use crate::model::downstream::CallError;
use crate::model::event::DatabaseId;
use crate::model::message::Receipt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    /// Parked on a long poll since this time.
    Waiting {
        since: SimTime,
    },
    /// Between short polls.
    Pausing,
    Busy,
    /// A poller holding a partial batch until its batching window ends.
    Gathering,
    /// A poller the managed poller has scaled away.
    Retired,
    /// A push endpoint's worker with nothing to do: the next delivery takes it.
    Idle,
}

/// Where a worker is in its current message; the pending `Step` event ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Compute,
    /// Waiting on an API call of known length.
    Api,
    /// Waiting to retry the current call.
    Backoff,
    /// Waiting for a pool connection (the step is the acquire timeout).
    PoolWait,
    /// A query is running; the database answers (the step is a timeout).
    Query,
    /// Gathering a batch (pollers).
    Gather,
    /// Waiting to process the same record again (a group's partition is blocked
    /// behind it).
    Redo,
    /// Outcomes known at once, delivered through a step at the same instant so
    /// that no chain of calls recurses.
    CallFailed(CallError),
    Skip,
    Conflict,
    /// Waiting to retry a publish onward the next stage's queue refused.
    Onward,
    /// About to GET the message's payload from its blob store (a step at
    /// the same instant, where the store is lent).
    Get,
    /// The GET is under way; it found the object or not (NoSuchKey).
    Got(bool),
}

pub struct Worker {
    /// Changed only through `set_state`, which keeps the consumer's index of
    /// parked long polls in step.
    state: WorkerState,
    pub batch: Vec<Receipt>,
    pub pos: usize,
    /// Steps carry it; bumping it cancels the pending one.
    pub generation: u32,
    pub phase: Phase,
    /// Index in the call chain, attempt at that call, and its last backoff.
    pub call: usize,
    pub attempt: u32,
    pub backoff_prev: f64,
    /// A database connection kept across a retry: (database, epoch).
    pub conn: Option<(DatabaseId, u32)>,
    /// The invocation's timeout (never, for a pool).
    pub deadline: SimTime,
    /// Per batch message so far: succeeded? (pollers delete at the end).
    pub outcomes: Vec<bool>,
    /// When it last parked on a long poll.
    pub parked_at: SimTime,
    /// Messages its current message still owes the next pipeline stage.
    pub onward_left: u32,
    /// A dual write publishing first: its current message's publish went (or
    /// is going) out before its write.
    pub ahead: bool,
    /// Blocking retry tiers: the delays its current message has waited.
    pub retries_in_place: u32,
    /// Its current message's payload is missing for good
    /// (`no_such_key = "fatal"`): the failure gives the message up.
    pub give_up: bool,
}

impl Default for Worker {
    fn default() -> Self {
        Self::new()
    }
}

impl Worker {
    pub fn new() -> Worker {
        Worker {
            state: WorkerState::Pausing,
            // Grown by what is received, not by the batch size: memory
            // follows the messages held.
            batch: Vec::new(),
            pos: 0,
            generation: 0,
            phase: Phase::Compute,
            call: 0,
            attempt: 0,
            backoff_prev: 0.0,
            conn: None,
            deadline: SimTime::MAX,
            outcomes: Vec::new(),
            parked_at: 0,
            onward_left: 0,
            ahead: false,
            retries_in_place: 0,
            give_up: false,
        }
    }
}

impl Worker {
    pub fn state(&self) -> WorkerState {
        self.state
    }

    /// Moves the worker to `state`, telling `parked` (its consumer's index)
    /// when it parks on a long poll or stops waiting.
    pub fn set_state(&mut self, state: WorkerState, parked: &mut ParkedPolls) {
        if let WorkerState::Waiting { since } = self.state {
            parked.unpark(since);
        }
        if let WorkerState::Waiting { since } = state {
            parked.park(since);
        }
        self.state = state;
    }
}
