//! Series as styled pixel polylines: colours, mapping and downsampling.

use super::Series;
use super::TimeChart;
use super::axis::Axis;
use super::bands::{BandRuns, band_polygons};
use super::clean_input::{CleanInput, Segments};
use super::downsample::downsample;
use super::layout::Mapper;
use crate::charts::style;
use plotters::style::RGBColor;

/// A series ready to draw: pixel polylines (already downsampled) and its style.
pub(super) struct PlotLine {
    pub(super) label: String,
    pub(super) color: RGBColor,
    pub(super) dashed: bool,
    pub(super) fill: bool,
    /// Pixel y of the fill's base (zero, or the axis bottom).
    pub(super) fill_base: f64,
    pub(super) polylines: Vec<Vec<(f64, f64)>>,
    /// Closed outlines of the uncertainty band, if the series has one.
    pub(super) band: Option<Vec<Vec<(f64, f64)>>>,
    /// Where to draw data point markers (empty when not wanted or too dense).
    pub(super) markers: Vec<(f64, f64)>,
    /// On the secondary (right) axis.
    pub(super) secondary: bool,
    /// Would lie under the lines drawn after it (`hidden.rs`): drawn last,
    /// dashed.
    pub(super) revealed: bool,
}

impl PlotLine {
    /// Every point stands alone (NaN between each): drawn as dots, so its
    /// dashes mean nothing.
    pub(super) fn only_dots(&self) -> bool {
        !self.polylines.is_empty() && self.polylines.iter().all(|p| p.len() == 1)
    }

    /// Drawn after every other line: a dashed line of the right axis. Primary
    /// data is otherwise drawn over secondary data, but a right-axis line can
    /// fall exactly on a left-axis one (a latency proportional to the requests
    /// in service), and its dashes over the solid line keep both visible.
    pub(super) fn drawn_last(&self) -> bool {
        self.secondary && self.dashed
    }

    /// The drawing layer: other lines, then the right axis's dashed lines,
    /// then the lines revealed from under them.
    pub(super) fn layer(&self) -> u8 {
        if self.revealed {
            2
        } else {
            u8::from(self.drawn_last())
        }
    }
}

/// The order lines are drawn in: by layer, in their order within one.
pub(super) fn drawing_order(lines: &[PlotLine]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| lines[i].layer());
    order
}

/// Markers are drawn only when there are at most this many pixels per point
/// on average across the plot (denser ones would merge into a thick line).
const MIN_PIXELS_PER_MARKER: f64 = 6.0;

/// Pixel polylines for all series, secondary first so that primary data is drawn
/// on top.
pub(super) fn plot_lines(
    chart: &TimeChart,
    data: &CleanInput,
    map: &Mapper,
    y: &Axis,
    y2: Option<&Axis>,
) -> Vec<PlotLine> {
    let all: Vec<&Series> = chart.series.iter().chain(&chart.series2).collect();
    let colors = assign_colors(&all);
    let (colors1, colors2) = colors.split_at(chart.series.len());
    // Four points per pixel column keep the picture (see `downsample`).
    let max_points = 4 * map.plot.width() as usize;
    let line = |series: &Series,
                (segs, band): (&Segments, &BandRuns),
                color: RGBColor,
                axis: &Axis,
                secondary: bool| {
        let px: Vec<Vec<(f64, f64)>> = segs
            .iter()
            .map(|seg| seg.iter().filter_map(|p| map.point(axis, *p)).collect())
            .collect();
        let count: usize = px.iter().map(Vec::len).sum();
        let markers = if series.markers && count as f64 * MIN_PIXELS_PER_MARKER <= map.plot.width()
        {
            px.iter().flatten().copied().collect()
        } else {
            Vec::new()
        };
        let polylines = px.into_iter().map(|p| downsample(p, max_points)).collect();
        let band = series
            .band
            .as_ref()
            .map(|_| band_polygons(band, map, axis, max_points));
        PlotLine {
            label: series.label.clone(),
            color,
            dashed: series.dashed,
            fill: series.fill,
            fill_base: map.base(axis),
            polylines,
            band,
            markers,
            secondary,
            revealed: false,
        }
    };
    let secondary = data.secondary.iter().zip(&data.secondary_bands);
    let primary = data.primary.iter().zip(&data.primary_bands);
    let mut lines: Vec<PlotLine> = (chart.series2.iter().zip(secondary).zip(colors2))
        .map(|((s, d), c)| line(s, d, *c, y2.unwrap_or(y), true))
        .collect();
    let primary = chart.series.iter().zip(primary).zip(colors1);
    lines.extend(primary.map(|((s, d), c)| line(s, d, *c, y, false)));
    lines
}

/// Past the palette's seven colours a line shares its colour with an
/// earlier one: if they also share their dashes, one of them takes the other
/// style, so that the legend still tells them apart — the later one, unless
/// it is dashed because it lies under other lines (`hidden.rs`), then the
/// earlier one, unless that one is too.
pub(super) fn tell_twins_apart(lines: &mut [PlotLine]) {
    for i in 1..lines.len() {
        if lines[i].only_dots() {
            continue;
        }
        let twin = (0..i).find(|&j| {
            !lines[j].only_dots()
                && lines[j].color == lines[i].color
                && lines[j].dashed == lines[i].dashed
                && lines[j].secondary == lines[i].secondary
        });
        let Some(j) = twin else { continue };
        if !lines[i].revealed {
            lines[i].dashed = !lines[i].dashed;
        } else if !lines[j].revealed {
            lines[j].dashed = !lines[j].dashed;
        }
    }
}

/// Palette colours: explicit indices as given, the rest in order skipping colours
/// already claimed explicitly.
fn assign_colors(all: &[&Series]) -> Vec<RGBColor> {
    let n = style::PALETTE.len();
    let taken: Vec<usize> = all.iter().filter_map(|s| s.color.map(|c| c % n)).collect();
    let mut free: Vec<usize> = (0..n).filter(|i| !taken.contains(i)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
