//! What a run reports in summary.json: totals, latencies, the ledger, the verdict,
//! and one entry per component.

use super::{ApiSummary, TopicSummary};
use super::{ClientSummary, RecordSummary, ServiceSummary};
use super::{ConsumerSummary, DatabaseSummary, ProducerSummary, QueueSummary};
use crate::engine::{Stop, to_secs};
use crate::metrics::ledger::Ledger;
use crate::metrics::recovery::{self, Recovery};
use crate::metrics::review::Review;
use crate::metrics::verdict::{
    Crash, ProducerCrash, Reason, Verdict, collapse, degraded, judge_crashes,
    judge_producer_crashes,
};
use crate::metrics::{Latency, LatencySummary};
use crate::model::World;
use crate::model::message::State;
use crate::model::summarise::{Links, entries};
use crate::scenario::{
    FaultKind, ProfileKind, ProfileStep, Scenario, consumer_name, producer_name,
};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Latencies {
    /// Publish → first successful processing.
    pub end_to_end: LatencySummary,
    /// Publish → first receive.
    pub queue_wait: LatencySummary,
}

/// A window in which the scenario changes its load on purpose (a spike).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Trigger {
    pub label: String,
    pub from_s: f64,
    pub to_s: f64,
    /// Something goes down (an outage, a member's crash), as opposed to a
    /// change of load or of latency: charts give it the hue of down time.
    #[serde(skip)]
    pub down: bool,
}

impl Trigger {
    /// The label of an outage window on `target`: charts that shade down
    /// intervals know by it which of them the trigger's shading already shows.
    pub fn outage_label(target: &str) -> String {
        format!("outage ({target})")
    }

    /// Whether a trigger labelled `label` is down time: an outage or a
    /// member's crash (summary.json keeps the label, not the flag).
    pub fn is_down_label(label: &str) -> bool {
        label.starts_with("outage (") || label.starts_with("crash (")
    }
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub title: Option<String>,
    /// Keys `run --set` changed from the scenario file: the run is a what-if.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<crate::scenario::Override>,
    pub seed: u64,
    pub replication: u64,
    pub horizon_s: f64,
    pub warmup_s: f64,
    /// Where the run ended (the horizon, or earlier when a guard stopped it).
    pub ended_at_s: f64,
    pub stop: String,
    pub events: u64,
    /// After warm-up, per second.
    pub arrival_rate_per_s: f64,
    pub goodput_per_s: f64,
    pub latency: Latencies,
    pub ledger: Ledger,
    pub verdict: Verdict,
    /// Peak backlog, drain, peak age, P(wait), counters whole and measured.
    pub review: Review,
    pub triggers: Vec<Trigger>,
    /// Recovery after the last trigger that ended (None without one).
    pub recovery: Option<Recovery>,
    pub producers: Vec<ProducerSummary>,
    pub queues: Vec<QueueSummary>,
    /// Broker nodes with a memory high watermark (`[[broker]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brokers: Vec<crate::model::broker::BrokerSummary>,
    pub consumers: Vec<ConsumerSummary>,
    pub databases: Vec<DatabaseSummary>,
    pub apis: Vec<ApiSummary>,
    pub topics: Vec<TopicSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<ClientSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pushes: Vec<super::PushSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buses: Vec<crate::model::bus::summary::BusSummary>,
    /// Blob stores (claim checks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blob_stores: Vec<crate::model::blob_store::summary::BlobStoreSummary>,
    /// When each `[[alarm]]` fired, and how long after its trigger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<super::AlarmSummary>,
    /// Queueing theory beside the run, where a part has a closed form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub theory: Vec<crate::metrics::cross_check::Check>,
    /// Each `[slo]` objective, met or missed, with its margin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slo: Vec<super::SloCheck>,
    /// What the run cost by the cost model (docs/cost.md); None in a
    /// summary written before it.
    #[serde(default)]
    pub cost: Option<crate::cost::Cost>,
}

