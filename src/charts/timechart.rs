//! Time-series line charts with an optional secondary axis, limit lines and shaded
//! windows, written as PNG and SVG.
//!
//! Layout, ticks, legend placement and downsampling are computed once (in output
//! pixels) and then drawn twice: onto a supersampled bitmap for the PNG and onto an
//! SVG document. Axes are drawn by hand rather than with plotters' mesh so that both
//! y axes share grid lines, counts get whole-number ticks and log axes get ticks on
//! 1-2-5 multiples or decades.

use super::ChartError;
use super::style::{self, FONT};
use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::prelude::{BitMapBackend, DrawingArea, IntoDrawingArea, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{
    Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBAColor, RGBColor, ShapeStyle,
    TextStyle,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One line on the chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub label: String,
    /// (x, y) in drawing order; points with a non-finite coordinate leave a gap.
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
    /// Index into [`style::PALETTE`] (taken modulo its length); `None` = next unused.
    pub color: Option<usize>,
    /// Shade the area between the line and zero.
    pub fill: bool,
}

impl Series {
    /// A solid, unfilled line in the next palette colour.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            ..Series::default()
        }
    }
}

/// Horizontal dashed line on the primary axis, labelled at its right end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limit {
    pub label: String,
    pub value: f64,
}

/// Shaded vertical band between two x values, labelled at the top.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    pub label: String,
    pub from_x: f64,
    pub to_x: f64,
}

/// A chart of y over simulated time; see [`TimeChart::write`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeChart {
    pub title: String,
    /// Small line under the title (e.g. scenario file and seed).
    pub subtitle: Option<String>,
    pub x_label: String,
    /// Primary (left) axis label, with unit.
    pub y_label: String,
    /// Drawn against the primary axis.
    pub series: Vec<Series>,
    /// Secondary (right) axis label; the axis is shown if this is set or `series2`
    /// is not empty.
    pub y2_label: Option<String>,
    /// Drawn against the secondary axis.
    pub series2: Vec<Series>,
    pub limits: Vec<Limit>,
    pub windows: Vec<Window>,
    /// Logarithmic primary axis; values <= 0 then leave gaps.
    pub y_log: bool,
}

impl TimeChart {
    /// Writes `<stem>.png` (1280x720) and `<stem>.svg`; each file is written whole or
    /// not at all (rendered to a temporary file in the same directory, then renamed).
    /// Returns the two paths, PNG first.
    pub fn write(&self, stem: &Path) -> Result<[PathBuf; 2], ChartError> {
        style::register_fonts();
        let png = append_extension(stem, "png");
        let svg = append_extension(stem, "svg");
        let plan = Plan::new(self).map_err(|message| draw_error(&png, message))?;
        write_whole(&png, |tmp| render_png(&plan, tmp))?;
        write_whole(&svg, |tmp| render_svg(&plan, tmp))?;
        Ok([png, svg])
    }
}

// ---------------------------------------------------------------------------
// Output files

/// `stem` + "." + `ext`, keeping any dots already in the stem ("run.v2" -> "run.v2.png").
fn append_extension(stem: &Path, ext: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn draw_error(path: &Path, message: String) -> ChartError {
    ChartError::Draw {
        path: path.display().to_string(),
        message,
    }
}

/// Failure inside rendering: drawing problems are messages, file problems keep the
/// io::Error.
enum RenderError {
    Draw(String),
    Io(std::io::Error),
}

impl From<String> for RenderError {
    fn from(message: String) -> Self {
        RenderError::Draw(message)
    }
}

/// Renders into a temporary sibling of `path` (same extension, since the PNG encoder
/// picks the format from it) and renames it into place, so readers never see a
/// half-written chart.
fn write_whole(
    path: &Path,
    render: impl FnOnce(&Path) -> Result<(), RenderError>,
) -> Result<(), ChartError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}-{unique}.tmp.{ext}", std::process::id()));
    // Creating the file first reports an unwritable directory as an io::Error
    // (the PNG encoder would bury it in a message).
    let result = std::fs::File::create(&tmp)
        .map_err(RenderError::Io)
        .and_then(|_| render(&tmp))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(RenderError::Io));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        match e {
            RenderError::Draw(message) => draw_error(path, message),
            RenderError::Io(source) => ChartError::Io {
                path: path.display().to_string(),
                source,
            },
        }
    })
}

fn render_png(plan: &Plan, tmp: &Path) -> Result<(), RenderError> {
    let s = style::SUPERSAMPLE.max(1);
    let (w, h) = (style::WIDTH, style::HEIGHT);
    let mut big = vec![0u8; (w * s) as usize * (h * s) as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut big, (w * s, h * s)).into_drawing_area();
        let canvas = Canvas {
            area: &root,
            scale: f64::from(s),
            svg: false,
        };
        draw_chart(plan, &canvas)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let small = downsample_rgb(&big, w as usize, h as usize, s as usize);
    let mut file = BitMapBackend::new(tmp, (w, h));
    file.blit_bitmap((0, 0), (w, h), &small)
        .map_err(|e| e.to_string())?;
    file.present().map_err(|e| e.to_string())?;
    Ok(())
}

/// Box filter: each output pixel is the mean of an `s`x`s` block.
fn downsample_rgb(big: &[u8], w: usize, h: usize, s: usize) -> Vec<u8> {
    let big_w = w * s;
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..s {
                    let row = (y * s + dy) * big_w;
                    for dx in 0..s {
                        sum += u32::from(big[(row + x * s + dx) * 3 + c]);
                    }
                }
                let n = (s * s) as u32;
                out[(y * w + x) * 3 + c] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// The SVG backend takes whole-number coordinates; drawing in units of a quarter
/// pixel keeps lines smooth. The viewBox maps them back to 1280x720.
fn render_svg(plan: &Plan, tmp: &Path) -> Result<(), RenderError> {
    let s = style::SVG_UNITS_PER_PIXEL.max(1);
    let (w, h) = (style::WIDTH, style::HEIGHT);
    let mut doc = String::new();
    {
        let root = SVGBackend::with_string(&mut doc, (w * s, h * s)).into_drawing_area();
        let canvas = Canvas {
            area: &root,
            scale: f64::from(s),
            svg: true,
        };
        draw_chart(plan, &canvas)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let size = format!("width=\"{}\" height=\"{}\"", w * s, h * s);
    let doc = doc.replacen(&size, &format!("width=\"{w}\" height=\"{h}\""), 1);
    std::fs::write(tmp, doc).map_err(RenderError::Io)
}

// ---------------------------------------------------------------------------
// Geometry and text metrics (all in output pixels, y down)

/// Fractions of the plotters font size (ascent to descent of DejaVu Sans).
const CAP_HEIGHT: f64 = 0.63;
/// See `Canvas::text_style`.
const SVG_TEXT_FACTOR: f64 = 1.24 / 1.164;
const DESCENT: f64 = 0.21;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    l: f64,
    t: f64,
    r: f64,
    b: f64,
}

/// Rectangle from its left, top, right and bottom edges.
const fn rect(l: f64, t: f64, r: f64, b: f64) -> Rect {
    Rect { l, t, r, b }
}

impl Rect {
    fn width(&self) -> f64 {
        self.r - self.l
    }
    fn height(&self) -> f64 {
        self.b - self.t
    }
    fn overlaps(&self, o: &Rect) -> bool {
        self.l < o.r && o.l < self.r && self.t < o.b && o.t < self.b
    }
}

fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let weight = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FONT), size, weight)
}

/// Advance width of `text` in output pixels (measured large: the font reports
/// whole pixels).
fn text_width(text: &str, size: f64, bold: bool) -> Result<f64, String> {
    const ZOOM: f64 = 8.0;
    let (w, _) = font(size * ZOOM, bold)
        .box_size(text)
        .map_err(|e| format!("font: {e}"))?;
    Ok(f64::from(w) / ZOOM)
}

/// Box around a single line of text whose baseline starts at (`x`, `base`), after
/// horizontal alignment.
fn text_box(x: f64, base: f64, width: f64, size: f64, h: HPos) -> Rect {
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

// ---------------------------------------------------------------------------
// Axes

const NICE_MANTISSAS: [f64; 4] = [1.0, 2.0, 2.5, 5.0];
/// Above this |k| tick indices lose integer precision in f64.
const MAX_TICK_INDEX: f64 = 1e15;

#[derive(Debug, Clone, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    /// Labelled ticks with their labels.
    ticks: Vec<(f64, String)>,
    /// Unlabelled fainter grid lines (log axes only).
    minor: Vec<f64>,
}

