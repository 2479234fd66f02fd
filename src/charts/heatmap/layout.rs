//! The plan: everything the heat map shows, positioned in output pixels (y down).
//! The frame (titles, axis labels, colour bar) is placed here, the cells in
//! `cells` and the key in `key`.

use super::HeatMap;
use super::cells::{Cells, grid_cells};
use super::key::{KeyEntry, key_row};
use super::scale::{ColourScale, param_label};
use crate::charts::timechart::rect::{Rect, rect};
use crate::charts::timechart::text::{
    CAP_HEIGHT, DESCENT, PlacedText, TextSpec, fitted_title, header, text_width,
};
use crate::charts::{DrawError, style};
use plotters::style::RGBColor;
use plotters::style::text_anchor::HPos;

const HEADER_GAP: f64 = 22.0;
const AXIS_LABEL_GAP: f64 = 14.0;
/// Between the grid and its tick labels.
const LABEL_GAP: f64 = 8.0;
pub(super) const TICK_LEN: f64 = 6.0;
const TICK_GAP: f64 = 5.0;
const BAR_WIDTH: f64 = 22.0;
const BAR_GAP: f64 = 28.0;
/// Height of the colour bar's gradient steps, in pixels.
const STRIP: f64 = 2.0;

/// Everything to draw, computed once and drawn onto both outputs.
pub(super) struct Plan {
    pub(super) cells: Cells,
    pub(super) bar: Option<ColourBar>,
    pub(super) key: Vec<KeyEntry>,
    /// Titles, axis titles and tick labels.
    pub(super) texts: Vec<PlacedText>,
}

/// The colour bar: gradient strips bottom to top, and ticks (pixel y, label).
pub(super) struct ColourBar {
    pub(super) rect: Rect,
    pub(super) strips: Vec<(Rect, RGBColor)>,
    pub(super) ticks: Vec<(f64, PlacedText)>,
}

impl Plan {
    /// Lays out a checked heat map.
    pub(super) fn new(map: &HeatMap) -> Result<Plan, DrawError> {
        let (w, h) = (f64::from(style::WIDTH), f64::from(style::HEIGHT));
        let mut texts = Vec::new();
        let mut top = header(&map.title, map.subtitle.as_deref(), &mut texts)? + HEADER_GAP;
        let (key_height, key_entries) = key_row(map);
        top += key_height;
        let x_title_base = h - style::PAD - DESCENT * style::AXIS_LABEL_SIZE;
        let bottom = x_title_base
            - CAP_HEIGHT * style::AXIS_LABEL_SIZE
            - AXIS_LABEL_GAP
            - (CAP_HEIGHT + DESCENT) * style::TICK_SIZE
            - LABEL_GAP;
        let (top, bottom) = (top.round(), bottom.round());
        let values: Vec<f64> = map.values.iter().flatten().flatten().copied().collect();
        let scale = ColourScale::new(&values, map.log_colour);
        let bar_axis = scale.map(|s| s.axis(bottom - top)).transpose()?;
        let bar_labels = bar_axis.as_ref().map_or(Ok(0.0), |a| a.widest_label())?;
        let title_band = (CAP_HEIGHT + DESCENT) * style::AXIS_LABEL_SIZE + AXIS_LABEL_GAP;
        let bar_r = (w - style::PAD - title_band - bar_labels - TICK_LEN - TICK_GAP).round();
        let bar = rect(bar_r - BAR_WIDTH, top, bar_r, bottom);
        let y_labels = names(&map.y_names, &map.ys);
        let y_label_w = widest(&y_labels)?;
        let left = (style::PAD + title_band + y_label_w + LABEL_GAP).round();
        let grid = rect(left, top, bar.l - BAR_GAP, bottom);
        let cells = grid_cells(map, scale.as_ref(), grid)?;
        tick_labels(map, &cells, y_labels, &mut texts)?;
        axis_titles(map, &grid, x_title_base, &mut texts)?;
        let bar = match (scale, bar_axis) {
            (Some(scale), Some(axis)) => Some(colour_bar(&scale, &axis, bar)),
            _ => None,
        };
        Ok(Plan {
            key: key_entries.place(grid.r, top - key_height, cells.dots)?,
            cells,
            bar,
            texts,
        })
    }
}

/// The given names when there is one per value, else the values.
fn names(given: &[String], values: &[f64]) -> Vec<String> {
    if given.len() == values.len() {
        given.to_vec()
    } else {
        values.iter().map(|v| param_label(*v)).collect()
    }
}

