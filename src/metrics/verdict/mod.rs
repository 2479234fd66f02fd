//! The verdict a reviewer reads first: `stable`, `degraded` or `collapsed`,
//! with every reason that holds, the worst first.
//!
//! Collapsed is harm that grows without bound: the longer the run, the worse
//! (collapse.rs). Degraded is harm that is done but bounded: messages
//! dead-lettered or lost, side effects applied twice, publishes refused, a
//! consumer with no headroom, a backlog not back to its level (degraded.rs).
//! Both are judged online, from rows as they are sampled or from counters the
//! world keeps: no run keeps its whole time series.

pub mod collapse;
pub mod degraded;
pub mod saturation;

pub use collapse::{
    Crash, ProducerCrash, judge, judge_backlog, judge_crashes, judge_producer_crashes,
};

use serde::Serialize;

/// What a run is, at a glance.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Stable,
    Degraded,
    Collapsed,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Stable => "stable",
            State::Degraded => "degraded",
            State::Collapsed => "collapsed",
        }
    }
}

/// Why a run is not stable. The order is the severity: collapse reasons first
/// (in the order they are checked), then degraded ones, the most harmful first.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A producer's buffer of unsent messages filled up with
    /// `on_full = "crash"`: it stopped for good, its buffer lost.
    ProducerOutOfMemory,
    /// A downstream (a database) crashed under the load it was sent.
    DownstreamCrashed,
    BacklogCap,
    EventLimit,
    /// Simulated time stopped advancing: many events in a row at one instant.
    Stalled,
    /// The wall-clock budget (`run --max-wall`) stopped the run.
    WallClock,
    /// The trigger is gone and goodput stays far below the offered load.
    Metastable,
    BacklogGrowth,
    /// Messages rejected, dropped or expired at the end of the run: the queue
    /// holds by throwing work away.
    MessageLoss,
    /// A blob store's bytes stored passed its `storage_budget_gb`.
    StorageBudgetExceeded,
    // Degraded from here on.
    /// Messages or records lost for good (retention, crashes, auto-commit,
    /// drops, refusals without retry, a producer's buffer), though the loss
    /// stopped before the end.
    MessagesLost,
    /// A dual write's database and event stream disagree: writes whose event
    /// was never published, events published for a write that did not happen.
    StreamDisagrees,
    /// Messages that were processed successfully and dead-lettered anyway.
    DeadLetteredAfterSuccess,
    /// Healthy (non-poison) messages dead-lettered.
    DeadLettered,
    /// Client requests that failed for good: out of attempts, refused a retry
    /// by the budget, or stopped by the breaker.
    RequestsFailed,
    /// Side effects applied more than once.
    AppliedMoreThanOnce,
    /// Keyed messages applied after a later message of their key, at a
    /// consumer whose scenario says order matters (`order_matters`).
    AppliedOutOfOrder,
    /// A consumer group kept rebalancing: a large share of the run spent in
    /// rebalances, or members expelled again and again for batches longer
    /// than `max.poll.interval.ms` (their work done over and over).
    RebalanceStorm,
    /// A consumer group on a compacted topic read a value of a key and then
    /// never saw its delete: the tombstone was compacted away before the
    /// group got to it (`delete_retention_s` shorter than its lag).
    DeletesMissed,
    /// Claim-check payloads orphaned in a blob store without a lifecycle
    /// rule: they are never deleted, and their storage grows without bound.
    PayloadsOrphaned,
    /// Publishes refused by a full queue (retried by the producer).
    PublishRefused,
    /// After the last trigger, goodput came back but the backlog or the age of
    /// the oldest waiting message did not come back near its level before, or
    /// not for a whole window before the run ended.
    NotRecovered,
    /// After the last trigger the run came back to normal, but later than one
    /// recovery window after the trigger ended: work waited meanwhile.
    RecoveredLate,
    /// A consumer had every worker busy for most of the measured run.
    Saturated,
}

