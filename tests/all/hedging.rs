//! Hedged requests against a heavy-tailed service, held to closed forms: the
//! extra load is the share of attempts slower than the delay, and the hedged
//! latency's tail is P(S₁ > x)·P(S₂ > x − d).

use crate::common::{run_scenario, run_text};
use flowsim::run::{ClientSummary, ServiceSummary};

/// The service time of the test: 95% exponential with mean 10 ms, 5% with
/// mean 500 ms (hiccups).
const SERVICE: &str = r#"service_s = { dist = "mixture", components = [
  { dist = "exponential", mean = 0.010, weight = 0.95 },
  { dist = "exponential", mean = 0.5, weight = 0.05 },
] }"#;

/// P(S > x) of that mixture (1 below 0).
fn tail(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    0.95 * (-x / 0.010).exp() + 0.05 * (-x / 0.5).exp()
}

/// The x at which a decreasing `f` falls to `level`, by bisection.
fn solve(f: impl Fn(f64) -> f64, level: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 100.0);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if f(mid) > level { lo = mid } else { hi = mid }
    }
    lo
}

/// Two clients on two copies of the service, one hedged with `hedge`; no
/// network delay, so a copy goes out exactly when S > delay.
fn pair(hedge: &str) -> (ClientSummary, ClientSummary, Vec<ServiceSummary>) {
    pair_with(hedge, "")
}

/// `pair` with `extra` appended to the scenario.
fn pair_with(hedge: &str, extra: &str) -> (ClientSummary, ClientSummary, Vec<ServiceSummary>) {
    let src = format!(
        r#"
[run]
horizon_s = 600
seed = 3

[[service]]
name = "api"
{SERVICE}

[[service]]
name = "api-hedged"
{SERVICE}

[[client]]
name = "plain"
target = "api"
rate = 200
network_s = {{ dist = "constant", mean = 0 }}

[[client]]
name = "hedged"
target = "api-hedged"
rate = 200
network_s = {{ dist = "constant", mean = 0 }}
[client.hedge]
{hedge}
{extra}
"#
    );
    let s = run_text(&src).summary;
    (
        s.clients[0].clone(),
        s.clients[1].clone(),
        s.services.clone(),
    )
}

/// The share of a binomial's trials within `k` standard deviations of `p`.
fn near(share: f64, p: f64, n: u64, k: f64) -> bool {
    (share - p).abs() <= k * (p * (1.0 - p) / n as f64).sqrt()
}

#[test]
fn a_fixed_delay_cuts_the_p99_and_costs_the_share_slower_than_it() {
    let d = 0.05;
    let (plain, hedged, services) = pair("after_s = 0.05");
    let h = hedged.hedge.as_ref().expect("a hedge summary");
    // Extra load: one copy per attempt slower than d, P(S > d) ≈ 5.2%.
    let p = tail(d);
    assert!(near(h.extra_load, p, hedged.attempts, 4.0), "{h:?} vs {p}");
    assert!(plain.hedge.is_none());
    // The hedge wins when S₁ > d + S₂: most of the time once S₁ is in the slow mode.
    assert!(
        h.won <= h.sent && h.won as f64 > 0.8 * h.sent as f64,
        "{h:?}"
    );
    // The service did every copy's work: the attempts and the copies.
    let svc = &services[1];
    assert_eq!(svc.accepted, hedged.attempts + h.sent);
    // p99 without: P(S > x) = 0.01 (≈ 0.80 s); with: P(S₁ > x)·P(S₂ > x − d)
    // = 0.01 (≈ 0.067 s). Within the histogram's resolution and the noise of
    // 120,000 draws (a p99's standard error here: under 2%).
    let want_plain = solve(tail, 0.01);
    let want_hedged = solve(|x| tail(x) * tail(x - d), 0.01);
    let (got_plain, got_hedged) = (plain.latency.p99_s, hedged.latency.p99_s);
    assert!(
        (got_plain / want_plain - 1.0).abs() < 0.06,
        "{got_plain} vs {want_plain}"
    );
    assert!(
        (got_hedged / want_hedged - 1.0).abs() < 0.06,
        "{got_hedged} vs {want_hedged}"
    );
    assert!(got_hedged < got_plain / 5.0, "{got_hedged} vs {got_plain}");
    // The median is the fast mode's, hedged or not.
    assert!((hedged.latency.p50_s / plain.latency.p50_s - 1.0).abs() < 0.1);
}

