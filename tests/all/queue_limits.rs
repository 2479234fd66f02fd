//! A full queue's overflow that dead-letters (RabbitMQ's reject-publish-dlx
//! and drop-head with a dead-letter exchange) and SQS FIFO's throughput
//! quota (300 API calls a second per action): what reaches the DLQ is exactly
//! what the queue refused or dropped, the books still balance, and a FIFO
//! queue's sends and receives are held to the quota. A Lambda-like poller on
//! a FIFO queue never runs more batches than there are message groups.

use crate::common::{problems, run_scenario, run_text};
use flowsim::RunOutput;
use flowsim::metrics::verdict::Reason;
use flowsim::model::queue::summary::QueueSummary;

fn queue<'a>(out: &'a RunOutput, name: &str) -> &'a QueueSummary {
    out.summary
        .queues
        .iter()
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("no queue {name}"))
}

/// 200 messages/s into a queue of 100 that two workers drain at 100/s.
fn bounded(overflow: &str) -> String {
    format!(
        r#"
[run]
seed = 3
horizon_s = 120

[[queue]]
name = "work"
max_depth = 100
overflow = "{overflow}"
dead_letter_queue = "work-dlq"
max_receive_count = 5

[[queue]]
name = "work-dlq"

[[producer]]
queue = "work"
rate = 200
arrivals = "constant"

[[consumer]]
queue = "work"
workers = 2
processing_s = {{ dist = "constant", mean = 0.02 }}
"#
    )
}

#[test]
fn reject_publish_dlx_dead_letters_exactly_the_refused_publishes() {
    let out = run_text(&bounded("reject_publish_dlx"));
    let (w, d) = (queue(&out, "work"), queue(&out, "work-dlq"));
    let l = &out.summary.ledger;
    // About half of the 24,000 publishes are refused.
    assert!(w.rejected > 10_000, "{w:?}");
    assert_eq!(w.rejected_to_dlq, w.rejected, "{w:?}");
    assert_eq!(w.dropped + w.dropped_to_dlq, 0);
    // Each refused publish is one message in the DLQ, nothing else is.
    assert_eq!(w.dead_lettered, 0, "no receive-count dead-lettering");
    assert_eq!(d.visible_at_end, w.rejected_to_dlq, "{d:?}");
    assert_eq!(l.dead_lettered, w.rejected_to_dlq, "{l:?}");
    // The publisher saw every refusal.
    assert_eq!(out.summary.producers[0].rejected, w.rejected);
    // Conservation: the copies entered the books beside the attempts.
    assert!(l.balanced, "{l:?}");
    assert_eq!(
        l.produced,
        w.published + w.rejected + w.rejected_to_dlq,
        "{l:?}"
    );
}

#[test]
fn drop_head_dead_letters_the_dropped_and_drop_oldest_still_discards() {
    let out = run_text(&bounded("drop_head"));
    let (w, d) = (queue(&out, "work"), queue(&out, "work-dlq"));
    assert!(w.dropped_to_dlq > 10_000, "{w:?}");
    assert_eq!((w.dropped, w.rejected, w.rejected_to_dlq), (0, 0, 0));
    assert_eq!(d.visible_at_end, w.dropped_to_dlq, "{d:?}");
    assert!(out.summary.ledger.balanced);

    // drop_oldest with a DLQ: discarded, as before drop_head existed.
    let old = run_text(&bounded("drop_oldest"));
    let (w2, d2) = (queue(&old, "work"), queue(&old, "work-dlq"));
    assert_eq!(w2.dropped, w.dropped_to_dlq, "same drops: {w2:?}");
    assert_eq!((w2.dropped_to_dlq, d2.visible_at_end), (0, 0));
}

#[test]
fn reject_publish_dlx_needs_a_dead_letter_queue() {
    let text = bounded("reject_publish_dlx")
        .replace(
            "dead_letter_queue = \"work-dlq\"\nmax_receive_count = 5\n",
            "",
        )
        .replace("[[queue]]\nname = \"work-dlq\"\n", "");
    let p = problems(&text);
    assert!(
        p.contains("queue[0].overflow") && p.contains("dead_letter_queue ="),
        "{p}"
    );
    // The overflow's DLQ needs no receive limit.
    let text = bounded("reject_publish_dlx").replace("max_receive_count = 5\n", "");
    let out = run_text(&text);
    assert!(queue(&out, "work").rejected_to_dlq > 0);
}

#[test]
fn the_throughput_quota_is_for_fifo_queues() {
    let text = bounded("reject").replace("max_depth = 100", "max_depth = 100\nmax_ops_per_s = 300");
    let p = problems(&text);
    assert!(
        p.contains("queue[0].max_ops_per_s") && p.contains("fifo = true"),
        "{p}"
    );
    let zero = fifo_fed(1000.0, "max_ops_per_s = 0");
    assert!(problems(&zero).contains("max_ops_per_s"));
}

const HORIZON: f64 = 200.0;

