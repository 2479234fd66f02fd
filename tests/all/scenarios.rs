//! Each scenario in scenarios/ shows one mechanism; these tests hold it to the
//! numbers its opening comment promises.

use crate::common::run_scenario;
use flowsim::metrics::series::BoundedSeries;
use flowsim::metrics::verdict::State;

fn col(s: &BoundedSeries, name: &str) -> Vec<f64> {
    s.column(name)
        .unwrap_or_else(|| panic!("no column {name}; have {:?}", s.columns()))
}

/// (time, value) of the column's maximum.
fn peak(s: &BoundedSeries, name: &str) -> (f64, f64) {
    let t = col(s, "time_s");
    let v = col(s, name);
    let i = (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap();
    (t[i], v[i])
}

/// First time after `after` at which the column is at or below `level`.
fn first_below(s: &BoundedSeries, name: &str, level: f64, after: f64) -> Option<f64> {
    let t = col(s, "time_s");
    let v = col(s, name);
    (0..t.len())
        .find(|&i| t[i] > after && v[i] <= level)
        .map(|i| t[i])
}

#[test]
fn steady_queue_under_capacity_stays_empty() {
    let out = run_scenario("steady.toml", &[]);
    let s = &out.summary;
    assert!(!s.verdict.collapsed, "{:?}", s.verdict);
    let ratio = s.goodput_per_s / s.arrival_rate_per_s;
    assert!((ratio - 1.0).abs() < 0.02, "goodput/arrivals = {ratio}");
    assert!(
        s.latency.queue_wait.p99_s < 0.5,
        "{:?}",
        s.latency.queue_wait
    );
    assert!(peak(&out.series, "backlog").1 < 100.0);
    assert_eq!(s.ledger.duplicates, 0);
    assert_eq!(s.ledger.dead_lettered, 0);
}

#[test]
fn flash_sale_backlog_rises_then_drains() {
    let out = run_scenario("flash-sale.toml", &[]);
    let s = &out.summary;
    // 800/s of excess for 300 s: ~240,000 at the end of the sale (t = 420 s).
    let (t_peak, b_peak) = peak(&out.series, "backlog");
    assert!((415.0..=425.0).contains(&t_peak), "peak at {t_peak}");
    assert!(
        (b_peak - 240_000.0).abs() < 0.05 * 240_000.0,
        "peak {b_peak}"
    );
    // The oldest message at the peak has waited about the whole sale.
    let (_, age) = peak(&out.series, "oldest_age_s");
    assert!(age > 200.0, "oldest age {age}");
    // Drains at 200 − 100 = 100/s: gone ~2,400 s after the sale.
    let drained = first_below(&out.series, "backlog", 100.0, 420.0).expect("backlog drains");
    assert!(
        (drained - 2820.0).abs() < 0.05 * 2400.0,
        "drained at {drained}"
    );
    assert!(!s.verdict.collapsed, "{:?}", s.verdict);
    assert_eq!(s.ledger.expired + s.ledger.dropped + s.ledger.rejected, 0);
    // Without the spike nothing happens: the spike is the cause.
    let calm = run_scenario("flash-sale.toml", &[("factor = 10", "factor = 1")]);
    assert!(peak(&calm.series, "backlog").1 < 1000.0);
}

#[test]
fn dlq_holds_exactly_the_poison_messages() {
    let out = run_scenario("poison-dlq.toml", &[]);
    let s = &out.summary;
    let poison = s.producers[0].poison;
    assert!(
        poison > 400,
        "too few poison messages to say anything: {poison}"
    );
    assert_eq!(s.ledger.dead_lettered, poison, "DLQ = poison produced");
    assert_eq!(
        s.ledger.dead_lettered_poison, poison,
        "every DLQ message is poison"
    );
    assert_eq!(s.ledger.dead_lettered_after_success, 0);
    // Healthy flow continues: every healthy message processed once, quickly.
    assert_eq!(s.ledger.processed, s.ledger.produced - poison);
    assert_eq!(s.ledger.duplicates, 0);
    assert!(
        s.latency.queue_wait.p99_s < 0.1,
        "{:?}",
        s.latency.queue_wait
    );
    // Each poison message was received 5 times, failing each time.
    assert_eq!(s.consumers[0].failures, 5 * poison);
}

#[test]
fn fifo_group_is_blocked_by_its_poison_message_until_the_dlq() {
    let out = run_scenario("fifo-poison.toml", &[]);
    let s = &out.summary;
    let t = col(&out.series, "time_s");
    let age = col(&out.series, "oldest_age_s");
    let before = (0..t.len())
        .filter(|&i| t[i] < 60.0)
        .map(|i| age[i])
        .fold(0.0, f64::max);
    let during = (0..t.len())
        .filter(|&i| (60.0..120.0).contains(&t[i]))
        .map(|i| age[i])
        .fold(0.0, f64::max);
    let after = (0..t.len())
        .filter(|&i| t[i] > 150.0)
        .map(|i| age[i])
        .fold(0.0, f64::max);
    assert!(before < 3.0, "before the poison message: oldest {before}");
    // Three receives with a 10 s visibility timeout: ~30 s of blocking.
    assert!((25.0..=40.0).contains(&during), "blocked for {during}");
    assert!(after < 3.0, "after the DLQ: oldest {after}");
    assert_eq!(s.ledger.dead_lettered, 1);
    assert_eq!(s.ledger.dead_lettered_poison, 1);
    assert!(!s.verdict.collapsed);

    // Without a DLQ the group never unblocks and its backlog grows without bound.
    let stuck = run_scenario(
        "fifo-poison.toml",
        &[(
            "max_receive_count = 3\ndead_letter_queue = \"ledger-dlq.fifo\"\n",
            "",
        )],
    );
    assert!(
        stuck.summary.verdict.collapsed,
        "{:?}",
        stuck.summary.verdict
    );
    let (_, age) = peak(&stuck.series, "oldest_age_s");
    assert!(age > 500.0, "group 0 blocked from 61 s to the end: {age}");
}

#[test]
fn zombie_loop_appears_when_visibility_is_short_and_vanishes_with_the_fix() {
    let z = run_scenario("zombie-loop.toml", &[]).summary;
    let produced = z.ledger.produced;
    assert!(produced > 700);
    // Received three times, processed three times, never deleted.
    let dup_per_msg = z.ledger.duplicates as f64 / produced as f64;
    assert!(
        (1.8..=2.2).contains(&dup_per_msg),
        "duplicates per message {dup_per_msg}"
    );
    assert!(z.ledger.applied_more_than_once as f64 > 0.95 * produced as f64);
    assert!(z.ledger.dead_lettered_after_success as f64 > 0.95 * produced as f64);
    assert!(
        z.ledger.processed < produced / 50,
        "deleted {}",
        z.ledger.processed
    );
    assert!(z.queues[0].stale_deletes as f64 > 2.5 * produced as f64);

    let f = run_scenario("zombie-loop-fixed.toml", &[]).summary;
    assert_eq!(f.ledger.produced, produced, "same arrivals on both sides");
    assert_eq!(f.ledger.duplicates, 0);
    assert_eq!(f.ledger.applied_more_than_once, 0);
    assert_eq!(f.ledger.dead_lettered, 0);
    assert_eq!(f.queues[0].stale_deletes, 0);
    assert_eq!(f.ledger.processed, produced);
}

#[test]
fn million_message_backlog_drains_at_the_spare_capacity() {
    let out = run_scenario("backlog-drain.toml", &[]);
    let drained = first_below(&out.series, "backlog", 1000.0, 0.0).expect("drains");
    let expected = 1e6 / (2000.0 - 500.0);
    assert!(
        (drained - expected).abs() < 0.05 * expected,
        "drained at {drained}, expected {expected}"
    );
    // Oldest first: the old backlog's last message is received at 1e6 / 2,000 s.
    let (_, age) = peak(&out.series, "oldest_age_s");
    assert!((age - 500.0).abs() < 0.05 * 500.0, "oldest waited {age}");
}

/// The key paths where two scenario files differ, the title aside: a fixed
/// twin must change only its fix, so that what it removes is the fix's doing.
fn differences(a: &str, b: &str) -> Vec<String> {
    fn walk(path: &str, a: Option<&toml::Value>, b: Option<&toml::Value>, out: &mut Vec<String>) {
        use toml::Value::{Array, Table};
        match (a, b) {
            (Some(Table(x)), Some(Table(y))) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    walk(&format!("{path}.{k}"), x.get(k), y.get(k), out);
                }
            }
            (Some(Array(x)), Some(Array(y))) if x.len() == y.len() => {
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    walk(&format!("{path}[{i}]"), Some(x), Some(y), out);
                }
            }
            (x, y) if x != y => out.push(path.trim_start_matches('.').to_string()),
            _ => {}
        }
    }
    let read = |name: &str| -> toml::Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        let mut t: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
        t["run"].as_table_mut().unwrap().remove("title");
        toml::Value::Table(t)
    };
    let mut out = vec![];
    walk("", Some(&read(a)), Some(&read(b)), &mut out);
    out
}

