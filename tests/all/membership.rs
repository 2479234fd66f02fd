//! Consumer group membership (scenarios/rolling-deploy.toml and
//! rebalance-storm.toml): rolling restarts, eager against cooperative
//! rebalancing, static membership, and the two storms, held to their numbers.

use crate::common::run_scenario;
use flowsim::run::{GroupSummary, MembershipSummary};

fn group(out: &flowsim::RunOutput, name: &str) -> (GroupSummary, MembershipSummary) {
    let g = out
        .summary
        .consumers
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.group.clone())
        .unwrap_or_else(|| panic!("no group {name}"));
    let m = g.membership.clone().expect("a membership");
    (g, m)
}

fn reasons(out: &flowsim::RunOutput) -> Vec<&'static str> {
    let v = &out.summary.verdict;
    v.reason
        .iter()
        .chain(v.reasons.iter().map(|f| &f.reason))
        .map(|r| r.name())
        .collect()
}

const EAGER: (&str, &str) = ("protocol = \"eager\"", "protocol = \"cooperative\"");
const DYNAMIC: (&str, &str) = ("static_membership = false", "static_membership = true");

#[test]
fn a_rolling_deployment_stops_the_world_twice_per_member_under_eager_rebalancing() {
    let out = run_scenario("rolling-deploy.toml", &[]);
    let (g, m) = group(&out, "fulfilment");
    // Six members leave (announced) and join again: twelve rebalances.
    assert_eq!((m.leaves, m.joins, m.rebalances), (6, 6, 12), "{m:?}");
    // Eager: every partition pauses for the whole of every rebalance, each
    // at least the 3 s sync.
    assert!(m.rebalancing_s >= 12.0 * 3.0, "{m:?}");
    assert!(
        (m.paused_partition_s - 12.0 * m.rebalancing_s).abs() < 1e-6 * m.paused_partition_s,
        "{m:?}"
    );
    // Round robin over 5 members and back over 6 moves most partitions each
    // time: at least the leaver's 2, twice per restart.
    assert!(
        m.partitions_moved >= 24 && m.partitions_moved <= 12 * 12,
        "{m:?}"
    );
    // A clean shutdown commits what it processed: nothing is done twice,
    // nothing lost, and the group catches up.
    assert_eq!((g.duplicates, g.lost_to_crashes), (0, 0), "{g:?}");
    assert!(g.lag < 100, "{g:?}");
    assert!(
        !reasons(&out).contains(&"rebalance_storm"),
        "{:?}",
        reasons(&out)
    );
}

#[test]
fn cooperative_rebalancing_moves_only_the_partitions_that_must_move() {
    let out = run_scenario("rolling-deploy.toml", &[EAGER]);
    let (g, m) = group(&out, "fulfilment");
    assert_eq!(m.rebalances, 12, "{m:?}");
    // Sticky assignment, fair shares of 12 partitions: the leaver's 2 move
    // away, and 2 come back to it when it rejoins: the minimum, 24.
    assert_eq!(m.partitions_moved, 24, "{m:?}");
    // Two sync rounds (revoke, then assign): at least 6 s each.
    assert!(m.rebalancing_s >= 12.0 * 6.0, "{m:?}");
    // Only the 2 moving partitions pause, for the whole rebalance.
    assert!(
        (m.paused_partition_s - 2.0 * m.rebalancing_s).abs() < 1e-6 * m.paused_partition_s,
        "{m:?}"
    );
    assert_eq!(g.duplicates, 0);
}

#[test]
fn static_members_back_within_their_session_move_nothing() {
    for edits in [vec![DYNAMIC], vec![EAGER, DYNAMIC]] {
        let out = run_scenario("rolling-deploy.toml", &edits);
        let (g, m) = group(&out, "fulfilment");
        // Down 20 s, session 45 s: every restart is a static return.
        assert_eq!((m.rebalances, m.partitions_moved), (0, 0), "{m:?}");
        assert_eq!((m.static_returns, m.leaves, m.joins), (6, 0, 0), "{m:?}");
        // The cost: the restarting member's 2 partitions wait for it, 20 s.
        assert!(
            (m.owner_down_partition_s - 6.0 * 2.0 * 20.0).abs() < 1e-6,
            "{m:?}"
        );
        assert_eq!(g.duplicates, 0);
        assert!(g.lag < 100, "{g:?}");
    }
}

