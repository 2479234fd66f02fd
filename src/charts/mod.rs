//! Chart rendering (PNG + SVG) with fonts embedded in the binary.

mod autoscaling;
mod blob_store;
mod compaction;
mod downstream;
mod error;
pub mod heatmap;
mod lag;
mod latency;
mod load;
pub mod options;
mod outcomes;
pub mod palette;
mod push;
mod rebalances;
pub mod run;
pub mod style;
pub mod sweep;
pub mod time_span;
pub mod timechart;
pub mod tornado;
mod utilisation;

pub use error::{ChartError, DrawError};
pub use options::{ChartDir, ChartOptions, Formats, IntoTarget, Target};

/// A run chart as drawn: its time axis fitted to what happens and in a
/// readable unit, its lines in the colours of their meanings.
pub(crate) fn finish(c: timechart::TimeChart) -> timechart::TimeChart {
    palette::by_meaning(time_span::fitted(c))
}

/// The scenario as a chart names it: its file name, so that a chart does not
/// depend on how the path was typed (`./scenarios/x.toml`, an absolute path).
pub(crate) fn scenario_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}
