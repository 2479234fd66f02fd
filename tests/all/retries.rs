//! Retries, protections and idempotency: retry-jitter.toml and idempotency.toml
//! held to their comments' numbers, and the retry budget and circuit breaker
//! held to what they promise.

use crate::common::{run_scenario, run_text};
use flowsim::metrics::series::BoundedSeries;

fn col(s: &BoundedSeries, name: &str) -> Vec<f64> {
    s.column(name)
        .unwrap_or_else(|| panic!("no column {name}; have {:?}", s.columns()))
}

/// Calls per second at the busiest 0.1 s bin during the outage, after the
/// first failures (2 s, the same for every policy); and when the last
/// payment was done (None if some never were).
fn jitter_run(jitter: &str) -> (f64, Option<f64>, u64) {
    let edit = format!("jitter = \"{jitter}\"");
    let out = run_scenario("retry-jitter.toml", &[("jitter = \"none\"", &edit)]);
    let s = &out.series;
    let t = col(s, "time_s");
    let attempts: Vec<f64> = ["calls", "throttles", "down_rejections"]
        .iter()
        .map(|c| col(s, &format!("provider.{c}")))
        .fold(vec![0.0; t.len()], |acc, v| {
            acc.iter().zip(&v).map(|(a, b)| a + b).collect()
        });
    let dt = t[1] - t[0];
    let peak = (0..t.len())
        .filter(|&i| t[i] > 2.2 && t[i] <= 32.0)
        .map(|i| attempts[i] / dt)
        .fold(0.0, f64::max);
    let sum = &out.summary;
    let done =
        (sum.ledger.processed == sum.ledger.produced).then_some(sum.latency.end_to_end.max_s);
    (peak, done, sum.consumers[0].failures)
}

#[test]
fn without_jitter_retries_come_in_spikes_and_jitter_spreads_them() {
    let (none, none_done, none_failed) = jitter_run("none");
    let (equal, equal_done, _) = jitter_run("equal");
    let (full, full_done, _) = jitter_run("full");
    let (decorrelated, _, decorrelated_failed) = jitter_run("decorrelated");
    // 200 workers in one 60 ms window each round: 2,000 calls per second.
    assert!(none >= 1500.0, "no jitter peaks at {none}/s");
    assert!(equal <= none / 3.0, "equal {equal}/s vs none {none}/s");
    assert!(full <= none / 4.0, "full {full}/s vs none {none}/s");
    assert!(decorrelated <= none / 8.0, "decorrelated {decorrelated}/s");
    // The round at 33 s is the first after the outage: done at ~37 s.
    let none_done = none_done.expect("all done");
    assert!(
        (36.0..=38.5).contains(&none_done),
        "none done at {none_done}"
    );
    assert_eq!(none_failed, 0);
    // Jittered retries wait on their draws: ~20 s later.
    for (name, done) in [("equal", equal_done), ("full", full_done)] {
        let done = done.unwrap_or_else(|| panic!("{name}: not all done"));
        assert!((50.0..=66.0).contains(&done), "{name} done at {done}");
    }
    // Decorrelated delays can stay short: some payments use up 12 attempts.
    assert!(decorrelated_failed >= 1);
}

#[test]
fn dedupe_store_applies_each_message_once_under_a_zombie_loop() {
    let with = run_scenario("idempotency.toml", &[]).summary;
    let n = with.ledger.produced;
    assert!(n > 800);
    assert_eq!(with.ledger.duplicates, 0);
    assert_eq!(with.ledger.applied_more_than_once, 0);
    let c = &with.consumers[0];
    assert!(c.dedupe_skips as f64 > 0.95 * n as f64, "{c:?}");
    assert!(c.dedupe_conflicts as f64 > 0.95 * n as f64, "{c:?}");
    assert!(with.ledger.processed as f64 > 0.97 * n as f64);

    let without = run_scenario(
        "idempotency.toml",
        &[("[consumer.idempotency]\nttl_s = 3600\nlock_s = 60", "")],
    )
    .summary;
    assert_eq!(without.ledger.produced, n, "same arrivals");
    let per = (without.consumers[0].goodput + without.ledger.duplicates) as f64 / n as f64;
    assert!((2.8..=3.05).contains(&per), "{per} charges per payment");

    // A lock shorter than the processing lets the second delivery through.
    let short = run_scenario("idempotency.toml", &[("lock_s = 60", "lock_s = 3")]).summary;
    assert!(short.ledger.applied_more_than_once as f64 > 0.95 * n as f64);
    let per = (short.consumers[0].goodput + short.ledger.duplicates) as f64 / n as f64;
    assert!((1.9..=2.1).contains(&per), "{per} charges per payment");
}