#[test]
fn two_extra_copies_cost_one_more_for_the_attempts_still_slow_at_twice_the_delay() {
    let d = 0.05;
    let (_, hedged, _) = pair("after_s = 0.05\nmax_extra = 2");
    let h = hedged.hedge.as_ref().unwrap();
    // A second copy at 2d when the first two are both still out:
    // P(S₁ > 2d)·P(S₂ > d), on top of P(S₁ > d).
    let p2 = tail(2.0 * d) * tail(d);
    let want = tail(d) + p2;
    let sd = ((tail(d) * (1.0 - tail(d)) + p2 * (1.0 - p2)) / hedged.attempts as f64).sqrt();
    assert!((h.extra_load - want).abs() < 4.0 * sd, "{h:?} vs {want}");
}

/// The delay follows the latencies seen so far, hedged ones included; that
/// does not pull it down, because an attempt is slower than the delay d
/// hedged or not (a copy only shortens what lasts beyond d). So the delay
/// settles at the service's own percentile and the extra load at 1 − q.
#[test]
fn a_percentile_delay_settles_at_the_services_percentile() {
    let (_, hedged, _) = pair("after_percentile = 95\nwarmup = 200");
    let h = hedged.hedge.as_ref().unwrap();
    let p95 = solve(tail, 0.05);
    let delay = h.delay_s.unwrap();
    assert!((delay / p95 - 1.0).abs() < 0.06, "{delay} vs {p95}");
    assert!(near(h.extra_load, 0.05, hedged.attempts, 4.0), "{h:?}");
}

#[test]
fn no_hedge_before_the_warmup_is_reached() {
    let (_, hedged, services) = pair("after_percentile = 95\nwarmup = 1000000000");
    let h = hedged.hedge.as_ref().unwrap();
    assert_eq!((h.sent, h.delay_s), (0, None));
    assert_eq!(services[1].accepted, hedged.attempts);
}

/// The scenario's promises: the p99 falls about tenfold, at ~5% extra load
/// for both the fixed and the percentile delay.
#[test]
fn the_hedged_requests_scenario_shows_the_tail_gain() {
    let s = run_scenario("hedged-requests.toml", &[]).summary;
    let by = |n: &str| s.clients.iter().find(|c| c.name == n).unwrap().clone();
    let (plain, fixed, pct) = (by("plain"), by("hedged"), by("hedged-p95"));
    for c in [&fixed, &pct] {
        let h = c.hedge.as_ref().unwrap();
        assert!((0.04..0.065).contains(&h.extra_load), "{}: {h:?}", c.name);
        assert!(
            c.latency.p99_s < plain.latency.p99_s / 8.0,
            "{}: {} vs {}",
            c.name,
            c.latency.p99_s,
            plain.latency.p99_s
        );
    }
    assert!(
        (0.7..0.9).contains(&plain.latency.p99_s),
        "{:?}",
        plain.latency
    );
}

/// Every call fails with probability ½ (no retries). Unhedged, half the
/// requests give up. Hedged, an attempt fails only when every copy sent
/// fails: a failed copy waits for the other. The first copy alone when it
/// answers by d, so P(give up) = ½·P(S ≤ d) + ¼·P(S > d).
#[test]
fn a_failed_copy_waits_for_the_other_and_the_attempt_fails_when_both_do() {
    let d = 0.05;
    let errors = "[[fault]]\ntarget = \"api\"\nkind = \"errors\"\nfrom_s = 0\nto_s = 1000\nerror_rate = 0.5\n[[fault]]\ntarget = \"api-hedged\"\nkind = \"errors\"\nfrom_s = 0\nto_s = 1000\nerror_rate = 0.5";
    let (plain, hedged, _) = pair_with("after_s = 0.05", errors);
    let share = |c: &ClientSummary| c.gave_up as f64 / (c.gave_up + c.successes) as f64;
    let n = |c: &ClientSummary| c.gave_up + c.successes;
    assert!(near(share(&plain), 0.5, n(&plain), 4.0), "{plain:?}");
    let p = 0.5 * (1.0 - tail(d)) + 0.25 * tail(d);
    assert!(
        near(share(&hedged), p, n(&hedged), 4.0),
        "{} vs {p}",
        share(&hedged)
    );
}
