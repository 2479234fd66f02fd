//! Jobs through a queue with a deadline (`client/jobs.rs`): a client whose
//! target is a queue submits each attempt as a message and waits for a
//! consumer's first success; one that times out re-submits while the original
//! still runs. Held to M/M/1 where nothing times out, and to the runaway of
//! `scenarios/jobs-deadline.toml` where re-submission feeds on itself.

use crate::common::{Ci, check, problems, replicate, run_scenario};

/// An M/M/1 queue of jobs: Poisson submissions at `rate`, one worker at
/// 10 jobs a second, a network of 1 ms each way.
fn mm1(rate: f64, extra: &str) -> String {
    format!(
        r#"
[run]
horizon_s = 2000
seed = 11
replication = REP

[[queue]]
name = "jobs"

[[consumer]]
name = "worker"
queue = "jobs"
workers = 1
processing_s = {{ dist = "exponential", mean = 0.1 }}

[[client]]
name = "submitters"
target = "jobs"
rate = {rate}
network_s = {{ dist = "constant", mean = 0.001 }}
{extra}
"#
    )
}

#[test]
fn a_job_waits_its_m_m_1_sojourn_and_completes_once() {
    // λ = 5, μ = 10: the mean time in an M/M/1 system is 1/(μ − λ) = 0.2 s,
    // and the answer's two network hops add 2 ms.
    let means = replicate(&mm1(5.0, ""), 10, |s| {
        let c = &s.clients[0];
        let jobs = c.jobs.as_ref().expect("a queue's client reports its jobs");
        assert_eq!(
            c.attempts, c.requests,
            "nothing times out: no re-submission"
        );
        assert_eq!(jobs.submitted, c.attempts);
        assert_eq!(jobs.completed_late, 0);
        // Every job submitted is processed, or still in the system at the end.
        assert!(c.successes + c.in_progress_at_end >= c.requests - 1);
        c.latency.mean_s
    });
    check(
        "job latency, M/M/1 at ρ = 0.5",
        Ci::from(&means),
        0.2 + 0.002,
    );
}

#[test]
fn a_timeout_re_submits_while_the_original_still_runs() {
    // At ρ = 0.9 the sojourn is exponential with mean 1 s: P(T > 0.5 s) is
    // about e^-0.5 ≈ 0.6 before the re-submissions add their own load. Each
    // re-submitted job is processed twice: once for nobody.
    let s = &crate::common::run_text(
        &mm1(9.0, "timeout_s = 0.5\n[client.retry]\nattempts = 2").replace("REP", "0"),
    )
    .summary;
    let c = &s.clients[0];
    let jobs = c.jobs.as_ref().unwrap();
    assert!(c.amplification > 1.3, "amplification {}", c.amplification);
    assert_eq!(jobs.submitted, c.attempts);
    assert!(jobs.completed_late > 0);
    // Every job completed is answered once: a success of its client, or a
    // late completion; only answers still on the wire at the end (1 ms) are
    // missing from the client's count.
    let completed = s.consumers[0].goodput;
    let answered = c.successes + jobs.completed_late;
    assert!(
        completed >= answered && completed - answered <= 2,
        "{completed} completed, {answered} answered"
    );
}

#[test]
fn re_submission_turns_a_burst_into_a_runaway_that_plain_clients_recover_from() {
    let resubmit = run_scenario("jobs-deadline.toml", &[]).summary;
    let plain = run_scenario("jobs-deadline.toml", &[("attempts = 2", "attempts = 1")]).summary;
    let (r, p) = (&resubmit.clients[0], &plain.clients[0]);
    // The burst pushes the wait past the timeout; from then on every job is
    // submitted twice, 14 a second against a worker that does 10: the queue
    // grows to the end of the run, although the load is back to 7 a second.
    assert!(resubmit.verdict.collapsed, "{}", resubmit.verdict.detail);
    assert!(r.amplification > 1.6, "amplification {}", r.amplification);
    let rj = r.jobs.as_ref().unwrap();
    assert!(rj.wasted_share > 0.5, "wasted {}", rj.wasted_share);
    let held_end = resubmit.queues[0].visible_at_end + resubmit.queues[0].in_flight_at_end;
    assert!(held_end > 3000, "held at the end {held_end}");
    // Without re-submission the same burst is over in well under a minute.
    assert!(!plain.verdict.collapsed, "{}", plain.verdict.detail);
    assert_eq!(p.amplification, 1.0);
    let rec = plain.recovery.as_ref().expect("a burst to recover from");
    let at = rec.recovered_at_s.expect("plain clients recover");
    assert!(at - 360.0 < 60.0, "recovered at {at} s");
    // Its clients give up on the jobs that time out, which run anyway.
    let pj = p.jobs.as_ref().unwrap();
    assert!(
        pj.wasted_share < rj.wasted_share / 2.0,
        "{} against {}",
        pj.wasted_share,
        rj.wasted_share
    );
}

#[test]
fn a_queue_target_is_refused_where_it_is_ambiguous_or_hedged() {
    let clash = r#"
[[queue]]
name = "jobs"
[[service]]
name = "jobs"
[[client]]
name = "c"
target = "jobs"
rate = 1
"#;
    let e = problems(clash);
    assert!(
        e.contains("client[0].target") && e.contains("names both a queue and a service"),
        "{e}"
    );
    let hedged = r#"
[[queue]]
name = "jobs"
[[client]]
name = "c"
target = "jobs"
rate = 1
[client.hedge]
after_s = 0.1
"#;
    let e = problems(hedged);
    assert!(
        e.contains("client[0].hedge") && e.contains("processed twice"),
        "{e}"
    );
    let unknown = r#"
[[queue]]
name = "jobs"
[[client]]
name = "c"
target = "jobz"
rate = 1
"#;
    let e = problems(unknown);
    assert!(
        e.contains("service, record or queue") && e.contains("jobs"),
        "{e}"
    );
}
