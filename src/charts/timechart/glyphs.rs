//! A line of text as glyph coverage on the PNG's pixels, each glyph at its
//! exact, fractional place. Plotters' own glyph drawing puts every glyph on
//! a whole pixel and leaves out its side bearing, which at the output size
//! (no longer drawn twice as large) makes letters bunch and gap.

use ab_glyph::{Font, FontRef, InvalidFont, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{FontStyle, FontTransform};
use std::sync::OnceLock;

/// The charts' fonts (`style::register_fonts` gives plotters the same).
fn fonts() -> Result<&'static (FontRef<'static>, FontRef<'static>), InvalidFont> {
    static FONTS: OnceLock<Result<(FontRef<'static>, FontRef<'static>), InvalidFont>> =
        OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok((
                FontRef::try_from_slice(dejavu::sans::regular())?,
                FontRef::try_from_slice(dejavu::sans::bold())?,
            ))
        })
        .as_ref()
        .map_err(|e| *e)
}

/// How a line of text is set: as plotters sets it (font size = ascent to
/// descent, the top of the text half a size above the baseline), anchored at
/// a point in pixels.
pub(crate) struct Line {
    pub(crate) size: f32,
    pub(crate) style: FontStyle,
    pub(crate) anchor: Pos,
    pub(crate) transform: FontTransform,
}

impl Line {
    /// Calls `put(x, y, coverage)` for each pixel the text covers, with its
    /// anchor at (`x`, `y`) pixels.
    pub(crate) fn draw(
        &self,
        text: &str,
        (x, y): (f32, f32),
        mut put: impl FnMut(i32, i32, f32),
    ) -> Result<(), InvalidFont> {
        let fonts = fonts()?;
        let font = match self.style {
            FontStyle::Bold => &fonts.1,
            _ => &fonts.0,
        };
        let scale = PxScale::from(self.size);
        let scaled = font.as_scaled(scale);
        let width = advance(&scaled, text);
        let dx = match self.anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Right => -width,
            HPos::Center => -width / 2.0,
        };
        // Plotters' text box is an em high (its size / 1.24).
        let height = self.size / 1.24;
        let dy = match self.anchor.v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        // The text is set in its own frame (x along it), which the transform
        // turns a quarter turn at a time; the anchor's fraction of a pixel is
        // moved into that frame so that its pixels fall on the picture's.
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (gx, gy) = match self.transform {
            FontTransform::None => (fx, fy),
            FontTransform::Rotate90 => (fy, -fx),
            FontTransform::Rotate180 => (-fx, -fy),
            FontTransform::Rotate270 => (-fy, fx),
        };
        let (x0, y0) = (x0 as i32, y0 as i32);
        let to_picture = |i: i32, j: i32| match self.transform {
            FontTransform::None => (x0 + i, y0 + j),
            FontTransform::Rotate90 => (x0 - j - 1, y0 + i),
            FontTransform::Rotate180 => (x0 - i - 1, y0 - j - 1),
            FontTransform::Rotate270 => (x0 + j, y0 - i - 1),
        };
        let baseline = gy + dy + self.size / 2.0;
        let mut pen = gx + dx;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scale, point(pen, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let min = outline.px_bounds().min;
                let (ox, oy) = (min.x as i32, min.y as i32);
                outline.draw(|i, j, coverage| {
                    let (px, py) = to_picture(ox + i as i32, oy + j as i32);
                    put(px, py, coverage);
                });
            }
            pen += scaled.h_advance(id);
        }
        Ok(())
    }
}

/// The text's advance width in pixels, kerning included.
fn advance<F: Font>(font: &impl ScaleFont<F>, text: &str) -> f32 {
    let mut width = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            width += font.kern(p, id);
        }
        prev = Some(id);
        width += font.h_advance(id);
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(line: &Line, text: &str, at: (f32, f32)) -> Vec<(i32, i32)> {
        let mut cells = Vec::new();
        line.draw(text, at, |x, y, c| {
            if c > 0.0 {
                cells.push((x, y));
            }
        })
        .expect("fonts parse");
        cells
    }

    fn line(h_pos: HPos, transform: FontTransform) -> Line {
        Line {
            size: 20.0,
            style: FontStyle::Normal,
            anchor: Pos::new(h_pos, VPos::Top),
            transform,
        }
    }

    #[test]
    fn text_lies_where_its_anchor_says() {
        let left = covered(
            &line(HPos::Left, FontTransform::None),
            "Hello",
            (100.0, 50.0),
        );
        let (min_x, max_x) = (
            left.iter().map(|c| c.0).min().unwrap(),
            left.iter().map(|c| c.0).max().unwrap(),
        );
        let (min_y, max_y) = (
            left.iter().map(|c| c.1).min().unwrap(),
            left.iter().map(|c| c.1).max().unwrap(),
        );
        // Right of the anchor (after the H's side bearing), the baseline half
        // a size under it (no descenders in "Hello"; capitals reach a little
        // above the anchor, as plotters sets them).
        assert!((100..=103).contains(&min_x), "{min_x}");
        assert!(max_x > 140, "{max_x}");
        assert!(min_y >= 45 && max_y <= 60, "{min_y}..{max_y}");
        // Right-aligned: ends at the anchor.
        let right = covered(
            &line(HPos::Right, FontTransform::None),
            "Hello",
            (100.0, 50.0),
        );
        let end = right.iter().map(|c| c.0).max().unwrap();
        assert!((96..=100).contains(&end), "{end}");
        // Read upwards: the text runs up from the anchor, its baseline half a
        // size right of it.
        let up = covered(
            &line(HPos::Left, FontTransform::Rotate270),
            "Hello",
            (100.0, 50.0),
        );
        assert!(up.iter().all(|&(x, y)| (95..=110).contains(&x) && y < 50));
        assert!(up.iter().any(|&(_, y)| y < 10));
    }

    #[test]
    fn a_fraction_of_a_pixel_moves_the_coverage() {
        let l = line(HPos::Left, FontTransform::None);
        let mut a = Vec::new();
        l.draw("l", (10.0, 10.0), |x, y, c| a.push((x, y, c)))
            .unwrap();
        let mut b = Vec::new();
        l.draw("l", (10.5, 10.0), |x, y, c| b.push((x, y, c)))
            .unwrap();
        assert_ne!(a, b);
        let sum = |v: &[(i32, i32, f32)]| v.iter().map(|p| p.2).sum::<f32>();
        // The same ink, spread differently.
        assert!((sum(&a) - sum(&b)).abs() < 0.5);
    }
}
