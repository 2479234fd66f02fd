//! The degraded judgements: harm done that does not grow without bound. Each
//! is judged from counters the world keeps (or a reader fed row by row) and
//! compared with its threshold in `[verdict]`; each finding names its
//! component and its numbers.

use super::{Finding, Reason};
use crate::export::table::thousands;
use crate::model::blob_store::GIB;
use crate::scenario::VerdictConfig;

/// What a dead-letter queue holds at the end.
pub struct DeadLetters {
    /// The queues that dead-letter into it, or the dead-letter queue itself
    /// when only push endpoints do.
    pub component: String,
    /// Messages those queues received (healthy or poison).
    pub received: u64,
    /// Poison messages sent to them.
    pub poison_sent: u64,
    pub held: u64,
    pub poison: u64,
    pub after_success: u64,
}

/// Messages a component lost for good, and how.
pub struct Loss {
    pub component: String,
    pub lost: u64,
    /// Out of this many (published, appended, made).
    pub of: u64,
    /// What they are: "messages", "records", "copies".
    pub unit: &'static str,
    /// How, in words: "expired 3, dropped 2".
    pub how: String,
}

/// A dual-write stage's disagreements between its database and its events.
pub struct Disagreement {
    pub component: String,
    /// Writes whose event was never published.
    pub events_lost: u64,
    /// Events published for a write that failed or crashed.
    pub events_without_write: u64,
    /// Its writes (first applications).
    pub writes: u64,
}

/// A producer's publishes refused by a full queue, or by a broker blocking
/// its publishers.
pub struct Refusals {
    pub producer: String,
    pub refused: u64,
    pub attempts: u64,
    /// Of `refused`, those refused while the queue's broker was blocked.
    pub blocked: u64,
}

/// A consumer's keyed applications out of order, where order matters.
pub struct OutOfOrder {
    pub consumer: String,
    /// What was out of order: "keyed messages applied" at a consumer, "keyed
    /// records appended by the producer's retries" at a Kafka producer.
    pub what: &'static str,
    pub out_of_order: u64,
    /// Its keyed applications.
    pub applied: u64,
    pub keys_reordered: u64,
    pub keys: u64,
    pub max_behind_s: f64,
}

/// A consumer group's rebalances, for one with a membership protocol.
pub struct Rebalancing {
    pub consumer: String,
    pub members: u32,
    pub rebalances: u64,
    /// Share of the run spent rebalancing.
    pub fraction: f64,
    pub expelled_slow: u64,
    pub session_expiries: u64,
    /// Records the group processed again.
    pub reprocessed: u64,
}

/// A group on a compacted topic that missed deletes (`log/compaction.rs`).
pub struct MissedDeletes {
    pub group: String,
    pub topic: String,
    pub missed: u64,
    /// Tombstones the cleaner removed from the topic.
    pub tombstones_removed: u64,
}

/// A blob store's orphaned payloads (their message is done with them).
pub struct Orphans {
    pub store: String,
    /// Orphans stored at the end that no lifecycle rule will expire, and
    /// their bytes.
    pub orphans: u64,
    pub bytes: u64,
    /// `storage_budget_gb`, and whether the store passed it.
    pub budget_bytes: Option<f64>,
    pub over_budget: bool,
}

/// A client population's requests that failed for good.
pub struct FailedRequests {
    pub client: String,
    pub failed: u64,
    pub requests: u64,
}

/// Everything the degraded judgements look at.
pub struct Evidence<'a> {
    pub dead_letters: Vec<DeadLetters>,
    pub losses: Vec<Loss>,
    pub disagreements: Vec<Disagreement>,
    pub refusals: Vec<Refusals>,
    pub failed_requests: Vec<FailedRequests>,
    /// Messages whose side effect was applied two times or more, of those
    /// produced (messages and records).
    pub applied_more_than_once: u64,
    pub produced: u64,
    /// Consumers with `order_matters`.
    pub out_of_order: Vec<OutOfOrder>,
    /// Groups on compacted topics that missed deletes.
    pub missed_deletes: Vec<MissedDeletes>,
    /// Blob stores holding orphans at the end.
    pub orphans: Vec<Orphans>,
    /// Consumer groups with a membership protocol.
    pub rebalancing: Vec<Rebalancing>,
    /// Each consumer's share of samples with every worker busy.
    pub saturation: Vec<(&'a str, f64)>,
}

