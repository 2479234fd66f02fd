//! Push: SNS-like topics (fan-out to queues, endpoints retried by a delivery
//! policy) and prefetch-limited push from a queue (RabbitMQ basic.qos). The
//! scenarios (scenarios/fanout.toml, push-vs-pull-*.toml, prefetch.toml) are
//! held to the numbers their opening comments promise; small runs check the
//! delivery policy's schedule, the throttle and the delivery timeout.

use crate::common::{run_scenario, run_text};
use flowsim::metrics::series::BoundedSeries;
use flowsim::run::EndpointSubscription;

fn col(s: &BoundedSeries, name: &str) -> Vec<f64> {
    s.column(name)
        .unwrap_or_else(|| panic!("no column {name}; have {:?}", s.columns()))
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::MIN, f64::max)
}

fn endpoint(s: &flowsim::Summary) -> &EndpointSubscription {
    &s.pushes[0].endpoints[0]
}

#[test]
fn fanout_gives_every_queue_every_message_and_only_the_slow_one_falls_behind() {
    let out = run_scenario("fanout.toml", &[]);
    let s = &out.summary;
    let published = s.pushes[0].published;
    assert!(published > 55_000, "published {published}");
    for q in &s.queues {
        assert_eq!(q.published, published, "{q:?}");
        assert_eq!(q.rejected, 0);
    }
    let p = s.ledger.push.as_ref().expect("a push ledger");
    assert_eq!(p.queue_copies, 3 * published);
    assert_eq!(s.ledger.produced, 3 * published);
    // analytics falls behind by ~20/s: ~12,000 waiting at 600 s.
    assert_eq!(s.verdict.reason.map(|r| r.name()), Some("backlog_growth"));
    let q = |n: &str| s.queues.iter().find(|q| q.name == n).unwrap();
    let behind = q("analytics").visible_at_end as f64;
    assert!((behind - 12_000.0).abs() < 0.2 * 12_000.0, "{behind}");
    assert!(max(&col(&out.series, "analytics.oldest_age_s")) > 90.0);
    // The others stay drained all along.
    for n in ["receipt", "warehouse"] {
        assert!(q(n).visible_at_end < 50, "{:?}", q(n));
        let peak = max(&col(&out.series, &format!("{n}.visible")));
        assert!(peak < 100.0, "{n} peaked at {peak}");
    }
    // Processed copies = publishes minus what analytics still holds.
    assert!(
        s.ledger.processed
            + s.queues
                .iter()
                .map(|q| q.visible_at_end + q.in_flight_at_end)
                .sum::<u64>()
            == 3 * published
    );
}

#[test]
fn pushing_a_flash_sale_floods_the_database_pulling_it_only_delays() {
    let push_out = run_scenario("push-vs-pull-push.toml", &[]);
    let push = push_out.summary;
    let pull = run_scenario("push-vs-pull-pull.toml", &[]).summary;
    // Same orders on both sides.
    assert_eq!(push.pushes[0].published, pull.producers[0].produced);

    let db = &push.databases[0];
    let e = endpoint(&push);
    assert!(db.refusals > 1000, "refusals {}", db.refusals);
    let crash = db.first_crash_s.expect("the database crashes");
    assert!((60.0..100.0).contains(&crash), "crash at {crash}");
    assert_eq!(
        push.verdict.reason.map(|r| r.name()),
        Some("downstream_crashed")
    );
    assert!(e.failed > 10_000, "{e:?}");
    assert!(e.retries > 10_000, "{e:?}");
    // Copies published while it was down ran out of their ~60 s of retries.
    let lost = (e.dead_lettered + e.dropped) as f64;
    assert!(lost > 0.4 * e.copies as f64, "{e:?}");
    assert_eq!(push.ledger.dead_lettered, e.dead_lettered);
    let p = push.ledger.push.as_ref().unwrap();
    assert_eq!(
        p.acked + p.dead_lettered + p.dropped + p.pending,
        p.endpoint_copies
    );
    // The time series carries the same deliveries: retries multiply the
    // offered load (the amplification the deliveries chart draws).
    let series = &push_out.series;
    let total = |c: &str| col(series, c).iter().sum::<f64>();
    assert_eq!(total("push_attempts"), e.attempts as f64);
    assert_eq!(total("push_offered"), e.copies as f64);
    assert!(total("push_attempts") > 2.0 * total("push_offered"));

    let db = &pull.databases[0];
    assert_eq!(db.refusals, 0);
    assert_eq!(db.crashes, 0);
    assert!(!pull.verdict.collapsed, "{:?}", pull.verdict);
    let l = &pull.ledger;
    assert_eq!(l.dead_lettered + l.expired + l.dropped + l.rejected, 0);
    assert!(l.processed + 20 >= l.produced, "{l:?}");
    assert_eq!(l.duplicates, 0);
    // The price: the oldest order waited.
    let age = pull.latency.queue_wait.max_s;
    assert!(age > 5.0, "oldest waited {age} s");
}

