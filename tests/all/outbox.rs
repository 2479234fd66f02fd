//! Dual write vs transactional outbox (scenarios/dual-write.toml and
//! outbox.toml): the same order service, crashing at random, publishing an
//! event for each order it writes. A dual write caught between its two steps
//! loses the event (or, publishing first, sends an event for a write that
//! did not happen); the outbox loses nothing and costs the relay's lag.

use crate::common::{problems, run_scenario};
use flowsim::RunOutput;
use flowsim::metrics::verdict::Reason;
use flowsim::model::consumer::summary::{DualWriteSummary, OutboxSummary};

const DUAL: &str = "dual-write.toml";
const OUTBOX: &str = "outbox.toml";
const IDEMPOTENCY: &str = "[consumer.idempotency]\nttl_s = 3600\nlock_s = 20\n";

fn dual(out: &RunOutput) -> DualWriteSummary {
    let p = out.summary.consumers[0].publish.as_ref().expect("a stage");
    p.dual_write.clone().expect("a dual write")
}

fn outbox(out: &RunOutput) -> OutboxSummary {
    let p = out.summary.consumers[0].publish.as_ref().expect("a stage");
    p.outbox.clone().expect("an outbox")
}

fn finding(out: &RunOutput, reason: Reason) -> Option<u64> {
    let v = &out.summary.verdict;
    v.reasons
        .iter()
        .find(|f| f.reason == reason)
        .map(|f| f.count.unwrap_or(0))
}

#[test]
fn a_crash_between_the_write_and_the_publish_loses_the_event() {
    let out = run_scenario(DUAL, &[]);
    let d = dual(&out);
    let (service, billing) = (&out.summary.consumers[0], &out.summary.consumers[1]);
    // 9 crashes (seed 31) caught 23 workers between their write and their
    // publish; the idempotency record completed with the write skips each
    // redelivery, so every one of those events is lost.
    assert!(d.writes_without_event >= 10, "{d:?}");
    assert_eq!(d.events_lost, d.writes_without_event, "{d:?}");
    assert_eq!(d.events_late, 0);
    assert_eq!(d.events_without_write, 0);
    assert_eq!(service.dedupe_skips, d.events_lost);
    // Billing sees every order's event but the lost ones.
    assert_eq!(billing.goodput, service.goodput - d.events_lost);
    assert_eq!(finding(&out, Reason::StreamDisagrees), Some(d.events_lost));
    assert!(out.summary.ledger.balanced, "{:?}", out.summary.ledger);
}

#[test]
fn workers_caught_publishing_follow_littles_law() {
    // Many crashes: each finds, on average, λ × E[publish] workers inside the
    // publish window (Little's law; 100/s × 20 ms = 2). The orders keep
    // coming to the end, so that no crash falls in an idle tail.
    let out = run_scenario(
        DUAL,
        &[
            ("horizon_s = 3700", "horizon_s = 900"),
            ("crashes_per_hour = 12", "crashes_per_hour = 720"),
        ],
    );
    let d = dual(&out);
    let crashes = out.summary.consumers[0].crashes.as_ref().unwrap().crashes as f64;
    assert!(crashes > 100.0, "{crashes}");
    let rate = out.summary.consumers[0].goodput as f64 / 900.0;
    let expected = rate * 0.02;
    let per_crash = d.writes_without_event as f64 / crashes;
    // The count per crash is Poisson-like (an M/G/∞ occupancy): its mean
    // over the crashes has a standard error of √(mean / crashes).
    let se = (expected / crashes).sqrt();
    assert!(
        (per_crash - expected).abs() < 4.0 * se,
        "{per_crash:.3} per crash vs λ·E[publish] = {expected:.3} (± {:.3})",
        4.0 * se
    );
}

#[test]
fn without_the_idempotency_record_the_event_is_late_and_the_write_doubled() {
    let out = run_scenario(DUAL, &[(IDEMPOTENCY, "")]);
    let d = dual(&out);
    assert!(d.writes_without_event >= 10, "{d:?}");
    // The redelivery writes again and publishes: late, not lost.
    assert_eq!(d.events_lost, 0);
    assert_eq!(d.events_late, d.writes_without_event);
    assert!(out.summary.consumers[0].duplicates >= d.writes_without_event);
    assert_eq!(finding(&out, Reason::StreamDisagrees), None);
    assert!(finding(&out, Reason::AppliedMoreThanOnce).is_some());
}

#[test]
fn publishing_first_sends_events_for_writes_that_did_not_happen() {
    let out = run_scenario(
        DUAL,
        &[(
            "delivery = \"dual_write\"\n",
            "delivery = \"dual_write\"\norder = \"publish_then_write\"\n",
        )],
    );
    let d = dual(&out);
    let crashes = out.summary.consumers[0].crashes.as_ref().unwrap().crashes;
    // The window is now the 80 ms of work after the publish: about
    // 100/s × 0.08 s = 8 workers per crash.
    assert!(
        d.events_without_write >= 4 * crashes,
        "{d:?} over {crashes}"
    );
    assert!(
        d.events_without_write <= 14 * crashes,
        "{d:?} over {crashes}"
    );
    assert_eq!(d.writes_without_event, 0);
    // Redelivered, each publishes its event a second time.
    assert!(d.duplicate_events > 0 && d.duplicate_events <= d.events_without_write);
    assert_eq!(
        finding(&out, Reason::StreamDisagrees),
        Some(d.events_without_write)
    );
}

