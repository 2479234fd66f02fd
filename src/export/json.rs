//! summary.json: the run's totals, latencies, ledger and verdict.

use super::{ExportError, io_err};
use crate::run::Summary;
use std::path::Path;

/// Writes the summary to `path`, whole or not at all.
pub fn write_summary(path: &Path, s: &Summary) -> Result<(), ExportError> {
    let text = serde_json::to_string_pretty(s).map_err(|source| ExportError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    crate::atomic_file::write(path, text + "\n").map_err(io_err(path))
}
