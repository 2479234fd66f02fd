//! Checks for clients and what they call: services and records.

use super::downstream::{breaker, retry};
use super::names::Names;
use super::{Checker, names_unique};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::*;
use std::collections::HashSet;

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    let mut names = vec![];
    for (i, v) in s.services.iter().enumerate() {
        let p = root.key("service").index(i);
        names.push((p.key("name"), v.name.clone()));
        match (v.base_s, &v.service_s) {
            (None, None) => c.fail(
                p.clone(),
                "how long does a request take?",
                "`base_s = 0.05` (fixed), or `service_s = { dist = \"pareto\", shape = 2, scale = 0.01 }` (drawn), or both (added)",
            ),
            (b, d) => {
                if let Some(b) = b {
                    c.range(p.key("base_s"), b, 0.0, 1e9, "seconds ≥ 0");
                }
                if let Some(d) = d {
                    c.dist(p.key("service_s"), d);
                }
            }
        }
        c.range(
            p.key("slope_s"),
            v.slope_s,
            0.0,
            1e9,
            "seconds per request in service, ≥ 0",
        );
        if v.max_concurrency == Some(0) {
            c.fail(
                p.key("max_concurrency"),
                "a service that accepts nothing",
                "a whole number ≥ 1, or leave it out (no limit)",
            );
        }
    }
    for (i, r) in s.records.iter().enumerate() {
        let p = root.key("record").index(i);
        names.push((p.key("name"), r.name.clone()));
        c.dist(p.key("read_s"), &r.read_s);
        c.dist(p.key("write_s"), &r.write_s);
    }
    names_unique(c, "service or record", &names);
    let called: HashSet<String> = names.iter().map(|(_, n)| n.clone()).collect();
    // A client may also submit jobs to a queue (`client/jobs.rs`).
    let queues: HashSet<&str> = s.queues.iter().map(|q| q.name.as_str()).collect();
    let targets = Names::new(
        names.into_iter().map(|(_, n)| n).chain(
            s.queues
                .iter()
                .map(|q| q.name.clone())
                .filter(|n| !called.contains(n)),
        ),
    );
    let records: HashSet<&str> = s.records.iter().map(|r| r.name.as_str()).collect();
    let mut cnames = vec![];
    for (i, k) in s.clients.iter().enumerate() {
        let p = root.key("client").index(i);
        cnames.push((p.key("name"), k.name.clone()));
        c.reference(
            p.key("target"),
            "service, record or queue",
            &k.target,
            &targets,
        );
        let to_queue = queues.contains(k.target.as_str());
        if to_queue && called.contains(&k.target) {
            c.fail(
                p.key("target"),
                format!("`{}` names both a queue and a service or record", k.target),
                "give the queue or the service (or record) another name",
            );
        }
        if k.closed_loop() {
            closed_loop(c, &p, k);
        } else {
            open_loop(c, &p, k);
        }
        if let Some(t) = k.timeout_s {
            c.range(p.key("timeout_s"), t, 1e-9, 1e9, "seconds > 0");
            if records.contains(k.target.as_str()) {
                c.fail(
                    p.key("timeout_s"),
                    "a record's clients wait for their answers",
                    "no `timeout_s` for clients of a record",
                );
            }
        }
        c.dist(p.key("network_s"), &k.network_s);
        if let Some(r) = &k.retry {
            retry(c, &p.key("retry"), r);
        }
        if let Some(b) = &k.breaker {
            breaker(c, &p.key("breaker"), b);
        }
        if let Some(h) = &k.hedge {
            hedge(
                c,
                &p.key("hedge"),
                h,
                k,
                records.contains(k.target.as_str()),
            );
            if to_queue && !called.contains(&k.target) {
                c.fail(
                    p.key("hedge"),
                    "a job submitted twice is processed twice: hedging is for the clients of a service",
                    "leave `[client.hedge]` out, or target a `[[service]]`",
                );
            }
        }
        scopes(c, &p, k);
    }
    names_unique(c, "client", &cnames);
}

