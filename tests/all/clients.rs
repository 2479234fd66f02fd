//! Clients that retry, the service whose latency grows with its concurrency,
//! the record under optimistic concurrency, and the metastable verdict: the
//! theory they must agree with, and the scenarios that show retry storms,
//! thundering herds and contention.

use crate::common::{Ci, check, replicate, run_scenario, run_text};
use flowsim::Summary;
use flowsim::metrics::series::BoundedSeries;

/// Open loop at λ against base + slope·n: by PASTA a request sees the mean
/// n, so E[L] = base + slope·E[n], and by Little E[n] = λ·E[L]; hence
/// E[n] = λ·base / (1 − λ·slope), whatever the arrival noise.
#[test]
fn the_service_settles_where_littles_law_says() {
    let template = r#"
[run]
horizon_s = 3000
warmup_s = 300
seed = 11
replication = REP

[[service]]
name = "s"
base_s = 0.1
slope_s = 0.01

[[client]]
name = "c"
target = "s"
rate = 70
network_s = { dist = "constant", mean = 0 }
"#;
    let (lambda, base, slope) = (70.0, 0.1, 0.01);
    let n = lambda * base / (1.0 - lambda * slope);
    let in_service = replicate(template, 12, |s| s.services[0].mean_in_service);
    check("mean requests in service", Ci::from(&in_service), n);
    let latency = replicate(template, 12, |s| s.clients[0].latency.mean_s);
    check("mean latency", Ci::from(&latency), base + slope * n);
}

/// Closed loop: N clients, think Z, response R: throughput N / (Z + R)
/// (the interactive response time law), exact on average.
#[test]
fn closed_loop_throughput_follows_the_response_time_law() {
    let template = r#"
[run]
horizon_s = 2000
warmup_s = 100
seed = 5
replication = REP

[[service]]
name = "s"
base_s = 0.5

[[client]]
name = "c"
target = "s"
count = 50
think_s = { dist = "exponential", mean = 1.0 }
start_spread_s = 1
network_s = { dist = "constant", mean = 0.01 }
"#;
    let rate = replicate(template, 10, |s| {
        s.clients[0].successes as f64 / s.ended_at_s
    });
    let x = 50.0 / (1.0 + 0.5 + 2.0 * 0.01);
    // Counted from time 0 the first second is a ramp: allow for it.
    let ci = Ci::from(&rate);
    eprintln!("throughput {:.3} ± {:.3}, law {x:.3}", ci.mean, ci.half);
    assert!((ci.mean - x).abs() < ci.half + 0.002 * x, "{ci:?} vs {x}");
}

/// Rate per second of a counter column in 0.1 s bins, from `from` s on.
fn peak_rate(series: &BoundedSeries, column: &str, from: f64) -> f64 {
    let t = series.column("time_s").unwrap();
    let v = series.column(column).unwrap();
    let dt = t[1] - t[0];
    t.iter()
        .zip(&v)
        .filter(|(t, _)| **t > from)
        .map(|(_, v)| v / dt)
        .fold(0.0, f64::max)
}

/// Goodput as a fraction of the offered load between two times.
fn goodput_fraction(series: &BoundedSeries, from: f64, to: f64) -> f64 {
    let t = series.column("time_s").unwrap();
    let (req, ok) = (
        series.column("requests").unwrap(),
        series.column("successes").unwrap(),
    );
    let sum = |v: &[f64]| -> f64 {
        t.iter()
            .zip(v)
            .filter(|(t, _)| **t > from && **t <= to)
            .map(|(_, v)| v)
            .sum()
    };
    sum(&ok) / sum(&req)
}

fn wasted_share(s: &Summary) -> f64 {
    s.services[0].wasted as f64 / s.services[0].completed as f64
}

#[test]
fn a_retry_storm_outlives_its_trigger() {
    let out = run_scenario("retry-storm.toml", &[]);
    let s = &out.summary;
    let healthy = goodput_fraction(&out.series, 20.0, 120.0);
    let after = goodput_fraction(&out.series, 240.0, 900.0);
    let c = &s.clients[0];
    eprintln!(
        "healthy {healthy:.3}, after {after:.4}, amplification {:.2}, wasted {:.2}, in service at end {}",
        c.amplification,
        wasted_share(s),
        s.services[0].in_service_at_end
    );
    assert!(healthy > 0.99, "healthy before the trigger: {healthy}");
    assert!(after < 0.01, "goodput stays near 0 after it: {after}");
    assert_eq!(s.verdict.reason.map(|r| r.name()), Some("metastable"));
    assert_eq!(s.verdict.at_s, Some(180.0));
    let r = s.recovery.as_ref().unwrap();
    assert_eq!((r.recovered, r.should_recover_by_s), (Some(false), 240.0));
    assert!(c.amplification > 3.0, "retries multiply the load");
    assert!(wasted_share(s) > 0.8, "most work is for clients that left");
    // Requests in service grow without bound: more every minute.
    assert!(s.services[0].in_service_at_end > 100_000);
}

