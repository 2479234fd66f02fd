//! The plan: everything the chart shows, positioned in output pixels (y down).

use super::Shade;
use super::annotations::{Annotation, place_labels};
use super::axis::{Axis, aligned_axis, linear_axis, log_axis, share_axis};
use super::clean_input::CleanInput;
use super::hidden;
use super::legend::{self, Legend};
use super::lines::{PlotLine, drawing_order, plot_lines};
use super::rect::{Rect, rect};
use super::span_axis::{log_x_axis, time_axis};
use super::text::{CAP_HEIGHT, DESCENT, PlacedText, TextSpec, fitted_title, header};
use super::{Limit, TimeChart, Window, XScale, YScale};
use crate::charts::{DrawError, style};
use plotters::style::text_anchor::HPos;

pub(super) const TICK_LEN: f64 = 6.0;
pub(super) const TICK_GAP: f64 = 5.0;
const AXIS_LABEL_GAP: f64 = 14.0;
const HEADER_GAP: f64 = 22.0;
/// Space between the x axis title and the legend under it.
const LEGEND_GAP: f64 = 10.0;

/// Everything to draw, computed once and drawn onto both outputs.
pub(super) struct Plan {
    pub(super) plot: Rect,
    pub(super) x: Axis,
    pub(super) y: Axis,
    pub(super) y2: Option<Axis>,
    /// Secondary lines first: primary data is drawn on top.
    pub(super) lines: Vec<PlotLine>,
    /// Pixel y of each limit line.
    pub(super) limit_ys: Vec<f64>,
    /// Pixel x range of each window band.
    pub(super) bands: Vec<(f64, f64, Shade)>,
    /// Pixel x of each window too narrow to shade (e.g. an instant): drawn as a
    /// marker line.
    pub(super) instants: Vec<(f64, Shade)>,
    pub(super) annotations: Vec<Annotation>,
    pub(super) legend: Option<Legend>,
    /// Titles, axis labels and the "no data" note.
    pub(super) texts: Vec<PlacedText>,
}

impl Plan {
    /// Lays the chart out with its legend in a band of its own under the x
    /// axis title, never over the data: a first pass finds the legend's rows,
    /// a second leaves room for them.
    pub(super) fn new(chart: &TimeChart, x_scale: XScale) -> Result<Plan, DrawError> {
        // Which lines are hidden changes the legend's rows only through
        // equal rows merged (a revealed line's swatch is dashed), and rows of
        // series are equal only if their labels are: with no label repeated,
        // the first pass leaves out that check, the costliest part of a plan.
        let labels_repeat = labels_repeat(chart);
        let first = Plan::with_room_below(chart, x_scale, 0.0, labels_repeat)?;
        let Some(legend) = first.legend else {
            return if labels_repeat {
                Ok(first)
            } else {
                Plan::with_room_below(chart, x_scale, 0.0, true)
            };
        };
        let below = legend.height() + LEGEND_GAP;
        let mut plan = Plan::with_room_below(chart, x_scale, below, true)?;
        if let Some(l) = plan.legend.as_mut() {
            l.move_to_bottom(f64::from(style::HEIGHT) - style::PAD);
        }
        Ok(plan)
    }

    /// The plan with `below` pixels left free at the bottom for the legend;
    /// without `reveal`, hidden lines are left as they are.
    fn with_room_below(
        chart: &TimeChart,
        x_scale: XScale,
        below: f64,
        reveal: bool,
    ) -> Result<Plan, DrawError> {
        let data = CleanInput::new(chart, x_scale)?;
        let mut texts = Vec::new();
        let plot_t = header(&chart.title, chart.subtitle.as_deref(), &mut texts)? + HEADER_GAP;
        let h = f64::from(style::HEIGHT);
        let x_label_base = h - style::PAD - below - DESCENT * style::AXIS_LABEL_SIZE;
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
            texts.push(PlacedText { text, x, y, spec });
        }

        let markers = chart.series.iter().chain(&chart.series2).any(|s| s.markers);
        let x = x_axis(&data, plot.width(), x_scale, markers)?;
        let map = Mapper { plot, x: &x };
        let mut lines = plot_lines(chart, &data, &map, &y, y2.as_ref());
        // Before the legend: a revealed line's swatch is dashed too.
        if reveal {
            let order = drawing_order(&lines);
            hidden::reveal(&mut lines, &order, plot);
        }
        super::lines::tell_twins_apart(&mut lines);
        let limits: Vec<(&Limit, f64)> = data
            .limits
            .iter()
            .filter_map(|l| Some((*l, map.point(&y, (x.lo, l.value))?.1)))
            .collect();
        let windows: Vec<(&Window, (f64, f64))> = data
            .windows
            .iter()
            .filter_map(|w| Some((*w, map.band(w)?)))
            .collect();
        let annotations = place_labels(&windows, &limits, &plot)?;
        let entries = legend::entries(chart, &data, &lines, &windows);
        let (instants, bands): (Vec<_>, Vec<_>) = windows
            .iter()
            .map(|(w, (a, b))| (*a, *b, w.shade))
            .partition(|&(a, b, _)| is_instant((a, b)));
        let mut plan = Plan {
            plot,
            y,
            y2,
            lines,
            limit_ys: limits.iter().map(|(_, ly)| *ly).collect(),
            bands,
            instants: instants
                .iter()
                .map(|(a, b, shade)| (((a + b) / 2.0).round(), *shade))
                .collect(),
            annotations,
            legend: None,
            texts,
            x,
        };
        plan.legend = Legend::place(entries, &plan)?;
        Ok(plan)
    }
}

