//! Human-readable errors for scenario files.
//!
//! A wrong scenario file must never panic the simulator; it must get an error
//! that names the file, line, column and key path (`queue[1].visibility_timeout_s`),
//! says what was expected and, where possible, suggests a fix.
//!
//! Two kinds of errors are handled:
//! * parse/type errors from `toml` + `serde` ([`from_toml_str`], [`SourceMap::from_toml_error`]):
//!   these carry a byte span, which is mapped back to a key path;
//! * semantic errors found after parsing ([`at_path`], [`SourceMap::at_path`]): these carry
//!   a key path, which is mapped to a span to report line/column and show the source line.
//!
//! Both directions use the spanned document tree of `toml::de::DeTable`.
//! Key paths always use the names as written in the TOML file (after any
//! `#[serde(rename)]`), and indices count entries in file order.
//!
//! Serde shapes and what survives of their errors (toml 1.2):
//! * plain structs with `deny_unknown_fields`, unit-variant enums, `Option`,
//!   `Vec`, maps: exact spans, reported at the key or value itself;
//! * `#[serde(tag = "...")]` enums: a bad tag keeps its span; errors inside the
//!   variant are reported by toml at the whole enclosing table (or array), so the
//!   culprit is searched below it by key name or value (the first match in file
//!   order wins, which can pick a twin value elsewhere in that table);
//! * `#[serde(flatten)]`: `deny_unknown_fields` is silently ignored, so
//!   misspelt keys are accepted without any error; avoid it;
//! * `#[serde(untagged)]`: only "data did not match any variant", no detail.

use std::fmt;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

// ---------------------------------------------------------------------------
// Key paths
// ---------------------------------------------------------------------------

/// One step of a key path: a table key or an index into an array (of tables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path rendered as `queue[1].visibility_timeout_s`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The top level of the document.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by a table key.
    pub fn key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_owned()));
        p
    }

    /// This path extended by an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path without its last step (`None` for the root).
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(Self(rest.to_vec()))
    }

    /// The last step, if it is a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }

    pub fn starts_with(&self, prefix: &KeyPath) -> bool {
        self.0.starts_with(&prefix.0)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare_key(k) {
                        f.write_str(k)?;
                    } else {
                        // Quoted like a TOML basic string so the path can be pasted back.
                        write!(f, "{k:?}")?;
                    }
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

fn is_bare_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

// ---------------------------------------------------------------------------
// Diagnostic
// ---------------------------------------------------------------------------

/// A problem in a scenario file, ready to show to a person.
#[derive(Debug, Clone)]
pub struct Diagnostic {
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
        let mut out = vec![format!("error: {}", self.message)];

        let mut at = format!("{pad}--> {}", self.file);
        if let Some(line) = self.line {
            at.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                at.push_str(&format!(":{col}"));
            }
        }
        if let Some(path) = self.path.as_ref().filter(|p| !p.is_root()) {
            at.push_str(&format!("  (key {path})"));
        }
        out.push(at);

        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            out.push(format!("{pad} |"));
            out.push(format!("{line} | {text}").trim_end().to_owned());
            if let Some((col, len)) = self.underline {
                // Mirror tabs so the carets line up whatever the tab width.
                let lead: String = text
                    .chars()
                    .chain(std::iter::repeat(' '))
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                out.push(format!("{pad} | {lead}{}", "^".repeat(len.max(1))));
            }
        }
        if let Some(e) = &self.expected {
            out.push(format!("{pad} = expected: {e}"));
        }
        if let Some(h) = &self.hint {
            out.push(format!("{pad} = help: {h}"));
        }
        f.write_str(&out.join("\n"))
    }
}

impl std::error::Error for Diagnostic {}

// ---------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------

/// Parse `src` (contents of `file`) into `T`; on failure, a [`Diagnostic`] with
/// everything filled in that can be known.
// A failed load happens once per run, so a large error value costs nothing.
#[allow(clippy::result_large_err)]
pub fn from_toml_str<T: DeserializeOwned>(file: &str, src: &str) -> Result<T, Diagnostic> {
    // The spanned tree is only built on the error path, so success costs one parse.
    toml::from_str(src).map_err(|e| SourceMap::new(file, src).from_toml_error(&e))
}

/// For semantic validation after parsing: build a [`Diagnostic`] for a key path,
/// locating it in `src`. See [`SourceMap::at_path`]; use a `SourceMap` directly to
/// report many problems without re-parsing the file each time.
pub fn at_path(
    file: &str,
    src: &str,
    path: &KeyPath,
    message: impl Into<String>,
    expected: Option<String>,
    candidates: &[&str],
    bad_value: Option<&str>,
) -> Diagnostic {
    SourceMap::new(file, src).at_path(path, message, expected, candidates, bad_value)
}

/// Best suggestion among `candidates` for a misspelt `word`, if one is close enough.
///
/// Case and `-`/`_` differences are ignored; an exact match is never suggested
/// (the caller only asks because `word` was rejected).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    let w = norm(word);
    if w.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &'a str)> = None;
    for &cand in candidates {
        if cand == word {
            continue;
        }
        let c = norm(cand);
        let score = if c == w {
            2.0
        } else {
            let jw = strsim::jaro_winkler(&w, &c);
            let dl = strsim::normalized_damerau_levenshtein(&w, &c);
            // A word that is a prefix/suffix/part of a longer key ("timeout" for
            // "visibility_timeout_s") is a plausible abbreviation.
            let (short, long) = if w.len() <= c.len() {
                (&w, &c)
            } else {
                (&c, &w)
            };
            let part = short.chars().count() >= 4 && long.contains(short.as_str());
            if jw >= 0.82 || dl >= 0.6 || part {
                jw.max(dl)
            } else {
                continue;
            }
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c)
}

// ---------------------------------------------------------------------------
// Spanned document index
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Str(String),
    Int(Option<i128>),
    Float(Option<f64>),
    Bool(bool),
    Datetime,
}

#[derive(Clone, Debug, PartialEq)]
enum Shape {
    /// `header`: defined by a `[name]`/`[[name]]` line (its span is that header),
    /// as opposed to an inline `{ ... }` table, an implicit (dotted) table or the root.
    Table {
        header: bool,
    },
    Array,
    Scalar(Scalar),
}

#[derive(Clone, Debug)]
struct Node {
    path: KeyPath,
    /// Span of the key (absent for array elements and the root).
    ///
    /// For an array of tables this is the key in its *first* `[[name]]` header.
    key: Option<Range<usize>>,
    /// Span of the value. For header tables this is only the header line, and an
    /// array of tables shares its span with its first entry.
    value: Range<usize>,
    shape: Shape,
}

impl Node {
    fn is_table(&self) -> bool {
        matches!(self.shape, Shape::Table { .. })
    }

    /// Position in the document, used to prefer the first of several matches.
    fn pos(&self) -> usize {
        self.key.as_ref().map_or(self.value.start, |k| k.start)
    }
}

/// Where a diagnostic points.
enum Where {
    At(Range<usize>),
    /// The document as a whole (e.g. a key missing at the top level).
    Top,
}