fn pct(x: f64) -> String {
    let p = 100.0 * x;
    if p >= 10.0 || p == 0.0 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// More than `max` of `of`: any at all when `max` is 0.
fn over(count: u64, of: u64, max: f64) -> bool {
    count > 0 && count as f64 > max * of as f64
}

/// Every degraded reason that holds, in the evidence's order (the verdict
/// sorts them by severity).
pub fn judge(e: &Evidence, cfg: &VerdictConfig) -> Vec<Finding> {
    let mut out = vec![];
    for l in &e.losses {
        if over(l.lost, l.of, cfg.max_lost_fraction) {
            out.push(
                Finding::new(
                    Reason::MessagesLost,
                    Some(&l.component),
                    format!(
                        "{}: {} of {} {} lost ({}; {})",
                        l.component,
                        thousands(l.lost),
                        thousands(l.of),
                        l.unit,
                        pct(l.lost as f64 / l.of.max(1) as f64),
                        l.how
                    ),
                )
                .counting(l.lost, l.of),
            );
        }
    }
    for d in &e.disagreements {
        let n = d.events_lost + d.events_without_write;
        if over(n, d.writes, cfg.max_lost_fraction) {
            out.push(
                Finding::new(
                    Reason::StreamDisagrees,
                    Some(&d.component),
                    format!(
                        "{}: {} writes whose event was never published, {} events published for a write that failed or crashed (a dual write, of {} writes)",
                        d.component,
                        thousands(d.events_lost),
                        thousands(d.events_without_write),
                        thousands(d.writes)
                    ),
                )
                .counting(n, d.writes),
            );
        }
    }
    for d in &e.dead_letters {
        let processed_ok = d.after_success;
        if over(
            processed_ok,
            d.received,
            cfg.max_dead_lettered_after_success_fraction,
        ) {
            out.push(
                Finding::new(
                    Reason::DeadLetteredAfterSuccess,
                    Some(&d.component),
                    format!(
                        "{}: {} of {} messages dead-lettered after they had been processed successfully",
                        d.component,
                        thousands(processed_ok),
                        thousands(d.received)
                    ),
                )
                .counting(processed_ok, d.received),
            );
        }
        let healthy = d.held.saturating_sub(d.poison);
        let healthy_received = d.received.saturating_sub(d.poison_sent);
        if over(healthy, healthy_received, cfg.max_dead_letter_fraction) {
            out.push(
                Finding::new(
                    Reason::DeadLettered,
                    Some(&d.component),
                    format!(
                        "{}: {} of {} messages dead-lettered ({}), {} poison among them",
                        d.component,
                        thousands(d.held),
                        thousands(d.received),
                        pct(d.held as f64 / d.received.max(1) as f64),
                        thousands(d.poison)
                    ),
                )
                .counting(healthy, healthy_received),
            );
        }
    }
    for f in &e.failed_requests {
        if over(f.failed, f.requests, cfg.max_failed_request_fraction) {
            out.push(
                Finding::new(
                    Reason::RequestsFailed,
                    Some(&f.client),
                    format!(
                        "{}: {} of {} requests failed for good ({})",
                        f.client,
                        thousands(f.failed),
                        thousands(f.requests),
                        pct(f.failed as f64 / f.requests.max(1) as f64)
                    ),
                )
                .counting(f.failed, f.requests),
            );
        }
    }
    if over(
        e.applied_more_than_once,
        e.produced,
        cfg.max_applied_twice_fraction,
    ) {
        out.push(
            Finding::new(
                Reason::AppliedMoreThanOnce,
                None,
                format!(
                    "{} of {} messages had their side effect applied more than once",
                    thousands(e.applied_more_than_once),
                    thousands(e.produced)
                ),
            )
            .counting(e.applied_more_than_once, e.produced),
        );
    }
    for o in &e.out_of_order {
        if over(o.out_of_order, o.applied, cfg.max_out_of_order_fraction) {
            out.push(
                Finding::new(
                    Reason::AppliedOutOfOrder,
                    Some(&o.consumer),
                    format!(
                        "{}: {} of {} {} after a later one of their key ({}), on {} of {} keys, up to {} behind",
                        o.consumer,
                        thousands(o.out_of_order),
                        thousands(o.applied),
                        o.what,
                        pct(o.out_of_order as f64 / o.applied.max(1) as f64),
                        thousands(o.keys_reordered),
                        thousands(o.keys),
                        crate::export::table::secs(o.max_behind_s)
                    ),
                )
                .counting(o.out_of_order, o.applied),
            );
        }
    }
    for r in &e.rebalancing {
        // A storm: rebalancing for a large share of the run, or members
        // expelled for slow batches more often than there are members (one
        // expulsion is an incident; more is a loop).
        if r.fraction > cfg.max_rebalancing_fraction || r.expelled_slow > u64::from(r.members) {
            let mut what = vec![format!(
                "{} rebalances, {} of the run spent rebalancing",
                thousands(r.rebalances),
                pct(r.fraction)
            )];
            if r.expelled_slow > 0 {
                what.push(format!(
                    "{} expulsions for a batch longer than max.poll.interval.ms",
                    thousands(r.expelled_slow)
                ));
            }
            if r.session_expiries > 0 {
                what.push(format!(
                    "{} session timeouts",
                    thousands(r.session_expiries)
                ));
            }
            if r.reprocessed > 0 {
                what.push(format!(
                    "{} records processed again (each repeat counted)",
                    thousands(r.reprocessed)
                ));
            }
            out.push(Finding::new(
                Reason::RebalanceStorm,
                Some(&r.consumer),
                format!("{}: {}", r.consumer, what.join("; ")),
            ));
        }
    }
    // Any missed delete is a stale key kept for good: no threshold.
    for m in e.missed_deletes.iter().filter(|m| m.missed > 0) {
        out.push(
            Finding::new(
                Reason::DeletesMissed,
                Some(&m.group),
                format!(
                    "{}: {} deletes (tombstones) on {} compacted away before it read them, after reading a value of their key: it keeps keys that are gone ({} tombstones removed in all)",
                    m.group,
                    thousands(m.missed),
                    m.topic,
                    thousands(m.tombstones_removed)
                ),
            )
            .counting(m.missed, m.tombstones_removed),
        );
    }
    for o in e.orphans.iter().filter(|o| o.orphans > 0) {
        let budget = match o.budget_bytes {
            Some(b) if o.over_budget => {
                format!("; past its storage budget of {:.0} GB", b / GIB)
            }
            Some(b) => format!("; its storage budget is {:.0} GB", b / GIB),
            None => String::new(),
        };
        out.push(Finding::new(
            Reason::PayloadsOrphaned,
            Some(&o.store),
            format!(
                "{}: {} orphaned payloads ({:.1} GB) stored at the end, with no lifecycle rule to expire them{budget}",
                o.store,
                thousands(o.orphans),
                o.bytes as f64 / GIB
            ),
        ));
    }
    for r in &e.refusals {
        if over(r.refused, r.attempts, cfg.max_refused_fraction) {
            out.push(
                Finding::new(
                    Reason::PublishRefused,
                    Some(&r.producer),
                    if r.blocked > 0 {
                        format!(
                            "{}: {} of {} publish attempts refused by a full queue or a blocked broker ({}; {} while the broker's memory was over its watermark)",
                            r.producer,
                            thousands(r.refused),
                            thousands(r.attempts),
                            pct(r.refused as f64 / r.attempts.max(1) as f64),
                            thousands(r.blocked)
                        )
                    } else {
                        format!(
                            "{}: {} of {} publish attempts refused by a full queue ({})",
                            r.producer,
                            thousands(r.refused),
                            thousands(r.attempts),
                            pct(r.refused as f64 / r.attempts.max(1) as f64)
                        )
                    },
                )
                .counting(r.refused, r.attempts),
            );
        }
    }
    for &(name, share) in &e.saturation {
        if share > cfg.max_saturated_fraction {
            let mut f = Finding::new(
                Reason::Saturated,
                Some(name),
                format!(
                    "{name}: every worker busy in {} of the samples after warm-up",
                    pct(share)
                ),
            );
            f.fraction = Some(share);
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> Evidence<'static> {
        Evidence {
            dead_letters: vec![],
            losses: vec![],
            disagreements: vec![],
            refusals: vec![],
            failed_requests: vec![],
            applied_more_than_once: 0,
            produced: 1000,
            out_of_order: vec![],
            missed_deletes: vec![],
            orphans: vec![],
            rebalancing: vec![],
            saturation: vec![],
        }
    }

    #[test]
    fn a_group_rebalancing_most_of_the_run_or_expelled_in_a_loop_is_a_storm() {
        let cfg = VerdictConfig::default();
        let storm = |fraction: f64, expelled_slow: u64| {
            let mut e = evidence();
            e.rebalancing.push(Rebalancing {
                consumer: "g".into(),
                members: 6,
                rebalances: 12,
                fraction,
                expelled_slow,
                session_expiries: 0,
                reprocessed: 0,
            });
            judge(&e, &cfg)
                .iter()
                .any(|f| f.reason == Reason::RebalanceStorm)
        };
        // A rolling deployment's few percent, one expulsion: incidents.
        assert!(!storm(0.03, 0) && !storm(0.03, 6));
        // Over the share, or more expulsions than members: a storm.
        assert!(storm(0.21, 0) && storm(0.0, 7));
    }

    #[test]
    fn poison_in_the_dead_letter_queue_is_no_harm_healthy_messages_are() {
        let cfg = VerdictConfig::default();
        let mut e = evidence();
        e.dead_letters.push(DeadLetters {
            component: "orders".into(),
            received: 1000,
            poison_sent: 50,
            held: 50,
            poison: 50,
            after_success: 0,
        });
        assert!(judge(&e, &cfg).is_empty());
        // 20 healthy of 950: 2.1 % > 1 %.
        e.dead_letters[0].held = 70;
        let f = judge(&e, &cfg);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].reason, Reason::DeadLettered);
        assert_eq!((f[0].count, f[0].of), (Some(20), Some(950)));
        assert!(
            f[0].detail
                .starts_with("orders: 70 of 1,000 messages dead-lettered (7.0 %), 50 poison")
        );
    }

    #[test]
    fn each_threshold_is_a_fraction_above_which_the_run_degrades() {
        let mut e = evidence();
        e.applied_more_than_once = 5;
        e.refusals.push(Refusals {
            producer: "shop".into(),
            refused: 10,
            attempts: 1000,
            blocked: 0,
        });
        e.saturation.push(("workers", 0.85));
        let reasons = |cfg: &VerdictConfig| -> Vec<Reason> {
            judge(&e, cfg).iter().map(|f| f.reason).collect()
        };
        // Defaults: any double application; refusals 1 % is not more than 1 %.
        assert_eq!(
            reasons(&VerdictConfig::default()),
            [Reason::AppliedMoreThanOnce, Reason::Saturated]
        );
        let lenient = VerdictConfig {
            max_applied_twice_fraction: 0.005,
            max_refused_fraction: 0.005,
            max_saturated_fraction: 0.9,
            max_rebalancing_fraction: 0.2,
            ..VerdictConfig::default()
        };
        assert_eq!(reasons(&lenient), [Reason::PublishRefused]);
    }
}
