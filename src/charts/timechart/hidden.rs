//! A line drawn under another can vanish: two jitter policies with the same
//! curve, partitions with the same lag, an offered load equal to the goodput
//! drawn over it. The legend would then name a line nobody can see. A line
//! that lies almost wholly under the lines drawn after it is revealed: drawn
//! last, dashed, so that the line beneath shows through its gaps and both
//! colours are on the picture.

use super::lines::PlotLine;
use super::rect::Rect;
use crate::charts::style;

/// Revealed when at least this many tenths of a line's length are under
/// later lines (in tenths so that the test is exact, in integers).
const HIDDEN_TENTHS: usize = 9;
/// Sample spacing along a polyline, in pixels.
const STEP: f64 = 1.0;

/// Pixels painted by the lines drawn so far (from the top of the stack down).
struct Coverage {
    plot: Rect,
    width: usize,
    height: usize,
    painted: Vec<bool>,
}

impl Coverage {
    fn new(plot: Rect) -> Coverage {
        let width = plot.width().max(0.0).ceil() as usize + 3;
        let height = plot.height().max(0.0).ceil() as usize + 3;
        Coverage {
            plot,
            width,
            height,
            painted: vec![false; width * height],
        }
    }

    /// The cell of a pixel position, if it is on the plot (with a margin).
    fn cell(&self, (x, y): (f64, f64)) -> Option<usize> {
        Some(self.row(y)? * self.width + self.column(x)?)
    }

    /// A position's column of cells, if on the plot (with a margin).
    fn column(&self, x: f64) -> Option<usize> {
        let cx = (x - self.plot.l + 1.0).round();
        (cx >= 0.0 && (cx as usize) < self.width).then_some(cx as usize)
    }

    /// A position's row of cells, if on the plot (with a margin).
    fn row(&self, y: f64) -> Option<usize> {
        let cy = (y - self.plot.t + 1.0).round();
        (cy >= 0.0 && (cy as usize) < self.height).then_some(cy as usize)
    }

    /// Paints a line as drawn: every pixel within half its width. A cell's
    /// column depends on x alone and its row on y alone, so each sample
    /// rounds 2r + 1 columns and rows (not (2r + 1)² cells); a sample on the
    /// same cells as the one before paints nothing new.
    fn paint(&mut self, line: &PlotLine) {
        // Half the line width rounded up (`f64::ceil` is not const here).
        const R: i64 = {
            let half = style::LINE_WIDTH / 2.0;
            let t = half as i64;
            if (t as f64) < half { t + 1 } else { t }
        };
        const N: usize = 2 * R as usize + 1;
        let mut last = None;
        for p in samples(line) {
            let mut columns = [None; N];
            let mut rows = [None; N];
            for (k, d) in (-R..=R).enumerate() {
                columns[k] = self.column(p.0 + d as f64);
                rows[k] = self.row(p.1 + d as f64);
            }
            if last == Some((columns, rows)) {
                continue;
            }
            last = Some((columns, rows));
            for cy in rows.iter().flatten() {
                for cx in columns.iter().flatten() {
                    self.painted[cy * self.width + cx] = true;
                }
            }
        }
    }

    /// Whether at least `HIDDEN_TENTHS` of the line's samples on the plot are
    /// on painted pixels (none on the plot: not hidden). Stops at the first
    /// uncovered sample that makes the share unreachable even if every other
    /// sample were on the plot and covered: most lines are not hidden, and
    /// that shows after a tenth of their length or less.
    fn hidden(&self, line: &PlotLine) -> bool {
        let most = sample_count(line);
        let (mut on, mut all, mut missed) = (0usize, 0usize, 0usize);
        for p in samples(line) {
            if let Some(i) = self.cell(p) {
                all += 1;
                if self.painted[i] {
                    on += 1;
                } else {
                    missed += 1;
                    if missed * 10 > most * (10 - HIDDEN_TENTHS) {
                        return false;
                    }
                }
            }
        }
        all > 0 && on * 10 >= all * HIDDEN_TENTHS
    }
}

