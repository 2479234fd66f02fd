//! Thinning long lines to what the pixels can show.

/// Keeps the first, last, lowest and highest point of every pixel column (M4),
/// which draws the same picture as all points when x is non-decreasing.
pub(super) fn downsample(points: Vec<(f64, f64)>, max_points: usize) -> Vec<(f64, f64)> {
    let monotone = points.windows(2).all(|w| w[0].0 <= w[1].0);
    if points.len() <= max_points || !monotone {
        return points;
    }
    let mut keep = Vec::with_capacity(max_points);
    for column in points.chunk_by(|a, b| a.0.floor() == b.0.floor()) {
        // First occurrences of the extremes, so ties keep the earliest point.
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in column.iter().enumerate() {
            if p.1 < column[lo].1 {
                lo = i;
            }
            if p.1 > column[hi].1 {
                hi = i;
            }
        }
        let mut picks = [0, lo, hi, column.len() - 1];
        picks.sort_unstable();
        for (n, &i) in picks.iter().enumerate() {
            if n == 0 || picks[n - 1] != i {
                keep.push(column[i]);
            }
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::super::layout::Plan;
    use super::super::test_support::wave;
    use super::super::{Series, TimeChart, XScale};
    use super::*;
    use crate::charts::style;

    #[test]
    fn keeps_ends_and_extremes_of_each_column() {
        let points = vec![
            (0.1, 5.0),
            (0.2, 1.0),
            (0.5, 9.0),
            (0.6, 1.0),
            (0.9, 4.0),
            (1.5, 2.0),
        ];
        let kept = downsample(points, 2);
        assert_eq!(
            kept,
            [(0.1, 5.0), (0.2, 1.0), (0.5, 9.0), (0.9, 4.0), (1.5, 2.0)]
        );
    }

    #[test]
    fn long_series_are_downsampled_keeping_spikes() {
        let mut points = wave(100_000, 1000.0, |_| 10.0);
        points[54_321].1 = 500.0; // one-sample spike
        let chart = TimeChart {
            series: vec![Series::new("long", points)],
            ..TimeChart::default()
        };
        style::register_fonts();
        let plan = Plan::new(&chart, XScale::Linear).expect("plan");
        let drawn: usize = plan.lines[0].polylines.iter().map(Vec::len).sum();
        assert!(
            drawn <= 4 * plan.plot.width() as usize,
            "{drawn} points drawn"
        );
        let top = plan.lines[0].polylines[0]
            .iter()
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        let spike =
            plan.plot.b - (500.0 - plan.y.lo) / (plan.y.hi - plan.y.lo) * plan.plot.height();
        assert!((top - spike).abs() < 1e-6, "spike lost: {top} vs {spike}");
    }
}
