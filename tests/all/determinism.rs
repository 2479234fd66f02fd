//! Determinism: the same scenario and seed give byte-identical output files —
//! timeseries.csv, summary.json and every chart — whatever the number of threads
//! the binary's rayon pool spreads several scenario files over. And the seed and
//! the replication number really matter: change either and the results change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Scenario files run together in one invocation, so that rayon spreads them.
/// Between them: a Poisson producer with a spike profile, Zipf-skewed keys, poison,
/// a DLQ with max_receive_count and redrive, a FIFO queue, lognormal processing,
/// a bounded queue, producers retrying into their buffers, short retention,
/// change-visibility backoff, zombie redelivery.
const SCENARIOS: &[(&str, &str)] = &[
    (
        "flash_sale",
        r#"
[run]
title = "flash sale"
seed = 11
horizon_s = 300
sample_interval_s = 1
warmup_s = 30

[[producer]]
name = "shop"
queue = "orders"
rate = 40
arrivals = "poisson"
profile = [{ kind = "spike", at_s = 100, duration_s = 60, factor = 5 }]
message = { keys = 200, key_skew = 1.1, poison_probability = 0.02 }

[[queue]]
name = "orders"
visibility_timeout_s = 10
max_receive_count = 3
dead_letter_queue = "orders-dlq"

[[queue]]
name = "orders-dlq"
redrive = { at_s = 250, rate = 5 }

[[consumer]]
name = "checkout"
queue = "orders"
workers = 16
batch_size = 10
wait_time_s = 20
processing_s = { dist = "lognormal", mean = 0.3, cv = 1.2 }
error_rate = 0.02
on_failure = "change_visibility"
backoff = { base_s = 0.5, cap_s = 20, multiplier = 2, jitter = "full" }
"#,
    ),
    (
        "fifo_groups",
        r#"
[run]
title = "FIFO groups with a poison message"
seed = 5
horizon_s = 240
sample_interval_s = 2

[[producer]]
name = "events"
queue = "ledger.fifo"
rate = 25
profile = [{ kind = "spike", at_s = 60, duration_s = 30, factor = 3 }]
initial_backlog = 200
message = { keys = 30, key_skew = 1.4, poison_probability = 0.01 }

[[queue]]
name = "ledger.fifo"
fifo = true
visibility_timeout_s = 5
retention_s = 120
max_receive_count = 4
dead_letter_queue = "ledger-dlq.fifo"

[[queue]]
name = "ledger-dlq.fifo"
fifo = true

[[consumer]]
name = "writer"
queue = "ledger.fifo"
workers = 8
batch_size = 1
wait_time_s = 20
processing_s = { dist = "lognormal", mean = 0.25, cv = 0.8 }
"#,
    ),
    (
        "overload",
        r#"
[run]
title = "bounded queue under overload, short polling"
seed = 99
horizon_s = 200
sample_interval_s = 1

[[producer]]
name = "burst"
queue = "bounded"
rate = 120
arrivals = "poisson"
profile = [{ kind = "spike", at_s = 50, duration_s = 20, factor = 4 }]
message = { keys = 50, key_skew = 0.8, cost = { dist = "gamma", mean = 1.0, cv = 0.5 } }

[[producer]]
name = "steady"
queue = "bounded"
rate = 10
arrivals = "constant"

[[queue]]
name = "bounded"
max_depth = 500
overflow = "drop_oldest"
delay_s = 0.5

[[consumer]]
name = "pool"
queue = "bounded"
workers = 10
batch_size = 5
wait_time_s = 0
empty_poll_pause_s = 0.2
processing_s = { dist = "exponential", mean = 0.08 }
error_rate = 0.05
"#,
    ),
    (
        "producer_buffer",
        r#"
[run]
title = "producers retrying into their buffers"
seed = 21
horizon_s = 200
sample_interval_s = 1

[[queue]]
name = "tight"
max_depth = 300
overflow = "reject"

[[producer]]
name = "blocking"
queue = "tight"
rate = 60
profile = [{ kind = "spike", at_s = 40, duration_s = 40, factor = 4 }]
[producer.publish]
attempts = 200
base_s = 0.05
cap_s = 2
jitter = "full"
buffer = 1000
on_full = "block"

[[producer]]
name = "dropping"
queue = "tight"
rate = 30
[producer.publish]
attempts = 5
base_s = 0.1
jitter = "decorrelated"
buffer = 20
on_full = "drop"

[[consumer]]
name = "slow"
queue = "tight"
workers = 8
batch_size = 1
processing_s = { dist = "exponential", mean = 0.05 }
"#,
    ),
    (
        "zombies",
        r#"
[run]
title = "visibility timeout shorter than processing"
seed = 3
horizon_s = 300
sample_interval_s = 5

[[producer]]
name = "jobs"
queue = "jobs"
rate = 4
message = { poison_probability = 0.05 }

[[queue]]
name = "jobs"
visibility_timeout_s = 2
max_receive_count = 5
dead_letter_queue = "jobs-dlq"

[[queue]]
name = "jobs-dlq"

[[consumer]]
name = "slow"
queue = "jobs"
workers = 12
batch_size = 2
wait_time_s = 20
processing_s = { dist = "lognormal", mean = 2.5, cv = 0.6 }
"#,
    ),
    (
        "lambda_db",
        r#"
[run]
title = "poller, database with a pool and a crash rule, API, faults, retries"
seed = 8
horizon_s = 200
sample_interval_s = 1

[[queue]]
name = "orders"
visibility_timeout_s = 20
max_receive_count = 4
dead_letter_queue = "orders-dlq"

[[queue]]
name = "orders-dlq"

[[producer]]
name = "shop"
queue = "orders"
rate = 80
profile = [{ kind = "spike", at_s = 40, duration_s = 40, factor = 5 }]
message = { poison_probability = 0.02 }

[[consumer]]
name = "fn"
queue = "orders"
processing_s = { dist = "lognormal", mean = 0.02, cv = 0.5 }
calls = ["db", "psp"]
retry = { attempts = 3, base_s = 0.1, cap_s = 2, jitter = "full", budget_ratio = 0.2 }
breaker = { failures = 10, window_s = 5, cooldown_s = 5 }
idempotency = { ttl_s = 600, lock_s = 5 }
lambda = { max_concurrency = 200, batch_window_s = 0.5, function_timeout_s = 3, report_batch_item_failures = true }

[[database]]
name = "db"
max_connections = 30
cores = 4
query_s = { dist = "exponential", mean = 0.02 }
pool = { size = 25, acquire_timeout_s = 0.5 }

[[api]]
name = "psp"
rate = 300
burst = 50
call_s = { dist = "gamma", mean = 0.05, cv = 0.7 }

[[fault]]
target = "psp"
kind = "errors"
error_rate = 0.5
from_s = 100
to_s = 130

[[fault]]
target = "db"
kind = "outage"
from_s = 150
to_s = 160
"#,
    ),
    (
        "log",
        r#"
[run]
title = "a keyed topic, two groups, crashes, auto-commit, retention, dead letters"
seed = 21
horizon_s = 200
sample_interval_s = 1

[[topic]]
name = "events"
partitions = 5
retention_s = 60
retention_bytes = 200000

[[producer]]
name = "tenants"
topic = "events"
rate = 300
message = { keys = 50, key_skew = 1.2, key_parts = 2, poison_probability = 0.001, size_bytes = 512 }

[[consumer]]
name = "fast"
topic = "events"
workers = 6
batch_size = 50
processing_s = { dist = "exponential", mean = 0.01 }
calls = ["svc"]
retry = { attempts = 2, base_s = 0.05 }
backoff = { base_s = 0.1, cap_s = 1, jitter = "full" }

[consumer.group]
commit = "timer"
commit_interval_s = 2
crash_at_s = [50, 120]
rebalance_s = 5
max_attempts = 3

[[consumer]]
name = "slow"
topic = "events"
workers = 2
processing_s = { dist = "lognormal", mean = 0.02, cv = 1.0 }

[consumer.group]
crash_at_s = [80]
max_attempts = 2

[[api]]
name = "svc"
rate = 1000
burst = 100
call_s = { dist = "constant", mean = 0.002 }
"#,
    ),
    (
        "clients",
        r#"
[run]
horizon_s = 120
sample_interval_s = 0.5

[[service]]
name = "checkout"
base_s = 0.05
slope_s = 0.004
max_concurrency = 400

[[record]]
name = "counter"
write_s = { dist = "exponential", mean = 0.002 }

[[client]]
name = "shoppers"
target = "checkout"
rate = 150
timeout_s = 0.5
network_s = { dist = "exponential", mean = 0.003 }
profile = [{ kind = "spike", at_s = 30, duration_s = 10, factor = 3 }]
retry = { attempts = 4, base_s = 0.05, cap_s = 1, jitter = "decorrelated", budget_ratio = 0.2 }
breaker = { failures = 30, window_s = 2, cooldown_s = 3 }

[[client]]
name = "fleet"
target = "checkout"
count = 40
think_s = { dist = "exponential", mean = 0.5 }
start_spread_s = 2
timeout_s = 1
retry = { attempts = 3, base_s = 0.1, jitter = "equal" }

[[client]]
name = "writers"
target = "counter"
count = 30
requests_each = 3
think_s = { dist = "uniform", min = 0.1, max = 2 }
retry = { attempts = 1000, base_s = 0.005, cap_s = 0.5, jitter = "full" }

[[fault]]
target = "checkout"
kind = "latency"
factor = 4
from_s = 60
to_s = 70

[[fault]]
target = "checkout"
kind = "outage"
from_s = 90
to_s = 95
"#,
    ),
    (
        "hedged",
        r#"
[run]
horizon_s = 120
sample_interval_s = 0.5

[[service]]
name = "search"
base_s = 0.002
slope_s = 0.0005
service_s = { dist = "pareto", shape = 1.5, scale = 0.01 }
max_concurrency = 200

[[client]]
name = "users"
target = "search"
rate = 300
first_at_start = true
timeout_s = 0.5
retry = { attempts = 3, base_s = 0.05, jitter = "full" }
[client.hedge]
after_percentile = 90
warmup = 50

[[client]]
name = "fleet"
target = "search"
count = 20
think_s = { dist = "exponential", mean = 0.2 }
timeout_s = 1
[client.hedge]
after_s = 0.03
max_extra = 2

[[fault]]
target = "search"
kind = "errors"
error_rate = 0.3
from_s = 40
to_s = 60

[[fault]]
target = "search"
kind = "outage"
from_s = 80
to_s = 82
"#,
    ),
    (
        "push_fanout",
        r#"
[run]
title = "a push topic: a queue, a throttled endpoint, a flaky endpoint, prefetch"
seed = 17
horizon_s = 200
sample_interval_s = 1

[[push]]
name = "orders"
queues = ["billing"]

[[queue]]
name = "billing"
max_receive_count = 3
dead_letter_queue = "billing-dlq"

[[queue]]
name = "billing-dlq"

[[queue]]
name = "hook-dlq"

[[producer]]
name = "shop"
push = "orders"
rate = 60
profile = [{ kind = "spike", at_s = 50, duration_s = 30, factor = 4 }]
message = { poison_probability = 0.01 }

[[consumer]]
name = "billers"
queue = "billing"
workers = 3
prefetch = 20
processing_s = { dist = "exponential", mean = 0.03 }
error_rate = 0.05

[[consumer]]
name = "hook"
push = "orders"
workers = 12
processing_s = { dist = "lognormal", mean = 0.1, cv = 1.5 }
error_rate = 0.1
calls = ["db"]
delivery = { preset = "aws_managed", timeout_s = 0.5, max_s = 60, dead_letter_queue = "hook-dlq" }

[[consumer]]
name = "audit"
push = "orders"
workers = 2
processing_s = { dist = "exponential", mean = 0.02 }
delivery = { throttle_per_s = 40, jitter = "full" }

[[database]]
name = "db"
max_connections = 8
cores = 2
query_s = { dist = "exponential", mean = 0.02 }
"#,
    ),
    // A bus: event types, rules by type and key, retries with jitter, a
    // dead-letter queue, a push topic target.
    ("event_bus", include_str!("../../scenarios/event-bus.toml")),
    // Pipelines, dual writes and outboxes, delayed-retry tiers and retry
    // topics, broker limits, autoscaling.
    ("pipeline", include_str!("../../scenarios/pipeline.toml")),
    (
        "dual_write",
        include_str!("../../scenarios/dual-write.toml"),
    ),
    ("outbox", include_str!("../../scenarios/outbox.toml")),
    (
        "retry_tiers",
        include_str!("../../scenarios/retry-tiers.toml"),
    ),
    (
        "retry_topics",
        include_str!("../../scenarios/retry-topics.toml"),
    ),
    (
        "broker_memory",
        include_str!("../../scenarios/broker-memory.toml"),
    ),
    (
        "rabbit_overflow",
        include_str!("../../scenarios/rabbit-overflow.toml"),
    ),
    (
        "autoscale",
        include_str!("../../scenarios/autoscale-flash-sale.toml"),
    ),
    (
        "order_standard",
        include_str!("../../scenarios/order-standard.toml"),
    ),
    (
        "order_fifo",
        include_str!("../../scenarios/order-fifo.toml"),
    ),
    (
        "rebalance_storm",
        include_str!("../../scenarios/rebalance-storm.toml"),
    ),
    (
        "kafka_producer_reordering",
        include_str!("../../scenarios/kafka-producer-reordering.toml"),
    ),
    (
        "kafka_producer_batching",
        include_str!("../../scenarios/kafka-producer-batching.toml"),
    ),
    // Compaction: compact,delete with tombstones, a group that crashes and
    // one that joins later (the cleaner's map, holes, superseded counts).
    (
        "compaction",
        r#"
[run]
horizon_s = 300
seed = 9

[[topic]]
name = "changelog"
partitions = 3
cleanup_policy = "compact,delete"
retention_s = 200
delete_retention_s = 20
compaction_interval_s = 10
min_compaction_lag_s = 5

[[producer]]
topic = "changelog"
rate = 50
message = { keys = 300, key_skew = 0.8, tombstone_probability = 0.2 }

[[consumer]]
name = "live"
topic = "changelog"
workers = 3
processing_s = { dist = "exponential", mean = 0.05 }
group = { commit = "timer", commit_interval_s = 2, crash_at_s = [100, 180] }

[[consumer]]
name = "replay"
topic = "changelog"
workers = 2
processing_s = { dist = "exponential", mean = 0.01 }
group = { start_s = 150 }
"#,
    ),
];

