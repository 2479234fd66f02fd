//! A database's entry in summary.json: its limits next to what it reached,
//! so a reader sees how close it came, and when it was down.

use crate::engine::to_secs;
use crate::model::downstream::database::Database;
use crate::model::summarise::{Links, Summarised};
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

impl Summarised for Database {
    type Entry = DatabaseSummary;

    fn summary(&self, r: &Links) -> DatabaseSummary {
        let end = r.end;
        let down: Vec<[f64; 2]> = self
            .down_windows
            .iter()
            .map(|&(a, b)| [to_secs(a), to_secs(b.unwrap_or(end).max(a))])
            .collect();
        DatabaseSummary {
            name: self.p.name.clone(),
            max_connections: self.p.max_connections,
            cores: self.p.cores,
            pool_size: self.p.pool.map(|p| p.0),
            peak_connections: self.c.peak_connections,
            queries: self.c.queries,
            refusals: self.c.refusals,
            pool_timeouts: self.c.pool_timeouts,
            down_rejections: self.c.down_rejections,
            errors: self.c.errors,
            orphaned_queries: self.c.orphaned,
            crashes: self.c.crashes,
            first_crash_s: self.first_crash.map(to_secs),
            down_s: down.iter().fold(0.0, |s, w| s + w[1] - w[0]),
            down,
        }
    }
}
