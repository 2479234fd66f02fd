//! Where the plot already shows something, for placing the legend.

use super::layout::Plan;
use super::rect::Rect;

/// Coarse grid over the plot recording how much is drawn in each cell (lines
/// weigh most, limit lines and filled areas less).
pub(super) struct Occupancy {
    origin: (f64, f64),
    cols: usize,
    rows: usize,
    cells: Vec<usize>,
}

impl Occupancy {
    const CELL: f64 = 6.0;

    pub(super) fn new(plan: &Plan) -> Occupancy {
        let plot = &plan.plot;
        let cols = (plot.width() / Self::CELL).ceil().max(1.0) as usize;
        let rows = (plot.height() / Self::CELL).ceil().max(1.0) as usize;
        let mut grid = Occupancy {
            origin: (plot.l, plot.t),
            cols,
            rows,
            cells: vec![0; cols * rows],
        };
        for line in &plan.lines {
            for band in line.band.iter().flatten() {
                grid.mark_band(band);
            }
            for p in &line.markers {
                grid.mark(*p, 4);
            }
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
        for y in &plan.limit_ys {
            grid.mark_segment((plot.l, *y), (plot.r, *y), 2);
        }
        for (x, _) in &plan.instants {
            grid.mark_segment((*x, plot.t), (*x, plot.b), 2);
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

    /// Marks a band outline (upper edge, then lower edge back) with weight 1,
    /// filling between the edges at each vertex.
    fn mark_band(&mut self, outline: &[(f64, f64)]) {
        let n = outline.len();
        for (i, p) in outline.iter().enumerate().take(n / 2) {
            self.mark_segment(*p, outline[n - 1 - i], 1);
        }
    }

    /// Marks points every half cell along the segment (capped for huge ones).
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

    /// Total weight of the cells sampled on a cell-sized lattice over `r`.
    pub(super) fn count(&self, r: &Rect) -> usize {
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
