//! Writing a run's outputs: `DIR/<stem>/` holds timeseries.csv, summary.json and
//! the charts. Everything is written into a hidden sibling folder first and moved
//! into place at the end, so a run's folder is whole or absent — never half new.

pub mod csv;
pub mod json;
pub mod table;

use crate::charts;
use crate::metrics::series::BoundedSeries;
use crate::run::RunOutput;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Csv(String),
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes every output of a run to `dir/stem/`; returns that folder.
pub fn write_run(dir: &Path, stem: &str, out: &RunOutput) -> Result<PathBuf, ExportError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let final_dir = dir.join(stem);
    let partial = dir.join(format!(".{stem}.partial-{}", std::process::id()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(io_err(&partial))?;
    }
    std::fs::create_dir_all(&partial).map_err(io_err(&partial))?;
    let written = (|| {
        csv::write_series(&partial.join("timeseries.csv"), &out.series)?;
        json::write_summary(&partial.join("summary.json"), &out.summary)?;
        let mut series = BoundedSeries::default();
        out.series.replay(&mut series);
        series.close();
        charts::run::draw_all(&partial, &out.summary, &series)?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e);
    }
    replace_dir(&partial, &final_dir)?;
    Ok(final_dir)
}

/// Moves `from` to `to`, replacing what was there.
pub fn replace_dir(from: &Path, to: &Path) -> Result<(), ExportError> {
    if to.exists() {
        let old = to.with_file_name(format!(
            ".{}.old-{}",
            to.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        std::fs::rename(to, &old).map_err(io_err(to))?;
        std::fs::rename(from, to).map_err(io_err(to))?;
        std::fs::remove_dir_all(&old).map_err(io_err(&old))?;
    } else {
        std::fs::rename(from, to).map_err(io_err(to))?;
    }
    Ok(())
}
