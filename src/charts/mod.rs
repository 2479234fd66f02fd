//! Chart rendering (PNG + SVG) with fonts embedded in the binary.

mod downstream;
mod error;
pub mod heatmap;
mod lag;
mod load;
pub mod options;
mod push;
pub mod run;
pub mod style;
pub mod sweep;
pub mod timechart;
pub mod tornado;

pub use error::{ChartError, DrawError};
pub use options::{ChartDir, ChartOptions, Formats, IntoTarget, Target};
