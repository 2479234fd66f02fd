//! Engine benchmarks: how many simulated messages per second one core pushes
//! through `flowsim::run`, and how many short realistic scenarios it runs per second.
//!
//! Only `flowsim::run` is measured: loading the scenario happens once, outside the
//! timed loop, and nothing is written to disk.
//!
//! `main` is written by hand (no `criterion_main!`): the crate builds plotters with
//! `ab_glyph` and no system fonts, a feature that also reaches criterion's own
//! plotters, whose HTML report then needs the fonts registered before it draws.

#[path = "baseline/bare_mmc.rs"]
mod bare_mmc;
#[path = "baseline/floor_mmc.rs"]
mod floor_mmc;

use criterion::{Criterion, SamplingMode, Throughput};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// M/M/c with c = 10, λ = 9/s, service exponential with mean 1 s (ρ = 0.9): long
/// polling, batches of 1, a horizon long enough for about a million messages, and
/// few samples so the time series costs nothing.
const MMC: &str = r#"
[run]
title = "M/M/10 at rho 0.9"
seed = 1
horizon_s = 111112.0
sample_interval_s = 1000.0

[[producer]]
name = "poisson"
rate = 9.0
arrivals = "poisson"

[[queue]]
name = "work"

[[consumer]]
name = "pool"
workers = 10
batch_size = 1
wait_time_s = 20.0
processing_s = { dist = "exponential", mean = 1.0 }
"#;

/// A flash sale: a ×6 spike for two minutes over a steady base load, lognormal
/// processing, a little poison that ends in the dead-letter queue after 3 receives,
/// transient errors retried with a visibility backoff, hot keys.
const FLASH_SALE: &str = r#"
[run]
title = "flash sale"
seed = 7
horizon_s = 900.0
sample_interval_s = 1.0
warmup_s = 60.0

[[producer]]
name = "shop"
queue = "orders"
rate = 40.0
arrivals = "poisson"
profile = [{ kind = "spike", at_s = 300.0, duration_s = 120.0, factor = 6.0 }]
message = { keys = 500, key_skew = 1.1, poison_probability = 0.005 }

[[queue]]
name = "orders"
visibility_timeout_s = 30.0
max_receive_count = 3
dead_letter_queue = "orders-dlq"

[[queue]]
name = "orders-dlq"

[[consumer]]
name = "checkout"
queue = "orders"
workers = 24
batch_size = 10
wait_time_s = 20.0
processing_s = { dist = "lognormal", mean = 0.25, cv = 1.5 }
error_rate = 0.01
on_failure = "change_visibility"
backoff = { base_s = 1.0, cap_s = 30.0, multiplier = 2.0, jitter = "full" }
"#;

fn load(label: &str, text: &str) -> flowsim::Scenario {
    flowsim::load_str(label, text).unwrap_or_else(|e| panic!("{e}"))
}

