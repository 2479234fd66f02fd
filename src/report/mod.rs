//! `flowsim report DIR…` and `--report`: a report.html and a report.md in an
//! output folder, for a reader who did not run it: the scenario, its verdict and
//! reasons, the headline numbers, the design-rule warnings, and the charts that
//! explain the verdict first (a sweep: its collapse point, best point and
//! capacity curves). Reads the folder's files only; documented in
//! docs/outputs.md, "Reports".

mod charts;
mod error;
pub(crate) mod escape;
pub mod facts;
mod font;
pub mod format;
pub(crate) mod html;
mod index;
mod markdown;
mod run;
pub mod scenario;
mod sweep;

pub use error::ReportError;
pub use facts::{Kind, Report};

use std::path::{Path, PathBuf};

/// What an output folder holds: a run's files or a sweep's.
pub fn kind_of(dir: &Path) -> Result<Kind, ReportError> {
    let has = |f: &str| dir.join(f).is_file();
    if !dir.is_dir() {
        return Err(ReportError::NotAnOutput {
            dir: dir.to_path_buf(),
            found: if dir.exists() {
                "not a folder"
            } else {
                "no such folder"
            }
            .into(),
        });
    }
    if has("plan.json") && has("points.csv") && has("summary.json") {
        return Ok(Kind::Sweep);
    }
    if has("summary.json") && has("timeseries.csv") {
        return Ok(Kind::Run);
    }
    let wanted = ["summary.json", "timeseries.csv", "plan.json", "points.csv"];
    let present: Vec<&str> = wanted.iter().copied().filter(|f| has(f)).collect();
    Err(ReportError::NotAnOutput {
        dir: dir.to_path_buf(),
        found: if present.is_empty() {
            "none of summary.json, timeseries.csv, plan.json, points.csv is there".into()
        } else {
            format!("only {} of those files", present.join(", "))
        },
    })
}

/// The facts of the report on `dir`, without writing anything.
pub fn read(dir: &Path) -> Result<Report, ReportError> {
    match kind_of(dir)? {
        Kind::Run => run::read(dir),
        Kind::Sweep => sweep::read(dir),
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), ReportError> {
    crate::atomic_file::write(path, text).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `dir/report.html` and `dir/report.md`, each whole or not at all.
/// Returns the facts and the HTML's path.
pub fn write(dir: &Path) -> Result<(Report, PathBuf), ReportError> {
    let report = read(dir)?;
    let page = dir.join("report.html");
    write_file(&page, &html::render(&report, dir))?;
    write_file(&dir.join("report.md"), &markdown::render(&report))?;
    Ok((report, page))
}

/// The one or two charts of a run's folder that tell its story: those that
/// show the verdict's first reason (`reasons`, worst first, by name), else the
/// first of the usual order. PNGs when drawn, else SVGs; none when the run
/// drew no charts.
pub fn story_charts(dir: &Path, reasons: &[String]) -> Vec<PathBuf> {
    charts::run_charts(dir, reasons)
        .into_iter()
        .take(2)
        .map(|c| {
            let png = dir.join(format!("{}.png", c.stem));
            if png.is_file() {
                png
            } else {
                dir.join(format!("{}.svg", c.stem))
            }
        })
        .collect()
}

/// Keeps a copy of the scenario's text in its output folder, so a report
/// written later can show its description and recheck its design rules.
pub fn store_scenario(dir: &Path, text: &str) -> Result<(), ReportError> {
    write_file(&dir.join(scenario::FILE), text)
}

/// With several reports: an index.html in the folders' common parent, when
/// they have one. Returns its path.
pub fn write_index(written: &[(Report, PathBuf)]) -> Result<Option<PathBuf>, ReportError> {
    let parents: Vec<Option<&Path>> = written
        .iter()
        .map(|(_, page)| page.parent().and_then(Path::parent))
        .collect();
    let Some(Some(parent)) = parents.first().copied() else {
        return Ok(None);
    };
    if written.len() < 2 || parents.iter().any(|p| *p != Some(parent)) {
        return Ok(None);
    }
    let entries: Vec<(String, Report)> = written
        .iter()
        .map(|(r, page)| {
            let rel = page.strip_prefix(parent).unwrap_or(page);
            (rel.to_string_lossy().replace('\\', "/"), r.clone())
        })
        .collect();
    let path = parent.join("index.html");
    write_file(&path, &index::render(&entries))?;
    Ok(Some(path))
}
