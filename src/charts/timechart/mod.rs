//! Time-series line charts with an optional secondary axis, limit lines and shaded
//! windows, written as PNG and SVG.
//!
//! `layout` computes everything once, in output pixels (axes and ticks, labels,
//! legend, downsampled lines); `draw` then paints that plan twice, onto an
//! antialiased raster for the PNG and onto an SVG document (`render`). Axes are
//! drawn by hand rather than with plotters' mesh so that both y axes share grid
//! lines, counts get whole-number ticks and log axes get ticks on 1-2-5 multiples
//! or decades.

mod annotations;
pub(crate) mod axis;
mod bands;
pub(crate) mod canvas;
mod clean_input;
mod downsample;
mod draw;
mod glyphs;
mod hidden;
mod layout;
mod legend;
mod lines;
mod raster;
pub(crate) mod rect;
pub(crate) mod render;
pub(crate) mod span_axis;
#[cfg(test)]
mod sweep_tests;
#[cfg(test)]
pub(crate) mod test_support;
pub(crate) mod text;
pub(crate) mod tick_labels;

use super::style;
use super::{ChartError, IntoTarget};
use layout::Plan;
use render::{append_extension, write_png_and_svg};
use std::path::PathBuf;

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
    /// Uncertainty band: (low, high) for each point of `points` (same length), shaded
    /// in the series' colour behind all lines; pairs with a non-finite value leave a
    /// gap. A band of another length is an error.
    pub band: Option<Vec<(f64, f64)>>,
    /// A dot at each data point (for sparse data such as parameter sweeps); left out
    /// when the points are too dense to tell apart.
    pub markers: bool,
}

impl Series {
    /// A solid, unfilled line in the next palette colour, without band or markers.
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

/// Shaded vertical band between two x values, labelled at the top; with
/// `from_x == to_x` a vertical marker line (e.g. a collapse point).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    pub label: String,
    pub from_x: f64,
    pub to_x: f64,
    pub shade: Shade,
}

/// What a window means, in one hue per meaning across every chart: a trigger
/// the scenario applies (a load spike, a fault window), or a component down
/// (a crash, an outage), so that a crash inside a spike still shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shade {
    #[default]
    Trigger,
    Down,
}

impl Shade {
    /// The band's fill.
    pub(super) fn fill(self) -> plotters::style::RGBAColor {
        use plotters::style::Color;
        match self {
            Shade::Trigger => style::WINDOW.mix(style::WINDOW_ALPHA),
            Shade::Down => style::DOWN.mix(style::DOWN_ALPHA),
        }
    }
    /// The label's and a marker line's colour.
    pub(super) fn text(self) -> plotters::style::RGBColor {
        match self {
            Shade::Trigger => style::WINDOW_TEXT,
            Shade::Down => style::DOWN_TEXT,
        }
    }
}

/// A chart of y over x (simulated time, or a swept parameter); see
/// [`TimeChart::write`] and [`TimeChart::write_with`].
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
    /// How the primary axis maps values.
    pub y_scale: YScale,
}

/// How the primary (left) axis maps values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum YScale {
    /// From zero (or below the data's least value) past the data, with
    /// headroom; whole ticks for counts.
    #[default]
    Linear,
    /// Logarithmic; values <= 0 leave gaps.
    Log,
    /// A share (a fraction of replications): 0 to 1 exactly, whatever the
    /// values, since a share can be neither more nor less. (As `Linear`,
    /// values of only 0 and 1 read as counts: whole ticks, headroom up to 2.)
    Share,
}

impl TimeChart {
    /// The primary axis is logarithmic.
    pub(crate) fn y_log(&self) -> bool {
        self.y_scale == YScale::Log
    }
}

/// How the x axis maps values. Not a field of [`TimeChart`], so that exhaustive
/// struct literals of it keep compiling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum XScale {
    /// Evenly spaced values, starting at 0 when the data starts close to it.
    #[default]
    Linear,
    /// Logarithmic over exactly the data's positive range (sweeps over 1, 2, 5, 10,
    /// ...); points with x <= 0 leave gaps.
    Log,
}

impl TimeChart {
    /// Writes `<stem>.png` (1280x720) and `<stem>.svg` (or those of the formats
    /// and at the scale of a [`Target`](crate::charts::Target)); each file is
    /// written whole or not at all (rendered to a temporary file in the same
    /// directory, then renamed). Returns the two paths, PNG first.
    pub fn write(&self, to: impl IntoTarget) -> Result<[PathBuf; 2], ChartError> {
        self.write_with(to, XScale::Linear)
    }

    /// [`TimeChart::write`] with a choice of x scale.
    pub fn write_with(
        &self,
        to: impl IntoTarget,
        x_scale: XScale,
    ) -> Result<[PathBuf; 2], ChartError> {
        let to = to.into_target();
        let png = append_extension(&to.stem, "png");
        let svg = append_extension(&to.stem, "svg");
        if to.options.formats == crate::charts::Formats::None {
            return Ok([png, svg]);
        }
        style::register_fonts();
        let plan = Plan::new(self, x_scale).map_err(|e| ChartError::draw(&png, e))?;
        write_png_and_svg(&plan, &png, &svg, &to.options)?;
        Ok([png, svg])
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{TempDir, assert_identical_renders, demo, read, wave};
    use super::*;

    #[test]
    fn writes_png_and_svg_byte_identically_across_runs() {
        let dir = TempDir::new("identical");
        let chart = demo(2_000);
        let svg = assert_identical_renders(&dir.0, |stem| chart.write(stem));
        assert!(svg.contains("Backlog under a consumer outage"));
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
                    y_scale: YScale::Log,
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
                            ..Default::default()
                        },
                        Window {
                            label: "open".into(),
                            from_x: 2.0,
                            to_x: f64::INFINITY,
                            ..Default::default()
                        },
                        Window {
                            label: "reversed".into(),
                            from_x: 4.0,
                            to_x: 3.0,
                            ..Default::default()
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
}