impl Axis {
    /// Position of `v` along the axis, 0 at `lo` and 1 at `hi`; `None` where the
    /// value cannot be shown (non-finite, or <= 0 on a log axis).
    fn frac(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            if v <= 0.0 {
                return None;
            }
            let (lo, hi) = (self.lo.log10(), self.hi.log10());
            Some((v.log10() - lo) / (hi - lo))
        } else {
            Some((v - self.lo) / (self.hi - self.lo))
        }
    }

    /// Number of equal intervals between labelled ticks spanning the whole axis, if
    /// the ticks are laid out that way (so a second axis can share the grid).
    fn even_intervals(&self) -> Option<usize> {
        let n = self.ticks.len().checked_sub(1).filter(|n| *n >= 1)?;
        let even = self.ticks.iter().enumerate().all(|(i, (v, _))| {
            self.frac(*v)
                .is_some_and(|f| (f - i as f64 / n as f64).abs() < 1e-9)
        });
        even.then_some(n)
    }
}

/// A "nice" step (1, 2, 2.5 or 5 times a power of ten; a whole number if
/// `whole`) and tick indices `k0..=k1` such that `k0*step <= lo`, `k1*step >= hi`
/// and `k1 - k0 <= max_intervals`, choosing the smallest such step.
fn nice_step(lo: f64, hi: f64, max_intervals: usize, whole: bool) -> Option<(f64, f64, f64)> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) || max_intervals == 0 {
        return None;
    }
    let mut first_exp = (span / max_intervals as f64).log10().floor() as i32 - 1;
    if whole {
        first_exp = first_exp.max(0);
    }
    for exp in first_exp..first_exp + 4 {
        for m in NICE_MANTISSAS {
            let step = m * 10f64.powi(exp);
            let bad = !(step.is_finite() && step > 0.0) || (whole && step.fract() != 0.0);
            if bad {
                continue;
            }
            let k0 = (lo / step + 1e-9).floor();
            let k1 = (hi / step - 1e-9).ceil();
            if k0.abs() > MAX_TICK_INDEX || k1.abs() > MAX_TICK_INDEX {
                continue;
            }
            if k1 - k0 <= max_intervals as f64 {
                return Some((step, k0, k1.max(k0 + 1.0)));
            }
        }
    }
    None
}

/// Data extent of a value axis: includes zero, plus ~10% headroom on the data side.
fn padded_extent(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let span = hi - lo;
    if span == 0.0 {
        return (0.0, 1.0);
    }
    let hi = if hi > 0.0 { hi + 0.1 * span } else { hi };
    let lo = if lo < 0.0 { lo - 0.1 * span } else { lo };
    (lo, hi)
}

fn too_large() -> String {
    "value range too large to plot".to_string()
}

/// Counts (all values whole) get whole-number ticks: no "2.5 workers".
fn all_whole(values: &[f64]) -> bool {
    values.iter().all(|v| v.fract() == 0.0)
}

fn linear_axis(values: &[f64], max_intervals: usize) -> Result<Axis, String> {
    let (lo, hi) = padded_extent(values);
    let (step, k0, k1) =
        nice_step(lo, hi, max_intervals, all_whole(values)).ok_or_else(too_large)?;
    Ok(axis_from_steps(step, k0, k1))
}

/// Linear axis with exactly `intervals` steps, so its ticks fall on the grid lines
/// of a primary axis with that many intervals.
fn aligned_axis(values: &[f64], intervals: usize) -> Result<Axis, String> {
    let (lo, hi) = padded_extent(values);
    let (step, k0, _) = nice_step(lo, hi, intervals, all_whole(values)).ok_or_else(too_large)?;
    Ok(axis_from_steps(step, k0, k0 + intervals as f64))
}

fn axis_from_steps(step: f64, k0: f64, k1: f64) -> Axis {
    let ticks = (0..=(k1 - k0) as usize)
        .map(|i| {
            let v = (k0 + i as f64) * step;
            (v, format_si(v, step))
        })
        .collect();
    Axis {
        lo: k0 * step,
        hi: k1 * step,
        log: false,
        ticks,
        minor: Vec::new(),
    }
}

/// Log axis from below the smallest to above the largest positive value (with
/// 25% headroom). Over a few decades ticks fall on 1, 2 and 5 times powers of ten,
/// over more on whole decades; the other multiples get faint grid lines.
fn log_axis(values: &[f64], max_intervals: usize) -> Result<Axis, String> {
    let positive = values.iter().copied().filter(|v| *v > 0.0);
    let lo = positive.clone().fold(f64::INFINITY, f64::min);
    let hi = positive.fold(0.0, f64::max);
    let (lo, hi) = if hi > 0.0 { (lo, hi) } else { (1.0, 8.0) };
    // Headroom is added in log space: `hi * 1.25` could overflow.
    let (e0, e1) = (lo.log10().floor(), (hi.log10() + 1.25f64.log10()).ceil());
    if !(-300.0..=300.0).contains(&e0) || !(-300.0..=300.0).contains(&e1) {
        return Err(too_large());
    }
    let (e0, e1) = (e0 as i32, e1 as i32);
    let multiples =
        |ms: &'static [f64]| (e0..=e1).flat_map(move |e| ms.iter().map(move |m| m * 10f64.powi(e)));
    if e1 - e0 <= 3 {
        let nice: Vec<f64> = multiples(&[1.0, 2.0, 5.0]).collect();
        let bottom = nice
            .iter()
            .copied()
            .filter(|v| *v <= lo)
            .fold(nice[0], f64::max);
        let top = nice.iter().copied().find(|v| *v >= hi * 1.25).unwrap_or(hi);
        let inside = |v: &f64| *v >= bottom && *v <= top;
        let ticks = nice
            .iter()
            .filter(|v| inside(v))
            .map(|v| (*v, format_si(*v, *v)));
        let minor = multiples(&[3.0, 4.0, 6.0, 7.0, 8.0, 9.0]).filter(inside);
        return Ok(Axis {
            lo: bottom,
            hi: top,
            log: true,
            ticks: ticks.collect(),
            minor: minor.collect(),
        });
    }
    let decades = (e1 - e0) as usize;
    let every = decades.div_ceil(max_intervals.max(1));
    let e1 = e0 + (decades.div_ceil(every) * every) as i32;
    let ticks = (e0..=e1)
        .step_by(every)
        .map(|e| 10f64.powi(e))
        .map(|v| (v, format_si(v, v)))
        .collect();
    let minor = if every == 1 && decades <= 6 {
        multiples(&[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
            .filter(|v| *v < 10f64.powi(e1))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Axis {
        lo: 10f64.powi(e0),
        hi: 10f64.powi(e1),
        log: true,
        ticks,
        minor,
    })
}

/// Time axis over exactly [lo, hi], ticks at multiples of a nice step, as many as
/// fit with `MIN_GAP` pixels between labels over `width` pixels. Labels are plain
/// numbers (seconds) unless they would be very long or tiny.
fn time_axis(lo: f64, hi: f64, width: f64) -> Result<Axis, String> {
    const MIN_GAP: f64 = 36.0;
    let span = hi - lo;
    let mut max_intervals = 16usize;
    while max_intervals > 1 {
        let (step, k0, k1) = nice_step(lo, hi, max_intervals, false).ok_or_else(too_large)?;
        let plain = lo.abs().max(hi.abs()) < 1e6 && step >= 1e-4;
        let ticks: Vec<(f64, String)> = (k0 as i64..=k1 as i64)
            .map(|k| k as f64 * step)
            .filter(|v| *v >= lo - span * 1e-9 && *v <= hi + span * 1e-9)
            .map(|v| {
                let label = if plain {
                    format_plain(v, step)
                } else {
                    format_si(v, step)
                };
                (v, label)
            })
            .collect();
        let axis = Axis {
            lo,
            hi,
            log: false,
            ticks,
            minor: Vec::new(),
        };
        if step / span * width >= widest_label(&axis)? + MIN_GAP {
            return Ok(axis);
        }
        max_intervals -= 1;
    }
    Ok(Axis {
        lo,
        hi,
        log: false,
        ticks: vec![(lo, format_si(lo, span)), (hi, format_si(hi, span))],
        minor: Vec::new(),
    })
}

/// Decimals needed to show multiples of `step` exactly (at most 6).
fn decimals(step: f64) -> usize {
    (0..6)
        .find(|d| {
            let s = step * 10f64.powi(*d as i32);
            (s - s.round()).abs() < 1e-6 * s.abs().max(1.0)
        })
        .unwrap_or(6)
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Plain number with as many decimals as `step` needs ("0", "2.5", "1200").
fn format_plain(v: f64, step: f64) -> String {
    if v.abs() < step.abs() * 1e-9 {
        return "0".to_string();
    }
    trim_zeros(format!("{v:.*}", decimals(step)))
}

/// Number with an SI suffix chosen per label ("500", "1.5k", "2M"); scientific
/// notation from 1e21 and below 1e-4.
fn format_si(v: f64, step: f64) -> String {
    const UNITS: [(f64, &str); 6] = [
        (1e18, "E"),
        (1e15, "P"),
        (1e12, "T"),
        (1e9, "G"),
        (1e6, "M"),
        (1e3, "k"),
    ];
    let a = v.abs();
    if a < step.abs() * 1e-9 || a == 0.0 {
        return "0".to_string();
    }
    if !(1e-4..1e21).contains(&a) {
        let mantissa_step = step / 10f64.powi(a.log10().floor() as i32);
        let s = format!("{v:.*e}", decimals(mantissa_step).min(3));
        return match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim_zeros(m.to_string())),
            None => s,
        };
    }
    let (unit, suffix) = UNITS
        .iter()
        .copied()
        .find(|(u, _)| a >= *u)
        .unwrap_or((1.0, ""));
    let digits = trim_zeros(format!("{:.*}", decimals(step / unit), v / unit));
    format!("{digits}{suffix}")
}

// ---------------------------------------------------------------------------
// The plan: everything positioned in output pixels

/// A series ready to draw: pixel polylines (already downsampled) and its style.
struct PlotLine {
    label: String,
    color: RGBColor,
    dashed: bool,
    fill: bool,
    /// Pixel y of the fill's base (zero, or the axis bottom).
    fill_base: f64,
    polylines: Vec<Vec<(f64, f64)>>,
}

/// A line of text; `x`, `y` are the baseline start for horizontal text and the
/// baseline x and centre y for text reading upwards.
struct PlacedText {
    text: String,
    x: f64,
    y: f64,
    spec: TextSpec,
    up: bool,
}

/// A label inside the plot (limit or window), kept clear of other labels.
struct Annotation {
    text: PlacedText,
    /// Draw a translucent white box behind the text (labels over data).
    halo: bool,
    bbox: Rect,
}

enum Swatch {
    Line {
        color: RGBColor,
        dashed: bool,
        fill: bool,
    },
    Limit,
    Window,
}

struct Legend {
    rect: Rect,
    entries: Vec<(Swatch, String)>,
}

struct Plan {
    plot: Rect,
    x: Axis,
    y: Axis,
    y2: Option<Axis>,
    /// Secondary lines first: primary data is drawn on top.
    lines: Vec<PlotLine>,
    /// Pixel y of each limit line.
    limit_ys: Vec<f64>,
    /// Pixel x range of each window band.
    bands: Vec<(f64, f64)>,
    annotations: Vec<Annotation>,
    legend: Option<Legend>,
    /// Titles, axis labels and the "no data" note.
    texts: Vec<PlacedText>,
}

const TICK_LEN: f64 = 6.0;
const TICK_GAP: f64 = 5.0;
const AXIS_LABEL_GAP: f64 = 14.0;
const HEADER_GAP: f64 = 22.0;
const LEGEND_PAD: f64 = 10.0;
const LEGEND_SWATCH: f64 = 30.0;
const LEGEND_ROW: f64 = 22.0;
const LEGEND_INSET: f64 = 12.0;
const HALO_PAD: f64 = 3.0;
/// Smallest factor by which too long titles and labels are shrunk before being cut.
const MIN_SHRINK: f64 = 0.75;

/// The chart's input without what cannot be drawn: series split into runs of
/// finite points, limits and windows with NaN dropped.
struct Clean<'a> {
    seg1: Vec<Vec<Vec<(f64, f64)>>>,
    seg2: Vec<Vec<Vec<(f64, f64)>>>,
    limits: Vec<&'a Limit>,
    windows: Vec<&'a Window>,
}

