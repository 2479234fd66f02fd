//! What a run measures: latency histograms, time-averaged levels, the time series,
//! the conservation ledger and the collapse verdict.

pub mod alarm;
pub mod columns;
pub mod cross_check;
pub mod final_window;
pub mod held;
pub mod histogram;
pub mod imbalance;
pub mod interval_latency;
pub mod last_below;
pub mod latency;
pub mod ledger;
pub mod level;
pub mod little;
pub mod recovery;
pub mod retry_threshold;
pub mod review;
pub mod series;
pub mod theory;
pub mod verdict;

pub use latency::{Latency, LatencySummary};
pub use level::{Level, Levels};
