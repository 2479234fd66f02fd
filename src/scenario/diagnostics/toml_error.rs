//! Errors from `toml::from_str`: finding the key or value at fault from the error's
//! span, and saying what is wrong with its keys (unknown, missing, bad variant).
//! Syntax errors and wrong types have their own modules.
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

use std::ops::Range;

use super::Diagnostic;
use super::position::Where;
use super::serde_message::{SerdeMsg, classify};
use super::source_map::{Node, Scalar, Shape, SourceMap};
use super::suggest::{did_you_mean_hint, one_of, unit_key_hint};

/// The nodes an error's span points at.
pub(super) struct Hits<'n> {
    pub span: Range<usize>,
    /// The node whose key has exactly the span.
    pub key: Option<&'n Node>,
    /// The nodes whose value has exactly the span, shallow → deep. Several share a
    /// span when an array of tables and its first entry both point at `[[name]]`.
    pub values: Vec<&'n Node>,
    /// The deepest node the span points at or lies in (the root if none).
    pub deepest: &'n Node,
    /// Where to search for a culprit that lost its own span: errors raised inside
    /// serde's buffered content (internally tagged enums, flatten, untagged) report
    /// the enclosing value's span, so search below the outermost match.
    pub scope: &'n Node,
}

impl SourceMap<'_> {
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
        let hits = self.hits(span);
        match classify(msg) {
            SerdeMsg::UnknownField { name, expected } => self.unknown_key(&hits, name, &expected),
            SerdeMsg::UnknownVariant { name, expected } => {
                self.unknown_variant(&hits, name, &expected)
            }
            SerdeMsg::MissingField(name) => self.missing_key(&hits, name),
            SerdeMsg::Invalid { found, expected } => self.invalid(&hits, found, expected),
            SerdeMsg::Other => self.other(&hits, msg),
        }
    }

    fn hits(&self, span: Range<usize>) -> Hits<'_> {
        let key = self.key_at(&span);
        // Parents come first in `nodes`, so this runs shallow → deep.
        let values: Vec<&Node> = self.nodes.iter().filter(|n| n.value == span).collect();
        let deepest = values
            .last()
            .copied()
            .or(key)
            .or_else(|| self.containing(&span))
            .unwrap_or(self.root());
        let scope = values.first().copied().unwrap_or(deepest);
        Hits {
            span,
            key,
            values,
            deepest,
            scope,
        }
    }

    fn unknown_key(&self, hits: &Hits, name: &str, expected: &[&str]) -> Diagnostic {
        let named = |n: &Node| n.key.is_some() && n.path.last_key() == Some(name);
        let target = hits
            .key
            .filter(|n| n.path.last_key() == Some(name))
            .or_else(|| self.find_in(hits.scope, named));
        let (path, at) = match target {
            Some(n) => (n.path.clone(), n.key.clone().unwrap_or(hits.span.clone())),
            None => (
                self.table_of(hits.deepest).path.key(name),
                hits.span.clone(),
            ),
        };
        let number = target.and_then(|n| match n.shape {
            Shape::Scalar(Scalar::Int(Some(i))) => Some(i as f64),
            Shape::Scalar(Scalar::Float(Some(x))) => Some(x),
            _ => None,
        });
        // A key in another unit first: "did you mean `x_s`?" alone would keep
        // the value in milliseconds.
        let hint = unit_key_hint(name, number, expected)
            .or_else(|| did_you_mean_hint(name, expected))
            .unwrap_or_else(|| {
                if expected.is_empty() {
                    "remove it: this table takes no keys".to_owned()
                } else {
                    "remove it, or check the spelling against the expected keys".to_owned()
                }
            });
        self.diag(
            Some(path),
            Where::At(at),
            format!("unknown key `{name}`"),
            one_of(expected),
            Some(hint),
        )
    }

    fn unknown_variant(&self, hits: &Hits, name: &str, expected: &[&str]) -> Diagnostic {
        // A variant is written as a string value, or as a key (externally tagged enum).
        let is_it = |n: &Node| {
            matches!(&n.shape, Shape::Scalar(Scalar::Str(s)) if s == name)
                || (n.key.is_some() && n.path.last_key() == Some(name))
        };
        let target = hits
            .values
            .last()
            .copied()
            .filter(|n| is_it(n))
            .or(hits.key.filter(|n| is_it(n)))
            .or_else(|| self.find_in(hits.scope, is_it));
        let (path, at) = match target {
            Some(n) if !matches!(n.shape, Shape::Scalar(_)) => {
                (n.path.clone(), n.key.clone().unwrap_or(hits.span.clone()))
            }
            Some(n) => (n.path.clone(), self.value_location(n)),
            None => (hits.deepest.path.clone(), hits.span.clone()),
        };
        self.diag(
            Some(path),
            Where::At(at),
            format!("`{name}` is not a valid choice here"),
            one_of(expected),
            did_you_mean_hint(name, expected),
        )
    }

    /// Pointed at the table that lacks the key.
    fn missing_key(&self, hits: &Hits, name: &str) -> Diagnostic {
        let table = hits
            .values
            .iter()
            .rev()
            .copied()
            .find(|n| n.is_table())
            .unwrap_or(hits.deepest);
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
            Some(table.path.key(name)),
            self.location(table),
            format!("missing key `{name}`"),
            None,
            Some(hint),
        )
    }

    /// Any other message, shown as serde wrote it.
    fn other(&self, hits: &Hits, msg: &str) -> Diagnostic {
        let hint = msg
            .starts_with("data did not match any variant of untagged enum")
            .then(|| {
                "this value has none of the accepted forms; check the documentation for this key"
                    .to_owned()
            });
        let at = if hits.deepest.path.is_root() && hits.span.is_empty() {
            Where::Top
        } else {
            Where::At(hits.span.clone())
        };
        self.diag(
            Some(hits.deepest.path.clone()),
            at,
            msg.to_owned(),
            None,
            hint,
        )
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::super::from_toml_str;
    use super::super::test_support::{err, path, toy};

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
