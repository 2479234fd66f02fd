//! Downstreams against queueing theory and their own rules. A database with
//! one core is a processor-sharing server: its mean response time is
//! 1/(μ − λ) whatever the query-time distribution (PS is insensitive). With
//! `max_connections` = cores and no pool it is an Erlang loss system; with a
//! pool of that size and no acquire timeout, an M/M/c queue (Erlang C).
//! Confidence intervals come from independent replications after a warm-up.

use crate::common::{Ci, check, erlang_b, erlang_c, replicate, run_text};

const REPS: u64 = 30;

/// Poisson arrivals at `rate` to plenty of workers that do nothing but call the
/// database once; a failed message never returns within the run (so the
/// database sees a Poisson stream).
fn scenario(rate: f64, database: &str) -> String {
    format!(
        r#"
[run]
seed = 77
replication = REP
horizon_s = 10000
warmup_s = 1000
sample_interval_s = 1000

[[queue]]
name = "q"
visibility_timeout_s = 1e9

[[producer]]
rate = {rate}

[[consumer]]
workers = 200
processing_s = {{ dist = "constant", mean = 0.0 }}
calls = ["db"]

[[database]]
name = "db"
{database}
"#
    )
}

fn mean_e2e(s: &flowsim::Summary) -> f64 {
    s.latency.end_to_end.mean_s
}

#[test]
fn one_core_database_is_processor_sharing_and_insensitive() {
    // λ = 8/s, mean query 0.1 s alone: ρ = 0.8, T = 0.1 / (1 − 0.8) = 0.5 s.
    for query in [
        r#"{ dist = "exponential", mean = 0.1 }"#,
        r#"{ dist = "constant", mean = 0.1 }"#,
        r#"{ dist = "lognormal", mean = 0.1, cv = 2.0 }"#,
    ] {
        let db = format!("max_connections = 1000\ncores = 1\nquery_s = {query}");
        let xs = replicate(&scenario(8.0, &db), REPS, mean_e2e);
        check(&format!("M/G/1-PS {query}"), Ci::from(&xs), 0.5);
    }
}

#[test]
fn refusals_at_max_connections_follow_erlang_b() {
    // c = 5 connections, 5 cores (no slowdown), a = λ/μ = 4 erlangs.
    let db = r#"max_connections = 5
cores = 5
query_s = { dist = "exponential", mean = 1.0 }"#;
    let xs = replicate(&scenario(4.0, db), REPS, |s| {
        let d = &s.databases[0];
        d.refusals as f64 / (d.refusals + d.queries) as f64
    });
    check("Erlang B refusals", Ci::from(&xs), erlang_b(5, 4.0));
}

#[test]
fn a_pool_turns_refusals_into_an_erlang_c_wait() {
    let db = r#"max_connections = 5
cores = 5
query_s = { dist = "exponential", mean = 1.0 }
pool = { size = 5, acquire_timeout_s = 1e9 }"#;
    let xs = replicate(&scenario(4.0, db), REPS, mean_e2e);
    // Wait in the pool (Erlang C) plus the query itself.
    let theory = erlang_c(5, 4.0) / (5.0 - 4.0) + 1.0;
    check("pool M/M/5", Ci::from(&xs), theory);
    let s = run_text(&scenario(4.0, db).replace("REP", "0")).summary;
    assert_eq!(s.databases[0].refusals, 0);
    assert_eq!(s.databases[0].peak_connections, 5);
}

#[test]
fn pool_acquire_timeout_fails_the_callers_who_waited_too_long() {
    // Overloaded: λ = 8/s for 5 connections of 1 s. Callers wait at most 0.5 s.
    let db = r#"max_connections = 5
cores = 5
query_s = { dist = "constant", mean = 1.0 }
pool = { size = 5, acquire_timeout_s = 0.5 }"#;
    let s = run_text(&scenario(8.0, db).replace("REP", "0")).summary;
    let d = &s.databases[0];
    // The database serves its 5/s; the other ~3/s time out in the pool.
    let served = d.queries as f64 / 10000.0;
    assert!((served - 5.0).abs() < 0.1, "{served} queries/s");
    let timeouts = d.pool_timeouts as f64 / 10000.0;
    assert!((timeouts - 3.0).abs() < 0.15, "{timeouts} timeouts/s");
    assert_eq!(d.refusals, 0);
    // Nobody waited longer than the timeout plus the query.
    assert!(s.latency.end_to_end.max_s <= 1.5 + 1e-6);
}

