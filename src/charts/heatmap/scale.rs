//! From values to colours, the colour bar's ticks, and numbers as cell and axis
//! labels.

use super::colormap::viridis;
use crate::charts::DrawError;
use crate::charts::timechart::axis::Axis;
use crate::charts::timechart::span_axis::{linear_span, log_span};
use crate::charts::timechart::tick_labels::format_si;
use plotters::style::RGBColor;

/// Least distance between colour bar ticks, in pixels: evenly spaced ticks are
/// kept further apart, log ticks (unevenly spaced) are judged by their closest.
const LINEAR_TICK_ROOM: f64 = 64.0;
const LOG_TICK_ROOM: f64 = 40.0;

/// The value range the colours span: the data's, on log10 of the values if `log`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ColourScale {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) log: bool,
}

impl ColourScale {
    /// Spans `values` (finite, and positive if `log`, as checked); a single value
    /// sits mid-scale. `None` when there are no values.
    pub(super) fn new(values: &[f64], log: bool) -> Option<ColourScale> {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo > hi {
            return None;
        }
        let (lo, hi) = match (lo == hi, log) {
            (false, _) => (lo, hi),
            (true, true) => (lo / 2.0, hi * 2.0),
            (true, false) if lo == 0.0 => (-1.0, 1.0),
            (true, false) => (lo - lo.abs() / 2.0, hi + hi.abs() / 2.0),
        };
        Some(ColourScale { lo, hi, log })
    }

    /// Position of `v` on the scale, 0 at `lo` and 1 at `hi`.
    pub(super) fn frac(&self, v: f64) -> f64 {
        let f = if self.log {
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        f.clamp(0.0, 1.0)
    }

    pub(super) fn colour(&self, v: f64) -> RGBColor {
        viridis(self.frac(v))
    }

    /// Ticks for a colour bar `length` pixels long.
    pub(super) fn axis(&self, length: f64) -> Result<Axis, DrawError> {
        if self.log {
            log_span(self.lo, self.hi, length, &|_| Ok(LOG_TICK_ROOM))
        } else {
            linear_span(self.lo, self.hi, length, false, &|_| Ok(LINEAR_TICK_ROOM))
        }
    }
}

/// A value in a cell: three significant digits, SI suffixes ("0.0452", "12.3",
/// "1.5k", "123k").
pub(super) fn short_number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format_si(v, 1.0);
    }
    let step = 10f64.powi(v.abs().log10().floor() as i32 - 2);
    format_si(v, step)
}

/// A parameter value as an axis label: exact where that is short ("0.25", "1.5k",
/// "1.001k"), else three significant digits.
pub(super) fn param_label(v: f64) -> String {
    let exact = format_si(v, v);
    if exact.chars().count() <= 6 {
        exact
    } else {
        short_number(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_spans_the_values() {
        let s = ColourScale::new(&[2.0, 8.0, 4.0], false).expect("scale");
        assert_eq!((s.lo, s.hi), (2.0, 8.0));
        assert_eq!(s.frac(5.0), 0.5);
        let l = ColourScale::new(&[0.01, 10.0], true).expect("scale");
        assert!((l.frac(0.1) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(l.frac(1e9), 1.0);
        let one = ColourScale::new(&[3.0], false).expect("scale");
        assert_eq!(one.frac(3.0), 0.5);
        let zero = ColourScale::new(&[0.0], false).expect("scale");
        assert_eq!(zero.frac(0.0), 0.5);
        assert_eq!(ColourScale::new(&[], true), None);
    }

    #[test]
    fn colour_bar_ticks_are_neither_crowded_nor_sparse() {
        crate::charts::style::register_fonts();
        let labels = |s: ColourScale| -> Vec<String> {
            let axis = s.axis(500.0).expect("axis");
            axis.ticks.into_iter().map(|t| t.1).collect()
        };
        let log = ColourScale::new(&[0.05, 70.0], true).expect("scale");
        let want = ["0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50"];
        assert_eq!(labels(log), want);
        let linear = ColourScale::new(&[0.25, 0.75], false).expect("scale");
        assert_eq!(labels(linear), ["0.3", "0.4", "0.5", "0.6", "0.7"]);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(short_number(0.045_21), "0.0452");
        assert_eq!(short_number(12.345), "12.3");
        assert_eq!(short_number(1500.0), "1.5k");
        assert_eq!(short_number(123_456.0), "123k");
        assert_eq!(short_number(-2.5), "-2.5");
        assert_eq!(short_number(0.0), "0");
        assert_eq!(param_label(0.25), "0.25");
        assert_eq!(param_label(1001.0), "1.001k");
        assert_eq!(param_label(1.0 / 3.0), "0.333");
        assert_eq!(param_label(500.0), "500");
    }
}