#[test]
fn a_retry_budget_lets_the_same_system_recover() {
    let s = run_scenario("retry-storm-budget.toml", &[]).summary;
    let c = &s.clients[0];
    let r = s.recovery.as_ref().unwrap();
    eprintln!(
        "amplification {:.3}, recovered at {:?}",
        c.amplification, r.recovered_at_s
    );
    assert!(!s.verdict.collapsed, "{}", s.verdict.detail);
    assert_eq!(r.recovered, Some(true));
    assert!(r.recovered_at_s.unwrap() < 700.0);
    // Retries ≤ 10 % of first attempts + 10 per 10 s window.
    let windows = s.ended_at_s / 10.0;
    assert!((c.attempts - c.requests) as f64 <= 0.1 * c.requests as f64 + 10.0 * (windows + 1.0));
    assert!(c.amplification < 1.15);
    assert!(s.services[0].in_service_at_end < 100, "drained back to ~23");
}

#[test]
fn a_breaker_keeps_the_storm_from_starting() {
    let out = run_scenario(
        "retry-storm.toml",
        &[(
            "[[fault]]",
            "[client.breaker]\nfailures = 20\nwindow_s = 5\ncooldown_s = 5\n\n[[fault]]",
        )],
    );
    let s = &out.summary;
    let r = s.recovery.as_ref().unwrap();
    assert!(!s.verdict.collapsed, "{}", s.verdict.detail);
    assert!(r.recovered_at_s.unwrap() <= r.should_recover_by_s);
    assert!(s.services[0].peak_in_service < 1_000);
    assert!(s.clients[0].breaker_rejections > 1_000);
    let after = goodput_fraction(&out.series, 240.0, 900.0);
    assert!(after > 0.99, "{after}");
}

#[test]
fn full_jitter_breaks_up_the_thundering_herd() {
    let none = run_scenario("thundering-herd.toml", &[]);
    let full = run_scenario(
        "thundering-herd.toml",
        &[("jitter = \"none\"", "jitter = \"full\"")],
    );
    let normal = |o: &flowsim::RunOutput| {
        let t = o.series.column("time_s").unwrap();
        let a = o.series.column("attempts").unwrap();
        let n = t.iter().filter(|t| **t > 30.0 && **t <= 60.0).count() as f64;
        t.iter()
            .zip(&a)
            .filter(|(t, _)| **t > 30.0 && **t <= 60.0)
            .map(|(_, a)| a)
            .sum::<f64>()
            / n
            / 0.1
    };
    let (peak_none, peak_full) = (
        peak_rate(&none.series, "attempts", 60.05),
        peak_rate(&full.series, "attempts", 60.05),
    );
    let (wave_none, wave_full) = (
        peak_rate(&none.series, "attempts", 70.05),
        peak_rate(&full.series, "attempts", 70.05),
    );
    let base = normal(&none);
    let (tot_none, tot_full) = (
        none.summary.clients[0].attempts as f64,
        full.summary.clients[0].attempts as f64,
    );
    eprintln!(
        "normal {base:.0}/s; peak none {peak_none:.0}/s, full {peak_full:.0}/s; after the outage none {wave_none:.0}/s, full {wave_full:.0}/s; attempts none {tot_none}, full {tot_full}"
    );
    assert!(peak_none > 5.0 * peak_full);
    assert!(
        wave_none > 5.0 * base,
        "the herd hits the recovered service"
    );
    assert!(
        wave_full < 1.5 * base,
        "jittered retries blend into normal load"
    );
    assert!(none.summary.services[0].rejected > 0, "the wave is shed");
    assert_eq!(full.summary.services[0].rejected, 0);
    assert!(
        (tot_full / tot_none - 1.0).abs() < 0.05,
        "about the same work"
    );
}

/// Write calls and time until the last of 100 clients succeeds, over seeds.
fn occ(policy: &[(&str, &str)]) -> (f64, f64) {
    let runs: Vec<_> = (1..=4)
        .map(|seed| {
            let seed_line = format!("seed = {seed}");
            let mut edits = vec![
                ("count = 50", "count = 100"),
                ("seed = 1", seed_line.as_str()),
            ];
            edits.extend_from_slice(policy);
            let s = run_scenario("occ-jitter.toml", &edits).summary;
            assert_eq!(s.clients[0].successes, 100);
            (
                s.clients[0].attempts as f64,
                s.clients[0].last_success_s.unwrap(),
            )
        })
        .collect();
    let n = runs.len() as f64;
    (
        runs.iter().map(|r| r.0).sum::<f64>() / n,
        runs.iter().map(|r| r.1).sum::<f64>() / n,
    )
}

