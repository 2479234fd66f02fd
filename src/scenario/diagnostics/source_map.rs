//! The spanned key tree of a TOML document, to map key paths to byte spans and back.
//!
//! Built from `toml::de::DeTable`. Key paths use the names as written in the file
//! (after any `#[serde(rename)]`), and indices count entries in file order.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::position::Where;
use super::suggest::{did_you_mean_hint, one_of};
use super::{Diagnostic, KeyPath, Seg};

#[derive(Debug, PartialEq)]
pub(super) enum Scalar {
    Str(String),
    Int(Option<i128>),
    Float(Option<f64>),
    Bool(bool),
    Datetime,
}

#[derive(Debug, PartialEq)]
pub(super) enum Shape {
    /// `header`: defined by a `[name]`/`[[name]]` line (its span is that header),
    /// as opposed to an inline `{ ... }` table, an implicit (dotted) table or the root.
    Table {
        header: bool,
    },
    Array,
    Scalar(Scalar),
}

#[derive(Debug)]
pub(super) struct Node {
    pub path: KeyPath,
    /// Span of the key (absent for array elements and the root).
    ///
    /// For an array of tables this is the key in its *first* `[[name]]` header.
    pub key: Option<Range<usize>>,
    /// Span of the value. For header tables this is only the header line, and an
    /// array of tables shares its span with its first entry.
    pub value: Range<usize>,
    pub shape: Shape,
}

impl Node {
    pub fn is_table(&self) -> bool {
        matches!(self.shape, Shape::Table { .. })
    }

    /// Position in the document, used to prefer the first of several matches.
    fn pos(&self) -> usize {
        self.key.as_ref().map_or(self.value.start, |k| k.start)
    }
}

/// A scenario source with its spanned key tree, to map between key paths and
/// positions. Building it parses the document once (with error recovery).
pub struct SourceMap<'a> {
    pub(super) file: &'a str,
    pub(super) src: &'a str,
    /// Every key/value of the document, parents before children; `nodes[0]` is the root.
    pub(super) nodes: Vec<Node>,
    /// The document is not valid TOML (the tree is a best-effort recovery).
    pub(super) syntax_error: bool,
    /// The first node of each path, and the last node of each key span: the
    /// lookups every diagnostic makes, in constant time (a scan of `nodes`
    /// per diagnostic made a file with many problems quadratic).
    by_path: HashMap<Vec<Seg>, usize>,
    by_key: HashMap<(usize, usize), usize>,
    /// Byte offset of each line's start, for line numbers by binary search.
    line_starts: Vec<usize>,
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
        let mut by_path = HashMap::with_capacity(nodes.len());
        let mut by_key = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            by_path.entry(n.path.0.clone()).or_insert(i);
            if let Some(k) = &n.key {
                by_key.insert((k.start, k.end), i);
            }
        }
        let line_starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            file,
            src,
            nodes,
            syntax_error: !errors.is_empty(),
            by_path,
            by_key,
            line_starts,
        }
    }

    /// The file's name as given.
    pub fn file(&self) -> &str {
        self.file
    }

    /// 1-based line of byte `offset`.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }

    /// Spans of the key (if any) and value at exactly `path`, if present in the file.
    pub fn span_of(&self, path: &KeyPath) -> Option<(Option<Range<usize>>, Range<usize>)> {
        let n = self.node(&path.0)?;
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
        let bad = bad_value.or(match &node.shape {
            Shape::Scalar(Scalar::Str(s)) if exact => Some(s.as_str()),
            _ => None,
        });
        let hint = bad.and_then(|b| did_you_mean_hint(b, candidates));
        let expected = expected.or_else(|| one_of(candidates));
        self.diag(Some(path.clone()), at, message.into(), expected, hint)
    }

    pub(super) fn root(&self) -> &Node {
        &self.nodes[0]
    }

    /// The node at exactly this path, if present in the file.
    fn node(&self, path: &[Seg]) -> Option<&Node> {
        self.by_path.get(path).map(|&i| &self.nodes[i])
    }

    /// The node at `path`, or else its deepest ancestor present in the file; `true` if exact.
    fn lookup(&self, path: &KeyPath) -> (&Node, bool) {
        (0..=path.0.len())
            .rev()
            .find_map(|len| Some((self.node(&path.0[..len])?, len == path.0.len())))
            .unwrap_or((self.root(), path.is_root()))
    }

    /// The table a node lives in (itself if it is a table).
    pub(super) fn table_of(&self, n: &Node) -> &Node {
        (0..=n.path.0.len())
            .rev()
            .filter_map(|len| self.node(&n.path.0[..len]))
            .find(|m| m.is_table())
            .unwrap_or(self.root())
    }

    /// The node whose key has exactly this span (the last one, should several).
    pub(super) fn key_at(&self, span: &Range<usize>) -> Option<&Node> {
        self.by_key
            .get(&(span.start, span.end))
            .map(|&i| &self.nodes[i])
    }

    /// The innermost key or value (not the root) whose span contains `span`.
    pub(super) fn containing(&self, span: &Range<usize>) -> Option<&Node> {
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
    pub(super) fn section(&self, offset: usize) -> &Node {
        self.nodes
            .iter()
            .filter(|n| n.shape == Shape::Table { header: true } && n.value.start <= offset)
            .max_by_key(|n| n.value.start)
            .unwrap_or(self.root())
    }

    /// The first node in document order at or below `scope` satisfying `pred`.
    pub(super) fn find_in(&self, scope: &Node, pred: impl Fn(&Node) -> bool) -> Option<&Node> {
        self.nodes
            .iter()
            .filter(|n| n.path.starts_with(&scope.path) && pred(n))
            .min_by_key(|n| n.pos())
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

#[cfg(test)]
mod tests {
    use super::super::at_path;
    use super::super::test_support::{SAMPLE, path};
    use super::*;

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
}