/// A FIFO queue of 1,000 message groups fed at `rate` msg/s, one message a
/// SendMessage, drained by 50 long-polling workers one message a receive.
fn fifo_fed(rate: f64, extra: &str) -> String {
    format!(
        r#"
[run]
seed = 8
horizon_s = {HORIZON}

[[queue]]
name = "events.fifo"
fifo = true
{extra}

[[producer]]
rate = {rate}
arrivals = "constant"
message = {{ keys = 1000 }}

[[consumer]]
workers = 50
batch_size = 1
wait_time_s = 20
processing_s = {{ dist = "constant", mean = 0.01 }}
"#
    )
}

#[test]
fn a_fifo_queue_fed_at_1000_per_s_takes_300_sends_a_second() {
    let out = run_text(&fifo_fed(1000.0, ""));
    let q = &out.summary.queues[0];
    let quota = 300.0 * HORIZON;
    // One second's burst on top of 300 a second.
    let tol = 1.0 + 1.0 / HORIZON + 1e-9;
    assert!(q.published as f64 <= quota * tol, "{q:?}");
    assert!(q.published as f64 >= quota * 0.99, "{q:?}");
    assert!(q.deliveries as f64 <= quota * tol, "{q:?}");
    // The rest were throttled: lost, without a publish policy.
    assert!(q.throttled_sends as f64 > 0.69 * 1000.0 * HORIZON, "{q:?}");
    assert_eq!(q.rejected, q.throttled_sends);
    assert!(out.summary.ledger.balanced);

    // Under the quota nothing is throttled: the same as without one.
    let calm = run_text(&fifo_fed(100.0, ""));
    let raised = run_text(&fifo_fed(100.0, "max_ops_per_s = 3000"));
    let (a, b) = (&calm.summary.queues[0], &raised.summary.queues[0]);
    assert_eq!((a.throttled_sends, a.throttled_receives), (0, 0), "{a:?}");
    assert_eq!(
        (a.published, a.deliveries, a.deletes),
        (b.published, b.deliveries, b.deletes)
    );
}

/// 500,000 messages waiting in 10,000 groups, received 10 at a time by 100
/// fast workers: 300 ReceiveMessage calls a second carry 3,000 messages.
fn fifo_backlog(extra: &str) -> RunOutput {
    run_text(&format!(
        r#"
[run]
seed = 9
horizon_s = 30
max_backlog = 1000000

[[queue]]
name = "backlog.fifo"
fifo = true
{extra}

[[producer]]
rate = 1
initial_backlog = 500000
message = {{ keys = 10000 }}

[[consumer]]
workers = 100
batch_size = 10
wait_time_s = 20
processing_s = {{ dist = "constant", mean = 0.0001 }}
"#
    ))
}

#[test]
fn batches_of_ten_receive_3000_messages_a_second_at_the_quota() {
    let out = fifo_backlog("");
    let q = &out.summary.queues[0];
    let horizon = 30.0;
    // 300 calls a second (and one second's burst), 10 messages each.
    let cap = 3000.0 * (horizon + 1.0);
    assert!(q.deliveries as f64 <= cap, "{q:?}");
    assert!(q.deliveries as f64 >= 0.9 * 3000.0 * horizon, "{q:?}");
    assert!(q.throttled_receives > 0, "{q:?}");
    // The backlog was no SendMessage call: nothing throttled on the way in.
    assert_eq!(q.throttled_sends, 0, "{q:?}");
    // High-throughput mode: a raised quota lets the workers go faster.
    let fast = fifo_backlog("max_ops_per_s = 3000");
    let f = &fast.summary.queues[0];
    assert!(f.deliveries > 3 * q.deliveries, "{f:?} vs {q:?}");
}

/// A Lambda-like poller on a FIFO queue of `groups` message groups, batches
/// of `batch`: one batch at a time per group.
fn lambda_fifo(groups: u32, batch: u32) -> RunOutput {
    run_text(&format!(
        r#"
[run]
seed = 4
horizon_s = 120

[[queue]]
name = "orders.fifo"
fifo = true
visibility_timeout_s = 60

[[producer]]
rate = 200
message = {{ keys = {groups} }}

[[consumer]]
batch_size = {batch}
processing_s = {{ dist = "constant", mean = 0.05 }}

[consumer.lambda]
max_concurrency = 40
"#
    ))
}

#[test]
fn a_lambda_poller_on_a_fifo_queue_runs_at_most_one_batch_per_group() {
    for (groups, batch) in [(3, 10), (8, 4), (20, 10)] {
        let out = lambda_fifo(groups, batch);
        let c = &out.summary.consumers[0];
        let series = out
            .series
            .column("consumer1.concurrency")
            .expect("concurrency column");
        let peak = series.iter().copied().fold(0.0, f64::max);
        assert!(
            c.peak_concurrency <= groups && peak <= groups as f64,
            "{groups} groups, batch {batch}: peak {} (series {peak})",
            c.peak_concurrency
        );
        // Overloaded (200/s against batches that take 0.05 s a message): the
        // groups, not the pollers, are the limit, and every one is busy.
        assert!(
            c.peak_concurrency >= groups.min(5),
            "{groups} groups: peak {}",
            c.peak_concurrency
        );
        assert!(out.summary.ledger.balanced);
    }
}

