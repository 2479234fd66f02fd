//! Clients that call a service and retry (docs/model.md "Clients: open and closed
//! loop"), and the two downstreams they call: a service whose latency grows
//! with its concurrency, and a record under optimistic concurrency.

use super::{Arrivals, BreakerConfig, CallRetry, DistSpec, ProfileStep};
use serde::{Deserialize, Serialize};

/// A population of clients. Open loop: logical requests start at `rate` (with
/// `profile`) whatever the answers. Closed loop: `count` clients, each with one
/// request at a time and `think_s` between requests. Every attempt may time out
/// at the client, and failed attempts are retried with `retry`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    pub name: String,
    /// The `[[service]]` or `[[record]]` called.
    pub target: String,
    /// Open loop: logical requests per second.
    #[serde(default)]
    pub rate: Option<f64>,
    #[serde(default)]
    pub arrivals: Arrivals,
    /// Open loop: the first request at `start_s` itself rather than one gap
    /// after it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_at_start: bool,
    #[serde(default)]
    pub profile: Vec<ProfileStep>,
    #[serde(default)]
    pub start_s: f64,
    #[serde(default)]
    pub stop_s: Option<f64>,
    /// Open loop: the clients the requests come from, each request from one
    /// drawn at random (what a per-client budget or breaker is kept for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u32>,
    /// Closed loop: this many clients.
    #[serde(default)]
    pub count: Option<u32>,
    /// Closed loop: a client's pause between the end of a request and the next.
    #[serde(default)]
    pub think_s: Option<DistSpec>,
    /// Closed loop: when a client's next request starts — `think_s` after the
    /// end of its last (`after_end`), or `1/rate` after the start of its last,
    /// or at its end if later (`from_start`: a serial client with a target rate).
    #[serde(default, skip_serializing_if = "Pacing::is_after_end")]
    pub pacing: Pacing,
    /// Closed loop: a client stops after this many requests (success or not).
    #[serde(default)]
    pub requests_each: Option<u64>,
    /// Closed loop: clients start spread evenly over this span after `start_s`
    /// (0: all at once, a fleet restarting).
    #[serde(default)]
    pub start_spread_s: f64,
    /// An attempt without an answer after this long is given up (and retried);
    /// the target is not told. None: wait for the answer.
    #[serde(default)]
    pub timeout_s: Option<f64>,
    /// Network delay, each way.
    #[serde(default = "defaults::network_s")]
    pub network_s: DistSpec,
    /// Attempts per logical request and the delays between them.
    #[serde(default)]
    pub retry: Option<CallRetry>,
    #[serde(default)]
    pub breaker: Option<BreakerConfig>,
    /// Hedged requests: a second copy of an attempt still unanswered after a
    /// delay, the first answer taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<HedgeConfig>,
}

/// `[client.hedge]`: answered attempts seen before a percentile delay applies
/// when `warmup` is left out.
pub const HEDGE_WARMUP_DEFAULT: u64 = 100;

/// `[client.hedge]`: when an attempt has had no answer for `after_s`, or for
/// the `after_percentile`-th percentile of the attempt latencies seen so far
/// (once `warmup` have been seen), another copy goes to the same service, up
/// to `max_extra` copies; the first success answers the attempt and the other
/// copies' answers are ignored ("The Tail at Scale", Dean and Barroso, 2013).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HedgeConfig {
    /// A fixed delay, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_s: Option<f64>,
    /// A percentile (in percent, e.g. 95) of the attempt latencies seen so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_percentile: Option<f64>,
    /// `after_percentile`: answered attempts seen before hedging starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<u64>,
    /// Extra copies per attempt at most, each one more delay after the last.
    #[serde(default = "defaults::max_extra")]
    pub max_extra: u32,
}

/// How a closed-loop client spaces its requests.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Pacing {
    #[default]
    AfterEnd,
    FromStart,
}

impl Pacing {
    pub fn is_after_end(&self) -> bool {
        *self == Pacing::AfterEnd
    }
}

impl ClientConfig {
    pub fn closed_loop(&self) -> bool {
        self.count.is_some()
    }
}

/// A service whose latency grows with the requests it is serving: a request
/// that starts with `n` others in service takes `base_s + slope_s·n` (fixed at
/// its start), plus a draw from `service_s` when given (a heavy tail). It
/// finishes every request it accepted, even those whose client gave up.
/// Beyond `max_concurrency` it rejects at once (load shedding).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub name: String,
    /// The fixed part of a request's time; 0 when `service_s` is given alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_s: Option<f64>,
    /// A request's own time, drawn at its start (added to `base_s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_s: Option<DistSpec>,
    #[serde(default)]
    pub slope_s: f64,
    #[serde(default)]
    pub max_concurrency: Option<u32>,
}

/// A record under optimistic concurrency: an attempt reads its version, then
/// writes on condition that no write landed since the read.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordConfig {
    pub name: String,
    #[serde(default = "defaults::record_s")]
    pub read_s: DistSpec,
    #[serde(default = "defaults::record_s")]
    pub write_s: DistSpec,
}

mod defaults {
    use crate::scenario::DistSpec;
    pub fn max_extra() -> u32 {
        1
    }
    pub fn network_s() -> DistSpec {
        DistSpec::constant(0.0005)
    }
    pub fn record_s() -> DistSpec {
        DistSpec::constant(0.002)
    }
}
