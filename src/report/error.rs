//! Why a report was not written. A folder that is not a flowsim output, or whose
//! files do not parse, is the user's mistake (exit 2); a write that fails is not.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The folder lacks the files of a run and of a sweep.
    #[error(
        "{dir}: not a flowsim output folder ({found}); give a folder written by `flowsim run` (DIR/<stem>/, with summary.json and timeseries.csv) or `flowsim sweep` (DIR/<stem>-sweep/, with plan.json, points.csv and summary.json)"
    )]
    NotAnOutput { dir: PathBuf, found: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// summary.json or plan.json is not JSON, or lacks a field every flowsim
    /// version writes.
    #[error(
        "{path}: not a flowsim {what}: {problem}; write the folder again with `flowsim run` or `flowsim sweep`"
    )]
    Malformed {
        path: PathBuf,
        what: &'static str,
        problem: String,
    },
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ReportError {
    /// Whether the user gave a wrong folder (exit 2) rather than the report
    /// failing to be written (exit 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ReportError::Write { .. })
    }
}
