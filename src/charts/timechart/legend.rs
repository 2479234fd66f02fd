//! The legend: its rows, its placement where it hides the least, and its drawing.

use super::Shade;
use super::canvas::{Backend, Canvas, Drawn};
use super::clean_input::CleanInput;
use super::draw::{instant_line, limit_line, marker};
use super::layout::{Plan, is_instant};
use super::lines::PlotLine;
use super::occupancy::Occupancy;
use super::rect::{Rect, rect};
use super::text::{CAP_HEIGHT, TextSpec, cut_text, text_width};
use super::{TimeChart, Window};
use crate::charts::{DrawError, style};
use plotters::style::{Color, RGBColor};

const PAD: f64 = 10.0;
const SWATCH: f64 = 30.0;
const ROW: f64 = 22.0;
/// Distance from the plot's edges.
const INSET: f64 = 12.0;
/// An annotation under the legend costs more than any amount of covered data.
const ANNOTATION_CLASH: usize = 10_000;

#[derive(PartialEq)]
pub(super) enum Swatch {
    Line {
        color: RGBColor,
        dashed: bool,
        fill: bool,
        band: bool,
        markers: bool,
    },
    Limit,
    Window(Shade),
    /// A window drawn as a marker line.
    Instant(Shade),
}

pub(super) struct Legend {
    rect: Rect,
    pub(super) entries: Vec<(Swatch, String)>,
}

/// Legend rows in the caller's order: primary series, secondary series, limits,
/// windows; unlabelled and repeated rows left out.
pub(super) fn entries(
    chart: &TimeChart,
    data: &CleanInput,
    lines: &[PlotLine],
    windows: &[(&Window, (f64, f64))],
) -> Vec<(Swatch, String)> {
    let (secondary, primary) = lines.split_at(chart.series2.len());
    let series = primary.iter().chain(secondary).map(|line| {
        let swatch = Swatch::Line {
            color: line.color,
            dashed: line.dashed,
            fill: line.fill,
            band: line.band.is_some(),
            markers: !line.markers.is_empty(),
        };
        (swatch, &line.label)
    });
    let limits = data.limits.iter().map(|l| (Swatch::Limit, &l.label));
    let windows = windows.iter().map(|(w, px)| {
        let swatch = if is_instant(*px) {
            Swatch::Instant(w.shade)
        } else {
            Swatch::Window(w.shade)
        };
        (swatch, &w.label)
    });
    let mut entries: Vec<(Swatch, String)> = Vec::new();
    for (swatch, label) in series.chain(limits).chain(windows) {
        // Several windows (or limits) of one name get one row.
        let repeat = entries.iter().any(|(s, l)| *s == swatch && l == label);
        if !label.is_empty() && !repeat {
            entries.push((swatch, label.clone()));
        }
    }
    entries
}

impl Legend {
    /// Sizes the legend for `entries` and places it on `plan`'s plot; `None` when
    /// there is nothing to list.
    pub(super) fn place(
        entries: Vec<(Swatch, String)>,
        plan: &Plan,
    ) -> Result<Option<Legend>, DrawError> {
        if entries.is_empty() {
            return Ok(None);
        }
        let max_text = plan.plot.width() * 0.45;
        let mut fitted = Vec::with_capacity(entries.len());
        let mut text_w: f64 = 0.0;
        for (swatch, label) in entries {
            // Cut rather than shrunk: legend rows should share one font size.
            let label = cut_text(&label, style::LEGEND_SIZE, false, max_text)?;
            text_w = text_w.max(text_width(&label, style::LEGEND_SIZE, false)?);
            fitted.push((swatch, label));
        }
        let width = (2.0 * PAD + SWATCH + 8.0 + text_w).ceil();
        let height = (2.0 * PAD + ROW * fitted.len() as f64 - 4.0).ceil();
        Ok(Some(Legend {
            rect: best_place(width, height, plan),
            entries: fitted,
        }))
    }