/// `scope = "client"` needs clients to keep the state of: `count` (closed
/// loop) or `population` (open loop); and state to keep: a budget.
fn scopes(c: &mut Checker, p: &KeyPath, k: &ClientConfig) {
    if let Some(n) = k.population {
        if k.closed_loop() {
            c.fail(
                p.key("population"),
                "a closed loop's clients are its `count`",
                "leave `population` out of a closed-loop client",
            );
        } else if n == 0 {
            c.fail(p.key("population"), "no clients", "a whole number ≥ 1");
        }
    }
    let clients = k.closed_loop() || k.population.is_some();
    let fix = "`population = <clients>` (open loop) or `count = <clients>` (closed loop), or `scope = \"population\"`";
    if let Some(r) = &k.retry
        && r.scope == Scope::Client
    {
        if r.budget_ratio.is_none() && r.token_bucket.is_none() {
            c.fail(
                p.key("retry").key("scope"),
                "a scope for a retry budget, but there is none",
                "`token_bucket = { ... }` or `budget_ratio`, or leave `scope` out",
            );
        } else if !clients {
            c.fail(
                p.key("retry").key("scope"),
                "a budget per client, but how many clients?",
                fix,
            );
        }
    }
    if let Some(b) = &k.breaker
        && b.scope == Scope::Client
        && !clients
    {
        c.fail(
            p.key("breaker").key("scope"),
            "a breaker per client, but how many clients?",
            fix,
        );
    }
}

/// Bounds of `[client.hedge]`: a percentile that is a tail, not the median's
/// neighbourhood of 0 or 100; a few extra copies at most (each one more load
/// on the service for the same answer).
pub const HEDGE_PERCENTILE_MIN: f64 = 1.0;
pub const HEDGE_PERCENTILE_MAX: f64 = 99.9;
pub const HEDGE_MAX_EXTRA: u32 = 10;

/// One delay (fixed or a percentile), a warm-up for the percentile only, a
/// service to hedge against (a record's conditional write would conflict with
/// its own copy), and a delay shorter than the timeout.
fn hedge(c: &mut Checker, p: &KeyPath, h: &HedgeConfig, k: &ClientConfig, record: bool) {
    let fix = "`after_s = 0.05` (a fixed delay) or `after_percentile = 95` (of the latencies seen so far)";
    match (h.after_s, h.after_percentile) {
        (None, None) => c.fail(p.clone(), "hedge after how long?", fix),
        (Some(_), Some(_)) => c.fail(
            p.key("after_percentile"),
            "two delays: `after_s` and `after_percentile`",
            format!("one of them: {fix}"),
        ),
        (Some(d), None) => {
            c.range(p.key("after_s"), d, 1e-9, 1e9, "seconds > 0");
            if let Some(t) = k.timeout_s
                && d >= t
            {
                c.fail(
                    p.key("after_s"),
                    "the attempt times out before its hedge goes out",
                    format!("after_s < timeout_s ({})", super::num(t)),
                );
            }
        }
        (None, Some(q)) => c.range(
            p.key("after_percentile"),
            q,
            HEDGE_PERCENTILE_MIN,
            HEDGE_PERCENTILE_MAX,
            &format!(
                "a percentile from {HEDGE_PERCENTILE_MIN} to {HEDGE_PERCENTILE_MAX} (95: the 95th)"
            ),
        ),
    }
    match (h.warmup, h.after_percentile) {
        (Some(_), None) => c.fail(
            p.key("warmup"),
            "`warmup` applies to `after_percentile`",
            "leave `warmup` out with a fixed `after_s`",
        ),
        (Some(0), Some(_)) => c.fail(
            p.key("warmup"),
            "a percentile of no latencies",
            format!("a whole number ≥ 1 of answered attempts (default {HEDGE_WARMUP_DEFAULT})"),
        ),
        _ => {}
    }
    if !(1..=HEDGE_MAX_EXTRA).contains(&h.max_extra) {
        c.fail(
            p.key("max_extra"),
            format!("{} extra copies", h.max_extra),
            format!("from 1 to {HEDGE_MAX_EXTRA}"),
        );
    }
    if record {
        c.fail(
            p.clone(),
            "a record's write is conditional: a hedged copy would conflict with its own original",
            "hedge the clients of a `[[service]]`, or leave `[client.hedge]` out",
        );
    }
}

