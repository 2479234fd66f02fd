//! Publishing that fails at the producer (`scenarios/producer-buffer.toml`): a
//! flash sale fills a queue bounded at 5,000 messages; the producer retries the
//! refused publishes from a buffer of 20,000. What a full buffer does — drop,
//! block, crash — and what a buffer large enough does: nothing is lost.

use crate::common::{run_scenario, run_text};
use flowsim::RunOutput;
use flowsim::metrics::verdict::Reason;
use flowsim::run::PublishSummary;

const FILE: &str = "producer-buffer.toml";

fn with(on_full: &str) -> RunOutput {
    run_scenario(
        FILE,
        &[("on_full = \"drop\"", &format!("on_full = \"{on_full}\""))],
    )
}

fn publish(out: &RunOutput) -> &PublishSummary {
    out.summary.producers[0].publish.as_ref().expect("a policy")
}

/// Messages the producer made: accepted, held, or lost at the producer.
fn made(out: &RunOutput) -> u64 {
    out.summary
        .ledger
        .producers
        .as_ref()
        .expect("a policy")
        .messages
}

fn column(out: &RunOutput, name: &str) -> Vec<(f64, f64)> {
    let t = out.series.column("time_s").unwrap();
    let v = out.series.column(name).unwrap_or_else(|| panic!("{name}"));
    t.into_iter().zip(v).collect()
}

#[test]
fn drop_loses_the_overflow_but_keeps_producing() {
    let out = with("drop");
    let b = publish(&out);
    let l = &out.summary.ledger;
    let p = l.producers.as_ref().unwrap();
    // 500/s against 200/s: the queue is full at ~77 s, the buffer at ~144 s,
    // and until the sale ends at 180 s new messages are lost (11,035 measured).
    assert!((9_000..13_000).contains(&b.dropped_full), "{b:?}");
    assert_eq!((b.gave_up, b.lost_at_crash, b.blocked_arrivals), (0, 0, 0));
    assert_eq!(b.peak_buffered, 20_000);
    assert_eq!(b.buffered_at_end, 0, "the retries drain the buffer");
    assert_eq!(
        l.rejected, 0,
        "a refusal is retried, never lost at the queue"
    );
    assert_eq!(p.messages, p.accepted + p.lost() + p.buffered);
    let first_refusal = column(&out, "shop.publish_failures")
        .into_iter()
        .find(|&(_, v)| v > 0.0)
        .unwrap()
        .0;
    assert!((70.0..85.0).contains(&first_refusal), "{first_refusal}");
    let lost: Vec<f64> = column(&out, "shop.lost")
        .into_iter()
        .filter(|&(_, v)| v > 0.0)
        .map(|(t, _)| t)
        .collect();
    assert!(
        lost[0] > 135.0 && *lost.last().unwrap() <= 181.0,
        "{lost:?}"
    );
    // The producer never stopped: it made every arrival of the profile.
    assert!(column(&out, "shop.up").iter().all(|&(_, v)| v == 1.0));
    assert!((130_000..145_000).contains(&p.messages), "{p:?}");
    assert!(!out.summary.verdict.collapsed, "{:?}", out.summary.verdict);
}

#[test]
fn block_loses_nothing_but_slows_the_producer() {
    let drop = with("drop");
    let out = with("block");
    let b = publish(&out);
    assert_eq!(b.dropped_full + b.gave_up + b.lost_at_crash, 0, "{b:?}");
    // The arrivals that fell while the producer was blocked were never made:
    // the same arrival stream, split between messages and blocked arrivals.
    assert_eq!(made(&out) + b.blocked_arrivals, made(&drop));
    assert!((9_000..13_000).contains(&b.blocked_arrivals), "{b:?}");
    // At 500/s, 11,000 arrivals are ~22 s blocked (22.3 measured), in bursts
    // between the buffer filling (~144 s) and the end of the sale.
    assert!((15.0..30.0).contains(&b.blocked_s), "{b:?}");
    let blocked_s: f64 = column(&out, "shop.blocked_s").iter().map(|p| p.1).sum();
    assert!((blocked_s - b.blocked_s).abs() < 1e-6);
    let when: Vec<f64> = column(&out, "shop.blocked_s")
        .into_iter()
        .filter(|&(_, v)| v > 0.0)
        .map(|(t, _)| t)
        .collect();
    assert!(
        when[0] > 135.0 && *when.last().unwrap() <= 182.0,
        "{when:?}"
    );
    // The queue took as many as with drop (its consumers set the pace), and
    // every message made was processed.
    let l = &out.summary.ledger;
    let (ours, theirs) = (
        out.summary.producers[0].produced as f64,
        drop.summary.producers[0].produced as f64,
    );
    assert!((ours / theirs - 1.0).abs() < 0.01, "{ours} vs {theirs}");
    assert_eq!(
        l.processed + l.in_system.visible + l.in_system.in_flight,
        made(&out)
    );
    assert!(!out.summary.verdict.collapsed, "{:?}", out.summary.verdict);
}

