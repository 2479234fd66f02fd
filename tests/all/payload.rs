//! Payloads and the claim check: inline 1 MB messages against a claim check
//! (requests billed, refusals for size, cost), the 404 race handled as
//! transient or fatal (healthy messages reaching the DLQ), the cleanup
//! strategies over 30 days (orphans and storage), and a Lambda batch cut by
//! the 6 MB invocation payload limit. The payload books balance in each.

use crate::common::run_scenario;
use flowsim::RunOutput;

fn requests(out: &RunOutput, item: &str) -> f64 {
    out.summary
        .cost
        .as_ref()
        .expect("a cost")
        .items
        .iter()
        .find(|i| i.name == item)
        .unwrap_or_else(|| panic!("no cost item {item}"))
        .quantity
}

#[test]
fn inline_megabyte_messages_bill_sixteen_chunks_and_the_claim_check_one() {
    let inline = run_scenario("claim-check-inline.toml", &[]);
    let cc = run_scenario("claim-check-s3.toml", &[]);
    let (qi, qc) = (&inline.summary.queues[0], &cc.summary.queues[0]);
    // Inline: every accepted message of about 900 KB is 14 to 16 chunks of
    // 64 KiB; those above 1 MiB are refused and the producer counts them.
    let chunks = qi.send_chunks.expect("sizes vary");
    assert!(
        chunks >= 14 * qi.published && chunks <= 16 * qi.published,
        "{qi:?}"
    );
    let pi = inline.summary.producers[0].payload.as_ref().expect("sizes");
    assert!(pi.too_large > 100, "{pi:?}");
    assert_eq!(qi.refused_too_large, pi.too_large);
    assert_eq!(inline.summary.producers[0].rejected, pi.too_large);
    // The claim check: one chunk per pointer, nothing refused, every payload
    // in the store and read back.
    assert_eq!(qc.send_chunks, Some(qc.published));
    let pc = cc.summary.producers[0].payload.as_ref().expect("sizes");
    assert_eq!(pc.too_large, 0);
    assert_eq!(pc.claim_checks, qc.published);
    let b = &cc.summary.blob_stores[0];
    assert_eq!(b.objects_put, pc.claim_checks);
    assert!(b.gets_found >= b.deleted && b.deleted > 0, "{b:?}");
    // SQS requests drop several-fold; S3 requests come in their place.
    assert!(requests(&inline, "orders.requests") > 4.0 * requests(&cc, "orders.requests"));
    assert!(requests(&cc, "payloads.requests") > 0.0);
    // The GET adds to the latency: the median end to end grows.
    assert!(cc.summary.ledger.balanced && inline.summary.ledger.balanced);
    let l = cc.summary.ledger.payloads.as_ref().expect("payload books");
    assert_eq!(l.objects, l.ended());
}

#[test]
fn the_404_race_sends_healthy_messages_to_the_dlq_only_when_fatal() {
    let transient = run_scenario("claim-check-race.toml", &[]);
    let fatal = run_scenario(
        "claim-check-race.toml",
        &[("no_such_key = \"transient\"", "no_such_key = \"fatal\"")],
    );
    let t = transient.summary.consumers[0]
        .payload
        .as_ref()
        .expect("reader");
    let f = fatal.summary.consumers[0].payload.as_ref().expect("reader");
    // Most pointers outrun their object: NoSuchKey is common either way.
    assert!(t.no_such_key > 1000 && f.no_such_key > 1000, "{t:?} {f:?}");
    assert_eq!(t.returned, t.no_such_key);
    assert_eq!(t.dead_lettered, 0);
    assert_eq!(f.dead_lettered, f.no_such_key);
    // Transient: a handful reach the DLQ after five receives; fatal: every
    // message whose first GET missed, all of them healthy.
    let (dt, df) = (
        transient.summary.ledger.dead_lettered,
        fatal.summary.ledger.dead_lettered,
    );
    assert!(dt < 20, "transient: {dt} dead-lettered");
    assert!(df > 50 * dt.max(1), "fatal: {df} against {dt}");
    assert_eq!(fatal.summary.ledger.dead_lettered_poison, 0);
    assert!(transient.summary.ledger.balanced && fatal.summary.ledger.balanced);
}

