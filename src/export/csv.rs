//! timeseries.csv: one row per sample, `time_s` first (columns in docs/outputs.md).

use super::{ExportError, io_err};
use crate::atomic_file::{self, Failed};
use crate::metrics::series::Sampler;
use std::path::Path;

/// Writes the series to `path`, whole or not at all.
pub fn write_series(path: &Path, s: &Sampler) -> Result<(), ExportError> {
    let csv_err = |source| ExportError::Csv {
        path: path.to_path_buf(),
        source,
    };
    atomic_file::write_with(path, |tmp| {
        let file = std::fs::File::create(tmp).map_err(io_err(path))?;
        let mut w = ::csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record(&s.columns).map_err(csv_err)?;
        for row in s.rows() {
            w.write_record(row.iter().map(|v| number(*v)))
                .map_err(csv_err)?;
        }
        w.flush().map_err(io_err(path))
    })
    .map_err(|e| match e {
        Failed::Io(source) => io_err(path)(source),
        Failed::Fill(e) => e,
    })
}

/// Rust's shortest round-trip form (`3`, `0.25`): the same bytes on every platform.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}