/// A scenario source with its spanned key tree, to map between key paths and
/// positions. Building it parses the document once (with error recovery).
pub struct SourceMap<'a> {
    file: &'a str,
    src: &'a str,
    /// Every key/value of the document, parents before children; `nodes[0]` is the root.
    nodes: Vec<Node>,
    /// The document is not valid TOML (the tree is a best-effort recovery).
    syntax_error: bool,
}

impl<'a> SourceMap<'a> {
    pub fn new(file: &'a str, src: &'a str) -> Self {
        let (root, errors) = DeTable::parse_recoverable(src);
        let mut nodes = vec![Node {
            path: KeyPath::root(),
            key: None,
            value: 0..0,
            shape: Shape::Table { header: false },
        }];
        for (k, v) in root.get_ref().iter() {
            collect(
                &mut nodes,
                src,
                KeyPath::root().key(k.get_ref()),
                Some(k.span()),
                v,
            );
        }
        Self {
            file,
            src,
            nodes,
            syntax_error: !errors.is_empty(),
        }
    }

    /// Spans of the key (if any) and value at exactly `path`, if present in the file.
    pub fn span_of(&self, path: &KeyPath) -> Option<(Option<Range<usize>>, Range<usize>)> {
        let n = self.nodes.iter().find(|n| &n.path == path)?;
        Some((n.key.clone(), n.value.clone()))
    }

    /// The key path at byte `offset`: the innermost key or value containing it,
    /// else the `[table]` section it lies in.
    pub fn path_at(&self, offset: usize) -> KeyPath {
        self.containing(&(offset..offset))
            .unwrap_or_else(|| self.section(offset))
            .path
            .clone()
    }

    /// For semantic validation after parsing: a [`Diagnostic`] for `path`.
    ///
    /// Points at the value if the path exists (or at its key when the value spans
    /// several lines); if the path is absent from the file (a required key left out),
    /// points at the nearest enclosing table that exists: its `[header]`, inline `{`, or
    /// the top of the file. `candidates` are valid alternatives for the value: they
    /// give a did-you-mean on `bad_value` (default: the string at `path`), and are
    /// listed as `expected` when `expected` is `None`.
    pub fn at_path(
        &self,
        path: &KeyPath,
        message: impl Into<String>,
        expected: Option<String>,
        candidates: &[&str],
        bad_value: Option<&str>,
    ) -> Diagnostic {
        let (node, exact) = self.lookup(path);
        let at = if !exact || node.is_table() {
            self.location(node)
        } else {
            Where::At(self.value_location(node))
        };
        let bad = bad_value.map(str::to_owned).or_else(|| match &node.shape {
            Shape::Scalar(Scalar::Str(s)) if exact => Some(s.clone()),
            _ => None,
        });
        let hint = bad
            .and_then(|b| did_you_mean(&b, candidates))
            .map(|s| format!("did you mean `{s}`?"));
        let expected = expected.or_else(|| one_of(candidates));
        self.diag(Some(path.clone()), at, message.into(), expected, hint)
    }