impl<'a> Clean<'a> {
    fn new(chart: &'a TimeChart) -> Clean<'a> {
        let split = |series: &[Series], log: bool| -> Vec<_> {
            series.iter().map(|s| segments(&s.points, log)).collect()
        };
        Clean {
            seg1: split(&chart.series, chart.y_log),
            seg2: split(&chart.series2, false),
            limits: chart
                .limits
                .iter()
                .filter(|l| l.value.is_finite() && (!chart.y_log || l.value > 0.0))
                .collect(),
            windows: chart
                .windows
                .iter()
                .filter(|w| !w.from_x.is_nan() && !w.to_x.is_nan())
                .collect(),
        }
    }

    fn y_values(&self) -> Vec<f64> {
        let data = self.seg1.iter().flatten().flatten().map(|p| p.1);
        data.chain(self.limits.iter().map(|l| l.value)).collect()
    }

    fn y2_values(&self) -> Vec<f64> {
        self.seg2.iter().flatten().flatten().map(|p| p.1).collect()
    }

    fn x_values(&self) -> impl Iterator<Item = f64> + '_ {
        let data = self.seg1.iter().chain(&self.seg2).flatten().flatten();
        let windows = self.windows.iter().flat_map(|w| [w.from_x, w.to_x]);
        data.map(|p| p.0).chain(windows.filter(|v| v.is_finite()))
    }

    fn no_data(&self) -> bool {
        self.seg1.iter().chain(&self.seg2).all(|s| s.is_empty())
    }
}

