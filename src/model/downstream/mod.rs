//! What consumers call (docs/model.md "Downstream dependencies"): databases with a
//! connection limit and shared cores, rate-limited APIs, and fault windows on
//! either. A consumer makes its call through the world's router; a database then
//! answers its callers itself (`database/calls.rs`), reaching only their workers.

use crate::model::event::{ApiId, ConsumerId, DatabaseId, WorkerId};

pub mod api;
pub mod database;
pub mod faults;
pub mod record;
pub mod service;

/// A consumer's worker waiting on an answer; `generation` tells a live caller
/// from one that has given up (timed out) since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    pub consumer: ConsumerId,
    pub worker: WorkerId,
    pub generation: u32,
}

/// One link of a consumer's call chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Database(DatabaseId),
    Api(ApiId),
}

/// Why a call failed, as the caller sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The database refused a connection (at `max_connections`).
    Refused,
    /// No pool connection within the acquire timeout.
    PoolTimeout,
    /// Down: crashed, or inside an outage window.
    Down,
    /// The API's token bucket was empty.
    Throttled,
    /// The call ran and failed (an error-rate window).
    Error,
    /// The consumer's circuit breaker is open: the call never left.
    BreakerOpen,
}
