//! Design rules (docs/scenarios.md "Design rules"): each fires on a small
//! scenario that breaks it, with the numbers, and stays silent on one that
//! keeps it; `check` and `run` print them as warnings and exit 0 unless
//! `--deny-warnings`; the files in scenarios/ that break a rule on purpose get
//! its warning.

use crate::common::flowsim;
use flowsim::scenario::{Severity, Warning, check_str, load_file, rules};
use std::path::Path;

fn warnings(src: &str) -> Vec<Warning> {
    let s = flowsim::load_str("t.toml", src).unwrap_or_else(|e| panic!("{e}"));
    rules::check(&s)
}

/// The messages of one rule's warnings.
fn fired(src: &str, rule: &str) -> Vec<String> {
    warnings(src)
        .into_iter()
        .filter(|w| w.rule == rule)
        .map(|w| format!("{} | {} | {}", w.path, w.message, w.fix))
        .collect()
}

fn one(src: &str, rule: &str) -> String {
    let f = fired(src, rule);
    assert_eq!(f.len(), 1, "{rule}: {f:#?}");
    f.into_iter().next().unwrap()
}

fn silent(src: &str, rule: &str) {
    let f = fired(src, rule);
    assert!(f.is_empty(), "{rule} should be silent: {f:#?}");
}

const LAMBDA: &str = r#"
[[queue]]
name = "orders"
visibility_timeout_s = 30
[[producer]]
rate = 5.0
[[consumer]]
name = "fn"
[consumer.lambda]
function_timeout_s = 60
"#;

#[test]
fn visibility_timeout_below_six_function_timeouts() {
    let w = one(LAMBDA, "visibility-timeout");
    assert!(w.starts_with("queue[0].visibility_timeout_s |"), "{w}");
    assert!(
        w.contains("visibility timeout 30 s < 6 × 60 s + 0 s = 360 s"),
        "{w}"
    );
    assert!(w.contains("set `visibility_timeout_s = 360`"), "{w}");
    // The batch window counts: 6 × 60 + 20 = 380.
    let windowed = LAMBDA.replace(
        "function_timeout_s = 60",
        "function_timeout_s = 60\nbatch_window_s = 20",
    );
    assert!(one(&windowed, "visibility-timeout").contains("30 s < 6 × 60 s + 20 s = 380 s"));
    silent(
        &windowed.replace("visibility_timeout_s = 30", "visibility_timeout_s = 380"),
        "visibility-timeout",
    );
}

#[test]
fn visibility_timeout_below_six_receives_of_a_pool() {
    let pool = r#"
[[queue]]
name = "orders"
visibility_timeout_s = 5
[[producer]]
rate = 1.0
[[consumer]]
workers = 10
processing_s = { dist = "lognormal", mean = 8.0, cv = 0.1 }
"#;
    let w = one(pool, "visibility-timeout");
    assert!(w.contains("visibility timeout 5 s < 6 × 8 s = 48 s"), "{w}");
    // A batch of 2 is processed one message after the other: 16 s a receive.
    let batched = pool.replace("workers = 10", "workers = 10\nbatch_size = 2");
    assert!(one(&batched, "visibility-timeout").contains("5 s < 6 × 16 s = 96 s"));
    silent(
        &pool.replace("visibility_timeout_s = 5", "visibility_timeout_s = 48"),
        "visibility-timeout",
    );
    // A prefetch consumer (RabbitMQ) has no visibility timeout.
    silent(
        &pool.replace("workers = 10", "workers = 10\nprefetch = 1"),
        "visibility-timeout",
    );
}

const DB: &str = r#"
[[queue]]
name = "orders"
visibility_timeout_s = 600
[[producer]]
rate = 5.0
[[consumer]]
name = "fn"
calls = ["db"]
[consumer.lambda]
max_concurrency = 100
function_timeout_s = 30
[[database]]
name = "db"
max_connections = 20
"#;

