//! Bad input gets a clear error, never a panic, a hang or an out-of-memory
//! abort: each scenario in tests/reproducers/ once hung, aborted or ran for
//! minutes. Each must now end with exit 0 (a run stopped by a guard, with a
//! verdict that says so) or 2 (refused before anything is allocated, with the
//! key at fault). A watchdog turns a hang into a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const WATCHDOG: Duration = Duration::from_secs(60);

fn reproducer(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reproducers")
        .join(name)
}

/// Runs the binary; kills it and fails if it outlives the watchdog.
fn flowsim(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("flowsim {args:?} did not finish within {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// `run -q FILE --out DIR` with extra arguments; returns the exit code,
/// stderr, and the summary when the run wrote one.
fn run(name: &str, extra: &[&str]) -> (Option<i32>, String, Option<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let file = reproducer(name);
    let out = dir.path().display().to_string();
    let mut args = vec!["run", "-q", file.to_str().unwrap(), "--out", &out];
    args.extend_from_slice(extra);
    let o = flowsim(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stem = name.trim_end_matches(".toml");
    let summary = std::fs::read_to_string(dir.path().join(stem).join("summary.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (o.status.code(), stderr, summary)
}

/// Refused with exit 2, naming `key` and the fix.
fn refused(name: &str, key: &str) -> String {
    let (code, stderr, summary) = run(name, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(summary.is_none());
    assert!(stderr.contains(&format!("(key {key})")), "{stderr}");
    assert!(stderr.contains("= help:"), "{stderr}");
    stderr
}

/// Ran to a stop by a guard: exit 0, collapsed for `reason`.
fn stopped(name: &str, extra: &[&str], reason: &str) -> serde_json::Value {
    let (code, stderr, summary) = run(name, extra);
    assert_eq!(code, Some(0), "{stderr}");
    let s = summary.expect("a summary");
    assert_eq!(s["verdict"]["state"], "collapsed", "{s}");
    assert_eq!(s["verdict"]["reason"], reason, "{s}");
    s
}

#[test]
fn an_initial_backlog_into_a_queue_bounded_at_one_is_refused_not_spun() {
    let e = refused(
        "initial-backlog-bounded-hang.toml",
        "producer[0].initial_backlog",
    );
    assert!(e.contains("run.max_backlog"), "{e}");
}

#[test]
fn an_initial_backlog_dropped_by_a_buffer_is_refused_not_spun() {
    refused(
        "initial-backlog-buffer-drop-hang.toml",
        "producer[0].initial_backlog",
    );
}

#[test]
fn an_initial_backlog_beyond_the_cap_is_refused_before_it_is_made() {
    let e = refused("initial-backlog-oom.toml", "producer[0].initial_backlog");
    assert!(e.contains("100000000"), "{e}");
}

#[test]
fn billions_of_workers_are_refused_with_the_estimate_and_the_budget() {
    let e = refused("workers-4294967295-oom.toml", "consumer[0].workers");
    assert!(e.contains("may need up to"), "{e}");
    assert!(e.contains("beyond the budget of"), "{e}");
    assert!(e.contains("--memory-budget"), "{e}");
}

#[test]
fn a_huge_batch_size_allocates_only_what_is_received() {
    let (code, stderr, summary) = run("batch-size-1e9-oom.toml", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(summary.is_some());
}

#[test]
fn a_series_of_ten_million_rows_is_refused_with_an_interval_that_fits() {
    let e = refused("series-1e7-samples-oom.toml", "run.sample_interval_s");
    assert!(e.contains("sample_interval_s ="), "{e}");
}

#[test]
fn a_storm_of_rebalances_stops_at_the_derived_step_budget() {
    let s = stopped("group-crash-storm-slow.toml", &[], "event_limit");
    let detail = s["verdict"]["detail"].as_str().unwrap();
    assert!(detail.contains("derived from the scenario"), "{detail}");
}

/// A million idle workers parked on long polls: the sampler reads their empty
/// receives from an index of their phases instead of visiting each of them at
/// every row (which made this hour-long run take minutes). The run reaches its
/// horizon, and the count is what a million 20 s long polls return in an hour,
/// less the periods in which a worker was handed a message.
#[test]
fn a_million_idle_workers_cost_the_sampler_nothing_per_worker() {
    let (code, stderr, summary) = run("workers-1e6-slow.toml", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let s = summary.expect("a summary");
    assert_eq!(s["stop"], "horizon", "{s}");
    let c = &s["consumers"][0];
    let empty = c["empty_receives"].as_f64().unwrap();
    let all_idle = 1e6 * 3600.0 / 20.0;
    let served = c["completions"].as_f64().unwrap();
    assert!(empty <= all_idle, "{empty} > {all_idle}");
    assert!(
        empty >= all_idle - 1.1 * served,
        "{empty} vs {all_idle} - {served}"
    );
}

#[test]
fn a_raised_memory_budget_lets_a_scenario_through_and_check_reports_it() {
    let file = reproducer("batch-size-1e9-oom.toml");
    let o = flowsim(&["check", file.to_str().unwrap(), "--memory-budget", "2GiB"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("needs at most"), "{out}");
    assert!(out.contains("budget 2.0 GiB"), "{out}");
    let o = flowsim(&["check", file.to_str().unwrap(), "--memory-budget", "1MiB"]);
    assert_eq!(o.status.code(), Some(2));
    let o = flowsim(&["check", file.to_str().unwrap(), "--memory-budget", "lots"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A sweep point must fit the memory budget as a run must: a swept
/// `workers = 4294967295` is refused before the plan runs, naming the point
/// and the flag that raises the budget.
#[test]
fn a_sweep_point_beyond_the_memory_budget_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = reproducer("sweep-base.toml");
    let out = dir.path().display().to_string();
    let o = flowsim(&[
        "sweep",
        "-q",
        file.to_str().unwrap(),
        "--set",
        "consumer[0].workers=2,4294967295",
        "--reps",
        "1",
        "--memory-budget",
        "4GiB",
        "--out",
        &out,
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("consumer[0].workers = 4294967295") && stderr.contains("--memory-budget"),
        "{stderr}"
    );
    assert!(stderr.contains("beyond the budget of 4.0 GiB"), "{stderr}");
}

/// Pushes to a prefetch pool whose workers are all full end at once (the
/// queue counts the workers with room) instead of walking every worker for
/// each arrival. The run reaches its horizon; every worker holds one message
/// for 100 s, so 100,000 complete (the second round ends past the horizon).
#[test]
fn a_full_prefetch_pool_costs_an_arrival_nothing_per_worker() {
    let (code, stderr, summary) = run("prefetch-all-full-slow.toml", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let s = summary.expect("a summary");
    assert_eq!(s["stop"], "horizon", "{s}");
    let c = &s["consumers"][0];
    assert_eq!(c["peak_concurrency"], 100_000, "{c}");
    assert_eq!(c["completions"], 100_000, "{c}");
    assert_eq!(s["verdict"]["reason"], "backlog_growth", "{s}");
}
