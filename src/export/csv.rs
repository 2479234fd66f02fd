//! timeseries.csv: one row per sample, `time_s` first (columns in docs/outputs.md).
//! Written row by row as the run samples: the file is the only whole copy.

use super::{ExportError, io_err};
use crate::metrics::series::RowSink;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

pub struct SeriesWriter {
    csv: ::csv::Writer<BufWriter<File>>,
    header_written: bool,
}

impl SeriesWriter {
    pub fn create(path: &Path) -> Result<SeriesWriter, ExportError> {
        let file = File::create(path).map_err(io_err(path))?;
        Ok(SeriesWriter {
            csv: ::csv::Writer::from_writer(BufWriter::new(file)),
            header_written: false,
        })
    }
}

impl RowSink for SeriesWriter {
    fn header(&mut self, columns: &[String]) -> io::Result<()> {
        self.header_written = true;
        Ok(self.csv.write_record(columns)?)
    }

    fn row(&mut self, row: &[f64]) -> io::Result<()> {
        Ok(self.csv.write_record(row.iter().map(|v| number(*v)))?)
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        // A series without a row still has its (empty) header line.
        if !self.header_written {
            self.csv.write_record(std::iter::empty::<&str>())?;
        }
        self.csv.flush()
    }
}

/// Rust's shortest round-trip form (`3`, `0.25`): the same bytes on every platform.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}
