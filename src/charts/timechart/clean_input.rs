//! The chart's input without what cannot be drawn.

use super::bands::{BandRuns, band_runs};
use super::{Limit, Series, TimeChart, Window, XScale};
use crate::charts::DrawError;

/// A limit more than this many times the data's peak is left off the axis.
const OFF_CHART: f64 = 3.0;

/// Runs of consecutive drawable points of one series.
pub(super) type Segments = Vec<Vec<(f64, f64)>>;

/// Series split into runs of finite points, limits and windows with NaN dropped.
pub(super) struct CleanInput<'a> {
    /// One entry per series of `TimeChart::series`, in order.
    pub(super) primary: Vec<Segments>,
    /// One entry per series of `TimeChart::series2`, in order.
    pub(super) secondary: Vec<Segments>,
    /// Bands of the series of `TimeChart::series` (empty where there is none).
    pub(super) primary_bands: Vec<BandRuns>,
    pub(super) secondary_bands: Vec<BandRuns>,
    pub(super) limits: Vec<&'a Limit>,
    /// Limits so far above the data that showing them would squash it into the
    /// bottom of the plot: named in the legend only.
    pub(super) off_chart: Vec<&'a Limit>,
    pub(super) windows: Vec<&'a Window>,
    x_log: bool,
}

impl<'a> CleanInput<'a> {
    /// Fails only on a band whose length differs from its series'.
    pub(super) fn new(chart: &'a TimeChart, x_scale: XScale) -> Result<CleanInput<'a>, DrawError> {
        let x_log = x_scale == XScale::Log;
        let split = |series: &[Series], y_log: bool| -> Vec<_> {
            let log = (x_log, y_log);
            series.iter().map(|s| segments(&s.points, log)).collect()
        };
        let bands = |series: &[Series], y_log: bool| -> Result<Vec<_>, DrawError> {
            series.iter().map(|s| band_runs(s, x_log, y_log)).collect()
        };
        let primary = split(&chart.series, chart.y_log());
        let primary_bands = bands(&chart.series, chart.y_log())?;
        let peak = primary
            .iter()
            .flatten()
            .flatten()
            .map(|p| p.1)
            .chain(band_values(&primary_bands))
            .fold(f64::NEG_INFINITY, f64::max);
        let (limits, off_chart) = chart
            .limits
            .iter()
            .filter(|l| l.value.is_finite() && (!chart.y_log() || l.value > 0.0))
            .partition(|l| !(peak > 0.0 && l.value > OFF_CHART * peak));
        Ok(CleanInput {
            primary,
            secondary: split(&chart.series2, false),
            primary_bands,
            secondary_bands: bands(&chart.series2, false)?,
            limits,
            off_chart,
            windows: chart
                .windows
                .iter()
                .filter(|w| !w.from_x.is_nan() && !w.to_x.is_nan())
                .collect(),
            x_log,
        })
    }

    /// Everything the primary axis must show: data, bands and limits.
    pub(super) fn y_values(&self) -> Vec<f64> {
        let data = self.primary.iter().flatten().flatten().map(|p| p.1);
        let bands = band_values(&self.primary_bands);
        let limits = self.limits.iter().map(|l| l.value);
        data.chain(bands).chain(limits).collect()
    }

    pub(super) fn y2_values(&self) -> Vec<f64> {
        let data = self.secondary.iter().flatten().flatten().map(|p| p.1);
        data.chain(band_values(&self.secondary_bands)).collect()
    }

    /// Everything the x axis must show: data, bands and finite window bounds
    /// (positive ones on a log axis).
    pub(super) fn x_values(&self) -> impl Iterator<Item = f64> + '_ {
        let data = self
            .primary
            .iter()
            .chain(&self.secondary)
            .flatten()
            .flatten()
            .map(|p| p.0);
        let bands = self
            .primary_bands
            .iter()
            .chain(&self.secondary_bands)
            .flatten()
            .flatten()
            .map(|b| b.0);
        let windows = self.windows.iter().flat_map(|w| [w.from_x, w.to_x]);
        let x_log = self.x_log;
        let shown = move |v: &f64| v.is_finite() && (!x_log || *v > 0.0);
        data.chain(bands).chain(windows.filter(shown))
    }

    pub(super) fn no_data(&self) -> bool {
        let mut lines = self.primary.iter().chain(&self.secondary);
        let mut bands = self.primary_bands.iter().chain(&self.secondary_bands);
        lines.all(|s| s.is_empty()) && bands.all(|b| b.is_empty())
    }
}

/// Band edges an axis must show (a low edge that a log axis cannot show is not).
fn band_values(bands: &[BandRuns]) -> impl Iterator<Item = f64> + '_ {
    let edges = bands.iter().flatten().flatten();
    edges.flat_map(|&(_, lo, hi)| [lo, hi].into_iter().filter(|v| v.is_finite()))
}

/// Finite points of a series split at non-finite ones (and at values a log axis
/// cannot show); `log` is (x, y).
fn segments(points: &[(f64, f64)], (x_log, y_log): (bool, bool)) -> Segments {
    let drawable = |x: f64, y: f64| {
        x.is_finite() && y.is_finite() && (!x_log || x > 0.0) && (!y_log || y > 0.0)
    };
    points
        .split(|&(x, y)| !drawable(x, y))
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
            segments(&points, (false, false)),
            [vec![(0.0, 1.0), (1.0, 0.0)], vec![(3.0, 2.0)]]
        );
        assert_eq!(
            segments(&points, (false, true)),
            [vec![(0.0, 1.0)], vec![(3.0, 2.0)]]
        );
        assert_eq!(
            segments(&points, (true, false)),
            [vec![(1.0, 0.0)], vec![(3.0, 2.0)]]
        );
        assert!(segments(&[(nan, nan)], (false, false)).is_empty());
    }

    /// A limit far above the data (lambda-sqs-db's 500 for data under 110)
    /// would squash the data into the bottom: it is named, not on the axis.
    #[test]
    fn a_distant_limit_stays_off_the_axis() {
        let limit = |value: f64| Limit {
            label: format!("at {value}"),
            value,
        };
        let chart = TimeChart {
            series: vec![Series::new("s", vec![(0.0, 10.0), (1.0, 110.0)])],
            limits: vec![limit(50.0), limit(500.0)],
            ..TimeChart::default()
        };
        let data = CleanInput::new(&chart, XScale::Linear).expect("input");
        assert_eq!(data.limits.len(), 1);
        assert_eq!(data.off_chart[0].value, 500.0);
        assert!(data.y_values().iter().all(|&v| v <= 110.0));
    }
}
