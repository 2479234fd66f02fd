//! The two outputs of a plan: a PNG drawn with an antialiasing rasteriser
//! (`raster.rs`), and an SVG; each file written whole or not at all.

use super::canvas::{Backend, Canvas, Drawn};
use super::raster::{Raster, rgb, white_pixmap};
use crate::atomic_file::{self, Failed};
use crate::charts::{ChartError, ChartOptions, DrawError, style};
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use std::io::BufWriter;
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

/// Draws the chart onto `backend`, which has `scale` coordinates and
/// `text_scale` font units per output pixel.
fn draw_on<P: Paint, DB: Backend>(
    plan: &P,
    backend: DB,
    (scale, text_scale): (u32, u32),
    svg: bool,
) -> Drawn {
    let root = backend.into_drawing_area();
    let canvas = Canvas {
        area: &root,
        scale: f64::from(scale),
        text_scale: f64::from(text_scale),
        svg,
    };
    plan.paint(&canvas)?;
    root.present().map_err(DrawError::backend)
}

/// Writes the PNG at `tmp`, `scale` times 1280x720: the canvas maps every
/// layout pixel to `scale` output pixels, so the chart looks the same with
/// more of them.
fn render_png<P: Paint>(plan: &P, tmp: &Path, scale: u32) -> Drawn {
    let units = style::RASTER_UNITS_PER_PIXEL.max(1);
    let (w, h) = (style::WIDTH * scale, style::HEIGHT * scale);
    let mut pixmap = white_pixmap(w, h).map_err(DrawError::backend)?;
    let raster = Raster {
        pixmap: &mut pixmap,
        units,
    };
    draw_on(plan, raster, (units * scale, scale), false)?;
    let file = std::fs::File::create(tmp).map_err(DrawError::backend)?;
    let mut png = png::Encoder::new(BufWriter::new(file), w, h);
    png.set_color(png::ColorType::Rgb);
    png.set_depth(png::BitDepth::Eight);
    // Fast deflate with the Paeth filter on every row: a third fewer
    // instructions than the adaptive filter (one of five per row) that
    // the image crate chose before, for files about 6 % larger.
    png.set_compression(png::Compression::Fast);
    png.set_filter(png::FilterType::Paeth);
    let mut writer = png.write_header().map_err(DrawError::backend)?;
    writer
        .write_image_data(&rgb(&pixmap))
        .map_err(DrawError::backend)?;
    writer.finish().map_err(DrawError::backend)
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
        (s, s),
        true,
    )?;
    let size = format!("width=\"{}\" height=\"{}\"", w * s, h * s);
    let (sw, sh) = (w * scale, h * scale);
    Ok(doc.replacen(&size, &format!("width=\"{sw}\" height=\"{sh}\""), 1))
}
