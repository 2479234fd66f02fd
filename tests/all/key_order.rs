//! Order tolerance: a keyed message applied after a later one of its key.
//! Against theory where it exists (competing workers without a queue, the
//! M/M/∞ overtaking probability), and in every place order breaks: a standard
//! queue, a FIFO queue's redrive, a partition rewound by a rebalance; and
//! where it holds: a FIFO queue's message groups, a partition.

use crate::common::{Ci, check, problems, replicate, run_scenario, run_text};
use flowsim::RunOutput;
use flowsim::metrics::verdict::State;
use flowsim::model::consumer::summary::{ConsumerSummary, OrderSummary};

fn consumer<'a>(out: &'a RunOutput, name: &str) -> &'a ConsumerSummary {
    out.summary
        .consumers
        .iter()
        .find(|c| c.name == name)
        .expect(name)
}

fn order<'a>(out: &'a RunOutput, name: &str) -> &'a OrderSummary {
    consumer(out, name).order.as_ref().expect("keyed input")
}

fn reasons(out: &RunOutput) -> Vec<&str> {
    out.summary
        .verdict
        .reasons
        .iter()
        .map(|r| r.reason.name())
        .collect()
}

/// P(a message is applied after a later one of its key) with Poisson
/// arrivals of rate `a` per key, exponential processing of rate `mu` and a
/// free worker for every message (M/M/∞): given its processing time S, the
/// later messages that finish first are Poisson with mean
/// a·(S − (1 − e^(−μS))/μ); averaged over S by Simpson's rule.
fn overtaken_probability(a: f64, mu: f64) -> f64 {
    let n = 20_000;
    let h = 40.0 / mu / n as f64;
    let f = |s: f64| {
        let none = (-a * (s - (1.0 - (-mu * s).exp()) / mu)).exp();
        mu * (-mu * s).exp() * none
    };
    let inner: f64 = (1..n)
        .map(|i| if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h))
        .sum();
    1.0 - h / 3.0 * (f(0.0) + inner + f(n as f64 * h))
}

#[test]
fn competing_workers_reorder_a_key_as_the_overtaking_probability_says() {
    // 20 messages/s over 20 uniform keys (1/s each), 1 s of processing on
    // average, 100 workers for an offered load of 20: nobody waits, so each
    // message starts at its arrival, as in M/M/∞. With a = μ the probability
    // is 3 − e ≈ 0.2817.
    let template = r#"
        [run]
        horizon_s = 2000
        replication = REP
        [[queue]]
        name = "q"
        [[producer]]
        rate = 20.0
        message = { keys = 20 }
        [[consumer]]
        workers = 100
        processing_s = { dist = "exponential", mean = 1.0 }
    "#;
    let theory = overtaken_probability(1.0, 1.0);
    assert!(
        (theory - (3.0 - std::f64::consts::E)).abs() < 1e-6,
        "{theory}"
    );
    let fractions = replicate(template, 6, |s| {
        let o = s.consumers[0].order.as_ref().expect("keyed");
        o.out_of_order as f64 / o.applied as f64
    });
    check("out-of-order fraction, M/M/∞", Ci::from(&fractions), theory);
    // Fewer keys, more collisions: a = 2 per key.
    let fractions = replicate(&template.replace("keys = 20", "keys = 10"), 6, |s| {
        let o = s.consumers[0].order.as_ref().expect("keyed");
        o.out_of_order as f64 / o.applied as f64
    });
    check(
        "out-of-order fraction, 2 per key per second",
        Ci::from(&fractions),
        overtaken_probability(2.0, 1.0),
    );
}

#[test]
fn one_worker_applies_every_key_in_order() {
    let out = run_text(
        r#"
        [run]
        horizon_s = 600
        [[queue]]
        name = "q"
        [[producer]]
        rate = 5.0
        message = { keys = 20 }
        [[consumer]]
        workers = 1
        processing_s = { dist = "exponential", mean = 0.1 }
        order_matters = true
        "#,
    );
    let o = order(&out, "consumer1");
    assert!(o.applied > 2_500, "{o:?}");
    assert_eq!(o.out_of_order, 0);
    assert_eq!(o.keys, 20);
    assert_eq!(
        out.summary.verdict.state,
        State::Stable,
        "{:?}",
        out.summary.verdict
    );
}

