//! Documents that are not valid TOML: the parser's message in plain words, and the
//! key path of the broken line as far as it can be trusted.

use std::ops::Range;

use super::key_path::is_bare_key;
use super::position::{Where, line_bounds};
use super::source_map::{Node, SourceMap};
use super::suggest::unit_hint;
use super::{Diagnostic, KeyPath, Seg};

impl SourceMap<'_> {
    /// A diagnostic for the parser's error `msg` at `span`.
    pub(super) fn syntax_diag(&self, msg: &str, span: Option<Range<usize>>) -> Diagnostic {
        let (what, expected) = match msg.split_once(", expected ") {
            Some((w, e)) => (w, Some(e)),
            None => (msg, None),
        };
        let mut expected = expected.filter(|e| *e != "nothing").map(str::to_owned);
        let mut message = format!("invalid TOML: {what}");
        let Some(span) = span else {
            return Diagnostic {
                expected,
                ..Diagnostic::new(self.file, message)
            };
        };
        let text = self.src.get(span.clone()).unwrap_or("");
        let key_hit = self.key_at(&span);
        let mut path = self.broken_line_path(&span, key_hit);
        let mut hint = None;

        if what == "duplicate key" {
            if key_hit.is_none() && !text.is_empty() {
                path = self
                    .section(span.start)
                    .path
                    .key(text.trim_matches(['"', '\'']));
            }
            message = format!("duplicate key `{text}`");
            hint = Some(self.duplicate_hint(&path, &span, text));
        } else if what.starts_with("string values must be quoted") {
            expected = Some(
                "a value: a number, true/false, \"quoted text\", an array [ … ] or a table { … }"
                    .to_owned(),
            );
            let word = text.trim();
            hint = Some(if word.is_empty() {
                "write a value after `=`".to_owned()
            } else {
                unit_hint(word).unwrap_or_else(|| format!("text must be in quotes: `\"{word}\"`"))
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

    /// The key path of the broken line at `span`.
    ///
    /// The tree of a broken document is a best-effort recovery and can hold
    /// nonsense; only trust a node on the error's own line whose key is written there.
    fn broken_line_path(&self, span: &Range<usize>, key_hit: Option<&Node>) -> KeyPath {
        let (line_start, line_end) = line_bounds(self.src, span.start);
        let line = &self.src[line_start..line_end];
        let plausible = |n: &&Node| {
            let at = n.key.as_ref().unwrap_or(&n.value).start;
            (line_start..=line_end).contains(&at)
                && n.path.last_key().is_none_or(|k| line.contains(k))
        };
        if let Some(n) = key_hit.or_else(|| self.containing(span)).filter(plausible) {
            return n.path.clone();
        }
        // The broken line did not make it into the tree: name its `key =` if any,
        // within its `[section]` if that header is really what the file says.
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

    /// How to fix a key defined twice: name the line of the first definition if known.
    fn duplicate_hint(&self, path: &KeyPath, span: &Range<usize>, text: &str) -> String {
        let first = self
            .span_of(path)
            .and_then(|(k, _)| k)
            .filter(|k| k != span)
            .map(|k| self.line_of(k.start));
        let (line_start, line_end) = line_bounds(self.src, span.start);
        let in_header = self.src[line_start..line_end].trim_start().starts_with('[');
        match first {
            Some(line) => {
                format!("`{text}` is already defined on line {line}; remove or rename one of them")
            }
            None if in_header => format!(
                "a table can be defined only once; for a list of entries write `[[{text}]]` for every entry"
            ),
            None => "a key can be set only once per table; remove or rename one of them".to_owned(),
        }
    }
}

/// The bare (possibly dotted) key that starts the line holding `offset`, if the
/// line reads `key = …` and `offset` lies after the `=`.
fn line_key(src: &str, offset: usize) -> Option<&str> {
    let (start, _) = line_bounds(src, offset);
    let (key, _) = src[start..offset].split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && key.split('.').all(|k| is_bare_key(k.trim()))).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, path};

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
}
