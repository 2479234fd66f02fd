//! A drawing area in output pixels: hides the few differences between the bitmap
//! and SVG backends.

use super::rect::Rect;
use super::text::{PlacedText, TextSpec, font};
use crate::charts::{DrawError, style};
use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::prelude::DrawingArea;
use plotters::style::text_anchor::{Pos, VPos};
use plotters::style::{Color, FontTransform, RGBAColor, ShapeStyle, TextStyle};

/// See `Canvas::text_style`.
const SVG_TEXT_FACTOR: f64 = 1.24 / 1.164;

pub(crate) type Drawn = Result<(), DrawError>;

/// A plotters backend whose errors can be kept as the source of a [`DrawError`].
pub(crate) trait Backend: DrawingBackend<ErrorType: 'static> {}

impl<DB: DrawingBackend<ErrorType: 'static>> Backend for DB {}

/// A drawing area plus the factors from output pixels to its coordinates
/// and to its font sizes.
pub(crate) struct Canvas<'a, DB: Backend> {
    pub(crate) area: &'a DrawingArea<DB, Shift>,
    pub(crate) scale: f64,
    /// The raster takes coordinates in fractions of its pixels but fonts in
    /// pixels; the SVG takes both in its units.
    pub(crate) text_scale: f64,
    pub(crate) svg: bool,
}