#[test]
fn a_standard_queue_with_competing_workers_and_retries_degrades_where_order_matters() {
    let out = run_scenario("order-standard.toml", &[]);
    let o = order(&out, "ledger");
    assert!(o.order_matters);
    assert_eq!(o.applied, consumer(&out, "ledger").goodput);
    // Overlaps of one customer's updates, and the failed 2 % coming back 10 s
    // later behind their customer's next updates (0.2 per second per key).
    let share = o.out_of_order as f64 / o.applied as f64;
    assert!((0.01..0.06).contains(&share), "{o:?}");
    assert!(o.keys_reordered > 150, "{o:?}");
    // A retry returns after the 10 s visibility timeout: behind by about that.
    assert!((9.0..60.0).contains(&o.max_behind_s), "{o:?}");
    assert_eq!(reasons(&out), ["applied_out_of_order"]);
    let f = &out.summary.verdict.reasons[0];
    assert_eq!(f.component.as_deref(), Some("ledger"));
    assert_eq!((f.count, f.of), (Some(o.out_of_order), Some(o.applied)));
    // The series counts the same applications.
    let total: f64 = out
        .series
        .column("out_of_order")
        .expect("column")
        .iter()
        .sum();
    assert_eq!(total as u64, o.out_of_order);
    // Where order does not matter the same numbers are shown, not judged.
    let relaxed = run_scenario("order-standard.toml", &[("order_matters = true", "")]);
    assert_eq!(order(&relaxed, "ledger").out_of_order, o.out_of_order);
    assert!(!order(&relaxed, "ledger").order_matters);
    assert_eq!(
        relaxed.summary.verdict.state,
        State::Stable,
        "{:?}",
        relaxed.summary.verdict
    );
    // A tolerance: 5 % of the applications may be late.
    let tolerant = run_scenario(
        "order-standard.toml",
        &[(
            "seed = 5",
            "seed = 5\n[verdict]\nmax_out_of_order_fraction = 0.05",
        )],
    );
    assert_eq!(
        tolerant.summary.verdict.state,
        State::Stable,
        "{:?}",
        tolerant.summary.verdict
    );
}

#[test]
fn a_fifo_queue_keeps_each_group_in_order_until_the_redrive() {
    let out = run_scenario("order-fifo.toml", &[]);
    let o = order(&out, "ledger");
    let dlq = &out.summary.queues[1];
    assert!(dlq.redriven > 20, "{:?}", dlq.redriven);
    // Nothing out of order before the redrive at 500 s.
    let time = out.series.column("time_s").expect("time");
    let late = out.series.column("out_of_order").expect("column");
    let before: f64 = time
        .iter()
        .zip(&late)
        .filter(|(t, _)| **t <= 500.0)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(before, 0.0);
    // After it, each redriven update is applied behind its customer's later
    // ones (a customer has an update every 5 s; these waited minutes). A
    // redriven update that failed again is applied later or not at all.
    assert!(o.out_of_order <= dlq.redriven, "{o:?}");
    assert!(
        o.out_of_order + 3 >= dlq.redriven,
        "{o:?} of {}",
        dlq.redriven
    );
    assert!(o.max_behind_s > 300.0, "{o:?}");
    assert_eq!(reasons(&out), ["applied_out_of_order"]);
    // Without the redrive, the FIFO queue applies every key in order.
    let kept = run_scenario(
        "order-fifo.toml",
        &[("redrive = { at_s = 500, rate = 50 }", "")],
    );
    assert_eq!(order(&kept, "ledger").out_of_order, 0);
    assert!(!reasons(&kept).contains(&"applied_out_of_order"));
}

