//! Log compaction (scenarios/log-compaction-changelog.toml), held to its
//! comment's numbers, and the cleaner's size against the occupancy theory:
//! with K keys drawn uniformly, N records keep K(1 − (1 − 1/K)^N) of them.

use crate::common::{Ci, replicate, run_scenario};
use flowsim::run::{CompactionSummary, GroupSummary};

fn group(s: &flowsim::Summary, name: &str) -> GroupSummary {
    s.consumers
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.group.clone())
        .unwrap_or_else(|| panic!("no group {name}"))
}

fn compaction(s: &flowsim::Summary) -> CompactionSummary {
    s.topics[0].compaction.clone().expect("a compacted topic")
}

#[test]
fn a_compacted_changelog_holds_the_keys_not_the_records() {
    let out = run_scenario("log-compaction-changelog.toml", &[]);
    let s = &out.summary;
    let t = &s.topics[0];
    let c = compaction(s);
    // 100/s for 4 h.
    assert!((t.appended as f64 - 1_440_000.0).abs() < 4_000.0, "{t:?}");
    // 10,000 keys, one record in ten a tombstone: a key's latest record is
    // a tombstone w.p. 0.1, so 9,000 live keys (binomial sd 30).
    assert!((c.live_keys_final as f64 - 9_000.0).abs() < 150.0, "{c:?}");
    // Held: at most one record per key in the cleaned part, plus the tail
    // (what came since the previous pass, 30–60 s at 100/s).
    assert!(c.held_records_final <= 10_000 + 6_500, "{c:?}");
    assert!(c.held_records_peak <= 10_000 + 6_500, "{c:?}");
    assert!(c.held_records_final >= 9_000, "{c:?}");
    assert_eq!(c.compaction_passes, 480);
    assert_eq!(
        t.appended,
        c.held_records_final + c.records_compacted + c.tombstones_removed
    );
    // Flat: the held records of the second hour and of the fourth are the
    // same (±5 %), while the appended count doubled.
    let time = out.series.column("time_s").unwrap();
    let held = out.series.column("order-status.held_records").unwrap();
    let appended = out.series.column("order-status.appended").unwrap();
    let mean_in = |from: f64, to: f64, v: &[f64]| {
        let xs: Vec<f64> = time
            .iter()
            .zip(v)
            .filter(|(t, _)| (from..to).contains(*t))
            .map(|(_, x)| *x)
            .collect();
        xs.iter().sum::<f64>() / xs.len() as f64
    };
    let (h2, h4) = (
        mean_in(3_600.0, 7_200.0, &held),
        mean_in(10_800.0, 14_400.0, &held),
    );
    assert!((h4 / h2 - 1.0).abs() < 0.05, "held {h2} then {h4}");
    let (a2, a4) = (
        mean_in(3_600.0, 7_200.0, &appended),
        mean_in(10_800.0, 14_400.0, &appended),
    );
    assert!((a4 / a2 - 2.33).abs() < 0.05, "appended {a2} then {a4}");

    // The live reader reads everything, misses no delete.
    let live = group(s, "projection");
    assert_eq!(live.superseded_by_compaction, 0, "{live:?}");
    assert_eq!(live.missed_deletes, 0);
    assert_eq!(live.processed + live.lag, t.appended);
    // The replay from offset 0 at 3 h reads the compacted view: about one
    // record per key plus the tail, then the last hour live (~360,000).
    let replay = group(s, "replay");
    assert_eq!(replay.missed_deletes, 0, "it never read those keys");
    let replayed = replay.processed as f64 - 360_000.0;
    assert!(
        (9_000.0 - 2_500.0..=16_500.0 + 2_500.0).contains(&replayed),
        "{replay:?}"
    );
    // What it did not read was compacted away: superseded, not lost.
    assert!(replay.superseded_by_compaction > 1_050_000, "{replay:?}");
    assert_eq!(replay.lost_to_retention + replay.lost_to_crashes, 0);
    assert_eq!(
        replay.processed + replay.superseded_by_compaction + replay.lag,
        t.appended
    );
    assert!(s.verdict.reasons.is_empty(), "{:?}", s.verdict);
}