/// Finite points of a series split at non-finite ones (and at values a log axis
/// cannot show).
fn segments(points: &[(f64, f64)], log: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for &(x, y) in points {
        let ok = x.is_finite() && y.is_finite() && (!log || y > 0.0);
        match out.last_mut() {
            Some(last) if ok => last.push((x, y)),
            Some(last) if !last.is_empty() => out.push(Vec::new()),
            _ => {}
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Palette colours: explicit indices as given, the rest in order skipping colours
/// already claimed explicitly.
fn assign_colors(all: &[&Series]) -> Vec<RGBColor> {
    let n = style::PALETTE.len();
    let taken: Vec<usize> = all.iter().filter_map(|s| s.color.map(|c| c % n)).collect();
    let mut free = (0..n).filter(|i| !taken.contains(i)).collect::<Vec<_>>();
    if free.is_empty() {
        free = (0..n).collect();
    }
    let mut next = 0;
    all.iter()
        .map(|s| {
            let i = s.color.map(|c| c % n).unwrap_or_else(|| {
                let i = free[next % free.len()];
                next += 1;
                i
            });
            style::PALETTE[i]
        })
        .collect()
}

/// Keeps the first, last, lowest and highest point of every pixel column (M4),
/// which draws the same picture as all points when x is non-decreasing.
fn downsample(points: Vec<(f64, f64)>, max_points: usize) -> Vec<(f64, f64)> {
    let monotone = points.windows(2).all(|w| w[0].0 <= w[1].0);
    if points.len() <= max_points || !monotone {
        return points;
    }
    let mut keep = Vec::with_capacity(max_points);
    let mut start = 0;
    while start < points.len() {
        let column = points[start].0.floor();
        let mut end = start;
        let (mut lo, mut hi) = (start, start);
        while end < points.len() && points[end].0.floor() == column {
            if points[end].1 < points[lo].1 {
                lo = end;
            }
            if points[end].1 > points[hi].1 {
                hi = end;
            }
            end += 1;
        }
        let mut idx = [start, lo, hi, end - 1];
        idx.sort_unstable();
        keep.extend(
            idx.iter()
                .enumerate()
                .filter_map(|(i, &k)| (i == 0 || idx[i - 1] != k).then_some(points[k])),
        );
        start = end;
    }
    keep
}

/// `text` at `size`, shrunk (down to `MIN_SHRINK`) and then cut until it is at
/// most `max_w` pixels wide.
fn fit_text(text: &str, size: f64, bold: bool, max_w: f64) -> Result<(String, f64), String> {
    let w = text_width(text, size, bold)?;
    if w <= max_w {
        return Ok((text.to_string(), size));
    }
    let size = (size * max_w / w).max(size * MIN_SHRINK);
    Ok((cut_text(text, size, bold, max_w)?, size))
}

/// `text` cut with an ellipsis until it is at most `max_w` pixels wide.
fn cut_text(text: &str, size: f64, bold: bool, max_w: f64) -> Result<String, String> {
    let mut chars: Vec<char> = text.chars().collect();
    let mut fitted = text.to_string();
    while !chars.is_empty() && text_width(&fitted, size, bold)? > max_w {
        chars.pop();
        fitted = chars.iter().collect::<String>().trim_end().to_string() + "…";
    }
    Ok(fitted)
}

fn widest_label(axis: &Axis) -> Result<f64, String> {
    axis.ticks
        .iter()
        .map(|(_, l)| text_width(l, style::TICK_SIZE, false))
        .try_fold(0.0, |a: f64, w| w.map(|w| a.max(w)))
}

/// Maps data to pixels inside the plot rectangle.
struct Mapper<'a> {
    plot: Rect,
    x: &'a Axis,
}

impl Mapper<'_> {
    fn point(&self, y: &Axis, (vx, vy): (f64, f64)) -> Option<(f64, f64)> {
        // Data lies within the axes by construction; the clamp only guards against
        // rounding ever drawing outside the plot.
        let fx = self.x.frac(vx)?.clamp(-0.01, 1.01);
        let fy = y.frac(vy)?.clamp(-0.01, 1.01);
        Some((
            self.plot.l + fx * self.plot.width(),
            self.plot.b - fy * self.plot.height(),
        ))
    }

    /// Pixel y where a filled area ends: zero, or the nearest edge of the plot.
    fn base(&self, y: &Axis) -> f64 {
        let f = y.frac(0.0).unwrap_or(0.0).clamp(0.0, 1.0);
        self.plot.b - f * self.plot.height()
    }

    /// Pixel x range of a window; infinite bounds run to the plot's edge.
    fn band(&self, w: &Window) -> Option<(f64, f64)> {
        let (a, b) = (w.from_x.min(w.to_x), w.from_x.max(w.to_x));
        let fa = self.x.frac(a.max(self.x.lo))?.clamp(0.0, 1.0);
        let fb = self.x.frac(b.min(self.x.hi))?.clamp(0.0, 1.0);
        let width = self.plot.width();
        Some((self.plot.l + fa * width, self.plot.l + fb * width))
    }
}

impl Plan {
    fn new(chart: &TimeChart) -> Result<Plan, String> {
        let data = Clean::new(chart);
        let mut texts = Vec::new();
        let plot_t = header(chart, &mut texts)? + HEADER_GAP;
        let h = f64::from(style::HEIGHT);
        let x_label_base = h - style::PAD - DESCENT * style::AXIS_LABEL_SIZE;
        let plot_b = x_label_base
            - CAP_HEIGHT * style::AXIS_LABEL_SIZE
            - AXIS_LABEL_GAP
            - (DESCENT + CAP_HEIGHT) * style::TICK_SIZE
            - TICK_LEN
            - TICK_GAP;
        let (y, y2) = value_axes(chart, &data, plot_b - plot_t)?;
        let plot = plot_rect(plot_t, plot_b, &y, y2.as_ref())?;
        axis_titles(chart, &plot, x_label_base, &mut texts)?;
        if data.no_data() {
            let spec = TextSpec::new(style::AXIS_LABEL_SIZE, style::TEXT_MUTED).align(HPos::Center);
            let (x, y) = ((plot.l + plot.r) / 2.0, (plot.t + plot.b) / 2.0);
            let text = "no data".to_string();
            texts.push(PlacedText {
                text,
                x,
                y,
                spec,
                up: false,
            });
        }

        let x = x_axis(&data, plot.width())?;
        let map = Mapper { plot, x: &x };
        let lines = plot_lines(chart, &data, &map, &y, y2.as_ref());
        let limits: Vec<(&Limit, f64)> = data
            .limits
            .iter()
            .filter_map(|l| Some((*l, map.point(&y, (x.lo, l.value))?.1)))
            .collect();
        let windows: Vec<_> = data
            .windows
            .iter()
            .filter_map(|w| Some((*w, map.band(w)?)))
            .collect();
        let mut annotations = Vec::new();
        for (win, (a, b)) in &windows {
            place_window_label(&mut annotations, &win.label, (*a + *b) / 2.0, &plot)?;
        }
        for (limit, ly) in &limits {
            place_limit_label(&mut annotations, &limit.label, *ly, &plot)?;
        }
        let limit_ys: Vec<f64> = limits.iter().map(|(_, ly)| *ly).collect();
        let entries = legend_entries(chart, &data, &lines);
        let legend = legend(entries, &plot, &lines, &limit_ys, &annotations)?;
        Ok(Plan {
            plot,
            y,
            y2,
            lines,
            limit_ys,
            bands: windows.iter().map(|(_, b)| *b).collect(),
            annotations,
            legend,
            texts,
            x,
        })
    }
}

/// Places title and subtitle; returns the y where the header ends.
fn header(chart: &TimeChart, texts: &mut Vec<PlacedText>) -> Result<f64, String> {
    let max_w = f64::from(style::WIDTH) - 2.0 * style::PAD;
    let base = style::PAD + CAP_HEIGHT * style::TITLE_SIZE;
    let (text, size) = fit_text(&chart.title, style::TITLE_SIZE, true, max_w)?;
    let spec = TextSpec::new(size, style::TEXT).bold();
    texts.push(PlacedText {
        text,
        x: style::PAD,
        y: base,
        spec,
        up: false,
    });
    let mut bottom = base + DESCENT * style::TITLE_SIZE;
    if let Some(sub) = &chart.subtitle {
        let base = bottom + 10.0 + CAP_HEIGHT * style::SUBTITLE_SIZE;
        let (text, size) = fit_text(sub, style::SUBTITLE_SIZE, false, max_w)?;
        let spec = TextSpec::new(size, style::TEXT_MUTED);
        texts.push(PlacedText {
            text,
            x: style::PAD,
            y: base,
            spec,
            up: false,
        });
        bottom = base + DESCENT * style::SUBTITLE_SIZE;
    }
    Ok(bottom)
}

/// Primary and (if wanted) secondary value axes; the secondary one shares the
/// primary's grid lines when the primary's ticks are evenly spaced.
fn value_axes(
    chart: &TimeChart,
    data: &Clean,
    height: f64,
) -> Result<(Axis, Option<Axis>), String> {
    let max_intervals = ((height / 60.0) as usize).clamp(2, 10);
    let y_values = data.y_values();
    let y = if chart.y_log {
        log_axis(&y_values, max_intervals)?
    } else {
        linear_axis(&y_values, max_intervals)?
    };
    if chart.y2_label.is_none() && chart.series2.is_empty() {
        return Ok((y, None));
    }
    let y2_values = data.y2_values();
    let y2 = match y.even_intervals() {
        Some(n) if n >= 3 => aligned_axis(&y2_values, n)?,
        _ => linear_axis(&y2_values, max_intervals)?,
    };
    Ok((y, Some(y2)))
}

/// The plot rectangle: what is left after rotated axis titles and tick labels.
fn plot_rect(t: f64, b: f64, y: &Axis, y2: Option<&Axis>) -> Result<Rect, String> {
    let w = f64::from(style::WIDTH);
    let title_band = (CAP_HEIGHT + DESCENT) * style::AXIS_LABEL_SIZE + AXIS_LABEL_GAP;
    let l = style::PAD + title_band + widest_label(y)? + TICK_LEN + TICK_GAP;
    let r = match y2 {
        Some(a) => w - style::PAD - title_band - widest_label(a)? - TICK_LEN - TICK_GAP,
        // Room for half of a tick label centred on the right end.
        None => w - style::PAD - 8.0,
    };
    Ok(rect(l.round(), t.round(), r.round(), b.round()))
}

fn axis_titles(
    chart: &TimeChart,
    plot: &Rect,
    x_base: f64,
    texts: &mut Vec<PlacedText>,
) -> Result<(), String> {
    let size = style::AXIS_LABEL_SIZE;
    let place = |text: &str, max_w: f64, x: f64, y: f64, up: bool| {
        fit_text(text, size, false, max_w).map(|(text, size)| {
            let spec = TextSpec::new(size, style::TEXT).align(HPos::Center);
            PlacedText {
                text,
                x,
                y,
                spec,
                up,
            }
        })
    };
    let mid_x = (plot.l + plot.r) / 2.0;
    let mid_y = (plot.t + plot.b) / 2.0;
    let max_up = plot.height() + HEADER_GAP;
    texts.push(place(&chart.x_label, plot.width(), mid_x, x_base, false)?);
    let left_base = style::PAD + CAP_HEIGHT * size;
    texts.push(place(&chart.y_label, max_up, left_base, mid_y, true)?);
    let has_y2 = chart.y2_label.is_some() || !chart.series2.is_empty();
    if let (true, Some(label)) = (has_y2, &chart.y2_label) {
        let right_base = f64::from(style::WIDTH) - style::PAD - DESCENT * size;
        texts.push(place(label, max_up, right_base, mid_y, true)?);
    }
    Ok(())
}

/// x spans the data and the windows; it starts at 0 when the data starts close
/// to it (simulations begin at t = 0 even if the first sample comes later).
fn x_axis(data: &Clean, width: f64) -> Result<Axis, String> {
    let (mut lo, mut hi) = data
        .x_values()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if hi == lo {
        // A single instant: centre it, without going negative for t >= 0.
        let pad = (lo.abs() * 0.1).max(1.0);
        (lo, hi) = if lo >= 0.0 && lo < pad {
            (0.0, lo + pad)
        } else {
            (lo - pad, hi + pad)
        };
    }
    if lo > 0.0 && lo < 0.05 * (hi - lo) {
        lo = 0.0;
    }
    if !(hi - lo).is_finite() {
        return Err(too_large());
    }
    time_axis(lo, hi, width)
}

/// Pixel polylines for all series, secondary first so that primary data is drawn
/// on top.
fn plot_lines(
    chart: &TimeChart,
    data: &Clean,
    map: &Mapper,
    y: &Axis,
    y2: Option<&Axis>,
) -> Vec<PlotLine> {
    let all: Vec<&Series> = chart.series.iter().chain(&chart.series2).collect();
    let colors = assign_colors(&all);
    let (colors1, colors2) = colors.split_at(chart.series.len());
    // Four points per pixel column keep the picture (see `downsample`).
    let max_points = 4 * map.plot.width() as usize;
    let line = |series: &Series, segs: &Vec<Vec<(f64, f64)>>, color: RGBColor, axis: &Axis| {
        let polylines = segs
            .iter()
            .map(|seg| {
                let px = seg.iter().filter_map(|p| map.point(axis, *p)).collect();
                downsample(px, max_points)
            })
            .collect();
        PlotLine {
            label: series.label.clone(),
            color,
            dashed: series.dashed,
            fill: series.fill,
            fill_base: map.base(axis),
            polylines,
        }
    };
    let secondary = chart.series2.iter().zip(&data.seg2).zip(colors2);
    let primary = chart.series.iter().zip(&data.seg1).zip(colors1);
    let mut lines: Vec<PlotLine> = secondary
        .map(|((s, segs), c)| line(s, segs, *c, y2.unwrap_or(y)))
        .collect();
    lines.extend(primary.map(|((s, segs), c)| line(s, segs, *c, y)));
    lines
}

fn halo_box(r: Rect) -> Rect {
    rect(
        r.l - HALO_PAD,
        r.t - HALO_PAD,
        r.r + HALO_PAD,
        r.b + HALO_PAD,
    )
}

/// Window labels sit at the top of their band, moved down a row while they would
/// overlap an earlier label.
fn place_window_label(
    out: &mut Vec<Annotation>,
    label: &str,
    center: f64,
    plot: &Rect,
) -> Result<(), String> {
    if label.is_empty() {
        return Ok(());
    }
    let (text, size) = fit_text(label, style::ANNOTATION_SIZE, false, plot.width() - 12.0)?;
    let w = text_width(&text, size, false)?;
    let x = center.clamp(plot.l + w / 2.0 + 6.0, plot.r - w / 2.0 - 6.0);
    let row = (CAP_HEIGHT + DESCENT) * size + 2.0 * HALO_PAD + 2.0;
    let mut base = plot.t + 6.0 + HALO_PAD + CAP_HEIGHT * size;
    let mut bbox = text_box(x, base, w, size, HPos::Center);
    while out
        .iter()
        .any(|a| halo_box(a.bbox).overlaps(&halo_box(bbox)))
        && base < plot.b
    {
        base += row;
        bbox = text_box(x, base, w, size, HPos::Center);
    }
    let spec = TextSpec::new(size, style::WINDOW_TEXT).align(HPos::Center);
    let text = PlacedText {
        text,
        x,
        y: base,
        spec,
        up: false,
    };
    out.push(Annotation {
        text,
        halo: false,
        bbox,
    });
    Ok(())
}

/// Limit labels sit just above their line at the right end, or below it when there
/// is no room above or another label is in the way.
fn place_limit_label(
    out: &mut Vec<Annotation>,
    label: &str,
    line_y: f64,
    plot: &Rect,
) -> Result<(), String> {
    if label.is_empty() {
        return Ok(());
    }
    let (text, size) = fit_text(label, style::ANNOTATION_SIZE, false, plot.width() / 2.0)?;
    let w = text_width(&text, size, false)?;
    let x = plot.r - 8.0;
    let above = line_y - 5.0 - DESCENT * size;
    let below = line_y + 5.0 + CAP_HEIGHT * size;
    let fits = |base: f64| {
        let b = text_box(x, base, w, size, HPos::Right);
        b.t >= plot.t + 2.0 && b.b <= plot.b - 2.0 && !out.iter().any(|a| a.bbox.overlaps(&b))
    };
    let base = if fits(above) || !fits(below) {
        above
    } else {
        below
    };
    let bbox = text_box(x, base, w, size, HPos::Right);
    let spec = TextSpec::new(size, style::LIMIT).align(HPos::Right);
    let text = PlacedText {
        text,
        x,
        y: base,
        spec,
        up: false,
    };
    out.push(Annotation {
        text,
        halo: true,
        bbox,
    });
    Ok(())
}

/// Legend rows in the caller's order: primary series, secondary series, limits,
/// windows (repeated limit or window labels once).
fn legend_entries(chart: &TimeChart, data: &Clean, lines: &[PlotLine]) -> Vec<(Swatch, String)> {
    let (secondary, primary) = lines.split_at(chart.series2.len());
    let series = primary.iter().chain(secondary).map(|line| {
        let swatch = Swatch::Line {
            color: line.color,
            dashed: line.dashed,
            fill: line.fill,
        };
        (swatch, &line.label)
    });
    let limits = data.limits.iter().map(|l| (Swatch::Limit, &l.label));
    let windows = data.windows.iter().map(|w| (Swatch::Window, &w.label));
    let mut entries: Vec<(Swatch, String)> = Vec::new();
    let mut seen: Vec<(bool, &String)> = Vec::new();
    for (swatch, label) in series.chain(limits).chain(windows) {
        let annotation = !matches!(swatch, Swatch::Line { .. });
        let key = (matches!(swatch, Swatch::Limit), label);
        if label.is_empty() || (annotation && seen.contains(&key)) {
            continue;
        }
        seen.push(key);
        entries.push((swatch, label.clone()));
    }
    entries
}

fn legend(
    entries: Vec<(Swatch, String)>,
    plot: &Rect,
    lines: &[PlotLine],
    limit_ys: &[f64],
    annotations: &[Annotation],
) -> Result<Option<Legend>, String> {
    if entries.is_empty() {
        return Ok(None);
    }
    let max_text = plot.width() * 0.45;
    let mut fitted = Vec::with_capacity(entries.len());
    let mut text_w: f64 = 0.0;
    for (swatch, label) in entries {
        // Cut rather than shrunk: legend rows should share one font size.
        let label = cut_text(&label, style::LEGEND_SIZE, false, max_text)?;
        text_w = text_w.max(text_width(&label, style::LEGEND_SIZE, false)?);
        fitted.push((swatch, label));
    }
    let width = (2.0 * LEGEND_PAD + LEGEND_SWATCH + 8.0 + text_w).ceil();
    let height = (2.0 * LEGEND_PAD + LEGEND_ROW * fitted.len() as f64 - 4.0).ceil();
    let occupied = Occupancy::new(plot, lines, limit_ys);
    let rect = best_legend_place(width, height, plot, &occupied, annotations);
    Ok(Some(Legend {
        rect,
        entries: fitted,
    }))
}

/// Chooses the corner (or edge centre) of the plot where the legend covers the
/// least data, preferring upper left, then upper right.
fn best_legend_place(
    width: f64,
    height: f64,
    plot: &Rect,
    occupied: &Occupancy,
    annotations: &[Annotation],
) -> Rect {
    let (l, r) = (plot.l + LEGEND_INSET, plot.r - LEGEND_INSET - width);
    let (t, b) = (plot.t + LEGEND_INSET, plot.b - LEGEND_INSET - height);
    let c = (plot.l + plot.r - width) / 2.0;
    let candidates = [(l, t), (r, t), (c, t), (r, b), (l, b), (c, b)];
    let mut best: Option<(usize, Rect)> = None;
    for (x, y) in candidates {
        let rect = rect(
            x.round(),
            y.round(),
            (x + width).round(),
            (y + height).round(),
        );
        let clash = annotations
            .iter()
            .filter(|a| halo_box(a.bbox).overlaps(&rect))
            .count();
        let score = occupied.count(&rect) + 10_000 * clash;
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, rect));
        }
    }
    best.map_or(rect(l, t, l + width, t + height), |(_, r)| r)
}