fn widest(labels: &[String]) -> Result<f64, DrawError> {
    labels
        .iter()
        .map(|l| text_width(l, style::TICK_SIZE, false))
        .try_fold(0.0, |a: f64, w| w.map(|w| a.max(w)))
}

/// Parameter values under the columns and left of the rows; every n-th only when
/// all would crowd.
fn tick_labels(
    map: &HeatMap,
    cells: &Cells,
    y_labels: Vec<String>,
    texts: &mut Vec<PlacedText>,
) -> Result<(), DrawError> {
    let spec = TextSpec::new(style::TICK_SIZE, style::TEXT_MUTED);
    let x_labels = names(&map.x_names, &map.xs);
    let x_every = ((widest(&x_labels)? + 12.0) / cells.col_width())
        .ceil()
        .max(1.0) as usize;
    let base = cells.grid.b + LABEL_GAP + CAP_HEIGHT * style::TICK_SIZE;
    let w = f64::from(style::WIDTH);
    for (i, text) in x_labels.into_iter().enumerate().step_by(x_every) {
        let half = text_width(&text, style::TICK_SIZE, false)? / 2.0;
        let x = cells.col_centre(i).clamp(half + 4.0, w - half - 4.0);
        let spec = spec.align(HPos::Center);
        texts.push(PlacedText {
            text,
            x,
            y: base,
            spec,
        });
    }
    let row = (CAP_HEIGHT + DESCENT) * style::TICK_SIZE + 4.0;
    let y_every = (row / cells.row_height()).ceil().max(1.0) as usize;
    let x = cells.grid.l - LABEL_GAP;
    for (j, text) in y_labels.into_iter().enumerate().step_by(y_every) {
        let y = cells.row_centre(j) + CAP_HEIGHT * style::TICK_SIZE / 2.0;
        let spec = spec.align(HPos::Right);
        texts.push(PlacedText { text, x, y, spec });
    }
    Ok(())
}

/// Axis titles: x centred under the grid, y reading upwards left of it, the value
/// label reading upwards right of the colour bar.
fn axis_titles(
    map: &HeatMap,
    grid: &Rect,
    x_base: f64,
    texts: &mut Vec<PlacedText>,
) -> Result<(), DrawError> {
    let size = style::AXIS_LABEL_SIZE;
    let spec = TextSpec::new(size, style::TEXT).align(HPos::Center);
    let mid_y = (grid.t + grid.b) / 2.0;
    let max_up = grid.height() + HEADER_GAP;
    let mid_x = (grid.l + grid.r) / 2.0;
    texts.push(fitted_title(
        &map.x_label,
        grid.width(),
        mid_x,
        x_base,
        spec,
    )?);
    let left_base = style::PAD + CAP_HEIGHT * size;
    texts.push(fitted_title(
        &map.y_label,
        max_up,
        left_base,
        mid_y,
        spec.up(),
    )?);
    let right_base = f64::from(style::WIDTH) - style::PAD - DESCENT * size;
    texts.push(fitted_title(
        &map.value_label,
        max_up,
        right_base,
        mid_y,
        spec.up(),
    )?);
    Ok(())
}

/// Gradient strips and labelled ticks of the colour bar at `r`.
fn colour_bar(
    scale: &ColourScale,
    axis: &crate::charts::timechart::axis::Axis,
    r: Rect,
) -> ColourBar {
    let n = (r.height() / STRIP).ceil().max(1.0) as usize;
    let y_at = |i: usize| (r.b - r.height() * i as f64 / n as f64).round();
    let strips = (0..n)
        .map(|i| {
            let f = (i as f64 + 0.5) / n as f64;
            let colour = super::colormap::viridis(f);
            (rect(r.l, y_at(i + 1), r.r, y_at(i)), colour)
        })
        .collect();
    let spec = TextSpec::new(style::TICK_SIZE, style::TEXT_MUTED);
    let ticks = axis
        .ticks
        .iter()
        .map(|(v, label)| {
            let y = (r.b - scale.frac(*v) * r.height()).round();
            let text = PlacedText {
                text: label.clone(),
                x: r.r + TICK_LEN + TICK_GAP,
                y: y + CAP_HEIGHT * style::TICK_SIZE / 2.0,
                spec,
            };
            (y, text)
        })
        .collect();
    ColourBar {
        rect: r,
        strips,
        ticks,
    }
}
