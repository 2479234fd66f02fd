//! timeseries.csv: one row per sample, `time_s` first (columns in docs/outputs.md).

use super::{ExportError, io_err};
use crate::metrics::series::Sampler;
use std::path::Path;

pub fn write_series(path: &Path, s: &Sampler) -> Result<(), ExportError> {
    let file = std::fs::File::create(path).map_err(io_err(path))?;
    let mut w = ::csv::Writer::from_writer(std::io::BufWriter::new(file));
    let csv_err = |e: ::csv::Error| ExportError::Csv(format!("{}: {e}", path.display()));
    w.write_record(&s.columns).map_err(csv_err)?;
    for row in s.rows() {
        w.write_record(row.iter().map(|v| number(*v)))
            .map_err(csv_err)?;
    }
    w.flush().map_err(io_err(path))?;
    Ok(())
}

/// Rust's shortest round-trip form (`3`, `0.25`): the same bytes on every platform.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}