fn write_scenarios(dir: &Path, texts: &[(&str, String)]) -> Vec<PathBuf> {
    texts
        .iter()
        .map(|(stem, text)| {
            let p = dir.join(format!("{stem}.toml"));
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

/// Runs the binary on `files` with `threads` rayon threads, writing into `out`.
fn run_binary(files: &[PathBuf], out: &Path, threads: usize, seed: Option<u64>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowsim"));
    cmd.arg("run")
        .args(files)
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    if let Some(seed) = seed {
        cmd.arg("--seed").arg(seed.to_string());
    }
    cmd.env("RAYON_NUM_THREADS", threads.to_string());
    let res = cmd.output().expect("cannot start the flowsim binary");
    assert!(
        res.status.success(),
        "flowsim run failed ({}):\n{}\n{}",
        res.status,
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
}

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn scenario_texts() -> Vec<(&'static str, String)> {
    SCENARIOS
        .iter()
        .map(|(stem, text)| (*stem, text.to_string()))
        .collect()
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e == ext)
}

/// A summary without the fields that merely echo the inputs (seed, replication).
fn summary_results(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).expect("summary.json is not JSON");
    let obj = v.as_object_mut().expect("summary.json is not an object");
    obj.remove("seed");
    obj.remove("replication");
    v
}

#[test]
fn same_seed_gives_identical_bytes_for_any_thread_count() {
    let scen = tempfile::tempdir().unwrap();
    let files = write_scenarios(scen.path(), &scenario_texts());
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    run_binary(&files, one.path(), 1, None);
    run_binary(&files, two.path(), 2, None);
    let a = read_tree(one.path());
    let b = read_tree(two.path());

    // Every scenario wrote its series, its summary and its charts.
    for (stem, _) in SCENARIOS {
        let dir = Path::new(stem);
        for f in ["timeseries.csv", "summary.json"] {
            assert!(
                a.contains_key(&dir.join(f)),
                "{stem}/{f} missing; wrote {:?}",
                a.keys()
            );
        }
        for ext in ["png", "svg"] {
            assert!(
                a.keys().any(|p| p.starts_with(dir) && has_ext(p, ext)),
                "{stem}: no .{ext} chart written; wrote {:?}",
                a.keys()
            );
        }
    }
    // Nothing half-written is left behind.
    assert!(
        a.keys().all(|p| !p.to_string_lossy().starts_with('.')),
        "leftover partial output: {:?}",
        a.keys()
    );

    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "1 thread and 2 threads wrote different sets of files"
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between RAYON_NUM_THREADS=1 and 2 ({} vs {} bytes)",
            path.display(),
            bytes.len(),
            b[path].len()
        );
    }

    // Another invocation on 2 threads repeats itself too (the order in which the
    // pool happens to finish the jobs must not matter).
    let again = tempfile::tempdir().unwrap();
    run_binary(&files, again.path(), 2, None);
    assert!(read_tree(again.path()) == b, "two runs on 2 threads differ");
}

