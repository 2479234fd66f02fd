//! The collapse verdict and the guards that stop runaway runs.

use crate::common::run_text;
use flowsim::metrics::verdict::Reason;

fn queue(rate: f64, run_extra: &str) -> String {
    format!(
        r#"
[run]
horizon_s = 600
{run_extra}
[[queue]]
name = "q"
[[producer]]
rate = {rate}
[[consumer]]
workers = 10
processing_s = {{ dist = "exponential", mean = 0.1 }}
"#
    )
}

#[test]
fn overload_collapses_and_capacity_does_not() {
    // Capacity c·μ = 100/s.
    let over = run_text(&queue(120.0, "")).summary;
    assert!(over.verdict.collapsed, "{:?}", over.verdict);
    assert_eq!(over.verdict.reason, Some(Reason::BacklogGrowth));
    // Growing from the start: the onset is early.
    assert!(over.verdict.at_s.unwrap() < 60.0, "{:?}", over.verdict);
    let under = run_text(&queue(90.0, "")).summary;
    assert!(!under.verdict.collapsed, "{:?}", under.verdict);
    // A spike that ends and drains is no collapse; one still growing at the end is.
    let spike = |at: f64| {
        queue(50.0, "").replace(
            "rate = 50",
            &format!("profile = [{{ kind = \"spike\", at_s = {at}, duration_s = 60, factor = 3 }}]\nrate = 50"),
        )
    };
    assert!(!run_text(&spike(100.0)).summary.verdict.collapsed);
    let late = run_text(&spike(540.0)).summary;
    assert!(late.verdict.collapsed, "{:?}", late.verdict);
    assert!(
        (540.0..=560.0).contains(&late.verdict.at_s.unwrap()),
        "{:?}",
        late.verdict
    );
}

#[test]
fn backlog_cap_stops_the_run_with_a_collapse() {
    let s = run_text(&queue(1000.0, "max_backlog = 20000")).summary;
    assert_eq!(
        s.verdict.reason,
        Some(Reason::BacklogCap),
        "{:?}",
        s.verdict
    );
    // 900/s of excess: the cap of 20,000 is passed after ~22 s, far before 600 s.
    assert!(
        (20.0..=25.0).contains(&s.ended_at_s),
        "ended at {}",
        s.ended_at_s
    );
    assert!(s.ledger.balanced);
    let held = s.ledger.in_system.visible + s.ledger.in_system.in_flight;
    assert!((20_000..=20_011).contains(&held), "held {held}");
}

#[test]
fn event_limit_stops_a_runaway_run() {
    let s = run_text(&queue(90.0, "max_events = 10000")).summary;
    assert_eq!(s.verdict.reason, Some(Reason::EventLimit));
    assert_eq!(s.events, 10_000);
    assert!(s.ended_at_s < 100.0);
    assert!(s.ledger.balanced);
}

#[test]
fn a_bounded_queue_that_sheds_load_is_a_collapse_by_loss() {
    let shed = queue(150.0, "").replace("name = \"q\"", "name = \"q\"\nmax_depth = 50");
    let s = run_text(&shed).summary;
    assert_eq!(
        s.verdict.reason,
        Some(Reason::MessageLoss),
        "{:?}",
        s.verdict
    );
    // A third of the load is refused: 150/s offered, 100/s capacity.
    assert!(s.ledger.rejected as f64 > 0.25 * s.ledger.produced as f64);
    let fits = queue(60.0, "").replace("name = \"q\"", "name = \"q\"\nmax_depth = 50");
    assert!(!run_text(&fits).summary.verdict.collapsed);
}
