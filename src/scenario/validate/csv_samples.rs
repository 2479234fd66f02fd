//! `samples_csv`: an empirical distribution's values read from a column of a
//! CSV file, when the scenario is checked, so that each way the file can be
//! wrong is a problem at the key, with the file and the CSV line.

use super::{Checker, num};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::{CsvSamples, DIST_VALUE_MAX, DIST_VALUE_MIN};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest CSV file read: 64 MiB, room for a million values (the most an
/// empirical distribution takes) in a few columns, and far from what would
/// strain memory. Checked on the file's size before reading, and again while
/// reading (a file that grows, a device that never ends).
pub const CSV_BYTES_MAX: u64 = 64 << 20;

/// What can be wrong with a CSV column.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file} is over the {limit}-byte limit ({bytes} bytes or more)")]
    TooLarge {
        file: String,
        bytes: u64,
        limit: u64,
    },
    #[error("{file} has no column `{column}`")]
    NoColumn {
        file: String,
        column: String,
        have: Vec<String>,
    },
    #[error("line {line} of {file}: `{cell}` in column `{column}` is not a number")]
    NotNumber {
        file: String,
        line: u64,
        column: String,
        cell: String,
    },
    #[error(
        "line {line} of {file}: {value} in column `{column}` is out of range for an observed value"
    )]
    OutOfRange {
        file: String,
        line: u64,
        column: String,
        value: String,
    },
    #[error("column `{column}` of {file} has no values")]
    Empty { file: String, column: String },
    #[error("column `{column}` of {file} has more than {max} values")]
    TooMany {
        file: String,
        column: String,
        max: usize,
    },
    #[error("line {line} of {file}: {message}")]
    Malformed {
        file: String,
        line: u64,
        message: String,
    },
}

/// The values of column `column` of the CSV file at `path` (a header row,
/// then one value per row; blank cells are skipped), at most `max` of them.
pub fn read_column(path: &Path, column: &str, max: usize) -> Result<Vec<f64>, CsvError> {
    read_column_within(path, column, max, CSV_BYTES_MAX)
}

/// [`read_column`] of a file of at most `limit` bytes.
fn read_column_within(
    path: &Path,
    column: &str,
    max: usize,
    limit: u64,
) -> Result<Vec<f64>, CsvError> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |source| CsvError::Io {
        file: file.clone(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let bytes = f.metadata().map_err(io)?.len();
    if bytes > limit {
        return Err(CsvError::TooLarge { file, bytes, limit });
    }
    let mut text = Vec::new();
    f.take(limit + 1).read_to_end(&mut text).map_err(io)?;
    if text.len() as u64 > limit {
        let bytes = text.len() as u64;
        return Err(CsvError::TooLarge { file, bytes, limit });
    }
    let malformed = |e: csv::Error| CsvError::Malformed {
        file: file.clone(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(&text[..]);
    let have: Vec<String> = r
        .headers()
        .map_err(malformed)?
        .iter()
        .map(str::to_string)
        .collect();
    let Some(at) = have.iter().position(|h| h == column) else {
        return Err(CsvError::NoColumn {
            file,
            column: column.to_string(),
            have,
        });
    };
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(malformed)?;
        let line = rec.position().map_or(0, |p| p.line());
        let Some(cell) = rec.get(at).filter(|c| !c.is_empty()) else {
            continue;
        };
        let x: f64 = cell.parse().map_err(|_| CsvError::NotNumber {
            file: file.clone(),
            line,
            column: column.to_string(),
            cell: cell.chars().take(40).collect(),
        })?;
        if !(x == 0.0 || (DIST_VALUE_MIN..=DIST_VALUE_MAX).contains(&x)) {
            return Err(CsvError::OutOfRange {
                file,
                line,
                column: column.to_string(),
                value: num(x),
            });
        }
        if out.len() == max {
            return Err(CsvError::TooMany {
                file,
                column: column.to_string(),
                max,
            });
        }
        out.push(x);
    }
    if out.is_empty() {
        return Err(CsvError::Empty {
            file,
            column: column.to_string(),
        });
    }
    Ok(out)
}

impl Checker {
    /// Reads `samples_csv` (at `path`) once, relative to the scenario's
    /// directory, and keeps its values for the run.
    pub(super) fn samples_csv(&mut self, path: KeyPath, c: &CsvSamples, max: usize) {
        if c.values.get().is_some() {
            return;
        }
        let file: PathBuf = self.base.join(&c.path);
        match read_column(&file, &c.column, max) {
            Ok(xs) => {
                let _ = c.values.set(Arc::from(xs));
            }
            Err(e) => {
                let (key, expected) = match &e {
                    CsvError::Io { .. } => (
                        "path",
                        "a CSV file, its path relative to the scenario file's directory".to_string(),
                    ),
                    CsvError::TooLarge { .. } => (
                        "path",
                        "a CSV file of at most 64 MiB: keep the column you sample, or a sample of its rows".to_string(),
                    ),
                    CsvError::NoColumn { have, .. } => (
                        "column",
                        format!("one of the header's columns: {}", have.join(", ")),
                    ),
                    CsvError::NotNumber { .. } | CsvError::Malformed { .. } => (
                        "path",
                        "a number in every non-blank cell of the column, as `0.012`".to_string(),
                    ),
                    CsvError::OutOfRange { .. } => (
                        "path",
                        format!("0, or a number from {DIST_VALUE_MIN:e} to {DIST_VALUE_MAX:e}"),
                    ),
                    CsvError::Empty { .. } => (
                        "column",
                        "at least one value under the header".to_string(),
                    ),
                    CsvError::TooMany { max, .. } => ("path", format!("from 1 to {max} values")),
                };
                self.fail(path.key(key), e.to_string(), expected);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/samples")
            .join(name)
    }

    #[test]
    fn a_column_is_read_with_blank_cells_skipped() {
        let xs = read_column(&data("latencies.csv"), "latency_s", 100).unwrap();
        assert_eq!(xs, [0.01, 0.02, 0.5]);
    }

    #[test]
    fn each_way_a_file_can_be_wrong_is_its_own_error() {
        let err = |name: &str, column: &str, max: usize, limit: u64| {
            read_column_within(&data(name), column, max, limit).unwrap_err()
        };
        let big = CSV_BYTES_MAX;
        assert!(matches!(err("none.csv", "x", 9, big), CsvError::Io { .. }));
        assert!(matches!(
            err("latencies.csv", "latency_s", 9, 10),
            CsvError::TooLarge { limit: 10, .. }
        ));
        match err("latencies.csv", "latency", 9, big) {
            CsvError::NoColumn { have, .. } => assert_eq!(have, ["id", "latency_s"]),
            e => panic!("{e}"),
        }
        match err("not-a-number.csv", "latency_s", 9, big) {
            CsvError::NotNumber { line, cell, .. } => {
                assert_eq!((line, cell.as_str()), (4, "12ms"))
            }
            e => panic!("{e}"),
        }
        assert!(matches!(
            err("header-only.csv", "latency_s", 9, big),
            CsvError::Empty { .. }
        ));
        assert!(matches!(
            err("latencies.csv", "latency_s", 2, big),
            CsvError::TooMany { max: 2, .. }
        ));
        match err("negative.csv", "latency_s", 9, big) {
            CsvError::OutOfRange { line, .. } => assert_eq!(line, 3),
            e => panic!("{e}"),
        }
    }
}
