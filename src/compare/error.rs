//! Why a comparison was not made. Inputs that cannot be compared are the
//! user's mistake (exit 2); a run or a write that fails is not.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error(
        "compare needs at least two variants, got {0}; give scenario files or output folders, e.g. `flowsim compare scenarios/lambda-sqs-db.toml scenarios/lambda-sqs-db-capped.toml`"
    )]
    TooFew(usize),
    #[error(
        "{path}: no such file or folder; give a scenario file (.toml) or an output folder written by `flowsim run`"
    )]
    Missing { path: PathBuf },
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(
        "{path}: a sweep's folder; compare takes runs (DIR/<stem>/ of `flowsim run`) or scenario files"
    )]
    Sweep { path: PathBuf },
    #[error("{path}: scenario: {problem}")]
    Scenario { path: PathBuf, problem: String },
    #[error(
        "{path}: --reps needs scenario files to run again; this is an output folder. Give the scenario file instead, or leave out --reps"
    )]
    RepsOnFolder { path: PathBuf },
    #[error(
        "{a} and {b} are not the same scenario family: {a} has {has_a}, {b} has {has_b}; compare variants of one system (same queues and consumers by name)"
    )]
    Family {
        a: String,
        b: String,
        has_a: String,
        has_b: String,
    },
    #[error("two variants are named `{0}`; give each variant a distinct file or folder name")]
    SameName(String),
    #[error("{label}: {source}")]
    Run {
        label: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a flowsim summary: {problem}")]
    Malformed { path: PathBuf, problem: String },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("chart: {0}")]
    Chart(#[from] crate::charts::ChartError),
}

impl CompareError {
    /// Whether the user gave inputs that cannot be compared (exit 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            CompareError::Report(e) => e.is_bad_input(),
            CompareError::Run { .. } | CompareError::Write { .. } | CompareError::Chart(_) => false,
            _ => true,
        }
    }
}
