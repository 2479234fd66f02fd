//! The Lambda-like consumer's scenarios (scenarios/lambda-*.toml,
//! zombie-loop-lambda*.toml, partial-batch.toml), held to the numbers their
//! opening comments promise, and the poller's rules on small systems.

use crate::common::{run_scenario, run_text};
use flowsim::metrics::series::BoundedSeries;

fn col(s: &BoundedSeries, name: &str) -> Vec<f64> {
    s.column(name)
        .unwrap_or_else(|| panic!("no column {name}; have {:?}", s.columns()))
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::MIN, f64::max)
}

#[test]
fn uncapped_poller_scales_past_the_connections_and_crashes_the_database() {
    let out = run_scenario("lambda-sqs-db.toml", &[]);
    let s = &out.summary;
    let db = &s.databases[0];
    let f = s.consumers[0].lambda.as_ref().expect("a lambda consumer");
    // Scaled beyond the database's 50 connections, held them all, then refused.
    assert!(f.peak_pollers > 60, "peak pollers {}", f.peak_pollers);
    assert_eq!(db.peak_connections, 50);
    assert!(db.refusals > 500, "refusals {}", db.refusals);
    // Refusals came first, the crash 15 s of refusals later.
    let t = col(&out.series, "time_s");
    let refusals = col(&out.series, "orders-db.refusals");
    let first_refusal = t[refusals.iter().position(|&r| r > 0.0).expect("refusals")];
    let crash = db.first_crash_s.expect("a crash");
    assert!(
        (crash - first_refusal - 15.0).abs() < 3.0,
        "refusals from {first_refusal} s, crash at {crash} s"
    );
    assert!((60.0..120.0).contains(&crash), "crash at {crash}");
    assert_eq!(
        s.verdict.reason.map(|r| r.name()),
        Some("downstream_crashed"),
        "{:?}",
        s.verdict
    );
    assert_eq!(s.verdict.at_s, Some(crash));
    // Down most of the run; most orders never processed.
    assert!(db.down_s > 400.0, "down {} s", db.down_s);
    assert!(
        (s.ledger.processed as f64) < s.ledger.produced as f64 / 3.0,
        "{:?}",
        s.ledger
    );
    // The chart's shading: the time series shows it down.
    let up = col(&out.series, "orders-db.up");
    assert!(up.iter().filter(|&&u| u == 0.0).count() > 400);
}

#[test]
fn maximum_concurrency_trades_latency_for_survival() {
    let out = run_scenario("lambda-sqs-db-capped.toml", &[]);
    let s = &out.summary;
    let db = &s.databases[0];
    assert_eq!(db.refusals, 0);
    assert_eq!(db.crashes, 0);
    assert!(db.peak_connections <= 50);
    assert!(!s.verdict.collapsed, "{:?}", s.verdict);
    // The latency traded is harm the verdict names, and the only one.
    let reasons: Vec<_> = s.verdict.reasons.iter().map(|f| f.reason.name()).collect();
    assert_eq!(reasons, ["recovered_late"], "{:?}", s.verdict);
    assert_eq!(s.consumers[0].peak_concurrency, 50);
    // The database at its capacity (800/s): ~168,000 waiting at 300 s, the
    // oldest ~210 s old, all drained by ~560 s.
    let backlog = col(&out.series, "backlog");
    let peak = max(&backlog);
    assert!((peak - 168_000.0).abs() < 0.1 * 168_000.0, "peak {peak}");
    let age = max(&col(&out.series, "oldest_age_s"));
    assert!((age - 210.0).abs() < 21.0, "oldest waited {age} s");
    let t = col(&out.series, "time_s");
    let drained = (0..t.len())
        .find(|&i| t[i] > 310.0 && backlog[i] < 100.0)
        .map(|i| t[i])
        .expect("drains");
    assert!((drained - 560.0).abs() < 56.0, "drained at {drained}");
    // Everything processed, once.
    assert!(
        s.ledger.processed + 100 >= s.ledger.produced,
        "{:?}",
        s.ledger
    );
    assert_eq!(s.ledger.duplicates, 0);
}

