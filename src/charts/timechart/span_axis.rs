//! Axes over an exact range whose tick labels must fit along a given length: the
//! x axis of line charts (time or a swept parameter) and heat maps' colour bars.

use super::axis::{Axis, nice_step};
use super::tick_labels::{format_plain, format_si};
use crate::charts::DrawError;

/// Least room between neighbouring x tick labels, in pixels.
const MIN_GAP: f64 = 36.0;

/// Pixels wanted between neighbouring ticks of an axis (e.g. its widest label
/// plus a gap).
pub(crate) type Room<'a> = &'a dyn Fn(&Axis) -> Result<f64, DrawError>;

/// Room for horizontal labels side by side.
fn side_by_side(a: &Axis) -> Result<f64, DrawError> {
    Ok(a.widest_label()? + MIN_GAP)
}

/// Whether neighbouring ticks are at least `room` pixels apart over `length`.
fn spaced(a: &Axis, length: f64, room: Room) -> Result<bool, DrawError> {
    let px = |v: f64| a.frac(v).unwrap_or(0.0) * length;
    let gaps = a.ticks.windows(2).map(|w| px(w[1].0) - px(w[0].0));
    Ok(gaps.fold(f64::INFINITY, f64::min) >= room(a)?)
}

/// Time axis over exactly [lo, hi] with as many ticks as fit over `width` pixels;
/// labels are plain numbers (seconds) unless they would be very long or tiny.
pub(crate) fn time_axis(lo: f64, hi: f64, width: f64) -> Result<Axis, DrawError> {
    linear_span(lo, hi, width, true, &side_by_side)
}

/// Log x axis over exactly [lo, hi] (the positive data; nothing to show gives 1
/// to 10), as many ticks as fit over `width` pixels; see [`log_span`].
pub(crate) fn log_x_axis(lo: f64, hi: f64, width: f64) -> Result<Axis, DrawError> {
    let (lo, hi) = match (lo, hi) {
        (lo, hi) if lo > hi => (1.0, 10.0),
        (lo, hi) if lo == hi => (lo / 2.0, hi * 2.0),
        range => range,
    };
    log_span(lo, hi, width, &side_by_side)
}

/// Linear axis over exactly [lo, hi], ticks at multiples of a nice step, the most
/// that keep `room` between neighbours over `length` pixels; plain labels if
/// `plain` allows and they stay short, else SI suffixes.
pub(crate) fn linear_span(
    lo: f64,
    hi: f64,
    length: f64,
    plain: bool,
    room: Room,
) -> Result<Axis, DrawError> {
    let span = hi - lo;
    for max_intervals in (2..=16).rev() {
        let (step, k0, k1) =
            nice_step(lo, hi, max_intervals, false).ok_or(DrawError::RangeTooLarge)?;
        let plain = plain && lo.abs().max(hi.abs()) < 1e6 && step >= 1e-4;
        let ticks = (k0 as i64..=k1 as i64)
            .map(|k| k as f64 * step)
            .filter(|v| *v >= lo - span * 1e-9 && *v <= hi + span * 1e-9)
            .map(|v| {
                let label = if plain {
                    format_plain(v, step)
                } else {
                    format_si(v, step)
                };
                (v, label)
            })
            .collect();
        let axis = Axis::linear(lo, hi, ticks);
        if axis.ticks.len() >= 2 && spaced(&axis, length, room)? {
            return Ok(axis);
        }
    }
    let ends = vec![(lo, format_si(lo, span)), (hi, format_si(hi, span))];
    Ok(Axis::linear(lo, hi, ends))
}

