//! Charts of clients and the services they call: the `load` chart (offered
//! load, attempts, goodput, rejections and timeouts, with the retry
//! amplification on the right axis) and the `service` chart (requests in
//! service and the latency a new one gets). Triggers are shaded; the time the
//! system should have recovered by is marked.

use super::run::{chart, dashed, gauge, rate, rate_label, ratio, smoothing};
use super::{ChartDir, ChartError};

use super::timechart::{Limit, Shade, Window};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    if s.clients.is_empty() {
        return Ok(());
    }
    load(dir, s, series)?;
    service(dir, s, series)
}

fn recovery_marker(s: &Summary) -> Option<Window> {
    let r = s.recovery.as_ref()?;
    Some(Window {
        label: match r.recovered {
            Some(false) => "should have recovered by here: did not".into(),
            _ => "should have recovered by".into(),
        },
        from_x: r.should_recover_by_s,
        to_x: r.should_recover_by_s,
        shade: Shade::Trigger,
    })
}

fn load(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    // Unsmoothed: retry waves last a fraction of a second and are the point.
    let w = 1;
    let y = rate_label(series, "requests or attempts", w);
    let mut c = chart("Offered load, attempts and goodput", s, &y);
    c.series
        .extend(rate(series, "requests", "offered load (requests)", w));
    c.series
        .extend(rate(series, "attempts", "attempts (with retries)", w).map(dashed));
    c.series.extend(rate(
        series,
        "successes",
        "goodput (successful requests)",
        w,
    ));
    let happened = |column: &str| {
        series
            .column(column)
            .is_some_and(|v| v.iter().any(|&x| x > 0.0))
    };
    for (column, label) in [
        ("client_timeouts", "timeouts"),
        ("client_rejections", "rejections (shed, down, breaker)"),
        ("client_errors", "errors and write conflicts"),
    ] {
        if happened(column) {
            c.series.extend(rate(series, column, label, w));
        }
    }
    // Amplification over a moving average, and only where requests keep
    // coming: closed-loop clients stuck retrying start none, and attempts per
    // almost no request would say nothing.
    let tenth_of_median = |v: &[f64]| {
        let mut sorted = v.to_vec();
        sorted.sort_by(f64::total_cmp);
        0.1 * sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
    };
    let label = "retry amplification (right axis)";
    if let Some(a) = ratio(
        series,
        "attempts",
        "requests",
        smoothing(series),
        tenth_of_median,
        label,
    ) {
        c.y2_label = Some("attempts per request offered".into());
        c.series2.push(a);
    }
    c.windows.extend(recovery_marker(s));
    crate::charts::finish(c).write(dir.join("load"))?;
    Ok(())
}

fn service(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    if s.services.is_empty() {
        return Ok(());
    }
    let mut c = chart(
        "Requests in service, and the latency a new one gets",
        s,
        "requests in service",
    );
    for v in &s.services {
        if let Some(m) = v.max_concurrency {
            c.limits.push(Limit {
                label: format!("{} max_concurrency ({m})", v.name),
                value: f64::from(m),
            });
        }
        c.series.extend(gauge(
            series,
            &format!("{}.in_service", v.name),
            &format!("{} requests in service", v.name),
        ));
        c.series2.extend(
            gauge(
                series,
                &format!("{}.latency_s", v.name),
                &format!("{} latency of a new request (right axis)", v.name),
            )
            .map(dashed),
        );
    }
    c.y2_label = Some("seconds".into());
    c.windows.extend(recovery_marker(s));
    crate::charts::finish(c).write(dir.join("service"))?;
    Ok(())
}