impl<DB: Backend> Canvas<'_, DB> {
    fn px(&self, v: f64) -> i32 {
        // Clamped so that wild values cannot overflow the backends' i32 arithmetic.
        (v * self.scale).round().clamp(-1e7, 1e7) as i32
    }

    fn pt(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (self.px(x), self.px(y))
    }

    fn draw<E>(&self, element: &E) -> Drawn
    where
        for<'b> &'b E: plotters::element::PointCollection<'b, (i32, i32)>,
        E: plotters::element::Drawable<DB>,
    {
        self.area.draw(element).map_err(DrawError::backend)
    }

    /// Filled rectangle covering exactly [l, r) x [t, b) output pixels (both
    /// backends treat the second corner as exclusive for filled rectangles).
    pub(crate) fn fill_rect(&self, r: Rect, color: RGBAColor) -> Drawn {
        let a = (self.px(r.l), self.px(r.t));
        let b = (self.px(r.r), self.px(r.b));
        if b.0 <= a.0 || b.1 <= a.1 {
            return Ok(());
        }
        self.draw(&Rectangle::new([a, b], color.filled()))
    }

    /// One pixel high line from `l` to `r` (exclusive), below `y`.
    pub(crate) fn hline(&self, y: f64, l: f64, r: f64, color: RGBAColor) -> Drawn {
        self.fill_rect(
            Rect {
                l,
                t: y,
                r,
                b: y + 1.0,
            },
            color,
        )
    }

    /// One pixel wide line from `t` to `b` (exclusive), right of `x`.
    pub(crate) fn vline(&self, x: f64, t: f64, b: f64, color: RGBAColor) -> Drawn {
        self.fill_rect(
            Rect {
                l: x,
                t,
                r: x + 1.0,
                b,
            },
            color,
        )
    }

    /// Solid or dashed polyline.
    pub(crate) fn line(
        &self,
        pts: &[(f64, f64)],
        color: RGBAColor,
        width: f64,
        dashed: bool,
    ) -> Drawn {
        if dashed {
            self.dashed(pts, color, width, 0.0)
        } else {
            self.path(pts, color, width)
        }
    }

    fn path(&self, pts: &[(f64, f64)], color: RGBAColor, width: f64) -> Drawn {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| self.pt(*p)).collect();
        let style = ShapeStyle {
            color,
            filled: false,
            stroke_width: (width * self.scale).round().max(1.0) as u32,
        };
        self.draw(&PathElement::new(pts, style))
    }

    /// A dashed polyline whose dashes fall in the gaps of a dashed line
    /// drawn on the same points before it: the pattern starts with its gap.
    /// A line revealed from under a dashed one would otherwise lay its
    /// dashes exactly over the other's, which then could not be seen at all.
    pub(crate) fn dashed_in_gaps(&self, pts: &[(f64, f64)], color: RGBAColor, width: f64) -> Drawn {
        self.dashed(pts, color, width, style::DASH.0)
    }

    /// Dashes measured along the whole polyline, so the pattern continues across
    /// short segments instead of restarting at each data point; `phase` is how far
    /// into the on+off period the line starts.
    fn dashed(&self, pts: &[(f64, f64)], color: RGBAColor, width: f64, phase: f64) -> Drawn {
        let (on, off) = style::DASH;
        let mut dash: Vec<(f64, f64)> = Vec::new();
        let mut pos = phase; // distance into the current on+off period
        for seg in pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            let len = (b.0 - a.0).hypot(b.1 - a.1);
            let at = |t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            let mut done = 0.0;
            while done < len {
                let drawing = pos < on;
                let room = if drawing { on - pos } else { on + off - pos };
                let step = room.min(len - done);
                if drawing {
                    if dash.is_empty() {
                        dash.push(at(done / len));
                    }
                    dash.push(at((done + step) / len));
                }
                done += step;
                pos += step;
                if pos >= on && !dash.is_empty() {
                    self.path(&dash, color, width)?;
                    dash.clear();
                }
                if pos >= on + off {
                    pos = 0.0;
                }
            }
        }
        if dash.len() >= 2 {
            self.path(&dash, color, width)?;
        }
        Ok(())
    }

    pub(crate) fn polygon(&self, pts: &[(f64, f64)], color: RGBAColor) -> Drawn {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| self.pt(*p)).collect();
        self.draw(&Polygon::new(pts, color.filled()))
    }

    pub(crate) fn dot(&self, c: (f64, f64), radius: f64, color: RGBAColor) -> Drawn {
        let r = (radius * self.scale).round().max(1.0) as u32;
        self.draw(&Circle::new(self.pt(c), r, color.filled()))
    }

    fn text_style<'s>(&self, spec: &'s TextSpec) -> TextStyle<'s> {
        // SVG text gets font-size = size / 1.24, the bitmap an em of size / 1.164
        // (DejaVu's ascent-to-descent): scale SVG text up so both match the layout.
        let size = if self.svg {
            spec.size * SVG_TEXT_FACTOR
        } else {
            spec.size
        };
        let mut f = font(size * self.text_scale, spec.bold);
        if spec.up {
            f = f.transform(FontTransform::Rotate270);
        }
        TextStyle::from(f)
            .color(&spec.color)
            .pos(Pos::new(spec.h, VPos::Top))
    }

    /// Distance from a top-anchored text position to the baseline: the bitmap
    /// font code puts the baseline half a size down, SVG at 0.76 em.
    fn baseline_offset(&self, size: f64) -> f64 {
        if self.svg {
            0.76 * size * SVG_TEXT_FACTOR / 1.24
        } else {
            0.5 * size
        }
    }

    /// A line of text; see [`PlacedText`] for what `x` and `y` are.
    pub(crate) fn text(&self, text: &str, x: f64, y: f64, spec: &TextSpec) -> Drawn {
        // Plotters anchors text at its top (its left when rotated).
        let offset = self.baseline_offset(spec.size);
        let pos = if spec.up {
            (self.px(x - offset), self.px(y))
        } else {
            (self.px(x), self.px(y - offset))
        };
        self.area
            .draw_text(text, &self.text_style(spec), pos)
            .map_err(DrawError::backend)
    }

    pub(crate) fn placed(&self, t: &PlacedText) -> Drawn {
        self.text(&t.text, t.x, t.y, &t.spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::timechart::raster::{Raster, rgb, white_pixmap};
    use plotters::prelude::IntoDrawingArea;
    use plotters::style::RGBColor;

    /// The colours along a horizontal line 120 pixels long at y = 10, drawn
    /// dashed in red, then `over` in blue on the same points.
    fn along(over: impl Fn(&Canvas<Raster>, &[(f64, f64)]) -> Drawn) -> Vec<[u8; 3]> {
        let mut pixmap = white_pixmap(140, 20).expect("pixmap");
        {
            let raster = Raster {
                pixmap: &mut pixmap,
                units: 4,
            };
            let area = raster.into_drawing_area();
            let c = Canvas {
                area: &area,
                scale: 4.0,
                text_scale: 1.0,
                svg: false,
            };
            let pts = [(10.0, 10.5), (130.0, 10.5)];
            c.line(&pts, RGBColor(255, 0, 0).to_rgba(), 2.0, true)
                .unwrap();
            over(&c, &pts).unwrap();
            area.present().unwrap();
        }
        let rgb = rgb(&pixmap);
        (10..130)
            .map(|x| {
                let i = (10 * 140 + x) * 3;
                [rgb[i], rgb[i + 1], rgb[i + 2]]
            })
            .collect()
    }

    fn count(pixels: &[[u8; 3]], colour: [u8; 3]) -> usize {
        pixels.iter().filter(|&&p| p == colour).count()
    }

    #[test]
    fn a_revealed_line_leaves_a_dashed_line_beneath_it_visible() {
        let (red, blue) = ([255, 0, 0], [0, 0, 255]);
        let blue_line = RGBColor(0, 0, 255).to_rgba();
        // The same dashes over the red ones hide them all.
        let same = along(|c, pts| c.line(pts, blue_line, 2.0, true));
        assert_eq!(count(&same, red), 0, "{same:?}");
        // In the gaps: both colours, each over a fair share of the line.
        let gaps = along(|c, pts| c.dashed_in_gaps(pts, blue_line, 2.0));
        let (r, b) = (count(&gaps, red), count(&gaps, blue));
        assert!(r >= 30 && b >= 50, "red {r}, blue {b} of 120");
    }
}