#[test]
fn poller_concurrency_above_database_connections() {
    let w = one(DB, "database-connections");
    assert!(w.starts_with("consumer[0].lambda.max_concurrency |"), "{w}");
    assert!(
        w.contains("`fn` can run 100 concurrent invocations > 20 connections of database `db`"),
        "{w}"
    );
    assert!(w.contains("set `max_concurrency = 20`"), "{w}");
    silent(
        &DB.replace("max_concurrency = 100", "max_concurrency = 20"),
        "database-connections",
    );
    // Without a cap the poller may reach the event source limit, 1,000.
    let uncapped = DB.replace("max_concurrency = 100\n", "");
    assert!(one(&uncapped, "database-connections").contains("1,000 concurrent invocations > 20"));
    // A pool no larger than the connections makes the surplus wait instead.
    silent(
        &DB.replace(
            "max_connections = 20",
            "max_connections = 20\npool = { size = 20 }",
        ),
        "database-connections",
    );
    // A worker pool is held to the same rule.
    let workers = DB
        .replace(
            "[consumer.lambda]\nmax_concurrency = 100\nfunction_timeout_s = 30\n",
            "",
        )
        .replace("calls = [\"db\"]", "calls = [\"db\"]\nworkers = 40");
    assert!(one(&workers, "database-connections").contains("40 workers > 20 connections"));
}

const STORM: &str = r#"
[[service]]
name = "checkout"
base_s = 0.1
slope_s = 0.01
[[client]]
name = "shoppers"
target = "checkout"
rate = 30
timeout_s = 1.0
[client.retry]
attempts = 4
"#;

#[test]
fn retries_times_rate_at_or_above_service_capacity() {
    let w = one(STORM, "retry-capacity");
    assert!(w.starts_with("client[0].retry.attempts |"), "{w}");
    assert!(
        w.contains(
            "4 attempts × 30 requests/s = 120 attempts/s ≥ capacity of service `checkout` 1/slope = 1/0.01 s = 100 requests/s"
        ),
        "{w}"
    );
    assert!(w.contains("`attempts = 3` at most"), "{w}");
    silent(
        &STORM.replace("attempts = 4", "attempts = 3"),
        "retry-capacity",
    );
    // A retry budget of 10 % bounds the attempts to 1 + 0.1 + 10 / (10 s × 30/s).
    silent(
        &STORM.replace("attempts = 4", "attempts = 4\nbudget_ratio = 0.1"),
        "retry-capacity",
    );
    // Load shedding at 20 in service: 20 / (0.1 + 0.01 × 20) = 66.7 requests/s.
    let shed = STORM
        .replace("slope_s = 0.01", "slope_s = 0.01\nmax_concurrency = 20")
        .replace("attempts = 4", "attempts = 3");
    assert!(one(&shed, "retry-capacity").contains("= 66.667 requests/s"));
}

const TRIGGERS: &str = r#"
[run]
horizon_s = 300
[[queue]]
name = "orders"
[[producer]]
rate = 5.0
profile = [{ kind = "spike", at_s = 100, duration_s = 60, factor = 3 }]
[[consumer]]
calls = ["db"]
[[database]]
name = "db"
max_connections = 10
[[fault]]
target = "db"
kind = "outage"
from_s = 120
to_s = 150
"#;

#[test]
fn trigger_at_or_after_the_horizon() {
    silent(TRIGGERS, "trigger-after-horizon");
    let late_spike = TRIGGERS.replace("at_s = 100", "at_s = 400");
    let w = one(&late_spike, "trigger-after-horizon");
    assert!(w.starts_with("producer[0].profile[0].at_s |"), "{w}");
    assert!(
        w.contains("spike of producer `producer1` at 400 s ≥ horizon 300 s"),
        "{w}"
    );
    assert!(w.contains("beyond 400 s"), "{w}");
    // A fault that starts exactly at the horizon never happens either.
    let late_fault = TRIGGERS.replace("from_s = 120\nto_s = 150", "from_s = 300\nto_s = 320");
    assert!(one(&late_fault, "trigger-after-horizon").contains("outage fault on `db` at 300 s"));
    let late_ramp = TRIGGERS.replace(
        r#"{ kind = "spike", at_s = 100, duration_s = 60, factor = 3 }"#,
        r#"{ kind = "ramp", from_s = 310, to_s = 400, to_rate = 20 }"#,
    );
    assert!(one(&late_ramp, "trigger-after-horizon").contains("ramp of producer"));
}