fn partition_lags(s: &flowsim::Summary) -> Vec<u64> {
    let g = s.consumers[0].group.as_ref().expect("a consumer group");
    g.partitions.iter().map(|p| p.lag).collect()
}

#[test]
fn hot_partition_fixed_spreads_the_whale_and_no_partition_lags() {
    assert_eq!(
        differences("hot-partition.toml", "hot-partition-fixed.toml"),
        ["producer[0].message.key_parts"]
    );
    let hot = run_scenario("hot-partition.toml", &[]).summary;
    let fixed = run_scenario("hot-partition-fixed.toml", &[]).summary;
    let (hot_lags, fixed_lags) = (partition_lags(&hot), partition_lags(&fixed));
    let worst = |l: &[u64]| *l.iter().max().unwrap();
    // One partition holds the lag (~28,000 at 300 s) while another's is ~0.
    assert!(worst(&hot_lags) > 20_000, "{hot_lags:?}");
    assert!(*hot_lags.iter().min().unwrap() < 100, "{hot_lags:?}");
    // With the composite key no partition lags: the worst is under 1 % of it.
    assert!(
        worst(&fixed_lags) * 100 < worst(&hot_lags),
        "{fixed_lags:?}"
    );
    assert_eq!(hot.verdict.state, State::Collapsed);
    assert_eq!(fixed.verdict.state, State::Stable, "{:?}", fixed.verdict);
    assert!(fixed.latency.end_to_end.p99_s < 1.0);
}

