//! The PNG's drawing surface: a plotters backend over a tiny-skia pixmap,
//! which antialiases lines, paths and fills analytically at the output size
//! (no supersampled picture to filter down). Coordinates are whole numbers
//! in units of a fraction of a pixel, as in the SVG, so that lines keep
//! their sub-pixel positions and do not wobble.

use super::glyphs::Line;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::fmt;
use tiny_skia::{
    Color, FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, PremultipliedColorU8,
    Rect, Stroke, Transform,
};

/// Nothing to draw on: a pixmap of zero or too large a size.
#[derive(Debug)]
pub(crate) struct NoPixmap(u32, u32);

impl fmt::Display for NoPixmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot allocate a {}x{} pixmap", self.0, self.1)
    }
}

impl std::error::Error for NoPixmap {}

/// A white `width`x`height` picture.
pub(crate) fn white_pixmap(width: u32, height: u32) -> Result<Pixmap, NoPixmap> {
    let mut pixmap = Pixmap::new(width, height).ok_or(NoPixmap(width, height))?;
    pixmap.fill(Color::WHITE);
    Ok(pixmap)
}

/// The picture as RGB bytes, row by row. Every pixel is opaque (the picture
/// starts white), so its premultiplied channels are its colour.
pub(crate) fn rgb(pixmap: &Pixmap) -> Vec<u8> {
    let (pixels, _) = pixmap.data().as_chunks::<4>();
    let mut out = vec![0u8; pixels.len() * 3];
    let (outs, _) = out.as_chunks_mut::<3>();
    for (o, p) in outs.iter_mut().zip(pixels) {
        *o = [p[0], p[1], p[2]];
    }
    out
}

/// Draws on a pixmap, taking coordinates in `units` per pixel.
pub(crate) struct Raster<'a> {
    pub(crate) pixmap: &'a mut Pixmap,
    pub(crate) units: u32,
}

impl Raster<'_> {
    fn size(&self) -> (u32, u32) {
        (self.pixmap.width(), self.pixmap.height())
    }

    /// A backend coordinate in pixels.
    fn at(&self, v: i32) -> f32 {
        v as f32 / self.units as f32
    }

    fn point(&self, (x, y): BackendCoord) -> (f32, f32) {
        (self.at(x), self.at(y))
    }

    fn paint(color: BackendColor) -> Paint<'static> {
        let (r, g, b) = color.rgb;
        let mut paint = Paint::default();
        paint.set_color(Color::from_rgba8(r, g, b, alpha(color.alpha)));
        paint.anti_alias = true;
        paint
    }

    /// Lays `color` over one pixel: only text is drawn pixel by pixel, a
    /// glyph's coverage as the colour's opacity.
    fn blend(&mut self, x: i32, y: i32, color: BackendColor) {
        let (w, h) = self.size();
        if x < 0 || y < 0 || x as u32 >= w || y as u32 >= h {
            return;
        }
        let a = u32::from(alpha(color.alpha));
        if a == 0 {
            return;
        }
        let i = y as usize * w as usize + x as usize;
        let dst = self.pixmap.pixels()[i];
        let (r, g, b) = color.rgb;
        let over = |s: u8, d: u8| ((u32::from(s) * a + u32::from(d) * (255 - a) + 127) / 255) as u8;
        let blended = PremultipliedColorU8::from_rgba(
            over(r, dst.red()),
            over(g, dst.green()),
            over(b, dst.blue()),
            255,
        );
        if let Some(p) = blended {
            self.pixmap.pixels_mut()[i] = p;
        }
    }

    fn stroke(&mut self, path: &Path, style: &impl BackendStyle) {
        let stroke = Stroke {
            width: self.at(style.stroke_width().max(1) as i32) + STROKE_WEIGHT,
            line_cap: LineCap::Butt,
            // What the bitmap's segments and joint discs used to draw.
            line_join: LineJoin::Round,
            ..Stroke::default()
        };
        let paint = Raster::paint(style.color());
        self.pixmap
            .stroke_path(path, &paint, &stroke, Transform::identity(), None);
    }

    fn fill(&mut self, path: &Path, color: BackendColor) {
        let paint = Raster::paint(color);
        self.pixmap
            .fill_path(path, &paint, FillRule::EvenOdd, Transform::identity(), None);
    }

    fn polyline(
        &self,
        points: impl IntoIterator<Item = BackendCoord>,
        close: bool,
    ) -> Option<Path> {
        let mut pb = PathBuilder::new();
        for (k, p) in points.into_iter().enumerate() {
            let (x, y) = self.point(p);
            if k == 0 {
                pb.move_to(x, y);
            } else {
                pb.line_to(x, y);
            }
        }
        if close {
            pb.close();
        }
        pb.finish()
    }
}

/// Added to every stroke's width, in pixels: plotters' bitmap rasteriser,
/// which drew the PNG at twice its size before, made each line one of its
/// pixels wider than asked (a 2-pixel line covered 2.5), and the charts'
/// lines keep that weight.
const STROKE_WEIGHT: f32 = 0.5;

