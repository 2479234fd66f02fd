//! Series as styled pixel polylines: colours, mapping and downsampling.

use super::Series;
use super::TimeChart;
use super::axis::Axis;
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
}

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
    let line = |series: &Series, segs: &Segments, color: RGBColor, axis: &Axis| {
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
    let secondary = chart.series2.iter().zip(&data.secondary).zip(colors2);
    let primary = chart.series.iter().zip(&data.primary).zip(colors1);
    let mut lines: Vec<PlotLine> = secondary
        .map(|((s, segs), c)| line(s, segs, *c, y2.unwrap_or(y)))
        .collect();
    lines.extend(primary.map(|((s, segs), c)| line(s, segs, *c, y)));
    lines
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