/// Coarse grid over the plot recording how much is drawn in each cell (lines
/// weigh most, limit lines and filled areas less), for legend placement.
struct Occupancy {
    origin: (f64, f64),
    cols: usize,
    rows: usize,
    cells: Vec<usize>,
}

impl Occupancy {
    const CELL: f64 = 6.0;

    fn new(plot: &Rect, lines: &[PlotLine], limit_ys: &[f64]) -> Occupancy {
        let cols = (plot.width() / Self::CELL).ceil().max(1.0) as usize;
        let rows = (plot.height() / Self::CELL).ceil().max(1.0) as usize;
        let mut grid = Occupancy {
            origin: (plot.l, plot.t),
            cols,
            rows,
            cells: vec![0; cols * rows],
        };
        for line in lines {
            for poly in &line.polylines {
                for seg in poly.windows(2) {
                    grid.mark_segment(seg[0], seg[1], 4);
                }
                if let [p] = poly.as_slice() {
                    grid.mark(*p, 4);
                }
                if line.fill {
                    for p in poly {
                        grid.mark_segment(*p, (p.0, line.fill_base), 1);
                    }
                }
            }
        }
        for y in limit_ys {
            grid.mark_segment((plot.l, *y), (plot.r, *y), 2);
        }
        grid
    }

