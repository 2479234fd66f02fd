//! Why charts were not drawn again: a folder that is not a run's output, or
//! whose files do not parse, is the user's mistake (exit 2); a chart that
//! cannot be written is not.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error(transparent)]
    Input(#[from] crate::report::ReportError),
    #[error(
        "{path}: {problem}; `flowsim plot` redraws a sweep's charts from its plan.json and sweep.csv as `flowsim sweep` wrote them"
    )]
    SweepFile { path: PathBuf, problem: String },
    #[error(
        "{path}: {problem}; `flowsim plot` redraws a sweep's charts from its plan.json and sweep.csv as `flowsim sweep` wrote them"
    )]
    BadPlan {
        path: PathBuf,
        #[source]
        problem: crate::sweep::PlanProblem,
    },
    #[error(transparent)]
    Chart(#[from] crate::charts::ChartError),
}

impl PlotError {
    /// Whether the user gave a wrong folder (exit 2) rather than a chart
    /// failing to be written (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            PlotError::Input(e) => e.is_bad_input(),
            PlotError::SweepFile { .. } | PlotError::BadPlan { .. } => true,
            PlotError::Chart(_) => false,
        }
    }
}
