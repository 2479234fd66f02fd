//! The [`Diagnostic`] value and how it is rendered for a person.

use std::fmt;

use super::KeyPath;
use super::clip::echo;

/// How serious a diagnostic is: an error stops the load; a warning (a design
/// rule broken) is shown and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    #[default]
    Error,
    /// A design rule, named by its id (`visibility-timeout`).
    Warning { rule: &'static str },
}

/// A problem in a scenario file, ready to show to a person.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file name as the user typed it.
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    pub path: Option<KeyPath>,
    /// What is wrong, e.g. "unknown key `visiblity_timeout_s`".
    pub message: String,
    /// What would have been right, e.g. "a number" or "one of: name, visibility_timeout_s".
    pub expected: Option<String>,
    /// How to fix it, e.g. "did you mean `visibility_timeout_s`?".
    pub hint: Option<String>,
    /// The offending source line (control characters replaced, no line terminator).
    pub source_line: Option<String>,
    /// Columns (1-based start, length in characters) to underline in `source_line`.
    pub underline: Option<(usize, usize)>,
}

impl Diagnostic {
    /// A diagnostic without a location; fill the rest with the `with_*` methods.
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_owned(),
            line: None,
            column: None,
            path: None,
            message: message.into(),
            expected: None,
            hint: None,
            source_line: None,
            underline: None,
        }
    }

    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Renders like rustc:
///
/// ```text
/// error: unknown key `visiblity_timeout_s`
///   --> scenarios/x.toml:12:1  (key queue[0].visiblity_timeout_s)
///    |
/// 12 | visiblity_timeout_s = 5
///    | ^^^^^^^^^^^^^^^^^^^
///    = expected: one of: name, visibility_timeout_s
///    = help: did you mean `visibility_timeout_s`?
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pad = " ".repeat(self.line.map_or(1, |l| l.to_string().len()));
        match self.severity {
            Severity::Error => write!(f, "error: ")?,
            Severity::Warning { rule } => write!(f, "warning[{rule}]: ")?,
        }
        // Messages echo names and values from the file: each is cut (a 5 MB
        // name would otherwise be printed whole).
        write!(f, "{}\n{pad}--> {}", echo(&self.message), self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(path) = self.path.as_ref().filter(|p| !p.is_root()) {
            write!(f, "  (key {})", echo(&path.to_string()))?;
        }
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            write!(f, "\n{pad} |\n{}", format!("{line} | {text}").trim_end())?;
            if let Some((col, len)) = self.underline {
                // Mirror tabs so the carets line up whatever the tab width.
                let lead: String = text
                    .chars()
                    .chain(std::iter::repeat(' '))
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n{pad} | {lead}{}", "^".repeat(len.max(1)))?;
            }
        }
        if let Some(e) = &self.expected {
            write!(f, "\n{pad} = expected: {}", echo(e))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n{pad} = help: {}", echo(h))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::super::test_support::err;
    use super::*;

    #[test]
    fn display_layout() {
        let d = err("seed = 42", "sed = 42");
        let expected = [
            "error: unknown key `sed`",
            " --> x.toml:4:1  (key run.sed)",
            "  |",
            "4 | sed = 42",
            "  | ^^^",
            "  = expected: one of: duration_s, seed, trace",
            "  = help: did you mean `seed`?",
        ];
        assert_eq!(d.to_string(), expected.join("\n"));
        let bare = Diagnostic::new("f.toml", "boom").with_hint("fix it");
        assert_eq!(
            bare.to_string(),
            "error: boom\n --> f.toml\n  = help: fix it"
        );
    }
}