fn mmc_messages(c: &mut Criterion) {
    let s = load("mmc.toml", MMC);
    // One run first, to learn how many messages a run really produces.
    let first = flowsim::run(&s, "mmc.toml").unwrap_or_else(|e| panic!("{e}"));
    let messages = first.summary.ledger.produced;
    assert!(messages > 900_000, "only {messages} messages produced");
    eprintln!(
        "mmc_messages: {messages} messages, {} events per run",
        first.summary.events
    );
    let mut g = c.benchmark_group("mmc_messages");
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(messages));
    g.bench_function("mm10_rho0.9_1M", |b| {
        b.iter(|| flowsim::run(black_box(&s), "mmc.toml").unwrap())
    });
    // The speed of light: the same model as a bare binary-heap loop.
    let bare = bare_mmc::run(9.0, 1.0, 10, 111_112.0, 1);
    // The same model: Erlang C's mean wait for M/M/10 at ρ = 0.9 is 0.669 s.
    assert!(
        (bare.mean_wait_s - 0.669).abs() < 0.07,
        "bare loop mean wait {} s",
        bare.mean_wait_s
    );
    g.throughput(Throughput::Elements(bare.served));
    g.bench_function("bare_loop_baseline", |b| {
        b.iter(|| bare_mmc::run(black_box(9.0), 1.0, 10, 111_112.0, 1))
    });
    // The bookkeeping floor: the bare loop plus the records flowsim's
    // outputs need. The same model again, and the same Little's L.
    let floor = floor_mmc::run(9.0, 1.0, 10, 111_112.0, 1);
    assert!(
        (floor.mean_wait_s - 0.669).abs() < 0.07,
        "floor loop mean wait {} s",
        floor.mean_wait_s
    );
    let little = 9.0 * (floor.mean_wait_s + 1.0);
    assert!(
        (floor.mean_held - little).abs() < 0.03 * little,
        "floor loop mean held {} against Little's {little}",
        floor.mean_held
    );
    assert!(floor.p99_latency_s > 1.0, "{}", floor.p99_latency_s);
    g.throughput(Throughput::Elements(floor.served));
    g.bench_function("bookkeeping_floor", |b| {
        b.iter(|| floor_mmc::run(black_box(9.0), 1.0, 10, 111_112.0, 1))
    });
    g.finish();
    // Criterion times each on its own; the ratios are taken here from
    // interleaved runs, so that a change in the machine's load moves all three.
    let (mut flowsim_s, mut bare_s, mut floor_s) = (vec![], vec![], vec![]);
    for _ in 0..5 {
        let t = Instant::now();
        black_box(flowsim::run(&s, "mmc.toml").unwrap());
        flowsim_s.push(t.elapsed().as_secs_f64() / messages as f64);
        let t = Instant::now();
        black_box(bare_mmc::run(9.0, 1.0, 10, 111_112.0, 1));
        bare_s.push(t.elapsed().as_secs_f64() / bare.served as f64);
        let t = Instant::now();
        black_box(floor_mmc::run(9.0, 1.0, 10, 111_112.0, 1));
        floor_s.push(t.elapsed().as_secs_f64() / floor.served as f64);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (f, b, fl) = (
        median(&mut flowsim_s),
        median(&mut bare_s),
        median(&mut floor_s),
    );
    eprintln!(
        "mmc_messages: flowsim {:.0} ns per customer, bare loop {:.0} ns: {:.2}x the speed of light",
        f * 1e9,
        b * 1e9,
        f / b
    );
    eprintln!(
        "mmc_messages: bookkeeping floor {:.0} ns per customer ({:.2}x the bare loop); flowsim {:.2}x the floor",
        fl * 1e9,
        fl / b,
        f / fl
    );
}

fn scenario_runs(c: &mut Criterion) {
    let s = load("flash_sale.toml", FLASH_SALE);
    let first = flowsim::run(&s, "flash_sale.toml").unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "scenario_runs/flash_sale: {} messages, {} events per run",
        first.summary.ledger.produced, first.summary.events
    );
    let mut g = c.benchmark_group("scenario_runs");
    g.throughput(Throughput::Elements(1));
    g.bench_function("flash_sale", |b| {
        b.iter(|| flowsim::run(black_box(&s), "flash_sale.toml").unwrap())
    });
    g.finish();
}

/// Events per second through a scenario file: the poller and database path
/// (lambda-sqs-db-capped.toml, ~460,000 orders, one query each on a
/// processor-sharing database) and the log path (replay.toml: one topic, two
/// consumer groups, 60,000 records each), and the client path
/// (thundering-herd.toml: 2,000 closed-loop clients, a service, retries).
fn scenario_events(c: &mut Criterion, group: &str, id: &str, file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let s = flowsim::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let first = flowsim::run(&s, file).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{group}: {} events per run", first.summary.events);
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(first.summary.events));
    g.bench_function(id, |b| {
        b.iter(|| flowsim::run(black_box(&s), file).unwrap())
    });
    g.finish();
}

fn main() {
    // criterion's HTML report draws with "sans-serif", which only the embedded
    // fonts provide in this build.
    flowsim::charts::style::register_fonts();
    let mut c = Criterion::default().configure_from_args();
    mmc_messages(&mut c);
    scenario_runs(&mut c);
    scenario_events(
        &mut c,
        "poller_database",
        "lambda_sqs_db_capped_events",
        "lambda-sqs-db-capped.toml",
    );
    scenario_events(&mut c, "log_groups", "replay_events", "replay.toml");
    scenario_events(
        &mut c,
        "client_retries",
        "thundering_herd_events",
        "thundering-herd.toml",
    );
    Criterion::default().configure_from_args().final_summary();
}