#[test]
fn a_different_seed_changes_the_results() {
    let scen = tempfile::tempdir().unwrap();
    let files = write_scenarios(scen.path(), &scenario_texts());
    let base = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    run_binary(&files, base.path(), 2, None);
    run_binary(&files, other.path(), 2, Some(424_242));
    for (stem, _) in SCENARIOS {
        let dir = Path::new(stem);
        let read = |root: &Path, f: &str| std::fs::read(root.join(dir).join(f)).unwrap();
        let (s1, s2) = (
            read(base.path(), "summary.json"),
            read(other.path(), "summary.json"),
        );
        let seed: u64 = serde_json::from_slice::<serde_json::Value>(&s2).unwrap()["seed"]
            .as_u64()
            .expect("summary.json has no seed");
        assert_eq!(seed, 424_242, "{stem}: --seed was not applied");
        assert_ne!(
            summary_results(&s1),
            summary_results(&s2),
            "{stem}: another seed gave the same summary"
        );
        assert_ne!(
            read(base.path(), "timeseries.csv"),
            read(other.path(), "timeseries.csv"),
            "{stem}: another seed gave the same time series"
        );
    }
}

fn run_lib(text: &str) -> flowsim::RunOutput {
    let s = flowsim::load_str("lib.toml", text).unwrap_or_else(|e| panic!("{e}"));
    flowsim::run(&s, "lib.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn series_bits(out: &flowsim::RunOutput) -> (Vec<String>, Vec<u64>) {
    (
        out.series.columns().to_vec(),
        out.series.rows().flatten().map(|v| v.to_bits()).collect(),
    )
}

#[test]
fn another_replication_draws_other_streams() {
    for (stem, text) in SCENARIOS {
        assert!(text.contains("[run]\n"), "{stem}");
        let rep = |r: u64| text.replacen("[run]\n", &format!("[run]\nreplication = {r}\n"), 1);
        let (r0, r1) = (run_lib(&rep(0)), run_lib(&rep(1)));
        // Replication 0 is the default.
        let default = run_lib(text);
        assert_eq!(
            serde_json::to_string(&r0.summary).unwrap(),
            serde_json::to_string(&default.summary).unwrap(),
            "{stem}: replication 0 is not the default"
        );
        assert_eq!(r1.summary.replication, 1);
        let j0 = summary_results(serde_json::to_string(&r0.summary).unwrap().as_bytes());
        let j1 = summary_results(serde_json::to_string(&r1.summary).unwrap().as_bytes());
        assert_ne!(
            j0, j1,
            "{stem}: replication 1 gave the same summary as replication 0"
        );
        assert_ne!(
            series_bits(&r0).1,
            series_bits(&r1).1,
            "{stem}: replication 1 gave the same series as replication 0"
        );
    }
}

#[test]
fn the_same_scenario_twice_in_one_process_is_identical() {
    for (stem, text) in SCENARIOS {
        let s = flowsim::load_str(stem, text).unwrap_or_else(|e| panic!("{e}"));
        let a = flowsim::run(&s, stem).unwrap_or_else(|e| panic!("{e}"));
        let b = flowsim::run(&s, stem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_json::to_string(&a.summary).unwrap(),
            serde_json::to_string(&b.summary).unwrap(),
            "{stem}: summaries differ"
        );
        assert!(!a.series.is_empty(), "{stem}: empty series");
        assert_eq!(series_bits(&a), series_bits(&b), "{stem}: series differ");
    }
}

#[test]
fn runs_on_rayon_threads_match_a_sequential_run() {
    use rayon::prelude::*;
    let texts: Vec<&str> = SCENARIOS.iter().map(|(_, t)| *t).collect();
    let seq: Vec<String> = texts
        .iter()
        .map(|t| serde_json::to_string(&run_lib(t).summary).unwrap())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let par: Vec<String> = pool.install(|| {
        texts
            .par_iter()
            .map(|t| serde_json::to_string(&run_lib(t).summary).unwrap())
            .collect()
    });
    assert_eq!(seq, par);
}
