//! Axis ranges and tick positions of value axes: linear (optionally sharing
//! another axis's grid) and log; see `span_axis` for the x axis.

use super::text::text_width;
use super::tick_labels::format_si;
use crate::charts::{DrawError, style};

const NICE_MANTISSAS: [f64; 4] = [1.0, 2.0, 2.5, 5.0];
/// Above this |k| tick indices lose integer precision in f64.
const MAX_TICK_INDEX: f64 = 1e15;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) log: bool,
    /// Labelled ticks with their labels.
    pub(crate) ticks: Vec<(f64, String)>,
    /// Unlabelled fainter grid lines (log axes only).
    pub(crate) minor: Vec<f64>,
}

impl Axis {
    pub(crate) fn linear(lo: f64, hi: f64, ticks: Vec<(f64, String)>) -> Axis {
        Axis {
            lo,
            hi,
            log: false,
            ticks,
            minor: Vec::new(),
        }
    }

    /// Position of `v` along the axis, 0 at `lo` and 1 at `hi`; `None` where the
    /// value cannot be shown (non-finite, or <= 0 on a log axis).
    pub(crate) fn frac(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            if v <= 0.0 {
                return None;
            }
            let (lo, hi) = (self.lo.log10(), self.hi.log10());
            Some((v.log10() - lo) / (hi - lo))
        } else {
            Some((v - self.lo) / (self.hi - self.lo))
        }
    }

    /// Number of equal intervals between labelled ticks spanning the whole axis, if
    /// the ticks are laid out that way (so a second axis can share the grid).
    pub(crate) fn even_intervals(&self) -> Option<usize> {
        let n = self.ticks.len().checked_sub(1).filter(|n| *n >= 1)?;
        let even = self.ticks.iter().enumerate().all(|(i, (v, _))| {
            self.frac(*v)
                .is_some_and(|f| (f - i as f64 / n as f64).abs() < 1e-9)
        });
        even.then_some(n)
    }

    /// Width of the widest tick label in output pixels.
    pub(crate) fn widest_label(&self) -> Result<f64, DrawError> {
        self.ticks
            .iter()
            .map(|(_, l)| text_width(l, style::TICK_SIZE, false))
            .try_fold(0.0, |a: f64, w| w.map(|w| a.max(w)))
    }
}

/// A "nice" step (1, 2, 2.5 or 5 times a power of ten; a whole number if
/// `whole`) and tick indices `k0..=k1` such that `k0*step <= lo`, `k1*step >= hi`
/// and `k1 - k0 <= max_intervals`, choosing the smallest such step.
pub(crate) fn nice_step(
    lo: f64,
    hi: f64,
    max_intervals: usize,
    whole: bool,
) -> Option<(f64, f64, f64)> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) || max_intervals == 0 {
        return None;
    }
    let mut first_exp = (span / max_intervals as f64).log10().floor() as i32 - 1;
    if whole {
        first_exp = first_exp.max(0);
    }
    for exp in first_exp..first_exp + 4 {
        for m in NICE_MANTISSAS {
            let step = m * 10f64.powi(exp);
            let bad = !(step.is_finite() && step > 0.0) || (whole && step.fract() != 0.0);
            if bad {
                continue;
            }
            let k0 = (lo / step + 1e-9).floor();
            let k1 = (hi / step - 1e-9).ceil();
            if k0.abs() > MAX_TICK_INDEX || k1.abs() > MAX_TICK_INDEX {
                continue;
            }
            if k1 - k0 <= max_intervals as f64 {
                return Some((step, k0, k1.max(k0 + 1.0)));
            }
        }
    }
    None
}

/// Data extent of a value axis: includes zero, plus ~10% headroom on the data side.
fn padded_extent(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let span = hi - lo;
    if span == 0.0 {
        return (0.0, 1.0);
    }
    let hi = if hi > 0.0 { hi + 0.1 * span } else { hi };
    let lo = if lo < 0.0 { lo - 0.1 * span } else { lo };
    (lo, hi)
}

/// Counts (all values whole) get whole-number ticks: no "2.5 workers".
fn all_whole(values: &[f64]) -> bool {
    values.iter().all(|v| v.fract() == 0.0)
}

pub(crate) fn linear_axis(values: &[f64], max_intervals: usize) -> Result<Axis, DrawError> {
    let (lo, hi) = padded_extent(values);
    let (step, k0, k1) =
        nice_step(lo, hi, max_intervals, all_whole(values)).ok_or(DrawError::RangeTooLarge)?;
    Ok(axis_from_steps(step, k0, k1))
}

/// The axis of a share: 0 to 1 in quarters.
pub(crate) fn share_axis() -> Axis {
    axis_from_steps(0.25, 0.0, 4.0)
}

/// Linear axis with exactly `intervals` steps, so its ticks fall on the grid lines
/// of a primary axis with that many intervals.
pub(crate) fn aligned_axis(values: &[f64], intervals: usize) -> Result<Axis, DrawError> {
    let (lo, hi) = padded_extent(values);
    let (step, k0, _) =
        nice_step(lo, hi, intervals, all_whole(values)).ok_or(DrawError::RangeTooLarge)?;
    Ok(axis_from_steps(step, k0, k0 + intervals as f64))
}

