//! Cutting what a message echoes from the file: a 5 MB name must not be
//! printed whole on the terminal (or a log), once per error.

use std::borrow::Cow;

/// The most characters of one echoed text (a message, a name, a value list).
pub const ECHO_MAX: usize = 300;

/// `s` if it has at most `max` characters, else its first `max` characters, an
/// ellipsis and its length.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((end, _)) => Cow::Owned(format!(
            "{}… ({} characters in all)",
            &s[..end],
            s.chars().count()
        )),
    }
}

/// [`clip`] at [`ECHO_MAX`].
pub fn echo(s: &str) -> Cow<'_, str> {
    clip(s, ECHO_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_with_their_length() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc… (4 characters in all)");
        assert_eq!(clip("ééééé", 2), "éé… (5 characters in all)");
        assert!(echo(&"x".repeat(5_000_000)).len() < 400);
    }
}