    fn cell(&self, (x, y): (f64, f64)) -> Option<usize> {
        let cx = ((x - self.origin.0) / Self::CELL).floor();
        let cy = ((y - self.origin.1) / Self::CELL).floor();
        let inside = cx >= 0.0 && cy >= 0.0 && cx < self.cols as f64 && cy < self.rows as f64;
        inside.then(|| cy as usize * self.cols + cx as usize)
    }

    fn mark(&mut self, p: (f64, f64), weight: usize) {
        if let Some(i) = self.cell(p) {
            self.cells[i] = self.cells[i].max(weight);
        }
    }

    fn mark_segment(&mut self, a: (f64, f64), b: (f64, f64), weight: usize) {
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        let steps = (len / (Self::CELL / 2.0)).ceil().min(10_000.0) as usize;
        for i in 0..=steps {
            let t = if steps == 0 {
                0.0
            } else {
                i as f64 / steps as f64
            };
            self.mark((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)), weight);
        }
    }

    fn count(&self, r: &Rect) -> usize {
        let mut sum = 0;
        let mut y = r.t;
        while y < r.b {
            let mut x = r.l;
            while x < r.r {
                sum += self.cell((x, y)).map_or(0, |i| self.cells[i]);
                x += Self::CELL;
            }
            y += Self::CELL;
        }
        sum
    }
}

// ---------------------------------------------------------------------------
// Drawing

/// A drawing area plus the factor from output pixels to its pixels; hides the few
/// differences between the bitmap and SVG backends.
struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    scale: f64,
    svg: bool,
}

#[derive(Clone, Copy)]
struct TextSpec {
    size: f64,
    bold: bool,
    color: RGBColor,
    h: HPos,
}

impl TextSpec {
    fn new(size: f64, color: RGBColor) -> TextSpec {
        TextSpec {
            size,
            bold: false,
            color,
            h: HPos::Left,
        }
    }
    fn bold(self) -> TextSpec {
        TextSpec { bold: true, ..self }
    }
    fn align(self, h: HPos) -> TextSpec {
        TextSpec { h, ..self }
    }
}

type Drawn = Result<(), String>;

impl<DB: DrawingBackend> Canvas<'_, DB> {
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
        self.area.draw(element).map_err(|e| e.to_string())
    }

    fn stroke(&self, color: RGBAColor, width: f64) -> ShapeStyle {
        ShapeStyle {
            color,
            filled: false,
            stroke_width: (width * self.scale).round().max(1.0) as u32,
        }
    }

    /// Filled rectangle covering exactly [l, r) x [t, b) output pixels (both
    /// backends treat the second corner as exclusive for filled rectangles).
    fn fill_rect(&self, r: Rect, color: RGBAColor) -> Drawn {
        let a = (self.px(r.l), self.px(r.t));
        let b = (self.px(r.r), self.px(r.b));
        if b.0 <= a.0 || b.1 <= a.1 {
            return Ok(());
        }
        self.draw(&Rectangle::new([a, b], color.filled()))
    }

    fn rect_outline(&self, r: Rect, color: RGBAColor) -> Drawn {
        let pts = [(r.l, r.t), (r.r, r.t), (r.r, r.b), (r.l, r.b), (r.l, r.t)];
        self.path(&pts, color, 1.0)
    }

    fn path(&self, pts: &[(f64, f64)], color: RGBAColor, width: f64) -> Drawn {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| self.pt(*p)).collect();
        let style = self.stroke(color, width);
        if self.svg || style.stroke_width <= 1 || pts.len() <= 2 {
            return self.draw(&PathElement::new(pts, style));
        }
        // The bitmap backend fills a wide polyline as one polygon, which leaves holes
        // where a dense, zig-zagging line crosses itself; stroke segment by segment
        // and round the joints instead.
        let radius = style.stroke_width / 2;
        for seg in pts.windows(2) {
            self.draw(&PathElement::new(seg.to_vec(), style))?;
        }
        for p in &pts[1..pts.len() - 1] {
            self.draw(&Circle::new(*p, radius, color.filled()))?;
        }
        Ok(())
    }

    /// Dashes measured along the whole polyline, so the pattern continues across
    /// short segments instead of restarting at each data point.
    fn dashed(&self, pts: &[(f64, f64)], color: RGBAColor, width: f64) -> Drawn {
        let (on, off) = style::DASH;
        let mut dash: Vec<(f64, f64)> = Vec::new();
        let mut pos = 0.0; // distance into the current on+off period
        for seg in pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            let len = (b.0 - a.0).hypot(b.1 - a.1);
            let mut done = 0.0;
            while done < len {
                let drawing = pos < on;
                let room = if drawing { on - pos } else { on + off - pos };
                let step = room.min(len - done);
                let t0 = done / len;
                let t1 = (done + step) / len;
                let at = |t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                if drawing {
                    if dash.is_empty() {
                        dash.push(at(t0));
                    }
                    dash.push(at(t1));
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

    fn polygon(&self, pts: &[(f64, f64)], color: RGBAColor) -> Drawn {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| self.pt(*p)).collect();
        self.draw(&Polygon::new(pts, color.filled()))
    }

    fn dot(&self, c: (f64, f64), radius: f64, color: RGBAColor) -> Drawn {
        let r = (radius * self.scale).round().max(1.0) as u32;
        self.draw(&Circle::new(self.pt(c), r, color.filled()))
    }

    fn text_style<'s>(&self, spec: &'s TextSpec, rotated: bool) -> TextStyle<'s> {
        // SVG text gets font-size = size / 1.24, the bitmap an em of size / 1.164
        // (DejaVu's ascent-to-descent): scale SVG text up so both match the layout.
        let size = if self.svg {
            spec.size * SVG_TEXT_FACTOR
        } else {
            spec.size
        };
        let mut f = font(size * self.scale, spec.bold);
        if rotated {
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

    /// Horizontal text with its baseline at `base`, aligned on `x` per `spec.h`.
    fn text(&self, text: &str, x: f64, base: f64, spec: &TextSpec) -> Drawn {
        let top = base - self.baseline_offset(spec.size);
        let pos = (self.px(x), self.px(top));
        self.area
            .draw_text(text, &self.text_style(spec, false), pos)
            .map_err(|e| e.to_string())
    }

    fn placed(&self, t: &PlacedText) -> Drawn {
        if t.up {
            self.text_up(&t.text, t.x, t.y, &t.spec)
        } else {
            self.text(&t.text, t.x, t.y, &t.spec)
        }
    }

    /// Text reading upwards, its baseline at `base_x`, aligned on `y` per `spec.h`
    /// (Left = starts at `y`, going up).
    fn text_up(&self, text: &str, base_x: f64, y: f64, spec: &TextSpec) -> Drawn {
        let left = base_x - self.baseline_offset(spec.size);
        let pos = (self.px(left), self.px(y));
        self.area
            .draw_text(text, &self.text_style(spec, true), pos)
            .map_err(|e| e.to_string())
    }
}

fn draw_chart<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    c.area.fill(&style::BACKGROUND).map_err(|e| e.to_string())?;
    draw_bands(plan, c)?;
    draw_grid(plan, c)?;
    draw_data(plan, c)?;
    draw_axes(plan, c)?;
    draw_annotations(plan, c)?;
    if let Some(legend) = &plan.legend {
        draw_legend(legend, c)?;
    }
    draw_texts(plan, c)
}