/// Whether two series (of either axis) share a non-empty label.
fn labels_repeat(chart: &TimeChart) -> bool {
    let labels: Vec<&str> = (chart.series.iter().chain(&chart.series2))
        .map(|s| s.label.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    (1..labels.len()).any(|i| labels[..i].contains(&labels[i]))
}

/// Maps data to pixels inside the plot rectangle.
pub(super) struct Mapper<'a> {
    pub(super) plot: Rect,
    x: &'a Axis,
}

impl Mapper<'_> {
    pub(super) fn point(&self, y: &Axis, (vx, vy): (f64, f64)) -> Option<(f64, f64)> {
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
    pub(super) fn base(&self, y: &Axis) -> f64 {
        let f = y.frac(0.0).unwrap_or(0.0).clamp(0.0, 1.0);
        self.plot.b - f * self.plot.height()
    }

    /// Pixel x range of a window; infinite bounds run to the plot's edge, windows
    /// wholly outside the axis are not shown.
    fn band(&self, w: &Window) -> Option<(f64, f64)> {
        let (a, b) = (w.from_x.min(w.to_x), w.from_x.max(w.to_x));
        if b < self.x.lo || a > self.x.hi {
            return None;
        }
        let fa = self.x.frac(a.max(self.x.lo))?.clamp(0.0, 1.0);
        let fb = self.x.frac(b.min(self.x.hi))?.clamp(0.0, 1.0);
        let width = self.plot.width();
        Some((self.plot.l + fa * width, self.plot.l + fb * width))
    }
}

/// Margin beyond the data of an x axis with markers, as a fraction of its span.
const MARKER_MARGIN: f64 = 0.03;

/// Windows narrower than this many pixels are drawn as a line.
const MIN_BAND_WIDTH: f64 = 2.0;

/// Whether a window's pixel range is drawn as a marker line rather than shaded.
pub(super) fn is_instant((a, b): (f64, f64)) -> bool {
    b - a < MIN_BAND_WIDTH
}

/// Primary and (if wanted) secondary value axes; the secondary one shares the
/// primary's grid lines when the primary's ticks are evenly spaced.
fn value_axes(
    chart: &TimeChart,
    data: &CleanInput,
    height: f64,
) -> Result<(Axis, Option<Axis>), DrawError> {
    let max_intervals = ((height / 60.0) as usize).clamp(2, 10);
    let y_values = data.y_values();
    let y = match chart.y_scale {
        YScale::Log => log_axis(&y_values, max_intervals)?,
        YScale::Share => share_axis(),
        YScale::Linear => linear_axis(&y_values, max_intervals)?,
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
fn plot_rect(t: f64, b: f64, y: &Axis, y2: Option<&Axis>) -> Result<Rect, DrawError> {
    let w = f64::from(style::WIDTH);
    let title_band = (CAP_HEIGHT + DESCENT) * style::AXIS_LABEL_SIZE + AXIS_LABEL_GAP;
    let l = style::PAD + title_band + y.widest_label()? + TICK_LEN + TICK_GAP;
    let r = match y2 {
        Some(a) => w - style::PAD - title_band - a.widest_label()? - TICK_LEN - TICK_GAP,
        // Room for half of a tick label centred on the right end.
        None => w - style::PAD - 8.0,
    };
    Ok(rect(l.round(), t.round(), r.round(), b.round()))
}

/// Axis titles: x centred under the plot, y and y2 reading upwards beside it.
fn axis_titles(
    chart: &TimeChart,
    plot: &Rect,
    x_base: f64,
    texts: &mut Vec<PlacedText>,
) -> Result<(), DrawError> {
    let size = style::AXIS_LABEL_SIZE;
    let spec = TextSpec::new(size, style::TEXT).align(HPos::Center);
    let mid_x = (plot.l + plot.r) / 2.0;
    let mid_y = (plot.t + plot.b) / 2.0;
    let max_up = plot.height() + HEADER_GAP;
    texts.push(fitted_title(
        &chart.x_label,
        plot.width(),
        mid_x,
        x_base,
        spec,
    )?);
    let left_base = style::PAD + CAP_HEIGHT * size;
    texts.push(fitted_title(
        &chart.y_label,
        max_up,
        left_base,
        mid_y,
        spec.up(),
    )?);
    if let Some(label) = &chart.y2_label {
        let right_base = f64::from(style::WIDTH) - style::PAD - DESCENT * size;
        texts.push(fitted_title(label, max_up, right_base, mid_y, spec.up())?);
    }
    Ok(())
}

/// x spans the data and the windows; a linear axis starts at 0 when the data
/// starts close to it (simulations begin at t = 0 even if the first sample comes
/// later). With markers it reaches a little beyond the data (`MARKER_MARGIN` of
/// the span on either side), so that end markers stay clear of the axes.
fn x_axis(data: &CleanInput, width: f64, scale: XScale, markers: bool) -> Result<Axis, DrawError> {
    let (mut lo, mut hi) = data
        .x_values()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if scale == XScale::Log {
        if markers && lo < hi {
            let f = (hi / lo).powf(MARKER_MARGIN);
            (lo, hi) = (lo / f, hi * f);
        }
        return log_x_axis(lo, hi, width);
    }
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
    if markers {
        let pad = MARKER_MARGIN * (hi - lo);
        (lo, hi) = (if lo == 0.0 { lo } else { lo - pad }, hi + pad);
    }
    if !(hi - lo).is_finite() {
        return Err(DrawError::RangeTooLarge);
    }
    time_axis(lo, hi, width)
}