/// 100 msg/s, 20 workers, one call each to an API that fails from 30 to 90 s.
const FAILING_API: &str = r#"
[run]
horizon_s = 150
seed = 2

[[queue]]
name = "q"
visibility_timeout_s = 300

[[producer]]
rate = 100.0

[[consumer]]
workers = 20
processing_s = { dist = "constant", mean = 0.01 }
calls = ["api"]
PROTECTION

[[api]]
name = "api"
rate = 100000
burst = 1000
call_s = { dist = "constant", mean = 0.02 }

[[fault]]
target = "api"
kind = "errors"
error_rate = 1.0
from_s = 30
to_s = 90
"#;

fn calls_in(out: &flowsim::RunOutput, from: f64, to: f64) -> f64 {
    let t = col(&out.series, "time_s");
    let calls = col(&out.series, "api.calls");
    (0..t.len())
        .filter(|&i| t[i] > from && t[i] <= to)
        .map(|i| calls[i])
        .sum()
}

#[test]
fn retry_budget_caps_retries_at_its_fraction_of_requests() {
    let retry = "[consumer.retry]\nattempts = 5\nbase_s = 0.05\ncap_s = 0.2";
    let open = run_text(&FAILING_API.replace("PROTECTION", retry));
    let budgeted = run_text(&FAILING_API.replace(
        "PROTECTION",
        &format!("{retry}\nbudget_ratio = 0.1\nbudget_min_retries = 0"),
    ));
    let (o, b) = (&open.summary.consumers[0], &budgeted.summary.consumers[0]);
    let (oc, bc) = (o.calls.as_ref().unwrap(), b.calls.as_ref().unwrap());
    // Unbudgeted: every message that failed used its 4 retries.
    assert!(o.failures > 1000, "{o:?}");
    assert!(
        oc.retries.abs_diff(4 * o.failures) <= 4 * 20,
        "{oc:?} {o:?}"
    );
    // Budgeted: retries ≤ 10 % of first attempts (plus nothing), per window.
    // Every attempt reached the API (the fault fails them there).
    let first_attempts = (budgeted.summary.apis[0].calls - bc.retries) as f64;
    assert!(
        (bc.retries as f64) <= 0.1 * first_attempts + 1.0,
        "{} retries for {first_attempts} first attempts",
        bc.retries
    );
    assert!(bc.retry_budget_denied > 1000, "{bc:?}");
    // Outside the outage no retry was needed, so load there is the same.
    let before = (calls_in(&open, 0.0, 30.0), calls_in(&budgeted, 0.0, 30.0));
    assert_eq!(before.0, before.1);
}

#[test]
fn circuit_breaker_stops_calls_while_open_and_probes_back() {
    let breaker = "[consumer.breaker]\nfailures = 5\nwindow_s = 10\ncooldown_s = 20";
    let out = run_text(&FAILING_API.replace("PROTECTION", breaker));
    let c = out.summary.consumers[0].calls.as_ref().unwrap();
    // During the 60 s outage: open 20 s, one probe, open again… 3 openings,
    // a handful of calls instead of ~6,000.
    assert!((2..=4).contains(&c.breaker_opened), "{c:?}");
    let during = calls_in(&out, 31.0, 90.0);
    assert!(during < 20.0, "{during} calls reached the failing API");
    assert!(c.breaker_rejections > 5000, "{c:?}");
    // After the outage the probe succeeds and calls flow again at the full rate.
    let after = calls_in(&out, 110.0, 150.0);
    assert!(
        (after - 4000.0).abs() < 400.0,
        "{after} calls in the last 40 s"
    );
    let state = col(&out.series, "consumer1.breaker");
    assert_eq!(*state.last().unwrap(), 0.0, "closed at the end");
    assert!(state.contains(&2.0));
}