#[test]
fn jitter_wins_the_backoff_experiment() {
    let none = occ(&[("base_s = 0.01", "base_s = 0"), ("\"full\"", "\"none\"")]);
    let exp = occ(&[("jitter = \"full\"", "jitter = \"none\"")]);
    let full = occ(&[]);
    let equal = occ(&[("jitter = \"full\"", "jitter = \"equal\"")]);
    let decor = occ(&[("jitter = \"full\"", "jitter = \"decorrelated\"")]);
    for (name, (calls, t)) in [
        ("no backoff", none),
        ("exponential", exp),
        ("full jitter", full),
        ("equal jitter", equal),
        ("decorrelated", decor),
    ] {
        eprintln!("{name:>13}: {calls:>6.0} write calls, last success at {t:.3} s");
    }
    // Jittered policies need far fewer calls than plain exponential or none.
    for (calls, _) in [full, equal, decor] {
        assert!(calls < 0.5 * exp.0 && calls < 0.5 * none.0);
    }
    // Full jitter beats equal jitter on calls, as in the article.
    assert!(full.0 < equal.0);
    // Plain exponential takes by far the longest (about 9× equal jitter, the
    // next slowest, in the article's simulator with these parameters).
    for (_, t) in [none, full, equal, decor] {
        assert!(exp.1 > 5.0 * t, "exponential {} s vs {t} s", exp.1);
    }
    // No backoff is the fastest to finish and the most work.
    assert!(none.1 < full.1.min(equal.1).min(decor.1));
    assert!(none.0 > 2.0 * full.0);
}

#[test]
fn every_request_is_accounted_for() {
    let s = run_text(
        r#"
[run]
horizon_s = 60

[[service]]
name = "s"
base_s = 0.05
slope_s = 0.01
max_concurrency = 50

[[client]]
name = "c"
target = "s"
rate = 200
timeout_s = 0.3
retry = { attempts = 3, base_s = 0.05 }

[[fault]]
target = "s"
kind = "outage"
from_s = 20
to_s = 25
"#,
    )
    .summary;
    let c = &s.clients[0];
    assert!(s.ledger.balanced);
    assert_eq!(c.requests, c.successes + c.gave_up + c.in_progress_at_end);
    assert!(c.rejections > 0 && c.timeouts > 0 && c.gave_up > 0);
    assert!(s.services[0].rejected > 0 && s.services[0].down_rejections > 0);
}

mod random {
    //! Random client populations against a service and a record, with every
    //! mechanism in the mix: every run balances its own ledger (requests,
    //! service admissions), and a shedding service never passes its limit.
    use proptest::prelude::*;
    use std::fmt::Write as _;

    #[derive(Clone, Debug)]
    struct Case {
        base: f64,
        slope: f64,
        max: Option<u32>,
        open_rate: f64,
        closed: u32,
        writers: u32,
        timeout: Option<f64>,
        attempts: u32,
        jitter: &'static str,
        budget: Option<f64>,
        breaker: bool,
        fault: Option<(&'static str, f64, f64)>,
        horizon: f64,
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            (0.001..0.3f64, 0.0..0.02f64, proptest::option::of(1u32..200)),
            (0.0..300f64, 0u32..100, 0u32..40),
            (proptest::option::of(0.01..2.0f64), 1u32..6),
            prop::sample::select(vec!["none", "full", "equal", "decorrelated"]),
            (proptest::option::of(0.0..0.5f64), any::<bool>()),
            proptest::option::of((
                prop::sample::select(vec!["outage", "errors", "latency"]),
                0.0..20f64,
                0.1..20f64,
            )),
            5.0..40f64,
        )
            .prop_map(
                |(
                    (base, slope, max),
                    (open_rate, closed, writers),
                    (timeout, attempts),
                    jitter,
                    (budget, breaker),
                    fault,
                    horizon,
                )| Case {
                    base,
                    slope,
                    max,
                    open_rate,
                    closed,
                    writers,
                    timeout,
                    attempts,
                    jitter,
                    budget,
                    breaker,
                    fault,
                    horizon,
                },
            )
    }

