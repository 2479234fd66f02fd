//! The two outputs of a plan: a PNG drawn supersampled and box-filtered down
//! (plotters' bitmap rasteriser does not anti-alias lines), and an SVG; each
//! file written whole or not at all.

use super::canvas::{Backend, Canvas, Drawn};
use crate::atomic_file::{self, Failed};
use crate::charts::{ChartError, ChartOptions, DrawError, style};
use plotters::backend::DrawingBackend;
use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use std::path::{Path, PathBuf};

/// `stem` + "." + `ext`, keeping any dots already in the stem ("run.v2" -> "run.v2.png").
pub(crate) fn append_extension(stem: &Path, ext: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Writes `plan` to `png` and to `svg` as `options` ask (either, both, or
/// neither), each file whole or not at all.
pub(crate) fn write_png_and_svg<P: Paint>(
    plan: &P,
    png: &Path,
    svg: &Path,
    options: &ChartOptions,
) -> Result<(), ChartError> {
    let scale = options.scale.max(1);
    if options.formats.png() {
        atomic_file::write_with(png, |tmp| render_png(plan, tmp, scale)).map_err(|e| match e {
            Failed::Io(source) => ChartError::io(png, source),
            Failed::Fill(source) => ChartError::draw(png, source),
        })?;
    }
    if options.formats.svg() {
        let doc = render_svg(plan, scale).map_err(|e| ChartError::draw(svg, e))?;
        atomic_file::write(svg, doc).map_err(|e| ChartError::io(svg, e))?;
    }
    Ok(())
}

/// A chart laid out in output pixels, ready to be painted onto either backend.
pub(crate) trait Paint {
    fn paint<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn;
}

/// Draws the chart onto `backend`, which has `scale` pixels per output pixel.
fn draw_on<P: Paint, DB: Backend>(plan: &P, backend: DB, scale: u32, svg: bool) -> Drawn {
    let root = backend.into_drawing_area();
    let canvas = Canvas {
        area: &root,
        scale: f64::from(scale),
        svg,
    };
    plan.paint(&canvas)?;
    root.present().map_err(DrawError::backend)
}

/// Writes the PNG at `tmp` (the encoder picks the format from its extension),
/// `scale` times 1280x720: the canvas maps every layout pixel to `scale`
/// output pixels, so the chart looks the same with more of them.
fn render_png<P: Paint>(plan: &P, tmp: &Path, scale: u32) -> Drawn {
    let s = style::SUPERSAMPLE.max(1);
    let (w, h) = (style::WIDTH * scale, style::HEIGHT * scale);
    let mut big = vec![0u8; (w * s) as usize * (h * s) as usize * 3];
    draw_on(
        plan,
        BitMapBackend::with_buffer(&mut big, (w * s, h * s)),
        s * scale,
        false,
    )?;
    let small = box_filter(&big, w as usize, h as usize, s as usize);
    let mut file = BitMapBackend::new(tmp, (w, h));
    file.blit_bitmap((0, 0), (w, h), &small)
        .map_err(DrawError::backend)?;
    file.present().map_err(DrawError::backend)
}

/// Each output pixel of the `w`x`h` RGB image is the mean of an `s`x`s` block,
/// rounded half up. The sums of one output row are gathered row by row of the
/// big image, which reads it in order (a pixel-by-pixel gather striding across
/// rows was a sixth of a whole run); integer sums, so the bytes do not depend
/// on the order.
fn box_filter(big: &[u8], w: usize, h: usize, s: usize) -> Vec<u8> {
    let big_row = w * s * 3;
    let n = (s * s) as u32;
    let mut out = vec![0u8; w * h * 3];
    if w == 0 || s == 0 {
        return out;
    }
    let mut sums = vec![0u32; w * 3];
    for (out_row, band) in out
        .chunks_exact_mut(w * 3)
        .zip(big.chunks_exact(big_row * s))
    {
        sums.fill(0);
        for src in band.chunks_exact(big_row) {
            for (acc, block) in sums.chunks_exact_mut(3).zip(src.chunks_exact(3 * s)) {
                for px in block.chunks_exact(3) {
                    acc[0] += u32::from(px[0]);
                    acc[1] += u32::from(px[1]);
                    acc[2] += u32::from(px[2]);
                }
            }
        }
        for (o, &sum) in out_row.iter_mut().zip(&sums) {
            *o = ((sum + n / 2) / n) as u8;
        }
    }
    out
}

/// The SVG backend takes whole-number coordinates; drawing in units of a quarter
/// pixel keeps lines smooth. The viewBox maps them back to 1280x720 (times
/// `scale`: the same drawing, shown larger). Returns the document.
fn render_svg<P: Paint>(plan: &P, scale: u32) -> Result<String, DrawError> {
    let s = style::SVG_UNITS_PER_PIXEL.max(1);
    let (w, h) = (style::WIDTH, style::HEIGHT);
    let mut doc = String::new();
    draw_on(
        plan,
        SVGBackend::with_string(&mut doc, (w * s, h * s)),
        s,
        true,
    )?;
    let size = format!("width=\"{}\" height=\"{}\"", w * s, h * s);
    let (sw, sh) = (w * scale, h * scale);
    Ok(doc.replacen(&size, &format!("width=\"{sw}\" height=\"{sh}\""), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_filter_averages_blocks_rounding_half_up() {
        // 2x1 output from a 4x2 input: left block all 10, right block 0, 0, 1, 2.
        let px = |v: u8| [v, v, v];
        let big: Vec<u8> = [10, 10, 0, 0, 10, 10, 1, 2]
            .into_iter()
            .flat_map(px)
            .collect();
        assert_eq!(box_filter(&big, 2, 1, 2), [10, 10, 10, 1, 1, 1]);
    }

    /// The block-by-block mean, pixel by pixel: what `box_filter` must equal.
    fn reference(big: &[u8], w: usize, h: usize, s: usize) -> Vec<u8> {
        let n = (s * s) as u32;
        let mut out = vec![0u8; w * h * 3];
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let mut sum = 0u32;
                    for dy in 0..s {
                        for dx in 0..s {
                            sum += u32::from(big[((y * s + dy) * w * s + x * s + dx) * 3 + c]);
                        }
                    }
                    out[(y * w + x) * 3 + c] = ((sum + n / 2) / n) as u8;
                }
            }
        }
        out
    }

    #[test]
    fn box_filter_equals_the_pixel_by_pixel_mean() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for (w, h, s) in [(1, 1, 1), (7, 5, 2), (13, 4, 3), (32, 9, 4)] {
            let big: Vec<u8> = (0..w * s * h * s * 3)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 56) as u8
                })
                .collect();
            assert_eq!(
                box_filter(&big, w, h, s),
                reference(&big, w, h, s),
                "{w}x{h} s={s}"
            );
        }
    }
}
