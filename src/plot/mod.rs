//! `flowsim plot DIR…`: every chart of a run's output folder drawn again from
//! its files alone — summary.json and timeseries.csv — with other `--charts`
//! formats or another `--scale`. The charts are byte for byte those `run`
//! draws: the series is fed row by row into the same bounded copy the run
//! kept (CSV numbers are Rust's shortest round-trip form, so each parses back
//! to the very f64 the run sampled), and the summary is read back whole.
//! Documented in docs/outputs.md, "Redrawing charts".

mod error;
mod sweep;

pub use error::PlotError;

use crate::charts::{self, ChartDir, ChartOptions, Formats};
use crate::metrics::series::kinds::is_counter;
use crate::metrics::series::{BoundedSeries, RowReader};
use crate::report::{Kind, ReportError};
use crate::run::{Summary, Trigger};
use std::path::Path;

/// Draws every chart of the run in `dir` as `options` asks (none: nothing).
pub fn plot(dir: &Path, options: ChartOptions) -> Result<(), PlotError> {
    match crate::report::kind_of(dir)? {
        Kind::Run => {}
        Kind::Sweep => {
            if options.formats != Formats::None {
                sweep::plot(dir, options)?;
            }
            return Ok(());
        }
    }
    let summary = read_summary(&dir.join("summary.json"))?;
    let series = read_series(&dir.join("timeseries.csv"))?;
    if options.formats != Formats::None {
        charts::run::draw(&ChartDir::new(dir, options), &summary, &series)?;
    }
    Ok(())
}

/// summary.json as the run wrote it, with what it leaves out restored: which
/// triggers are down time (an outage, a member's crash) is known by their label.
pub fn read_summary(path: &Path) -> Result<Summary, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut s: Summary = serde_json::from_str(&text).map_err(|e| ReportError::Malformed {
        path: path.to_path_buf(),
        what: "summary",
        problem: e.to_string(),
    })?;
    for t in &mut s.triggers {
        t.down = Trigger::is_down_label(&t.label);
    }
    Ok(s)
}

/// timeseries.csv fed into the charts' bounded copy, as the run fed it. An
/// empty field is a value that was not finite (the writer leaves it out).
pub fn read_series(path: &Path) -> Result<BoundedSeries, ReportError> {
    let csv_err = |source| ReportError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_err)?;
    let columns: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(String::from)
        .collect();
    let mut series = BoundedSeries::default();
    // A series without a row has its header line alone (or an empty one).
    if columns.iter().all(|c| c.is_empty()) {
        return Ok(series);
    }
    let counters: Vec<bool> = columns.iter().map(|c| is_counter(c)).collect();
    series.start(&columns, &counters);
    let mut row = Vec::with_capacity(columns.len());
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_err)?;
        row.clear();
        for (field, column) in record.iter().zip(&columns) {
            let v = if field.is_empty() {
                f64::NAN
            } else {
                field.parse().map_err(|_| ReportError::Malformed {
                    path: path.to_path_buf(),
                    what: "time series",
                    // Line 1 is the header.
                    problem: format!("line {}, column {column}: `{field}` is not a number", i + 2),
                })?
            };
            row.push(v);
        }
        series.read(&row);
    }
    series.close();
    Ok(series)
}