fn open_loop(c: &mut Checker, p: &KeyPath, k: &ClientConfig) {
    match k.rate {
        Some(r) => c.range(p.key("rate"), r, 0.0, 1e12, "requests per second ≥ 0"),
        None => c.fail(
            p.clone(),
            "how many requests?",
            "`rate = 50` (open loop: requests per second) or `count = 100` (closed loop: clients)",
        ),
    }
    for (key, set) in [
        ("pacing", k.pacing != Pacing::AfterEnd),
        ("think_s", k.think_s.is_some()),
        ("requests_each", k.requests_each.is_some()),
        ("start_spread_s", k.start_spread_s != 0.0),
    ] {
        if set {
            c.fail(
                p.key(key),
                format!("`{key}` applies to closed-loop clients"),
                "also `count = <clients>`, or leave it out",
            );
        }
    }
    for (j, st) in k.profile.iter().enumerate() {
        c.profile(p.key("profile").index(j), st);
    }
    c.base_changes_apart(p, &k.profile);
    c.range(p.key("start_s"), k.start_s, 0.0, 1e12, "seconds ≥ 0");
    if let Some(stop) = k.stop_s
        && (stop < k.start_s || stop.is_nan())
    {
        c.fail(
            p.key("stop_s"),
            "the clients stop before they start",
            "stop_s ≥ start_s",
        );
    }
}

fn closed_loop(c: &mut Checker, p: &KeyPath, k: &ClientConfig) {
    if k.count == Some(0) {
        c.fail(p.key("count"), "no clients", "a whole number ≥ 1");
    }
    let paced = k.pacing == Pacing::FromStart;
    match (k.rate, paced) {
        (Some(_), false) => c.fail(
            p.key("rate"),
            "closed-loop clients send as fast as their answers and think time allow",
            "either `count` (closed loop) or `rate` (open loop), not both; or `pacing = \"from_start\"` (a rate per client)",
        ),
        (Some(r), true) => c.range(
            p.key("rate"),
            r,
            1e-9,
            1e9,
            "requests per second per client, > 0",
        ),
        (None, true) => c.fail(
            p.key("pacing"),
            "paced from the start, but at what rate?",
            "`rate = <requests per second per client>`",
        ),
        (None, false) => {}
    }
    if k.first_at_start {
        c.fail(
            p.key("first_at_start"),
            "closed-loop clients send their first requests at `start_s` (spread over `start_spread_s`) already",
            "leave `first_at_start` out of a closed-loop client, or use `rate` (open loop)",
        );
    }
    if !k.profile.is_empty() {
        c.fail(
            p.key("profile"),
            "closed-loop clients send as fast as their answers and think time allow",
            "either `count` (closed loop) or `rate` with `profile` (open loop), not both",
        );
    }
    if paced && k.think_s.is_some() {
        c.fail(
            p.key("think_s"),
            "a client paced from the start does not think after the end",
            "`rate` alone with `pacing = \"from_start\"`, or `think_s` alone",
        );
    }
    if let Some(stop) = k.stop_s
        && (stop < k.start_s || stop.is_nan())
    {
        c.fail(
            p.key("stop_s"),
            "the clients stop before they start",
            "stop_s ≥ start_s",
        );
    }
    if let Some(t) = &k.think_s {
        c.dist(p.key("think_s"), t);
    }
    if k.requests_each == Some(0) {
        c.fail(p.key("requests_each"), "0 requests", "a whole number ≥ 1");
    }
    c.range(p.key("start_s"), k.start_s, 0.0, 1e12, "seconds ≥ 0");
    c.range(
        p.key("start_spread_s"),
        k.start_spread_s,
        0.0,
        1e12,
        "seconds ≥ 0",
    );
}
