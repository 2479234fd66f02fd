//! A client's entry in summary.json: how much load it offered, how many
//! attempts that took, and what came of them.

use crate::engine::to_secs;
use crate::metrics::LatencySummary;
use crate::model::client::{Clients, Target};
use crate::model::summarise::{Links, Summarised};
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

impl Summarised for Clients {
    type Entry = ClientSummary;

    fn summary(&self, r: &Links) -> ClientSummary {
        let k = &self.c;
        ClientSummary {
            name: self.p.name.clone(),
            target: match self.p.target {
                Target::Service(s) => r.service_name(s.index()).to_string(),
                Target::Record(x) => r.record_name(x.index()).to_string(),
                Target::Queue(q) => r.queue_name(q.index()).to_string(),
            },
            kind: if self.p.closed.is_some() {
                "closed"
            } else {
                "open"
            }
            .to_string(),
            clients: self.p.closed.as_ref().map(|l| l.count),
            requests: k.requests,
            attempts: k.attempts,
            successes: k.successes,
            gave_up: k.gave_up,
            in_progress_at_end: self.in_progress(),
            timeouts: k.timeouts,
            rejections: k.rejections,
            errors: k.errors,
            conflicts: k.conflicts,
            retries: k.retries,
            late_answers: k.late_answers,
            breaker_rejections: k.breaker_rejections,
            budget_denied: k.budget_denied,
            amplification: if k.requests == 0 {
                0.0
            } else {
                k.attempts as f64 / k.requests as f64
            },
            attempts_per_success: (k.successes > 0).then(|| k.attempts as f64 / k.successes as f64),
            last_success_s: self.last_success.map(to_secs),
            latency: self.latency.summary(),
            hedge: self.hedge.as_ref().map(|h| HedgeSummary {
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
            jobs: matches!(self.p.target, Target::Queue(_)).then(|| {
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
        }
    }
}
