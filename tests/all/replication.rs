//! Replicated topics (scenarios/replication-*.toml), held to their comments'
//! numbers: acks=1 loses acknowledged records on a leader failure, acks=all
//! with min.insync.replicas=2 does not, unclean election truncates.

use crate::common::run_scenario;
use flowsim::run::ReplicationSummary;

fn replication(name: &str, edits: &[(&str, &str)]) -> ReplicationSummary {
    let out = run_scenario(name, edits);
    out.summary.topics[0]
        .replication
        .clone()
        .expect("a replicated topic")
}

#[test]
fn acks_1_loses_acknowledged_records_on_a_leader_failure() {
    let r = replication("replication-acks-1.toml", &[]);
    // 1,000/s over 6 partitions, 2 of them led by the failed broker, 50 ms
    // the followers lack: ~17 records.
    assert_eq!(r.leader_elections, 2);
    assert!((8..=30).contains(&r.acked_lost_leader_failover), "{r:?}");
    assert_eq!(r.acked_lost, r.acked_lost_leader_failover);
    assert_eq!(r.unacked_lost, 0);
    assert_eq!(r.ack_wait_max_s, 0.0, "acks=1 waits for no follower");
}

#[test]
fn acks_all_with_min_insync_2_loses_nothing_acknowledged() {
    let r = replication("replication-acks-all.toml", &[]);
    assert_eq!(r.leader_elections, 2);
    assert_eq!(r.acked_lost, 0, "{r:?}");
    assert!(
        r.unacked_lost > 0,
        "the old leader's tail fails instead: {r:?}"
    );
    assert_eq!(r.not_enough_replicas, 0, "2 of 3 stay in sync");
    // An acknowledgement waits for the in-sync followers' fetch.
    assert!((r.ack_wait_mean_s - 0.05).abs() < 1e-6, "{r:?}");
    // With both other brokers down, min.insync=2 refuses acks=all writes.
    let r = replication(
        "replication-acks-all.toml",
        &[(
            "failures = [{ broker = 0, at_s = 60, down_s = 30 }]",
            "failures = [{ broker = 1, at_s = 60, down_s = 30 }, { broker = 2, at_s = 60, down_s = 30 }]",
        )],
    );
    assert!(r.not_enough_replicas > 20_000, "{r:?}");
    assert_eq!(r.acked_lost, 0);
}

#[test]
fn unclean_election_truncates_acknowledged_records() {
    let r = replication("replication-unclean.toml", &[]);
    // The 30 s broker 0 alone had, 200/s: ~6,000 records.
    assert!(
        (5_000..=6_500).contains(&r.acked_lost_unclean_election),
        "{r:?}"
    );
    assert!(r.unclean_elections >= 2);
    let clean = replication(
        "replication-unclean.toml",
        &[(
            "unclean_leader_election = true",
            "unclean_leader_election = false",
        )],
    );
    assert_eq!(clean.acked_lost, 0, "{clean:?}");
    assert_eq!(clean.unclean_elections, 0);
    assert!(
        clean.offline_refusals > r.offline_refusals + 4_000,
        "{clean:?}"
    );
}

#[test]
fn replicated_runs_are_deterministic() {
    let a = run_scenario("replication-unclean.toml", &[]);
    let b = run_scenario("replication-unclean.toml", &[]);
    assert_eq!(
        serde_json::to_string(&a.summary.topics).unwrap(),
        serde_json::to_string(&b.summary.topics).unwrap()
    );
}
