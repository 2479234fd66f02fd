//! Axis-aligned rectangles in output pixels (y down).

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) l: f64,
    pub(crate) t: f64,
    pub(crate) r: f64,
    pub(crate) b: f64,
}

/// Rectangle from its left, top, right and bottom edges.
pub(crate) const fn rect(l: f64, t: f64, r: f64, b: f64) -> Rect {
    Rect { l, t, r, b }
}

impl Rect {
    pub(crate) fn width(&self) -> f64 {
        self.r - self.l
    }

    pub(crate) fn height(&self) -> f64 {
        self.b - self.t
    }

    pub(crate) fn overlaps(&self, o: &Rect) -> bool {
        self.l < o.r && o.l < self.r && self.t < o.b && o.t < self.b
    }

    /// This rectangle with `d` added on every side.
    pub(crate) fn grown(&self, d: f64) -> Rect {
        rect(self.l - d, self.t - d, self.r + d, self.b + d)
    }
}