/// N retries against independent failures of probability p: a call costs
/// 1 + p + … + p^N = (1 − p^(N+1))/(1 − p) attempts on average (the retry
/// amplification of Brooker's simulations), within 4 standard errors of the
/// per-call attempt count over every call of the run.
#[test]
fn retries_amplify_load_by_the_geometric_sum() {
    let n_retries = 3;
    for p in [0.25f64, 0.5, 0.75] {
        let src = FAILING_API
            .replace(
                "PROTECTION",
                &format!(
                    "[consumer.retry]\nattempts = {}\nbase_s = 0.01\ncap_s = 0.01",
                    n_retries + 1
                ),
            )
            .replace("error_rate = 1.0", &format!("error_rate = {p}"))
            .replace("from_s = 30", "from_s = 0")
            .replace("to_s = 90", "to_s = 150");
        let out = run_text(&src);
        let c = out.summary.consumers[0].calls.as_ref().unwrap();
        let calls = out.summary.apis[0].calls as f64;
        let first = calls - c.retries as f64;
        let per_call = calls / first;
        let want = (1.0 - p.powi(n_retries + 1)) / (1.0 - p);
        // Attempts per call: P(K ≥ k) = p^(k−1) for k = 1..=N+1, so
        // E[K²] = Σ (2k − 1)·p^(k−1).
        let second: f64 = (1..=n_retries + 1)
            .map(|k| (2 * k - 1) as f64 * p.powi(k - 1))
            .sum();
        let se = ((second - want * want) / first).sqrt();
        eprintln!(
            "p {p}: {per_call:.4} attempts per call, theory {want:.4} ± {:.4}",
            4.0 * se
        );
        assert!(first > 10_000.0, "{first} calls");
        assert!(
            (per_call - want).abs() <= 4.0 * se,
            "p {p}: {per_call} attempts per call, theory {want} ± {}",
            4.0 * se
        );
    }
}

/// The API failing at rate p for the whole run, 3 retries per call, and a
/// protection: (attempts per first try, retries per first try).
fn amplification(p: f64, protection: &str) -> (f64, f64) {
    let src = FAILING_API
        .replace(
            "PROTECTION",
            &format!("[consumer.retry]\nattempts = 4\nbase_s = 0.01\ncap_s = 0.01\n{protection}"),
        )
        .replace("error_rate = 1.0", &format!("error_rate = {p}"))
        .replace("from_s = 30", "from_s = 0")
        .replace("to_s = 90", "to_s = 150");
    let out = run_text(&src);
    let c = out.summary.consumers[0].calls.as_ref().unwrap();
    let calls = out.summary.apis[0].calls as f64;
    // A retry the breaker stopped was counted as a retry but never sent.
    let sent_retries = (c.retries - c.breaker_rejections) as f64;
    let first = calls - sent_retries;
    (calls / first, sent_retries / first)
}

/// A token bucket crediting 0.1 per first try caps retries at 0.1 per first
/// try whatever the failure rate, where 3 plain retries cost p + p² + p³.
#[test]
fn a_token_bucket_caps_retries_at_its_credit() {
    let bucket = "token_bucket = { capacity = 10, credit = 0.1, cost = 1 }";
    for p in [0.5f64, 0.75, 0.9] {
        let (_, retries) = amplification(p, bucket);
        assert!(
            (retries - 0.1).abs() < 0.005,
            "p {p}: {retries} retries per first try"
        );
    }
    // Below the cap every retry is granted: p = 0.05 asks p + p² + p³ ≈ 0.0526.
    let (_, retries) = amplification(0.05, bucket);
    assert!((retries - 0.0526).abs() < 0.006, "{retries}");
}

/// A ratio breaker that blocks retries only, with no cooldown (Brooker's):
/// above its ratio, retries stop and the load is the first tries alone;
/// below it, retries flow as without a breaker.
#[test]
fn a_ratio_breaker_on_retries_removes_the_amplification_above_its_ratio() {
    let breaker = "[consumer.breaker]\ntrip = \"ratio\"\nfailure_ratio = 0.5\nmin_calls = 20\nwindow_s = 10\ncooldown_s = 0\nblocks = \"retries\"";
    let (high, _) = amplification(0.75, breaker);
    assert!(high < 1.05, "{high} attempts per first try at p = 0.75");
    let (low, _) = amplification(0.25, breaker);
    let plain = (1.0 - 0.25f64.powi(4)) / 0.75;
    assert!((low - plain).abs() < 0.03, "{low} vs {plain} at p = 0.25");
}