#[test]
fn cleanup_strategies_over_thirty_days() {
    let run = |c: &str| {
        run_scenario(
            "claim-check-cleanup.toml",
            &[("cleanup = \"lifecycle\"", &format!("cleanup = \"{c}\""))],
        )
    };
    let store = |o: &RunOutput| o.summary.blob_stores[0].clone();
    let (lifecycle, delete, both, none) = (
        run("lifecycle"),
        run("delete_after_processing"),
        run("both"),
        run("none"),
    );
    let (l, d, b, n) = (
        store(&lifecycle),
        store(&delete),
        store(&both),
        store(&none),
    );
    // 0.02/s over 30 days: about 51,840 payloads of 2 MB.
    assert!(n.objects_put > 50_000, "{n:?}");
    // Deleting after processing leaves nothing; both too.
    assert_eq!(
        (d.orphans, d.objects_stored, d.deleted),
        (0, 0, d.objects_put)
    );
    assert_eq!(b.orphans, 0);
    assert_eq!(b.expired_orphans, 0);
    // The lifecycle rule holds about 7 days of orphans at the end and has
    // expired the rest.
    assert!(l.orphans > 11_000 && l.orphans < 13_000, "{l:?}");
    assert_eq!(l.orphans + l.expired_orphans, l.objects_put);
    // None keeps every one: orphans and storage grow without bound.
    assert_eq!(n.orphans, n.objects_put);
    assert!(n.storage_cost_usd > 1.5 * l.storage_cost_usd, "{n:?} {l:?}");
    assert!(
        l.storage_cost_usd > 10.0 * d.storage_cost_usd,
        "{l:?} {d:?}"
    );
    // 51,840 × 2 MB is about 97 GB: past the 50 GB budget.
    assert!(n.over_budget && !l.over_budget);
    // Orphans no rule expires are a harm the verdict names, with the budget
    // passed; orphans a lifecycle rule will expire are not.
    let orphaned = |o: &RunOutput| {
        o.summary
            .verdict
            .reasons
            .iter()
            .find(|r| r.reason.name() == "payloads_orphaned")
            .map(|r| r.detail.clone())
    };
    let detail = orphaned(&none).expect("payloads_orphaned");
    assert!(detail.contains("51,840 orphaned payloads"), "{detail}");
    assert!(
        detail.contains("past its storage budget of 50 GB"),
        "{detail}"
    );
    assert!(orphaned(&lifecycle).is_none() && orphaned(&delete).is_none());
    for o in [&lifecycle, &delete, &both, &none] {
        let p = o.summary.ledger.payloads.as_ref().expect("books");
        assert_eq!(p.objects, p.ended());
        assert!(o.summary.ledger.balanced);
    }
    // Passing the budget collapses the run, at the time the budget's worth
    // of payloads was PUT: 50 GiB / 2 MB = 26,844 payloads at 0.02/s is
    // 1,342,177 s, with the n-th arrival's spread √n / λ = 8,192 s.
    let v = &none.summary.verdict;
    assert_eq!(v.reason.map(|r| r.name()), Some("storage_budget_exceeded"));
    assert!(v.collapsed, "{v:?}");
    let at = v.at_s.expect("when");
    assert!((at - 1_342_177.0).abs() < 4.0 * 8_192.0, "{at}");
    assert_eq!(n.over_budget_at_s, Some(at));
    assert!(v.detail.contains("storage budget of 50 GB"), "{}", v.detail);
    // The other strategies stay within it and are not collapsed.
    for o in [&lifecycle, &delete, &both] {
        assert!(!o.summary.verdict.collapsed, "{:?}", o.summary.verdict);
    }
    // Each run draws the blob store's chart: the four strategies' orphans
    // and storage over time.
    for (o, name) in [
        (&lifecycle, "l"),
        (&delete, "d"),
        (&both, "b"),
        (&none, "n"),
    ] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let out = dir.path().join(name);
        std::fs::create_dir_all(&out).expect("dir");
        flowsim::charts::run::draw_all(&out, &o.summary, &o.series).expect("charts");
        assert!(out.join("blob_store.png").is_file() && out.join("blob_store.svg").is_file());
    }
}