impl Reason {
    /// Every reason, worst first.
    pub const ALL: [Reason; 24] = [
        Reason::ProducerOutOfMemory,
        Reason::DownstreamCrashed,
        Reason::BacklogCap,
        Reason::EventLimit,
        Reason::Stalled,
        Reason::WallClock,
        Reason::Metastable,
        Reason::BacklogGrowth,
        Reason::MessageLoss,
        Reason::StorageBudgetExceeded,
        Reason::MessagesLost,
        Reason::StreamDisagrees,
        Reason::DeadLetteredAfterSuccess,
        Reason::DeadLettered,
        Reason::RequestsFailed,
        Reason::AppliedMoreThanOnce,
        Reason::AppliedOutOfOrder,
        Reason::RebalanceStorm,
        Reason::DeletesMissed,
        Reason::PayloadsOrphaned,
        Reason::PublishRefused,
        Reason::NotRecovered,
        Reason::RecoveredLate,
        Reason::Saturated,
    ];

    /// The reason named `name` in summary.json, for readers of written files.
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The name used in summary.json.
    pub fn name(self) -> &'static str {
        match self {
            Reason::BacklogGrowth => "backlog_growth",
            Reason::MessageLoss => "message_loss",
            Reason::StorageBudgetExceeded => "storage_budget_exceeded",
            Reason::BacklogCap => "backlog_cap",
            Reason::EventLimit => "event_limit",
            Reason::Stalled => "stalled",
            Reason::WallClock => "wall_clock",
            Reason::DownstreamCrashed => "downstream_crashed",
            Reason::Metastable => "metastable",
            Reason::ProducerOutOfMemory => "producer_out_of_memory",
            Reason::MessagesLost => "messages_lost",
            Reason::StreamDisagrees => "stream_disagrees",
            Reason::DeadLetteredAfterSuccess => "dead_lettered_after_success",
            Reason::DeadLettered => "dead_lettered",
            Reason::RequestsFailed => "requests_failed",
            Reason::AppliedMoreThanOnce => "applied_more_than_once",
            Reason::AppliedOutOfOrder => "applied_out_of_order",
            Reason::RebalanceStorm => "rebalance_storm",
            Reason::DeletesMissed => "deletes_missed",
            Reason::PayloadsOrphaned => "payloads_orphaned",
            Reason::PublishRefused => "publish_refused",
            Reason::NotRecovered => "not_recovered",
            Reason::RecoveredLate => "recovered_late",
            Reason::Saturated => "saturated",
        }
    }

    /// Whether the reason collapses the run (harm that grows without bound)
    /// rather than degrading it (harm done, but bounded).
    pub fn collapses(self) -> bool {
        self < Reason::MessagesLost
    }

    /// One sentence for a reviewer: what the reason means.
    pub fn meaning(self) -> &'static str {
        match self {
            Reason::ProducerOutOfMemory => {
                "a producer's buffer filled up and it crashed, losing what it held and producing nothing more"
            }
            Reason::DownstreamCrashed => {
                "a database crashed under the load it was sent; what followed is its consequence"
            }
            Reason::BacklogCap => "the backlog passed run.max_backlog and the run was stopped",
            Reason::EventLimit => {
                "the run passed its step budget (run.max_events, or the default derived from the scenario) and was stopped"
            }
            Reason::Stalled => {
                "simulated time stopped advancing: the run spent many events at one instant and was stopped"
            }
            Reason::WallClock => {
                "the run passed its wall-clock budget (--max-wall) and was stopped"
            }
            Reason::Metastable => {
                "the trigger ended but goodput stayed below the offered load to the end: the failure sustains itself"
            }
            Reason::BacklogGrowth => {
                "the messages held still grow at the end of the run: arrivals exceed what is processed"
            }
            Reason::MessageLoss => {
                "messages are still being rejected, dropped or expired at the end: the system holds by throwing work away"
            }
            Reason::StorageBudgetExceeded => {
                "a blob store's storage passed the budget the scenario gives it: payloads pile up faster than they are cleaned up, and the storage bill with them"
            }
            Reason::MessagesLost => {
                "messages or records were lost for good, to retention, crashes, auto-commit, full queues or buffers; the loss has stopped"
            }
            Reason::StreamDisagrees => {
                "a dual write crashed or failed between its database write and its publish: writes whose event was never published, or events published for writes that did not happen"
            }
            Reason::DeadLetteredAfterSuccess => {
                "messages were processed successfully and dead-lettered anyway: the zombie loop"
            }
            Reason::DeadLettered => "healthy messages, not poison, ended in a dead-letter queue",
            Reason::RequestsFailed => {
                "client requests failed for good: they ran out of attempts, or the retry budget or the breaker stopped them"
            }
            Reason::AppliedMoreThanOnce => {
                "side effects were applied more than once: duplicate deliveries met no idempotency"
            }
            Reason::AppliedOutOfOrder => {
                "messages were applied after a later message of the same key, where the scenario says order matters: stale writes over newer ones"
            }
            Reason::RebalanceStorm => {
                "a consumer group kept rebalancing: partitions stood still while members left, joined or were expelled for slow batches, and the work since the last commit was done again"
            }
            Reason::DeletesMissed => {
                "a consumer group read a key's value but never its delete: the tombstone was compacted away (after delete_retention_s) before the group got to it, so the group keeps a key that is gone"
            }
            Reason::PayloadsOrphaned => {
                "claim-check payloads were left in a blob store that never expires them: digital waste, whose objects and storage bill keep accumulating as long as the system runs"
            }
            Reason::PublishRefused => {
                "a full queue refused publishes; the producer had to retry or buffer"
            }
            Reason::NotRecovered => {
                "after the last trigger the backlog or the age of the oldest waiting message did not come back near its level before, or not for a whole window (verdict.recovery_window_s) before the run ended"
            }
            Reason::RecoveredLate => {
                "after the last trigger the run came back to normal, but more than one recovery window after it ended: messages or requests waited meanwhile"
            }
            Reason::Saturated => {
                "a consumer had every worker busy for most of the run: no headroom for the next spike"
            }
        }
    }
}

