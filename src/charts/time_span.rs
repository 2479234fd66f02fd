//! The time axis of a run chart: cropped to where something happens, and in
//! the unit its span asks for (s, min, h, days), so a ten-day run does not
//! read in six-digit seconds and occ-jitter's 2 s of activity in a 600 s run
//! is not a spike against the y axis.

use super::timechart::TimeChart;

/// A unit of simulated time on an x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    /// The unit whose numbers stay readable over `span_s` seconds: seconds up
    /// to 20 min, minutes up to 2 h, hours up to 2 days, days beyond.
    pub fn for_span(span_s: f64) -> TimeUnit {
        if span_s <= 1_200.0 {
            TimeUnit::Seconds
        } else if span_s <= 7_200.0 {
            TimeUnit::Minutes
        } else if span_s <= 172_800.0 {
            TimeUnit::Hours
        } else {
            TimeUnit::Days
        }
    }

    /// Seconds in one of this unit.
    pub fn seconds(self) -> f64 {
        match self {
            TimeUnit::Seconds => 1.0,
            TimeUnit::Minutes => 60.0,
            TimeUnit::Hours => 3_600.0,
            TimeUnit::Days => 86_400.0,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "s",
            TimeUnit::Minutes => "min",
            TimeUnit::Hours => "h",
            TimeUnit::Days => "days",
        }
    }
}

/// Activity that ends before this share of the run is cropped to.
const CROP_SHARE: f64 = 0.2;
/// Room shown after the last change, as a share of the time up to it.
const CROP_MARGIN: f64 = 0.25;

/// `c` (x in seconds) cropped to where its lines change and with its x axis
/// in the unit its shown span asks for; the x label says both.
pub fn fitted(mut c: TimeChart) -> TimeChart {
    let end = c
        .series
        .iter()
        .chain(&c.series2)
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::max);
    let mut note = String::new();
    if let Some(last) = last_change(&c) {
        let windows_end = c
            .windows
            .iter()
            .map(|w| w.to_x.max(w.from_x))
            .filter(|x| x.is_finite())
            .fold(0.0_f64, f64::max);
        let shown = (last * (1.0 + CROP_MARGIN)).max(windows_end);
        if shown > 0.0 && shown < CROP_SHARE * end {
            crop(&mut c, shown);
            let unit = TimeUnit::for_span(end);
            note = format!(
                "; nothing changes from {} to the end at {} {}",
                short(last / unit.seconds()),
                short(end / unit.seconds()),
                unit.symbol()
            );
        }
    }
    let span = c
        .series
        .iter()
        .chain(&c.series2)
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::max);
    let unit = TimeUnit::for_span(span);
    rescale(&mut c, unit);
    c.x_label = format!("simulated time ({}){note}", unit.symbol());
    c
}

/// A number with at most three significant digits, no trailing zeros.
fn short(v: f64) -> String {
    let digits = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The time of the point after which no line changes any more (every line
/// holds its last value, a gap counting as one value), or `None` when some
/// line changes at its very end.
fn last_change(c: &TimeChart) -> Option<f64> {
    let mut last: f64 = 0.0;
    for s in c.series.iter().chain(&c.series2) {
        let Some(&(_, end)) = s.points.last() else {
            continue;
        };
        let same = |y: f64| (y.is_nan() && end.is_nan()) || y == end;
        // The first point of the final run of equal values.
        let mut i = s.points.len() - 1;
        while i > 0 && same(s.points[i - 1].1) {
            i -= 1;
        }
        if i + 1 >= s.points.len() && s.points.len() > 1 {
            return None;
        }
        last = last.max(s.points[i].0);
    }
    Some(last)
}

/// Drops the points after `to` (keeping the first one past it, so lines reach
/// the edge), and limits windows to it.
fn crop(c: &mut TimeChart, to: f64) {
    for s in c.series.iter_mut().chain(c.series2.iter_mut()) {
        let keep = s
            .points
            .iter()
            .position(|p| p.0 > to)
            .map_or(s.points.len(), |i| i + 1);
        s.points.truncate(keep);
        if let Some(b) = s.band.as_mut() {
            b.truncate(keep);
        }
    }
    for w in &mut c.windows {
        w.from_x = w.from_x.min(to);
        w.to_x = w.to_x.min(to);
    }
}

fn rescale(c: &mut TimeChart, unit: TimeUnit) {
    let k = unit.seconds();
    if k == 1.0 {
        return;
    }
    for s in c.series.iter_mut().chain(c.series2.iter_mut()) {
        for p in &mut s.points {
            p.0 /= k;
        }
    }
    for w in &mut c.windows {
        w.from_x /= k;
        w.to_x /= k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::timechart::{Series, Window};

    fn chart(end_s: f64, last_change_s: f64) -> TimeChart {
        let n = 600;
        let points = (0..=n)
            .map(|i| {
                let t = end_s * i as f64 / n as f64;
                (
                    t,
                    if t <= last_change_s {
                        t.sin() + 2.0
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        TimeChart {
            series: vec![Series::new("s", points)],
            windows: vec![Window {
                label: "w".into(),
                from_x: 0.0,
                to_x: last_change_s / 2.0,
                ..Default::default()
            }],
            ..TimeChart::default()
        }
    }

    fn x_max(c: &TimeChart) -> f64 {
        c.series[0].points.last().expect("points").0
    }

    #[test]
    fn the_unit_follows_the_horizon() {
        assert_eq!(TimeUnit::for_span(600.0), TimeUnit::Seconds);
        assert_eq!(TimeUnit::for_span(3.0 * 3_600.0), TimeUnit::Hours);
        assert_eq!(TimeUnit::for_span(10.0 * 86_400.0), TimeUnit::Days);
        assert_eq!(TimeUnit::for_span(3_600.0), TimeUnit::Minutes);
        let c = fitted(chart(10.0 * 86_400.0, 10.0 * 86_400.0));
        assert_eq!(c.x_label, "simulated time (days)");
        assert!((x_max(&c) - 10.0).abs() < 1e-9);
        let c = fitted(chart(3.0 * 3_600.0, 3.0 * 3_600.0));
        assert_eq!(c.x_label, "simulated time (h)");
        assert!((x_max(&c) - 3.0).abs() < 1e-9);
        let c = fitted(chart(600.0, 600.0));
        assert_eq!(c.x_label, "simulated time (s)");
        assert_eq!(c.windows[0].to_x, 300.0);
    }

    #[test]
    fn a_run_whose_activity_ends_early_is_cropped_to_it() {
        let c = fitted(chart(600.0, 2.0));
        assert!(x_max(&c) < 5.0, "shown to {}", x_max(&c));
        assert!(x_max(&c) >= 2.0, "the activity is kept");
        assert!(
            c.x_label
                .contains("nothing changes from 3 to the end at 600 s"),
            "{}",
            c.x_label
        );
        // (Sampled every second: the line reaches zero at 3 s.)
        // Activity to the end: nothing cropped.
        let c = fitted(chart(600.0, 600.0));
        assert_eq!(x_max(&c), 600.0);
    }
}
