//! summary.json: the run's totals, latencies, ledger and verdict.

use super::{ExportError, io_err};
use crate::run::Summary;
use std::io::Write;
use std::path::Path;

pub fn write_summary(path: &Path, s: &Summary) -> Result<(), ExportError> {
    let text = serde_json::to_string_pretty(s).map_err(|e| ExportError::Csv(e.to_string()))?;
    let mut f = std::fs::File::create(path).map_err(io_err(path))?;
    f.write_all(text.as_bytes()).map_err(io_err(path))?;
    f.write_all(b"\n").map_err(io_err(path))?;
    Ok(())
}
