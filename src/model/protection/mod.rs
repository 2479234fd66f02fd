//! What keeps retries from making an overload worse (docs/model.md "Retries and
//! protection"): a retry budget and a circuit breaker.

pub mod breaker;
pub mod budget;
