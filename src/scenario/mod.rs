//! Scenario files: the TOML schema, loading with precise error positions, and
//! validation that names the key at fault and suggests a fix.

pub mod diagnostics;
mod schema;
mod validate;

pub use diagnostics::{Diagnostic, KeyPath};
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
    let file = path.display().to_string();
    let src = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        file: file.clone(),
        source,
    })?;
    load_str(&file, &src)
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
