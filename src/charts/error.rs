//! Why a chart was not written: it cannot be drawn, or its file cannot be
//! written. Either way nothing is left at its path.

use super::heatmap::InputError;
use plotters::style::FontError;
use std::path::{Path, PathBuf};

/// Failure to render or write a chart; `path` is the output file concerned.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {path}: {source}")]
    Draw {
        path: PathBuf,
        #[source]
        source: DrawError,
    },
    #[error("chart {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ChartError {
    pub(crate) fn draw(path: &Path, source: DrawError) -> ChartError {
        ChartError::Draw {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> ChartError {
        ChartError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Why a chart cannot be laid out or drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// Values so far apart that no axis spans them.
    #[error("value range too large to plot")]
    RangeTooLarge,
    /// A series' uncertainty band does not pair up with its points.
    #[error("series \"{label}\": band has {pairs} (low, high) pairs for {points} points")]
    BandLength {
        label: String,
        pairs: usize,
        points: usize,
    },
    /// A heat map with more cells than its grid has room for.
    #[error("{nx} x {ny} cells do not fit (at most {max_columns} columns and {max_rows} rows)")]
    TooManyCells {
        nx: usize,
        ny: usize,
        max_columns: usize,
        max_rows: usize,
    },
    #[error(transparent)]
    HeatMap(#[from] InputError),
    /// Measuring text failed.
    #[error("font: {0}")]
    Font(#[source] FontError),
    /// The plotting library failed to draw or to encode the image.
    #[error("{0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl DrawError {
    pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> DrawError {
        DrawError::Backend(Box::new(e))
    }
}