/// What was judged from the rows as they came.
pub(super) struct Judged {
    /// The collapse verdict of the final window (or of the guard that stopped the run).
    pub verdict: Verdict,
    pub alarms: Vec<super::AlarmSummary>,
    pub theory: Vec<crate::metrics::cross_check::Check>,
    pub triggers: Vec<Trigger>,
    pub recovery: Option<Recovery>,
    pub review: Option<Review>,
    /// Each consumer's share of samples with every worker busy.
    pub saturation: Vec<(String, f64)>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn summarise(
    s: &Scenario,
    label: &str,
    w: &World,
    end: u64,
    stop: &Stop,
    events: u64,
    ledger: Ledger,
    judged: Judged,
) -> Summary {
    let Judged {
        verdict,
        alarms,
        theory,
        triggers,
        recovery,
        review,
        saturation,
    } = judged;
    let span = (to_secs(end) - s.run.warmup_s).max(1e-9);
    let mut e2e = Latency::default();
    let mut wait = Latency::default();
    let reach = Links::new(w, end, span);
    let queues: Vec<QueueSummary> = entries(&w.queues, &reach);
    for q in w.queues.iter().filter(|q| !q.p.is_dlq) {
        wait.merge(&q.wait);
    }
    for g in w.consumers.iter().filter_map(|c| c.kind.group()) {
        wait.merge(&g.wait);
    }
    let consumers: Vec<ConsumerSummary> = entries(&w.consumers, &reach);
    for c in &w.consumers {
        e2e.merge(&c.e2e);
    }
    let arrivals: f64 = queues
        .iter()
        .filter(|q| !q.dead_letter_queue)
        .map(|q| q.arrival_rate_per_s)
        .sum::<f64>()
        + w.topics
            .iter()
            .map(|t| (t.appended - t.dead_letter_appends - t.appended_mark) as f64 / span)
            .sum::<f64>()
        // A publish to a push topic is one arrival, whatever its copies.
        + w.pushes
            .iter()
            .map(|t| {
                let copies = t.queue_copies - t.queue_copies_mark;
                (t.published - t.published_mark) as f64 / span - copies as f64 / span
            })
            .sum::<f64>()
        // An event to a bus is one arrival, whatever its copies (into
        // queues, or publishes to push topics, both counted there).
        + w.buses
            .iter()
            .map(|b| {
                let copies = b.delivered() - b.delivered_mark;
                (b.published - b.published_mark) as f64 / span - copies as f64 / span
            })
            .sum::<f64>();
    let databases: Vec<DatabaseSummary> = entries(&w.databases, &reach);
    let crashes: Vec<Crash> = databases
        .iter()
        .map(|d| Crash {
            name: &d.name,
            first_s: d.first_crash_s.unwrap_or(f64::INFINITY),
            crashes: d.crashes,
            down_s: d.down_s,
        })
        .collect();
    let collapse = judge_producer_crashes(
        &producer_crashes(w),
        crashes
            .iter()
            .filter(|c| c.crashes > 0)
            .map(|c| c.first_s)
            .reduce(f64::min),
        &verdict,
    )
    .or_else(|| judge_crashes(&crashes, &verdict))
    .or_else(|| guarded(&verdict).then(|| verdict.clone()))
    .or_else(|| recovery::verdict(recovery.as_ref()?, &s.verdict))
    .unwrap_or_else(|| clients_only(s, recovery.as_ref()).unwrap_or(verdict));
    let saturation = saturation.iter().map(|(n, f)| (n.as_str(), *f)).collect();
    let mut harm = degraded::judge(
        &super::evidence::gather(w, end, &ledger, saturation),
        &s.verdict,
    );
    harm.extend(recovery.as_ref().and_then(recovery::not_recovered));
    harm.extend(
        recovery
            .as_ref()
            .and_then(|r| recovery::recovered_late(r, &s.verdict)),
    );
    harm.extend(collapse::judge_storage(&over_budget(w)));
    let verdict = collapse.with_degraded(harm);
    let mut review = review.unwrap_or_else(|| {
        crate::metrics::review::ReviewWatch::new(None, s.run.warmup_s, &s.verdict).review()
    });
    review.dead_lettered_fraction =
        (ledger.produced > 0).then(|| ledger.dead_lettered as f64 / ledger.produced as f64);
    review.p_wait = wait.share_above_zero();
    // Waiting messages are unprocessed too: a record skipped after a crash
    // waited without ever being processed.
    let (peak, at) = [
        (e2e.summary().max_s, e2e.max_at_s()),
        (review.peak_oldest_age_s, review.peak_oldest_age_at_s),
        (unprocessed_age(w, end), to_secs(end)),
    ]
    .into_iter()
    .fold((0.0, 0.0), |best, c| {
        if c.0 > best.0 || (c.0 == best.0 && c.1 < best.1) {
            c
        } else {
            best
        }
    });
    review.peak_unprocessed_age_s = peak;
    review.peak_unprocessed_age_at_s = at;
    let mut summary = Summary {
        scenario: label.to_string(),
        title: s.run.title.clone(),
        overrides: s.overrides.clone(),
        seed: s.run.seed,
        replication: s.run.replication,
        horizon_s: s.run.horizon_s,
        warmup_s: s.run.warmup_s,
        ended_at_s: to_secs(end),
        stop: match stop {
            Stop::Horizon => "horizon".into(),
            Stop::Drained => "drained".into(),
            Stop::Model(why) => why.clone(),
            Stop::EventLimit => "event limit".into(),
            Stop::Interrupted => "interrupted".into(),
            Stop::Stalled(_) => "stalled".into(),
            Stop::WallClock => "wall clock".into(),
        },
        events,
        arrival_rate_per_s: arrivals,
        goodput_per_s: e2e.count() as f64 / span,
        latency: Latencies {
            end_to_end: e2e.summary(),
            queue_wait: wait.summary(),
        },
        ledger,
        verdict,
        review,
        triggers,
        recovery,
        producers: entries(&w.producers, &reach),
        queues,
        brokers: w.brokers.iter().map(|b| b.summary(w, end)).collect(),
        consumers,
        databases,
        apis: entries(&w.apis, &reach),
        topics: entries(&w.topics, &reach),
        clients: entries(&w.clients, &reach),
        services: entries(&w.services, &reach),
        records: entries(&w.records, &reach),
        pushes: entries(&w.pushes, &reach),
        buses: entries(&w.buses, &reach),
        blob_stores: entries(&w.blob_stores, &reach),
        alarms,
        theory,
        slo: vec![],
        cost: None,
    };
    summary.cost = Some(crate::cost::of(s, &summary));
    summary.slo = super::slo::judge(&s.slo, &summary);
    summary
}

/// The age of the oldest message still unprocessed at the end: in a queue
/// (visible, delayed or in flight) or unread by a group.
fn unprocessed_age(w: &World, end: u64) -> f64 {
    let held = w
        .arena
        .iter_live()
        // Held by a queue (a topic's records are the groups' lag below).
        .filter(|m| matches!(m.state, State::Visible | State::InFlight | State::Delayed))
        .filter(|m| w.queues.get(m.queue as usize).is_some_and(|q| !q.p.is_dlq))
        .map(|m| end.saturating_sub(m.published))
        .max()
        .unwrap_or(0);
    let unread = w
        .consumers
        .iter()
        .filter_map(|c| c.kind.group())
        .flat_map(|g| {
            let topic = &w.topics[g.topic.index()];
            (0..g.partitions.len()).map(move |p| g.lag(p, topic, end).1)
        })
        .max()
        .unwrap_or(0);
    to_secs(held.max(unread))
}

/// Producers that ran out of memory.
fn producer_crashes(w: &World) -> Vec<ProducerCrash<'_>> {
    w.producers
        .iter()
        .filter_map(|p| {
            let b = p.buffer.as_ref()?;
            Some(ProducerCrash {
                name: &p.p.name,
                at_s: to_secs(b.crashed_at?),
                lost: b.c.lost_at_crash,
            })
        })
        .collect()
}