    pub(super) fn draw<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn {
        let r = self.rect;
        c.fill_rect(r, style::BACKGROUND.mix(style::LEGEND_ALPHA))?;
        c.rect_outline(r, style::GRID.to_rgba())?;
        let spec = TextSpec::new(style::LEGEND_SIZE, style::TEXT);
        for (i, (swatch, label)) in self.entries.iter().enumerate() {
            let mid = r.t + PAD + ROW * i as f64 + (ROW - 4.0) / 2.0;
            let (sl, sr) = (r.l + PAD, r.l + PAD + SWATCH);
            let line = [(sl, mid), (sr, mid)];
            match swatch {
                Swatch::Line {
                    color,
                    dashed,
                    fill,
                    band,
                    markers,
                } => {
                    if *band {
                        let around = rect(sl, mid - 7.0, sr, mid + 7.0);
                        c.fill_rect(around, color.mix(style::BAND_ALPHA))?;
                    }
                    if *fill {
                        let under = rect(sl, mid, sr, mid + 6.0);
                        c.fill_rect(under, color.mix(style::FILL_ALPHA))?;
                    }
                    c.line(&line, color.to_rgba(), style::LINE_WIDTH, *dashed)?;
                    if *markers {
                        marker(c, ((sl + sr) / 2.0, mid), *color)?;
                    }
                }
                Swatch::Limit => limit_line(c, sl, sr, mid)?,
                Swatch::Window(shade) => {
                    let block = rect(sl, mid - 6.0, sr, mid + 6.0);
                    c.fill_rect(block, shade.fill())?;
                }
                Swatch::Instant(shade) => {
                    instant_line(c, ((sl + sr) / 2.0).round(), mid - 8.0, mid + 8.0, *shade)?
                }
            }
            let base = mid + CAP_HEIGHT * style::LEGEND_SIZE / 2.0;
            c.text(label, sr + 8.0, base, &spec)?;
        }
        Ok(())
    }
}

/// The corner (or edge centre) of the plot where the legend covers the least data
/// and no labels, preferring upper left, then upper right.
fn best_place(width: f64, height: f64, plan: &Plan) -> Rect {
    let plot = &plan.plot;
    let occupied = Occupancy::new(plan);
    let (l, r) = (plot.l + INSET, plot.r - INSET - width);
    let (t, b) = (plot.t + INSET, plot.b - INSET - height);
    let c = (plot.l + plot.r - width) / 2.0;
    let candidates = [(l, t), (r, t), (c, t), (r, b), (l, b), (c, b)];
    let scored = candidates.map(|(x, y)| {
        let place = rect(
            x.round(),
            y.round(),
            (x + width).round(),
            (y + height).round(),
        );
        let clashes = plan
            .annotations
            .iter()
            .filter(|a| a.halo_box().overlaps(&place))
            .count();
        (occupied.count(&place) + ANNOTATION_CLASH * clashes, place)
    });
    // Only a strictly lower score wins, so ties go to the earlier (preferred) place.
    let best = scored[1..]
        .iter()
        .fold(scored[0], |best, s| if s.0 < best.0 { *s } else { best });
    best.1
}

#[cfg(test)]
mod tests {
    use super::super::{Limit, Series, Window, XScale};
    use super::*;

    #[test]
    fn lists_each_series_and_each_named_limit_or_window_once() {
        let window = |label: &str, from_x: f64| Window {
            label: label.into(),
            from_x,
            to_x: from_x + 1.0,
            ..Default::default()
        };
        let chart = TimeChart {
            series: vec![
                Series::new("a", vec![(0.0, 1.0), (9.0, 2.0)]),
                Series::new("", vec![(0.0, 2.0)]),
            ],
            limits: vec![Limit {
                label: "w".into(),
                value: 1.5,
            }],
            windows: vec![window("a", 1.0), window("w", 3.0), window("w", 6.0)],
            ..TimeChart::default()
        };
        style::register_fonts();
        let plan = Plan::new(&chart, XScale::Linear).expect("plan");
        let legend = plan.legend.expect("legend");
        let rows: Vec<(&str, &str)> = legend
            .entries
            .iter()
            .map(|(swatch, label)| {
                let kind = match swatch {
                    Swatch::Line { .. } => "line",
                    Swatch::Limit => "limit",
                    Swatch::Window(_) => "window",
                    Swatch::Instant(_) => "instant",
                };
                (kind, label.as_str())
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("line", "a"),
                ("limit", "w"),
                ("window", "a"),
                ("window", "w")
            ]
        );
    }
}
