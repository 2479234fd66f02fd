//! Writing a run's outputs: `DIR/<stem>/` holds timeseries.csv, summary.json and
//! the charts. Everything is written into a hidden sibling folder first and moved
//! into place at the end, so a run's folder is whole or absent — never half new.

pub mod csv;
mod error;
pub mod json;
pub mod objectives;
pub mod table;

pub use error::ExportError;
pub(crate) use error::io_err;

use crate::charts::{self, ChartOptions};
use crate::run::{RunLimits, RunOutput};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Runs a scenario and writes every output of the run to `dir/stem/`: the
/// time series as it is sampled, then the summary and the charts. Returns the
/// run and that folder.
pub fn run_into(
    dir: &Path,
    stem: &str,
    s: &Scenario,
    label: &str,
) -> Result<(RunOutput, PathBuf), ExportError> {
    run_into_within(dir, stem, s, label, &RunLimits::default())
}

/// [`run_into`] within `limits` (a wall-clock budget).
pub fn run_into_within(
    dir: &Path,
    stem: &str,
    s: &Scenario,
    label: &str,
    limits: &RunLimits,
) -> Result<(RunOutput, PathBuf), ExportError> {
    run_into_with(dir, stem, s, label, limits, &ChartOptions::default())
}

/// [`run_into_within`] with the charts `charts` asks for (none: not drawn).
pub fn run_into_with(
    dir: &Path,
    stem: &str,
    s: &Scenario,
    label: &str,
    limits: &RunLimits,
    charts: &ChartOptions,
) -> Result<(RunOutput, PathBuf), ExportError> {
    let staging = Staging::new(dir, stem)?;
    let rows = csv::SeriesWriter::create(&staging.partial.join("timeseries.csv"))?;
    let out = crate::run::run_streaming_within(s, label, Box::new(rows), limits)?;
    let folder = staging.commit(&out, charts)?;
    Ok((out, folder))
}

/// A run's output folder while it is written: a hidden sibling of its place,
/// moved there by `commit`, removed if dropped before (a failed run, a failed
/// write), so that `dir/stem/` is whole or as it was.
struct Staging {
    partial: PathBuf,
    target: PathBuf,
    committed: bool,
    /// Held while the folder is written: the next command on `dir` collects
    /// the folder only once its process is gone.
    _lock: Option<crate::out_dir::Lock>,
}

impl Staging {
    fn new(dir: &Path, stem: &str) -> Result<Staging, ExportError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let partial = crate::out_dir::partial(dir, stem);
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(io_err(&partial))?;
        }
        std::fs::create_dir_all(&partial).map_err(io_err(&partial))?;
        let lock = crate::out_dir::lock_dir(&partial).map_err(io_err(&partial))?;
        Ok(Staging {
            partial,
            target: dir.join(stem),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes the summary and the charts next to the time series, then moves
    /// the folder into place.
    fn commit(mut self, out: &RunOutput, options: &ChartOptions) -> Result<PathBuf, ExportError> {
        json::write_summary(&self.partial.join("summary.json"), &out.summary)?;
        if options.formats != charts::Formats::None {
            let dir = charts::ChartDir::new(&self.partial, *options);
            charts::run::draw(&dir, &out.summary, &out.series)?;
        }
        replace_dir(&self.partial, &self.target)?;
        self.committed = true;
        Ok(std::mem::take(&mut self.target))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.partial);
        }
    }
}

/// Moves `from` to `to`, replacing what was there in one step
/// ([`crate::out_dir::replace_dir`]).
pub fn replace_dir(from: &Path, to: &Path) -> Result<(), ExportError> {
    crate::out_dir::replace_dir(from, to).map_err(io_err(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staging_folder_dropped_before_its_commit_leaves_the_old_folder_as_it_was() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("x");
        std::fs::create_dir_all(&old).expect("old folder");
        std::fs::write(old.join("timeseries.csv"), "old").expect("old file");
        let staging = Staging::new(dir.path(), "x").expect("staging");
        // A run fails after writing rows: the staged file goes with it.
        std::fs::write(staging.partial.join("timeseries.csv"), "new").expect("new file");
        drop(staging);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, ["x"]);
        let kept = std::fs::read_to_string(old.join("timeseries.csv")).expect("old file");
        assert_eq!(kept, "old");
    }
}