/// A run of clients alone, with no queue, holds no messages: its stable
/// verdict speaks of their goodput instead. (Clients that submit jobs to a
/// queue fill it: their run is judged by what it holds, as a producer's is.)
fn clients_only(s: &Scenario, r: Option<&Recovery>) -> Option<Verdict> {
    if !s.producers.is_empty() || !s.queues.is_empty() || s.clients.is_empty() {
        return None;
    }
    Some(Verdict::stable(match r {
        Some(r) => match r.recovered_at_s {
            Some(at) => format!(
                "goodput came back to {:.0} % of the offered load at {at:.0} s, {:.0} s after `{}` ended",
                100.0 * s.verdict.recovery_fraction,
                at - r.trigger_to_s,
                r.trigger
            ),
            None => format!(
                "the run ended within {:.0} s of `{}`",
                s.verdict.recovery_window_s, r.trigger
            ),
        },
        None => "no trigger to recover from".into(),
    }))
}

/// A guard (the backlog cap, the step budget, a stalled instant, the wall
/// clock) stopped the run: its verdict stands.
fn guarded(v: &Verdict) -> bool {
    matches!(
        v.reason,
        Some(Reason::BacklogCap | Reason::EventLimit | Reason::Stalled | Reason::WallClock)
    )
}

/// A profile's changes that can upset a run: spikes, steps and ramps (a
/// sine never ends, so nothing can recover from it).
fn profile_triggers(owner: &str, profile: &[ProfileStep], out: &mut Vec<Trigger>) {
    for st in profile {
        let (label, from_s, to_s) = match st.kind {
            ProfileKind::Spike => {
                let from_s = st.at_s.unwrap_or(0.0);
                (
                    format!("spike ×{}", st.factor.unwrap_or(1.0)),
                    from_s,
                    from_s + st.duration_s.unwrap_or(0.0),
                )
            }
            ProfileKind::Step => {
                let at = st.at_s.unwrap_or(0.0);
                (format!("step to {}/s", st.rate.unwrap_or(0.0)), at, at)
            }
            ProfileKind::Ramp => (
                format!("ramp to {}/s", st.to_rate.unwrap_or(0.0)),
                st.from_s.unwrap_or(0.0),
                st.to_s.unwrap_or(0.0),
            ),
            ProfileKind::Sine => continue,
        };
        out.push(Trigger {
            label: format!("{label} ({owner})"),
            from_s,
            to_s,
            down: false,
        });
    }
}

