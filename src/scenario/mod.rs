//! Scenario files: the TOML schema, loading with precise error positions, and
//! validation that names the key at fault and suggests a fix.

pub mod diagnostics;
pub mod limits;
mod overrides;
pub mod rules;
mod schema;
mod validate;

pub use diagnostics::{Diagnostic, KeyPath, Severity, SourceMap};
pub use overrides::Override;
pub use rules::Warning;
pub use schema::*;
pub use validate::{NAME_MAX, Problem, TITLE_MAX, check, check_in, consumer_name, producer_name};

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

/// A scenario file's name as given and its text; text that is not UTF-8 is a
/// located error (the byte, its line and column), not an I/O error.
pub fn read(path: &Path) -> Result<(String, String), ScenarioError> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |source| ScenarioError::Io {
        file: file.clone(),
        source,
    };
    // Read at most one byte past the limit: a larger file (or a device that
    // never ends) is refused without being held in memory.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(diagnostics::FILE_MAX + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > diagnostics::FILE_MAX {
        return Err(ScenarioError::Invalid(vec![diagnostics::too_large(&file)]));
    }
    let src = String::from_utf8(bytes).map_err(|e| {
        ScenarioError::Invalid(vec![diagnostics::not_utf8(
            &file,
            e.as_bytes(),
            e.utf8_error(),
        )])
    })?;
    Ok((file, src))
}

/// The most errors (or warnings) located and shown for one file: each costs a
/// look at its line, and a thousand of the same help no one.
pub const SHOWN_MAX: usize = 50;

/// The first [`SHOWN_MAX`] items located, and a last line counting the rest.
fn located<T>(
    items: Vec<T>,
    map: &SourceMap,
    what: &str,
    locate: impl Fn(T, &SourceMap) -> Diagnostic,
) -> Vec<Diagnostic> {
    let n = items.len();
    let mut out: Vec<Diagnostic> = items
        .into_iter()
        .take(SHOWN_MAX)
        .map(|p| locate(p, map))
        .collect();
    if n > SHOWN_MAX {
        let mut more = Diagnostic::new(
            map.file(),
            format!("{} more {what} not shown", n - SHOWN_MAX),
        )
        .with_hint("fix the ones above and check again");
        more.severity = out[0].severity;
        out.push(more);
    }
    out
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
        let map = SourceMap::new(&file, &src);
        Err(ScenarioError::Invalid(
            problems.into_iter().map(|p| p.locate(&map)).collect(),
        ))
    }
}

/// Like [`load_str`], with the design rules checked too.
pub fn check_str(file: &str, src: &str) -> Result<Checked, ScenarioError> {
    let scenario = load_str(file, src)?;
    let warnings = rules::check(&scenario);
    // The spanned tree costs a second parse: only for a file with warnings.
    let warnings = if warnings.is_empty() {
        vec![]
    } else {
        let map = SourceMap::new(file, src);
        located(warnings, &map, "warnings", |w, m| w.locate(m))
    };
    Ok(Checked { scenario, warnings })
}

/// Parses and validates scenario text; `file` names it in messages.
pub fn load_str(file: &str, src: &str) -> Result<Scenario, ScenarioError> {
    let s: Scenario =
        diagnostics::from_toml_str(file, src).map_err(|d| ScenarioError::Invalid(vec![d]))?;
    let base = std::path::Path::new(file)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let problems = validate::check_in(&s, base);
    if problems.is_empty() {
        Ok(s)
    } else {
        // The spanned tree of a big file is as large as the scenario: not both.
        drop(s);
        let map = SourceMap::new(file, src);
        Err(ScenarioError::Invalid(located(
            problems,
            &map,
            "errors",
            Problem::locate,
        )))
    }
}
