//! A prefetch consumer's channel crash (`crash_at_s`): what its workers hold
//! unacknowledged goes back to the queue, redelivered; a message whose side
//! effect was applied before the crash is applied again (a duplicate).

use crate::common::{problems, run_text};

const BASE: &str = r#"
[run]
horizon_s = 60
seed = 3

[[queue]]
name = "work"

[[producer]]
queue = "work"
rate = 5.0
arrivals = "constant"

[[consumer]]
queue = "work"
workers = 2
prefetch = 10
processing_s = { dist = "constant", mean = 1.0 }
crash_at_s = [20.0]
"#;

#[test]
fn a_crash_requeues_what_the_workers_held() {
    let out = run_text(BASE);
    let c = &out.summary.consumers[0];
    // 5/s against 2/s: both workers are full (10 each) when the channel closes.
    assert_eq!(c.requeued_at_crash, Some(20));
    let q = &out.summary.queues[0];
    assert!(q.returns >= 20, "requeued messages come back: {q:?}");
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
    // Nothing was applied before its ack: no duplicates.
    assert_eq!(c.duplicates, 0);
    // Without crashes the entry is absent.
    let calm = run_text(&BASE.replace("crash_at_s = [20.0]\n", ""));
    assert_eq!(calm.summary.consumers[0].requeued_at_crash, None);
    assert!(calm.summary.queues[0].returns < q.returns);
}

#[test]
fn an_applied_message_redelivered_after_a_crash_is_a_duplicate() {
    // A stage stuck publishing onward into a full queue has applied its side
    // effect: the crash redelivers it and it is applied again.
    let src = BASE.replace(
        "[[queue]]\nname = \"work\"\n",
        "[[queue]]\nname = \"work\"\n[[queue]]\nname = \"next\"\nmax_depth = 1\noverflow = \"reject\"\n",
    ) + "[consumer.publish]\nqueue = \"next\"\n";
    let out = run_text(&src);
    let c = &out.summary.consumers[0];
    assert_eq!(c.duplicates, 1, "{c:?}");
    assert!(c.requeued_at_crash.unwrap() >= 10);
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn crashes_are_refused_where_they_are_not_modelled() {
    let lambda = BASE.replace("prefetch = 10\n", "") + "[consumer.lambda]\n";
    assert!(
        problems(&lambda).contains("managed poller"),
        "{}",
        problems(&lambda)
    );
    let early = BASE.replace("[20.0]", "[-1.0]");
    assert!(problems(&early).contains("crash_at_s[0]"));
}
