//! `[[alarm]]`: CloudWatch-shaped alarms fire when a hand computation says
//! they must, say how long after the trigger and how much arrived meanwhile,
//! and change nothing in the run they watch.

use crate::common::{run_scenario, run_text};

/// 10 messages/s at constant spacing, served at up to 20/s, with a spike to
/// 50/s over [30, 40) s: the backlog stays near 0 until 30 s, then grows by
/// about 30/s to about 300 at 40 s.
fn spike(alarms: &str) -> String {
    format!(
        r#"
[run]
horizon_s = 120
sample_interval_s = 1

[[queue]]
name = "q"

[[producer]]
rate = 10
arrivals = "constant"
profile = [{{ kind = "spike", at_s = 30, duration_s = 10, factor = 5 }}]

[[consumer]]
workers = 2
processing_s = {{ dist = "constant", mean = 0.1 }}
{alarms}
"#
    )
}

const ALARMS: &str = r#"
[[alarm]]
name = "backlog"
metric = "ApproximateNumberOfMessagesVisible"
period_s = 10
threshold = 100

[[alarm]]
name = "age"
metric = "ApproximateAgeOfOldestMessage"
period_s = 10
threshold = 5

[[alarm]]
name = "sent"
metric = "NumberOfMessagesSent"
statistic = "Sum"
comparison = "GreaterThanOrEqualToThreshold"
period_s = 10
threshold = 400

[[alarm]]
name = "two-of-three"
metric = "ApproximateNumberOfMessagesVisible"
period_s = 10
threshold = 100
evaluation_periods = 3
datapoints_to_alarm = 2

[[alarm]]
name = "never"
metric = "ConcurrentExecutions"
consumer = "consumer1"
period_s = 10
threshold = 2
"#;

#[test]
fn alarms_fire_where_a_hand_computation_says() {
    let s = run_text(&spike(ALARMS)).summary;
    let a = |name: &str| s.alarms.iter().find(|a| a.name == name).unwrap();
    // Datapoints at 10, 20, 30, 40 s: the backlog is ~0 at 30 s (the spike
    // starts then) and ~300 at 40 s. Detected 10 s after the spike began.
    let backlog = a("backlog");
    assert_eq!(backlog.first_fired_at_s, Some(40.0), "{backlog:?}");
    assert!(
        backlog.trigger.as_deref().unwrap().contains("spike"),
        "{backlog:?}"
    );
    assert_eq!(backlog.detected_after_s, Some(10.0));
    // 50/s over the 10 s between the spike and the firing.
    let arrived = backlog.arrived_before_firing.unwrap();
    assert!((498..=502).contains(&arrived), "{arrived}");
    // After the spike the queue drains at 10/s net: ~300 → ≤ 100 by ~60 s.
    let cleared = backlog.firings[0].ok_at_s.unwrap();
    assert!((50.0..=70.0).contains(&cleared), "{backlog:?}");
    assert_eq!(backlog.times_fired, 1);
    assert!(!backlog.in_alarm_at_end);
    assert_eq!(backlog.in_alarm_s, cleared - 40.0);
    // The oldest message at 40 s has waited since ~30 s.
    assert_eq!(a("age").first_fired_at_s, Some(40.0));
    // Sent per period: 100, 100, 100, 500 (the spike's), 100: in ALARM for
    // exactly the spike's period.
    let sent = a("sent");
    assert_eq!(sent.firings.len(), 1, "{sent:?}");
    assert_eq!(sent.firings[0].at_s, 40.0);
    assert_eq!(sent.firings[0].ok_at_s, Some(50.0));
    // Two of three: the breaches at 40 and 50 s (≈ 300, ≈ 200).
    assert_eq!(a("two-of-three").first_fired_at_s, Some(50.0));
    // Two workers are never more than two busy.
    let never = a("never");
    assert_eq!((never.times_fired, never.first_fired_at_s), (0, None));
}

#[test]
fn alarms_change_nothing_in_the_run() {
    let with = run_text(&spike(ALARMS)).summary;
    let without = run_text(&spike("")).summary;
    assert_eq!(with.ledger, without.ledger);
    assert_eq!(
        serde_json::to_value(&with.queues).unwrap(),
        serde_json::to_value(&without.queues).unwrap()
    );
    assert!(without.alarms.is_empty());
}

#[test]
fn the_dead_letter_alarm_pages_after_the_first_poison_message() {
    let s = run_scenario("poison-dlq.toml", &[]).summary;
    let dlq = &s.alarms[0];
    assert_eq!(dlq.component, "payments-dlq");
    // A poison message reaches the DLQ after 5 receives and 5 s timeouts
    // (~25 s): the first one-minute datapoint sees it.
    assert_eq!(dlq.first_fired_at_s, Some(60.0), "{dlq:?}");
    // No trigger: everything that arrived before the page is counted.
    assert_eq!(dlq.trigger, None);
    let arrived = dlq.arrived_before_firing.unwrap();
    assert!((5_500..=6_500).contains(&arrived), "{arrived}");
    // Nothing drains the DLQ: in ALARM to the end.
    assert!(dlq.in_alarm_at_end);
}

#[test]
fn alarm_mistakes_are_located() {
    let bad = [
        (
            "metric = \"ApproximateNumberOfMessagesVisibel\"",
            "ApproximateNumberOfMessagesVisible",
        ),
        ("metric = \"Throttles\"\nconsumer = \"consumer1\"", "lambda"),
        (
            "metric = \"SumOffsetLag\"\nconsumer = \"consumer1\"",
            "topic",
        ),
        ("metric = \"Errors\"", "which consumer"),
        (
            "metric = \"ApproximateNumberOfMessagesVisible\"\nperiod_s = 90",
            "period_s = 120",
        ),
        (
            "metric = \"ApproximateNumberOfMessagesVisible\"\nevaluation_periods = 2\ndatapoints_to_alarm = 3",
            "1..=2",
        ),
        (
            "metric = \"ApproximateNumberOfMessagesVisible\"\nqueue = \"nope\"",
            "no queue named `nope`",
        ),
    ];
    for (body, expect) in bad {
        let text = spike(&format!("[[alarm]]\nname = \"x\"\nthreshold = 1\n{body}\n"));
        let err = match flowsim::load_str("alarm.toml", &text) {
            Ok(_) => panic!("accepted: {body}"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(expect), "{body}: {err}");
        assert!(err.contains("alarm"), "{body}: {err}");
    }
}

/// The report names when the alarm fired, and the cross-check's verdict.
#[test]
fn the_report_tells_when_the_alarm_fired_and_what_theory_says() {
    let t = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(["run", "-q", "--report", "--out"])
        .arg(t.path())
        .arg(root.join("scenarios/poison-dlq.toml"))
        .arg(root.join("scenarios/erlang-c.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = |stem: &str| std::fs::read_to_string(t.path().join(stem).join("report.md")).unwrap();
    let dlq = md("poison-dlq");
    assert!(dlq.contains("dlq-not-empty: fired at 60 s"), "{dlq}");
    assert!(dlq.contains("6,000 arrived before it"), "{dlq}");
    let theory = md("erlang-c");
    assert!(
        theory.contains("M/M/10 mean waiting: 6.02 predicted"),
        "{theory}"
    );
    assert!(theory.contains("agrees with theory"), "{theory}");
}