#[test]
fn prefetch_fixed_stops_the_hoard_and_the_p99_drops_fifty_fold() {
    assert_eq!(
        differences("prefetch.toml", "prefetch-fixed.toml"),
        ["consumer[0].prefetch", "consumer[1].prefetch"]
    );
    let hoard = run_scenario("prefetch.toml", &[]);
    let fair = run_scenario("prefetch-fixed.toml", &[]);
    let p99 = |o: &flowsim::RunOutput| o.summary.latency.end_to_end.p99_s;
    assert!(p99(&hoard) > 80.0, "p99 {}", p99(&hoard));
    assert!(p99(&fair) < 0.5, "p99 {}", p99(&fair));
    assert!(p99(&hoard) > 50.0 * p99(&fair));
    // What `slow` holds unacknowledged: its 500, or never more than one.
    let (held, fair_held) = (
        peak(&hoard.series, "slow.unacked").1,
        peak(&fair.series, "slow.unacked").1,
    );
    assert!(held >= 500.0, "{held}");
    assert!(fair_held <= 1.0, "{fair_held}");
}

#[test]
fn thundering_herd_fixed_spreads_the_retries_and_sheds_nothing() {
    assert_eq!(
        differences("thundering-herd.toml", "thundering-herd-fixed.toml"),
        ["client[0].retry.jitter"]
    );
    let herd = run_scenario("thundering-herd.toml", &[]);
    let jitter = run_scenario("thundering-herd-fixed.toml", &[]);
    // Attempts per second in the 0.1 s samples from the outage's end on.
    let wave = |o: &flowsim::RunOutput| {
        let t = col(&o.series, "time_s");
        let a = col(&o.series, "attempts");
        t.iter()
            .zip(&a)
            .filter(|(t, _)| **t > 70.05)
            .map(|(_, a)| a / 0.1)
            .fold(0.0, f64::max)
    };
    let (w_herd, w_jitter) = (wave(&herd), wave(&jitter));
    assert!(w_herd > 4.0 * w_jitter, "{w_herd} vs {w_jitter}");
    let shed = |o: &flowsim::RunOutput| o.summary.services[0].rejected;
    assert!(shed(&herd) > 0);
    assert_eq!(shed(&jitter), 0);
    // For about the same work.
    let done = |o: &flowsim::RunOutput| o.summary.services[0].completed as f64;
    assert!((done(&jitter) / done(&herd) - 1.0).abs() < 0.05);
}
