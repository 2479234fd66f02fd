//! The compact table printed on the terminal after a run.

use crate::metrics::recovery::Shortfall;
use crate::metrics::verdict::{State, Verdict};
use crate::report::format::{number, percent};
use crate::run::Summary;
use std::fmt::Write;

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds with three significant digits and thousands separators, as every
/// number on the terminal and in the report: 267 ms, 10.4 s, 1,569 s.
pub fn secs(s: f64) -> String {
    use crate::report::format::number;
    match s.abs() {
        0.0 => "0 s".into(),
        x if !x.is_finite() => "–".into(),
        x if x < 0.001 => format!("{:.0} µs", s * 1e6),
        x if x < 1.0 => format!("{} ms", number(s * 1e3)),
        _ => format!("{} s", number(s)),
    }
}

pub fn render(s: &Summary, out_dir: Option<&str>) -> String {
    let mut t = String::new();
    let l = &s.ledger;
    let v = &s.verdict;
    let _ = writeln!(
        t,
        "{}  (seed {}, {} simulated, {} events{})",
        s.scenario,
        s.seed,
        secs(s.ended_at_s),
        thousands(s.events),
        if s.stop == "horizon" {
            String::new()
        } else {
            format!(", stopped: {}", s.stop)
        }
    );
    for o in &s.overrides {
        let _ = writeln!(
            t,
            "  what-if     {} = {}  (file: {})",
            o.path,
            o.value,
            o.file_value.as_deref().unwrap_or("default")
        );
    }
    verdict(&mut t, v);
    let held = l.in_system.visible + l.in_system.in_flight + l.in_system.delayed;
    // A topic-only run has no queue messages: its groups' lines say it all.
    let queues_used = l.produced > 0 || (s.topics.is_empty() && !s.producers.is_empty());
    if queues_used {
        let _ = writeln!(
            t,
            "  messages    produced {}{}  processed {}  dead-lettered {}  expired {}  dropped {}  rejected {}  still queued {}",
            thousands(l.produced),
            onward_share(s),
            thousands(l.processed),
            thousands(l.dead_lettered),
            thousands(l.expired),
            thousands(l.dropped),
            thousands(l.rejected),
            thousands(held)
        );
    }
    if !s.producers.is_empty() {
        messages(&mut t, s);
    }
    components(&mut t, s);
    clients(&mut t, s);
    recovery(&mut t, s);
    // A run of clients alone holds no messages: nothing to review.
    if !s.producers.is_empty() {
        review(&mut t, s);
    }
    alarms(&mut t, s);
    theory(&mut t, s);
    for c in &s.slo {
        let _ = writeln!(t, "  slo         {}", super::objectives::slo_line(c));
    }
    if let Some(c) = &s.cost {
        let _ = writeln!(t, "  cost        {}", super::objectives::cost_line(c));
    }
    if let Some(d) = out_dir {
        let _ = writeln!(t, "  outputs     {d}");
    }
    t
}

/// The state in one sentence, then each reason: its evidence and what it means.
fn verdict(t: &mut String, v: &Verdict) {
    let head = match v.state {
        State::Stable => format!("stable: {}", v.detail),
        State::Collapsed => format!(
            "COLLAPSED ({}) at {}: {}",
            v.reason.map(|r| r.name()).unwrap_or_default(),
            secs(v.at_s.unwrap_or(0.0)),
            v.detail
        ),
        State::Degraded => "DEGRADED: harm was done, but it does not grow without bound".into(),
    };
    let _ = writeln!(t, "  verdict     {head}");
    // A collapse's own reason is in the line above: its meaning comes first.
    let mut rest = v.reasons.iter();
    if v.state == State::Collapsed
        && let Some(f) = rest.next()
    {
        let _ = writeln!(t, "              ({})", f.reason.meaning());
    }
    for f in rest {
        let _ = writeln!(t, "              · {} — {}", f.reason.name(), f.detail);
        let _ = writeln!(t, "                ({})", f.reason.meaning());
    }
}

