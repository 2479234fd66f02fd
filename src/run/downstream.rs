//! The summary's entries for what consumers call and for managed pollers:
//! limits next to what was reached, so a reader sees how close it came.

use crate::engine::to_secs;
use crate::model::consumer::Consumer;
use crate::model::downstream::api::Api;
use crate::model::downstream::database::Database;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct DatabaseSummary {
    pub name: String,
    pub max_connections: u32,
    pub cores: u32,
    pub pool_size: Option<u32>,
    pub peak_connections: u32,
    pub queries: u64,
    pub refusals: u64,
    pub pool_timeouts: u64,
    /// Calls that found it down (crashed or in an outage).
    pub down_rejections: u64,
    pub errors: u64,
    /// Queries that ran on after their caller gave up.
    pub orphaned_queries: u64,
    pub crashes: u64,
    pub first_crash_s: Option<f64>,
    /// Down intervals [from, to] in seconds (to = the run's end if still down).
    pub down: Vec<[f64; 2]>,
    pub down_s: f64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ApiSummary {
    pub name: String,
    pub rate: f64,
    pub burst: f64,
    pub calls: u64,
    pub throttles: u64,
    pub errors: u64,
    pub down_rejections: u64,
}

/// A Lambda-like consumer's poller: its caps and what it reached.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct LambdaSummary {
    /// The most pollers (event source maximum concurrency, within 1,000).
    pub pollers_cap: u32,
    pub reserved_concurrency: Option<u32>,
    pub account_concurrency: u32,
    pub peak_pollers: u32,
    pub invocations: u64,
    pub throttles: u64,
    pub timeouts: u64,
    pub failed_invocations: u64,
    /// Billed duration of the invocations, seconds (the cost model's
    /// GB-seconds divided by the memory).
    #[serde(default)]
    pub billed_s: f64,
}

/// A consumer's downstream calls and their protections.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct CallsSummary {
    pub chain: Vec<String>,
    pub call_failures: u64,
    pub retries: u64,
    pub retry_budget_denied: u64,
    pub breaker_opened: u64,
    pub breaker_rejections: u64,
}

pub fn database(d: &Database, end: u64) -> DatabaseSummary {
    let down: Vec<[f64; 2]> = d
        .down_windows
        .iter()
        .map(|&(a, b)| [to_secs(a), to_secs(b.unwrap_or(end).max(a))])
        .collect();
    DatabaseSummary {
        name: d.p.name.clone(),
        max_connections: d.p.max_connections,
        cores: d.p.cores,
        pool_size: d.p.pool.map(|p| p.0),
        peak_connections: d.c.peak_connections,
        queries: d.c.queries,
        refusals: d.c.refusals,
        pool_timeouts: d.c.pool_timeouts,
        down_rejections: d.c.down_rejections,
        errors: d.c.errors,
        orphaned_queries: d.c.orphaned,
        crashes: d.c.crashes,
        first_crash_s: d.first_crash.map(to_secs),
        down_s: down.iter().fold(0.0, |s, w| s + w[1] - w[0]),
        down,
    }
}

pub fn api(a: &Api) -> ApiSummary {
    ApiSummary {
        name: a.p.name.clone(),
        rate: a.p.rate,
        burst: a.p.burst,
        calls: a.c.calls,
        throttles: a.c.throttles,
        errors: a.c.errors,
        down_rejections: a.c.down_rejections,
    }
}

pub fn lambda(c: &Consumer, account_concurrency: u32, end: u64) -> Option<LambdaSummary> {
    let p = c.kind.poller()?;
    // Invocations still running at the end are billed up to it.
    let billed_ns = p.c.billed_ns + i128::from(c.busy) * i128::from(end);
    Some(LambdaSummary {
        pollers_cap: p.p.max,
        reserved_concurrency: p.p.reserved,
        account_concurrency,
        peak_pollers: p.c.peak_pollers,
        invocations: p.c.invocations,
        throttles: p.c.throttles,
        timeouts: p.c.timeouts,
        failed_invocations: p.c.failed_invocations,
        billed_s: billed_ns as f64 / 1e9,
    })
}

pub fn calls(c: &Consumer, names: Vec<String>) -> Option<CallsSummary> {
    if names.is_empty() {
        return None;
    }
    Some(CallsSummary {
        chain: names,
        call_failures: c.c.call_failures,
        retries: c.c.retries,
        retry_budget_denied: c.budget.as_ref().map_or(0, |b| b.denied),
        breaker_opened: c.breakers.iter().map(|b| b.opened).sum(),
        breaker_rejections: c.breakers.iter().map(|b| b.rejected).sum(),
    })
}
