//! Text: font metrics, fitting long text into a width, and positioned lines.

use super::rect::{Rect, rect};
use crate::charts::style::FONT;
use plotters::style::text_anchor::HPos;
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor};

/// Fractions of the plotters font size (ascent to descent of DejaVu Sans).
pub(super) const CAP_HEIGHT: f64 = 0.63;
pub(super) const DESCENT: f64 = 0.21;
/// Smallest factor by which too long titles and labels are shrunk before being cut.
const MIN_SHRINK: f64 = 0.75;

/// How a line of text looks and where it is anchored horizontally.
#[derive(Clone, Copy)]
pub(super) struct TextSpec {
    pub(super) size: f64,
    pub(super) bold: bool,
    pub(super) color: RGBColor,
    pub(super) h: HPos,
    /// Reads upwards (rotated a quarter turn anticlockwise).
    pub(super) up: bool,
}

impl TextSpec {
    pub(super) fn new(size: f64, color: RGBColor) -> TextSpec {
        TextSpec {
            size,
            bold: false,
            color,
            h: HPos::Left,
            up: false,
        }
    }

    pub(super) fn bold(self) -> TextSpec {
        TextSpec { bold: true, ..self }
    }

    pub(super) fn align(self, h: HPos) -> TextSpec {
        TextSpec { h, ..self }
    }

    pub(super) fn up(self) -> TextSpec {
        TextSpec { up: true, ..self }
    }
}

/// A line of text; `x`, `y` are the baseline start for horizontal text and the
/// baseline x and anchor y for text reading upwards (alignment per `spec.h`).
pub(super) struct PlacedText {
    pub(super) text: String,
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) spec: TextSpec,
}

pub(super) fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let weight = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FONT), size, weight)
}

/// Advance width of `text` in output pixels (measured large: the font reports
/// whole pixels).
pub(super) fn text_width(text: &str, size: f64, bold: bool) -> Result<f64, String> {
    const ZOOM: f64 = 8.0;
    let (w, _) = font(size * ZOOM, bold)
        .box_size(text)
        .map_err(|e| format!("font: {e}"))?;
    Ok(f64::from(w) / ZOOM)
}

/// Box around a single line of text whose baseline starts at (`x`, `base`), after
/// horizontal alignment.
pub(super) fn text_box(x: f64, base: f64, width: f64, size: f64, h: HPos) -> Rect {
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
pub(super) fn fit_text(
    text: &str,
    size: f64,
    bold: bool,
    max_w: f64,
) -> Result<(String, f64), String> {
    let w = text_width(text, size, bold)?;
    if w <= max_w {
        return Ok((text.to_string(), size));
    }
    let size = (size * max_w / w).max(size * MIN_SHRINK);
    Ok((cut_text(text, size, bold, max_w)?, size))
}

/// `text` cut with an ellipsis until it is at most `max_w` pixels wide.
pub(super) fn cut_text(text: &str, size: f64, bold: bool, max_w: f64) -> Result<String, String> {
    let mut chars: Vec<char> = text.chars().collect();
    let mut fitted = text.to_string();
    while !chars.is_empty() && text_width(&fitted, size, bold)? > max_w {
        chars.pop();
        fitted = chars.iter().collect::<String>().trim_end().to_string() + "…";
    }
    Ok(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::style;

    #[test]
    fn long_text_is_shrunk_then_cut() {
        style::register_fonts();
        let long = "a very long title ".repeat(20);
        let (text, size) = fit_text(&long, 30.0, true, 400.0).expect("fit");
        assert!(size < 30.0);
        assert!(text.ends_with('…'));
        assert!(text_width(&text, size, true).expect("width") <= 400.0);
    }
}
