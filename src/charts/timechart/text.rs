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

/// `text` cut with an ellipsis until it is at most `max_w` pixels wide.
pub(crate) fn cut_text(text: &str, size: f64, bold: bool, max_w: f64) -> Result<String, DrawError> {
    let mut chars: Vec<char> = text.chars().collect();
    let mut fitted = text.to_string();
    while !chars.is_empty() && text_width(&fitted, size, bold)? > max_w {
        chars.pop();
        fitted = chars.iter().collect::<String>().trim_end().to_string() + "…";
    }
    Ok(fitted)
}

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
        let y = bottom + 10.0 + CAP_HEIGHT * style::SUBTITLE_SIZE;
        let (text, size) = fit_text(sub, style::SUBTITLE_SIZE, false, max_w)?;
        let spec = TextSpec::new(size, style::TEXT_MUTED);
        texts.push(PlacedText { text, x, y, spec });
        bottom = y + DESCENT * style::SUBTITLE_SIZE;
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
}
