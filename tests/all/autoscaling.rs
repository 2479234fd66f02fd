//! Autoscaled pools (`[consumer.autoscale]`): the flash sale whose peak
//! backlog is set by the scaler's reaction delay, checked against a fluid
//! model of the decisions; the bounds a scaler keeps; what it pays for.

use crate::common::{problems, run_scenario, run_text};

const FILE: &str = "autoscale-flash-sale.toml";

/// The flash sale as a fluid: arrivals at 500/s from 300 s, 5/s per worker
/// (200 ms each), 25 workers until the scaler's decisions land. The first
/// reading that sees the sale is at 315 s (readings every 15 s from 0; the
/// one at 300 s comes before the sale's first order), each reading asks for
/// far more than `max` and growth is at most ×2 or +4 per reading; a decided
/// worker polls `startup_s` later. Returns the peak backlog.
fn fluid_peak(startup_s: f64, max: f64) -> f64 {
    let (lambda, mu) = (500.0, 5.0);
    let mut arrivals = vec![];
    let mut size: f64 = 25.0;
    for k in 1..20 {
        size = (size * 2.0).max(size + 4.0).min(max);
        arrivals.push((300.0 + 15.0 * k as f64 + startup_s, size));
    }
    let (mut backlog, mut peak, mut t, dt) = (0.0f64, 0.0f64, 300.0, 0.001);
    while t < 600.0 {
        let workers = arrivals
            .iter()
            .filter(|&&(at, _)| at <= t)
            .map(|&(_, n)| n)
            .fold(25.0, f64::max);
        backlog = (backlog + (lambda - mu * workers) * dt).max(0.0);
        peak = peak.max(backlog);
        t += dt;
    }
    peak
}

fn peak_backlog(startup_s: u32, max_workers: u32) -> (f64, f64) {
    let startup = format!("startup_s = {startup_s}");
    let max = format!("max_workers = {max_workers}");
    let out = run_scenario(
        FILE,
        &[("startup_s = 60", &startup), ("max_workers = 150", &max)],
    );
    let s = out.summary;
    let a = s.consumers[0].autoscale.clone().expect("autoscaled");
    (s.review.peak_backlog as f64, a.worker_seconds)
}

#[test]
fn the_reaction_delay_sets_the_peak_backlog_as_a_fluid_model_predicts() {
    let mut last = 0.0;
    for startup in [0, 30, 60, 120] {
        let (sim, _) = peak_backlog(startup, 150);
        let fluid = fluid_peak(f64::from(startup), 150.0);
        let err = (sim - fluid).abs() / fluid;
        assert!(
            err < 0.05,
            "startup {startup} s: peak backlog {sim} simulated, {fluid:.0} by the fluid model ({:.1} %)",
            100.0 * err
        );
        assert!(sim > last * 1.3, "startup {startup} s: {sim} after {last}");
        last = sim;
    }
}

#[test]
fn doubling_the_maximum_leaves_the_peak_and_costs_more() {
    let (peak_150, paid_150) = peak_backlog(60, 150);
    let (peak_300, paid_300) = peak_backlog(60, 300);
    assert!(
        (peak_300 - peak_150).abs() <= 0.02 * peak_150,
        "{peak_150} vs {peak_300}"
    );
    assert!(
        paid_300 > 1.3 * paid_150,
        "worker-seconds {paid_150:.0} vs {paid_300:.0}"
    );
}

/// The summary's worker-seconds (integrated at each change) against the
/// series (workers running + starting, sampled each second), and the scaler's
/// bounds and start-up visible in the series.
#[test]
fn worker_seconds_agree_with_the_series_and_the_bounds_hold() {
    let out = run_scenario(FILE, &[]);
    let a = out.summary.consumers[0].autoscale.clone().unwrap();
    let s = &out.series;
    let running = s.column("workers.workers").unwrap();
    let starting = s.column("workers.workers_starting").unwrap();
    let desired = s.column("workers.workers_desired").unwrap();
    let sampled: f64 = running
        .iter()
        .zip(&starting)
        .map(|(r, s)| r + s)
        .sum::<f64>()
        / running.len() as f64;
    assert!(
        (sampled - a.mean_workers).abs() < 0.01 * a.mean_workers,
        "sampled {sampled} vs integrated {}",
        a.mean_workers
    );
    assert!(
        running
            .iter()
            .chain(&desired)
            .all(|&n| (2.0..=150.0).contains(&n))
    );
    assert_eq!(a.peak_workers, 150);
    // Decided before they run: the first sample with 150 decided comes at
    // least the start-up (60 s) before the first with 150 running.
    let first = |xs: &[f64]| xs.iter().position(|&n| n >= 150.0).unwrap();
    assert!(
        first(&running) >= first(&desired) + 60,
        "{} {}",
        first(&running),
        first(&desired)
    );
    // Back down after the sale: the 300 s window past the backlog's end.
    assert!(*running.last().unwrap() < 60.0, "{running:?}");
    assert!(a.scale_downs >= 1 && a.workers_removed >= 100, "{a:?}");
}

/// A pool that starts at its minimum of 0 polls nothing until the scaler
/// starts a worker; every message is still processed.
#[test]
fn a_pool_scaled_from_zero_processes_everything() {
    let s = run_text(
        "[run]\nhorizon_s = 600\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 2\nstop_s = 300\n[[consumer]]\nqueue = \"q\"\nprocessing_s = { dist = \"constant\", mean = 0.1 }\n[consumer.autoscale]\nmin_workers = 0\nmax_workers = 3\nstartup_s = 20\nscale_down_stabilization_s = 60\n",
    )
    .summary;
    let a = s.consumers[0].autoscale.clone().unwrap();
    assert_eq!(s.ledger.produced, s.consumers[0].goodput);
    assert!(a.peak_workers >= 1 && a.peak_workers <= 3, "{a:?}");
    // Idle after the load stops: back to zero workers within the window.
    assert_eq!(s.consumers[0].workers, 0);
    // Nothing waited less than the first start-up: the first message, at
    // the first reading after it arrived, waited for a worker to start.
    assert!(
        s.latency.end_to_end.max_s >= 20.0,
        "{:?}",
        s.latency.end_to_end
    );
}

#[test]
fn autoscale_errors_name_the_key_and_the_fix() {
    let base = "[run]\nhorizon_s = 10\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1\n[[consumer]]\nqueue = \"q\"\n";
    let p = problems(&format!(
        "{base}workers = 9\n[consumer.autoscale]\nmin_workers = 5\nmax_workers = 4\n"
    ));
    assert!(p.contains("consumer[0].autoscale.min_workers"), "{p}");
    assert!(
        p.contains("consumer[0].workers") && p.contains("outside"),
        "{p}"
    );
    let p = problems(&format!(
        "{base}[consumer.autoscale]\ntarget_backlog_per_worker = 0\npolling_interval_s = 0\n"
    ));
    assert!(p.contains("target_backlog_per_worker"), "{p}");
    assert!(p.contains("polling_interval_s"), "{p}");
    let p = problems(&format!(
        "{base}[consumer.autoscale]\npolling_interval_s = 0.001\nscale_down_stabilization_s = 1000\n"
    ));
    assert!(p.contains("readings"), "{p}");
    let p = problems(
        "[run]\nhorizon_s = 10\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1\n[[consumer]]\nqueue = \"q\"\nlambda = {}\n[consumer.autoscale]\n",
    );
    assert!(p.contains("Lambda") && p.contains("autoscale"), "{p}");
}
