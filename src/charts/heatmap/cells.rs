//! The grid: one cell per (x, y) pair with its colour, value and collapse mark,
//! and the boundary between collapsed and stable cells.

use super::HeatMap;
use super::colormap::text_on;
use super::scale::{ColourScale, short_number};
use crate::charts::timechart::rect::{Rect, rect};
use crate::charts::timechart::text::{CAP_HEIGHT, DESCENT, PlacedText, TextSpec, text_width};
use crate::charts::{DrawError, style};
use plotters::style::RGBColor;
use plotters::style::text_anchor::HPos;

/// Values are printed in the cells of grids up to this size (in both directions).
const MAX_LABELLED: usize = 12;
/// Smallest font size of values in cells; smaller cells go without.
const MIN_LABEL_SIZE: f64 = 10.0;
/// Cells at least this large (pixels) are separated by a white gap.
const GAP_FROM: f64 = 16.0;
const GAP: f64 = 2.0;
/// Smallest cell size (pixels) that is still drawn.
const MIN_CELL: f64 = 3.0;
/// Half the size of the × in a corner of a collapsed cell with a value.
const CORNER_CROSS: f64 = 4.0;
/// Cells smaller than this (pixels) mark a collapse with a dot: rows of × would
/// swamp the colours.
const MIN_CROSSED: f64 = 14.0;

pub(super) struct Cell {
    pub(super) rect: Rect,
    /// `None`: no data (drawn hatched).
    pub(super) fill: Option<RGBColor>,
    pub(super) label: Option<PlacedText>,
    pub(super) mark: Option<Mark>,
}

/// The mark of a collapsed cell: a × (or, in small cells, a dot) of half size
/// `half` centred on `at`.
#[derive(Clone, Copy)]
pub(super) struct Mark {
    pub(super) at: (f64, f64),
    pub(super) half: f64,
    pub(super) colour: RGBColor,
    pub(super) dot: bool,
}

pub(super) struct Cells {
    pub(super) grid: Rect,
    nx: usize,
    ny: usize,
    pub(super) cells: Vec<Cell>,
    /// The collapse boundary: segments as rectangles of the line's full width.
    pub(super) boundary: Vec<Rect>,
    /// Collapsed cells are marked with dots rather than ×.
    pub(super) dots: bool,
}

impl Cells {
    pub(super) fn col_width(&self) -> f64 {
        self.grid.width() / self.nx as f64
    }

    pub(super) fn row_height(&self) -> f64 {
        self.grid.height() / self.ny as f64
    }

    /// Pixel x of the left edge of column `i` (0..=nx).
    fn x_edge(&self, i: usize) -> f64 {
        (self.grid.l + self.col_width() * i as f64).round()
    }

    /// Pixel y of the bottom edge of row `j` (0..=ny; row 0 at the bottom).
    fn y_edge(&self, j: usize) -> f64 {
        (self.grid.b - self.row_height() * j as f64).round()
    }

    pub(super) fn col_centre(&self, i: usize) -> f64 {
        (self.x_edge(i) + self.x_edge(i + 1)) / 2.0
    }

    pub(super) fn row_centre(&self, j: usize) -> f64 {
        (self.y_edge(j) + self.y_edge(j + 1)) / 2.0
    }
}

/// Cells of a checked heat map over `grid`, coloured on `scale` (`None`: no values).
pub(super) fn grid_cells(
    map: &HeatMap,
    scale: Option<&ColourScale>,
    grid: Rect,
) -> Result<Cells, DrawError> {
    let (nx, ny) = (map.xs.len(), map.ys.len());
    let mut cells = Cells {
        grid,
        nx,
        ny,
        cells: Vec::with_capacity(nx * ny),
        boundary: Vec::new(),
        dots: false,
    };
    let (cw, rh) = (cells.col_width(), cells.row_height());
    if cw < MIN_CELL || rh < MIN_CELL {
        return Err(DrawError::TooManyCells {
            nx,
            ny,
            max_columns: (grid.width() / MIN_CELL) as usize,
            max_rows: (grid.height() / MIN_CELL) as usize,
        });
    }
    let gap = if cw.min(rh) >= GAP_FROM { GAP } else { 0.0 };
    cells.dots = cw.min(rh) < MIN_CROSSED;
    let label_size = label_size(map, cw - gap, rh - gap)?;
    for j in 0..ny {
        for i in 0..nx {
            let r = rect(
                cells.x_edge(i) + gap / 2.0,
                cells.y_edge(j + 1) + gap / 2.0,
                cells.x_edge(i + 1) - gap / 2.0,
                cells.y_edge(j) - gap / 2.0,
            );
            let value = map.values[j][i];
            let collapsed = map.collapsed[j][i].then_some(cells.dots);
            let c = cell(r, value, collapsed, scale, label_size);
            cells.cells.push(c);
        }
    }
    cells.boundary = boundary(map, &cells, gap);
    Ok(cells)
}