fn draw_bands<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    for &(a, b) in &plan.bands {
        // An instant (from == to) still shows, as a darker 2 px band.
        let (a, b, alpha) = if b - a < 2.0 {
            let mid = ((a + b) / 2.0).round();
            (mid - 1.0, mid + 1.0, style::WINDOW_ALPHA * 3.0)
        } else {
            (a, b, style::WINDOW_ALPHA)
        };
        let color = style::WINDOW.mix(alpha);
        let r = rect(a, plan.plot.t, b, plan.plot.b);
        c.fill_rect(r, color)?;
    }
    Ok(())
}

/// Pixel y of a primary axis value (grid lines are snapped to whole pixels so
/// they stay crisp).
fn y_px(plan: &Plan, axis: &Axis, v: f64) -> Option<f64> {
    let f = axis.frac(v)?;
    Some((plan.plot.b - f * plan.plot.height()).round())
}

fn x_px(plan: &Plan, v: f64) -> Option<f64> {
    let f = plan.x.frac(v)?;
    Some((plan.plot.l + f * plan.plot.width()).round())
}

fn draw_grid<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    let p = plan.plot;
    let hline = |y: f64, color: RGBColor| {
        let r = rect(p.l, y, p.r, y + 1.0);
        c.fill_rect(r, color.to_rgba())
    };
    for v in &plan.y.minor {
        if let Some(y) = y_px(plan, &plan.y, *v) {
            hline(y, style::GRID_MINOR)?;
        }
    }
    for (v, _) in &plan.y.ticks {
        if let Some(y) = y_px(plan, &plan.y, *v) {
            hline(y, style::GRID)?;
        }
    }
    for (v, _) in &plan.x.ticks {
        if let Some(x) = x_px(plan, *v) {
            let r = rect(x, p.t, x + 1.0, p.b);
            c.fill_rect(r, style::GRID.to_rgba())?;
        }
    }
    Ok(())
}

fn draw_data<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    for line in plan.lines.iter().filter(|l| l.fill) {
        for poly in line.polylines.iter().filter(|p| p.len() >= 2) {
            let mut area = poly.clone();
            area.push((poly[poly.len() - 1].0, line.fill_base));
            area.push((poly[0].0, line.fill_base));
            c.polygon(&area, line.color.mix(style::FILL_ALPHA))?;
        }
    }
    let limit = style::LIMIT.to_rgba();
    for &y in &plan.limit_ys {
        c.dashed(&[(plan.plot.l, y), (plan.plot.r, y)], limit, 1.5)?;
    }
    for line in &plan.lines {
        let color = line.color.to_rgba();
        for poly in &line.polylines {
            match poly.as_slice() {
                [p] => c.dot(*p, style::LINE_WIDTH * 1.25, color)?,
                _ if line.dashed => c.dashed(poly, color, style::LINE_WIDTH)?,
                _ => c.path(poly, color, style::LINE_WIDTH)?,
            }
        }
    }
    Ok(())
}

fn draw_axes<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    let p = plan.plot;
    let axis = style::AXIS.to_rgba();
    let vline = |x: f64, t: f64, b: f64| c.fill_rect(rect(x, t, x + 1.0, b), axis);
    let hline = |y: f64, l: f64, r: f64| c.fill_rect(rect(l, y, r, y + 1.0), axis);
    hline(p.b, p.l, p.r + 1.0)?;
    vline(p.l, p.t, p.b + 1.0)?;
    let tick = TextSpec::new(style::TICK_SIZE, style::TEXT_MUTED);
    let centre = CAP_HEIGHT * style::TICK_SIZE / 2.0;
    for (v, label) in &plan.y.ticks {
        if let Some(y) = y_px(plan, &plan.y, *v) {
            hline(y, p.l - TICK_LEN, p.l)?;
            let spec = tick.align(HPos::Right);
            c.text(label, p.l - TICK_LEN - TICK_GAP, y + centre, &spec)?;
        }
    }
    if let Some(y2) = &plan.y2 {
        vline(p.r, p.t, p.b + 1.0)?;
        for (v, label) in &y2.ticks {
            if let Some(y) = y_px(plan, y2, *v) {
                hline(y, p.r + 1.0, p.r + 1.0 + TICK_LEN)?;
                let spec = tick.align(HPos::Left);
                c.text(label, p.r + 1.0 + TICK_LEN + TICK_GAP, y + centre, &spec)?;
            }
        }
    }
    let w = f64::from(style::WIDTH);
    let base = p.b + 1.0 + TICK_LEN + TICK_GAP + CAP_HEIGHT * style::TICK_SIZE;
    for (v, label) in &plan.x.ticks {
        if let Some(x) = x_px(plan, *v) {
            vline(x, p.b + 1.0, p.b + 1.0 + TICK_LEN)?;
            // Keep edge labels on the canvas.
            let half = text_width(label, style::TICK_SIZE, false)? / 2.0;
            let cx = x.clamp(half + 4.0, w - half - 4.0);
            let spec = tick.align(HPos::Center);
            c.text(label, cx, base, &spec)?;
        }
    }
    Ok(())
}

fn draw_halo<DB: DrawingBackend>(c: &Canvas<DB>, r: Rect) -> Drawn {
    c.fill_rect(halo_box(r), style::BACKGROUND.mix(style::LEGEND_ALPHA))
}

