//! The chart's input without what cannot be drawn.

use super::{Limit, Series, TimeChart, Window};

/// Runs of consecutive drawable points of one series.
pub(super) type Segments = Vec<Vec<(f64, f64)>>;

/// Series split into runs of finite points, limits and windows with NaN dropped.
pub(super) struct CleanInput<'a> {
    /// One entry per series of `TimeChart::series`, in order.
    pub(super) primary: Vec<Segments>,
    /// One entry per series of `TimeChart::series2`, in order.
    pub(super) secondary: Vec<Segments>,
    pub(super) limits: Vec<&'a Limit>,
    pub(super) windows: Vec<&'a Window>,
}

impl<'a> CleanInput<'a> {
    pub(super) fn new(chart: &'a TimeChart) -> CleanInput<'a> {
        let split = |series: &[Series], log: bool| -> Vec<_> {
            series.iter().map(|s| segments(&s.points, log)).collect()
        };
        CleanInput {
            primary: split(&chart.series, chart.y_log),
            secondary: split(&chart.series2, false),
            limits: chart
                .limits
                .iter()
                .filter(|l| l.value.is_finite() && (!chart.y_log || l.value > 0.0))
                .collect(),
            windows: chart
                .windows
                .iter()
                .filter(|w| !w.from_x.is_nan() && !w.to_x.is_nan())
                .collect(),
        }
    }

    /// Everything the primary axis must show: data and limits.
    pub(super) fn y_values(&self) -> Vec<f64> {
        let data = self.primary.iter().flatten().flatten().map(|p| p.1);
        data.chain(self.limits.iter().map(|l| l.value)).collect()
    }

    pub(super) fn y2_values(&self) -> Vec<f64> {
        self.secondary
            .iter()
            .flatten()
            .flatten()
            .map(|p| p.1)
            .collect()
    }

    /// Everything the time axis must show: data and finite window bounds.
    pub(super) fn x_values(&self) -> impl Iterator<Item = f64> + '_ {
        let data = self
            .primary
            .iter()
            .chain(&self.secondary)
            .flatten()
            .flatten();
        let windows = self.windows.iter().flat_map(|w| [w.from_x, w.to_x]);
        data.map(|p| p.0).chain(windows.filter(|v| v.is_finite()))
    }

    pub(super) fn no_data(&self) -> bool {
        self.primary
            .iter()
            .chain(&self.secondary)
            .all(|s| s.is_empty())
    }
}

/// Finite points of a series split at non-finite ones (and at values a log axis
/// cannot show).
fn segments(points: &[(f64, f64)], log: bool) -> Segments {
    points
        .split(|&(x, y)| !(x.is_finite() && y.is_finite() && (!log || y > 0.0)))
        .filter(|run| !run.is_empty())
        .map(<[_]>::to_vec)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_split_at_points_that_cannot_be_drawn() {
        let nan = f64::NAN;
        let points = [(nan, 1.0), (0.0, 1.0), (1.0, 0.0), (2.0, nan), (3.0, 2.0)];
        assert_eq!(
            segments(&points, false),
            [vec![(0.0, 1.0), (1.0, 0.0)], vec![(3.0, 2.0)]]
        );
        assert_eq!(
            segments(&points, true),
            [vec![(0.0, 1.0)], vec![(3.0, 2.0)]]
        );
        assert!(segments(&[(nan, nan)], false).is_empty());
    }
}
