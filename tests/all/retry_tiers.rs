//! Delayed-retry tiers (scenarios/retry-tiers.toml): on a mix of 1 % poison
//! and a two-minute outage of the API every order calls, tiers of 5 s, 30 s
//! and 5 min let every healthy order succeed and park only the poison;
//! the same delays waited in place hold the workers and healthy throughput
//! collapses; an immediate dead-letter queue parks the outage's orders with
//! the poison; one retry queue with per-message TTLs blocks a short retry
//! behind a long one at the head of the line.

use crate::common::run_scenario;
use flowsim::RunOutput;
use flowsim::metrics::verdict::Reason;
use flowsim::model::consumer::summary::TiersSummary;

const FILE: &str = "retry-tiers.toml";
const TIERS: &str = "queues = [\"retry-5s\", \"retry-30s\", \"retry-5m\"]\n";

fn tiers(out: &RunOutput) -> TiersSummary {
    out.summary.consumers[0].retry_tiers.clone().expect("tiers")
}

fn poison(out: &RunOutput) -> u64 {
    out.summary.producers[0].poison
}

fn healthy(out: &RunOutput) -> u64 {
    out.summary.producers[0].produced - poison(out)
}

#[test]
fn tiers_let_every_healthy_order_through_and_park_only_the_poison() {
    let out = run_scenario(FILE, &[]);
    let t = tiers(&out);
    assert_eq!(t.parked, poison(&out), "{t:?}");
    assert_eq!(t.parked_poison, t.parked);
    assert_eq!(out.summary.consumers[0].goodput, healthy(&out));
    // The outage's orders (20/s for 120 s) went through the first tiers;
    // the 5-minute tier outlasts the outage.
    assert!(t.tiers[0].moved > 2_000, "{t:?}");
    assert!(t.tiers[2].moved > 1_500, "{t:?}");
    assert_eq!(t.tiers[2].delay_s, Some(300.0));
    // Nothing waits longer than its three delays and its processing.
    let oldest = out.summary.review.peak_oldest_age_s;
    assert!(oldest < 5.0 + 30.0 + 300.0 + 2.0, "{oldest}");
    assert!(
        !out.summary.verdict.degraded,
        "{}",
        out.summary.verdict.detail
    );
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn the_same_delays_waited_in_place_starve_healthy_orders() {
    let tiered = run_scenario(FILE, &[]);
    let out = run_scenario(
        FILE,
        &[(
            TIERS,
            "queues = []\nblocking = true\ndelays_s = [5, 30, 300]\n",
        )],
    );
    // Each poison order holds a worker for 335 s: 0.2/s of them need 67
    // workers, there are 10.
    let goodput = out.summary.consumers[0].goodput;
    assert!(
        (goodput as f64) < 0.3 * tiered.summary.consumers[0].goodput as f64,
        "blocking {goodput} vs tiers {}",
        tiered.summary.consumers[0].goodput
    );
    assert!(
        out.summary.review.peak_backlog > 10 * tiered.summary.review.peak_backlog,
        "{} vs {}",
        out.summary.review.peak_backlog,
        tiered.summary.review.peak_backlog
    );
    let t = tiers(&out);
    assert_eq!(t.parked, t.parked_poison);
    assert_eq!(t.tiers[0].queue, "(in place)");
}

#[test]
fn an_immediate_dead_letter_queue_parks_the_outages_orders() {
    let out = run_scenario(FILE, &[(TIERS, "queues = []\n")]);
    let t = tiers(&out);
    let parked_healthy = t.parked - t.parked_poison;
    // Every order that failed during the outage: about 20/s × 120 s.
    assert!(parked_healthy > 2_000, "{t:?}");
    assert_eq!(t.parked_poison, poison(&out));
    assert_eq!(
        out.summary.consumers[0].goodput + parked_healthy,
        healthy(&out)
    );
    // A fast final outcome, the wrong one for the outage's orders.
    assert!(t.parked_after.max_s < 1.0, "{:?}", t.parked_after);
    let f = out
        .summary
        .verdict
        .reasons
        .iter()
        .find(|f| f.reason == Reason::DeadLettered)
        .expect("healthy orders parked");
    assert_eq!(f.count, Some(parked_healthy));
}

#[test]
fn one_queue_of_per_message_ttls_blocks_short_retries_behind_long_ones() {
    let out = run_scenario(
        FILE,
        &[
            (TIERS, "queues = [\"retry-5s\"]\ndelays_s = [5, 30, 300]\n"),
            (
                "name = \"retry-5s\"\nmessage_ttl_s = 5\n",
                "name = \"retry-5s\"\n",
            ),
        ],
    );
    // RabbitMQ expires a message only at the head: a 5 s retry behind a
    // 5-minute one waits for it, so some order waits far longer than the
    // 335 s its three delays add up to.
    let oldest = out.summary.review.peak_oldest_age_s;
    assert!(oldest > 500.0, "{oldest}");
    let t = tiers(&out);
    assert_eq!(t.tiers.len(), 3);
    assert_eq!(t.tiers[1].delay_s, Some(30.0));
    assert_eq!(t.parked, t.parked_poison);
}
