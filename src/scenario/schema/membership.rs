//! A consumer group's membership protocol (`[consumer.group.membership]`):
//! members that leave and come back, the timeouts that expel them, and how a
//! rebalance moves partitions. Defaults are Kafka's (docs/scenarios.md gives
//! the source of each). Without this table a group's members never leave, and
//! only a crash stops the group (for `rebalance_s`).

use serde::{Deserialize, Serialize};

/// How a rebalance hands partitions over.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RebalanceProtocol {
    /// Stop the world: every member gives up every partition, then all are
    /// assigned again (the classic protocol, range/round-robin assignors).
    #[default]
    Eager,
    /// Cooperative incremental (KIP-429, the cooperative-sticky assignor):
    /// only the partitions that move pause; the rest are processed throughout.
    Cooperative,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MembershipConfig {
    #[serde(default)]
    pub protocol: RebalanceProtocol,
    /// group.instance.id set: a member that restarts keeps its partitions
    /// (nothing moves) if it is back within the session timeout.
    #[serde(default)]
    pub static_membership: bool,
    /// session.timeout.ms: a member not heard from for this long is removed
    /// from the group. Kafka: 45 s (since 3.0, KIP-735).
    #[serde(default = "default_session_timeout")]
    pub session_timeout_s: f64,
    /// heartbeat.interval.ms: how often a member says it is alive. Kafka: 3 s.
    #[serde(default = "default_heartbeat")]
    pub heartbeat_interval_s: f64,
    /// max.poll.interval.ms: a member whose batch keeps it from polling for
    /// longer than this leaves the group. Kafka: 300 s.
    #[serde(default = "default_max_poll_interval")]
    pub max_poll_interval_s: f64,
    /// A deployment rolling through the group, one member after another.
    #[serde(default)]
    pub rolling_restart: Option<RollingRestart>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RollingRestart {
    /// When the first member goes down.
    pub at_s: f64,
    /// How long each member is down (stop, start, rejoin).
    pub down_s: f64,
    /// Between one member going down and the next.
    pub interval_s: f64,
    /// A clean shutdown: the member commits what it processed and (without
    /// static membership) tells the group it leaves. `false` is a kill: the
    /// group notices at the session timeout.
    #[serde(default = "default_true")]
    pub graceful: bool,
}

fn default_session_timeout() -> f64 {
    45.0
}
fn default_heartbeat() -> f64 {
    3.0
}
fn default_max_poll_interval() -> f64 {
    300.0
}
fn default_true() -> bool {
    true
}
