//! The `downstream_calls` chart: how calls to databases and APIs fail, are
//! retried or throttled, and the state of the consumers' circuit breakers.

use crate::charts::run::{chart, dashed, gauge, rate, rate_label, smoothing};
use crate::charts::timechart::Series;
use crate::charts::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

/// Drawn when some consumer calls a downstream.
pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let callers: Vec<_> = s.consumers.iter().filter(|c| c.calls.is_some()).collect();
    if callers.is_empty() {
        return Ok(());
    }
    // (column, label, dashed): what went wrong, from the downstreams' side, then
    // the callers'. Failed attempts and retries are dashed: with one downstream
    // they lie on its failures, which should still show.
    let mut trouble: Vec<(String, String, bool)> = vec![];
    let mut add = |prefix: &str, column: &str, label: &str| {
        let dashed = matches!(column, "call_failures" | "retries");
        trouble.push((
            format!("{prefix}.{column}"),
            format!("{prefix} {label}"),
            dashed,
        ));
    };
    for d in &s.databases {
        add(&d.name, "refusals", "connections refused");
        add(&d.name, "pool_timeouts", "pool acquire timeouts");
        add(&d.name, "down_rejections", "calls while down");
        add(&d.name, "errors", "query errors");
    }
    for a in &s.apis {
        add(&a.name, "throttles", "calls throttled");
        add(&a.name, "down_rejections", "calls while down");
        add(&a.name, "errors", "call errors");
    }
    for c in &callers {
        add(&c.name, "call_failures", "failed call attempts");
        add(&c.name, "retries", "call retries");
        add(&c.name, "throttles", "invocations throttled");
        add(&c.name, "timeouts", "invocations timed out");
    }
    let w = smoothing(series);
    let y = rate_label(series, "calls or invocations", w);
    let mut c = chart("", s, &y);
    // All-zero lines only lengthen the legend.
    let happened = |column: &str| {
        series
            .column(column)
            .is_some_and(|v| v.iter().any(|&x| x > 0.0))
    };
    for (column, label, dash) in trouble.iter().filter(|(col, ..)| happened(col)) {
        let line = rate(series, column, label, w);
        c.series.extend(if *dash { line.map(dashed) } else { line });
    }
    let trouble_free = c.series.is_empty();
    c.title = if trouble_free {
        "Downstream calls: none failed, retried or throttled".into()
    } else {
        "Downstream calls: failures, retries and throttles".into()
    };
    // Context: the calls that went through, dashed so any failures stand out.
    let context = |x: Series| if trouble_free { x } else { dashed(x) };
    for d in &s.databases {
        let queries = rate(
            series,
            &format!("{}.queries", d.name),
            &format!("{} queries run", d.name),
            w,
        );
        c.series.extend(queries.map(context));
    }
    for a in &s.apis {
        let calls = rate(
            series,
            &format!("{}.calls", a.name),
            &format!("{} calls admitted", a.name),
            w,
        );
        c.series.extend(calls.map(context));
    }
    const BREAKER: &str = "breaker state (0 closed, 1 half-open, 2 open)";
    for con in &callers {
        let label = format!("{} breaker state (right axis)", con.name);
        if let Some(b) = gauge(series, &format!("{}.breaker", con.name), &label) {
            c.y2_label = Some(BREAKER.into());
            c.series2.push(b);
        }
    }
    crate::charts::finish(c).write(dir.join("downstream_calls"))?;
    Ok(())
}