#[test]
fn a_group_slower_than_delete_retention_misses_deletes() {
    // One worker at 80/s against 100/s: it falls further behind than the
    // 60 s a tombstone stays, and keeps keys whose delete it never reads.
    let out = run_scenario(
        "log-compaction-changelog.toml",
        &[
            ("horizon_s = 14400", "horizon_s = 1800"),
            (
                "workers = 6\nprocessing_s = { dist = \"exponential\", mean = 0.005 }",
                "workers = 1\nprocessing_s = { dist = \"constant\", mean = 0.0125 }",
            ),
        ],
    );
    let s = &out.summary;
    let slow = group(s, "projection");
    assert!(slow.missed_deletes > 1_000, "{slow:?}");
    assert!(slow.superseded_by_compaction > 10_000, "{slow:?}");
    let names: Vec<&str> = s.verdict.reasons.iter().map(|f| f.reason.name()).collect();
    assert!(names.contains(&"deletes_missed"), "{names:?}");
    // The same lag with tombstones kept a day (Kafka's default) misses none.
    let out = run_scenario(
        "log-compaction-changelog.toml",
        &[
            ("horizon_s = 14400", "horizon_s = 1800"),
            ("delete_retention_s = 60", "delete_retention_s = 86400"),
            (
                "workers = 6\nprocessing_s = { dist = \"exponential\", mean = 0.005 }",
                "workers = 1\nprocessing_s = { dist = \"constant\", mean = 0.0125 }",
            ),
        ],
    );
    assert_eq!(group(&out.summary, "projection").missed_deletes, 0);
}

#[test]
fn one_pass_keeps_the_distinct_keys_of_its_records() {
    // N records over K = 10,000 keys appended in the first 30 s; the pass
    // at 60 s cleans them all (the one at 30 s rolled the segment). The
    // held records are the distinct keys: E = K(1 − (1 − 1/K)^N).
    let template = r#"
[run]
horizon_s = 61
replication = REP
[[topic]]
name = "t"
partitions = 4
cleanup_policy = "compact"
compaction_interval_s = 30
[[producer]]
topic = "t"
rate = 100.0
stop_s = 29.0
message = { keys = 10000 }
"#;
    let k = 10_000.0_f64;
    let gaps: Vec<f64> = replicate(template, 20, |s| {
        let n = s.topics[0].appended as f64;
        let expected = k * (1.0 - (1.0 - 1.0 / k).powf(n));
        compaction(s).held_records_final as f64 - expected
    });
    let ci = Ci::from(&gaps);
    eprintln!("held − theory: {:.1} ± {:.1}", ci.mean, ci.half);
    assert!(ci.contains(0.0), "{ci:?}");
    // Occupancy's sd at N ≈ 2,900 is ~16: the interval says something.
    assert!(ci.half < 15.0, "{ci:?}");
}

#[test]
fn compaction_is_refused_without_keys_and_tombstones_without_compaction() {
    let p = crate::common::problems(
        r#"
[[topic]]
name = "t"
cleanup_policy = "compact"
[[producer]]
topic = "t"
rate = 1
[[producer]]
topic = "u"
rate = 1
message = { keys = 5, tombstone_probability = 0.1 }
[[topic]]
name = "u"
[[consumer]]
topic = "t"
"#,
    );
    assert!(p.contains("producer[0].message.keys"), "{p}");
    assert!(p.contains("a producer without keys writes to `t`"), "{p}");
    assert!(
        p.contains("producer[1].message.tombstone_probability"),
        "{p}"
    );
    let p = crate::common::problems(
        r#"
[[topic]]
name = "t"
cleanup_policy = "compact"
delete_retention_s = -1
[[producer]]
topic = "t"
rate = 1
message = { keys = 5 }
[[consumer]]
topic = "t"
group = { start_s = -2 }
"#,
    );
    assert!(p.contains("topic[0].delete_retention_s"), "{p}");
    assert!(p.contains("consumer[0].group.start_s"), "{p}");
}