/// A colour's opacity as a byte.
fn alpha(a: f64) -> u8 {
    (a.clamp(0.0, 1.0) * 255.0).round() as u8
}

type Drawn = Result<(), DrawingErrorKind<NoPixmap>>;

impl DrawingBackend for Raster<'_> {
    type ErrorType = NoPixmap;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.size();
        (w * self.units, h * self.units)
    }

    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }

    fn present(&mut self) -> Drawn {
        Ok(())
    }

    /// Blends one pixel (in pixels, not units).
    fn draw_pixel(&mut self, (x, y): BackendCoord, color: BackendColor) -> Drawn {
        self.blend(x, y, color);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        if let Some(path) = self.polyline([from, to], false) {
            self.stroke(&path, style);
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        let (l, t) = self.point(upper_left);
        let (r, b) = self.point(bottom_right);
        if fill {
            if let Some(rect) = Rect::from_ltrb(l, t, r, b) {
                let paint = Raster::paint(style.color());
                self.pixmap
                    .fill_rect(rect, &paint, Transform::identity(), None);
            }
        } else if let Some(rect) = Rect::from_ltrb(l, t, r, b) {
            let path = PathBuilder::from_rect(rect);
            self.stroke(&path, style);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        if let Some(path) = self.polyline(path, false) {
            self.stroke(&path, style);
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        let (x, y) = self.point(center);
        if let Some(path) = PathBuilder::from_circle(x, y, self.at(radius as i32)) {
            if fill {
                self.fill(&path, style.color());
            } else {
                self.stroke(&path, style);
            }
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        if let Some(path) = self.polyline(vert, true) {
            self.fill(&path, style.color());
        }
        Ok(())
    }

    /// Text with each glyph at its fractional place (`glyphs.rs`), the
    /// anchor in units and the font in pixels, in the charts' one font.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Drawn {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let line = Line {
            size: style.size() as f32,
            style: style.style(),
            anchor: style.anchor(),
            transform: style.transform(),
        };
        let at = self.point(pos);
        line.draw(text, at, |x, y, coverage| {
            let alpha = color.alpha * f64::from(coverage.clamp(0.0, 1.0));
            self.blend(x, y, BackendColor { alpha, ..color });
        })
        .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{BLACK, Color};

    /// A 20x20 picture with `draw` done on it at 4 units a pixel; returns
    /// the red channel of row `y`.
    fn row(draw: impl FnOnce(&mut Raster), y: usize) -> Vec<u8> {
        let mut pixmap = white_pixmap(20, 20).expect("pixmap");
        draw(&mut Raster {
            pixmap: &mut pixmap,
            units: 4,
        });
        let rgb = rgb(&pixmap);
        (0..20).map(|x| rgb[(y * 20 + x) * 3]).collect()
    }

    #[test]
    fn a_rectangle_on_whole_pixels_has_sharp_edges() {
        let fill = |r: &mut Raster| {
            r.draw_rect((8, 8), (40, 40), &BLACK.filled(), true)
                .unwrap();
        };
        let inside = row(fill, 5);
        assert_eq!(&inside[..2], [255, 255]);
        assert!(inside[2..10].iter().all(|&v| v == 0), "{inside:?}");
        assert!(inside[10..].iter().all(|&v| v == 255), "{inside:?}");
        assert!(row(fill, 10).iter().all(|&v| v == 255));
    }

    #[test]
    fn a_line_between_pixel_rows_is_antialiased() {
        // Two pixels wide (2.5 with `STROKE_WEIGHT`), centred on y = 10.75:
        // rows 10 and 11 wholly covered, row 9 half, row 12 not at all.
        let style = plotters::style::Color::stroke_width(&BLACK, 8);
        let line = |r: &mut Raster| r.draw_line((0, 43), (80, 43), &style).unwrap();
        let column: Vec<u8> = (9..13).map(|y| row(line, y)[10]).collect();
        assert_eq!(&column[1..], [0, 0, 255], "{column:?}");
        assert!(column[0] > 100 && column[0] < 160, "{column:?}");
    }

    #[test]
    fn text_darkens_the_pixels_under_it() {
        let style =
            plotters::style::TextStyle::from(crate::charts::timechart::text::font(16.0, false))
                .color(&BLACK);
        let ink = |r: &mut Raster| r.draw_text("H", &style, (8, 0)).unwrap();
        // Anchored at its top: the baseline is half the size down, at y = 8,
        // and an H has nothing under it.
        let rows: Vec<Vec<u8>> = (0..14).map(|y| row(ink, y)).collect();
        assert!(rows[..8].iter().flatten().any(|&v| v < 64));
        assert!(
            rows[..8].iter().flatten().any(|&v| v > 0 && v < 255),
            "antialiased"
        );
        assert!(rows[9..].iter().flatten().all(|&v| v == 255));
    }
}