fn draw_annotations<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    for a in &plan.annotations {
        if a.halo {
            draw_halo(c, a.bbox)?;
        }
        c.placed(&a.text)?;
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(legend: &Legend, c: &Canvas<DB>) -> Drawn {
    let r = legend.rect;
    c.fill_rect(r, style::BACKGROUND.mix(style::LEGEND_ALPHA))?;
    c.rect_outline(r, style::GRID.to_rgba())?;
    let spec = TextSpec::new(style::LEGEND_SIZE, style::TEXT);
    for (i, (swatch, label)) in legend.entries.iter().enumerate() {
        let mid = r.t + LEGEND_PAD + LEGEND_ROW * i as f64 + (LEGEND_ROW - 4.0) / 2.0;
        let (sl, sr) = (r.l + LEGEND_PAD, r.l + LEGEND_PAD + LEGEND_SWATCH);
        let block = rect(sl, mid - 6.0, sr, mid + 6.0);
        match swatch {
            Swatch::Line {
                color,
                dashed,
                fill,
            } => {
                if *fill {
                    let under = Rect { t: mid, ..block };
                    c.fill_rect(under, color.mix(style::FILL_ALPHA))?;
                }
                let pts = [(sl, mid), (sr, mid)];
                if *dashed {
                    c.dashed(&pts, color.to_rgba(), style::LINE_WIDTH)?;
                } else {
                    c.path(&pts, color.to_rgba(), style::LINE_WIDTH)?;
                }
            }
            Swatch::Limit => c.dashed(&[(sl, mid), (sr, mid)], style::LIMIT.to_rgba(), 1.5)?,
            Swatch::Window => {
                c.fill_rect(block, style::WINDOW.mix(style::WINDOW_ALPHA))?;
            }
        }
        let base = mid + CAP_HEIGHT * style::LEGEND_SIZE / 2.0;
        c.text(label, sr + 8.0, base, &spec)?;
    }
    Ok(())
}

fn draw_texts<DB: DrawingBackend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    plan.texts.iter().try_for_each(|t| c.placed(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("flowsim-charts-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn wave(n: usize, span: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
        (0..n)
            .map(|i| {
                let x = i as f64 * span / n as f64;
                (x, f(x))
            })
            .collect()
    }

    /// Two primary series (one filled, one dashed), a secondary one, a limit and a
    /// window: every element of the chart.
    fn demo(points: usize) -> TimeChart {
        TimeChart {
            title: "Backlog under a consumer outage".into(),
            subtitle: Some("scenarios/outage.toml · seed 42".into()),
            x_label: "simulated time (s)".into(),
            y_label: "messages".into(),
            series: vec![
                Series {
                    fill: true,
                    ..Series::new(
                        "backlog",
                        wave(points, 600.0, |x| 1200.0 + 400.0 * (x / 40.0).sin()),
                    )
                },
                Series {
                    dashed: true,
                    ..Series::new(
                        "in flight",
                        wave(points, 600.0, |x| 800.0 + 100.0 * (x / 9.0).cos()),
                    )
                },
            ],
            y2_label: Some("age of oldest message (s)".into()),
            series2: vec![Series::new(
                "age of oldest (right axis)",
                wave(600, 600.0, |x| {
                    if (300.0..420.0).contains(&x) {
                        (x - 300.0) * 0.3
                    } else {
                        0.5
                    }
                }),
            )],
            limits: vec![Limit {
                label: "queue limit".into(),
                value: 2000.0,
            }],
            windows: vec![Window {
                label: "consumer outage".into(),
                from_x: 300.0,
                to_x: 360.0,
            }],
            y_log: false,
        }
    }

    fn read(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn writes_png_and_svg_byte_identically_across_runs() {
        let dir = TempDir::new("identical");
        let chart = demo(2_000);
        let first = chart.write(&dir.0.join("a")).expect("first render");
        let second = chart.write(&dir.0.join("b")).expect("second render");
        assert_eq!(first[0], dir.0.join("a.png"));
        assert_eq!(first[1], dir.0.join("a.svg"));
        for (a, b) in first.iter().zip(&second) {
            let (a, b) = (read(a), read(b));
            assert!(!a.is_empty());
            assert_eq!(a, b, "renders differ");
        }
        assert!(read(&first[0]).starts_with(b"\x89PNG"));
        let svg = String::from_utf8(read(&first[1])).expect("utf-8 svg");
        assert!(svg.starts_with("<svg width=\"1280\" height=\"720\""));
        assert!(svg.contains("Backlog under a consumer outage"));
    }

    #[test]
    fn leaves_no_temporary_files() {
        let dir = TempDir::new("tidy");
        demo(100).write(&dir.0.join("run.v2")).expect("render");
        let mut names: Vec<String> = std::fs::read_dir(&dir.0)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["run.v2.png", "run.v2.svg"]);
    }

    #[test]
    fn unwritable_directory_is_an_io_error() {
        let dir = TempDir::new("missing");
        let stem = dir.0.join("no-such-dir").join("chart");
        match demo(10).write(&stem) {
            Err(ChartError::Io { path, .. }) => assert!(path.ends_with("chart.png")),
            other => panic!("expected an io error, got {other:?}"),
        }
    }

    #[test]
    fn bad_input_renders_or_errors_without_panicking() {
        let dir = TempDir::new("bad");
        let plain = |series: Vec<Series>| TimeChart {
            title: "t".into(),
            series,
            ..TimeChart::default()
        };
        let nan_gaps = wave(100, 10.0, |x| {
            if (3.0..4.0).contains(&x) { f64::NAN } else { x }
        });
        let cases: Vec<(&str, TimeChart, bool)> = vec![
            ("default", TimeChart::default(), true),
            (
                "empty_series",
                plain(vec![Series::new("none", vec![])]),
                true,
            ),
            (
                "single",
                plain(vec![Series::new("one", vec![(5.0, 3.0)])]),
                true,
            ),
            (
                "zeros",
                plain(vec![Series::new("z", wave(50, 5.0, |_| 0.0))]),
                true,
            ),
            ("nan", plain(vec![Series::new("n", nan_gaps)]), true),
            (
                "all_nan",
                plain(vec![Series::new("n", vec![(f64::NAN, f64::NAN); 3])]),
                true,
            ),
            (
                "inf",
                plain(vec![Series::new(
                    "i",
                    vec![(0.0, f64::INFINITY), (1.0, 1.0)],
                )]),
                true,
            ),
            (
                "huge",
                plain(vec![Series::new("h", wave(50, 1e9, |x| x * 1e12))]),
                true,
            ),
            (
                "negative",
                plain(vec![Series::new("n", wave(50, 5.0, |x| -x))]),
                true,
            ),
            (
                "extreme",
                plain(vec![Series::new(
                    "e",
                    vec![(0.0, f64::MAX), (1.0, -f64::MAX)],
                )]),
                false,
            ),
            (
                "tiny",
                plain(vec![Series::new("t", wave(50, 1e-9, |x| x))]),
                true,
            ),
            (
                "log_nonpositive",
                TimeChart {
                    y_log: true,
                    ..plain(vec![Series::new(
                        "l",
                        vec![(0.0, 0.0), (1.0, -1.0), (2.0, 10.0)],
                    )])
                },
                true,
            ),
            (
                "bad_limits_windows",
                TimeChart {
                    limits: vec![Limit {
                        label: "nan".into(),
                        value: f64::NAN,
                    }],
                    windows: vec![
                        Window {
                            label: "nan".into(),
                            from_x: f64::NAN,
                            to_x: 1.0,
                        },
                        Window {
                            label: "open".into(),
                            from_x: 2.0,
                            to_x: f64::INFINITY,
                        },
                        Window {
                            label: "reversed".into(),
                            from_x: 4.0,
                            to_x: 3.0,
                        },
                    ],
                    ..plain(vec![Series::new("s", wave(10, 5.0, |x| x))])
                },
                true,
            ),
        ];
        for (name, chart, must_succeed) in cases {
            let result = chart.write(&dir.0.join(name));
            match result {
                Ok(paths) => paths
                    .iter()
                    .for_each(|p| assert!(!read(p).is_empty(), "{name}: empty file")),
                Err(e) => assert!(!must_succeed, "{name}: {e}"),
            }
        }
    }

    #[test]
    fn long_series_are_downsampled_keeping_spikes() {
        let mut points = wave(100_000, 1000.0, |_| 10.0);
        points[54_321].1 = 500.0; // one-sample spike
        let chart = TimeChart {
            series: vec![Series::new("long", points)],
            ..TimeChart::default()
        };
        style::register_fonts();
        let plan = Plan::new(&chart).expect("plan");
        let drawn: usize = plan.lines[0].polylines.iter().map(Vec::len).sum();
        assert!(
            drawn <= 4 * plan.plot.width() as usize,
            "{drawn} points drawn"
        );
        let top = plan.lines[0].polylines[0]
            .iter()
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        let spike =
            plan.plot.b - (500.0 - plan.y.lo) / (plan.y.hi - plan.y.lo) * plan.plot.height();
        assert!((top - spike).abs() < 1e-6, "spike lost: {top} vs {spike}");
    }

    #[test]
    fn value_axis_starts_at_zero_with_headroom() {
        let axis = linear_axis(&[3.5, 97.0, 150.0], 8).expect("axis");
        assert_eq!(axis.lo, 0.0);
        assert!(axis.hi >= 165.0, "{}", axis.hi);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        // Step 20 would need 9 intervals; 25 is the next nice step.
        assert_eq!(labels, ["0", "25", "50", "75", "100", "125", "150", "175"]);
        let negative = linear_axis(&[-5.0, 2.0], 8).expect("axis");
        assert!(negative.lo < -5.0 && negative.hi > 2.0);
        let flat = linear_axis(&[0.0, 0.0], 8).expect("axis");
        assert_eq!((flat.lo, flat.hi), (0.0, 1.0));
        let workers = linear_axis(&[0.0, 3.0, 4.0], 10).expect("axis");
        let labels: Vec<&str> = workers.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "1", "2", "3", "4", "5"]);
    }

    #[test]
    fn secondary_axis_shares_the_grid() {
        let y = linear_axis(&[0.0, 4500.0], 8).expect("axis");
        let n = y.even_intervals().expect("even");
        let y2 = aligned_axis(&[0.0, 41.0], n).expect("axis");
        assert_eq!(y2.ticks.len(), y.ticks.len());
        assert!(y2.hi >= 41.0 * 1.1);
    }

    #[test]
    fn log_axis_ticks() {
        let axis = log_axis(&[3.0, 40_000.0], 8).expect("axis");
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1", "10", "100", "1k", "10k", "100k"]);
        let few = log_axis(&[700.0, 3000.0], 8).expect("axis");
        let labels: Vec<&str> = few.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["500", "1k", "2k", "5k"]);
    }

    #[test]
    fn tick_labels_are_readable() {
        assert_eq!(format_si(1500.0, 500.0), "1.5k");
        assert_eq!(format_si(2e6, 1e6), "2M");
        assert_eq!(format_si(750.0, 250.0), "750");
        assert_eq!(format_si(1250.0, 250.0), "1.25k");
        assert_eq!(format_si(0.30000000000000004, 0.1), "0.3");
        assert_eq!(format_si(-0.0, 1.0), "0");
        assert_eq!(format_si(2.5e22, 5e21), "2.5e22");
        assert_eq!(format_plain(3600.0, 600.0), "3600");
        assert_eq!(format_plain(2.5, 0.5), "2.5");
    }

    #[test]
    fn colours_follow_the_palette_and_respect_explicit_choices() {
        let a = Series::new("a", vec![]);
        let b = Series {
            color: Some(0),
            ..Series::new("b", vec![])
        };
        let c = Series::new("c", vec![]);
        let colors = assign_colors(&[&a, &b, &c]);
        assert_eq!(
            colors,
            [style::PALETTE[1], style::PALETTE[0], style::PALETTE[2]]
        );
    }

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

#[cfg(test)]
#[path = "/tmp/golden/golden.rs"]
mod golden;
