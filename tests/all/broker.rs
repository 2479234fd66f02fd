//! A broker node's memory high watermark (scenarios/broker-memory.toml): a
//! 1 GiB RabbitMQ node (watermark 0.6) under 25 MiB/s of 256 KiB messages it
//! can only drain at 15 MiB/s blocks its publishers while its queue's bytes
//! are at the watermark; the uploader's buffer takes the rest; a 4 GiB node
//! holds the whole backlog and never blocks.

use crate::common::{problems, run_scenario};
use flowsim::metrics::verdict::Reason;

const FILE: &str = "broker-memory.toml";
const SIZE: u64 = 262_144;

#[test]
fn a_node_over_its_watermark_blocks_its_publishers() {
    let out = run_scenario(FILE, &[]);
    let b = &out.summary.brokers[0];
    let limit = (1024.0 * 1024.0 * 1024.0 * 0.6) as u64;
    assert_eq!(b.limit_bytes, limit);
    // The crossing message gets in; nothing after it until usage falls.
    assert!(
        b.peak_bytes >= limit && b.peak_bytes < limit + SIZE,
        "{b:?}"
    );
    assert!(b.blocks > 0 && b.refused_publishes > 0, "{b:?}");
    // Growth of 10 MiB/s reaches 614 MiB in about a minute; blocked from
    // then until the uploader stops at 400 s and the backlog drains.
    assert!(b.blocked_s > 300.0 && b.blocked_s < 600.0, "{b:?}");
    let peak = out
        .series
        .column("images.visible")
        .unwrap()
        .into_iter()
        .fold(0.0, f64::max);
    assert!(peak <= (limit / SIZE + 1) as f64, "{peak}");
    // Nothing is lost: the buffer waits it out.
    let p = out.summary.producers[0].publish.as_ref().expect("a policy");
    assert_eq!(p.dropped_full + p.gave_up + p.lost_at_crash, 0, "{p:?}");
    let f = out
        .summary
        .verdict
        .reasons
        .iter()
        .find(|f| f.reason == Reason::PublishRefused)
        .expect("refusals named");
    assert!(f.detail.contains("blocked broker"), "{}", f.detail);
}

#[test]
fn a_node_with_room_never_blocks() {
    let out = run_scenario(FILE, &[("memory_mb = 1024", "memory_mb = 8192")]);
    let b = &out.summary.brokers[0];
    assert_eq!(b.blocks, 0, "{b:?}");
    assert_eq!(b.refused_publishes, 0);
    // The whole backlog (40/s for 400 s, about 16,000 messages) in memory.
    assert!(b.peak_bytes > 14_000 * SIZE, "{b:?}");
}

#[test]
fn a_queue_on_two_brokers_is_refused() {
    let src = std::fs::read_to_string(format!("{}/scenarios/{FILE}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        + "\n[[broker]]\nname = \"rabbit-2\"\nqueues = [\"images\"]\nmemory_mb = 1024\n";
    assert!(
        problems(&src).contains("already on broker `rabbit-1`"),
        "{}",
        problems(&src)
    );
    let bad = src.replace(
        "memory_mb = 1024\n\n[[producer]]",
        "memory_mb = 1024\nhigh_watermark = 1.5\n\n[[producer]]",
    );
    assert!(
        problems(&bad).contains("high_watermark"),
        "{}",
        problems(&bad)
    );
}