/// A message lost in its queue (its retention passed while the consumer
/// could not keep up) leaves its payload behind: the object becomes an
/// orphan, counted as left by a lost message, and the books still balance.
#[test]
fn a_message_lost_unprocessed_leaves_its_payload_orphaned() {
    let out = run_scenario(
        "claim-check-cleanup.toml",
        &[
            (
                "cleanup = \"lifecycle\"",
                "cleanup = \"delete_after_processing\"",
            ),
            ("name = \"orders\"", "name = \"orders\"\nretention_s = 60"),
            ("rate = 0.02", "rate = 0.5"),
            ("horizon_s = 2592000", "horizon_s = 20000"),
            ("sample_interval_s = 3600", "sample_interval_s = 100"),
            ("workers = 2", "workers = 1"),
            ("mean = 0.5", "mean = 3.0"),
        ],
    );
    let l = &out.summary.ledger;
    let b = &out.summary.blob_stores[0];
    // Offered 1.5 erlangs to one worker: a third or more of the messages
    // expire unprocessed.
    assert!(l.expired > l.produced / 4, "{l:?}");
    // Each expired message orphaned its object; nothing else did (the
    // processed ones were deleted).
    assert_eq!(b.orphaned_by_loss, l.expired, "{b:?}");
    assert_eq!(b.orphaned, b.orphaned_by_loss);
    assert_eq!(b.orphans, b.orphaned, "no lifecycle rule expires them");
    assert_eq!(b.deleted, l.processed);
    let p = l.payloads.as_ref().expect("books");
    assert_eq!(p.objects, p.ended());
    assert!(l.balanced);
    // No rule expires them: a harm the verdict names.
    assert!(
        out.summary
            .verdict
            .reasons
            .iter()
            .any(|r| r.reason.name() == "payloads_orphaned"),
        "{:?}",
        out.summary.verdict
    );
}

#[test]
fn lambda_batches_are_cut_at_six_megabytes() {
    let out = run_scenario("claim-check-batch-cut.toml", &[]);
    let c = &out.summary.consumers[0];
    assert!(c.batches_cut > 100, "{}", c.batches_cut);
    let l = c.lambda.as_ref().expect("a Lambda-like consumer");
    // No invocation carries more than six 1 MB messages.
    let per = out.summary.queues[0].deliveries as f64 / l.invocations as f64;
    assert!(per <= 6.0 && per > 4.0, "{per} messages per invocation");
    assert!(out.summary.ledger.balanced);
}