/// One message to an endpoint that always fails at once: its attempts land
/// exactly where the policy says.
fn one_failing_message(delivery: &str) -> flowsim::RunOutput {
    run_text(&format!(
        r#"
[run]
horizon_s = 120
sample_interval_s = 0.5

[[push]]
name = "t"

[[producer]]
push = "t"
arrivals = "constant"
rate = 0.9090909090909091
stop_s = 1.5

[[consumer]]
name = "hook"
push = "t"
workers = 1
processing_s = {{ dist = "constant", mean = 0 }}
error_rate = 1.0
delivery = {delivery}
"#
    ))
}

/// Times (row ends) at which the endpoint saw attempts, with their counts.
fn attempt_times(out: &flowsim::RunOutput) -> Vec<(f64, f64)> {
    let t = col(&out.series, "time_s");
    let a = col(&out.series, "hook.attempts");
    t.iter()
        .zip(&a)
        .filter(|(_, n)| **n > 0.0)
        .map(|(t, n)| (*t, *n))
        .collect()
}

#[test]
fn the_aws_managed_schedule_is_three_immediate_then_one_second_then_up_to_twenty() {
    let out = one_failing_message(r#"{ preset = "aws_managed", jitter = "none" }"#);
    // Published at 1.1 s; retries after 0, 0, 0, 1, 1, 2, 4, 8, 16, 20, 20 s.
    let expected = [
        (1.5, 4.0),
        (2.5, 1.0),
        (3.5, 1.0),
        (5.5, 1.0),
        (9.5, 1.0),
        (17.5, 1.0),
        (33.5, 1.0),
        (53.5, 1.0),
        (73.5, 1.0),
        (93.5, 1.0),
        (113.5, 1.0),
    ];
    assert_eq!(attempt_times(&out), expected);
    let e = endpoint(&out.summary);
    assert_eq!((e.attempts, e.failed, e.pending_at_end), (14, 14, 1));
}

#[test]
fn the_http_default_retries_three_times_twenty_seconds_apart_then_drops() {
    let out = one_failing_message(r#"{ jitter = "none" }"#);
    assert_eq!(
        attempt_times(&out),
        [(1.5, 1.0), (21.5, 1.0), (41.5, 1.0), (61.5, 1.0)]
    );
    let e = endpoint(&out.summary);
    assert_eq!(
        (e.attempts, e.retries, e.dropped, e.pending_at_end),
        (4, 3, 1, 0)
    );
    assert_eq!(out.summary.ledger.push.as_ref().unwrap().dropped, 1);
    // Equal jitter (the default) keeps each delay within [10, 20] s.
    let out = one_failing_message("{}");
    let times: Vec<f64> = attempt_times(&out).iter().map(|a| a.0).collect();
    assert_eq!(times.len(), 4);
    for w in times.windows(2) {
        assert!((9.5..=20.5).contains(&(w[1] - w[0])), "{times:?}");
    }
    // A total time limit cuts the policy short.
    let out = one_failing_message(r#"{ jitter = "none", max_s = 30 }"#);
    assert_eq!(endpoint(&out.summary).attempts, 2);
}

#[test]
fn a_throttle_caps_the_delivery_rate() {
    let out = run_text(
        r#"
[run]
horizon_s = 60

[[push]]
name = "t"

[[producer]]
push = "t"
rate = 50

[[consumer]]
name = "hook"
push = "t"
workers = 100
processing_s = { dist = "exponential", mean = 0.01 }
delivery = { throttle_per_s = 10 }
"#,
    );
    let per_s = col(&out.series, "hook.attempts");
    assert!(max(&per_s) <= 10.0, "{per_s:?}");
    let e = endpoint(&out.summary);
    // 10/s for ~60 s; the rest waits at the topic.
    assert!((590..=600).contains(&e.attempts), "{e:?}");
    assert!(e.throttled > 2000, "{e:?}");
    assert!(e.pending_at_end as f64 > 0.7 * e.copies as f64, "{e:?}");
    assert_eq!(e.rejected + e.timed_out + e.failed, 0);
}

#[test]
fn a_timed_out_delivery_is_retried_while_the_endpoint_keeps_working() {
    // One message; each processing takes 20 s, the topic waits 15 s.
    let out = run_text(
        r#"
[run]
horizon_s = 200

[[push]]
name = "t"

[[producer]]
push = "t"
arrivals = "constant"
rate = 1
stop_s = 1.5

[[consumer]]
name = "hook"
push = "t"
workers = 4
processing_s = { dist = "constant", mean = 20 }
delivery = { jitter = "none" }
"#,
    );
    let s = &out.summary;
    let e = endpoint(s);
    // First attempt and 3 retries, each timed out, each applied anyway.
    assert_eq!((e.attempts, e.timed_out, e.late), (4, 4, 4), "{e:?}");
    assert_eq!((e.acked, e.dropped), (0, 1));
    assert_eq!(s.consumers[0].goodput, 1);
    assert_eq!(e.duplicates, 3);
    assert_eq!(s.ledger.applied_more_than_once, 1);
}

#[test]
fn a_busy_endpoint_refuses_at_once() {
    let out = run_text(
        r#"
[run]
horizon_s = 30

[[push]]
name = "t"

[[queue]]
name = "dlq"

[[producer]]
push = "t"
arrivals = "constant"
rate = 10
stop_s = 0.25

[[consumer]]
name = "hook"
push = "t"
workers = 1
processing_s = { dist = "constant", mean = 10 }
delivery = { preset = "aws_managed", jitter = "none", max_s = 5, timeout_s = 60, dead_letter_queue = "dlq" }
"#,
    );
    let e = endpoint(&out.summary);
    // The second copy finds the only worker busy: refused on each attempt
    // within 5 s (first + 3 immediate + 2 at 1 s + 2 s + ...), then the DLQ.
    assert_eq!(e.acked, 1);
    assert_eq!(e.rejected, 7, "{e:?}");
    assert_eq!(e.dead_lettered, 1);
    assert_eq!(out.summary.ledger.dead_lettered, 1);
}

fn prefetch(n: &str) -> flowsim::Summary {
    let edit = format!("prefetch = {n}");
    run_scenario(
        "prefetch.toml",
        &[("prefetch = 500", &edit), ("prefetch = 500", &edit)],
    )
    .summary
}

#[test]
fn a_large_prefetch_lets_the_slow_consumer_hoard_and_fair_dispatch_does_not() {
    let hoard = prefetch("500");
    let fair = prefetch("1");
    let p99 = |s: &flowsim::Summary| s.latency.end_to_end.p99_s;
    assert!(p99(&hoard) > 80.0, "p99 {}", p99(&hoard));
    assert!(p99(&fair) < 1.0, "p99 {}", p99(&fair));
    assert!(p99(&hoard) > 50.0 * p99(&fair));
    let done = |s: &flowsim::Summary, n: &str| {
        s.consumers
            .iter()
            .find(|c| c.name == n)
            .unwrap()
            .completions as f64
    };
    for s in [&hoard, &fair] {
        // slow does ~5/s of the 60/s; fast the rest, at once.
        let share = done(s, "slow") / (done(s, "slow") + done(s, "fast"));
        assert!((0.06..0.11).contains(&share), "slow's share {share}");
    }
    // What the consumers hold: slow its 500 (fast next to none), or one each.
    let held = hoard.queues[0].in_flight_at_end;
    assert!((500..=502).contains(&held), "held {held}");
    assert!(fair.queues[0].in_flight_at_end <= 2);
    // The queue itself never looks backed up: messages wait in the consumer.
    assert!(hoard.latency.queue_wait.p99_s < 0.01);
}