#[test]
fn zombie_loop_appears_in_lambda_when_visibility_is_short_and_vanishes_with_the_guidance() {
    let z = run_scenario("zombie-loop-lambda.toml", &[]).summary;
    let n = z.ledger.produced as f64;
    assert!(n > 1400.0);
    assert!(
        z.ledger.applied_more_than_once as f64 > 0.8 * n,
        "{:?}",
        z.ledger
    );
    assert!(z.ledger.dead_lettered_after_success as f64 > 0.7 * n);
    assert!(z.queues[0].stale_deletes as f64 > n);
    // Not timeouts: every invocation finished within the function timeout.
    assert_eq!(z.consumers[0].lambda.as_ref().unwrap().timeouts, 0);

    let f = run_scenario("zombie-loop-lambda-fixed.toml", &[]).summary;
    assert_eq!(f.ledger.produced, z.ledger.produced, "same arrivals");
    assert_eq!(f.ledger.duplicates, 0);
    assert_eq!(f.ledger.dead_lettered, 0);
    assert_eq!(f.queues[0].stale_deletes, 0);
    assert_eq!(f.ledger.processed, f.ledger.produced);
}

#[test]
fn whole_batch_failure_reprocesses_healthy_messages_and_partial_response_does_not() {
    let healthy_stats = |partial: bool| {
        let edit = format!("report_batch_item_failures = {partial}");
        let s = run_scenario(
            "partial-batch.toml",
            &[("report_batch_item_failures = false", &edit)],
        )
        .summary;
        let healthy = (s.ledger.produced - s.producers[0].poison) as f64;
        let c = &s.consumers[0];
        // Successful processings are of healthy orders only.
        let processings = (c.completions - c.failures) as f64 / healthy;
        let healthy_dlq = (s.ledger.dead_lettered - s.ledger.dead_lettered_poison) as f64 / healthy;
        (processings, healthy_dlq, s)
    };
    let (whole, whole_dlq, w) = healthy_stats(false);
    assert!(whole > 1.15, "{whole} processings per healthy order");
    assert!(
        whole_dlq > 0.25,
        "{whole_dlq} of healthy orders dead-lettered"
    );
    assert!(w.ledger.applied_more_than_once > 0);

    let (partial, partial_dlq, p) = healthy_stats(true);
    assert_eq!(partial, 1.0);
    assert_eq!(partial_dlq, 0.0);
    assert_eq!(p.ledger.duplicates, 0);
    assert_eq!(p.ledger.dead_lettered, p.producers[0].poison);
    assert_eq!(
        p.ledger.processed + p.producers[0].poison,
        p.ledger.produced
    );
}

const SMALL: &str = r#"
[run]
horizon_s = 300
seed = 5

[[queue]]
name = "q"
visibility_timeout_s = 60

[[producer]]
rate = 400.0
stop_s = 120

[[consumer]]
batch_size = 10
processing_s = { dist = "constant", mean = 0.1 }

[consumer.lambda]
LAMBDA
"#;

fn small(lambda: &str) -> flowsim::RunOutput {
    run_text(&SMALL.replace("LAMBDA", lambda))
}