#[test]
fn crash_stops_the_producer_and_collapses_the_run() {
    let out = with("crash");
    let b = publish(&out);
    let at = b.crashed_at_s.expect("crashed");
    // The buffer fills at ~144 s (143.1 measured): out of memory.
    assert!((138.0..150.0).contains(&at), "{at}");
    let v = &out.summary.verdict;
    assert_eq!(v.reason, Some(Reason::ProducerOutOfMemory), "{v:?}");
    assert_eq!(v.at_s, Some(at));
    assert!(v.detail.contains("ran out of memory"), "{}", v.detail);
    // The full buffer and the message in hand are lost with it.
    assert_eq!(b.lost_at_crash, 20_001);
    assert_eq!(b.buffered_at_end, 0);
    // Nothing is produced after the crash, and the queue drains what it holds.
    for (t, v) in column(&out, "shop.accepted") {
        assert!(t <= at.ceil() || v == 0.0, "accepted {v} at {t}");
    }
    for (t, v) in column(&out, "shop.up") {
        assert_eq!(v, if t < at { 1.0 } else { 0.0 }, "at {t}");
    }
    let l = &out.summary.ledger;
    assert_eq!(l.in_system.visible + l.in_system.in_flight, 0);
    assert!(made(&out) < 50_000, "{}", made(&out));
}

#[test]
fn a_buffer_large_enough_loses_nothing_and_drains_after_the_spike() {
    let out = run_scenario(FILE, &[("buffer = 20000", "buffer = 100000")]);
    let b = publish(&out);
    let p = out.summary.ledger.producers.as_ref().unwrap();
    assert_eq!(p.lost(), 0, "{p:?}");
    assert_eq!(p.accepted, p.messages, "every message got in, in the end");
    // 300/s over the queue's capacity from ~77 s to 180 s: ~31,000 wait
    // (31,034 measured), most at the end of the sale.
    assert!((27_000..35_000).contains(&b.peak_buffered), "{b:?}");
    let buf = column(&out, "shop.buffered");
    let peak_t = buf.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap().0;
    assert!((175.0..=185.0).contains(&peak_t), "{peak_t}");
    // Then 100/s spare drains buffer and queue (~36,000) by ~500 s (504 measured).
    let empty = buf
        .iter()
        .find(|&&(t, v)| t > peak_t && v == 0.0)
        .expect("the buffer drains")
        .0;
    assert!((420.0..600.0).contains(&empty), "{empty}");
    // The retries hammer the full queue: many attempts per message buffered.
    assert!(b.retries > 20 * b.peak_buffered, "{b:?}");
    // The end-to-end latency counts the time spent in the buffer.
    assert!(out.summary.latency.end_to_end.p99_s > 250.0);
    assert!(!out.summary.verdict.collapsed, "{:?}", out.summary.verdict);
}

/// A queue nobody reads, bounded at 10: everything after the tenth message
/// is refused. `POLICY` is replaced by each test.
const STUCK: &str = r#"
[run]
horizon_s = 20
[[queue]]
name = "q"
max_depth = 10
[[producer]]
name = "p"
rate = 10.0
arrivals = "constant"
POLICY
"#;

#[test]
fn without_a_policy_a_refused_publish_is_lost_at_the_queue() {
    let out = run_text(&STUCK.replace("POLICY", ""));
    let s = &out.summary;
    assert!(s.producers[0].publish.is_none() && s.ledger.producers.is_none());
    // 10/s for 20 s, evenly: 200 arrivals, at 0.1 s to 20.0 s.
    assert_eq!(s.producers[0].produced, 10);
    assert_eq!(s.producers[0].rejected, 190);
    assert_eq!(s.ledger.rejected, 190);
    assert!(out.series.column("producer_buffered").is_none());
}

#[test]
fn attempts_run_out_and_the_message_is_given_up() {
    let policy = "[producer.publish]\nattempts = 3\nbase_s = 1.0\nmultiplier = 1.0\njitter = \"none\"\nbuffer = 1000";
    let out = run_text(&STUCK.replace("POLICY", policy));
    let b = publish(&out);
    let p = out.summary.ledger.producers.as_ref().unwrap();
    assert_eq!((p.messages, p.accepted), (200, 10));
    // Attempts at t, t + 1 s and t + 2 s: given up at t + 2 s. The 190 refused
    // messages were made from 1.1 s to 20.0 s: those made by 18.0 s were
    // given up by the horizon; the 20 made after still wait, the 10 made by
    // 19.0 s after one retry.
    assert_eq!(b.gave_up, 170);
    assert_eq!(b.buffered_at_end, 20);
    assert_eq!(p.buffered + p.gave_up + p.accepted, p.messages);
    assert_eq!(b.retries, 2 * 170 + 10);
    // Every attempt after the first ten is refused.
    assert_eq!(b.refusals, 190 + b.retries);
    assert_eq!(b.peak_buffered, 20);
    // Lost at the producer: the run holds by throwing work away.
    assert_eq!(out.summary.verdict.reason, Some(Reason::MessageLoss));
}

#[test]
fn a_blocked_producer_stays_blocked_while_nothing_leaves_its_buffer() {
    let policy =
        "[producer.publish]\nattempts = 1000\nbase_s = 1.0\nbuffer = 5\non_full = \"block\"";
    let out = run_text(&STUCK.replace("POLICY", policy));
    let b = publish(&out);
    // Ten accepted by 1.0 s, five buffered, the sixteenth refused at 1.6 s:
    // blocked from then to the horizon, its message in hand, and the 184
    // arrivals from 1.7 s to 20.0 s never made.
    assert_eq!(b.buffered_at_end, 6);
    assert!((b.blocked_s - 18.4).abs() < 1e-6, "{b:?}");
    assert_eq!(b.blocked_arrivals, 184);
    assert_eq!(made(&out), 16);
    assert_eq!(b.dropped_full + b.gave_up + b.lost_at_crash, 0);
}