    fn text(c: &Case) -> String {
        let mut t = format!(
            "[run]\nhorizon_s = {:?}\nsample_interval_s = 0.5\n\n[[service]]\nname = \"svc\"\nbase_s = {:?}\nslope_s = {:?}\n",
            c.horizon, c.base, c.slope
        );
        if let Some(m) = c.max {
            let _ = writeln!(t, "max_concurrency = {m}");
        }
        let _ = writeln!(t, "\n[[record]]\nname = \"rec\"");
        let retry = |t: &mut String| {
            let _ = write!(
                t,
                "retry = {{ attempts = {}, base_s = 0.01, cap_s = 1, jitter = \"{}\"",
                c.attempts, c.jitter
            );
            if let Some(b) = c.budget {
                let _ = write!(t, ", budget_ratio = {b:?}, budget_window_s = 2");
            }
            let _ = writeln!(t, " }}");
            if c.breaker {
                let _ = writeln!(
                    t,
                    "breaker = {{ failures = 5, window_s = 1, cooldown_s = 0.5 }}"
                );
            }
        };
        let timeout = c
            .timeout
            .map(|x| format!("timeout_s = {x:?}\n"))
            .unwrap_or_default();
        if c.open_rate > 0.0 {
            let _ = write!(
                t,
                "\n[[client]]\nname = \"open\"\ntarget = \"svc\"\nrate = {:?}\n{timeout}network_s = {{ dist = \"exponential\", mean = 0.002 }}\n",
                c.open_rate
            );
            retry(&mut t);
        }
        if c.closed > 0 {
            let _ = write!(
                t,
                "\n[[client]]\nname = \"closed\"\ntarget = \"svc\"\ncount = {}\nthink_s = {{ dist = \"exponential\", mean = 0.2 }}\nstart_spread_s = 1\n{timeout}",
                c.closed
            );
            retry(&mut t);
        }
        if c.writers > 0 {
            let _ = write!(
                t,
                "\n[[client]]\nname = \"writers\"\ntarget = \"rec\"\ncount = {}\nrequests_each = 2\nnetwork_s = {{ dist = \"uniform\", min = 0.0005, max = 0.002 }}\n",
                c.writers
            );
            retry(&mut t);
        }
        if let Some((kind, from, len)) = c.fault {
            let _ = write!(
                t,
                "\n[[fault]]\ntarget = \"svc\"\nkind = \"{kind}\"\nfrom_s = {from:?}\nto_s = {:?}\n",
                from + len
            );
            match kind {
                "errors" => t.push_str("error_rate = 0.5\n"),
                "latency" => t.push_str("factor = 4\n"),
                _ => {}
            }
        }
        t
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("CONSERVATION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
        ))]
        #[test]
        fn requests_and_admissions_balance(c in case()) {
            let src = text(&c);
            let s = flowsim::load_str("case.toml", &src).map_err(|e| TestCaseError::fail(format!("{e}\n{src}")))?;
            let out = flowsim::run(&s, "case.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{src}")))?;
            let sum = &out.summary;
            prop_assert!(sum.ledger.balanced);
            for cl in &sum.clients {
                prop_assert_eq!(cl.requests, cl.successes + cl.gave_up + cl.in_progress_at_end, "{}", src);
                prop_assert!(cl.attempts <= cl.requests * c.attempts as u64, "{}", src);
            }
            let v = &sum.services[0];
            if let Some(m) = c.max {
                prop_assert!(v.peak_in_service <= m, "{}", src);
            }
            let landed = sum.records[0].version;
            let writers = sum.clients.iter().find(|k| k.name == "writers");
            prop_assert_eq!(landed, writers.map_or(0, |w| w.successes), "{}", src);
        }
    }
}

/// A serial client (one closed-loop client) against a service answering in
/// R = 0.1 s + 2 × 0.5 ms of network = 0.101 s, over 100 s. After the end with
/// Z = 0.1 s: X = N/(R + Z) = 1/0.201, 498 requests (the 498th starts at
/// 497 × 0.201 = 99.9 s). From the start at 2 a second: the paced rate, one
/// every 0.5 s, 201 requests (0 to 100 s inclusive). From the start at 20 a second, faster than the
/// service answers: back to back, X = 1/R, 991 requests (990 × 0.101 < 100).
/// `stop_s = 50`: none at or after 50 s, 100.
#[test]
fn a_serial_client_runs_at_n_over_r_plus_z_or_at_its_paced_rate() {
    let src = |client: &str| {
        format!(
            r#"
[run]
horizon_s = 100

[[service]]
name = "backend"
base_s = 0.1

[[client]]
name = "c"
target = "backend"
count = 1
network_s = {{ dist = "constant", mean = 0.0005 }}
{client}
"#
        )
    };
    let requests = |client: &str| run_text(&src(client)).summary.clients[0].requests;
    assert_eq!(
        requests("think_s = { dist = \"constant\", mean = 0.1 }"),
        498
    );
    // Starts at 0, 0.5, …, 100: an event at the horizon still runs.
    assert_eq!(requests("pacing = \"from_start\"\nrate = 2"), 201);
    assert_eq!(requests("pacing = \"from_start\"\nrate = 20"), 991);
    assert_eq!(
        requests("pacing = \"from_start\"\nrate = 2\nstop_s = 50"),
        100
    );
}