/// One reason that holds, with its component and its numbers.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Finding {
    pub reason: Reason,
    /// The queue, consumer, producer or database it is about; None for the
    /// run as a whole.
    pub component: Option<String>,
    /// The evidence, in words, with the numbers.
    pub detail: String,
    /// The messages concerned (dead-lettered, lost, refused…) …
    pub count: Option<u64>,
    /// … out of this many …
    pub of: Option<u64>,
    /// … and the fraction (a share of time for `saturated`).
    pub fraction: Option<f64>,
    /// When it began, when known.
    pub at_s: Option<f64>,
}

impl Finding {
    pub fn new(reason: Reason, component: Option<&str>, detail: String) -> Finding {
        Finding {
            reason,
            component: component.map(str::to_string),
            detail,
            count: None,
            of: None,
            fraction: None,
            at_s: None,
        }
    }

    /// `count` of `of`, and their fraction.
    pub fn counting(mut self, count: u64, of: u64) -> Finding {
        self.count = Some(count);
        self.of = Some(of);
        self.fraction = (of > 0).then(|| count as f64 / of as f64);
        self
    }
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Verdict {
    pub state: State,
    /// `state == collapsed`, kept for sweeps (collapse points) and scripts.
    pub collapsed: bool,
    /// `state == degraded`: a sweep averages it into the degraded fraction.
    pub degraded: bool,
    /// The worst reason.
    pub reason: Option<Reason>,
    /// When the worst reason began (growth: the last time the backlog was
    /// still small).
    pub at_s: Option<f64>,
    /// The evidence, in words: the collapse's, or every degraded reason's.
    pub detail: String,
    /// Every reason that holds, the worst first.
    pub reasons: Vec<Finding>,
}

impl Verdict {
    pub fn stable(detail: String) -> Verdict {
        Verdict {
            state: State::Stable,
            collapsed: false,
            degraded: false,
            reason: None,
            at_s: None,
            detail,
            reasons: vec![],
        }
    }

