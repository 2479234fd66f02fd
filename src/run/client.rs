//! The summary's entries for clients and what they call: how much load was
//! offered, how many attempts it took, what came of them, and the work a
//! service did for clients that had given up.

use crate::engine::{SimTime, to_secs};
use crate::metrics::LatencySummary;
use crate::model::World;
use crate::model::client::{Clients, Target};
use crate::model::downstream::record::Record;
use crate::model::downstream::service::Service;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ClientSummary {
    pub name: String,
    pub target: String,
    /// "open" (a rate of requests) or "closed" (N clients with think time).
    pub kind: String,
    pub clients: Option<u32>,
    /// Logical requests started: the offered load.
    pub requests: u64,
    pub attempts: u64,
    pub successes: u64,
    pub gave_up: u64,
    pub in_progress_at_end: u64,
    pub timeouts: u64,
    pub rejections: u64,
    pub errors: u64,
    pub conflicts: u64,
    pub retries: u64,
    pub late_answers: u64,
    pub breaker_rejections: u64,
    pub budget_denied: u64,
    /// Attempts per logical request (1 = no retries).
    pub amplification: f64,
    /// Attempts per successful request; None without a success.
    pub attempts_per_success: Option<f64>,
    /// Time of the last success (closed loop with `requests_each`: when the
    /// last client was done).
    pub last_success_s: Option<f64>,
    /// Logical request start → success, after warm-up.
    pub latency: LatencySummary,
    /// With `[client.hedge]`: the extra copies and what they won.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<HedgeSummary>,
    /// A client of a queue: the jobs it submitted and what became of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<JobsSummary>,
}

/// A queue's client: its submissions, and the work done for nobody.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct JobsSummary {
    /// Jobs that reached the queue (every attempt: the first submission and
    /// each re-submission), and those the queue's limit refused.
    pub submitted: u64,
    pub refused: u64,
    /// Jobs processed after their client had given up on them (it timed out
    /// and re-submitted, or gave up): work done for nobody.
    pub completed_late: u64,
    /// Of the jobs completed, the share completed late.
    pub wasted_share: f64,
}

/// What hedging cost and what it won.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct HedgeSummary {
    /// The delay in force at the end (a percentile's latest), None when a
    /// percentile's warm-up was never reached.
    pub delay_s: Option<f64>,
    /// Extra copies sent.
    pub sent: u64,
    /// Attempts answered by an extra copy.
    pub won: u64,
    /// Extra copies per attempt: the extra load on the service.
    pub extra_load: f64,
    /// Share of the extra copies that answered their attempt.
    pub won_share: Option<f64>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ServiceSummary {
    pub name: String,
    pub base_s: f64,
    /// The mean of `service_s`, the drawn part of a request's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_mean_s: Option<f64>,
    pub slope_s: f64,
    /// 1 / slope: the throughput it tends to as its concurrency grows.
    pub capacity_per_s: Option<f64>,
    pub max_concurrency: Option<u32>,
    pub accepted: u64,
    pub completed: u64,
    /// Completed for a client that had given up on it.
    pub wasted: u64,
    pub rejected: u64,
    pub down_rejections: u64,
    pub errors: u64,
    pub peak_in_service: u32,
    pub mean_in_service: f64,
    pub in_service_at_end: u32,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct RecordSummary {
    pub name: String,
    pub reads: u64,
    pub writes: u64,
    pub conflicts: u64,
    /// Successful writes.
    pub version: u64,
}

pub fn clients(w: &World) -> Vec<ClientSummary> {
    w.clients.iter().map(|c| client(w, c)).collect()
}

fn client(w: &World, c: &Clients) -> ClientSummary {
    let k = &c.c;
    ClientSummary {
        name: c.p.name.clone(),
        target: match c.p.target {
            Target::Service(s) => w.services[s.index()].p.name.clone(),
            Target::Record(r) => w.records[r.index()].p.name.clone(),
            Target::Queue(q) => w.queues[q.index()].p.name.clone(),
        },
        kind: if c.p.closed.is_some() {
            "closed"
        } else {
            "open"
        }
        .to_string(),
        clients: c.p.closed.as_ref().map(|l| l.count),
        requests: k.requests,
        attempts: k.attempts,
        successes: k.successes,
        gave_up: k.gave_up,
        in_progress_at_end: c.in_progress(),
        timeouts: k.timeouts,
        rejections: k.rejections,
        errors: k.errors,
        conflicts: k.conflicts,
        retries: k.retries,
        late_answers: k.late_answers,
        jobs: matches!(c.p.target, Target::Queue(_)).then(|| {
            let completed = k.successes + k.late_answers;
            JobsSummary {
                submitted: k.submitted,
                refused: k.submit_refused,
                completed_late: k.late_answers,
                wasted_share: if completed > 0 {
                    k.late_answers as f64 / completed as f64
                } else {
                    0.0
                },
            }
        }),
        breaker_rejections: k.breaker_rejections,
        budget_denied: k.budget_denied,
        amplification: if k.requests == 0 {
            0.0
        } else {
            k.attempts as f64 / k.requests as f64
        },
        attempts_per_success: (k.successes > 0).then(|| k.attempts as f64 / k.successes as f64),
        last_success_s: c.last_success.map(to_secs),
        latency: c.latency.summary(),
        hedge: c.hedge.as_ref().map(|h| HedgeSummary {
            delay_s: h.delay().map(to_secs),
            sent: h.c.sent,
            won: h.c.won,
            extra_load: if k.attempts == 0 {
                0.0
            } else {
                h.c.sent as f64 / k.attempts as f64
            },
            won_share: (h.c.sent > 0).then(|| h.c.won as f64 / h.c.sent as f64),
        }),
    }
}

pub fn services(w: &World, end: SimTime) -> Vec<ServiceSummary> {
    w.services.iter().map(|s| service(s, end)).collect()
}

fn service(s: &Service, end: SimTime) -> ServiceSummary {
    ServiceSummary {
        name: s.p.name.clone(),
        base_s: s.p.base_s,
        service_mean_s: s.p.service.as_ref().map(|_| s.p.service_mean_s),
        slope_s: s.p.slope_s,
        capacity_per_s: (s.p.slope_s > 0.0).then(|| 1.0 / s.p.slope_s),
        max_concurrency: s.p.max_concurrency,
        accepted: s.c.accepted,
        completed: s.c.completed,
        wasted: s.c.wasted,
        rejected: s.c.rejected,
        down_rejections: s.c.down_rejections,
        errors: s.c.errors,
        peak_in_service: s.peak,
        mean_in_service: s.level.mean(end, s.in_service as u64),
        in_service_at_end: s.in_service,
    }
}

pub fn records(w: &World) -> Vec<RecordSummary> {
    w.records.iter().map(record).collect()
}

fn record(r: &Record) -> RecordSummary {
    RecordSummary {
        name: r.p.name.clone(),
        reads: r.c.reads,
        writes: r.c.writes,
        conflicts: r.c.conflicts,
        version: r.version,
    }
}