/// Sample points of a segment: one every `STEP` pixels, at least one.
fn steps((x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> usize {
    ((x1 - x0).hypot(y1 - y0) / STEP).ceil().max(1.0) as usize
}

/// How many points `samples` yields, without making them.
fn sample_count(line: &PlotLine) -> usize {
    line.polylines
        .iter()
        .map(|poly| match poly.len() {
            1 => 1,
            _ => poly.windows(2).map(|w| steps(w[0], w[1])).sum(),
        })
        .sum()
}

/// Points every `STEP` pixels along each polyline (a lone point as itself).
fn samples(line: &PlotLine) -> impl Iterator<Item = (f64, f64)> + '_ {
    line.polylines.iter().flat_map(|poly| {
        let lone = (poly.len() == 1).then(|| poly[0]);
        poly.windows(2)
            .flat_map(|w| {
                let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                let n = steps(w[0], w[1]);
                (0..n).map(move |k| {
                    let t = k as f64 / n as f64;
                    (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                })
            })
            .chain(lone)
    })
}

/// Marks the lines that the lines drawn after them would hide; `order` is the
/// drawing order (indices into `lines`).
pub(super) fn reveal(lines: &mut [PlotLine], order: &[usize], plot: Rect) {
    let mut cover = Coverage::new(plot);
    for (k, &i) in order.iter().enumerate().rev() {
        // The top line has nothing over it, and nothing lies under the
        // bottom one: neither needs the other half of the work.
        let top = k + 1 == order.len();
        // Areas are shaded, not stroked over: their outline is their own.
        if !top && !lines[i].fill && cover.hidden(&lines[i]) {
            lines[i].revealed = true;
            lines[i].dashed = true;
        }
        if k > 0 {
            cover.paint(&lines[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::timechart::rect::rect;
    use plotters::style::RGBColor;

    fn line(label: &str, points: Vec<(f64, f64)>) -> PlotLine {
        PlotLine {
            label: label.into(),
            color: RGBColor(0, 0, 0),
            dashed: false,
            fill: false,
            fill_base: 0.0,
            polylines: vec![points],
            band: None,
            markers: vec![],
            secondary: false,
            revealed: false,
        }
    }

    #[test]
    fn a_line_under_a_later_one_is_revealed_and_a_distinct_one_is_not() {
        let plot = rect(0.0, 0.0, 200.0, 100.0);
        let mut lines = vec![
            line("full", vec![(0.0, 90.0), (200.0, 20.0)]),
            line("apart", vec![(0.0, 10.0), (200.0, 10.0)]),
            line("equal", vec![(0.0, 90.5), (200.0, 20.5)]),
        ];
        reveal(&mut lines, &[0, 1, 2], plot);
        assert!(lines[0].revealed && lines[0].dashed, "hidden under `equal`");
        assert!(!lines[1].revealed && !lines[2].revealed);
        // Crossing once is not hiding.
        let mut lines = vec![
            line("a", vec![(0.0, 90.0), (200.0, 10.0)]),
            line("b", vec![(0.0, 10.0), (200.0, 90.0)]),
        ];
        reveal(&mut lines, &[0, 1], plot);
        assert!(!lines[0].revealed);
    }

    #[test]
    fn a_line_is_revealed_only_when_nine_tenths_of_it_are_covered() {
        let plot = rect(0.0, 0.0, 200.0, 100.0);
        let under = || line("under", vec![(0.0, 50.0), (200.0, 50.0)]);
        let over = |to: f64| line("over", vec![(0.0, 50.0), (to, 50.0)]);
        // Covered up to x = 170 (plus the line's half width): 86 %.
        let mut lines = vec![under(), over(170.0)];
        reveal(&mut lines, &[0, 1], plot);
        assert!(!lines[0].revealed);
        // Covered up to x = 185: 93.5 %.
        let mut lines = vec![under(), over(185.0)];
        reveal(&mut lines, &[0, 1], plot);
        assert!(lines[0].revealed);
    }
}