#[test]
fn crash_after_the_horizon() {
    let group = r#"
[run]
horizon_s = 60
[[topic]]
name = "t"
[[producer]]
topic = "t"
rate = 5.0
[[consumer]]
topic = "t"
[consumer.group]
crash_at_s = [30, 90]
"#;
    let w = one(group, "trigger-after-horizon");
    assert!(w.starts_with("consumer[0].group.crash_at_s[1] |"), "{w}");
    assert!(w.contains("at 90 s ≥ horizon 60 s"), "{w}");
}

#[test]
fn queue_or_topic_without_consumer() {
    let unread = r#"
[[queue]]
name = "orders"
dead_letter_queue = "orders-dlq"
max_receive_count = 3
[[queue]]
name = "orders-dlq"
[[queue]]
name = "audit"
[[producer]]
queue = "orders"
rate = 5.0
[[producer]]
queue = "audit"
rate = 1.0
[[consumer]]
queue = "orders"
"#;
    let w = one(unread, "no-consumer");
    assert!(w.starts_with("queue[2].name |"), "{w}");
    assert!(w.contains("queue `audit` has no consumer"), "{w}");
    // Read, it is fine; the DLQ is never flagged.
    silent(
        &format!("{unread}[[consumer]]\nqueue = \"audit\"\n"),
        "no-consumer",
    );
    let topic = "[[topic]]\nname = \"t\"\n[[producer]]\ntopic = \"t\"\nrate = 1.0\n";
    assert!(one(topic, "no-consumer").contains("topic `t` has no consumer"));
    silent(
        &format!("{topic}[[consumer]]\ntopic = \"t\"\n"),
        "no-consumer",
    );
}

const WIDE: &str = r#"
[run]
horizon_s = 600
[[queue]]
name = "orders"
[[producer]]
rate = 1000.0
[[consumer]]
workers = 15000
batch_size = 10
"#;

#[test]
fn more_in_flight_than_sqs_allows() {
    let w = one(WIDE, "in-flight-limit");
    assert!(
        w.contains(
            "can hold 150,000 messages in flight (`consumer1` 15,000 × batch 10) ≥ SQS's limit of about 120,000 on a standard queue"
        ),
        "{w}"
    );
    // Below the limit.
    silent(
        &WIDE.replace("workers = 15000", "workers = 11000"),
        "in-flight-limit",
    );
    // Above it, but the producers cannot supply that many: 100/s × 600 s.
    silent(
        &WIDE.replace("rate = 1000.0", "rate = 100.0"),
        "in-flight-limit",
    );
    // Nor can a queue bounded below the limit hold them.
    silent(
        &WIDE.replace("name = \"orders\"", "name = \"orders\"\nmax_depth = 100000"),
        "in-flight-limit",
    );
}

#[test]
fn warnings_are_located_like_errors() {
    let src = format!("[run]\nhorizon_s = 60\n{LAMBDA}");
    let c = check_str("z.toml", &src).unwrap();
    assert_eq!(c.warnings.len(), 1);
    let d = &c.warnings[0];
    assert_eq!(
        d.severity,
        Severity::Warning {
            rule: "visibility-timeout"
        }
    );
    let shown = d.to_string();
    assert!(
        shown.starts_with("warning[visibility-timeout]: visibility timeout 30 s"),
        "{shown}"
    );
    assert!(shown.contains("z.toml:6:24"), "{shown}");
    assert!(
        shown.contains("= help: set `visibility_timeout_s = 360`"),
        "{shown}"
    );
}

