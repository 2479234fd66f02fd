//! The queue's rules one by one (MODEL.md "Queue (SQS-like, pull)"), each in a
//! small scenario where the rule decides a number.

use crate::common::run_text;

fn col(out: &flowsim::RunOutput, name: &str) -> Vec<f64> {
    out.series
        .column(name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// An overloaded queue: 20/s in, 10/s out.
fn overloaded(queue_extra: &str) -> String {
    format!(
        r#"
[run]
horizon_s = 300
[[queue]]
name = "q"
{queue_extra}
[[producer]]
rate = 20.0
[[consumer]]
workers = 1
processing_s = {{ dist = "constant", mean = 0.1 }}
"#
    )
}

#[test]
fn retention_expires_old_messages_and_none_is_delivered_past_it() {
    let out = run_text(&overloaded("retention_s = 60"));
    let s = &out.summary;
    // Backlog grows at 10/s; from t ≈ 60 s on, ~10/s of it expires at the old end.
    assert!(s.ledger.expired > 1500, "expired {}", s.ledger.expired);
    assert!(
        s.latency.queue_wait.max_s <= 60.0 + 1e-3,
        "{:?}",
        s.latency.queue_wait
    );
    let age = col(&out, "oldest_age_s");
    assert!(
        age.iter().all(|&a| a <= 60.0 + 1e-6),
        "max age {:?}",
        age.iter().cloned().fold(0.0, f64::max)
    );
    // Without retention nothing expires and the oldest message ages freely.
    let kept = run_text(&overloaded(""));
    assert_eq!(kept.summary.ledger.expired, 0);
    assert!(kept.summary.latency.queue_wait.max_s > 100.0);
}

#[test]
fn a_full_queue_rejects_or_drops_the_oldest() {
    let rej = run_text(&overloaded("max_depth = 100\noverflow = \"reject\""));
    let depth_ok = |out: &flowsim::RunOutput| {
        let v = col(out, "q.visible");
        let f = col(out, "q.in_flight");
        v.iter().zip(&f).all(|(a, b)| a + b <= 100.0)
    };
    assert!(depth_ok(&rej));
    // ~10/s over capacity once full: about half the arrivals are refused.
    let l = &rej.summary.ledger;
    assert!(l.rejected > 2500 && l.dropped == 0, "{l:?}");
    let drop = run_text(&overloaded("max_depth = 100\noverflow = \"drop_oldest\""));
    assert!(depth_ok(&drop));
    let l = &drop.summary.ledger;
    assert!(l.dropped > 2500 && l.rejected == 0, "{l:?}");
    // Dropping the oldest keeps waits short: nobody waits behind 100 messages for long.
    assert!(drop.summary.latency.queue_wait.max_s < 100.0 / 10.0 + 1.0);
}

#[test]
fn delay_queue_holds_every_message_for_its_delay() {
    let out = run_text(&overloaded("delay_s = 5").replace("rate = 20.0", "rate = 2.0"));
    let w = &out.summary.latency.queue_wait;
    assert!(w.count > 500);
    // Never before the delay; a little after when the one worker is busy.
    assert!(w.min_s >= 5.0 && w.mean_s < 5.1 && w.max_s < 6.0, "{w:?}");
    assert!(col(&out, "q.delayed").iter().any(|&d| d >= 5.0));
}

fn poison_backoff(on_failure: &str) -> String {
    format!(
        r#"
[run]
horizon_s = 400
[[queue]]
name = "q"
visibility_timeout_s = 30
max_receive_count = 5
dead_letter_queue = "dlq"
[[queue]]
name = "dlq"
[[producer]]
queue = "q"
arrivals = "constant"
rate = 1.0
stop_s = 1.5
message = {{ poison_probability = 1.0 }}
[[consumer]]
queue = "q"
workers = 1
processing_s = {{ dist = "constant", mean = 0.01 }}
{on_failure}
"#
    )
}

/// When the single poison message reached the DLQ.
fn dlq_time(out: &flowsim::RunOutput) -> f64 {
    let t = col(out, "time_s");
    let d = col(out, "dlq_depth");
    t[d.iter().position(|&x| x >= 1.0).expect("reaches the DLQ")]
}

#[test]
fn change_visibility_backoff_retries_sooner_than_the_timeout() {
    // Published at 1 s. Waiting out the visibility timeout: receives at 1, 31, 61,
    // 91, 121 s, and the 6th receive (151 s) moves it to the DLQ.
    let slow = run_text(&poison_backoff(""));
    let t_slow = dlq_time(&slow);
    assert!((151.0..=152.0).contains(&t_slow), "{t_slow}");
    // Backoff 1, 2, 4, 8, 16 s (no jitter) after the five failures: DLQ at ~32 s.
    let fast = run_text(&poison_backoff(
        "on_failure = \"change_visibility\"\nbackoff = { base_s = 1, cap_s = 60, multiplier = 2, jitter = \"none\" }",
    ));
    let t_fast = dlq_time(&fast);
    assert!((31.0..=33.0).contains(&t_fast), "{t_fast}");
    assert_eq!(fast.summary.consumers[0].failures, 5);
}

#[test]
fn dlq_redrive_moves_messages_back_at_its_rate() {
    // 100 poison-free messages dead-lettered by a consumer that always fails
    // (error_rate 1), then redriven at 10/s from t = 100 s to a queue nobody reads.
    let src = r#"
[run]
horizon_s = 200
[[queue]]
name = "q"
visibility_timeout_s = 1
max_receive_count = 1
dead_letter_queue = "dlq"
[[queue]]
name = "dlq"
redrive = { at_s = 100, rate = 10 }
[[producer]]
queue = "q"
arrivals = "constant"
rate = 100.0
stop_s = 1.0
[[consumer]]
queue = "q"
workers = 1
error_rate = 1.0
processing_s = { dist = "constant", mean = 0.001 }
"#;
    let out = run_text(src);
    let t = col(&out, "time_s");
    let redriven = col(&out, "dlq.redriven");
    let total: f64 = redriven.iter().sum();
    assert!(total >= 100.0, "redriven {total}");
    assert!(
        redriven.iter().all(|&r| r <= 10.0 + 1.0),
        "rate limit: {redriven:?}"
    );
    let first = t[redriven.iter().position(|&r| r > 0.0).unwrap()];
    assert!((100.0..=101.0).contains(&first), "starts at {first}");
    // The redriven messages fail again and come back: the DLQ is never empty for long,
    // and the ledger still balances.
    assert!(out.summary.ledger.balanced);
}

#[test]
fn long_polling_avoids_empty_receives() {
    let src = |wait: &str| {
        format!(
            r#"
[run]
horizon_s = 100
[[queue]]
name = "q"
[[producer]]
rate = 1.0
[[consumer]]
workers = 5
wait_time_s = {wait}
empty_poll_pause_s = 0.1
processing_s = {{ dist = "constant", mean = 0.01 }}
"#
        )
    };
    let short = run_text(&src("0")).summary.consumers[0].empty_receives;
    let long = run_text(&src("20")).summary.consumers[0].empty_receives;
    // Short polling every 0.1 s with 5 mostly idle workers: ~5,000 empty receives.
    assert!(short > 4000, "short {short}");
    // Long polling 20 s: at most one empty receive per worker per 20 s.
    assert!(long <= 5 * 100 / 20, "long {long}");
}

/// SQS's in-flight quota: a receive at the limit returns nothing (OverLimit),
/// so no more than `max_in_flight` messages are ever in flight and the
/// throughput is capped at max_in_flight / E[processing], however many
/// workers poll.
#[test]
fn the_in_flight_quota_caps_concurrency_and_throughput() {
    let src = r#"
[run]
horizon_s = 600
seed = 9
warmup_s = 100

[[queue]]
name = "work"
visibility_timeout_s = 60
max_in_flight = 20

[[producer]]
queue = "work"
rate = 100.0

[[consumer]]
queue = "work"
workers = 50
wait_time_s = 0
empty_poll_pause_s = 0.1
processing_s = { dist = "exponential", mean = 0.5 }
"#;
    let out = crate::common::run_text(src);
    let q = &out.summary.queues[0];
    assert!(q.over_limit > 100, "{}", q.over_limit);
    let peak = out
        .series
        .column("work.in_flight")
        .unwrap()
        .into_iter()
        .fold(0.0, f64::max);
    assert!(peak <= 20.0, "{peak}");
    assert!(out.summary.consumers[0].peak_concurrency <= 20);
    // 20 in flight of 0.5 s each: at most 40/s, against 100/s offered. The
    // pollers keep the quota nearly full (the short poll's 0.1 s pause is
    // the slack).
    let goodput = out.summary.consumers[0].goodput as f64 / 600.0;
    assert!(goodput < 40.0 && goodput > 34.0, "{goodput}");
    // Without the quota, 50 workers keep up with 100/s.
    let free = crate::common::run_text(&src.replace("max_in_flight = 20\n", ""));
    assert_eq!(free.summary.queues[0].over_limit, 0);
    assert!(free.summary.consumers[0].goodput as f64 / 600.0 > 95.0);
}