/// A blob store: its objects (what became of them), its GETs' outcomes and
/// its cost.
fn blob_store(t: &mut String, b: &crate::model::blob_store::summary::BlobStoreSummary) {
    use crate::model::blob_store::GIB;
    let gb = |bytes: u64| format!("{:.2} GB", bytes as f64 / GIB);
    let lost = if b.orphaned_by_loss > 0 {
        format!(
            " ({} of them left by a message lost unprocessed)",
            thousands(b.orphaned_by_loss)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        t,
        "  {:<11} blob store: {} objects PUT; at the end {} stored ({}), {} of them orphans{lost}; peak {}; deleted {}, expired {} (of them {} before their message was processed)",
        b.name,
        thousands(b.objects_put),
        thousands(b.objects_stored),
        gb(b.bytes_stored),
        thousands(b.orphans),
        gb(b.peak_bytes),
        thousands(b.deleted),
        thousands(b.expired_orphans + b.expired_unprocessed),
        thousands(b.expired_unprocessed),
    );
    let _ = writeln!(
        t,
        "  {:<11} GETs {}: found {}, NoSuchKey {} not yet readable + {} deleted or expired; requests ${:.2} + storage ${:.2} ({:.2} GB-months)",
        "",
        thousands(b.gets),
        thousands(b.gets_found),
        thousands(b.no_such_key_not_yet_readable),
        thousands(b.no_such_key_gone),
        b.request_cost_usd,
        b.storage_cost_usd,
        b.gb_months
    );
}

/// Peak backlog and drain, peak age, dead-lettered share, P(wait), and the
/// counters after warm-up.
fn review(t: &mut String, s: &Summary) {
    let r = &s.review;
    let mut parts = vec![format!(
        "peak backlog {} at {}",
        thousands(r.peak_backlog),
        secs(r.peak_backlog_at_s)
    )];
    // The drain only when there was something to drain: the messages held
    // rose above their normal level.
    if let Some(before) = r.held_before_trigger.filter(|_| r.rose_above_normal) {
        parts.push(match r.drained_at_s {
            Some(at) => format!(
                "drained at {} (held before the first trigger: {})",
                secs(at),
                thousands(before)
            ),
            None => format!(
                "not drained: messages held, waiting or in flight, never came back to their level before the first trigger ({})",
                thousands(before)
            ),
        });
    }
    if r.peak_oldest_age_s > 0.0 {
        parts.push(format!(
            "oldest waiting {} at {}",
            secs(r.peak_oldest_age_s),
            secs(r.peak_oldest_age_at_s)
        ));
    }
    if r.peak_unprocessed_age_s > 0.0 {
        parts.push(format!(
            "longest unprocessed {} at {}",
            secs(r.peak_unprocessed_age_s),
            secs(r.peak_unprocessed_age_at_s)
        ));
    }
    if let Some(f) = r.dead_lettered_fraction.filter(|&f| f > 0.0) {
        parts.push(format!("dead-lettered {}", percent(f)));
    }
    if let Some(p) = r.p_wait {
        parts.push(format!("P(wait) {}", percent(p)));
    }
    let _ = writeln!(t, "  review      {}", parts.join(" · "));
    if s.warmup_s > 0.0 {
        let m = &r.measured;
        let _ = writeln!(
            t,
            "  measured    after {}: arrivals {}  goodput {}  failures {}  dead-lettered {}  lost {}",
            secs(s.warmup_s),
            thousands(m.arrivals),
            thousands(m.goodput),
            thousands(m.failures),
            thousands(m.dead_lettered),
            thousands(m.lost)
        );
    }
}

/// Each alarm: when it first fired, how long after its trigger, and how
/// much arrived before it did; or that it never fired.
fn alarms(t: &mut String, s: &Summary) {
    for (i, a) in s.alarms.iter().enumerate() {
        let head = if i == 0 { "  alarms" } else { "" };
        let line = match a.first_fired_at_s {
            None => format!("{}: never fired ({} on {})", a.name, a.metric, a.component),
            Some(at) => {
                let after = match (&a.trigger, a.detected_after_s) {
                    (Some(tr), Some(d)) => format!("{} after {tr}", secs(d)),
                    _ => "no trigger before it".to_string(),
                };
                let arrived = a
                    .arrived_before_firing
                    .map(|n| format!(", {} arrived before it", thousands(n)))
                    .unwrap_or_default();
                let times = if a.times_fired > 1 {
                    format!(" · fired {} times", thousands(a.times_fired))
                } else {
                    String::new()
                };
                let end = if a.in_alarm_at_end {
                    " · in ALARM at the end"
                } else {
                    ""
                };
                format!(
                    "{}: fired at {} ({after}{arrived}){times} · in ALARM {}{end}",
                    a.name,
                    secs(at),
                    secs(a.in_alarm_s)
                )
            }
        };
        let _ = writeln!(t, "{head:<14}{line}");
    }
}

/// Theory beside the run: each prediction, the simulated figure with its
/// 95 % interval, and whether they agree.
fn theory(t: &mut String, s: &Summary) {
    for (i, c) in s.theory.iter().enumerate() {
        let head = if i == 0 { "  theory" } else { "" };
        let judged = match c.agrees {
            Some(true) => "agrees",
            Some(false) => "DEPARTS beyond the run's 95 % interval",
            None => "run too short to judge (its batches are correlated)",
        };
        if let Some(rate) = c.arrival_rate_per_s {
            // Little's law: no consumer, and the two sides spelt out.
            let stay = c
                .mean_time_in_queue_s
                .map_or("no message".to_string(), |w| format!("{w:.3} s"));
            let _ = writeln!(
                t,
                "{head:<14}Little {}: in queue λ·W = {rate:.3}/s × {stay} = {:.3}, L = {:.3} ± {:.3} simulated: {judged}",
                c.queue, c.predicted, c.simulated, c.half_width
            );
            continue;
        }
        if c.model == "retry-threshold" {
            let predicts = if c.predicted >= 1.0 {
                "retries alone overload it: no recovery predicted"
            } else {
                "below capacity: recovery predicted"
            };
            let judged = match c.agrees {
                Some(true) => "agrees",
                _ => "DEPARTS from the prediction",
            };
            let _ = writeln!(
                t,
                "{head:<14}retry threshold {} → {}: attempts × rate / capacity = {:.2} ({predicts}); final goodput {:.0} % of offered: {judged}",
                c.queue,
                c.consumer,
                c.predicted,
                100.0 * c.simulated
            );
            continue;
        }
        let quantity = match c.quantity.as_str() {
            "utilisation" => "utilisation",
            _ => "mean waiting",
        };
        let _ = writeln!(
            t,
            "{head:<14}{} {} → {}: {quantity} {:.3} predicted, {:.3} ± {:.3} simulated: {judged}",
            c.model, c.queue, c.consumer, c.predicted, c.simulated, c.half_width
        );
    }
}

/// Message rates and latencies (runs with producers).
fn messages(t: &mut String, s: &Summary) {
    let l = &s.ledger;
    if let Some(p) = l.push.as_ref().filter(|p| p.endpoint_copies > 0) {
        let _ = writeln!(
            t,
            "  push        published {}  to endpoints {}: acked {}  dead-lettered {}  dropped {}  pending {}  (copies to queues {}, counted above)",
            thousands(p.published),
            thousands(p.endpoint_copies),
            thousands(p.acked),
            thousands(p.dead_lettered),
            thousands(p.dropped),
            thousands(p.pending),
            thousands(p.queue_copies)
        );
    }
    for p in &s.producers {
        let Some(b) = &p.publish else { continue };
        let crashed = b
            .crashed_at_s
            .map(|at| format!("  OUT OF MEMORY at {}", secs(at)))
            .unwrap_or_default();
        let _ = writeln!(
            t,
            "  producer    {} → {}: {} refusals, {} retries; buffer peak {} of {}, {} at the end; lost {} (buffer full {}, gave up {}, in the crash {}); blocked {} ({} arrivals not made){crashed}",
            p.name,
            p.queue,
            thousands(b.refusals),
            thousands(b.retries),
            thousands(b.peak_buffered),
            thousands(b.buffer as u64),
            thousands(b.buffered_at_end),
            thousands(b.dropped_full + b.gave_up + b.lost_at_crash),
            thousands(b.dropped_full),
            thousands(b.gave_up),
            thousands(b.lost_at_crash),
            secs(b.blocked_s),
            thousands(b.blocked_arrivals),
        );
    }
    let _ = writeln!(
        t,
        "  rates       arrivals {}  goodput {}  duplicates {}  applied twice+ {}  DLQ'd after success {}",
        crate::report::format::rate(s.arrival_rate_per_s),
        crate::report::format::rate(s.goodput_per_s),
        thousands(l.duplicates),
        thousands(l.applied_more_than_once),
        thousands(l.dead_lettered_after_success)
    );
    for (name, lat) in [
        ("end-to-end", &s.latency.end_to_end),
        ("queue wait", &s.latency.queue_wait),
    ] {
        let _ = writeln!(
            t,
            "  {:<11} mean {}  p50 {}  p90 {}  p99 {}  max {}",
            name,
            secs(lat.mean_s),
            secs(lat.p50_s),
            secs(lat.p90_s),
            secs(lat.p99_s),
            secs(lat.max_s)
        );
    }
}

/// One line per client population, service and record.
fn clients(t: &mut String, s: &Summary) {
    for c in &s.clients {
        let _ = writeln!(
            t,
            "  {:<11} client → {}: {} requests, {} attempts (×{:.2}), {} succeeded, {} gave up, {} timeouts, {} rejected; p99 {}",
            c.name,
            c.target,
            thousands(c.requests),
            thousands(c.attempts),
            c.amplification,
            thousands(c.successes),
            thousands(c.gave_up),
            thousands(c.timeouts),
            thousands(c.rejections + c.breaker_rejections),
            secs(c.latency.p99_s)
        );
        if let Some(j) = &c.jobs {
            let _ = writeln!(
                t,
                "  {:<11} jobs: {} submitted, {} refused; {} completed after their client gave up on them ({} of the jobs completed: work for nobody)",
                "",
                thousands(j.submitted),
                thousands(j.refused),
                thousands(j.completed_late),
                percent(j.wasted_share),
            );
        }
        if let Some(h) = &c.hedge {
            let _ = writeln!(
                t,
                "  {:<11} hedges: {} sent (extra load {}), {} won; delay {}; p50 {}  p99 {}",
                "",
                thousands(h.sent),
                percent(h.extra_load),
                thousands(h.won),
                h.delay_s.map_or_else(|| "none yet".to_string(), secs),
                secs(c.latency.p50_s),
                secs(c.latency.p99_s)
            );
        }
    }
    for v in &s.services {
        let wasted = if v.completed > 0 {
            v.wasted as f64 / v.completed as f64
        } else {
            0.0
        };
        let _ = writeln!(
            t,
            "  {:<11} service: peak {} in service, mean {}; {} completed, {} for clients that had given up; {} shed, {} down",
            v.name,
            thousands(v.peak_in_service as u64),
            number(v.mean_in_service),
            thousands(v.completed),
            percent(wasted),
            thousands(v.rejected),
            thousands(v.down_rejections)
        );
    }
    for r in &s.records {
        let _ = writeln!(
            t,
            "  {:<11} record: {} writes, {} conflicts, {} landed",
            r.name,
            thousands(r.writes),
            thousands(r.conflicts),
            thousands(r.version)
        );
    }
}

/// Whether goodput came back after the last trigger.
fn recovery(t: &mut String, s: &Summary) {
    let Some(r) = &s.recovery else { return };
    let how = match (r.recovered, r.recovered_at_s) {
        (_, Some(at)) if at > r.should_recover_by_s => format!(
            "recovered at {}, {} after it should have (by {})",
            secs(at),
            secs(at - r.should_recover_by_s),
            secs(r.should_recover_by_s)
        ),
        (_, Some(at)) => format!("recovered at {}", secs(at)),
        (Some(false), _) => format!(
            "NOT recovered by {} (goodput {} of the offered load over the last window)",
            secs(r.should_recover_by_s),
            percent(r.final_goodput_fraction.unwrap_or(0.0))
        ),
        _ if r.shortfall == Some(Shortfall::NothingOffered) => {
            "not judged: nothing was offered in the run's last window after it".into()
        }
        _ => format!(
            "not judged: the run ended {} after it, within one recovery window (by {})",
            secs(s.ended_at_s - r.trigger_to_s),
            secs(r.should_recover_by_s)
        ),
    };
    let when = if r.trigger_from_s == r.trigger_to_s {
        format!("at {}", secs(r.trigger_from_s))
    } else {
        format!("{}–{}", secs(r.trigger_from_s), secs(r.trigger_to_s))
    };
    let _ = writeln!(t, "  recovery    after `{}` ({when}): {how}", r.trigger);
}

/// One line per poller and per downstream: its limit next to what it reached.
fn components(t: &mut String, s: &Summary) {
    for q in s.queues.iter().filter(|q| q.over_limit > 0) {
        let _ = writeln!(
            t,
            "  {:<11} in-flight quota reached: {} receives returned nothing (OverLimit)",
            q.name,
            thousands(q.over_limit)
        );
    }
    // Silent unless the quota bit: old scenarios' terminal output is unchanged.
    for q in s
        .queues
        .iter()
        .filter(|q| q.throttled_sends + q.throttled_receives > 0)
    {
        let _ = writeln!(
            t,
            "  {:<11} FIFO throughput quota reached: {} sends refused, {} receives returned nothing (throttled)",
            q.name,
            thousands(q.throttled_sends),
            thousands(q.throttled_receives)
        );
    }
    for q in s
        .queues
        .iter()
        .filter(|q| q.rejected_to_dlq + q.dropped_to_dlq > 0)
    {
        let _ = writeln!(
            t,
            "  {:<11} overflow dead-lettered: {} refused publishes, {} dropped messages to its DLQ",
            q.name,
            thousands(q.rejected_to_dlq),
            thousands(q.dropped_to_dlq)
        );
    }
    for p in &s.producers {
        if let Some(b) = &p.batch {
            let _ = writeln!(
                t,
                "  {:<11} SendMessageBatch: {} calls carrying {} messages ({:.1} per call; sent full {}, cut at max_bytes {}, after linger_s {}); {} in the open batch at the end",
                p.name,
                thousands(b.calls),
                thousands(b.messages),
                b.mean_messages_per_call,
                thousands(b.full),
                thousands(b.cut_by_bytes),
                thousands(b.lingered),
                thousands(b.open_at_end)
            );
        }
        if let Some(k) = &p.kafka {
            let _ = writeln!(
                t,
                "  {:<11} Kafka producer (idempotence {}, max_in_flight {}): {} batches ({:.1} records each, {} requests saved), linger added {:.1} ms; {} requests, {} retries; reordered {}, duplicates appended {}, dropped {}; blocked {}, buffer full {}, delivery timeouts {}",
                p.name,
                if k.enable_idempotence { "on" } else { "off" },
                k.max_in_flight,
                thousands(k.batches),
                k.mean_records_per_batch,
                thousands(k.requests_saved),
                k.linger_added_mean_ms,
                thousands(k.requests),
                thousands(k.retries),
                thousands(k.reordered),
                thousands(k.duplicates_appended),
                thousands(k.duplicates_dropped),
                thousands(k.blocked),
                thousands(k.buffer_full_errors),
                thousands(k.delivery_timeouts)
            );
        }
    }
    for b in &s.blob_stores {
        blob_store(t, b);
    }
    for b in &s.brokers {
        let _ = writeln!(
            t,
            "  {:<11} broker on {}: memory peak {:.0} MB of a {:.0} MB watermark  blocked publishers {} times for {}  publishes refused {}",
            b.name,
            b.queues.join(", "),
            b.peak_bytes as f64 / 1048576.0,
            b.limit_bytes as f64 / 1048576.0,
            b.blocks,
            secs(b.blocked_s),
            thousands(b.refused_publishes)
        );
    }
    for tp in &s.topics {
        if let Some(r) = &tp.replication {
            let _ = writeln!(
                t,
                "  {:<11} replicated ×{} on {} brokers (min.insync {}): acknowledged then lost {} (failover {}, unclean election {})  failed before the ack {}  refused {} (not enough replicas) + {} (offline)  elections {} ({} unclean)",
                tp.name,
                r.replication_factor,
                r.brokers,
                r.min_insync_replicas,
                thousands(r.acked_lost),
                thousands(r.acked_lost_leader_failover),
                thousands(r.acked_lost_unclean_election),
                thousands(r.unacked_lost),
                thousands(r.not_enough_replicas),
                thousands(r.offline_refusals),
                r.leader_elections,
                r.unclean_elections
            );
        }
        if let Some(c) = &tp.compaction {
            let _ = writeln!(
                t,
                "  {:<11} cleanup.policy {}: {} appended, held {} at the end (peak {})  live keys {} (peak {})  {} cleaner passes removed {} superseded + {} tombstones",
                tp.name,
                c.cleanup_policy,
                thousands(tp.appended),
                thousands(c.held_records_final),
                thousands(c.held_records_peak),
                thousands(c.live_keys_final),
                thousands(c.live_keys_peak),
                thousands(c.compaction_passes),
                thousands(c.records_compacted),
                thousands(c.tombstones_removed)
            );
        }
    }
    for c in &s.consumers {
        if let Some(l) = &c.lambda {
            let reserved = l
                .reserved_concurrency
                .map_or(String::new(), |r| format!(", reserved {r}"));
            let _ = writeln!(
                t,
                "  {:<11} pollers peak {} (cap {}{reserved})  concurrency peak {}  invocations {}  throttled {}  timed out {}",
                c.name,
                l.peak_pollers,
                l.pollers_cap,
                c.peak_concurrency,
                thousands(l.invocations),
                thousands(l.throttles),
                thousands(l.timeouts)
            );
        }
        if let Some(a) = &c.autoscale {
            let _ = writeln!(
                t,
                "  {:<11} autoscaled {}–{} workers: peak {}  mean {:.1}  scaled up {} times (+{})  down {} times (−{})  {:.1} worker-hours",
                c.name,
                a.min_workers,
                a.max_workers,
                a.peak_workers,
                a.mean_workers,
                a.scale_ups,
                thousands(a.workers_added),
                a.scale_downs,
                thousands(a.workers_removed),
                a.worker_seconds / 3600.0
            );
        }
        if let Some(k) = &c.retry_tiers {
            let tiers: Vec<String> = k
                .tiers
                .iter()
                .map(|t| match t.delay_s {
                    Some(d) => format!("{} ({}) {}", t.queue, secs(d), thousands(t.moved)),
                    None => format!("{} {}", t.queue, thousands(t.moved)),
                })
                .collect();
            let _ = writeln!(
                t,
                "  {:<11} retry tiers: {}  parked in {} {} ({} poison)",
                c.name,
                tiers.join(" → "),
                k.parking,
                thousands(k.parked),
                thousands(k.parked_poison)
            );
        }
        if let Some(o) = &c.order {
            let matters = if o.order_matters { " (matters)" } else { "" };
            let _ = if o.out_of_order == 0 {
                writeln!(
                    t,
                    "  {:<11} key order{matters}: {} keyed applications, every key in order ({} keys)",
                    c.name,
                    thousands(o.applied),
                    thousands(o.keys)
                )
            } else {
                writeln!(
                    t,
                    "  {:<11} key order{matters}: {} of {} keyed applications out of order ({}), on {} of {} keys, up to {} behind",
                    c.name,
                    thousands(o.out_of_order),
                    thousands(o.applied),
                    crate::report::format::percent(o.out_of_order as f64 / o.applied.max(1) as f64),
                    thousands(o.keys_reordered),
                    thousands(o.keys),
                    secs(o.max_behind_s)
                )
            };
            if let Some(e) = o.entities.as_ref().filter(|e| e.out_of_order > 0) {
                let _ = writeln!(
                    t,
                    "  {:<11} per entity (the key before its {} parts): {} out of order, on {} of {} entities, up to {} behind",
                    c.name,
                    e.key_parts,
                    thousands(e.out_of_order),
                    thousands(e.entities_reordered),
                    thousands(e.entities),
                    secs(e.max_behind_s)
                );
            }
        }
        if let Some(k) = &c.crashes {
            let _ = writeln!(
                t,
                "  {:<11} crashed {} times: {} messages it held left to their visibility timeout",
                c.name,
                k.crashes,
                thousands(k.abandoned_messages)
            );
        }
        if let Some(d) = c.publish.as_ref().and_then(|p| p.dual_write.as_ref()) {
            let _ = writeln!(
                t,
                "  {:<11} dual write ({}): writes without their event {} (then published late {}, lost {})  events without their write {}  events published twice {}",
                c.name,
                d.order.replace('_', " "),
                thousands(d.writes_without_event),
                thousands(d.events_late),
                thousands(d.events_lost),
                thousands(d.events_without_write),
                thousands(d.duplicate_events)
            );
        }
        if let Some(o) = c.publish.as_ref().and_then(|p| p.outbox.as_ref()) {
            let _ = writeln!(
                t,
                "  {:<11} outbox ({} relay): {} rows written, {} published, {} pending  peak {}  relay lag p50 {}  p99 {}  max {}",
                c.name,
                o.relay,
                thousands(o.rows_written),
                thousands(o.rows_published),
                thousands(o.rows_pending),
                thousands(o.peak_rows),
                secs(o.relay_lag.p50_s),
                secs(o.relay_lag.p99_s),
                secs(o.relay_lag.max_s)
            );
        }
        if let Some(k) = &c.calls {
            let _ = writeln!(
                t,
                "  {:<11} calls {}: failed {}  retries {}  budget denied {}  breaker opened {} (rejected {})",
                c.name,
                k.chain.join(" → "),
                thousands(k.call_failures),
                thousands(k.retries),
                thousands(k.retry_budget_denied),
                k.breaker_opened,
                thousands(k.breaker_rejections)
            );
        }
    }
    for c in &s.consumers {
        let Some(g) = &c.group else { continue };
        let hot = g.partitions.iter().max_by_key(|p| p.lag);
        let hot = hot.filter(|p| p.lag > 0).map_or(String::new(), |p| {
            format!(" (most: partition {}, {})", p.partition, thousands(p.lag))
        });
        // On a compacted topic: what the cleaner removed before the group
        // read it.
        let mut compacted = if g.superseded_by_compaction + g.missed_deletes > 0 {
            format!(
                "  superseded by compaction {}  missed deletes {}",
                thousands(g.superseded_by_compaction),
                thousands(g.missed_deletes)
            )
        } else {
            String::new()
        };
        if g.deleted_before_join > 0 {
            compacted += &format!(
                "  deleted before it joined {}",
                thousands(g.deleted_before_join)
            );
        }
        let _ = writeln!(
            t,
            "  {:<11} group on {}: members {} ({} idle)  processed {}  duplicates {}  lag {}{hot}, oldest {}  lost {} (retention) + {} (crashes)  dead-lettered {}{compacted}",
            c.name,
            g.topic,
            g.members,
            g.idle_members,
            thousands(g.processed),
            thousands(g.duplicates),
            thousands(g.lag),
            secs(g.max_lag_s),
            thousands(g.lost_to_retention),
            thousands(g.lost_to_crashes),
            thousands(g.dead_lettered)
        );
        if let Some(m) = &g.membership {
            let _ = writeln!(
                t,
                "  {:<11} membership ({}{}): rebalances {} ({} rebalancing, {:.0} %)  partitions moved {}  expelled {}  session timeouts {}  left {}  joined {}  static returns {}",
                c.name,
                m.protocol,
                if m.static_membership { ", static" } else { "" },
                thousands(m.rebalances),
                secs(m.rebalancing_s),
                100.0 * m.rebalancing_fraction,
                thousands(m.partitions_moved),
                thousands(m.expelled_slow),
                thousands(m.session_expiries),
                thousands(m.leaves),
                thousands(m.joins),
                thousands(m.static_returns)
            );
        }
    }
    for tp in &s.topics {
        let _ = writeln!(
            t,
            "  {:<11} topic: {} partition(s)  appended {}  deleted by retention {}",
            tp.name,
            tp.partitions,
            thousands(tp.appended),
            thousands(tp.deleted)
        );
    }
    for p in &s.pushes {
        push_lines(t, p);
    }
    for b in &s.buses {
        bus_lines(t, b);
    }
    for d in &s.databases {
        let crash = d.first_crash_s.map_or(String::new(), |at| {
            format!("  CRASHED at {} ({} down)", secs(at), secs(d.down_s))
        });
        let _ = writeln!(
            t,
            "  {:<11} connections peak {} of {}  queries {}  refused {}  pool timeouts {}  errors {}{crash}",
            d.name,
            d.peak_connections,
            d.max_connections,
            thousands(d.queries),
            thousands(d.refusals),
            thousands(d.pool_timeouts),
            thousands(d.errors)
        );
    }
    for a in &s.apis {
        let _ = writeln!(
            t,
            "  {:<11} calls {}  throttled {}  errors {}  down {}",
            a.name,
            thousands(a.calls),
            thousands(a.throttles),
            thousands(a.errors),
            thousands(a.down_rejections)
        );
    }
}

/// A bus's events, then one line per rule: where its copies went.
fn bus_lines(t: &mut String, b: &crate::model::bus::summary::BusSummary) {
    let _ = writeln!(
        t,
        "  {:<11} bus: published {}  matched by no rule (discarded) {}",
        b.name,
        thousands(b.published),
        thousands(b.unmatched)
    );
    for r in &b.rules {
        let targets: Vec<&str> = r.targets.iter().map(|t| t.name.as_str()).collect();
        let _ = writeln!(
            t,
            "  {:<11} rule → [{}]: matched {}  delivered {}  refused {}  retries {}  dead-lettered {}  dropped {}  waiting {}",
            r.name,
            targets.join(", "),
            thousands(r.matched),
            thousands(r.delivered),
            thousands(r.refusals),
            thousands(r.retries),
            thousands(r.dead_lettered),
            thousands(r.dropped),
            thousands(r.waiting_retry_at_end)
        );
    }
}

/// A push topic's fan-out, then one line per endpoint: what its deliveries
/// came to.
fn push_lines(t: &mut String, p: &crate::run::PushSummary) {
    let queues: Vec<String> = p
        .queues
        .iter()
        .map(|q| {
            let lost = if q.rejected > 0 {
                format!(" ({} refused)", thousands(q.rejected))
            } else {
                String::new()
            };
            format!("{}{lost}", q.queue)
        })
        .collect();
    let endpoints: Vec<&str> = p.endpoints.iter().map(|e| e.consumer.as_str()).collect();
    let _ = writeln!(
        t,
        "  {:<11} push: published {}  to queues [{}]  endpoints [{}]",
        p.name,
        thousands(p.published),
        queues.join(", "),
        endpoints.join(", ")
    );
    for e in &p.endpoints {
        let _ = writeln!(
            t,
            "  {:<11} deliveries: attempts {}  acked {}  refused (busy) {}  timed out {}  failed {}  retries {}  late answers {}  dead-lettered {}  dropped {}  pending {}",
            e.consumer,
            thousands(e.attempts),
            thousands(e.acked),
            thousands(e.rejected),
            thousands(e.timed_out),
            thousands(e.failed),
            thousands(e.retries),
            thousands(e.late),
            thousands(e.dead_lettered),
            thousands(e.dropped),
            thousands(e.pending_at_end)
        );
    }
}

/// With pipeline stages, every stage's queue counts its arrivals: how many of
/// the messages produced were published onward by a stage, so that a reader
/// does not take the total for the orders that came in.
fn onward_share(s: &Summary) -> String {
    let onward: u64 = s
        .consumers
        .iter()
        .filter_map(|c| c.publish.as_ref().map(|p| p.published))
        .sum();
    if onward == 0 {
        return String::new();
    }
    format!(
        " ({} entering, {} published onward by pipeline stages)",
        thousands(s.ledger.produced.saturating_sub(onward)),
        thousands(onward)
    )
}
