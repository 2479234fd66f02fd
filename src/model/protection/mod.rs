//! What keeps retries from making an overload worse (docs/model.md "Retries and
//! protection"): a retry budget (a ratio per window or a token bucket) and a circuit breaker
//! (on a count or a ratio of failures).

pub mod breaker;
pub mod budget;
mod call_window;
pub(crate) mod token_bucket;
mod window_budget;