#[test]
fn the_outbox_loses_nothing_and_costs_the_relays_lag() {
    let out = run_scenario(OUTBOX, &[]);
    let o = outbox(&out);
    let (service, billing) = (&out.summary.consumers[0], &out.summary.consumers[1]);
    let dual = run_scenario(DUAL, &[]);
    // The same crashes (the same stream)…
    assert_eq!(service.crashes.as_ref().unwrap().crashes, 9);
    assert_eq!(
        dual.summary.consumers[0].crashes.as_ref().unwrap().crashes,
        9
    );
    // …and every order's event published exactly once.
    assert_eq!(o.rows_written, service.goodput);
    assert_eq!(o.rows_published, o.rows_written);
    assert_eq!(o.rows_pending, 0);
    assert_eq!(billing.goodput, service.goodput);
    assert!(service.publish.as_ref().unwrap().dual_write.is_none());
    assert_eq!(finding(&out, Reason::StreamDisagrees), None);
    assert!(
        !out.summary.verdict.degraded,
        "{}",
        out.summary.verdict.detail
    );
    // Change-data-capture at its default 0.5 s lag (within the histogram's
    // resolution).
    assert!((o.relay_lag.p50_s - 0.5).abs() < 0.005, "{:?}", o.relay_lag);
    assert!((o.relay_lag.mean_s - 0.5).abs() < 1e-6, "{:?}", o.relay_lag);
}

#[test]
fn a_polling_relay_waits_half_its_interval_on_average() {
    let out = run_scenario(
        OUTBOX,
        &[(
            "relay = \"cdc\"\n",
            "relay = \"polling\"\nrelay_interval_s = 2.0\n",
        )],
    );
    let o = outbox(&out);
    assert_eq!(o.relay, "polling");
    assert_eq!(o.rows_published, o.rows_written);
    // Orders commit independently of the poller's clock: the wait is
    // uniform on (0, 2 s], mean 1 s.
    assert!((o.relay_lag.mean_s - 1.0).abs() < 0.01, "{:?}", o.relay_lag);
    assert!(o.relay_lag.max_s <= 2.0 + 1e-9, "{:?}", o.relay_lag);
}

#[test]
fn a_full_next_queue_fills_the_outbox_instead_of_holding_the_workers() {
    // Billing at 50/s behind a bounded events queue: a dual write's workers
    // hold their orders while the publish is refused (the orders queue
    // grows); the outbox acknowledges at once and its table takes the
    // backlog.
    let slow = [
        (
            "name = \"order-events\"\nvisibility_timeout_s = 30\n",
            "name = \"order-events\"\nvisibility_timeout_s = 30\nmax_depth = 100\noverflow = \"reject\"\n",
        ),
        ("horizon_s = 3700", "horizon_s = 400"),
        ("stop_s = 3600", "stop_s = 120"),
        ("crashes_per_hour = 12", "crashes_per_hour = 0"),
        ("workers = 4\n", "workers = 1\n"),
    ];
    let peak = |o: &RunOutput, col: &str| {
        o.series
            .column(col)
            .unwrap_or_else(|| panic!("{col}"))
            .into_iter()
            .fold(0.0, f64::max)
    };
    let slow_billing = "processing_s = { dist = \"lognormal\", mean = 0.02, cv = 0.5 }";
    let mut edits = slow.to_vec();
    edits.push((
        "processing_s = { dist = \"lognormal\", mean = 0.01, cv = 0.5 }",
        slow_billing,
    ));
    let d = run_scenario(DUAL, &edits);
    let o = run_scenario(OUTBOX, &edits);
    let ob = outbox(&o);
    assert!(ob.refusals > 0);
    assert!(ob.peak_rows > 2000, "{ob:?}");
    assert!(
        peak(&d, "orders.visible") > 20.0 * peak(&o, "orders.visible").max(1.0),
        "dual write {} vs outbox {}",
        peak(&d, "orders.visible"),
        peak(&o, "orders.visible")
    );
    // Both deliver every event in the end.
    assert_eq!(ob.rows_pending, 0);
    assert_eq!(
        o.summary.consumers[1].goodput,
        o.summary.consumers[0].goodput
    );
}

#[test]
fn keys_that_do_not_go_with_the_delivery_are_refused() {
    let read = |f: &str| {
        std::fs::read_to_string(format!("{}/scenarios/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let ordered = read(OUTBOX).replace(
        "delivery = \"outbox\"\n",
        "delivery = \"outbox\"\norder = \"publish_then_write\"\n",
    );
    assert!(
        problems(&ordered).contains("publish.order"),
        "{}",
        problems(&ordered)
    );
    let lagged = read(OUTBOX).replace(
        "relay = \"cdc\"\n",
        "relay = \"polling\"\nrelay_lag_s = { dist = \"constant\", mean = 1.0 }\n",
    );
    assert!(
        problems(&lagged).contains("relay_lag_s"),
        "{}",
        problems(&lagged)
    );
    let relay = read(DUAL).replace(
        "delivery = \"dual_write\"\n",
        "delivery = \"dual_write\"\nrelay = \"polling\"\n",
    );
    assert!(problems(&relay).contains("a relay without an outbox"));
    let never = read(OUTBOX).replace(
        "relay = \"cdc\"\n",
        "relay = \"polling\"\nrelay_interval_s = 0\n",
    );
    assert!(problems(&never).contains("relay_interval_s"));
}
