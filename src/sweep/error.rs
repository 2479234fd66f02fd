//! Why a sweep stopped: its plan cannot be made (bad input: nothing runs), or
//! its runs or reports failed.

use super::path::KeyPathError;
use super::runner::RunFailure;
use super::values::ValuesError;
use crate::RunError;
use crate::charts::ChartError;
use crate::scenario::ScenarioError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The scenario file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A file or folder of the sweep's output cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// Reports need every run: some are in no journal.
    #[error(
        "{missing} of {runs} runs are missing (run {first} first): resume the sweep, or merge every shard"
    )]
    Missing {
        missing: usize,
        runs: usize,
        first: usize,
    },
    #[error(
        "{} of {todo} runs failed (the finished ones are kept; fix and re-run with --resume):\n{}",
        .failures.len(),
        lines(.failures)
    )]
    RunsFailed {
        failures: Vec<RunFailure>,
        todo: usize,
    },
    /// `--resume` found a journal of another plan.
    #[error(
        "{journal}: these runs belong to another version of the sweep (the scenario or its [sweep] changed); run without --resume to start over"
    )]
    OtherPlan { journal: PathBuf },
    /// A shard's plan.json that does not parse.
    #[error("{path}: {source}")]
    PlanFile {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The sweep's folder holds the results of a sweep of other keys or
    /// values: not replaced without `--force`.
    #[error(
        "{dir} holds another sweep's results ({old}); this sweep varies {new}. Not replacing them: pass --force to replace them, or --out another folder to keep both"
    )]
    WouldReplace {
        dir: PathBuf,
        old: String,
        new: String,
    },
    /// Shards of different sweeps given to one merge.
    #[error("{dir} belongs to another sweep than {first} (plan {plan} vs {first_plan})")]
    OtherSweep {
        dir: PathBuf,
        first: PathBuf,
        plan: String,
        first_plan: String,
    },
    #[error("nothing to merge")]
    NothingToMerge,
    /// A shard's plan.json that parses but is no sweep's plan.
    #[error("{path}: not a plan flowsim wrote: {why}")]
    BadPlanFile {
        path: PathBuf,
        #[source]
        why: super::PlanProblem,
    },
    /// `merge --out` would replace one of the shard folders it reads.
    #[error(
        "{dir} is one of the shard folders to merge: the merged reports would replace it; give another --out"
    )]
    MergeIntoShard { dir: PathBuf },
    /// Another sweep or merge holds the folder's lock.
    #[error(
        "{dir} is being written by another flowsim sweep or merge; wait for it to end, or give another --out"
    )]
    Busy { dir: PathBuf },
    /// Ctrl-C: the finished runs are in the journal.
    #[error("interrupted: {done} of {runs} runs finished, kept in {journal}")]
    Interrupted {
        journal: PathBuf,
        done: usize,
        runs: usize,
    },
}

impl SweepError {
    pub(crate) fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> SweepError + '_ {
        move |source| SweepError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn lines(failures: &[RunFailure]) -> String {
    failures
        .iter()
        .map(RunFailure::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sweep that cannot be planned: bad input, found before anything runs.
/// `scenario` is the scenario file as given.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{scenario}: {source}")]
    Toml {
        scenario: String,
        #[source]
        source: Box<toml::de::Error>,
    },
    #[error("{scenario}: nothing to sweep: add a [[sweep.param]] table or --set PATH=VALUES")]
    NothingToSweep { scenario: String },
    #[error("{scenario}: {source}")]
    Values {
        scenario: String,
        #[source]
        source: ValuesError,
    },
    #[error("{scenario}: 0 replications")]
    NoReplications { scenario: String },
    /// `run --set` with a list or a range: a run tries one value.
    #[error(
        "{scenario}: `--set {path}=…` gives {count} values; `flowsim run` tries one (to try several, use `flowsim sweep` with the same --set)"
    )]
    OneValue {
        scenario: String,
        path: String,
        count: usize,
    },
    /// More runs or points than a sweep may plan; `counts` gives each key's
    /// number of values.
    #[error(
        "{scenario}: the sweep would make {runs} runs ({points} points × {reps} replications; {}): over the limit of {} points and {} runs per sweep",
        counts.iter().map(|(p, n)| format!("`{p}` has {n} values")).collect::<Vec<_>>().join(", "),
        super::MAX_POINTS,
        super::MAX_RUNS
    )]
    TooBig {
        scenario: String,
        counts: Vec<(String, u64)>,
        points: u64,
        reps: u32,
        runs: u64,
    },
    /// The file's stem cannot name the sweep's folder.
    #[error(
        "{scenario}: the file name `{stem}` cannot name an output folder ({why}); rename the file"
    )]
    BadStem {
        scenario: String,
        stem: String,
        why: &'static str,
    },
    #[error("{scenario}: {source}")]
    KeyPath {
        scenario: String,
        #[source]
        source: KeyPathError,
    },
    /// A point's value does not fit its key, or its key is not one (`at` lists
    /// the point's values; `key` is the swept key at fault and `word` the
    /// part of it, when known).
    #[error("{scenario}: at {at}: {message}")]
    PointType {
        scenario: String,
        at: String,
        message: String,
        key: Option<String>,
        word: Option<String>,
    },
    /// A point's scenario fails validation (`problem` names the key at fault).
    #[error("{scenario}: at {at}: {problem}")]
    PointInvalid {
        scenario: String,
        at: String,
        problem: String,
    },
    /// The instant run that lists the metric names failed.
    #[error("{0}")]
    Probe(#[source] RunError),
    #[error(
        "{scenario}: no metric named `{metric}`{} (the names are the columns of sweep.csv, e.g. {})",
        did_you_mean(.suggestion),
        super::DEFAULT_METRICS.join(", ")
    )]
    UnknownMetric {
        scenario: String,
        metric: String,
        suggestion: Option<String>,
    },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}
