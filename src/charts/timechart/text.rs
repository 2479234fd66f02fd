//! Text: font metrics, fitting long text into a width, and positioned lines.

use super::rect::{Rect, rect};
use crate::charts::DrawError;
use crate::charts::style::{self, FONT};
use plotters::style::text_anchor::HPos;
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor};

/// Fractions of the plotters font size (ascent to descent of DejaVu Sans).
pub(crate) const CAP_HEIGHT: f64 = 0.63;
pub(crate) const DESCENT: f64 = 0.21;
/// Smallest factor by which too long titles and labels are shrunk before being cut.
const MIN_SHRINK: f64 = 0.75;

/// How a line of text looks and where it is anchored horizontally.
#[derive(Clone, Copy)]
pub(crate) struct TextSpec {
    pub(crate) size: f64,
    pub(crate) bold: bool,
    pub(crate) color: RGBColor,
    pub(crate) h: HPos,
    /// Reads upwards (rotated a quarter turn anticlockwise).
    pub(crate) up: bool,
}

impl TextSpec {
    pub(crate) fn new(size: f64, color: RGBColor) -> TextSpec {
        TextSpec {
            size,
            bold: false,
            color,
            h: HPos::Left,
            up: false,
        }
    }

    pub(crate) fn bold(self) -> TextSpec {
        TextSpec { bold: true, ..self }
    }

    pub(crate) fn align(self, h: HPos) -> TextSpec {
        TextSpec { h, ..self }
    }

    pub(crate) fn up(self) -> TextSpec {
        TextSpec { up: true, ..self }
    }
}

/// A line of text; `x`, `y` are the baseline start for horizontal text and the
/// baseline x and anchor y for text reading upwards (alignment per `spec.h`).
pub(crate) struct PlacedText {
    pub(crate) text: String,
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) spec: TextSpec,
}

pub(crate) fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let weight = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FONT), size, weight)
}

/// Advance width of `text` in output pixels (measured large: the font reports
/// whole pixels).
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> Result<f64, DrawError> {
    const ZOOM: f64 = 8.0;
    let (w, _) = font(size * ZOOM, bold)
        .box_size(text)
        .map_err(DrawError::Font)?;
    Ok(f64::from(w) / ZOOM)
}

/// Box around a single line of text whose baseline starts at (`x`, `base`), after
/// horizontal alignment.
pub(crate) fn text_box(x: f64, base: f64, width: f64, size: f64, h: HPos) -> Rect {
    let l = match h {
        HPos::Left => x,
        HPos::Center => x - width / 2.0,
        HPos::Right => x - width,
    };
    rect(
        l,
        base - CAP_HEIGHT * size,
        l + width,
        base + DESCENT * size,
    )
}

/// `text` at `size`, shrunk (down to `MIN_SHRINK`) and then cut until it is at
/// most `max_w` pixels wide.
pub(crate) fn fit_text(
    text: &str,
    size: f64,
    bold: bool,
    max_w: f64,
) -> Result<(String, f64), DrawError> {
    let w = text_width(text, size, bold)?;
    if w <= max_w {
        return Ok((text.to_string(), size));
    }
    let size = (size * max_w / w).max(size * MIN_SHRINK);
    Ok((cut_text(text, size, bold, max_w)?, size))
}

/// An axis title at (x, y) in `spec`, fitted to `max_w` pixels (see [`fit_text`]).
pub(crate) fn fitted_title(
    text: &str,
    max_w: f64,
    x: f64,
    y: f64,
    spec: TextSpec,
) -> Result<PlacedText, DrawError> {
    fit_text(text, spec.size, spec.bold, max_w).map(|(text, size)| PlacedText {
        text,
        x,
        y,
        spec: TextSpec { size, ..spec },
    })
}

