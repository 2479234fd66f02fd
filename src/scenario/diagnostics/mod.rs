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
//! Both directions use the spanned document tree in [`SourceMap`].

mod clip;
mod diagnostic;
mod encoding;
mod key_path;
mod position;
mod serde_message;
mod source_map;
mod suggest;
mod syntax_error;
#[cfg(test)]
mod test_support;
mod toml_error;
mod type_error;

pub use clip::{ECHO_MAX, clip, echo};
pub use diagnostic::{Diagnostic, Severity};
pub use encoding::{FILE_MAX, not_utf8, too_large};
pub use key_path::{KeyPath, Seg};
pub use source_map::SourceMap;
pub use suggest::{did_you_mean, one_of};

use serde::de::DeserializeOwned;

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

#[cfg(test)]
mod tests {
    use super::test_support::{SAMPLE, toy};
    use super::*;

    #[test]
    fn sample_parses() {
        let s: toy::Scenario = from_toml_str("x.toml", SAMPLE).unwrap();
        assert_eq!(s.queue.len(), 2);
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
}
