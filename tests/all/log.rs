//! The partitioned log's scenarios (scenarios/hot-partition.toml,
//! auto-commit-loss.toml, poison-partition.toml, replay.toml,
//! more-consumers-than-partitions.toml), held to their comments' numbers.

use crate::common::{self, run_scenario};
use flowsim::run::GroupSummary;

fn group(s: &flowsim::Summary, name: &str) -> GroupSummary {
    s.consumers
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.group.clone())
        .unwrap_or_else(|| panic!("no group {name}"))
}

#[test]
fn a_whale_tenant_makes_one_partition_lag_and_a_composite_key_fixes_it() {
    let out = run_scenario("hot-partition.toml", &[]);
    let g = group(&out.summary, "indexer");
    let hot = g.partitions.iter().max_by_key(|p| p.lag).unwrap();
    // ~218/s into a partition that takes ~125/s: ~93/s for 300 s.
    assert!((hot.lag as f64 - 28_000.0).abs() < 4_000.0, "{hot:?}");
    assert!(
        hot.lag as f64 > 0.99 * g.lag as f64,
        "one partition holds the lag: {g:?}"
    );
    let lag = out
        .series
        .column(&format!("indexer.p{}.lag", hot.partition))
        .unwrap();
    assert!(
        lag[lag.len() / 2] < lag[lag.len() - 1],
        "and it keeps growing"
    );
    assert_eq!(
        out.summary.verdict.reason.map(|r| r.name()),
        Some("backlog_growth")
    );

    let fixed = run_scenario("hot-partition.toml", &[("key_parts = 1", "key_parts = 64")]);
    let g = group(&fixed.summary, "indexer");
    assert!(g.partitions.iter().all(|p| p.lag < 200), "{g:?}");
    assert!(
        !fixed.summary.verdict.collapsed,
        "{:?}",
        fixed.summary.verdict
    );
}

#[test]
fn auto_commit_loses_records_on_crashes_and_commit_after_processing_reprocesses() {
    let timer = group(
        &run_scenario("auto-commit-loss.toml", &[]).summary,
        "ledger",
    );
    assert_eq!(timer.rebalances, 3);
    assert!(timer.lost_to_crashes > 300, "{timer:?}");
    assert!(timer.duplicates > 0);

    let after = group(
        &run_scenario(
            "auto-commit-loss.toml",
            &[(
                "commit = \"timer\"\ncommit_interval_s",
                "commit = \"after_processing\"\ncommit_interval_s",
            )],
        )
        .summary,
        "ledger",
    );
    assert_eq!(after.lost_to_crashes, 0, "{after:?}");
    assert!(after.duplicates > 1000, "{after:?}");
    assert!(after.processed > timer.processed);
}

#[test]
fn a_poison_record_blocks_its_partition_unless_it_is_dead_lettered() {
    let out = run_scenario("poison-partition.toml", &[]);
    let s = &out.summary;
    let poison = s.producers[0].poison;
    assert!(poison >= 5, "{poison} poison records");
    let g = group(s, "fulfilment");
    // Every partition met a poison and stopped there: lag of minutes.
    assert!(g.partitions.iter().all(|p| p.lag_s > 60.0), "{g:?}");
    assert_eq!(g.dead_lettered, 0);

    let dlt = run_scenario(
        "poison-partition.toml",
        &[(
            "[consumer.group]\nmax_attempts = 0",
            "[consumer.group]\nmax_attempts = 3\ndead_letter_topic = \"orders-dlt\"",
        )],
    );
    let g = group(&dlt.summary, "fulfilment");
    assert_eq!(g.dead_lettered, poison);
    assert_eq!(
        dlt.summary.topics[1].appended, poison,
        "the dead-letter topic"
    );
    assert_eq!(
        g.processed + g.dead_lettered + g.lag,
        dlt.summary.topics[0].appended
    );
    assert!(g.lag < 20, "{g:?}");
}

#[test]
fn two_groups_each_read_the_whole_stream_at_their_own_speed() {
    let out = run_scenario("replay.toml", &[]);
    let appended = out.summary.topics[0].appended;
    for name in ["realtime", "batch"] {
        let g = group(&out.summary, name);
        assert_eq!(g.processed, appended, "{name}: {g:?}");
        assert_eq!(g.duplicates + g.lost_to_retention + g.lost_to_crashes, 0);
    }
    let t = out.series.column("time_s").unwrap();
    let lag = out.series.column("batch.lag").unwrap();
    let peak = lag.iter().copied().fold(0.0, f64::max);
    assert!(
        (12_000.0..=15_000.0).contains(&peak),
        "batch lag peak {peak}"
    );
    let caught_up = t[(0..t.len())
        .find(|&i| t[i] > 600.0 && lag[i] == 0.0)
        .unwrap()];
    assert!(caught_up < 800.0, "caught up at {caught_up}");
    let realtime = out.series.column("realtime.lag").unwrap();
    assert!(realtime.iter().all(|&l| l < 100.0));
}

