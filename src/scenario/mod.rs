//! Scenario files: the TOML schema, loading with precise error positions, and
//! validation that names the key at fault and suggests a fix.

pub mod diagnostics;
pub mod limits;
pub mod rules;
mod schema;
mod validate;

pub use diagnostics::{Diagnostic, KeyPath, Severity};
pub use rules::Warning;
pub use schema::*;
pub use validate::{Problem, check, consumer_name, producer_name};

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render(ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads, parses and validates a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let (file, src) = read(path)?;
    load_str(&file, &src)
}

fn read(path: &Path) -> Result<(String, String), ScenarioError> {
    let file = path.display().to_string();
    let src = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        file: file.clone(),
        source,
    })?;
    Ok((file, src))
}

/// A valid scenario and the design rules it breaks ([`rules`]), as warnings
/// located in its file.
#[derive(Debug)]
pub struct Checked {
    pub scenario: Scenario,
    pub warnings: Vec<Diagnostic>,
}

/// Like [`load_file`], with the design rules checked too.
pub fn check_file(path: &Path) -> Result<Checked, ScenarioError> {
    let (file, src) = read(path)?;
    check_str(&file, &src)
}

/// Like [`check_file`], and refused when the scenario would not fit the
/// memory `budget` or the caps of [`limits`].
pub fn check_file_within(
    path: &Path,
    budget: &limits::MemoryBudget,
) -> Result<Checked, ScenarioError> {
    let (file, src) = read(path)?;
    let checked = check_str(&file, &src)?;
    let problems = limits::check(&checked.scenario, budget);
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(ScenarioError::Invalid(
            problems
                .into_iter()
                .map(|p| p.locate(&file, &src))
                .collect(),
        ))
    }
}

/// Like [`load_str`], with the design rules checked too.
pub fn check_str(file: &str, src: &str) -> Result<Checked, ScenarioError> {
    let scenario = load_str(file, src)?;
    let warnings = rules::locate_all(&rules::check(&scenario), file, src);
    Ok(Checked { scenario, warnings })
}

/// Parses and validates scenario text; `file` names it in messages.
pub fn load_str(file: &str, src: &str) -> Result<Scenario, ScenarioError> {
    let s: Scenario =
        diagnostics::from_toml_str(file, src).map_err(|d| ScenarioError::Invalid(vec![d]))?;
    let problems = validate::check(&s);
    if problems.is_empty() {
        Ok(s)
    } else {
        Err(ScenarioError::Invalid(
            problems.into_iter().map(|p| p.locate(file, src)).collect(),
        ))
    }
}
