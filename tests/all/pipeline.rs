//! Pipelines (`scenarios/pipeline.toml`): order → payment → shipping, each
//! stage publishing onward before it acks. A bounded payment queue that
//! refuses pushes the backlog upstream into the orders queue; unbounded, the
//! backlog stays in the payment queue. Lineage latency runs from the order's
//! first publish to each later stage; the ledger counts each onward message
//! as an arrival of the next queue.

use crate::common::{problems, run_scenario};
use flowsim::RunOutput;

const FILE: &str = "pipeline.toml";

fn peak(out: &RunOutput, name: &str) -> f64 {
    let v = out.series.column(name).unwrap_or_else(|| panic!("{name}"));
    v.into_iter().fold(0.0, f64::max)
}

fn bounded() -> RunOutput {
    run_scenario(FILE, &[])
}

fn unbounded() -> RunOutput {
    run_scenario(FILE, &[("max_depth = 200\noverflow = \"reject\"\n", "")])
}

#[test]
fn a_full_middle_queue_grows_the_upstream_backlog() {
    let b = bounded();
    let u = unbounded();
    let order = |o: &RunOutput| o.summary.consumers[0].publish.clone().expect("a stage");
    // 50/s into a 40/s payment stage: bounded, the payment queue stays at its
    // 200 and the orders queue takes the backlog (902 at its peak, seed 17);
    // unbounded, the orders queue stays short (3) and payments take 1,105.
    assert!(peak(&b, "payments.visible") <= 200.0);
    assert!(
        peak(&b, "orders.visible") > 600.0,
        "{}",
        peak(&b, "orders.visible")
    );
    assert!(
        peak(&u, "orders.visible") < 50.0,
        "{}",
        peak(&u, "orders.visible")
    );
    assert!(peak(&u, "payments.visible") > 800.0);
    assert!(order(&b).refusals > 1_000, "{:?}", order(&b));
    assert!(order(&b).held_s > 100.0, "{:?}", order(&b));
    assert_eq!((order(&u).refusals, order(&u).held_s), (0, 0.0));
    // A refusal is retried by the stage, never lost at the queue.
    for o in [&b, &u] {
        let l = &o.summary.ledger;
        assert!(l.balanced, "{l:?}");
        assert_eq!((l.rejected, l.dropped, l.expired), (0, 0, 0));
        let g: Vec<u64> = o.summary.consumers.iter().map(|c| c.goodput).collect();
        assert!(g[0] > 5_000 && g.iter().all(|&x| x == g[0]), "{g:?}");
        // Three queues, each message counted once as it enters each.
        assert_eq!(l.produced, 3 * g[0]);
    }
}

#[test]
fn lineage_latency_runs_from_the_first_publish() {
    let b = bounded();
    let c = &b.summary.consumers;
    assert!(
        c[0].pipeline_end_to_end.is_none(),
        "the first stage starts chains"
    );
    let pay = c[1].pipeline_end_to_end.as_ref().expect("onward messages");
    let ship = c[2].pipeline_end_to_end.as_ref().expect("onward messages");
    assert_eq!(ship.count, c[2].goodput);
    // The last stage's own queue is short; its chain latency holds the wait
    // upstream.
    assert!(c[2].end_to_end.p99_s < 1.0, "{:?}", c[2].end_to_end);
    assert!(ship.p99_s > 10.0, "{ship:?}");
    assert!(ship.p50_s >= pay.p50_s);
}

#[test]
fn a_stage_must_publish_into_another_queue() {
    let src = |publish: &str| {
        format!(
            "[[queue]]\nname = \"a\"\n[[queue]]\nname = \"b\"\n\
             [[producer]]\nqueue = \"a\"\nrate = 1.0\n\
             [[consumer]]\nqueue = \"a\"\n[consumer.publish]\n{publish}\n"
        )
    };
    assert!(problems(&src("queue = \"a\"")).contains("into the queue it reads"));
    assert!(problems(&src("queue = \"c\"")).contains("publish.queue"));
    assert!(problems(&src("queue = \"b\"\nfraction = 1.5")).contains("publish.fraction"));
    assert!(problems(&src("queue = \"b\"\nmessages = 0")).contains("0 messages"));
    assert!(problems(&src("queue = \"b\"\nbase_s = 0")).contains("retried at once"));
}
