//! TEMPORARY STUB
pub mod run;
pub mod timechart;
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {path}: {message}")]
    Draw { path: String, message: String },
}
