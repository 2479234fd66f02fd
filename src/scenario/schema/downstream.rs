//! Downstream dependencies a consumer calls (docs/model.md "Downstream dependencies"):
//! a database with a connection limit, a rate-limited API, and fault windows.

use super::DistSpec;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    pub name: String,
    /// Connections beyond this are refused (a failure the caller sees).
    pub max_connections: u32,
    /// Queries run at full speed up to this many at once; beyond, they share the
    /// cores and each slows down in proportion.
    #[serde(default = "defaults::cores")]
    pub cores: u32,
    /// A query's time when it has a core to itself.
    #[serde(default = "defaults::query_s")]
    pub query_s: DistSpec,
    /// A pool in front of the database (a shared client pool, or a proxy):
    /// callers beyond its size wait for a connection instead of being refused.
    #[serde(default)]
    pub pool: Option<PoolConfig>,
    /// Crash after refusing connections for a sustained time.
    #[serde(default)]
    pub crash: Option<CrashConfig>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    pub size: u32,
    /// A caller that waited this long for a connection gives up (a failure).
    #[serde(default = "defaults::acquire_timeout_s")]
    pub acquire_timeout_s: f64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CrashConfig {
    /// The database crashes once it has been refusing connections this long
    /// (refusals no more than 5 s apart).
    pub after_s: f64,
    /// It stays down this long, then comes back with no connections.
    pub recovery_s: f64,
}

/// A rate-limited API: a token bucket of `burst` tokens refilled at `rate` per
/// second; a call without a token is answered "throttled" at once.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    pub name: String,
    pub rate: f64,
    pub burst: f64,
    #[serde(default = "defaults::call_s")]
    pub call_s: DistSpec,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Every call fails at once; a database drops its connections.
    Outage,
    /// Calls fail with probability `error_rate` (after taking their time).
    Errors,
    /// Calls take `factor` times longer.
    Latency,
}

/// A fault on a downstream during [`from_s`, `to_s`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    /// The database or API it hits.
    pub target: String,
    pub kind: FaultKind,
    pub from_s: f64,
    pub to_s: f64,
    pub error_rate: Option<f64>,
    pub factor: Option<f64>,
}

mod defaults {
    use crate::scenario::DistSpec;
    pub fn cores() -> u32 {
        4
    }
    pub fn acquire_timeout_s() -> f64 {
        1.0
    }
    pub fn query_s() -> DistSpec {
        DistSpec::constant(0.01)
    }
    pub fn call_s() -> DistSpec {
        DistSpec::constant(0.05)
    }
}