/// Font size of the values printed in cells `w` x `h` pixels, if they are printed.
fn label_size(map: &HeatMap, w: f64, h: f64) -> Result<Option<f64>, DrawError> {
    if map.xs.len() > MAX_LABELLED || map.ys.len() > MAX_LABELLED {
        return Ok(None);
    }
    let size = style::ANNOTATION_SIZE;
    let mut widest: f64 = 0.0;
    for v in map.values.iter().flatten().flatten() {
        widest = widest.max(text_width(&short_number(*v), size, false)?);
    }
    let fit_w = if widest > 0.0 {
        (w - 8.0) / widest * size
    } else {
        size
    };
    let fit_h = (h - 6.0) / (CAP_HEIGHT + DESCENT);
    let size = size.min(fit_w).min(fit_h);
    Ok((size >= MIN_LABEL_SIZE).then_some(size))
}

/// One cell; `collapsed` is `Some(dot)` for a collapsed one.
fn cell(
    r: Rect,
    value: Option<f64>,
    collapsed: Option<bool>,
    scale: Option<&ColourScale>,
    label_size: Option<f64>,
) -> Cell {
    let fill = value.zip(scale).map(|(v, s)| s.colour(v));
    let ink = fill.map_or(style::TEXT_MUTED, text_on);
    let centre = ((r.l + r.r) / 2.0, (r.t + r.b) / 2.0);
    let label = value.zip(label_size).map(|(v, size)| PlacedText {
        text: short_number(v),
        x: centre.0,
        // Digits have no descenders: centre their cap height.
        y: centre.1 + CAP_HEIGHT * size / 2.0,
        spec: TextSpec::new(size, ink).align(HPos::Center),
    });
    // A corner × needs room above the value.
    let corner_room = label.as_ref().is_some_and(|l| {
        r.height() >= (CAP_HEIGHT + DESCENT) * l.spec.size + 4.0 * CORNER_CROSS + 12.0
    });
    let mark = |at, half, dot| Mark {
        at,
        half,
        colour: ink,
        dot,
    };
    let (label, mark) = match (collapsed, label) {
        (None, label) => (label, None),
        (Some(_), Some(label)) if corner_room => {
            let at = (r.r - CORNER_CROSS - 6.0, r.t + CORNER_CROSS + 6.0);
            (Some(label), Some(mark(at, CORNER_CROSS, false)))
        }
        (Some(true), _) => (None, Some(mark(centre, 1.5, true))),
        (Some(false), _) => {
            let half = (r.width().min(r.height()) * 0.25).clamp(3.0, 9.0);
            (None, Some(mark(centre, half, false)))
        }
    };
    Cell {
        rect: r,
        fill,
        label,
        mark,
    }
}

/// Segments between horizontally or vertically neighbouring cells of which one
/// collapsed and the other did not, as rectangles (kept inside the grid).
fn boundary(map: &HeatMap, cells: &Cells, gap: f64) -> Vec<Rect> {
    let width = if gap > 0.0 { 4.0 } else { 2.0 };
    let half = width / 2.0;
    let g = cells.grid;
    let clip = |r: Rect| rect(r.l.max(g.l), r.t.max(g.t), r.r.min(g.r), r.b.min(g.b));
    let c = &map.collapsed;
    let mut out = Vec::new();
    for j in 0..cells.ny {
        for i in 0..cells.nx {
            if i + 1 < cells.nx && c[j][i] != c[j][i + 1] {
                let x = cells.x_edge(i + 1);
                let (t, b) = (cells.y_edge(j + 1), cells.y_edge(j));
                out.push(clip(rect(x - half, t - half, x + half, b + half)));
            }
            if j + 1 < cells.ny && c[j][i] != c[j + 1][i] {
                let y = cells.y_edge(j + 1);
                let (l, r) = (cells.x_edge(i), cells.x_edge(i + 1));
                out.push(clip(rect(l - half, y - half, r + half, y + half)));
            }
        }
    }
    out
}
