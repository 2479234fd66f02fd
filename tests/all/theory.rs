//! The engine against queueing theory. A worker pool with batch size 1 and long
//! polling is a FIFO G/G/c queue: its mean wait (publish → first receive) must
//! match M/M/1, M/M/c (Erlang C), M/D/1 and M/G/1 (Pollaczek–Khinchine) within a
//! 95% confidence interval built from independent replications after a warm-up
//! (waits of successive messages are correlated: one run's messages are not
//! independent samples). A bounded queue with no waiting room is Erlang B.

use crate::common::{Ci, check, erlang_b, erlang_c, replicate};

const REPS: u64 = 30;

fn scenario(rate: f64, workers: u32, processing: &str, extra_queue: &str) -> String {
    format!(
        r#"
[run]
seed = 2026
replication = REP
horizon_s = 40000
warmup_s = 4000
sample_interval_s = 1000

[[queue]]
name = "q"
{extra_queue}

[[producer]]
rate = {rate}

[[consumer]]
workers = {workers}
batch_size = 1
wait_time_s = 20
processing_s = {processing}
"#
    )
}

fn mean_wait(s: &flowsim::Summary) -> f64 {
    s.latency.queue_wait.mean_s
}

#[test]
fn mm1_mean_wait() {
    let (l, mu) = (0.8, 1.0);
    let xs = replicate(
        &scenario(l, 1, r#"{ dist = "exponential", mean = 1.0 }"#, ""),
        REPS,
        mean_wait,
    );
    check("M/M/1", Ci::from(&xs), l / (mu * (mu - l)));
}

#[test]
fn mmc_mean_wait_is_erlang_c() {
    let (l, mu, c) = (9.0, 1.0, 10);
    let xs = replicate(
        &scenario(l, c, r#"{ dist = "exponential", mean = 1.0 }"#, ""),
        REPS,
        mean_wait,
    );
    let theory = erlang_c(c, l / mu) / (c as f64 * mu - l);
    check("M/M/10", Ci::from(&xs), theory);
}

#[test]
fn md1_mean_wait() {
    let (l, d) = (0.8, 1.0);
    let rho = l * d;
    let xs = replicate(
        &scenario(l, 1, r#"{ dist = "constant", mean = 1.0 }"#, ""),
        REPS,
        mean_wait,
    );
    check("M/D/1", Ci::from(&xs), rho * d / (2.0 * (1.0 - rho)));
}

#[test]
fn mg1_mean_wait_is_pollaczek_khinchine() {
    // Gamma service, mean 1 s, cv 0.5: E[S²] = (cv² + 1)·mean².
    let l = 0.8;
    let es2 = 0.25 + 1.0;
    let xs = replicate(
        &scenario(l, 1, r#"{ dist = "gamma", mean = 1.0, cv = 0.5 }"#, ""),
        REPS,
        mean_wait,
    );
    check("M/G/1 gamma", Ci::from(&xs), l * es2 / (2.0 * (1.0 - l)));
    // Uniform(0.5, 1.5): E[S²] = 1 + 1/12.
    let l = 0.7;
    let es2 = 1.0 + 1.0 / 12.0;
    let xs = replicate(
        &scenario(l, 1, r#"{ dist = "uniform", min = 0.5, max = 1.5 }"#, ""),
        REPS,
        mean_wait,
    );
    check("M/G/1 uniform", Ci::from(&xs), l * es2 / (2.0 * (1.0 - l)));
}

#[test]
fn littles_law_holds_for_the_queue_and_the_system() {
    let src = scenario(
        9.0,
        10,
        r#"{ dist = "lognormal", mean = 1.0, cv = 1.5 }"#,
        "",
    );
    // L_q = λ·W_q: time-averaged visible messages against arrival rate × mean wait.
    let diff_q = replicate(&src, REPS, |s| {
        let q = &s.queues[0];
        q.mean_visible - q.arrival_rate_per_s * q.queue_wait.mean_s
    });
    // L = λ·W for the whole system (waiting + being processed), W = end to end.
    let diff_sys = replicate(&src, REPS, |s| {
        let q = &s.queues[0];
        (q.mean_visible + q.mean_in_flight) - q.arrival_rate_per_s * s.latency.end_to_end.mean_s
    });
    let lq = replicate(&src, 5, |s| s.queues[0].mean_visible);
    for (name, d) in [("L_q − λW_q", diff_q), ("L − λW", diff_sys)] {
        let ci = Ci::from(&d);
        eprintln!("{name}: {:.4} ± {:.4}", ci.mean, ci.half);
        assert!(ci.contains(0.0), "{name}: {ci:?}");
        // Tight relative to the level itself (edge effects only).
        assert!(
            ci.mean.abs() < 0.01 * lq[0],
            "{name}: {ci:?} vs L_q {}",
            lq[0]
        );
    }
}

#[test]
fn loss_system_blocks_at_erlang_b() {
    // M/M/5/5: the queue holds at most 5 messages (visible + in flight) and has 5
    // workers, so a publish is rejected exactly when every worker is busy.
    let (l, c) = (4.0, 5);
    let src = scenario(
        l,
        c,
        r#"{ dist = "exponential", mean = 1.0 }"#,
        "max_depth = 5\noverflow = \"reject\"",
    );
    let xs = replicate(&src, REPS, |s| {
        s.ledger.rejected as f64 / s.ledger.produced as f64
    });
    check("Erlang B", Ci::from(&xs), erlang_b(c, l));
}

/// The run's own cross-check (summary.json `theory`): Erlang C beside the
/// simulated figures, with batch-means intervals narrow enough to mean it.
#[test]
fn the_run_cross_checks_itself_against_erlang_c() {
    let s = crate::common::run_scenario("erlang-c.toml", &[]).summary;
    let get = |q: &str| {
        s.theory
            .iter()
            .find(|c| c.quantity == q)
            .unwrap_or_else(|| panic!("no {q} in {:?}", s.theory))
    };
    let u = get("utilisation");
    assert_eq!(u.model, "M/M/10");
    assert!((u.predicted - 0.9).abs() < 1e-12);
    assert_eq!(u.agrees, Some(true), "{u:?}");
    assert!(u.half_width < 0.02, "{u:?}");
    let lq = get("mean_waiting");
    // Lq = C(10, 9) · ρ / (1 − ρ), from the tests' own Erlang C.
    let theory = erlang_c(10, 9.0) * 0.9 / 0.1;
    assert!((lq.predicted - theory).abs() < 1e-9, "{lq:?}");
    assert_eq!(lq.agrees, Some(true), "{lq:?}");
    assert!(lq.half_width < 0.25 * theory, "{lq:?}");
}

/// Only parts with a closed form get a line: a pool with lognormal service
/// has the utilisation law but no exact mean wait, and a spike has neither.
#[test]
fn the_cross_check_claims_only_what_theory_gives() {
    let steady = crate::common::run_scenario("steady.toml", &[]).summary;
    let quantities: Vec<&str> = steady.theory.iter().map(|c| c.quantity.as_str()).collect();
    assert_eq!(quantities, ["utilisation", "in_queue"]);
    assert_eq!(steady.theory[0].model, "M/G/10");
    // A spike has no closed form; Little's law still holds, but its backlog
    // never settles, so the run cannot judge it.
    let spiky = crate::common::run_scenario("flash-sale.toml", &[]).summary;
    let models: Vec<(&str, Option<bool>)> = spiky
        .theory
        .iter()
        .map(|c| (c.model.as_str(), c.agrees))
        .collect();
    assert_eq!(models, [("Little", None)], "{:?}", spiky.theory);
}

/// Little's law on every queue (L = λ·W), message by message: the number held
/// (visible, in flight, delayed) against the rate in × the mean time in the
/// queue. In a steady state the two agree to the edge of the window, far
/// inside the batch-means interval; a queue whose backlog trends is not judged.
#[test]
fn littles_law_is_checked_on_every_queue() {
    let little = |file: &str| -> Vec<flowsim::metrics::cross_check::Check> {
        crate::common::run_scenario(file, &[])
            .summary
            .theory
            .into_iter()
            .filter(|c| c.model == "Little")
            .collect()
    };
    // Steady queues, one pool (steady, erlang-c with a warm-up), a prefetch
    // consumer (its messages wait in flight), and a fan-out's two steady queues.
    for (file, queues) in [
        ("steady.toml", vec!["orders"]),
        ("erlang-c.toml", vec!["orders"]),
        ("prefetch.toml", vec!["jobs"]),
        ("fanout.toml", vec!["receipt", "warehouse"]),
    ] {
        let checks = little(file);
        for q in queues {
            let c = checks
                .iter()
                .find(|c| c.queue == q)
                .unwrap_or_else(|| panic!("{file}: no Little row for {q}: {checks:?}"));
            assert_eq!(c.agrees, Some(true), "{file}: {c:?}");
            let (rate, stay) = (
                c.arrival_rate_per_s.unwrap(),
                c.mean_time_in_queue_s.unwrap(),
            );
            assert!((c.predicted - rate * stay).abs() < 1e-9 * c.predicted.max(1.0));
            // Exact up to the window's edge: well within 1 %.
            assert!(
                (c.predicted - c.simulated).abs() < 0.01 * c.simulated,
                "{file}: {c:?}"
            );
            assert!(c.half_width > 0.0 && c.simulated > 0.0, "{file}: {c:?}");
        }
    }
    // A dead-letter queue nobody reads only fills: its messages stay for a
    // large part of the run, so the law is not judged there.
    let dlq = little("poison-dlq.toml");
    let c = dlq.iter().find(|c| c.queue == "payments-dlq").unwrap();
    assert_eq!(c.agrees, None, "{c:?}");
}

/// A retry storm's threshold (attempts × rate against the service's capacity,
/// the `retry-capacity` rule's closed form) beside the run: above it the storm
/// outlives its trigger, below it (a retry budget) the run recovers.
#[test]
fn the_retry_threshold_predicts_which_storm_recovers() {
    for (file, above) in [
        ("retry-storm.toml", true),
        ("retry-storm-budget.toml", false),
    ] {
        let s = crate::common::run_scenario(file, &[]).summary;
        let c = s
            .theory
            .iter()
            .find(|c| c.model == "retry-threshold")
            .unwrap_or_else(|| panic!("{file}: {:?}", s.theory));
        assert_eq!(
            (c.queue.as_str(), c.consumer.as_str()),
            ("shoppers", "checkout")
        );
        assert_eq!(c.predicted >= 1.0, above, "{file}: {c:?}");
        assert_eq!(c.agrees, Some(true), "{file}: {c:?}");
        let recovered = s.recovery.as_ref().and_then(|r| r.recovered);
        assert_eq!(recovered, Some(!above), "{file}");
    }
    // retry-storm: 4 attempts × 70/s against 1/0.01 s = 100/s.
    let s = crate::common::run_scenario("retry-storm.toml", &[]).summary;
    let c = s
        .theory
        .iter()
        .find(|c| c.model == "retry-threshold")
        .unwrap();
    assert!((c.predicted - 2.8).abs() < 1e-9, "{c:?}");
}
