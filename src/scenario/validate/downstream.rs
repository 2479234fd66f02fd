//! Checks for the downstream tables (databases, APIs, fault windows) and for
//! what a consumer adds on top of its queue: its call chain, retries, breaker,
//! dedupe store and managed poller.

use super::names::{Names, shown};
use super::{Checker, names_unique};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::*;
use std::collections::HashMap;

/// Names a consumer may call: databases, then APIs.
pub(super) fn callable(s: &Scenario) -> Names {
    Names::new(
        s.databases
            .iter()
            .map(|d| d.name.clone())
            .chain(s.apis.iter().map(|a| a.name.clone())),
    )
}

const SECONDS: &str = "seconds > 0";

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    if s.run.account_concurrency == 0 {
        c.fail(
            root.key("run").key("account_concurrency"),
            "an account that runs nothing",
            "a whole number ≥ 1 (AWS default: 1000)",
        );
    }
    let mut names = vec![];
    for (i, d) in s.databases.iter().enumerate() {
        let p = root.key("database").index(i);
        names.push((p.key("name"), d.name.clone()));
        if d.max_connections == 0 {
            c.fail(
                p.key("max_connections"),
                "a database that accepts no connection",
                "a whole number ≥ 1",
            );
        }
        if d.cores == 0 {
            c.fail(p.key("cores"), "no cores", "a whole number ≥ 1");
        }
        c.dist(p.key("query_s"), &d.query_s);
        if let Some(pool) = &d.pool {
            if pool.size == 0 {
                c.fail(
                    p.key("pool").key("size"),
                    "a pool of 0 connections",
                    "a whole number ≥ 1 (callers beyond it wait; it never opens more than max_connections)",
                );
            }
            c.range(
                p.key("pool").key("acquire_timeout_s"),
                pool.acquire_timeout_s,
                0.0,
                1e9,
                "seconds ≥ 0",
            );
        }
        if let Some(k) = &d.crash {
            c.range(
                p.key("crash").key("after_s"),
                k.after_s,
                0.0,
                1e9,
                "seconds ≥ 0",
            );
            c.range(
                p.key("crash").key("recovery_s"),
                k.recovery_s,
                1e-9,
                1e9,
                SECONDS,
            );
        }
    }
    for (i, a) in s.apis.iter().enumerate() {
        let p = root.key("api").index(i);
        names.push((p.key("name"), a.name.clone()));
        c.range(p.key("rate"), a.rate, 1e-9, 1e12, "calls per second > 0");
        c.range(
            p.key("burst"),
            a.burst,
            1.0,
            1e12,
            "a bucket of at least 1 call",
        );
        c.dist(p.key("call_s"), &a.call_s);
    }
    names_unique(c, "database or API", &names);
    distinct_across_kinds(c, s, &names);
    let known = Names::new(
        callable(s)
            .list
            .iter()
            .cloned()
            .chain(s.services.iter().map(|v| v.name.clone())),
    );
    for (i, f) in s.faults.iter().enumerate() {
        fault(c, root.key("fault").index(i), f, &known);
    }
}

/// Time-series columns are prefixed with component names, so a queue, a
/// consumer and a database or API must not share one.
fn distinct_across_kinds(c: &mut Checker, s: &Scenario, downstreams: &[(KeyPath, String)]) {
    let root = KeyPath::root();
    let mut named: Vec<(&str, KeyPath, String)> = vec![];
    for (i, q) in s.queues.iter().enumerate() {
        named.push((
            "queue",
            root.key("queue").index(i).key("name"),
            q.name.clone(),
        ));
    }
    for (i, co) in s.consumers.iter().enumerate() {
        let path = root.key("consumer").index(i).key("name");
        named.push(("consumer", path, consumer_name(i, co)));
    }
    for (path, n) in downstreams {
        named.push(("database or API", path.clone(), n.clone()));
    }
    for (i, k) in s.clients.iter().enumerate() {
        let path = root.key("client").index(i).key("name");
        named.push(("client", path, k.name.clone()));
    }
    for (i, v) in s.services.iter().enumerate() {
        let path = root.key("service").index(i).key("name");
        named.push(("service", path, v.name.clone()));
    }
    for (i, r) in s.records.iter().enumerate() {
        let path = root.key("record").index(i).key("name");
        named.push(("record", path, r.name.clone()));
    }
    for (i, t) in s.pushes.iter().enumerate() {
        let path = root.key("push").index(i).key("name");
        named.push(("push topic", path, t.name.clone()));
    }
    // For each name: the kind of its first component, and the first other
    // kind after it. The first earlier component of another kind than the
    // current one is one of the two.
    let mut kinds: HashMap<&str, (&str, Option<&str>)> = HashMap::with_capacity(named.len());
    for (kind, path, name) in &named {
        let (first, second) = kinds.entry(name.as_str()).or_insert((kind, None));
        let other = if first != kind { Some(*first) } else { *second };
        if first != kind && second.is_none() {
            *second = Some(kind);
        }
        if let Some(other) = other {
            c.fail(
                path.clone(),
                format!("a {other} is also named `{}`", shown(name)),
                "a name no other component uses (time-series columns are prefixed with it)",
            );
        }
    }
}