#[test]
fn members_beyond_the_partition_count_idle() {
    let out = run_scenario("more-consumers-than-partitions.toml", &[]);
    let g = group(&out.summary, "workers");
    assert_eq!((g.members, g.idle_members), (7, 1));
    let owners: Vec<u32> = g.partitions.iter().filter_map(|p| p.member).collect();
    assert!(!owners.contains(&6), "member 6 owns nothing: {owners:?}");
    // Round robin without keys: ~50/s per partition, each kept up with.
    for p in &g.partitions {
        let rate = p.processed as f64 / 300.0;
        assert!((rate - 50.0).abs() < 1.0, "{p:?}");
        assert!(p.lag < 20);
    }
}

#[test]
fn random_crashes_come_at_their_rate_and_commit_after_processing_still_loses_nothing() {
    let edit = |commit: &str| {
        run_scenario(
            "auto-commit-loss.toml",
            &[
                (
                    "crash_at_s = [60, 76, 92]",
                    "crashes_per_hour = 120\nrebalance_s = 2",
                ),
                ("rebalance_s = 10", ""),
                (
                    "commit = \"timer\"\ncommit_interval_s",
                    &format!("commit = \"{commit}\"\ncommit_interval_s"),
                ),
            ],
        )
        .summary
    };
    let after = group(&edit("after_processing"), "ledger");
    // 120 an hour over 300 s: 10 expected (a Poisson count: 3 to 20).
    assert!((3..=20).contains(&after.rebalances), "{after:?}");
    assert_eq!(after.lost_to_crashes, 0);
    let before = group(&edit("before_processing"), "ledger");
    assert_eq!(before.rebalances, after.rebalances, "the same crash times");
    // At most once: never processed twice, and what a crash caught is gone.
    assert_eq!(before.duplicates, 0, "{before:?}");
    assert!(before.lost_to_crashes > 0, "{before:?}");
    assert!(after.duplicates > 0, "{after:?}");
}

#[test]
fn retention_takes_what_a_lagging_group_never_fetched_and_nothing_twice() {
    // 100/s on 2 partitions, 30 ms each: members keep up with 66/s of it, and
    // the log keeps 5 s. Fetched batches are processed even after retention
    // deleted them from the log; what was never fetched is lost.
    let out = common::run_text(
        r#"
[run]
horizon_s = 120

[[topic]]
name = "t"
partitions = 2
retention_s = 5

[[producer]]
topic = "t"
rate = 100.0

[[consumer]]
name = "g"
topic = "t"
workers = 2
processing_s = { dist = "constant", mean = 0.03 }
"#,
    );
    let s = &out.summary;
    let g = group(s, "g");
    assert_eq!(g.duplicates, 0, "{g:?}");
    assert_eq!(g.processed, s.consumers[0].goodput);
    // ~66.7/s processed of ~100/s: about a third lost.
    let lost = g.lost_to_retention as f64 / s.topics[0].appended as f64;
    assert!((0.25..0.40).contains(&lost), "lost {lost}");
    assert_eq!(s.verdict.reason.map(|r| r.name()), Some("message_loss"));
}

#[test]
fn group_members_call_downstreams_and_retry_like_queue_consumers() {
    // The same call chain and retry policy as a queue consumer: an API that
    // is down for 10 s; members retry inside the consumer, holding the
    // partition, and nothing is lost or processed twice.
    let out = common::run_text(
        r#"
[run]
horizon_s = 60

[[topic]]
name = "t"
partitions = 2

[[producer]]
topic = "t"
rate = 50.0

[[consumer]]
name = "g"
topic = "t"
workers = 2
processing_s = { dist = "constant", mean = 0.001 }
calls = ["api"]
retry = { attempts = 8, base_s = 0.5, cap_s = 4, jitter = "full" }

[[api]]
name = "api"
rate = 1000
burst = 100
call_s = { dist = "constant", mean = 0.005 }

[[fault]]
target = "api"
kind = "outage"
from_s = 20
to_s = 30
"#,
    );
    let s = &out.summary;
    let g = group(s, "g");
    let calls = s.consumers[0].calls.as_ref().unwrap();
    assert!(calls.retries > 10, "{calls:?}");
    assert!(s.apis[0].down_rejections > 10);
    assert_eq!(
        g.duplicates + g.lost_to_retention + g.dead_lettered,
        0,
        "{g:?}"
    );
    assert!(g.lag < 10, "caught up: {g:?}");
    // The outage held the partitions: the oldest record waited ~10 s.
    assert!(
        s.latency.end_to_end.max_s > 8.0,
        "{:?}",
        s.latency.end_to_end
    );
}
