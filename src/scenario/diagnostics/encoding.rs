//! A scenario file that is not UTF-8 text (where its first bad byte is), or
//! that is too large to be one.

use super::Diagnostic;
use super::position::excerpt;

/// The error for `bytes` (a file's content) that fail to decode with `e`: the
/// byte offset of the first bad byte, its line and column, and the line shown.
pub fn not_utf8(file: &str, bytes: &[u8], e: std::str::Utf8Error) -> Diagnostic {
    let offset = e.valid_up_to();
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line_end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| offset + p);
    let line = bytecount(before) + 1;
    // Everything before `offset` is valid UTF-8.
    let column = std::str::from_utf8(&before[line_start..]).map_or(0, |s| s.chars().count()) + 1;
    let message = match e.error_len() {
        Some(len) => {
            let shown: Vec<String> = bytes[offset..offset + len]
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect();
            format!(
                "the file is not UTF-8 text: invalid byte {} at byte offset {offset}",
                shown.join(" ")
            )
        }
        None => format!(
            "the file is not UTF-8 text: it ends inside a character, at byte offset {offset}"
        ),
    };
    let text = String::from_utf8_lossy(&bytes[line_start..line_end]);
    let (shown, underline) = excerpt(text.trim_end_matches('\r'), column, 1);
    let mut d = Diagnostic::new(file, message)
        .with_expected("UTF-8 text (TOML files are UTF-8)")
        .with_hint("save the file as UTF-8, or remove the bad byte (shown as �)");
    d.line = Some(line);
    d.column = Some(column);
    d.source_line = Some(shown);
    d.underline = Some(underline);
    d
}

/// The most bytes a scenario file may hold. A scenario describes components,
/// not data: the largest real ones are a few kilobytes, and 10,000 small
/// tables fit in a megabyte. Parsing costs about 70 bytes of memory per byte of
/// TOML, so this keeps even the largest accepted file's parse near 300 MB;
/// beyond it a file is refused before more of it is read (a device or a pipe
/// that never ends included).
pub const FILE_MAX: u64 = 4 << 20;

/// The error for a file larger than [`FILE_MAX`].
pub fn too_large(file: &str) -> Diagnostic {
    Diagnostic::new(
        file,
        format!(
            "the file is larger than {} MiB, the most a scenario file may hold",
            FILE_MAX >> 20
        ),
    )
    .with_expected("a scenario of components, a few kilobytes of TOML")
    .with_hint(
        "describe many alike components as one (a consumer's `workers`, a topic's \
         `partitions`, a producer's `rate`) instead of a table each",
    )
}

fn bytecount(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_first_bad_byte() {
        let bytes = b"[run]\nseed = 1\ntitle = \"caf\xe9\"\n";
        let e = String::from_utf8(bytes.to_vec()).unwrap_err().utf8_error();
        let d = not_utf8("x.toml", bytes, e);
        assert_eq!((d.line, d.column), (Some(3), Some(13)));
        assert!(
            d.message.contains("0xE9 at byte offset 27"),
            "{}",
            d.message
        );
        let shown = d.to_string();
        assert!(shown.contains("x.toml:3:13"), "{shown}");
        let bytes = b"seed = 1\n\xf0\x9f";
        let e = String::from_utf8(bytes.to_vec()).unwrap_err().utf8_error();
        let d = not_utf8("x.toml", bytes, e);
        assert!(
            d.message
                .contains("ends inside a character, at byte offset 9")
        );
    }
}
