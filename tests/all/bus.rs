//! The event bus (scenarios/event-bus.toml): rules match their share of the
//! events by type and key; a queue target that refuses is retried by the
//! rule's policy, then dead-lettered (or dropped, or not at all when the
//! queue keeps up); events no rule matches are discarded; every copy is
//! accounted for. And pipeline stages that publish onward to a push topic
//! or a bus, directly or through an outbox.

use crate::common::{problems, run_scenario, run_text};
use flowsim::RunOutput;
use flowsim::metrics::verdict::Reason;
use flowsim::model::bus::summary::{BusSummary, RuleSummary};

const FILE: &str = "event-bus.toml";

fn bus(out: &RunOutput) -> &BusSummary {
    &out.summary.buses[0]
}

fn rule<'a>(out: &'a RunOutput, name: &str) -> &'a RuleSummary {
    bus(out).rules.iter().find(|r| r.name == name).expect(name)
}

fn finding(out: &RunOutput, reason: Reason) -> Option<u64> {
    let v = &out.summary.verdict;
    v.reasons
        .iter()
        .find(|f| f.reason == reason)
        .map(|f| f.count.unwrap_or(0))
}

/// `share` of `n` events within four binomial standard deviations.
fn about(count: u64, n: u64, share: f64) {
    let sd = (n as f64 * share * (1.0 - share)).sqrt();
    let expected = n as f64 * share;
    assert!(
        (count as f64 - expected).abs() < 4.0 * sd,
        "{count} of {n}: expected {expected:.0} ± {:.0}",
        4.0 * sd
    );
}

