//! The `concurrency` chart: what runs at once (Lambda-like invocations and their
//! pollers, pool workers that call downstreams, database connections) against
//! the limits that bound it.

use crate::charts::ChartError;
use crate::charts::run::{chart, dashed, down_windows, gauge};
use crate::charts::timechart::{Limit, Series};
use crate::metrics::series::Sampler;
use crate::run::Summary;
use std::path::Path;

/// A limit above this multiple of the highest plotted value is left out: it would
/// squash the lines into the bottom of the chart.
const SQUASH: f64 = 2.0;

/// Drawn when the run has a Lambda-like consumer or a database.
pub(super) fn draw(dir: &Path, s: &Summary, sampler: &Sampler) -> Result<(), ChartError> {
    let has_lambda = s.consumers.iter().any(|c| c.lambda.is_some());
    if !has_lambda && s.databases.is_empty() {
        return Ok(());
    }
    let mut c = chart(
        "Concurrency and database connections against their limits",
        s,
        "concurrent invocations, workers or connections",
    );
    c.windows.extend(down_windows(s));
    // One colour per component: its dashed line (pollers, pool waiters) pairs
    // with its solid one.
    let mut colour = 0;
    let limit = |label: String, value: u32| Limit {
        label,
        value: value.into(),
    };
    for con in &s.consumers {
        let n = &con.name;
        if let Some(l) = &con.lambda {
            let running = gauge(
                sampler,
                &format!("{n}.concurrency"),
                &format!("{n} invocations running"),
            );
            c.series.extend(running.map(|x| in_colour(x, colour)));
            let pollers = gauge(sampler, &format!("{n}.pollers"), &format!("{n} pollers"));
            c.series
                .extend(pollers.map(dashed).map(|x| in_colour(x, colour)));
            c.limits.push(limit(
                format!("{n}: event source max concurrency ({})", l.pollers_cap),
                l.pollers_cap,
            ));
            if let Some(r) = l.reserved_concurrency {
                c.limits
                    .push(limit(format!("{n}: reserved concurrency ({r})"), r));
            }
        } else if con.calls.is_some() {
            let busy = gauge(sampler, &format!("{n}.busy"), &format!("{n} busy workers"));
            c.series.extend(busy.map(|x| in_colour(x, colour)));
            c.limits.push(limit(
                format!("{n}: pool size ({} workers)", con.workers),
                con.workers,
            ));
        } else {
            continue;
        }
        colour += 1;
    }
    for d in &s.databases {
        let n = &d.name;
        let used = gauge(
            sampler,
            &format!("{n}.connections"),
            &format!("{n} connections in use"),
        );
        c.series.extend(used.map(|x| in_colour(x, colour)));
        c.limits.push(limit(
            format!("{n} max_connections ({})", d.max_connections),
            d.max_connections,
        ));
        if let Some(p) = d.pool_size {
            let waiting = gauge(
                sampler,
                &format!("{n}.pool_waiting"),
                &format!("{n} callers waiting for the pool"),
            );
            c.series
                .extend(waiting.map(dashed).map(|x| in_colour(x, colour)));
            c.limits.push(limit(format!("{n} pool size ({p})"), p));
        }
        colour += 1;
    }
    // The account limit is shared by every function: shown once, and only when the
    // lines come near it.
    let highest = c
        .series
        .iter()
        .flat_map(|x| x.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    if let Some(account) = s
        .consumers
        .iter()
        .find_map(|c| c.lambda.as_ref())
        .map(|l| l.account_concurrency)
        && f64::from(account) < SQUASH * highest
    {
        c.limits.push(limit(
            format!("account concurrency limit ({account})"),
            account,
        ));
    }
    c.write(&dir.join("concurrency"))?;
    Ok(())
}

fn in_colour(mut s: Series, colour: usize) -> Series {
    s.color = Some(colour);
    s
}