/// Topics, push topics and buses refuse a message above their
/// `max_message_bytes` (Kafka's `max.message.bytes`, SNS's and
/// EventBridge's limits): the producer counts it, nothing retries it, and
/// the verdict names the loss. 5 % of the messages are about 3 MB, the rest
/// about 4 KB: about 5 % refused by every 1 MiB limit.
#[test]
fn topics_push_topics_and_buses_refuse_messages_above_their_limit() {
    let producer = |sink: &str| {
        format!(
            r#"
[run]
horizon_s = 600
[[producer]]
name = "shop"
{sink}
rate = 50
[producer.message.size]
dist = "mixture"
components = [
  {{ weight = 0.95, dist = "lognormal", mean = 4000, cv = 0.3 }},
  {{ weight = 0.05, dist = "lognormal", mean = 3000000, cv = 0.2 }},
]
"#
        )
    };
    let topic = crate::common::run_text(&format!(
        "{}{}",
        producer("topic = \"orders\""),
        r#"
[[topic]]
name = "orders"
partitions = 2
max_message_bytes = "kafka"
[[consumer]]
name = "readers"
topic = "orders"
workers = 2
processing_s = { dist = "constant", mean = 0.001 }
"#
    ));
    let push = crate::common::run_text(&format!(
        "{}{}",
        producer("push = \"orders\""),
        r#"
[[push]]
name = "orders"
queues = ["audit"]
max_message_bytes = "sns"
[[queue]]
name = "audit"
[[consumer]]
queue = "audit"
workers = 2
processing_s = { dist = "constant", mean = 0.001 }
"#
    ));
    let bus = crate::common::run_text(&format!(
        "{}{}",
        producer("bus = \"events\""),
        r#"
[[bus]]
name = "events"
max_message_bytes = "eventbridge"
[[bus.rule]]
name = "all"
queues = ["audit"]
[[queue]]
name = "audit"
[[consumer]]
queue = "audit"
workers = 2
processing_s = { dist = "constant", mean = 0.001 }
"#
    ));
    let refused = [
        topic.summary.topics[0].refused_too_large,
        push.summary.pushes[0].refused_too_large,
        bus.summary.buses[0].refused_too_large,
    ];
    for (out, refused) in [
        (&topic, refused[0]),
        (&push, refused[1]),
        (&bus, refused[2]),
    ] {
        let p = &out.summary.producers[0];
        let made = 50.0 * 600.0;
        // 5 % of ~30,000 is 1,500, within 4σ: the binomial's σ is
        // √(30,000 × 0.05 × 0.95) ≈ 38, the Poisson count's adds √1,500 ≈ 39.
        // (A 3 MB message never draws under 1 MiB at cv 0.2.)
        assert!(
            (refused as f64 - 0.05 * made).abs() < 4.0 * 55.0,
            "{refused}"
        );
        assert_eq!(p.payload.as_ref().expect("sized").too_large, refused);
        let lost = out
            .summary
            .verdict
            .reasons
            .iter()
            .find(|r| r.reason.name() == "messages_lost" && r.component.as_deref() == Some("shop"))
            .unwrap_or_else(|| panic!("{:?}", out.summary.verdict));
        assert_eq!(lost.count, Some(refused));
        assert!(
            lost.detail.contains("larger than max_message_bytes"),
            "{}",
            lost.detail
        );
        assert!(out.summary.ledger.balanced);
    }
    // What passed the topic was appended; every record made is one or the other.
    let t = &topic.summary.topics[0];
    assert_eq!(t.appended, topic.summary.producers[0].produced);
}