/// Every window in which the scenario changes its conditions on purpose:
/// an initial backlog, producers' and clients' profiles, consumer crashes,
/// faults.
pub(super) fn triggers(s: &Scenario) -> Vec<Trigger> {
    let mut out = vec![];
    // A backlog waiting at t = 0 is an incident that happened before the run
    // (an outage of the consumers): the run is judged on how it drains, and
    // "normal" is the level after it, not the backlog itself.
    for (i, p) in s.producers.iter().enumerate() {
        if p.initial_backlog > 0 {
            out.push(Trigger {
                label: format!(
                    "initial backlog of {} ({})",
                    crate::export::table::thousands(p.initial_backlog),
                    producer_name(i, p)
                ),
                from_s: 0.0,
                to_s: 0.0,
                down: false,
            });
        }
    }
    for (i, p) in s.producers.iter().enumerate() {
        profile_triggers(&producer_name(i, p), &p.profile, &mut out);
    }
    for c in &s.clients {
        profile_triggers(&c.name, &c.profile, &mut out);
    }
    for (i, c) in s.consumers.iter().enumerate() {
        let Some(g) = &c.group else { continue };
        for &at in &g.crash_at_s {
            out.push(Trigger {
                label: format!("crash ({})", consumer_name(i, c)),
                from_s: at,
                to_s: at,
                down: true,
            });
        }
    }
    for f in &s.faults {
        let label = match f.kind {
            FaultKind::Outage => Trigger::outage_label(&f.target),
            FaultKind::Errors => format!(
                "errors {:.0} % ({})",
                100.0 * f.error_rate.unwrap_or(1.0),
                f.target
            ),
            FaultKind::Latency => format!("latency ×{} ({})", f.factor.unwrap_or(1.0), f.target),
        };
        out.push(Trigger {
            label,
            from_s: f.from_s,
            to_s: f.to_s,
            down: f.kind == FaultKind::Outage,
        });
    }
    out
}

/// The blob stores that passed their storage budget.
fn over_budget(w: &World) -> Vec<collapse::OverBudget<'_>> {
    w.blob_stores
        .iter()
        .filter_map(|b| {
            Some(collapse::OverBudget {
                store: &b.p.name,
                at_s: to_secs(b.c.over_budget_at?),
                budget_bytes: b.p.budget_bytes?,
                peak_bytes: b.c.peak_bytes,
                stored_bytes: b.bytes,
                orphan_bytes: b.orphan_bytes,
            })
        })
        .collect()
}