/// `text` cut with an ellipsis until it is at most `max_w` pixels wide: the
/// longest prefix that fits, found by bisection (a width grows with the
/// prefix), so a long text costs O(n log n), not a measure per character.
pub(crate) fn cut_text(text: &str, size: f64, bold: bool, max_w: f64) -> Result<String, DrawError> {
    if text_width(text, size, bold)? <= max_w {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = |n: usize| chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
    // The longest n with cut(n) fitting; cut(0) is the ellipsis alone.
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        if text_width(&cut(mid), size, bold)? <= max_w {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    Ok(cut(fits))
}

/// `text` broken into lines of at most `max_w` pixels at spaces, at most
/// `max_lines` of them; a word longer than a line, or what is left after the
/// last line, is cut with an ellipsis. A line break in `text` starts a line.
pub(crate) fn wrap_text(
    text: &str,
    size: f64,
    bold: bool,
    max_w: f64,
    max_lines: usize,
) -> Result<Vec<String>, DrawError> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        // A unit stays with its number ("44 %)"): one word for the wrapping.
        let mut words: Vec<String> = Vec::new();
        for token in paragraph.split(' ').filter(|w| !w.is_empty()) {
            match words.last_mut() {
                Some(last) if token.starts_with('%') => {
                    last.push(' ');
                    last.push_str(token);
                }
                _ => words.push(token.to_string()),
            }
        }
        let mut line = String::new();
        for word in &words {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if line.is_empty() || text_width(&candidate, size, bold)? <= max_w {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.clone()));
            }
        }
        lines.push(line);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(rest);
    }
    lines
        .into_iter()
        .map(|l| cut_text(&l, size, bold, max_w))
        .collect()
}

/// The most lines a subtitle takes before its end is cut.
const SUBTITLE_LINES: usize = 3;

/// Places the title and the subtitle (if any) at the top left; returns the y where
/// the header ends.
pub(crate) fn header(
    title: &str,
    subtitle: Option<&str>,
    texts: &mut Vec<PlacedText>,
) -> Result<f64, DrawError> {
    let max_w = f64::from(style::WIDTH) - 2.0 * style::PAD;
    let x = style::PAD;
    let y = style::PAD + CAP_HEIGHT * style::TITLE_SIZE;
    let (text, size) = fit_text(title, style::TITLE_SIZE, true, max_w)?;
    let spec = TextSpec::new(size, style::TEXT).bold();
    texts.push(PlacedText { text, x, y, spec });
    let mut bottom = y + DESCENT * style::TITLE_SIZE;
    if let Some(sub) = subtitle {
        // Whole words on up to three lines: a verdict is never cut mid-word.
        let size = style::SUBTITLE_SIZE;
        let mut y = bottom + 10.0 + CAP_HEIGHT * size;
        for text in wrap_text(sub, size, false, max_w, SUBTITLE_LINES)? {
            let spec = TextSpec::new(size, style::TEXT_MUTED);
            texts.push(PlacedText { text, x, y, spec });
            bottom = y + DESCENT * size;
            y += (CAP_HEIGHT + DESCENT) * size + 5.0;
        }
    }
    Ok(bottom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_shrunk_then_cut() {
        style::register_fonts();
        let long = "a very long title ".repeat(20);
        let (text, size) = fit_text(&long, 30.0, true, 400.0).expect("fit");
        assert!(size < 30.0);
        assert!(text.ends_with('…'));
        assert!(text_width(&text, size, true).expect("width") <= 400.0);
    }

    #[test]
    fn cutting_keeps_the_longest_prefix_that_fits() {
        style::register_fonts();
        let text = "orders: 3,657 of 8,307 messages dead-lettered (44 %)";
        let cut = cut_text(text, 12.0, false, 150.0).expect("cut");
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 12.0, false).expect("width") <= 150.0);
        // A prefix of the text, and nearly all the room used: the bisection
        // found the longest one, not just one that fits.
        assert!(text.starts_with(cut.trim_end_matches('…')));
        assert!(text_width(&cut, 12.0, false).expect("width") > 150.0 - 12.0);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_whole_words() {
        style::register_fonts();
        let text = "COLLAPSED at 180 s (after the latency window ended, goodput was still below 50 % of the offered load)";
        let lines = wrap_text(text, 12.0, false, 200.0, 10).expect("wrap");
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text, "nothing lost, no word cut");
        for l in &lines {
            assert!(text_width(l, 12.0, false).expect("width") <= 200.0, "{l}");
        }
        let two = wrap_text(text, 12.0, false, 200.0, 2).expect("wrap");
        assert_eq!(two.len(), 2);
        assert!(two[1].ends_with('…'));
        let split = wrap_text("first\nsecond", 12.0, false, 500.0, 3).expect("wrap");
        assert_eq!(split, ["first", "second"]);
    }
}
