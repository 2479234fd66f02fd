//! The legend: its rows, laid out in columns under the plot (never over the
//! data), and its drawing.

use super::Shade;
use super::canvas::{Backend, Canvas, Drawn};
use super::clean_input::CleanInput;
use super::draw::{instant_line, limit_line, lone_dot, marker};
use super::layout::{Plan, is_instant};
use super::lines::PlotLine;
use super::rect::{Rect, rect};
use super::text::{CAP_HEIGHT, TextSpec, cut_text, text_width};
use super::{TimeChart, Window};
use crate::charts::{DrawError, style};
use plotters::style::{Color, RGBColor};

const SWATCH: f64 = 30.0;
const ROW: f64 = 22.0;
/// Space between one column's text and the next column's swatch.
const COLUMN_GAP: f64 = 28.0;

#[derive(PartialEq)]
pub(super) enum Swatch {
    Line {
        color: RGBColor,
        dashed: bool,
        fill: bool,
        band: bool,
        markers: bool,
    },
    /// A series of lone points (each replication where they disagree): the
    /// dot they are drawn with.
    Dots(RGBColor),
    Limit,
    Window(Shade),
    /// A window drawn as a marker line.
    Instant(Shade),
}

pub(super) struct Legend {
    rect: Rect,
    /// Width of a column, its gap included, and how many there are.
    column: f64,
    columns: usize,
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
        let swatch = if line.only_dots() {
            Swatch::Dots(line.color)
        } else {
            Swatch::Line {
                color: line.color,
                dashed: line.dashed,
                fill: line.fill,
                band: line.band.is_some(),
                markers: !line.markers.is_empty(),
            }
        };
        (swatch, &line.label)
    });
    let above: Vec<String> = data
        .off_chart
        .iter()
        .map(|l| format!("{} — far above the data, not drawn", l.label))
        .collect();
    let limits = data
        .limits
        .iter()
        .map(|l| (Swatch::Limit, &l.label))
        .chain(above.iter().map(|l| (Swatch::Limit, l)));
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
    /// Sizes the legend for `entries` as a grid of equal columns under the
    /// plot (placed at its bottom by [`Legend::move_to_bottom`]); `None` when
    /// there is nothing to list.
    pub(super) fn place(
        entries: Vec<(Swatch, String)>,
        _plan: &Plan,
    ) -> Result<Option<Legend>, DrawError> {
        if entries.is_empty() {
            return Ok(None);
        }
        let room = f64::from(style::WIDTH) - 2.0 * style::PAD;
        let max_text = room - SWATCH - 8.0;
        let mut fitted = Vec::with_capacity(entries.len());
        let mut text_w: f64 = 0.0;
        for (swatch, label) in entries {
            // Cut rather than shrunk: legend rows should share one font size.
            let label = cut_text(&label, style::LEGEND_SIZE, false, max_text)?;
            text_w = text_w.max(text_width(&label, style::LEGEND_SIZE, false)?);
            fitted.push((swatch, label));
        }
        let column = (SWATCH + 8.0 + text_w + COLUMN_GAP).ceil();
        let columns = ((room + COLUMN_GAP) / column).floor().max(1.0) as usize;
        let columns = columns.min(fitted.len());
        let rows = fitted.len().div_ceil(columns);
        let width = column * columns as f64 - COLUMN_GAP;
        let height = ROW * rows as f64;
        let l = ((f64::from(style::WIDTH) - width) / 2.0).round();
        Ok(Some(Legend {
            rect: rect(l, 0.0, l + width, height),
            column,
            columns,
            entries: fitted,
        }))
    }

    /// The legend's height in pixels.
    pub(super) fn height(&self) -> f64 {
        self.rect.height()
    }

    /// Where the legend is drawn.
    #[cfg(test)]
    pub(super) fn rect(&self) -> Rect {
        self.rect
    }

    /// Puts the legend's bottom edge at pixel y `b`.
    pub(super) fn move_to_bottom(&mut self, b: f64) {
        let h = self.rect.height();
        self.rect = rect(
            self.rect.l,
            (b - h).round(),
            self.rect.r,
            (b - h).round() + h,
        );
    }

    pub(super) fn draw<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn {
        let r = self.rect;
        let spec = TextSpec::new(style::LEGEND_SIZE, style::TEXT);
        for (i, (swatch, label)) in self.entries.iter().enumerate() {
            let (row, col) = (i / self.columns, i % self.columns);
            let mid = r.t + ROW * row as f64 + ROW / 2.0;
            let sl = r.l + self.column * col as f64;
            let sr = sl + SWATCH;
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
                Swatch::Dots(color) => lone_dot(c, ((sl + sr) / 2.0, mid), color.to_rgba())?,
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
                    Swatch::Dots(_) => "dots",
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

#[cfg(test)]
mod outside_tests {
    use super::super::test_support::demo;
    use super::super::{Series, XScale};
    use super::*;

    /// The legend never sits on the data: its rectangle and the plot's are
    /// disjoint, and it stays inside the image, however many rows it has.
    #[test]
    fn legend_lies_outside_the_plot_area() {
        style::register_fonts();
        let mut many = demo(500);
        for i in 0..14 {
            many.series.push(Series::new(
                format!("a rather long series label number {i}"),
                vec![(0.0, i as f64), (10.0, 2.0 * i as f64)],
            ));
        }
        for chart in [demo(500), many] {
            let plan = Plan::new(&chart, XScale::Linear).expect("plan");
            let legend = plan.legend.as_ref().expect("legend").rect();
            assert!(
                !legend.overlaps(&plan.plot),
                "{legend:?} on {:?}",
                plan.plot
            );
            assert!(legend.t > plan.plot.b, "under the plot");
            assert!(legend.l >= 0.0 && legend.r <= f64::from(style::WIDTH));
            assert!(legend.b <= f64::from(style::HEIGHT));
            for t in &plan.texts {
                assert!(t.y < legend.t || t.y > legend.b, "{} on the legend", t.text);
            }
        }
    }
}