fn axis_from_steps(step: f64, k0: f64, k1: f64) -> Axis {
    let ticks = (0..=(k1 - k0) as usize)
        .map(|i| {
            let v = (k0 + i as f64) * step;
            (v, format_si(v, step))
        })
        .collect();
    Axis::linear(k0 * step, k1 * step, ticks)
}

/// Log axis from below the smallest to above the largest positive value (with
/// 25% headroom). Over a few decades ticks fall on 1, 2 and 5 times powers of ten,
/// over more on whole decades; the other multiples get faint grid lines.
pub(crate) fn log_axis(values: &[f64], max_intervals: usize) -> Result<Axis, DrawError> {
    let positive = values.iter().copied().filter(|v| *v > 0.0);
    let lo = positive.clone().fold(f64::INFINITY, f64::min);
    let hi = positive.fold(0.0, f64::max);
    let (lo, hi) = if hi > 0.0 { (lo, hi) } else { (1.0, 8.0) };
    // Headroom is added in log space: `hi * 1.25` could overflow.
    let (e0, e1) = (lo.log10().floor(), (hi.log10() + 1.25f64.log10()).ceil());
    if !(-300.0..=300.0).contains(&e0) || !(-300.0..=300.0).contains(&e1) {
        return Err(DrawError::RangeTooLarge);
    }
    let (e0, e1) = (e0 as i32, e1 as i32);
    let multiples =
        |ms: &'static [f64]| (e0..=e1).flat_map(move |e| ms.iter().map(move |m| m * 10f64.powi(e)));
    let label = |v: f64| (v, format_si(v, v));
    if e1 - e0 <= 3 {
        let nice: Vec<f64> = multiples(&[1.0, 2.0, 5.0]).collect();
        let bottom = nice
            .iter()
            .copied()
            .filter(|v| *v <= lo)
            .fold(nice[0], f64::max);
        let top = nice.iter().copied().find(|v| *v >= hi * 1.25).unwrap_or(hi);
        let inside = |v: &f64| *v >= bottom && *v <= top;
        return Ok(Axis {
            lo: bottom,
            hi: top,
            log: true,
            ticks: nice.iter().copied().filter(inside).map(label).collect(),
            minor: multiples(&[3.0, 4.0, 6.0, 7.0, 8.0, 9.0])
                .filter(inside)
                .collect(),
        });
    }
    let decades = (e1 - e0) as usize;
    let every = decades.div_ceil(max_intervals.max(1));
    let e1 = e0 + (decades.div_ceil(every) * every) as i32;
    let minor = if every == 1 && decades <= 6 {
        multiples(&[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
            .filter(|v| *v < 10f64.powi(e1))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Axis {
        lo: 10f64.powi(e0),
        hi: 10f64.powi(e1),
        log: true,
        ticks: (e0..=e1)
            .step_by(every)
            .map(|e| label(10f64.powi(e)))
            .collect(),
        minor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_axis_starts_at_zero_with_headroom() {
        let axis = linear_axis(&[3.5, 97.0, 150.0], 8).expect("axis");
        assert_eq!(axis.lo, 0.0);
        assert!(axis.hi >= 165.0, "{}", axis.hi);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        // Step 20 would need 9 intervals; 25 is the next nice step.
        assert_eq!(labels, ["0", "25", "50", "75", "100", "125", "150", "175"]);
        let negative = linear_axis(&[-5.0, 2.0], 8).expect("axis");
        assert!(negative.lo < -5.0 && negative.hi > 2.0);
        let flat = linear_axis(&[0.0, 0.0], 8).expect("axis");
        assert_eq!((flat.lo, flat.hi), (0.0, 1.0));
        let workers = linear_axis(&[0.0, 3.0, 4.0], 10).expect("axis");
        let labels: Vec<&str> = workers.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "1", "2", "3", "4", "5"]);
    }

    #[test]
    fn a_share_spans_zero_to_one() {
        let share = share_axis();
        assert_eq!((share.lo, share.hi), (0.0, 1.0));
        let labels: Vec<&str> = share.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "0.25", "0.5", "0.75", "1"]);
        // The same values as counts: whole ticks, headroom past 1.
        assert_eq!(linear_axis(&[0.0, 1.0], 8).expect("axis").hi, 2.0);
    }

    #[test]
    fn secondary_axis_shares_the_grid() {
        let y = linear_axis(&[0.0, 4500.0], 8).expect("axis");
        let n = y.even_intervals().expect("even");
        let y2 = aligned_axis(&[0.0, 41.0], n).expect("axis");
        assert_eq!(y2.ticks.len(), y.ticks.len());
        assert!(y2.hi >= 41.0 * 1.1);
    }

    #[test]
    fn log_axis_ticks() {
        let axis = log_axis(&[3.0, 40_000.0], 8).expect("axis");
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1", "10", "100", "1k", "10k", "100k"]);
        let few = log_axis(&[700.0, 3000.0], 8).expect("axis");
        let labels: Vec<&str> = few.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["500", "1k", "2k", "5k"]);
    }
}