#[test]
fn rules_match_their_share_by_type_and_key() {
    let out = run_scenario(FILE, &[]);
    let b = bus(&out);
    let n = b.published;
    // 100/s for 600 s (Poisson: within 4 standard deviations, √60,000).
    assert!((n as f64 - 60_000.0).abs() < 4.0 * 60_000f64.sqrt(), "{n}");
    assert_eq!(out.summary.producers[0].produced, n);
    // OrderPlaced 60 % + OrderPaid 30 %; OrderPlaced; keys 0–49 of 1,000.
    about(rule(&out, "billing").matched, n, 0.9);
    about(rule(&out, "analytics").matched, n, 0.6);
    about(rule(&out, "vip").matched, n, 0.05);
    // Only cancellations of other customers are left: 10 % × 95 %.
    about(b.unmatched, n, 0.1 * 0.95);
    // One copy per matched event and target; the push topic publishes each.
    for r in &b.rules {
        assert_eq!(r.copies, r.matched * r.targets.len() as u64, "{r:?}");
    }
    assert_eq!(out.summary.pushes[0].published, rule(&out, "vip").delivered);
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn a_full_target_queue_is_retried_then_dead_lettered() {
    let out = run_scenario(FILE, &[]);
    let r = rule(&out, "billing");
    // 90/s offered to 60/s of workers behind a queue of 1,000 for 10 min.
    assert!(r.refusals > 10_000, "{r:?}");
    assert!(r.retries > 10_000, "{r:?}");
    assert!(r.dead_lettered > 1_000, "{r:?}");
    assert_eq!(r.dropped, 0);
    assert_eq!(r.waiting_retry_at_end, 0);
    assert_eq!(r.copies, r.delivered + r.dead_lettered);
    // Every refusal is a retry or the last attempt of a dead-lettered copy.
    assert_eq!(r.refusals, r.retries + r.dead_lettered);
    // The dead-letter queue holds exactly the rule's dead letters, and the
    // verdict says so.
    let dlq = out
        .summary
        .queues
        .iter()
        .find(|q| q.name == "billing-failed")
        .unwrap();
    assert!(dlq.dead_letter_queue);
    assert_eq!(out.summary.ledger.dead_lettered, r.dead_lettered);
    assert_eq!(finding(&out, Reason::DeadLettered), Some(r.dead_lettered));
    assert!(out.summary.verdict.degraded);
    // Nothing was delivered to billing after its age limit: a copy waits at
    // most 10 minutes (and one backoff) at the bus.
    let billing = &out.summary.consumers[0];
    assert!(
        billing.goodput == r.delivered,
        "{} vs {}",
        billing.goodput,
        r.delivered
    );
}

#[test]
fn a_longer_age_limit_delivers_more_and_dead_letters_less() {
    let short = run_scenario(FILE, &[]);
    let long = run_scenario(FILE, &[("max_event_age_s = 600", "max_event_age_s = 3600")]);
    let (s, l) = (rule(&short, "billing"), rule(&long, "billing"));
    assert!(
        l.dead_lettered < s.dead_lettered / 2,
        "{} vs {}",
        l.dead_lettered,
        s.dead_lettered
    );
    assert!(
        l.delivered > s.delivered,
        "{} vs {}",
        l.delivered,
        s.delivered
    );
    assert!(long.summary.ledger.balanced);
}

#[test]
fn no_retries_dead_letters_every_refused_copy_at_once() {
    let out = run_scenario(
        FILE,
        &[(
            "max_event_age_s = 600",
            "max_event_age_s = 600\nmax_retry_attempts = 0",
        )],
    );
    let r = rule(&out, "billing");
    assert_eq!(r.retries, 0);
    assert_eq!(r.dead_lettered, r.refusals);
    // 90/s offered, 60/s served: about a third of the copies for 10 min.
    about(r.dead_lettered, r.copies, 1.0 / 3.0 * 0.97);
}

#[test]
fn without_a_dead_letter_queue_a_spent_copy_is_lost_and_the_verdict_says_so() {
    let out = run_scenario(FILE, &[("dead_letter_queue = \"billing-failed\"\n", "")]);
    let r = rule(&out, "billing");
    assert!(r.dropped > 1_000, "{r:?}");
    assert_eq!(r.dead_lettered, 0);
    assert_eq!(finding(&out, Reason::MessagesLost), Some(r.dropped));
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn a_target_that_keeps_up_gets_every_copy_first_time() {
    let out = run_scenario(FILE, &[("workers = 6", "workers = 12")]);
    let r = rule(&out, "billing");
    assert_eq!((r.refusals, r.retries, r.dead_lettered), (0, 0, 0));
    assert_eq!(r.delivered, r.matched);
    assert!(
        !out.summary.verdict.degraded,
        "{}",
        out.summary.verdict.detail
    );
}

const STAGE: &str = r#"
[run]
horizon_s = 300
seed = 5

[[queue]]
name = "orders"

[[queue]]
name = "emails"

[[queue]]
name = "books"

[[producer]]
queue = "orders"
rate = 20
stop_s = 200

[[consumer]]
name = "order"
queue = "orders"
workers = 4
processing_s = { dist = "exponential", mean = 0.05 }

[consumer.publish]
SINK

[[consumer]]
name = "mailer"
queue = "emails"
workers = 4
processing_s = { dist = "exponential", mean = 0.05 }

[[consumer]]
name = "bookkeeper"
queue = "books"
workers = 4
processing_s = { dist = "exponential", mean = 0.05 }
"#;

fn stage(sink: &str, extra: &str) -> RunOutput {
    run_text(&format!("{}{extra}", STAGE.replace("SINK", sink)))
}

/// Both next stages processed every order, each measured from the order's
/// first publish.
fn both_stages_got_every_order(out: &RunOutput) {
    let order = &out.summary.consumers[0];
    let published = order.publish.as_ref().expect("a stage").published;
    assert_eq!(published, order.goodput);
    for c in &out.summary.consumers[1..] {
        assert_eq!(c.goodput, order.goodput, "{}", c.name);
        let e2e = c.pipeline_end_to_end.as_ref().expect("lineage");
        assert_eq!(e2e.count, c.goodput, "{}", c.name);
        // From the order's publish: at least its processing and this one's.
        assert!(e2e.mean_s > 0.08, "{}: {e2e:?}", c.name);
    }
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn a_stage_publishes_onward_to_a_push_topic() {
    let out = stage(
        "push = \"order-events\"",
        "\n[[push]]\nname = \"order-events\"\nqueues = [\"emails\", \"books\"]\n",
    );
    both_stages_got_every_order(&out);
    let order = &out.summary.consumers[0];
    assert_eq!(out.summary.pushes[0].published, order.goodput);
    assert_eq!(
        order.publish.as_ref().unwrap().push.as_deref(),
        Some("order-events")
    );
}

const ORDER_BUS: &str = r#"
[[bus]]
name = "order-bus"

[[bus.rule]]
name = "mail"
queues = ["emails"]

[[bus.rule]]
name = "books"
queues = ["books"]
"#;

#[test]
fn a_stage_publishes_onward_to_a_bus() {
    let out = stage("bus = \"order-bus\"", ORDER_BUS);
    both_stages_got_every_order(&out);
    let b = &out.summary.buses[0];
    assert_eq!(b.published, out.summary.consumers[0].goodput);
    assert_eq!(b.unmatched, 0);
}

#[test]
fn an_outbox_relays_to_a_bus() {
    let out = stage("bus = \"order-bus\"\ndelivery = \"outbox\"", ORDER_BUS);
    both_stages_got_every_order(&out);
    let ob = out.summary.consumers[0]
        .publish
        .as_ref()
        .and_then(|p| p.outbox.as_ref())
        .expect("an outbox");
    assert_eq!(ob.rows_published, ob.rows_written);
    assert_eq!(ob.rows_pending, 0);
}

#[test]
fn bad_buses_are_refused_with_the_key_and_the_fix() {
    let base = r#"
[[queue]]
name = "q"

[[producer]]
bus = "b"
rate = 1

[[consumer]]
queue = "q"
"#;
    let p = problems(&format!(
        "{base}\n[[bus]]\nname = \"b\"\nevent_types = {{ A = 0.5, B = 0.4 }}\n\n[[bus.rule]]\nname = \"r\"\nevent_types = [\"C\"]\nqueues = [\"q\", \"nope\"]\nmax_retry_attempts = 200\nmax_event_age_s = 10\n"
    ));
    for needle in [
        "bus[0].event_types",
        "add up to 1",
        "bus[0].rule[0].event_types[0]",
        "`C` is not one of the bus's event types",
        "bus[0].rule[0].queues[1]",
        "bus[0].rule[0].max_retry_attempts",
        "185",
        "bus[0].rule[0].max_event_age_s",
    ] {
        assert!(p.contains(needle), "no `{needle}` in:\n{p}");
    }
    let p = problems(&format!("{base}\n[[bus]]\nname = \"b\"\n"));
    assert!(p.contains("has no rule"), "{p}");
    let p = problems(&format!(
        "{base}\n[[bus]]\nname = \"b\"\n\n[[bus.rule]]\nname = \"r\"\n"
    ));
    assert!(p.contains("has no target"), "{p}");
}

const TO_LOG: &str = r#"
[run]
horizon_s = 300
seed = 9

[[queue]]
name = "orders"

[[topic]]
name = "order-log"
partitions = 4

[[producer]]
queue = "orders"
rate = 20
stop_s = 200
message = { keys = KEYS }

[[consumer]]
name = "order"
queue = "orders"
workers = 4
processing_s = { dist = "exponential", mean = 0.05 }

[consumer.publish]
topic = "order-log"

[[consumer]]
name = "ledger"
topic = "order-log"
workers = 4
processing_s = { dist = "exponential", mean = 0.02 }
"#;

#[test]
fn a_stage_appends_to_a_log_topic_by_key_and_the_group_measures_the_chain() {
    let out = run_text(&TO_LOG.replace("KEYS", "3"));
    let order = &out.summary.consumers[0];
    let ledger = &out.summary.consumers[1];
    let topic = &out.summary.topics[0];
    assert_eq!(
        order.publish.as_ref().unwrap().topic.as_deref(),
        Some("order-log")
    );
    assert_eq!(topic.appended, order.goodput);
    assert_eq!(ledger.goodput, order.goodput);
    // Three keys: at most three partitions get records, as the parent's key
    // picks the partition.
    let used = topic.per_partition.iter().filter(|&&n| n > 0).count();
    assert!(used <= 3, "{:?}", topic.per_partition);
    // The group measures the chain from the order's publish: at least both
    // processings, more than its own end-to-end from the append.
    let e2e = ledger
        .pipeline_end_to_end
        .as_ref()
        .expect("lineage through the log");
    assert_eq!(e2e.count, ledger.goodput);
    assert!(e2e.mean_s > ledger.end_to_end.mean_s + 0.04, "{e2e:?}");
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
    // Without keys upstream the records spread round-robin over every partition.
    let out = run_text(&TO_LOG.replace("KEYS", "0"));
    let spread = &out.summary.topics[0].per_partition;
    assert!(spread.iter().all(|&n| n > 500), "{spread:?}");
}