fn fault(c: &mut Checker, p: KeyPath, f: &FaultConfig, known: &Names) {
    c.reference(
        p.key("target"),
        "database, API or service",
        &f.target,
        known,
    );
    c.range(p.key("from_s"), f.from_s, 0.0, 1e12, "seconds ≥ 0");
    if !(f.to_s > f.from_s && f.to_s.is_finite()) {
        c.fail(
            p.key("to_s"),
            "the window ends before it starts",
            "to_s > from_s",
        );
    }
    let (needs, key) = match f.kind {
        FaultKind::Errors => (Some("error_rate"), f.error_rate),
        FaultKind::Latency => (Some("factor"), f.factor),
        FaultKind::Outage => (None, None),
    };
    for (k, v) in [("error_rate", f.error_rate), ("factor", f.factor)] {
        if v.is_some() && needs != Some(k) {
            c.fail(
                p.key(k),
                format!("`{k}` does not apply to {} fault", kind_name(f.kind)),
                match needs {
                    Some(n) => format!("`{n}` for this kind"),
                    None => "an outage takes only target, kind, from_s and to_s".into(),
                },
            );
        }
    }
    match (needs, key) {
        (Some(k), None) => c.fail(
            p.clone(),
            format!("{} fault needs `{k}`", kind_name(f.kind)),
            match f.kind {
                FaultKind::Errors => "`error_rate = 0.5` (a probability)",
                _ => "`factor = 5` (calls take 5× longer)",
            },
        ),
        (Some("error_rate"), Some(v)) => {
            c.range(p.key("error_rate"), v, 0.0, 1.0, "a probability in [0, 1]")
        }
        (Some(_), Some(v)) => c.range(p.key("factor"), v, 1e-9, 1e9, "a factor > 0"),
        _ => {}
    }
}

fn kind_name(k: FaultKind) -> &'static str {
    match k {
        FaultKind::Outage => "an outage",
        FaultKind::Errors => "an errors",
        FaultKind::Latency => "a latency",
    }
}

pub(super) fn consumer(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig, known: &Names) {
    for (j, name) in co.calls.iter().enumerate() {
        c.reference(p.key("calls").index(j), "database or API", name, known);
    }
    if let Some(r) = &co.retry {
        let k = p.key("retry");
        retry(c, &k, r);
        if co.calls.is_empty() {
            c.fail(
                k,
                "retries of downstream calls, but the consumer calls nothing",
                "`calls = [\"<database or API>\"]`, or retries through the queue with `on_failure`",
            );
        }
    }
    if let Some(b) = &co.breaker {
        breaker(c, &p.key("breaker"), b);
        if b.scope == Scope::Client {
            c.fail(
                p.key("breaker").key("scope"),
                "a consumer's workers share its breakers",
                "`scope` applies to a `[[client]]`'s breaker; leave it out",
            );
        }
    }
    if let Some(r) = &co.retry
        && r.scope == Scope::Client
    {
        c.fail(
            p.key("retry").key("scope"),
            "a consumer's workers share its retry budget",
            "`scope` applies to a `[[client]]`'s budget; leave it out",
        );
    }
    if let Some(d) = &co.idempotency {
        let k = p.key("idempotency");
        c.range(k.key("ttl_s"), d.ttl_s, 1e-6, 1e12, SECONDS);
        c.range(k.key("lock_s"), d.lock_s, 1e-6, 1e12, SECONDS);
    }
    if let Some(l) = &co.lambda {
        lambda(c, p, co, l);
    }
}

/// A retry policy with its attempts and budget (consumers' calls, clients).
pub(super) fn retry(c: &mut Checker, k: &KeyPath, r: &CallRetry) {
    if r.attempts == 0 {
        c.fail(
            k.key("attempts"),
            "0 attempts",
            "a whole number ≥ 1 (1 = no retry)",
        );
    }
    c.backoff(k.clone(), &r.policy());
    if let Some(ratio) = r.budget_ratio {
        c.range(
            k.key("budget_ratio"),
            ratio,
            0.0,
            1e3,
            "a fraction ≥ 0, like 0.1",
        );
    }
    c.range(
        k.key("budget_window_s"),
        r.budget_window_s,
        1e-6,
        1e9,
        SECONDS,
    );
    if let Some(b) = &r.token_bucket {
        token_bucket(c, &k.key("token_bucket"), b);
        if r.budget_ratio.is_some() {
            c.fail(
                k.key("budget_ratio"),
                "two retry budgets: a ratio and a token bucket",
                "one of `budget_ratio` and `token_bucket`",
            );
        }
    }
}