/// SendMessageBatch against a FIFO queue's quota of 300 calls per second:
/// 1,500 messages/s one per call are throttled down to the quota (four in
/// five lost, named as throttled); in batches of 10 they are 150 calls/s and
/// all go through, billed one request per call. A batch is cut before the
/// message that would take it past `max_bytes`.
#[test]
fn send_batches_carry_ten_messages_per_call_under_the_fifo_quota() {
    let batched = run_scenario("sqs-send-batch.toml", &[]);
    let single = run_scenario(
        "sqs-send-batch.toml",
        &[("[producer.batch]\nmax_messages = 10\nlinger_s = 0.05\n", "")],
    );
    let q = |o: &RunOutput| o.summary.queues[0].clone();
    let (b, s) = (q(&batched), q(&single));
    let made = batched.summary.producers[0].produced;
    // Batched: nothing refused, ten messages per call.
    assert_eq!((b.rejected, b.throttled_sends), (0, 0), "{b:?}");
    let batch = batched.summary.producers[0].batch.clone().expect("batch");
    assert!(batch.mean_messages_per_call > 9.9, "{batch:?}");
    assert_eq!(batch.calls, b.send_batches);
    assert_eq!(batch.messages, made);
    // About 4 KB messages: a call of 10 is one 64 KiB chunk, one request
    // (a few calls of large draws pass 64 KiB and bill two).
    let chunks = b.send_chunks.expect("chunks");
    assert!(
        chunks >= batch.calls && chunks < batch.calls * 101 / 100,
        "{chunks} {batch:?}"
    );
    // One per call: the quota lets about 300/s of the 1,500/s through.
    let accepted = s.published as f64 / 120.0;
    assert!((accepted - 300.0).abs() < 15.0, "{accepted}/s");
    assert_eq!(s.throttled_sends, s.rejected);
    let lost = single
        .summary
        .verdict
        .reasons
        .iter()
        .find(|r| r.reason.name() == "messages_lost")
        .expect("lost");
    assert!(
        lost.detail.contains("throughput quota (throttled)"),
        "{}",
        lost.detail
    );
    assert!(!lost.detail.contains("full queue"), "{}", lost.detail);
    // A message's wait in the open batch is part of its latency: at most
    // the linger (50 ms), about the time to fill 10 at 1,500/s (6 ms).
    let wait = batched.summary.latency.end_to_end.mean_s - single.summary.latency.end_to_end.mean_s;
    assert!(wait > 0.001 && wait < 0.05, "{wait}");
    assert!(batched.summary.ledger.balanced && single.summary.ledger.balanced);

    // 300 KB messages at 600/s: a batch is cut at 1 MiB, three messages
    // per call (200 calls/s, within the quota).
    let big = run_scenario(
        "sqs-send-batch.toml",
        &[
            ("mean = 4000\ncv = 0.5", "mean = 300000\ncv = 0.01"),
            ("rate = 1500.0", "rate = 600.0"),
        ],
    );
    let bb = big.summary.producers[0].batch.clone().expect("batch");
    assert!((bb.mean_messages_per_call - 3.0).abs() < 0.05, "{bb:?}");
    assert!(bb.cut_by_bytes > bb.calls * 9 / 10, "{bb:?}");
    // Each call of ~900 KB is 14 chunks of 64 KiB.
    let chunks = big.summary.queues[0].send_chunks.expect("chunks");
    assert!(
        (chunks as f64 / bb.calls as f64 - 14.0).abs() < 0.5,
        "{chunks} {bb:?}"
    );
    assert!(big.summary.ledger.balanced);
}

/// A partition's bandwidth (`partition_mb_per_s`) makes a record's transfer
/// take its size over it: 100 KB records at 1 MB/s are 0.1 s each, so one
/// partition read by one member is an M/D/1 queue. At 5 records/s (ρ = 0.5)
/// Pollaczek–Khinchine gives a mean wait of ρ / (2μ(1 − ρ)) = 0.05 s, and a
/// mean time from append to done of 0.15 s. A consumer's own
/// `download_mb_per_s`, when slower, takes over.
#[test]
fn a_partitions_bandwidth_makes_record_transfer_an_md1_server() {
    let src = |download: &str| {
        format!(
            r#"
[run]
horizon_s = 8000
warmup_s = 100
[[topic]]
name = "events"
partitions = 1
partition_mb_per_s = 1.0
[[producer]]
name = "source"
topic = "events"
rate = 5.0
message = {{ size_bytes = 100000 }}
[[consumer]]
name = "reader"
topic = "events"
workers = 1
processing_s = {{ dist = "constant", mean = 0.0 }}
{download}
"#
        )
    };
    let out = crate::common::run_text(&src(""));
    let e2e = out.summary.latency.end_to_end.mean_s;
    assert!(
        (e2e - 0.15).abs() < 0.015,
        "mean append-to-done {e2e} s, M/D/1 says 0.15 s"
    );
    // A consumer downloading at 0.5 MB/s is slower than its partition:
    // 0.2 s per record, ρ = 1.0 would not drain; at 2.5 records/s (ρ = 0.5)
    // the mean is 0.2 + 0.1 = 0.3 s.
    let slow = crate::common::run_text(
        &src("download_mb_per_s = 0.5").replace("rate = 5.0", "rate = 2.5"),
    );
    let e2e = slow.summary.latency.end_to_end.mean_s;
    assert!(
        (e2e - 0.3).abs() < 0.03,
        "mean append-to-done {e2e} s, M/D/1 says 0.3 s"
    );
}
