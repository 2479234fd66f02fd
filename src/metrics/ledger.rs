//! Conservation: at the end of a run every produced message is in exactly one
//! place. Each component reports its terms — what it let in, holds and ended
//! (`model::account::Accounted`, in the component's folder) — and the ledger
//! sums them and cross-checks them against each other and against the message
//! arena; a mismatch is a bug in the simulator and fails the run.

use super::imbalance::{Imbalance, StateCounts, Unbalanced};
use crate::model::World;
use crate::model::message::State;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct InSystem {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct Ledger {
    /// Publish attempts, the initial backlog included.
    pub produced: u64,
    /// Deleted after a successful processing (once, or with duplicates).
    pub processed: u64,
    /// Held by dead-letter queues at the end.
    pub dead_lettered: u64,
    pub expired: u64,
    /// Discarded by a full queue (drop-oldest).
    pub dropped: u64,
    /// Refused at publish by a full queue: lost.
    pub rejected: u64,
    /// Still held by the other queues at the end.
    pub in_system: InSystem,
    /// Made by producers that send in batches, in a batch not yet sent at
    /// the end (left out at 0).
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub in_producer_batches: u64,
    /// Successful processings beyond a message's first.
    pub duplicates: u64,
    /// Messages whose side effect was applied two times or more.
    pub applied_more_than_once: u64,
    /// Messages held by dead-letter queues at the end although processed
    /// successfully (the zombie loop's signature).
    pub dead_lettered_after_success: u64,
    /// Poison messages among those held by dead-letter queues.
    pub dead_lettered_poison: u64,
    /// Push topics' endpoint copies, when the scenario has push topics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push: Option<PushLedger>,
    /// Producers with a publish policy: what their buffers hold and lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producers: Option<ProducerLedger>,
    /// Claim-check payloads, when the scenario has blob stores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payloads: Option<PayloadLedger>,
    pub balanced: bool,
}

/// Every message a producer with a publish policy made was accepted by its
/// queue, is still in its buffer (or in hand, blocked), or was lost there:
/// buffer full, attempts exhausted, or the buffer lost in a crash.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct ProducerLedger {
    /// Messages made (they are in `produced` above).
    pub messages: u64,
    pub accepted: u64,
    /// In the buffers at the end (in `in_system`'s count, not its fields).
    pub buffered: u64,
    pub dropped_full: u64,
    pub gave_up: u64,
    pub lost_at_crash: u64,
}

impl ProducerLedger {
    pub fn lost(&self) -> u64 {
        self.dropped_full + self.gave_up + self.lost_at_crash
    }
}

/// Every payload object PUT to a blob store ends exactly once: deleted after
/// its message was processed, expired by the lifecycle rule (an orphan, or
/// before its message was processed: a payload lost), or still stored (an
/// orphan whose message is done or was lost, or referenced by a message
/// still in the system or dead-lettered).
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct PayloadLedger {
    pub objects: u64,
    pub deleted_after_processing: u64,
    pub expired_orphans: u64,
    pub expired_unprocessed: u64,
    pub stored_orphans: u64,
    pub stored_referenced: u64,
}

impl PayloadLedger {
    pub fn ended(&self) -> u64 {
        self.deleted_after_processing
            + self.expired_orphans
            + self.expired_unprocessed
            + self.stored_orphans
            + self.stored_referenced
    }
}

/// Every endpoint copy ends exactly once: acked, dead-lettered (into a queue,
/// where the queues' ledger takes it over), dropped, or still pending.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct PushLedger {
    pub published: u64,
    /// Copies put into subscribed queues (they are in `produced` above).
    pub queue_copies: u64,
    pub endpoint_copies: u64,
    pub acked: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
    /// Waiting for a retry or being delivered at the end.
    pub pending: u64,
}

