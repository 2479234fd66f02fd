//! From a byte span to what a person sees: line, column and the source line with
//! the culprit underlined.

use std::ops::Range;

use super::source_map::{Node, SourceMap};
use super::{Diagnostic, KeyPath};

/// Where a diagnostic points.
pub(super) enum Where {
    At(Range<usize>),
    /// The document as a whole (e.g. a key missing at the top level).
    Top,
}

impl SourceMap<'_> {
    /// A diagnostic pointing `at` a place in the source.
    pub(super) fn diag(
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
                d.line = Some(self.line_of(span.start));
                d.column = Some(column);
                let (shown, underline) = excerpt(text, column, len);
                d.source_line = Some(shown);
                d.underline = Some(underline);
            }
        }
        d
    }

    /// Where to point for a node: its value (or key) span; the top of the file for
    /// the root, which has no span.
    pub(super) fn location(&self, n: &Node) -> Where {
        if n.path.is_root() {
            Where::Top
        } else {
            Where::At(self.value_location(n))
        }
    }

    /// The value's span, or its key's when the value runs over several lines
    /// (a multi-line array is better pointed at by its name).
    pub(super) fn value_location(&self, n: &Node) -> Range<usize> {
        let multiline = self
            .src
            .get(n.value.clone())
            .is_some_and(|s| s.contains('\n'));
        match &n.key {
            Some(k) if multiline => k.clone(),
            _ => n.value.clone(),
        }
    }

    /// `r` shrunk to char boundaries within the source, so it can be sliced.
    pub(super) fn clamp(&self, r: Range<usize>) -> Range<usize> {
        let start = floor_char_boundary(self.src, r.start);
        let end = floor_char_boundary(self.src, r.end.max(start));
        start..end
    }
}

/// Byte range of the line holding `offset` (a char boundary), without its `\n`.
pub(super) fn line_bounds(src: &str, offset: usize) -> (usize, usize) {
    let start = src[..offset].rfind('\n').map_or(0, |p| p + 1);
    let end = src[offset..].find('\n').map_or(src.len(), |p| offset + p);
    (start, end)
}

/// The source line as shown, with the underline relative to it: control characters
/// are replaced (junk must not reach the terminal) and long lines are cut to a window
/// around `column`.
pub(super) fn excerpt(line: &str, column: usize, len: usize) -> (String, (usize, usize)) {
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

fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::super::from_toml_str;
    use super::super::test_support::toy;

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
}