#[test]
fn sustained_refusals_crash_the_database_for_its_recovery_time() {
    let db = r#"max_connections = 5
cores = 5
query_s = { dist = "constant", mean = 1.0 }
crash = { after_s = 20, recovery_s = 300 }"#;
    let s = run_text(
        &scenario(8.0, db)
            .replace("REP", "0")
            .replace("horizon_s = 10000", "horizon_s = 1000")
            .replace("warmup_s = 1000", "warmup_s = 0")
            .replace("sample_interval_s = 1000", "sample_interval_s = 1"),
    )
    .summary;
    let d = &s.databases[0];
    // Refusing from the first second: crash at ~20 s, down 300 s, and so on.
    let first = d.first_crash_s.unwrap();
    assert!((19.0..=22.0).contains(&first), "first crash at {first}");
    assert_eq!(d.down[0][1] - d.down[0][0], 300.0);
    assert_eq!(d.crashes, d.down.len() as u64);
    assert!(d.crashes >= 3, "{d:?}");
    assert!(d.down_rejections > 1000);
    assert_eq!(
        s.verdict.reason.map(|r| r.name()),
        Some("downstream_crashed")
    );
}

/// A pool consumer calling one API; `extra` adds faults or changes the API.
fn api_run(api: &str, extra: &str) -> flowsim::RunOutput {
    run_text(&format!(
        r#"
[run]
horizon_s = 300
seed = 9

[[queue]]
name = "q"
visibility_timeout_s = 1e9

[[producer]]
rate = 100.0

[[consumer]]
workers = 100
processing_s = {{ dist = "constant", mean = 0.0 }}
calls = ["api"]

[[api]]
name = "api"
{api}
call_s = {{ dist = "constant", mean = 0.1 }}
{extra}
"#
    ))
}

#[test]
fn a_token_bucket_passes_its_rate_and_throttles_the_rest() {
    let out = api_run("rate = 40\nburst = 10", "");
    let a = &out.summary.apis[0];
    let per_s = a.calls as f64 / 300.0;
    assert!((per_s - 40.0).abs() < 0.5, "{per_s} calls/s");
    let throttled = a.throttles as f64 / (a.throttles + a.calls) as f64;
    assert!((throttled - 0.6).abs() < 0.02, "{throttled}");
}

#[test]
fn fault_windows_fail_slow_or_stop_calls_only_between_their_times() {
    let faults = r#"
[[fault]]
target = "api"
kind = "errors"
error_rate = 0.3
from_s = 50
to_s = 100

[[fault]]
target = "api"
kind = "latency"
factor = 5
from_s = 150
to_s = 200

[[fault]]
target = "api"
kind = "outage"
from_s = 250
to_s = 260
"#;
    let out = api_run("rate = 1000\nburst = 100", faults);
    let s = &out.series;
    let t = s.column("time_s").unwrap();
    let errors = s.column("api.errors").unwrap();
    let calls = s.column("api.calls").unwrap();
    let down = s.column("api.down_rejections").unwrap();
    let sum = |v: &[f64], a: f64, b: f64| -> f64 {
        (0..t.len())
            .filter(|&i| t[i] > a && t[i] <= b)
            .map(|i| v[i])
            .sum()
    };
    let rate = sum(&errors, 50.5, 100.0) / sum(&calls, 50.5, 100.0);
    assert!((rate - 0.3).abs() < 0.03, "error rate {rate} in the window");
    assert_eq!(sum(&errors, 0.0, 50.0) + sum(&errors, 101.0, 300.0), 0.0);
    assert_eq!(sum(&down, 0.0, 250.0) + sum(&down, 261.0, 300.0), 0.0);
    assert!((sum(&down, 250.0, 260.0) - 1000.0).abs() < 100.0);
    // 5× slower calls: 0.5 s each, so ~50 calls in flight instead of ~10.
    let busy = s.column("consumer1.busy").unwrap();
    let mean = |a: f64, b: f64| sum(&busy, a, b) / (b - a);
    assert!(
        (mean(160.0, 200.0) - 50.0).abs() < 7.0,
        "{}",
        mean(160.0, 200.0)
    );
    assert!(
        (mean(210.0, 250.0) - 10.0).abs() < 3.0,
        "{}",
        mean(210.0, 250.0)
    );
}
