//! Chart rendering (PNG + SVG) with fonts embedded in the binary.

mod downstream;
pub mod heatmap;
mod lag;
mod load;
mod push;
pub mod run;
pub mod style;
pub mod sweep;
pub mod timechart;

/// Failure to render or write a chart; `path` is the output file concerned.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {path}: {message}")]
    Draw { path: String, message: String },
    #[error("chart {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