#[test]
fn a_member_down_longer_than_its_session_is_removed_when_the_session_times_out() {
    // Down 60 s with a 45 s session: each static member is found out
    // (one rebalance), then joins again (another).
    let out = run_scenario(
        "rolling-deploy.toml",
        &[
            DYNAMIC,
            (
                "down_s = 20, interval_s = 60",
                "down_s = 60, interval_s = 90",
            ),
        ],
    );
    let (g, m) = group(&out, "fulfilment");
    assert_eq!(
        (m.session_expiries, m.joins, m.static_returns),
        (6, 6, 0),
        "{m:?}"
    );
    assert_eq!(m.rebalances, 12, "{m:?}");
    // Its 2 partitions waited for it from its last heartbeat to the timeout:
    // between 45 − 3 and 45 s after it went down (heartbeats every 3 s).
    let per = m.owner_down_partition_s / 12.0;
    assert!((42.0..=45.0).contains(&per), "{per} {m:?}");
    assert!(g.lag < 200, "{g:?}");
}

#[test]
fn slow_batches_and_a_rolling_deployment_make_an_eager_group_storm() {
    let storm = run_scenario("rebalance-storm.toml", &[]);
    let (g, m) = group(&storm, "enricher");
    // Each change waits for batches of up to 150 s before the sync; the next
    // change restarts it: the group rebalances through most of the
    // deployment (300 s to ~630 s) and beyond.
    assert!(m.rebalancing_fraction > 0.25, "{m:?}");
    assert!(
        m.rebalances < 12,
        "changes during a rebalance restart it: {m:?}"
    );
    assert!(
        reasons(&storm).contains(&"rebalance_storm"),
        "{:?}",
        reasons(&storm)
    );

    let calm = run_scenario(
        "rebalance-storm.toml",
        &[
            EAGER,
            (
                "[consumer.group.membership]\n",
                "[consumer.group.membership]\nstatic_membership = true\n",
            ),
        ],
    );
    let (gc, mc) = group(&calm, "enricher");
    assert_eq!((mc.rebalances, mc.static_returns), (0, 6), "{mc:?}");
    assert!(
        !reasons(&calm).contains(&"rebalance_storm"),
        "{:?}",
        reasons(&calm)
    );
    // The same work, less time standing still: more processed.
    assert!(
        gc.processed as f64 > 1.05 * g.processed as f64,
        "calm {} vs storm {}",
        gc.processed,
        g.processed
    );
}

#[test]
fn batches_longer_than_the_poll_interval_expel_every_member_without_end() {
    // 250 records of 2 s: 500 s of work for a poll interval of 300 s. Every
    // member is expelled at 300 s into each batch, having done 150 records
    // that it never commits; after the 5 s sync, all start again from the
    // same offsets: expulsions at 300, 605 and 910 s.
    let edits = [
        ("batch_size = 100", "batch_size = 250"),
        ("mean = 1.5", "mean = 2.0"),
        (
            "rolling_restart = { at_s = 300, down_s = 30, interval_s = 60 }",
            "",
        ),
    ];
    let out = run_scenario("rebalance-storm.toml", &edits);
    let (g, m) = group(&out, "enricher");
    assert_eq!((m.expelled_slow, m.rebalances), (18, 3), "{m:?}");
    // One partition per member gets its first 149 records done (the 150th
    // would end at 300 s exactly, where the deadline, scheduled first, wins
    // the tie), then the same ones again in each later round: 149 from 305 s,
    // 149 from 610 s, and 142 from 915 s to the end at 1,200 s.
    assert_eq!(g.processed, 6 * 149, "{g:?}");
    assert_eq!(g.duplicates, 6 * (149 + 149 + 142), "{g:?}");
    assert!(
        g.partitions
            .iter()
            .all(|p| p.processed == 0 || p.processed == 149)
    );
    assert!(out.summary.verdict.collapsed, "{:?}", out.summary.verdict);
    assert!(
        reasons(&out).contains(&"rebalance_storm"),
        "{:?}",
        reasons(&out)
    );

    // The fix: a poll interval longer than a batch (or smaller batches).
    let mut fixed_edits = edits.to_vec();
    fixed_edits.push((
        "[consumer.group.membership]\n",
        "[consumer.group.membership]\nmax_poll_interval_s = 600\n",
    ));
    let fixed = run_scenario("rebalance-storm.toml", &fixed_edits);
    let (g, m) = group(&fixed, "enricher");
    assert_eq!(
        (m.expelled_slow, m.rebalances, g.duplicates),
        (0, 0, 0),
        "{m:?}"
    );
    assert!(!reasons(&fixed).contains(&"rebalance_storm"));
}