    /// Turn an error from `toml::from_str(src)` (same `src`) into a [`Diagnostic`].
    pub fn from_toml_error(&self, err: &toml::de::Error) -> Diagnostic {
        let msg = err.message();
        let span = err.span().map(|r| self.clamp(r));
        if self.syntax_error {
            return self.syntax_diag(msg, span);
        }
        let Some(span) = span else {
            return Diagnostic::new(self.file, msg);
        };

        let key_hit = self
            .nodes
            .iter()
            .rev()
            .find(|n| n.key.as_ref() == Some(&span));
        // Parents come first, so this runs shallow → deep. Several nodes share a span
        // when an array of tables and its first entry both point at `[[name]]`.
        let value_hits: Vec<&Node> = self.nodes.iter().filter(|n| n.value == span).collect();
        let root = &self.nodes[0];
        let deepest = value_hits
            .last()
            .copied()
            .or(key_hit)
            .or_else(|| self.containing(&span))
            .unwrap_or(root);
        // Errors raised inside serde's buffered content (internally tagged enums,
        // flatten, untagged) lose their own span and report the enclosing value's
        // span instead; search below the outermost match for the real culprit.
        let scope = value_hits.first().copied().unwrap_or(deepest);

        match classify(msg) {
            SerdeMsg::UnknownField { name, expected } => {
                let target = key_hit
                    .filter(|n| n.path.last_key() == Some(name.as_str()))
                    .or_else(|| {
                        self.find_in(scope, |n| {
                            n.key.is_some() && n.path.last_key() == Some(name.as_str())
                        })
                    });
                let (path, at) = match target {
                    Some(n) => (n.path.clone(), n.key.clone().unwrap_or(span)),
                    None => (self.table_of(deepest).path.key(&name), span),
                };
                let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
                let hint = match did_you_mean(&name, &refs) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if refs.is_empty() => "remove it: this table takes no keys".to_owned(),
                    None => "remove it, or check the spelling against the expected keys".to_owned(),
                };
                self.diag(
                    Some(path),
                    Where::At(at),
                    format!("unknown key `{name}`"),
                    one_of(&refs),
                    Some(hint),
                )
            }
            SerdeMsg::UnknownVariant { name, expected } => {
                let is_it = |n: &Node| {
                    matches!(&n.shape, Shape::Scalar(Scalar::Str(s)) if *s == name)
                        || (n.key.is_some() && n.path.last_key() == Some(name.as_str()))
                };
                let target = value_hits
                    .last()
                    .copied()
                    .filter(|n| is_it(n))
                    .or(key_hit.filter(|n| is_it(n)))
                    .or_else(|| self.find_in(scope, is_it));
                let (path, at) = match target {
                    // A variant written as a key (externally tagged enum) is reported at the key.
                    Some(n) if !matches!(n.shape, Shape::Scalar(_)) => {
                        (n.path.clone(), n.key.clone().unwrap_or(span))
                    }
                    Some(n) => (n.path.clone(), self.value_location(n)),
                    None => (deepest.path.clone(), span),
                };
                let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
                let hint = did_you_mean(&name, &refs).map(|s| format!("did you mean `{s}`?"));
                self.diag(
                    Some(path),
                    Where::At(at),
                    format!("`{name}` is not a valid choice here"),
                    one_of(&refs),
                    hint,
                )
            }
            SerdeMsg::MissingField(name) => {
                let table = value_hits
                    .iter()
                    .rev()
                    .copied()
                    .find(|n| n.is_table())
                    .unwrap_or(deepest);
                let hint = match &table.shape {
                    _ if table.path.is_root() => format!(
                        "add `{name}` at the top level of the file (as `{name} = …` or a `[{name}]` table)"
                    ),
                    Shape::Table { header: true } => format!(
                        "add `{name} = …` under `{}`",
                        self.src.get(table.value.clone()).unwrap_or("this table")
                    ),
                    _ => format!("add `{name} = …` to this table"),
                };
                self.diag(
                    Some(table.path.key(&name)),
                    self.location(table),
                    format!("missing key `{name}`"),
                    None,
                    Some(hint),
                )
            }
            SerdeMsg::Invalid { found, expected } => {
                let want = Found::parse(&found);
                let target = value_hits
                    .iter()
                    .rev()
                    .copied()
                    .find(|n| want.matches(n))
                    .or_else(|| self.find_in(scope, |n| want.matches(n)))
                    .unwrap_or(deepest);
                let hint = self.invalid_hint(&want, &expected, target);
                self.diag(
                    Some(target.path.clone()),
                    self.location(target),
                    format!(
                        "expected {}, found {}",
                        plain_expected(&expected),
                        plain_found(&found)
                    ),
                    Some(plain_expected(&expected)),
                    hint,
                )
            }
            SerdeMsg::Other => {
                let hint = msg.starts_with("data did not match any variant of untagged enum").then(|| {
                    "this value has none of the accepted forms; check the documentation for this key".to_owned()
                });
                self.diag(
                    Some(deepest.path.clone()),
                    if deepest.path.is_root() && span.is_empty() {
                        Where::Top
                    } else {
                        Where::At(span)
                    },
                    msg.to_owned(),
                    None,
                    hint,
                )
            }
        }
    }

    // -- lookups ------------------------------------------------------------

    /// The node at `path`, or else its deepest ancestor present in the file; `true` if exact.
    fn lookup(&self, path: &KeyPath) -> (&Node, bool) {
        for len in (0..=path.0.len()).rev() {
            let prefix = &path.0[..len];
            if let Some(n) = self.nodes.iter().find(|n| n.path.0 == prefix) {
                return (n, len == path.0.len());
            }
        }
        (&self.nodes[0], path.is_root())
    }

    /// The innermost key or value (not the root) whose span contains `span`.
    fn containing(&self, span: &Range<usize>) -> Option<&Node> {
        let inside = |r: &Range<usize>| {
            if span.is_empty() {
                // Errors at the end of an unclosed value are reported just past it.
                r.start <= span.start && span.start <= r.end && !r.is_empty()
            } else {
                r.start <= span.start && span.end <= r.end
            }
        };
        self.nodes
            .iter()
            .skip(1)
            .filter(|n| inside(&n.value) || n.key.as_ref().is_some_and(inside))
            .max_by_key(|n| (n.path.0.len(), std::cmp::Reverse(n.value.len())))
    }

    /// The `[table]` / `[[table]]` section that `offset` lies in (root if none).
    fn section(&self, offset: usize) -> &Node {
        self.nodes
            .iter()
            .filter(|n| n.shape == Shape::Table { header: true } && n.value.start <= offset)
            .max_by_key(|n| n.value.start)
            .unwrap_or(&self.nodes[0])
    }

    /// The table a node lives in (itself if it is a table).
    fn table_of<'n>(&'n self, n: &'n Node) -> &'n Node {
        let mut path = n.path.clone();
        loop {
            match self.nodes.iter().find(|m| m.path == path) {
                Some(m) if m.is_table() => return m,
                _ => match path.parent() {
                    Some(p) => path = p,
                    None => return &self.nodes[0],
                },
            }
        }
    }

    /// The first node in document order at or below `scope` satisfying `pred`.
    fn find_in(&self, scope: &Node, pred: impl Fn(&Node) -> bool) -> Option<&Node> {
        self.nodes
            .iter()
            .filter(|n| n.path.starts_with(&scope.path) && pred(n))
            .min_by_key(|n| n.pos())
    }

    // -- locations ----------------------------------------------------------

    /// Where to point for a node: its value (or key) span; the top of the file for
    /// the root, which has no span.
    fn location(&self, n: &Node) -> Where {
        if n.path.is_root() {
            Where::Top
        } else {
            Where::At(self.value_location(n))
        }
    }

    /// The value's span, or its key's when the value runs over several lines
    /// (a multi-line array is better pointed at by its name).
    fn value_location(&self, n: &Node) -> Range<usize> {
        let multiline = self
            .src
            .get(n.value.clone())
            .is_some_and(|s| s.contains('\n'));
        match &n.key {
            Some(k) if multiline => k.clone(),
            _ => n.value.clone(),
        }
    }

    fn clamp(&self, r: Range<usize>) -> Range<usize> {
        let start = floor_char_boundary(self.src, r.start);
        let end = floor_char_boundary(self.src, r.end.max(start));
        start..end
    }

    // -- building diagnostics ----------------------------------------------

    fn diag(
        &self,
        path: Option<KeyPath>,
        at: Where,
        message: String,
        expected: Option<String>,
        hint: Option<String>,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(self.file, message);
        d.path = path;
        d.expected = expected;
        d.hint = hint;
        match at {
            Where::Top => {
                d.line = Some(1);
                d.column = Some(1);
            }
            Where::At(span) => {
                let span = self.clamp(span);
                let src = self.src;
                let (line_start, line_end) = line_bounds(src, span.start);
                let text = src[line_start..line_end].trim_end_matches('\r');
                let column = src[line_start..span.start].chars().count() + 1;
                let len = src[span.start..span.end.min(line_end)].chars().count();
                d.line = Some(src[..span.start].matches('\n').count() + 1);
                d.column = Some(column);
                let (shown, underline) = excerpt(text, column, len);
                d.source_line = Some(shown);
                d.underline = Some(underline);
            }
        }
        d
    }

    fn syntax_diag(&self, msg: &str, span: Option<Range<usize>>) -> Diagnostic {
        let (what, expected) = match msg.split_once(", expected ") {
            Some((w, e)) => (w, Some(e)),
            None => (msg, None),
        };
        let mut expected = expected.filter(|e| *e != "nothing").map(str::to_owned);
        let Some(span) = span else {
            let mut d = Diagnostic::new(self.file, format!("invalid TOML: {what}"));
            d.expected = expected;
            return d;
        };
        let text = self.src.get(span.clone()).unwrap_or("");
        let key_hit = self
            .nodes
            .iter()
            .rev()
            .find(|n| n.key.as_ref() == Some(&span));
        // The tree of a broken document is a best-effort recovery and can hold
        // nonsense; only trust a node on the error's own line whose key is written there.
        let (line_start, line_end) = line_bounds(self.src, span.start);
        let line = &self.src[line_start..line_end];
        let plausible = |n: &&Node| {
            let at = n.key.as_ref().unwrap_or(&n.value).start;
            (line_start..=line_end).contains(&at)
                && n.path.last_key().is_none_or(|k| line.contains(k))
        };
        let mut path = match key_hit.or_else(|| self.containing(&span)).filter(plausible) {
            Some(n) => n.path.clone(),
            // The broken line did not make it into the tree: name its `key =` if any.
            None => {
                let section = self.section(span.start);
                let last_key = section.path.0.iter().rev().find_map(|s| match s {
                    Seg::Key(k) => Some(k.as_str()),
                    Seg::Index(_) => None,
                });
                let header = self.src.get(section.value.clone()).unwrap_or("");
                let header_ok = section.path.is_root()
                    || (header.starts_with('[')
                        && header.ends_with(']')
                        && !header.contains('\n')
                        && last_key.is_some_and(|k| header.contains(k)));
                let section = if header_ok {
                    section.path.clone()
                } else {
                    KeyPath::root()
                };
                match line_key(self.src, span.start) {
                    Some(k) => k.split('.').fold(section, |p, k| p.key(k.trim())),
                    None => section,
                }
            }
        };
        let mut message = format!("invalid TOML: {what}");
        let mut hint = None;

        if what == "duplicate key" {
            if key_hit.is_none() && !text.is_empty() {
                path = self
                    .section(span.start)
                    .path
                    .key(text.trim_matches(['"', '\'']));
            }
            message = format!("duplicate key `{text}`");
            let in_header = line.trim_start().starts_with('[');
            let first = self
                .span_of(&path)
                .and_then(|(k, _)| k)
                .filter(|k| *k != span)
                .map(|k| {
                    let start = floor_char_boundary(self.src, k.start);
                    self.src[..start].matches('\n').count() + 1
                });
            hint = Some(match first {
                Some(line) => format!(
                    "`{text}` is already defined on line {line}; remove or rename one of them"
                ),
                None if in_header => format!(
                    "a table can be defined only once; for a list of entries write `[[{text}]]` for every entry"
                ),
                None => {
                    "a key can be set only once per table; remove or rename one of them".to_owned()
                }
            });
        } else if what.starts_with("string values must be quoted") {
            expected = Some(
                "a value: a number, true/false, \"quoted text\", an array [ … ] or a table { … }"
                    .to_owned(),
            );
            let word = text.trim();
            hint = Some(match split_number_unit(word) {
                _ if word.is_empty() => "write a value after `=`".to_owned(),
                Some((num, unit)) => format!(
                    "write a plain number without the unit `{unit}` (the key name tells the unit, e.g. `_s` for seconds): `{num}`"
                ),
                None => format!("text must be in quotes: `\"{word}\"`"),
            });
        } else if what == "key with no value" {
            hint = Some("write `key = value`".to_owned());
        }
        // Keep the path up to the first key that is not a plain word (recovery junk).
        let sane = path
            .0
            .iter()
            .position(|s| matches!(s, Seg::Key(k) if !is_bare_key(k) || k.len() > 64))
            .unwrap_or(path.0.len());
        path.0.truncate(sane);
        let path = Some(path).filter(|p| !p.is_root());
        self.diag(path, Where::At(span), message, expected, hint)
    }

    fn invalid_hint(&self, found: &Found, expected: &str, n: &Node) -> Option<String> {
        let numeric = is_number_type(expected);
        let integral = numeric && !expected.starts_with('f');
        let key = n.path.last_key().unwrap_or("name");
        let scalar = match &n.shape {
            Shape::Scalar(s) => Some(s),
            _ => None,
        };
        match (found, scalar) {
            (Found::Str(_), Some(Scalar::Str(s))) if numeric => {
                let t = s.trim();
                if t.parse::<f64>().is_ok() {
                    Some(format!("remove the quotes: `{t}`"))
                } else if let Some((num, unit)) = split_number_unit(t) {
                    Some(format!(
                        "write a plain number without the unit `{unit}` (the key name tells the unit, e.g. `_s` for seconds): `{num}`"
                    ))
                } else {
                    None
                }
            }
            (Found::Float(f), _) if integral && f.is_finite() => {
                Some(format!("use a whole number, e.g. `{}`", f.round()))
            }
            (Found::Int(i), _) if *i < 0 && expected.starts_with('u') => {
                Some("the value must not be negative".to_owned())
            }
            (Found::Int(i), _) if integral => int_range(expected)
                .filter(|(_, hi)| i > hi)
                .map(|(_, hi)| format!("the value must be at most {hi}")),
            (Found::Str(_), Some(Scalar::Str(s))) if expected == "a boolean" => {
                let t = s.trim().to_lowercase();
                Some(if t == "true" || t == "false" {
                    format!("remove the quotes: `{t}`")
                } else {
                    "write `true` or `false` (without quotes)".to_owned()
                })
            }
            (_, Some(Scalar::Int(_) | Scalar::Float(_) | Scalar::Bool(_)))
                if expected == "a string" =>
            {
                let raw = self.src.get(n.value.clone()).unwrap_or("").trim();
                Some(format!("put text in quotes: `\"{raw}\"`"))
            }
            (Found::Map, _) if expected == "a sequence" => Some(match n.shape {
                Shape::Table { header: true } => {
                    format!("write `[[{key}]]` (double brackets) for each entry of the list")
                }
                _ => format!("write an array: `{key} = [ … ]`"),
            }),
            // serde lets a struct be read from a sequence, so `[[run]]` for a single
            // `[run]` table surfaces as the first field's type error on the entry.
            (Found::Map, _) if matches!(n.path.0.last(), Some(Seg::Index(_))) => {
                let header = self.src.get(n.value.clone()).unwrap_or("");
                let name = header.trim_start_matches('[').trim_end_matches(']').trim();
                (header.starts_with("[[") && !name.is_empty()).then(|| {
                    format!(
                        "`[[{name}]]` starts a list of tables; for a single table write `[{name}]`"
                    )
                })
            }
            (Found::Seq, _) if plain_expected(expected) == "a table" => {
                let aot = self
                    .src
                    .get(n.value.clone())
                    .is_some_and(|s| s.starts_with("[["));
                aot.then(|| {
                    format!("write `[{key}]` (single brackets): only one `{key}` table is allowed")
                })
            }
            _ => None,
        }
    }
}