pub(super) fn breaker(c: &mut Checker, k: &KeyPath, b: &BreakerConfig) {
    let keys = match b.trip {
        Trip::Count => "trip, failures, window_s, cooldown_s, blocks",
        Trip::Ratio => "trip, failure_ratio, min_calls, window_s or cumulative, cooldown_s, blocks",
    };
    let misplaced = |key: &str, on: &str| (format!("`{key}` applies to a {on} breaker"), keys);
    match b.trip {
        Trip::Count => {
            if b.failures == Some(0) {
                c.fail(
                    k.key("failures"),
                    "opens on 0 failures",
                    "a whole number ≥ 1",
                );
            }
            for (key, set) in [
                ("failure_ratio", b.failure_ratio.is_some()),
                ("min_calls", b.min_calls.is_some()),
                ("cumulative", b.cumulative.is_some()),
            ] {
                if set {
                    let (m, e) = misplaced(key, "ratio (`trip = \"ratio\"`)");
                    c.fail(k.key(key), m, e);
                }
            }
        }
        Trip::Ratio => {
            match b.failure_ratio {
                Some(r) => c.range(
                    k.key("failure_ratio"),
                    r,
                    1e-6,
                    1.0,
                    "a share of failed calls in (0, 1], like 0.5",
                ),
                None => c.fail(k.clone(), "a ratio breaker needs `failure_ratio`", keys),
            }
            if b.failures.is_some() {
                let (m, e) = misplaced("failures", "count (the default `trip`)");
                c.fail(k.key("failures"), m, e);
            }
            if b.min_calls == Some(0) {
                c.fail(
                    k.key("min_calls"),
                    "judged on 0 calls",
                    "a whole number ≥ 1 (10 by default)",
                );
            }
        }
    }
    c.range(k.key("window_s"), b.window_s, 1e-6, 1e9, SECONDS);
    if !(b.cooldown_s == 0.0 || (1e-6..=1e9).contains(&b.cooldown_s)) {
        c.fail(
            k.key("cooldown_s"),
            format!("{} is out of range", b.cooldown_s),
            "0 (no open state: blocked while the condition holds), or seconds from 1e-6 to 1e9",
        );
    }
}

/// A token bucket of retries: positive capacity and cost, a credit, a
/// threshold below the capacity (or no retry could ever be made).
fn token_bucket(c: &mut Checker, k: &KeyPath, b: &TokenBucketConfig) {
    const TOKENS: &str = "a number of tokens from 0 to 1e9";
    c.range(
        k.key("capacity"),
        b.capacity,
        1e-9,
        1e9,
        "a positive number of tokens, up to 1e9",
    );
    if let Some(i) = b.initial {
        c.range(
            k.key("initial"),
            i,
            0.0,
            b.capacity.max(0.0),
            "from 0 to the capacity",
        );
    }
    c.range(k.key("credit"), b.credit, 0.0, 1e9, TOKENS);
    c.range(
        k.key("cost"),
        b.cost,
        1e-9,
        1e9,
        "a positive number of tokens, up to 1e9",
    );
    c.range(k.key("threshold"), b.threshold, 0.0, 1e9, TOKENS);
    if b.threshold + b.cost > b.capacity {
        c.fail(
            k.key("threshold"),
            "no retry could ever be made: threshold + cost is above the capacity",
            "threshold + cost ≤ capacity",
        );
    }
}

fn lambda(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig, l: &LambdaConfig) {
    let k = p.key("lambda");
    if co.workers.is_some() {
        c.fail(
            p.key("workers"),
            "a Lambda-like consumer scales its own concurrency",
            "no `workers`; cap it with `lambda.max_concurrency`",
        );
    }
    if l.initial_concurrency == 0 {
        c.fail(
            k.key("initial_concurrency"),
            "no pollers to start with",
            "a whole number ≥ 1 (AWS: 5)",
        );
    }
    if let Some(m) = l.max_concurrency
        && !(2..=EVENT_SOURCE_LIMIT).contains(&m)
    {
        c.fail(
            k.key("max_concurrency"),
            format!("{m} is out of range"),
            "2 to 1000 (the event source's maximum concurrency)",
        );
    }
    if let Some(r) = l.scale_up_per_minute {
        c.range(
            k.key("scale_up_per_minute"),
            r,
            1e-6,
            1e9,
            "pollers per minute > 0",
        );
    }
    c.range(
        k.key("batch_window_s"),
        l.batch_window_s,
        0.0,
        300.0,
        "seconds in [0, 300] (AWS)",
    );
    c.range(
        k.key("function_timeout_s"),
        l.function_timeout_s,
        1e-3,
        900.0,
        "seconds in (0, 900] (AWS)",
    );
    for (name, v) in [
        ("scale_down_per_minute", l.scale_down_per_minute),
        ("error_backoff_per_minute", l.error_backoff_per_minute),
    ] {
        c.range(k.key(name), v, 0.0, 1e9, "pollers per minute ≥ 0");
    }
    c.range(
        k.key("throttle_pause_s"),
        l.throttle_pause_s,
        0.0,
        1e9,
        "seconds ≥ 0",
    );
    if co.wait_time_s == 0.0 {
        c.fail(
            p.key("wait_time_s"),
            "the managed poller long-polls",
            "wait_time_s > 0 (Lambda's pollers wait 20 s)",
        );
    }
}