#[test]
fn a_partition_is_in_order_until_a_rebalance_rewinds_it() {
    // Keyed payments on four partitions, a group committing after
    // processing: in order without crashes.
    let keyed = ("rate = 200.0", "rate = 200.0\nmessage = { keys = 100 }");
    let calm = run_scenario(
        "auto-commit-loss.toml",
        &[
            keyed,
            ("commit = \"timer\"", "commit = \"after_processing\""),
            ("crash_at_s = [60, 76, 92]", "crash_at_s = []"),
        ],
    );
    let o = order(&calm, "ledger");
    assert!(o.applied > 50_000, "{o:?}");
    assert_eq!(o.out_of_order, 0);
    // Each crash rewinds every partition to its last commit: the records
    // done since are applied again, after later records of their keys.
    let crashed = run_scenario(
        "auto-commit-loss.toml",
        &[
            keyed,
            ("commit = \"timer\"", "commit = \"after_processing\""),
        ],
    );
    let c = consumer(&crashed, "ledger");
    let o = order(&crashed, "ledger");
    assert!(c.duplicates > 500, "{}", c.duplicates);
    assert!(o.out_of_order <= c.duplicates, "{o:?}");
    // A batch of up to 500 records over 100 keys: most repeats trail a later
    // record of their key.
    assert!(
        o.out_of_order * 2 > c.duplicates,
        "{o:?} of {}",
        c.duplicates
    );
}

#[test]
fn a_composite_key_keeps_each_key_in_order_and_gives_up_its_tenants_order() {
    // Keyed by tenant: each tenant in one partition, in order.
    let out = run_scenario("hot-partition.toml", &[]);
    let o = order(&out, "indexer");
    assert!(o.applied > 100_000, "{o:?}");
    assert_eq!(o.out_of_order, 0);
    assert!(o.entities.is_none());
    // Tenant + one of 64 suffixes: each composite key (an order id) in one
    // partition, still in order; a tenant's events now cross partitions
    // drained at different speeds, and its order is lost.
    let out = run_scenario("hot-partition-fixed.toml", &[]);
    let o = order(&out, "indexer");
    assert!(o.applied > 100_000, "{o:?}");
    assert_eq!(o.out_of_order, 0);
    let e = o.entities.as_ref().expect("composite keys");
    assert_eq!(e.key_parts, 64);
    assert_eq!(e.entities, 100);
    // The whale's events land on all six partitions at once: a large share
    // of every busy tenant's events overtake one another.
    assert!(e.out_of_order * 10 > o.applied, "{e:?}");
    assert!(e.entities_reordered > 50, "{e:?}");
}

#[test]
fn order_matters_needs_keys() {
    let p = problems(
        r#"
        [[queue]]
        name = "q"
        [[producer]]
        rate = 5.0
        [[consumer]]
        order_matters = true
        "#,
    );
    assert!(p.contains("consumer[0].order_matters"), "{p}");
    assert!(p.contains("keys = N"), "{p}");
}

#[test]
fn keys_follow_messages_through_push_topics_and_pipeline_stages() {
    // A producer's keys reach a queue behind a push topic, and a stage
    // publishing onward passes them to its next queue.
    let out = run_text(
        r#"
        [run]
        horizon_s = 300
        [[push]]
        name = "events"
        queues = ["a"]
        [[queue]]
        name = "a"
        [[queue]]
        name = "b"
        [[producer]]
        push = "events"
        rate = 10.0
        message = { keys = 5 }
        [[consumer]]
        name = "first"
        queue = "a"
        workers = 4
        processing_s = { dist = "exponential", mean = 0.3 }
        [consumer.publish]
        queue = "b"
        [[consumer]]
        name = "second"
        queue = "b"
        workers = 4
        processing_s = { dist = "exponential", mean = 0.3 }
        "#,
    );
    assert!(order(&out, "first").applied > 2_000);
    assert_eq!(order(&out, "first").keys, 5);
    assert_eq!(order(&out, "second").keys, 5);
    // Two stages of four competing workers: some reordering at each.
    let (first, second) = (order(&out, "first"), order(&out, "second"));
    assert!(first.out_of_order > 0, "{first:?}");
    assert!(second.out_of_order > 0, "{second:?}");
    // Without keys there is nothing to order and no `order` entry.
    let plain = run_text(
        r#"
        [[queue]]
        name = "q"
        [[producer]]
        rate = 5.0
        [[consumer]]
        workers = 2
        "#,
    );
    assert!(plain.summary.consumers[0].order.is_none());
    assert!(plain.series.column("out_of_order").is_none());
}
