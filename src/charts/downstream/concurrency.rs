//! The `concurrency` chart: what runs at once (Lambda-like invocations and their
//! pollers, pool workers that call downstreams, database connections) against
//! the limits that bound it.

use crate::charts::run::{chart, dashed, gauge};
use crate::charts::timechart::{Limit, Series, TimeChart};
use crate::charts::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::{LambdaSummary, Summary};

/// A function's own limit further above the lines than this factor is named in
/// its legend row instead of drawn: it would squash the lines into the bottom.
const OWN_LIMIT_SQUASH: f64 = 5.0;
/// The account limit is shared and usually far off: drawn only when close.
const ACCOUNT_SQUASH: f64 = 2.0;

/// Drawn when the run has a Lambda-like consumer or a database.
pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let has_lambda = s.consumers.iter().any(|c| c.lambda.is_some());
    if !has_lambda && s.databases.is_empty() {
        return Ok(());
    }
    let pools = s
        .consumers
        .iter()
        .any(|c| c.lambda.is_none() && c.calls.is_some());
    let mut c = chart(
        title(has_lambda, pools, s),
        s,
        &y_label(has_lambda, pools, s),
    );
    // One colour per component, shared by its solid and dashed lines. Lambda
    // limits wait until the highest line is known.
    let mut colour = 0;
    let mut lambdas: Vec<(&str, &LambdaSummary)> = vec![];
    for con in &s.consumers {
        let n = &con.name;
        let first = c.series.len();
        if let Some(l) = &con.lambda {
            let running = format!("{n} invocations running");
            let pollers = format!("{n} pollers");
            c.series
                .extend(gauge(series, &format!("{n}.concurrency"), &running));
            c.series
                .extend(gauge(series, &format!("{n}.pollers"), &pollers).map(dashed));
            lambdas.push((n, l));
        } else if con.calls.is_some() {
            // Its size goes in the label: one line fewer among the limits.
            let busy = format!("{n} busy workers (pool of {})", con.workers);
            c.series.extend(gauge(series, &format!("{n}.busy"), &busy));
        } else {
            continue;
        }
        paint(&mut c.series[first..], colour);
        colour += 1;
    }
    for d in &s.databases {
        let n = &d.name;
        let first = c.series.len();
        let used = format!("{n} connections in use");
        c.series
            .extend(gauge(series, &format!("{n}.connections"), &used));
        let max = d.max_connections;
        c.limits
            .push(limit(format!("{n} max_connections ({max})"), max));
        if let Some(p) = d.pool_size {
            let waiting = format!("{n} callers waiting for a pooled connection");
            let waiting = gauge(series, &format!("{n}.pool_waiting"), &waiting);
            c.series.extend(waiting.map(dashed));
            c.limits.push(limit(format!("{n} pool size ({p})"), p));
        }
        paint(&mut c.series[first..], colour);
        colour += 1;
    }
    lambda_limits(&mut c, &lambdas);
    crate::charts::finish(c).write(dir.join("concurrency"))?;
    Ok(())
}

/// Each function's event source cap and reserved concurrency, then the account
/// limit (shared by every function: once). They go first, in the lines' order.
fn lambda_limits(c: &mut TimeChart, lambdas: &[(&str, &LambdaSummary)]) {
    let others = std::mem::take(&mut c.limits);
    let highest = c
        .series
        .iter()
        .flat_map(|x| x.points.iter().map(|p| p.1))
        .fold(1.0, f64::max);
    for &(n, l) in lambdas {
        // `line` is the one the limit bounds, where an unplotted limit is named.
        let mut own = |label: &str, value: u32, line: String| {
            if f64::from(value) <= OWN_LIMIT_SQUASH * highest {
                c.limits
                    .push(limit(format!("{n}: {label} ({value})"), value));
            } else if let Some(x) = c.series.iter_mut().find(|x| x.label == line) {
                x.label = format!("{line} ({label} {value}, off the scale)");
            }
        };
        own(
            "event source max concurrency",
            l.pollers_cap,
            format!("{n} pollers"),
        );
        if let Some(r) = l.reserved_concurrency {
            own(
                "reserved concurrency",
                r,
                format!("{n} invocations running"),
            );
        }
    }
    if let Some(&(_, l)) = lambdas.first() {
        let account = l.account_concurrency;
        if f64::from(account) < ACCOUNT_SQUASH * highest {
            c.limits.push(limit(
                format!("account concurrency limit ({account})"),
                account,
            ));
        }
    }
    c.limits.extend(others);
}

fn title(lambdas: bool, pools: bool, s: &Summary) -> &'static str {
    match (lambdas, pools, s.databases.is_empty()) {
        (_, _, false) => "Concurrency and database connections against their limits",
        (true, false, true) => "Function concurrency against its limits",
        (_, _, true) => "Concurrency against its limits",
    }
}

/// What the lines count, e.g. "concurrent invocations or connections".
fn y_label(lambdas: bool, pools: bool, s: &Summary) -> String {
    let kinds = [
        (lambdas, "invocations"),
        (pools, "workers"),
        (!s.databases.is_empty(), "connections"),
    ];
    let kinds: Vec<&str> = kinds.iter().filter(|k| k.0).map(|k| k.1).collect();
    match kinds.as_slice() {
        [.., last] if kinds.len() > 1 => {
            format!(
                "concurrent {} or {last}",
                kinds[..kinds.len() - 1].join(", ")
            )
        }
        _ => format!("concurrent {}", kinds.join("")),
    }
}

fn limit(label: String, value: u32) -> Limit {
    Limit {
        label,
        value: value.into(),
    }
}

fn paint(series: &mut [Series], colour: usize) {
    series.iter_mut().for_each(|x| x.color = Some(colour));
}
