//! Why `flowsim plan` could not plan: bad input (exit 2) or a failed run (1).

use crate::scenario::ScenarioError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PlannerError {
    /// The file itself: unreadable, or invalid (located diagnostics).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A point's scenario, built with the sweep's key paths.
    #[error(transparent)]
    Point(Box<crate::sweep::PlanError>),
    #[error(
        "{file}: no [slo] table: a plan needs objectives to meet (add e.g. `[slo]` with `p99_s = 60`)"
    )]
    NoSlo { file: String },
    #[error(
        "{file}: no decision key: add `[[plan.key]]` tables (path, from, to, step) or `--vary PATH=LO..HI:step=S`"
    )]
    NoKeys { file: String },
    #[error("--vary {arg}: {source}")]
    Vary {
        arg: String,
        #[source]
        source: Box<crate::sweep::SetError>,
    },
    #[error("{file}: the values of `{path}`: {source}")]
    Values {
        file: String,
        path: String,
        #[source]
        source: Box<crate::sweep::ValuesError>,
    },
    #[error(
        "{file}: `{path}` = {value} is not a number: a decision key's values are numbers (the planner orders them)"
    )]
    NotNumber {
        file: String,
        path: String,
        value: String,
    },
    #[error("{file}: {points} candidate configurations, over the limit of {max}; use fewer values")]
    TooBig { file: String, points: u64, max: u64 },
    #[error("{label}: {source}")]
    Run {
        label: String,
        #[source]
        source: crate::RunError,
    },
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("drawing {path}: {message}")]
    Chart { path: PathBuf, message: String },
}

impl From<crate::sweep::PlanError> for PlannerError {
    fn from(e: crate::sweep::PlanError) -> Self {
        PlannerError::Point(Box::new(e))
    }
}

impl PlannerError {
    /// A mistake in what was asked (exit 2), as opposed to a failure (exit 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            PlannerError::Run { .. } | PlannerError::Write { .. } | PlannerError::Chart { .. }
        )
    }
}