/// Log axis over exactly [lo, hi] (0 < lo < hi). Ticks fall on 1 to 9 times powers
/// of ten, or on 1, 2, 3 and 5, or 1, 2 and 5 times powers of ten, or on every
/// n-th decade, whichever is densest with `room` between neighbours over `length`
/// pixels, with fainter grid lines on the other multiples; a range too narrow for
/// three such ticks gets evenly spaced ones if there are more of those.
pub(crate) fn log_span(lo: f64, hi: f64, length: f64, room: Room) -> Result<Axis, DrawError> {
    let (e0, e1) = (lo.log10().floor(), hi.log10().ceil());
    let bounded = (-300.0..=300.0).contains(&e0) && (-300.0..=300.0).contains(&e1);
    if !(lo > 0.0 && lo < hi && bounded) {
        return Err(DrawError::RangeTooLarge);
    }
    let (e0, e1) = (e0 as i32, e1 as i32);
    let inside = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let multiples = |ms: &[f64]| -> Vec<f64> {
        let all = (e0..=e1).flat_map(|e| ms.iter().map(move |m| m * 10f64.powi(e)));
        all.filter(inside).collect()
    };
    let decades = |every: i32| -> Vec<f64> {
        let es = (e0..=e1).filter(|e| e.rem_euclid(every) == 0);
        es.map(|e| 10f64.powi(e)).filter(inside).collect()
    };
    let axis = |(ticks, minor): (Vec<f64>, Vec<f64>)| Axis {
        lo,
        hi,
        log: true,
        ticks: ticks.into_iter().map(|v| (v, format_si(v, v))).collect(),
        minor,
    };
    let fine = if e1 - e0 <= 6 {
        multiples(&[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    } else {
        Vec::new()
    };
    let mut candidates = vec![
        (
            multiples(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
            vec![],
        ),
        (
            multiples(&[1.0, 2.0, 3.0, 5.0]),
            multiples(&[4.0, 6.0, 7.0, 8.0, 9.0]),
        ),
        (
            multiples(&[1.0, 2.0, 5.0]),
            multiples(&[3.0, 4.0, 6.0, 7.0, 8.0, 9.0]),
        ),
        (decades(1), fine),
    ];
    candidates.extend([2, 3, 5, 10, 20, 50, 100].map(|every| (decades(every), Vec::new())));
    candidates.retain(|(ticks, _)| ticks.len() >= 2);
    let sparsest = candidates.last().cloned().unwrap_or_default();
    let mut chosen = axis(sparsest);
    for candidate in candidates {
        let a = axis(candidate);
        if spaced(&a, length, room)? {
            chosen = a;
            break;
        }
    }
    if chosen.ticks.len() < 3 {
        // A narrow range: evenly spaced ticks look nearly even here too.
        let linear = Axis {
            log: true,
            ..linear_span(lo, hi, length, false, room)?
        };
        if linear.ticks.len() > chosen.ticks.len() {
            return Ok(linear);
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::style;

    fn labels(a: &Axis) -> Vec<String> {
        a.ticks.iter().map(|t| t.1.clone()).collect()
    }

    #[test]
    fn log_x_axis_ticks() {
        style::register_fonts();
        let sweep = log_x_axis(1.0, 100.0, 1100.0).expect("axis");
        assert_eq!((sweep.lo, sweep.hi), (1.0, 100.0));
        assert_eq!(
            labels(&sweep),
            ["1", "2", "3", "5", "10", "20", "30", "50", "100"]
        );
        assert!(sweep.minor.contains(&40.0));
        let decade = log_x_axis(20.0, 90.0, 1100.0).expect("axis");
        assert_eq!(
            labels(&decade),
            ["20", "30", "40", "50", "60", "70", "80", "90"]
        );
        let narrow = log_x_axis(1.0, 100.0, 450.0).expect("axis");
        assert_eq!(labels(&narrow), ["1", "2", "5", "10", "20", "50", "100"]);
        let wide = log_x_axis(1e-3, 1e9, 1100.0).expect("axis");
        assert_eq!(labels(&wide).len(), 13);
        let wide = log_x_axis(1e-3, 1e9, 400.0).expect("axis");
        assert_eq!(labels(&wide), ["0.001", "1", "1k", "1M", "1G"]);
        let crowded = log_x_axis(1.0, 1e6, 120.0).expect("axis");
        assert_eq!(labels(&crowded), ["1", "1k", "1M"]);
        let within = log_x_axis(30.0, 45.0, 1100.0).expect("axis");
        assert!(within.log && within.ticks.len() >= 3, "{within:?}");
        let none = log_x_axis(f64::INFINITY, f64::NEG_INFINITY, 1100.0).expect("axis");
        assert_eq!((none.lo, none.hi), (1.0, 10.0));
        assert!(log_x_axis(0.0, 5.0, 1100.0).is_err());
    }

    #[test]
    fn spans_respect_the_room_asked_for() {
        let room = |_: &Axis| Ok(100.0);
        let a = linear_span(0.0, 10.0, 500.0, false, &room).expect("axis");
        assert_eq!(labels(&a), ["0", "2", "4", "6", "8", "10"]);
        let l = log_span(1.0, 1000.0, 300.0, &room).expect("axis");
        assert_eq!(labels(&l), ["1", "10", "100", "1k"]);
    }
}
