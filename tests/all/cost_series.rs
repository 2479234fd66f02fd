//! The `cost_usd` column: a scenario with a `[cost]` table gets the run's cost
//! so far at each sample, by the same model as the summary's `cost`; one
//! without keeps its time series as it was.

use crate::common::run_scenario;
use flowsim::metrics::series::kinds::is_counter;

/// A pool behind a queue with a database: requests, instance-hours of
/// workers and of the database all grow with the run.
const FILE: &str = "lambda-sqs-db.toml";

fn with_cost() -> flowsim::RunOutput {
    run_scenario(
        FILE,
        &[("[run]", "[cost]\nworker_per_hour = 0.05\n\n[run]")],
    )
}

#[test]
fn without_a_cost_table_there_is_no_cost_column() {
    let out = run_scenario(FILE, &[]);
    assert!(out.series.column("cost_usd").is_none());
}

#[test]
fn the_cost_so_far_grows_to_the_summary_s_total() {
    let out = with_cost();
    let cost = out.series.column("cost_usd").expect("a cost_usd column");
    assert!(!is_counter("cost_usd"), "the cost so far is a gauge");
    assert!(cost[0] >= 0.0);
    assert!(
        cost.windows(2).all(|w| w[1] >= w[0]),
        "a cost so far never falls"
    );
    let time = out.series.column("time_s").expect("a time column");
    assert_eq!(*time.last().unwrap(), out.summary.ended_at_s);
    let total = out.summary.cost.as_ref().expect("a cost").total;
    assert!(total > 0.0);
    // The last sample comes before the events of its own instant (a few
    // receives and invocations), which the summary counts: a hair short.
    let last = *cost.last().unwrap();
    assert!(
        last <= total && total - last < 1e-4 * total,
        "last row {last} against the summary's {total}"
    );
    // Spending goes on while the run does: not all of it at the start.
    assert!(cost[cost.len() / 2] < total);
}

#[test]
fn pricing_the_run_changes_no_other_column() {
    let (plain, priced) = (run_scenario(FILE, &[]), with_cost());
    let mut columns = priced.series.columns().to_vec();
    columns.retain(|c| c != "cost_usd");
    assert_eq!(plain.series.columns(), &columns[..]);
    for c in &columns {
        let (a, b) = (plain.series.column(c), priced.series.column(c));
        let same = a
            .iter()
            .flatten()
            .zip(b.iter().flatten())
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()));
        assert!(same, "column {c} moved");
    }
}
