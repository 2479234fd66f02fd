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
pub(crate) fn write_png_and_svg<P: Paint + Sync>(
    plan: &P,
    png: &Path,
    svg: &Path,
    options: &ChartOptions,
) -> Result<(), ChartError> {
    let scale = options.scale.max(1);
    let write_png = || -> Result<(), ChartError> {
        if options.formats.png() {
            atomic_file::write_with(png, |tmp| render_png(plan, tmp, scale)).map_err(
                |e| match e {
                    Failed::Io(source) => ChartError::io(png, source),
                    Failed::Fill(source) => ChartError::draw(png, source),
                },
            )?;
        }
        Ok(())
    };
    let write_svg = || -> Result<(), ChartError> {
        if options.formats.svg() {
            let doc = render_svg(plan, scale).map_err(|e| ChartError::draw(svg, e))?;
            atomic_file::write(svg, doc).map_err(|e| ChartError::io(svg, e))?;
        }
        Ok(())
    };
    // Side by side: a run's charts are drawn in parallel, and the PNG of the
    // busiest chart would otherwise hold up a core while the other idles.
    let (png_written, svg_written) = rayon::join(write_png, write_svg);
    png_written.and(svg_written)
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
    // A constant, for the box filter's sake.
    const S: u32 = if style::SUPERSAMPLE > 1 {
        style::SUPERSAMPLE
    } else {
        1
    };
    let (w, h) = (style::WIDTH * scale, style::HEIGHT * scale);
    let mut big = vec![0u8; (w * S) as usize * (h * S) as usize * 3];
    draw_on(
        plan,
        BitMapBackend::with_buffer(&mut big, (w * S, h * S)),
        S * scale,
        false,
    )?;
    let small = box_filter::<{ S as usize }>(&big, w as usize, h as usize);
    let mut file = BitMapBackend::new(tmp, (w, h));
    file.blit_bitmap((0, 0), (w, h), &small)
        .map_err(DrawError::backend)?;
    file.present().map_err(DrawError::backend)
}

/// Each output pixel of the `w`x`h` RGB image is the mean of an `S`x`S` block,
/// rounded half up. The `S` rows of a band of the big image are first added
/// byte by byte into one row of sums (a plain loop over contiguous memory,
/// which the compiler vectorises), then each output pixel adds its `S`
/// neighbouring sums; `S` is a constant, so the mean is a shift: gathering
/// pixel by pixel, three bytes at a time, was a seventh of the instructions
/// of a whole `flowsim run`. Integer sums, so the bytes do not depend on the
/// order.
fn box_filter<const S: usize>(big: &[u8], w: usize, h: usize) -> Vec<u8> {
    // Sums of S² bytes fit 16 bits, the lane width that vectorises best.
    const { assert!(S >= 1 && S * S * 255 <= u16::MAX as usize) };
    let n = (S * S) as u32;
    let big_row = w * S * 3;
    let mut out = vec![0u8; w * h * 3];
    if w == 0 {
        return out;
    }
    let mut column_sums = vec![0u16; big_row];
    for (out_row, band) in out
        .chunks_exact_mut(w * 3)
        .zip(big.chunks_exact(big_row * S))
    {
        let mut rows = band.chunks_exact(big_row);
        // The first row sets the sums (no pass to zero them), the others add.
        if let Some(first) = rows.next() {
            for (acc, &b) in column_sums.iter_mut().zip(first) {
                *acc = u16::from(b);
            }
        }
        for src in rows {
            for (acc, &b) in column_sums.iter_mut().zip(src) {
                *acc += u16::from(b);
            }
        }
        let (pixels, _) = column_sums.as_chunks::<3>();
        let (outs, _) = out_row.as_chunks_mut::<3>();
        for (o, block) in outs.iter_mut().zip(pixels.chunks_exact(S)) {
            let mut sum = [0u32; 3];
            for px in block {
                for c in 0..3 {
                    sum[c] += u32::from(px[c]);
                }
            }
            for c in 0..3 {
                o[c] = ((sum[c] + n / 2) / n) as u8;
            }
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
        assert_eq!(box_filter::<2>(&big, 2, 1), [10, 10, 10, 1, 1, 1]);
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
        let mut random = |n: usize| -> Vec<u8> {
            (0..n)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 56) as u8
                })
                .collect()
        };
        let size = |w: usize, h: usize, s: usize| w * s * h * s * 3;
        let big = random(size(1, 1, 1));
        assert_eq!(box_filter::<1>(&big, 1, 1), reference(&big, 1, 1, 1));
        let big = random(size(7, 5, 2));
        assert_eq!(box_filter::<2>(&big, 7, 5), reference(&big, 7, 5, 2));
        let big = random(size(13, 4, 3));
        assert_eq!(box_filter::<3>(&big, 13, 4), reference(&big, 13, 4, 3));
        let big = random(size(32, 9, 4));
        assert_eq!(box_filter::<4>(&big, 32, 9), reference(&big, 32, 9, 4));
        // All white: the largest sums.
        let big = vec![255; size(5, 3, 16)];
        assert_eq!(box_filter::<16>(&big, 5, 3), reference(&big, 5, 3, 16));
    }
}