#[test]
fn pollers_grow_at_the_preset_rate_up_to_their_cap() {
    // 400 msg/s needs 40 batches of 1 s each: the poller adds 5 a second
    // (300 a minute) from 5, so it takes ~7 s; Pipes adds 1 a second.
    let lambda = small("max_concurrency = 40");
    let pollers = col(&lambda.series, "consumer1.pollers");
    let t = col(&lambda.series, "time_s");
    let reach = |p: &[f64], n: f64| t[p.iter().position(|&x| x >= n).expect("reaches")];
    let fast = reach(&pollers, 40.0);
    assert!(
        (5.0..=10.0).contains(&fast),
        "lambda reached 40 at {fast} s"
    );
    assert_eq!(max(&pollers), 40.0, "capped at max_concurrency");

    let pipes = small("max_concurrency = 40\nscaling = \"pipes\"");
    let slow = reach(&col(&pipes.series, "consumer1.pollers"), 40.0);
    assert!(
        (33.0..=42.0).contains(&slow),
        "pipes reached 40 at {slow} s"
    );
    // Once the load is gone, idle pollers retire back to the initial 5.
    let p = col(&lambda.series, "consumer1.pollers");
    assert_eq!(*p.last().unwrap(), 5.0);
}

#[test]
fn reserved_concurrency_throttles_and_throttled_batches_wait_out_their_visibility() {
    // Pollers may grow to 40 but only 10 invocations may run: the rest are
    // throttled, their batches hidden until the 60 s visibility timeout, and
    // the poller stops growing and backs off.
    let out = small("max_concurrency = 40\nreserved_concurrency = 10");
    let s = &out.summary;
    let f = s.consumers[0].lambda.as_ref().unwrap();
    assert!(f.throttles > 100, "throttles {}", f.throttles);
    assert_eq!(s.consumers[0].peak_concurrency, 10);
    assert!(max(&col(&out.series, "consumer1.concurrency")) <= 10.0);
    assert!(f.peak_pollers < 25, "pollers grew to {}", f.peak_pollers);
    // Each throttled batch comes back after its visibility timeout, whole.
    let q = &s.queues[0];
    assert!(q.returns > 5 * f.throttles, "{q:?} {f:?}");
    assert_eq!(s.ledger.duplicates, 0, "throttled batches never ran");
}

#[test]
fn function_timeout_fails_the_whole_invocation() {
    // Messages of 0.1 s against a 0.5 s timeout: a batch of 5 or more times
    // out and nothing of it is deleted; only batches of 4 or fewer succeed.
    let out = small("max_concurrency = 40\nfunction_timeout_s = 0.5");
    let s = &out.summary;
    let f = s.consumers[0].lambda.as_ref().unwrap();
    assert!(f.timeouts > 1000, "{f:?}");
    assert_eq!(f.timeouts, f.failed_invocations);
    let succeeded = f.invocations - f.timeouts;
    assert!(
        s.queues[0].deletes <= 4 * succeeded,
        "{} deletes from {succeeded} successful invocations",
        s.queues[0].deletes
    );
    // The first half of each batch ran: side effects applied, then redone.
    assert!(s.ledger.applied_more_than_once > 1000);
}

#[test]
fn the_account_limit_is_shared_by_every_function() {
    // Two functions that would each run ~20 invocations, in an account of 25.
    let one = |name: &str| {
        format!(
            r#"
[[queue]]
name = "{name}"
visibility_timeout_s = 30

[[producer]]
name = "{name}-in"
queue = "{name}"
rate = 200.0

[[consumer]]
name = "{name}-fn"
queue = "{name}"
processing_s = {{ dist = "constant", mean = 0.1 }}

[consumer.lambda]
max_concurrency = 40
"#
        )
    };
    let text = format!(
        "[run]\nhorizon_s = 120\naccount_concurrency = 25\n{}{}",
        one("a"),
        one("b")
    );
    let out = run_text(&text);
    let (a, b) = (
        col(&out.series, "a-fn.concurrency"),
        col(&out.series, "b-fn.concurrency"),
    );
    let together = a.iter().zip(&b).map(|(x, y)| x + y).fold(0.0, f64::max);
    assert!(together <= 25.0, "{together} invocations at once");
    assert!(together >= 24.0, "never reached the limit: {together}");
    let throttles: u64 = out
        .summary
        .consumers
        .iter()
        .map(|c| c.lambda.as_ref().unwrap().throttles)
        .sum();
    assert!(throttles > 0);
}