/// retry-amplification.toml: the four policies side by side, 100 clients
/// each with its own bucket or breaker, at failure rates below and above the
/// breakers' ratio: plain retries within 4 % of their closed form; the
/// buckets between their drained rate and that plus their first fill; the
/// breakers about 1 above the ratio, and tripped early by their small
/// samples below it (Brooker's "local sampling").
#[test]
fn the_retry_amplification_scenario_holds_its_closed_forms() {
    for p in [0.25f64, 0.4, 0.75] {
        let rate = format!("error_rate = {p}");
        let s = run_scenario("retry-amplification.toml", &[("error_rate = 0.75", &rate)]).summary;
        let amp = |name: &str| {
            s.clients
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("no client {name}"))
                .amplification
        };
        let three = 1.0 + p + p * p + p.powi(3);
        for (name, w) in [("none", 1.0), ("three", three)] {
            let got = amp(name);
            assert!(
                (got - w).abs() <= 0.04 * w,
                "p {p}: {name} {got}, closed form {w}"
            );
        }
        // Drained: r = 0.1(1 − p)(1 + r) retries per request; the first
        // fill of 100 buckets of 10 adds at most 1000 over 12,000 requests.
        let drained = 1.0 + 0.1 * (1.0 - p) / (1.0 - 0.1 * (1.0 - p));
        let fill = 1000.0 / 12_000.0;
        let bucket = amp("bucket");
        assert!(
            bucket >= drained - 0.01 && bucket <= drained + fill + 0.01,
            "p {p}: bucket {bucket}, drained {drained} + fill ≤ {fill}"
        );
        let breaker = amp("breaker");
        if p > 0.5 {
            assert!(breaker < 1.1, "p {p}: breaker {breaker}");
        } else {
            assert!(
                breaker > 1.1 && breaker < three - 0.005,
                "p {p}: breaker {breaker}, plain {three}"
            );
        }
        if p == 0.4 {
            continue;
        }
        // The verdict names every population that failed more than 1 % of
        // its requests for good: at p = 0.25 three retries leave p⁴ = 0.4 %
        // failed; the buckets run dry and fail more, and so do the breakers,
        // whose small samples stop retries now and then.
        let named: Vec<_> = s
            .verdict
            .reasons
            .iter()
            .filter(|f| f.reason == flowsim::metrics::verdict::Reason::RequestsFailed)
            .filter_map(|f| f.component.clone())
            .collect();
        let want: &[&str] = if p < 0.5 {
            &["none", "bucket", "breaker"]
        } else {
            &["none", "three", "bucket", "breaker"]
        };
        let mut named = named;
        named.sort();
        let mut want = want.to_vec();
        want.sort();
        assert_eq!(named, want, "p {p}");
    }
}

/// A retry budget per client or shared, by hand: 4 clients, each making one
/// request against a service that always fails, with 3 retries each, within a
/// token bucket of 2 tokens that earns nothing. Shared, the population makes 2
/// retries in all; per client, each client 2: 8.
#[test]
fn a_budget_per_client_gives_each_client_its_own_tokens() {
    let src = |scope: &str| {
        format!(
            r#"
[run]
horizon_s = 10

[[service]]
name = "backend"
base_s = 0.01

[[client]]
name = "c"
target = "backend"
count = 4
requests_each = 1

[client.retry]
attempts = 4
base_s = 0.01
cap_s = 0.01
token_bucket = {{ capacity = 2, credit = 0, cost = 1 }}
scope = "{scope}"

[[fault]]
target = "backend"
kind = "errors"
error_rate = 1.0
from_s = 0
to_s = 10
"#
        )
    };
    for (scope, want) in [("population", 2), ("client", 8)] {
        let s = run_text(&src(scope)).summary;
        let c = &s.clients[0];
        assert_eq!(c.requests, 4, "{scope}");
        assert_eq!(c.attempts, 4 + want, "{scope}: {} attempts", c.attempts);
    }
}

/// A breaker per client: 2 clients of an open-loop population; a count breaker
/// opening on 1 failure, blocking every attempt. Shared, the first failure
/// blocks both clients; per client, each client sends until its own first
/// failure, so the population sends more.
#[test]
fn a_breaker_per_client_opens_for_that_client_only() {
    let src = |scope: &str| {
        format!(
            r#"
[run]
horizon_s = 60

[[service]]
name = "backend"
base_s = 0.01

[[client]]
name = "c"
target = "backend"
rate = 10
population = 50

[client.breaker]
failures = 1
window_s = 100
cooldown_s = 1000
scope = "{scope}"

[[fault]]
target = "backend"
kind = "errors"
error_rate = 1.0
from_s = 0
to_s = 60
"#
        )
    };
    let attempts = |scope: &str| run_text(&src(scope)).summary.clients[0].attempts;
    // Shared: the first attempt fails and opens it for the run (the attempts
    // already on the wire, a handful at 10 a second and 11 ms each way, get
    // out before its answer).
    assert!(attempts("population") <= 2, "{}", attempts("population"));
    // Per client: each of the 50 clients sends exactly one attempt, its first
    // request's (600 requests over the run reach every client).
    assert_eq!(attempts("client"), 50);
}