    pub fn collapsed(reason: Reason, at_s: f64, detail: String) -> Verdict {
        let mut finding = Finding::new(reason, None, detail.clone());
        finding.at_s = Some(at_s);
        Verdict {
            state: State::Collapsed,
            collapsed: true,
            degraded: false,
            reason: Some(reason),
            at_s: Some(at_s),
            detail,
            reasons: vec![finding],
        }
    }

    /// The collapse's first reason names its component.
    pub fn about(mut self, component: &str) -> Verdict {
        if let Some(f) = self.reasons.first_mut() {
            f.component = Some(component.to_string());
        }
        self
    }

    /// Adds the reasons judged from the world's counters after the run:
    /// degraded ones, and a collapse found there (a storage budget passed).
    /// A collapsed run stays collapsed and lists them after its collapse; a
    /// run that was not collapses on a collapse reason found; a stable one
    /// becomes degraded, its worst reason first.
    pub fn with_degraded(mut self, mut found: Vec<Finding>) -> Verdict {
        if found.is_empty() {
            return self;
        }
        // Stable sort: within a reason, components keep the scenario's order.
        found.sort_by_key(|f| f.reason);
        if self.state != State::Collapsed && found[0].reason.collapses() {
            let worst = &found[0];
            self.state = State::Collapsed;
            self.collapsed = true;
            self.degraded = false;
            self.reason = Some(worst.reason);
            self.at_s = worst.at_s;
            self.detail = worst.detail.clone();
        } else if self.state == State::Stable {
            let worst = &found[0];
            self.state = State::Degraded;
            self.degraded = true;
            self.reason = Some(worst.reason);
            self.at_s = worst.at_s;
            self.detail = found
                .iter()
                .map(|f| f.detail.as_str())
                .collect::<Vec<_>>()
                .join("; ");
        }
        self.reasons.extend(found);
        self
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_reason_is_listed_once_worst_first_and_found_by_its_name() {
        assert!(Reason::ALL.windows(2).all(|w| w[0] < w[1]));
        for r in Reason::ALL {
            assert_eq!(Reason::from_name(r.name()), Some(r));
        }
        assert_eq!(Reason::from_name("no_such_reason"), None);
    }

    use super::*;

    fn found(reason: Reason, component: &str) -> Finding {
        Finding::new(reason, Some(component), format!("{component}: harm"))
    }

    #[test]
    fn degraded_reasons_come_worst_first_and_a_collapse_before_them() {
        let harm = || {
            vec![
                found(Reason::Saturated, "pool"),
                found(Reason::DeadLettered, "b"),
                found(Reason::MessagesLost, "q"),
                found(Reason::DeadLettered, "a"),
            ]
        };
        let v = Verdict::stable("trend +0".into()).with_degraded(harm());
        assert_eq!(
            (v.state, v.degraded, v.collapsed),
            (State::Degraded, true, false)
        );
        assert_eq!(v.reason, Some(Reason::MessagesLost));
        let order: Vec<_> = v
            .reasons
            .iter()
            .map(|f| (f.reason, f.component.as_deref().unwrap()))
            .collect();
        // Within a reason, the components keep their order.
        assert_eq!(
            order,
            [
                (Reason::MessagesLost, "q"),
                (Reason::DeadLettered, "b"),
                (Reason::DeadLettered, "a"),
                (Reason::Saturated, "pool"),
            ]
        );
        assert_eq!(v.detail, "q: harm; b: harm; a: harm; pool: harm");
        // A collapse stays the verdict; the harm is listed after it.
        let c =
            Verdict::collapsed(Reason::BacklogGrowth, 35.0, "grew".into()).with_degraded(harm());
        assert_eq!(
            (c.state, c.reason, c.at_s),
            (State::Collapsed, Some(Reason::BacklogGrowth), Some(35.0))
        );
        assert_eq!(c.detail, "grew");
        assert_eq!(c.reasons.len(), 5);
        assert!(c.reasons[0].reason.collapses() && !c.reasons[1].reason.collapses());
        // Nothing found: stable stays stable.
        assert_eq!(
            Verdict::stable("x".into()).with_degraded(vec![]).state,
            State::Stable
        );
    }
}