/// Flatten the spanned tree into `nodes`, parents before children.
fn collect(
    nodes: &mut Vec<Node>,
    src: &str,
    path: KeyPath,
    key: Option<Range<usize>>,
    v: &toml::Spanned<DeValue<'_>>,
) {
    let value = v.span();
    let shape = match v.get_ref() {
        DeValue::Table(_) => Shape::Table {
            header: src.get(value.clone()).is_some_and(|s| s.starts_with('[')),
        },
        DeValue::Array(_) => Shape::Array,
        DeValue::String(s) => Shape::Scalar(Scalar::Str(s.to_string())),
        DeValue::Integer(i) => Shape::Scalar(Scalar::Int(
            i128::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        )),
        DeValue::Float(x) => Shape::Scalar(Scalar::Float(x.as_str().replace('_', "").parse().ok())),
        DeValue::Boolean(b) => Shape::Scalar(Scalar::Bool(*b)),
        DeValue::Datetime(_) => Shape::Scalar(Scalar::Datetime),
    };
    nodes.push(Node {
        path: path.clone(),
        key,
        value,
        shape,
    });
    match v.get_ref() {
        DeValue::Table(t) => {
            for (k, c) in t.iter() {
                collect(nodes, src, path.key(k.get_ref()), Some(k.span()), c);
            }
        }
        DeValue::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                collect(nodes, src, path.index(i), None, c);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Reading serde's error messages
// ---------------------------------------------------------------------------

/// The shapes of serde/toml error messages that we can say more about.
#[derive(Debug, PartialEq)]
enum SerdeMsg {
    UnknownField {
        name: String,
        expected: Vec<String>,
    },
    UnknownVariant {
        name: String,
        expected: Vec<String>,
    },
    MissingField(String),
    /// "invalid type: X, expected Y" / "invalid value: X, expected Y".
    Invalid {
        found: String,
        expected: String,
    },
    Other,
}

fn classify(msg: &str) -> SerdeMsg {
    // serde: "unknown field `x`, expected one of `a`, `b`" | "expected `a` or `b`"
    //        | "expected `a`" | "there are no fields"
    let named_list = |rest: &str| {
        let (name, tail) = match rest.find("`, ") {
            Some(p) => (&rest[..p], &rest[p + 1..]),
            None => (rest.trim_end_matches('`'), ""),
        };
        (name.to_owned(), ticked(tail))
    };
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (name, expected) = named_list(rest);
        SerdeMsg::UnknownField { name, expected }
    } else if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (name, expected) = named_list(rest);
        SerdeMsg::UnknownVariant { name, expected }
    } else if let Some(rest) = msg.strip_prefix("unexpected keys in table: ") {
        // toml's own wording for struct variants of externally tagged enums.
        let (names, avail) = rest.split_once(", available keys: ").unwrap_or((rest, ""));
        SerdeMsg::UnknownField {
            name: names.split(", ").next().unwrap_or(names).to_owned(),
            expected: avail
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        SerdeMsg::MissingField(rest.strip_suffix('`').unwrap_or(rest).to_owned())
    } else if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        match rest.rsplit_once(", expected ") {
            Some((found, expected)) => SerdeMsg::Invalid {
                found: found.to_owned(),
                expected: expected.to_owned(),
            },
            None => SerdeMsg::Other,
        }
    } else {
        SerdeMsg::Other
    }
}