/// The run's ledger: the terms the components report (`Accounted`), summed
/// and checked against each other and against the message arena; what does
/// not balance is an error (a simulator bug).
pub fn settle(w: &World) -> Result<Ledger, Unbalanced> {
    let t = w.ledger_terms();
    let mut l = Ledger {
        produced: t.produced,
        processed: t.processed,
        dead_lettered: t.dead_lettered,
        expired: t.expired,
        dropped: t.dropped,
        rejected: t.rejected,
        in_system: t.in_system,
        in_producer_batches: t.in_producer_batches,
        duplicates: t.duplicates,
        applied_more_than_once: w.applied_more_than_once,
        dead_lettered_after_success: 0,
        dead_lettered_poison: 0,
        push: t.push,
        producers: t.producers,
        payloads: t.payloads,
        balanced: false,
    };
    let held = l.in_system.visible + l.in_system.in_flight + l.in_system.delayed;
    let (buffered, producer_lost) = l
        .producers
        .as_ref()
        .map_or((0, 0), |p| (p.buffered, p.lost()));
    let accounted = l.processed
        + l.dead_lettered
        + l.expired
        + l.dropped
        + l.rejected
        + held
        + buffered
        + producer_lost
        + l.in_producer_batches;
    let mut problems = vec![];
    if accounted != l.produced {
        problems.push(Imbalance::Produced {
            produced: l.produced,
            accounted,
            processed: l.processed,
            dead_lettered: l.dead_lettered,
            expired: l.expired,
            dropped: l.dropped,
            rejected: l.rejected,
            held,
            buffered,
            producer_lost,
        });
    }
    if let Some(p) = &l.producers
        && (p.messages != p.accepted + p.buffered + p.lost() || t.policy_rejected > 0)
    {
        problems.push(Imbalance::PublishPolicy {
            messages: p.messages,
            accepted: p.accepted,
            buffered: p.buffered,
            lost: p.lost(),
            rejected: t.policy_rejected,
        });
    }
    if t.rejections_seen != l.rejected {
        problems.push(Imbalance::Rejections {
            seen: t.rejections_seen,
            made: l.rejected,
        });
    }
    // A message in a producer's buffer, or lost there, never entered the arena.
    let created = w.arena.created() - w.record_copies - w.endpoint_copies;
    let accepted =
        l.produced - l.rejected - t.adopted - buffered - producer_lost - l.in_producer_batches;
    if created != accepted {
        problems.push(Imbalance::Created { created, accepted });
    }
    if let Some(p) = &l.push {
        problems.extend(push_problems(w, p));
    }
    let objects = l.payloads.as_ref().map_or(0, |p| p.objects);
    if t.claim_checks != objects {
        problems.push(Imbalance::ClaimChecks {
            sent: t.claim_checks,
            created: objects,
        });
    }
    problems.extend(w.own_books());
    // Attempts still on the wire make up the difference.
    if t.service_attempts_reached > t.service_attempts_sent {
        problems.push(Imbalance::ServiceAttempts {
            reached: t.service_attempts_reached,
            sent: t.service_attempts_sent,
        });
    }
    // What the queues say they hold must be what the arena holds, state by state.
    let mut arena = StateCounts::default();
    let pushed = w.arena.iter_live().filter(|m| m.state == State::Pushed);
    let pushed = pushed.count() as u64;
    if pushed != l.push.as_ref().map_or(0, |p| p.pending) {
        problems.push(Imbalance::PushCopies {
            in_arena: pushed,
            pending: l.push.as_ref().map(|p| p.pending),
        });
    }
    let in_queues =
        |m: &&crate::model::message::Stored| !matches!(m.state, State::Fetched | State::Pushed);
    for m in w.arena.iter_live().filter(in_queues) {
        match m.state {
            State::Visible => arena.visible += 1,
            State::InFlight => arena.in_flight += 1,
            State::Delayed => arena.delayed += 1,
            _ => {}
        }
        if !m.state.is_terminal() && w.queues[m.queue as usize].p.is_dlq {
            l.dead_lettered_poison += u64::from(m.poison());
            l.dead_lettered_after_success += u64::from(m.successes() > 0);
        }
        // Released messages were counted on release; these never were.
        if m.successes() >= 2 {
            l.applied_more_than_once += 1;
        }
    }
    if arena != t.queue_states {
        problems.push(Imbalance::QueueStates {
            arena,
            queues: t.queue_states,
        });
    }
    if problems.is_empty() {
        l.balanced = true;
        Ok(l)
    } else {
        Err(Unbalanced(problems))
    }
}

/// Each endpoint copy ends once, and the arena made as many as the endpoints
/// counted.
fn push_problems(w: &World, p: &PushLedger) -> Vec<Imbalance> {
    let mut out = vec![];
    let settled = p.acked + p.dead_lettered + p.dropped + p.pending;
    if settled != p.endpoint_copies {
        out.push(Imbalance::EndpointCopies {
            copies: p.endpoint_copies,
            acked: p.acked,
            dead_lettered: p.dead_lettered,
            dropped: p.dropped,
            pending: p.pending,
        });
    }
    if w.endpoint_copies != p.endpoint_copies {
        out.push(Imbalance::EndpointCopiesMade {
            made: w.endpoint_copies,
            counted: p.endpoint_copies,
        });
    }
    out
}