#[test]
fn the_rabbit_overflow_scenario_dead_letters_its_refusals() {
    let out = run_scenario("rabbit-overflow.toml", &[]);
    let w = &out.summary.queues[0];
    let d = &out.summary.queues[1];
    assert!(w.rejected_to_dlq > 0, "{w:?}");
    assert_eq!(w.rejected_to_dlq, w.rejected);
    assert!(d.dead_letter_queue);
    assert_eq!(d.visible_at_end, w.rejected_to_dlq, "{d:?}");
    // The figure its opening comment gives (seed 17).
    assert_eq!(w.rejected_to_dlq, 7_280);
    assert!(out.summary.ledger.balanced);
    // Plain reject: the same refusals, lost.
    let plain = run_scenario(
        "rabbit-overflow.toml",
        &[(
            "overflow = \"reject_publish_dlx\"\ndead_letter_queue = \"orders-dlx\"",
            "overflow = \"reject\"",
        )],
    );
    let (w2, d2) = (&plain.summary.queues[0], &plain.summary.queues[1]);
    assert_eq!((w2.rejected, w2.rejected_to_dlq), (w.rejected, 0));
    assert_eq!(d2.visible_at_end, 0);
    // The verdict: dead-lettered with the DLX (the copies wait in the DLQ,
    // out of everything offered), lost without it.
    let count = |o: &RunOutput, r: Reason| {
        o.summary
            .verdict
            .reasons
            .iter()
            .find(|f| f.reason == r)
            .and_then(|f| f.count)
    };
    assert_eq!(count(&out, Reason::DeadLettered), Some(w.rejected));
    assert_eq!(count(&out, Reason::MessagesLost), None);
    assert_eq!(count(&plain, Reason::MessagesLost), Some(w.rejected));
    assert_eq!(count(&plain, Reason::DeadLettered), None);
}

/// Everything new at once, with what it meets: FIFO queues under their
/// quota with overflow that dead-letters, publishers retrying what they were
/// refused (so a message can be in the DLQ and later in the queue), a DLQ
/// with a consumer and a redrive, poison, a second FIFO queue that drops its
/// head into a bounded DLQ. The books balance and every count adds up.
#[test]
fn overflow_to_dlq_and_the_fifo_quota_balance_with_everything_else() {
    for (overflow, quota) in [
        ("reject_publish_dlx", 40),
        ("drop_head", 40),
        ("reject_publish_dlx", 3000),
    ] {
        let text = format!(
            r#"
[run]
seed = 12
horizon_s = 60

[[queue]]
name = "orders.fifo"
fifo = true
visibility_timeout_s = 2
max_depth = 200
overflow = "{overflow}"
max_ops_per_s = {quota}
max_receive_count = 3
dead_letter_queue = "orders-dlq.fifo"

[[queue]]
name = "orders-dlq.fifo"
fifo = true
redrive = {{ at_s = 30, rate = 20 }}

[[queue]]
name = "events.fifo"
fifo = true
max_depth = 50
overflow = "drop_head"
max_ops_per_s = {quota}
dead_letter_queue = "events-dlq.fifo"

[[queue]]
name = "events-dlq.fifo"
fifo = true
max_depth = 30

[[producer]]
queue = "orders.fifo"
rate = 80
initial_backlog = 300
message = {{ keys = 20, poison_probability = 0.05 }}
[producer.publish]
attempts = 4
base_s = 0.2
buffer = 500
on_full = "drop"

[[producer]]
queue = "events.fifo"
rate = 120
message = {{ keys = 5 }}

[[consumer]]
queue = "orders.fifo"
workers = 4
batch_size = 10
processing_s = {{ dist = "exponential", mean = 0.05 }}
error_rate = 0.1

[[consumer]]
queue = "events.fifo"
workers = 2
batch_size = 1
wait_time_s = 0
empty_poll_pause_s = 0.05
processing_s = {{ dist = "exponential", mean = 0.05 }}

[[consumer]]
queue = "events-dlq.fifo"
workers = 1
processing_s = {{ dist = "constant", mean = 0.5 }}
"#
        );
        let out = run_text(&text);
        let l = &out.summary.ledger;
        assert!(l.balanced, "{overflow}, {quota}: {l:?}");
        let (o, e) = (queue(&out, "orders.fifo"), queue(&out, "events.fifo"));
        if overflow == "reject_publish_dlx" {
            // The producer retries from its buffer: no refusal is lost at
            // the queue, every one left a copy.
            assert_eq!(o.rejected, 0, "{o:?}");
            assert!(o.rejected_to_dlq > 0, "{overflow}, {quota}: {o:?}");
        } else {
            assert!(o.dropped_to_dlq > 0 && o.dropped == 0, "{o:?}");
        }
        assert!(e.dropped_to_dlq > 0 && e.dropped == 0, "{e:?}");
        if quota == 40 {
            assert!(
                o.throttled_sends > 0 && e.throttled_sends > 0,
                "{o:?} {e:?}"
            );
        } else {
            assert_eq!(o.throttled_sends + o.throttled_receives, 0, "{o:?}");
        }
    }
}