/// All `backticked` words in `s`.
fn ticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// serde's `Unexpected` rendering, parsed back so we can find the value in the tree.
#[derive(Debug)]
enum Found {
    Str(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    Map,
    Seq,
    Unknown,
}

impl Found {
    fn parse(s: &str) -> Self {
        let ticked = |p: &str| s.strip_prefix(p).map(|r| r.trim_end_matches('`'));
        if let Some(r) = s.strip_prefix("string ") {
            Found::Str(r.to_owned())
        } else if let Some(i) = ticked("integer `").and_then(|r| r.parse().ok()) {
            Found::Int(i)
        } else if let Some(f) = ticked("floating point `").and_then(|r| r.parse().ok()) {
            Found::Float(f)
        } else if let Some(b) = ticked("boolean `").and_then(|r| r.parse().ok()) {
            Found::Bool(b)
        } else if s == "map" {
            Found::Map
        } else if s == "sequence" {
            Found::Seq
        } else {
            Found::Unknown
        }
    }

    fn matches(&self, n: &Node) -> bool {
        match (self, &n.shape) {
            // serde prints strings with Rust's Debug quoting.
            (Found::Str(q), Shape::Scalar(Scalar::Str(s))) => format!("{s:?}") == *q,
            (Found::Int(i), Shape::Scalar(Scalar::Int(Some(j)))) => i == j,
            (Found::Float(f), Shape::Scalar(Scalar::Float(Some(g)))) => f == g,
            (Found::Bool(b), Shape::Scalar(Scalar::Bool(c))) => b == c,
            (Found::Map, Shape::Table { .. }) => true,
            (Found::Seq, Shape::Array) => true,
            _ => false,
        }
    }
}

fn is_number_type(t: &str) -> bool {
    matches!(
        t,
        "f32"
            | "f64"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
    )
}

fn int_range(t: &str) -> Option<(i128, i128)> {
    Some(match t {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

/// serde's "expected ..." in words a scenario author understands.
fn plain_expected(e: &str) -> String {
    let e = e.trim();
    match e {
        "f32" | "f64" => "a number".to_owned(),
        // The u32 bound is noise to a reader; overflow gets its own hint.
        "u32" | "u64" | "u128" | "usize" => "a whole number ≥ 0".to_owned(),
        "i64" | "i128" | "isize" => "a whole number".to_owned(),
        _ if is_number_type(e) => match int_range(e) {
            Some((lo, hi)) => format!("a whole number from {lo} to {hi}"),
            None => "a whole number".to_owned(),
        },
        "a boolean" => "true or false".to_owned(),
        "a string" | "a borrowed string" => "text in quotes".to_owned(),
        "a character" => "a single character in quotes".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" | "struct variant" => "a table".to_owned(),
        "unit" => "nothing".to_owned(),
        _ if e.starts_with("struct ")
            || e.starts_with("internally tagged enum")
            || e.starts_with("adjacently tagged enum")
            || e.starts_with("map") =>
        {
            "a table".to_owned()
        }
        _ if e.starts_with("enum ") || e == "variant identifier" => {
            "one of the allowed names".to_owned()
        }
        _ => e.to_owned(),
    }
}

/// serde's `Unexpected` rendering in plain words.
fn plain_found(f: &str) -> String {
    let f = f.trim();
    let inner = |p: &str| f.strip_prefix(p).map(|r| r.trim_end_matches('`'));
    if let Some(s) = f.strip_prefix("string ") {
        format!("the text {s}")
    } else if let Some(n) = inner("integer `").or_else(|| inner("floating point `")) {
        format!("the number {n}")
    } else if let Some(b) = inner("boolean `") {
        format!("`{b}`")
    } else {
        match f {
            "map" => "a table".to_owned(),
            "sequence" => "an array".to_owned(),
            "unit" | "unit value" => "nothing".to_owned(),
            "unit variant" => "a plain name".to_owned(),
            other => other.to_owned(),
        }
    }
}

fn one_of(items: &[&str]) -> Option<String> {
    (!items.is_empty()).then(|| format!("one of: {}", items.join(", ")))
}

/// `"10s"` → `("10", "s")`: a number written with a unit.
fn split_number_unit(s: &str) -> Option<(&str, &str)> {
    let p = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(p);
    let ok = !num.is_empty()
        && num.trim().parse::<f64>().is_ok()
        && unit.chars().all(|c| c.is_ascii_alphabetic());
    ok.then(|| (num.trim(), unit))
}

/// The source line as shown, with the underline relative to it: control characters
/// are replaced (junk must not reach the terminal) and long lines are cut to a window
/// around `column`.
fn excerpt(line: &str, column: usize, len: usize) -> (String, (usize, usize)) {
    const WIDTH: usize = 120;
    let chars: Vec<char> = line
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    let at = column.saturating_sub(1);
    if chars.len() <= WIDTH {
        return (chars.into_iter().collect(), (column, len.max(1)));
    }
    let last = (at.saturating_sub(WIDTH / 3) + WIDTH).min(chars.len());
    let first = last.saturating_sub(WIDTH).min(at);
    let mut shown = String::new();
    if first > 0 {
        shown.push('…');
    }
    shown.extend(&chars[first..last]);
    if last < chars.len() {
        shown.push('…');
    }
    let col = at - first + 1 + usize::from(first > 0);
    (shown, (col, len.min(last.saturating_sub(at)).max(1)))
}

/// Byte range of the line holding `offset` (a char boundary), without its `\n`.
fn line_bounds(src: &str, offset: usize) -> (usize, usize) {
    let start = src[..offset].rfind('\n').map_or(0, |p| p + 1);
    let end = src[offset..].find('\n').map_or(src.len(), |p| offset + p);
    (start, end)
}

/// The bare (possibly dotted) key that starts the line holding `offset`, if the
/// line reads `key = …` and `offset` lies after the `=`.
fn line_key(src: &str, offset: usize) -> Option<&str> {
    let (start, _) = line_bounds(src, offset);
    let (key, _) = src[start..offset].split_once('=')?;
    let key = key.trim();
    let bare = |k: &str| is_bare_key(k.trim());
    (!key.is_empty() && key.split('.').all(bare)).then_some(key)
}

fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// A toy config with the shapes of a flowsim scenario.
    #[allow(dead_code)]
    mod toy {
        use serde::Deserialize;

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Scenario {
            pub run: Run,
            #[serde(default)]
            pub producer: Vec<Producer>,
            #[serde(default)]
            pub queue: Vec<Queue>,
            #[serde(default)]
            pub consumer: Vec<Consumer>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Run {
            pub duration_s: f64,
            pub seed: u64,
            #[serde(default)]
            pub trace: bool,
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Producer {
            pub name: String,
            pub queue: String,
            pub rate_per_s: f64,
            #[serde(default)]
            pub profile: Vec<Step>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Step {
            pub at_s: f64,
            pub factor: f64,
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Queue {
            pub name: String,
            pub visibility_timeout_s: f64,
            #[serde(default)]
            pub max_receives: Option<u32>,
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Consumer {
            pub name: String,
            pub queue: String,
            pub count: u32,
            pub processing: Dist,
        }

        #[derive(Debug, Deserialize)]
        #[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
        pub enum Dist {
            Exponential { mean_s: f64 },
            Constant { value_s: f64 },
            Uniform { min_s: f64, max_s: f64 },
            Mix { parts: Vec<Dist> },
        }
    }

    const SAMPLE: &str = r#"# toy scenario
[run]
duration_s = 60.0
seed = 42

[[producer]]
name = "web"
queue = "orders"
rate_per_s = 10.0
profile = [{ at_s = 0, factor = 1.0 }, { at_s = 30, factor = 2.0 }]

[[queue]]
name = "orders"
visibility_timeout_s = 30

[[queue]]
name = "dlq"
visibility_timeout_s = 30

[[consumer]]
name = "worker"
queue = "orders"
count = 4
processing = { dist = "exponential", mean_s = 0.5 }
"#;

    /// SAMPLE with the first `from` replaced by `to`, parsed; must fail.
    fn err(from: &str, to: &str) -> Diagnostic {
        assert!(SAMPLE.contains(from), "sample lacks {from:?}");
        let src = SAMPLE.replacen(from, to, 1);
        match from_toml_str::<toy::Scenario>("x.toml", &src) {
            Ok(_) => panic!("expected an error for {to:?}"),
            Err(d) => {
                // Rendering must work for every diagnostic.
                let _ = d.to_string();
                d
            }
        }
    }

    fn path(d: &Diagnostic) -> String {
        d.path.as_ref().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn sample_parses() {
        let s: toy::Scenario = from_toml_str("x.toml", SAMPLE).unwrap();
        assert_eq!(s.queue.len(), 2);
    }

    #[test]
    fn key_path_display() {
        let p = KeyPath::root()
            .key("queue")
            .index(1)
            .key("visibility_timeout_s");
        assert_eq!(p.to_string(), "queue[1].visibility_timeout_s");
        assert_eq!(KeyPath::root().key("a b").key("c").to_string(), "\"a b\".c");
        assert_eq!(p.parent().unwrap().to_string(), "queue[1]");
        assert_eq!(p.last_key(), Some("visibility_timeout_s"));
        assert!(KeyPath::root().parent().is_none());
    }

    #[test]
    fn misspelt_key_in_table() {
        let d = err("seed = 42", "sed = 42");
        assert_eq!(path(&d), "run.sed");
        assert_eq!((d.line, d.column), (Some(4), Some(1)));
        assert_eq!(d.message, "unknown key `sed`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `seed`?"));
        assert_eq!(
            d.expected.as_deref(),
            Some("one of: duration_s, seed, trace")
        );
        assert_eq!(d.underline, Some((1, 3)));
        assert_eq!(d.source_line.as_deref(), Some("sed = 42"));
    }

    #[test]
    fn misspelt_table_at_top_level() {
        let d = err("[run]", "[rnu]");
        assert_eq!(path(&d), "rnu");
        assert_eq!((d.line, d.column), (Some(2), Some(2)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `run`?"));
    }

    #[test]
    fn misspelt_key_in_second_array_entry() {
        let d = err(
            "name = \"dlq\"\nvisibility_timeout_s",
            "name = \"dlq\"\nvisiblity_timeout_s",
        );
        assert_eq!(path(&d), "queue[1].visiblity_timeout_s");
        assert_eq!((d.line, d.column), (Some(18), Some(1)));
        assert_eq!(
            d.hint.as_deref(),
            Some("did you mean `visibility_timeout_s`?")
        );
        let shown = d.to_string();
        assert!(
            shown.contains("x.toml:18:1  (key queue[1].visiblity_timeout_s)"),
            "{shown}"
        );
        assert!(
            shown.contains("18 | visiblity_timeout_s = 30\n   | ^^^^^^^^^^^^^^^^^^^\n"),
            "{shown}"
        );
    }

    #[test]
    fn misspelt_key_in_inline_table_in_array() {
        let d = err("factor = 2.0", "fcator = 2.0");
        assert_eq!(path(&d), "producer[0].profile[1].fcator");
        assert_eq!(d.line, Some(10));
        assert_eq!(d.column, Some(53));
        assert_eq!(d.hint.as_deref(), Some("did you mean `factor`?"));
    }

    #[test]
    fn misspelt_key_in_tagged_enum_is_found_below_the_table() {
        // serde reports this at the whole inline table; we narrow it to the key.
        let d = err("mean_s = 0.5", "mean = 0.5");
        assert_eq!(path(&d), "consumer[0].processing.mean");
        assert_eq!((d.line, d.column), (Some(24), Some(38)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `mean_s`?"));
    }

    #[test]
    fn wrong_type() {
        let d = err("rate_per_s = 10.0", "rate_per_s = \"ten\"");
        assert_eq!(path(&d), "producer[0].rate_per_s");
        assert_eq!((d.line, d.column), (Some(9), Some(14)));
        assert_eq!(d.expected.as_deref(), Some("a number"));
        assert_eq!(d.message, "expected a number, found the text \"ten\"");
        assert_eq!(d.underline, Some((14, 5)));

        let d = err("rate_per_s = 10.0", "rate_per_s = \"10\"");
        assert_eq!(d.hint.as_deref(), Some("remove the quotes: `10`"));

        let d = err("seed = 42", "seed = -1");
        assert_eq!(path(&d), "run.seed");
        assert_eq!(d.expected.as_deref(), Some("a whole number ≥ 0"));
        assert_eq!(d.hint.as_deref(), Some("the value must not be negative"));

        let d = err("count = 4", "count = 2.5");
        assert_eq!(d.expected.as_deref(), Some("a whole number ≥ 0"));
        assert_eq!(d.hint.as_deref(), Some("use a whole number, e.g. `3`"));

        let d = err("count = 4", "count = 99999999999");
        assert_eq!(
            d.hint.as_deref(),
            Some("the value must be at most 4294967295")
        );

        let d = err("name = \"web\"", "name = 5");
        assert_eq!(path(&d), "producer[0].name");
        assert_eq!(d.hint.as_deref(), Some("put text in quotes: `\"5\"`"));
    }

    #[test]
    fn wrong_type_inside_tagged_enum_is_found_below_the_table() {
        let d = err("mean_s = 0.5", "mean_s = \"half\"");
        assert_eq!(path(&d), "consumer[0].processing.mean_s");
        assert_eq!(d.column, Some(47));
        let d = err(
            "{ dist = \"exponential\", mean_s = 0.5 }",
            "{ dist = \"mix\", parts = [{ dist = \"constant\", value_s = 1 }, { dist = \"constant\", value_s = true }] }",
        );
        assert_eq!(path(&d), "consumer[0].processing.parts[1].value_s");
    }

    #[test]
    fn brackets_mixed_up() {
        let d = err("[[queue]]\nname = \"dlq\"", "[queue]\nname = \"dlq\"");
        // Mixing [[queue]] and [queue] is a TOML error already.
        assert_eq!(d.line, Some(16));
        assert!(d.hint.unwrap().contains("[[queue]]"));

        let src = "[run]\nduration_s = 1\nseed = 1\n[queue]\nname = \"a\"\n";
        let d = from_toml_str::<toy::Scenario>("x.toml", src).unwrap_err();
        assert_eq!(path(&d), "queue");
        assert_eq!((d.line, d.column), (Some(4), Some(1)));
        assert_eq!(
            d.hint.as_deref(),
            Some("write `[[queue]]` (double brackets) for each entry of the list")
        );

        let d = err("[run]", "[[run]]");
        assert_eq!(path(&d), "run[0]");
        assert_eq!((d.line, d.column), (Some(2), Some(1)));
        assert_eq!(
            d.hint.as_deref(),
            Some("`[[run]]` starts a list of tables; for a single table write `[run]`")
        );
    }

    #[test]
    fn unknown_enum_variant() {
        let d = err("\"exponential\"", "\"expnential\"");
        assert_eq!(path(&d), "consumer[0].processing.dist");
        assert_eq!((d.line, d.column), (Some(24), Some(23)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `exponential`?"));
        assert_eq!(
            d.expected.as_deref(),
            Some("one of: exponential, constant, uniform, mix")
        );
    }

    #[test]
    fn missing_field_points_at_the_table() {
        let d = err("name = \"dlq\"\n", "");
        assert_eq!(path(&d), "queue[1].name");
        assert_eq!(d.message, "missing key `name`");
        assert_eq!((d.line, d.column), (Some(16), Some(1)));
        assert_eq!(d.source_line.as_deref(), Some("[[queue]]"));
        assert_eq!(d.hint.as_deref(), Some("add `name = …` under `[[queue]]`"));

        let d = err("{ at_s = 30, factor = 2.0 }", "{ at_s = 30 }");
        assert_eq!(path(&d), "producer[0].profile[1].factor");
        assert_eq!(d.column, Some(40));

        let d = err("processing = { dist = \"exponential\", mean_s = 0.5 }", "");
        assert_eq!(path(&d), "consumer[0].processing");
        assert_eq!(d.line, Some(20));

        let d = from_toml_str::<toy::Scenario>("x.toml", "").unwrap_err();
        assert_eq!(path(&d), "run");
        assert_eq!(
            (d.line, d.column, d.source_line.as_deref()),
            (Some(1), Some(1), None)
        );
    }

    #[test]
    fn syntax_errors() {
        let d = err("seed = 42", "seed = = 42");
        assert_eq!((d.line, d.column), (Some(4), Some(8)));
        assert_eq!(path(&d), "run.seed");
        assert!(d.message.starts_with("invalid TOML: "), "{}", d.message);

        let d = err("dist = \"exponential\"", "dist = exponential");
        assert_eq!((d.line, d.column), (Some(24), Some(23)));
        assert_eq!(
            d.hint.as_deref(),
            Some("text must be in quotes: `\"exponential\"`")
        );
        assert_eq!(path(&d), "consumer[0].processing.dist");

        let d = err("visibility_timeout_s = 30", "visibility_timeout_s = 30s");
        assert!(d.hint.unwrap().ends_with("`30`"));

        let d = err("seed = 42", "seed = 42\nseed = 43");
        assert_eq!(d.message, "duplicate key `seed`");
        assert_eq!(path(&d), "run.seed");
        assert_eq!(d.line, Some(5));
        assert!(d.hint.unwrap().contains("line 4"));
    }

    #[test]
    fn at_path_existing_key_points_at_value() {
        let src = SAMPLE.replacen("queue = \"orders\"\ncount", "queue = \"ordrs\"\ncount", 1);
        let p = KeyPath::root().key("consumer").index(0).key("queue");
        let d = at_path(
            "x.toml",
            &src,
            &p,
            "no queue named `ordrs`",
            None,
            &["orders", "dlq"],
            None,
        );
        assert_eq!((d.line, d.column), (Some(22), Some(9)));
        assert_eq!(d.underline, Some((9, 7)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `orders`?"));
        assert_eq!(d.expected.as_deref(), Some("one of: orders, dlq"));
        assert_eq!(path(&d), "consumer[0].queue");
    }

    #[test]
    fn at_path_missing_key_points_at_table() {
        let p = KeyPath::root().key("queue").index(1).key("max_receives");
        let d = at_path(
            "x.toml",
            SAMPLE,
            &p,
            "dead-letter queue needs max_receives",
            None,
            &[],
            None,
        );
        assert_eq!((d.line, d.column), (Some(16), Some(1)));
        assert_eq!(d.source_line.as_deref(), Some("[[queue]]"));
        assert_eq!(path(&d), "queue[1].max_receives");

        let p = KeyPath::root()
            .key("producer")
            .index(0)
            .key("profile")
            .index(1)
            .key("until_s");
        let d = at_path("x.toml", SAMPLE, &p, "m", None, &[], None);
        assert_eq!((d.line, d.column), (Some(10), Some(40)));

        let p = KeyPath::root().key("network");
        let d = at_path("x.toml", SAMPLE, &p, "m", Some("a table".into()), &[], None);
        assert_eq!(
            (d.line, d.column, d.source_line.as_deref()),
            (Some(1), Some(1), None)
        );
    }

    #[test]
    fn at_path_on_tables_and_arrays() {
        let sm = SourceMap::new("x.toml", SAMPLE);
        let d = sm.at_path(
            &KeyPath::root().key("queue").index(1),
            "dup",
            None,
            &[],
            None,
        );
        assert_eq!(d.line, Some(16));
        let d = sm.at_path(
            &KeyPath::root().key("producer").index(0).key("profile"),
            "m",
            None,
            &[],
            None,
        );
        assert_eq!((d.line, d.column), (Some(10), Some(11)));
        assert_eq!(
            sm.path_at(SAMPLE.find("\"dlq\"").unwrap()).to_string(),
            "queue[1].name"
        );
        assert_eq!(
            sm.path_at(SAMPLE.find("[[consumer]]").unwrap()).to_string(),
            "consumer[0]"
        );
    }

    #[test]
    fn did_you_mean_cases() {
        let keys = ["name", "visibility_timeout_s", "max_receives"];
        assert_eq!(
            did_you_mean("visiblity_timeout_s", &keys),
            Some("visibility_timeout_s")
        );
        assert_eq!(
            did_you_mean("visibility-timeout-s", &keys),
            Some("visibility_timeout_s")
        );
        assert_eq!(did_you_mean("timeout", &keys), Some("visibility_timeout_s"));
        assert_eq!(did_you_mean("Name", &keys), Some("name"));
        assert_eq!(did_you_mean("max_recieves", &keys), Some("max_receives"));
        assert_eq!(did_you_mean("color", &keys), None);
        assert_eq!(did_you_mean("x", &keys), None);
        assert_eq!(did_you_mean("name", &keys), None);
        assert_eq!(did_you_mean("", &keys), None);
        assert_eq!(did_you_mean("ordrs", &["orders", "dlq"]), Some("orders"));
        assert_eq!(
            did_you_mean("rate", &["rate_per_s", "name"]),
            Some("rate_per_s")
        );
    }

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

    #[test]
    fn tabs_and_unicode_columns() {
        let src = "[run]\n\tduration_s = 1\n\t\"sééd\" = 1\n";
        let d = from_toml_str::<toy::Run>("x.toml", "duration_s = 1\nseed = 1\n\"näme\" = 1")
            .unwrap_err();
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        let d = from_toml_str::<toy::Scenario>("x.toml", src).unwrap_err();
        assert_eq!(d.line, Some(3));
        let shown = d.to_string();
        assert!(shown.contains("\n  | \t^"), "{shown}");
        let src = "[run]\nduration_s = 1\nseed = \"é\"\n";
        let d = from_toml_str::<toy::Scenario>("x.toml", src).unwrap_err();
        assert_eq!(
            (d.line, d.column, d.underline),
            (Some(3), Some(8), Some((8, 3)))
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_error() {
        let src = format!(
            "[run]\nduration_s = 1\nseed = 1\ntrace = [{}\"x\"]\n",
            "1, ".repeat(100)
        );
        let d = from_toml_str::<toy::Scenario>("x.toml", &src).unwrap_err();
        assert_eq!((d.line, d.column), (Some(4), Some(9)));
        let line = d.source_line.clone().unwrap();
        assert!(line.chars().count() <= 122 && line.ends_with('…'), "{line}");
        let (col, len) = d.underline.unwrap();
        let under: String = line.chars().skip(col - 1).take(len).collect();
        assert!(under.starts_with("[1, 1"), "{under}");

        let src = format!(
            "[run]\nduration_s = 1\nseed = 1\ntrace = {}\"yes\"  \n",
            " ".repeat(300)
        );
        let d = from_toml_str::<toy::Scenario>("x.toml", &src).unwrap_err();
        assert_eq!(d.column, Some(309));
        let line = d.source_line.clone().unwrap();
        let (col, len) = d.underline.unwrap();
        assert!(line.starts_with('…'), "{line}");
        assert_eq!(
            line.chars().skip(col - 1).take(len).collect::<String>(),
            "\"yes\""
        );
    }

    /// Everything must yield a diagnostic, never a panic, however broken the input.
    #[test]
    fn never_panics_on_mutated_input() {
        fn check(src: &str) {
            let _ = from_toml_str::<toy::Scenario>("fuzz.toml", src).map_err(|d| {
                let shown = d.to_string();
                assert!(shown.starts_with("error: "));
                if let (Some(line), Some(col)) = (d.line, d.column) {
                    assert!(line >= 1 && col >= 1);
                    assert!(line <= src.lines().count().max(1) + 1, "{shown}");
                }
            });
            let sm = SourceMap::new("fuzz.toml", src);
            for p in [
                KeyPath::root(),
                KeyPath::root().key("queue").index(1).key("name"),
                KeyPath::root()
                    .key("producer")
                    .index(0)
                    .key("profile")
                    .index(5),
                KeyPath::root()
                    .key("consumer")
                    .index(0)
                    .key("processing")
                    .key("dist"),
            ] {
                let _ = sm.at_path(&p, "m", None, &["orders"], None).to_string();
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let chars: Vec<char> = SAMPLE.chars().collect();
        // Every truncation.
        for i in 0..=chars.len() {
            check(&chars[..i].iter().collect::<String>());
        }
        // Single-character replacements, deletions and insertions of syntax-relevant chars.
        let alphabet = [
            '"', '\'', '[', ']', '{', '}', '=', ',', '.', '#', '\n', '\r', '\t', ' ', 'x', '0',
            '-', '\\', '\0', 'é', '🦀',
        ];
        for i in 0..chars.len() {
            let mut v = chars.clone();
            v.remove(i);
            check(&v.iter().collect::<String>());
            for _ in 0..3 {
                let c = alphabet[rand(alphabet.len())];
                let mut v = chars.clone();
                v[i] = c;
                check(&v.iter().collect::<String>());
                let mut v = chars.clone();
                v.insert(i, c);
                check(&v.iter().collect::<String>());
            }
        }
        // Duplicated and swapped lines.
        let lines: Vec<&str> = SAMPLE.lines().collect();
        for i in 0..lines.len() {
            let mut v = lines.clone();
            v.insert(i, lines[i]);
            check(&v.join("\n"));
            let mut v = lines.clone();
            v.swap(i, rand(lines.len()));
            check(&v.join("\n"));
        }
        // Binary junk and odd encodings.
        for len in [0, 1, 2, 7, 64, 500] {
            let bytes: Vec<u8> = (0..len).map(|_| rand(256) as u8).collect();
            check(&String::from_utf8_lossy(&bytes));
        }
        for s in [
            "\u{feff}[run]",
            "\r\n\r\n",
            "[",
            "[[",
            "a.b.c",
            "=",
            "\"",
            "'''",
            "[run]\nseed = 1e999",
        ] {
            check(s);
        }
    }

    #[test]
    fn external_and_flattened_shapes() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        #[allow(dead_code)]
        enum Ext {
            Exponential { mean_s: f64 },
        }
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct O {
            p: Ext,
        }
        let d = from_toml_str::<O>("x.toml", "p = { exponental = { mean_s = 1.0 } }").unwrap_err();
        assert_eq!(path(&d), "p.exponental");
        assert_eq!(d.hint.as_deref(), Some("did you mean `exponential`?"));
        let d = from_toml_str::<O>("x.toml", "p = { exponential = { mean = 1.0 } }").unwrap_err();
        assert_eq!(path(&d), "p.exponential.mean");
        assert_eq!(d.hint.as_deref(), Some("did you mean `mean_s`?"));
    }
}