#[test]
fn key_in_milliseconds_gets_the_converted_seconds_key() {
    let src = "[[queue]]\nname = \"orders\"\nvisibility_timeout_ms = 30000\n";
    let e = flowsim::load_str("ms.toml", src).unwrap_err().to_string();
    assert!(e.contains("unknown key `visibility_timeout_ms`"), "{e}");
    assert!(
        e.contains("the key takes seconds, not milliseconds: write `visibility_timeout_s = 30`"),
        "{e}"
    );
    let e = flowsim::load_str("min.toml", "[run]\nhorizon_min = 15\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("write `horizon_s = 900`"), "{e}");
}

/// Which rules each file of scenarios/ breaks: those made to show a failure
/// break the rule that prevents it; their fixed twins break none.
#[test]
fn scenario_files_warn_where_they_break_a_rule() {
    let expect: &[(&str, &[&str])] = &[
        ("zombie-loop.toml", &["visibility-timeout"]),
        ("zombie-loop-fixed.toml", &[]),
        ("zombie-loop-lambda.toml", &["visibility-timeout"]),
        ("zombie-loop-lambda-fixed.toml", &[]),
        ("idempotency.toml", &["visibility-timeout"]),
        ("partial-batch.toml", &[]),
        ("lambda-sqs-db.toml", &["database-connections"]),
        ("lambda-sqs-db-capped.toml", &[]),
        ("sweep-max-concurrency.toml", &["database-connections"]),
        ("push-vs-pull-push.toml", &["database-connections"]),
        ("push-vs-pull-pull.toml", &[]),
        ("retry-storm.toml", &["retry-capacity"]),
        ("sweep-retry-storm.toml", &["retry-capacity"]),
        ("retry-storm-budget.toml", &[]),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let s = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<&str> = rules::check(&s).iter().map(|w| w.rule).collect();
        let want = expect
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, r)| r);
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn cli_warns_and_exits_zero_unless_denied() {
    let d = tempfile::tempdir().unwrap();
    let zombie = format!("[run]\nhorizon_s = 20\n{LAMBDA}");
    std::fs::write(d.path().join("zombie.toml"), &zombie).unwrap();
    let clean = zombie.replace("visibility_timeout_s = 30", "visibility_timeout_s = 360");
    std::fs::write(d.path().join("clean.toml"), &clean).unwrap();

    let o = flowsim(&["check", "zombie.toml"], d.path());
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("warning[visibility-timeout]"), "{err}");
    assert!(err.contains("zombie.toml:6:24"), "{err}");
    assert!(
        out.contains("zombie.toml: valid, 1 design warning"),
        "{out}"
    );
    assert_eq!(
        flowsim(&["check", "--deny-warnings", "zombie.toml"], d.path())
            .status
            .code(),
        Some(2)
    );
    let o = flowsim(&["check", "--deny-warnings", "clean.toml"], d.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("clean.toml: ok"));

    // `run` warns on stderr and runs anyway; stdout is the table alone.
    let o = flowsim(&["run", "zombie.toml", "--out", "out"], d.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning[visibility-timeout]"));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("warning"));
    assert!(d.path().join("out/zombie/summary.json").exists());
    // Denied, it does not run.
    let o = flowsim(
        &["run", "--deny-warnings", "zombie.toml", "--out", "denied"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--deny-warnings: not running"));
    assert!(!d.path().join("denied").exists());
    let o = flowsim(
        &["run", "--deny-warnings", "clean.toml", "--out", "out"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A sweep warns once for its file, and refuses with --deny-warnings.
    let o = flowsim(
        &[
            "sweep",
            "--deny-warnings",
            "zombie.toml",
            "--set",
            "producer[0].rate=1,2",
            "--out",
            "sw",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("warning[visibility-timeout]").count(),
        1,
        "{err}"
    );
    assert!(!d.path().join("sw").exists());
}

const SLOW_GROUP: &str = r#"
[[topic]]
name = "events"
[[producer]]
topic = "events"
rate = 1.0
[[consumer]]
name = "enricher"
topic = "events"
processing_s = { dist = "constant", mean = 0.8 }
"#;

#[test]
fn a_group_batch_longer_than_the_poll_interval_warns() {
    // 500 records (max.poll.records) × 0.8 s = 400 s ≥ Kafka's 300 s.
    let w = one(SLOW_GROUP, "poll-interval");
    assert!(w.starts_with("consumer[0].batch_size"), "{w}");
    assert!(w.contains("400 s (500 × 0.8 s)"), "{w}");
    assert!(w.contains("(300 s)"), "{w}");
    assert!(w.contains("only with `[consumer.group.membership]`"), "{w}");
    assert!(w.contains("`batch_size = 187`"), "{w}");
    // The membership's own interval, and a batch that fits it.
    let longer = format!(
        "{SLOW_GROUP}batch_size = 100\n[consumer.group.membership]\nmax_poll_interval_s = 60\n"
    );
    let w = one(&longer, "poll-interval");
    assert!(
        w.contains("80 s (100 × 0.8 s)") && w.contains("(60 s)"),
        "{w}"
    );
    assert!(!w.contains("only with"), "{w}");
    silent(&format!("{SLOW_GROUP}batch_size = 100\n"), "poll-interval");
}
