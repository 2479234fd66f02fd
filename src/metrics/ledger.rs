//! Conservation: at the end of a run every produced message is in exactly one
//! place. The ledger counts terminal outcomes as they happen and what queues hold
//! at the end, and cross-checks both against the message arena; a mismatch is a
//! bug in the simulator and fails the run.

use super::imbalance::{Imbalance, StateCounts, Unbalanced};
use crate::model::World;
use crate::model::message::State;
use crate::model::producer::Sink;
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

/// The run's ledger; what does not balance is an error (a simulator bug).
pub fn settle(w: &World) -> Result<Ledger, Unbalanced> {
    let main = || w.queues.iter().filter(|q| !q.p.is_dlq);
    let endpoints = || w.consumers.iter().filter_map(|c| c.kind.endpoint());
    let mut l = Ledger {
        // Messages to queues; a topic's records are accounted per group.
        produced: w
            .producers
            .iter()
            .filter(|p| matches!(p.p.sink, Sink::Queue(_)))
            .map(|p| p.messages())
            .sum::<u64>()
            + w.pushes.iter().map(|t| t.queue_copies).sum::<u64>()
            + endpoints().map(|e| e.c.dead_lettered).sum::<u64>()
            // Jobs clients submitted to queues.
            + w.clients.iter().map(|c| c.c.submitted).sum::<u64>(),
        processed: w.queues.iter().map(|q| q.c.deletes).sum(),
        dead_lettered: w
            .queues
            .iter()
            .filter(|q| q.p.is_dlq)
            .map(|q| q.depth())
            .sum(),
        expired: w.queues.iter().map(|q| q.c.expired).sum(),
        dropped: w.queues.iter().map(|q| q.c.dropped).sum(),
        rejected: w.queues.iter().map(|q| q.c.rejected).sum(),
        in_system: InSystem {
            visible: main().map(|q| q.visible_n).sum(),
            in_flight: main().map(|q| q.in_flight_n).sum(),
            delayed: main().map(|q| q.delayed_n).sum(),
        },
        duplicates: w.consumers.iter().map(|c| c.c.duplicates).sum(),
        applied_more_than_once: w.applied_more_than_once,
        dead_lettered_after_success: 0,
        dead_lettered_poison: 0,
        push: (!w.pushes.is_empty()).then(|| PushLedger {
            published: w.pushes.iter().map(|t| t.published).sum(),
            queue_copies: w.pushes.iter().map(|t| t.queue_copies).sum(),
            endpoint_copies: endpoints().map(|e| e.c.copies).sum(),
            acked: endpoints().map(|e| e.c.acked).sum(),
            dead_lettered: endpoints().map(|e| e.c.dead_lettered).sum(),
            dropped: endpoints().map(|e| e.c.dropped).sum(),
            pending: endpoints().map(|e| e.pending).sum(),
        }),
        producers: producer_ledger(w),
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
        + producer_lost;
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
    let policy_rejected: u64 = w
        .producers
        .iter()
        .filter(|p| p.buffer.is_some())
        .map(|p| p.c.rejected)
        .sum();
    if let Some(p) = &l.producers
        && (p.messages != p.accepted + p.buffered + p.lost() || policy_rejected > 0)
    {
        problems.push(Imbalance::PublishPolicy {
            messages: p.messages,
            accepted: p.accepted,
            buffered: p.buffered,
            lost: p.lost(),
            rejected: policy_rejected,
        });
    }
    let producer_rejected: u64 = w.producers.iter().map(|p| p.c.rejected).sum::<u64>()
        + w.pushes.iter().flat_map(|t| &t.queue_rejected).sum::<u64>()
        + w.clients.iter().map(|c| c.c.submit_refused).sum::<u64>();
    if producer_rejected != l.rejected {
        problems.push(Imbalance::Rejections {
            seen: producer_rejected,
            made: l.rejected,
        });
    }
    // Endpoint copies are created as copies; a dead-lettered one enters a
    // queue without a new message.
    let adopted: u64 = endpoints().map(|e| e.c.dead_lettered).sum();
    // A message in a producer's buffer, or lost there, never entered the arena.
    let created = w.arena.created() - w.record_copies - w.endpoint_copies;
    let accepted = l.produced - l.rejected - adopted - buffered - producer_lost;
    if created != accepted {
        problems.push(Imbalance::Created { created, accepted });
    }
    if let Some(p) = &l.push {
        problems.extend(push_problems(w, p));
    }
    problems.extend(log_problems(w));
    problems.extend(client_problems(w));
    // What the queues say they hold must be what the arena holds, state by state.
    let (mut vis, mut fl, mut del) = (0u64, 0u64, 0u64);
    let pushed = w.arena.iter_live().filter(|m| m.state == State::Pushed);
    let pushed = pushed.count() as u64;
    if pushed != l.push.as_ref().map_or(0, |p| p.pending) {
        problems.push(Imbalance::PushCopies {
            in_arena: pushed,
            pending: l.push.as_ref().map(|p| p.pending),
        });
    }
    let in_queues =
        |m: &&crate::model::message::Message| !matches!(m.state, State::Fetched | State::Pushed);
    for m in w.arena.iter_live().filter(in_queues) {
        match m.state {
            State::Visible => vis += 1,
            State::InFlight => fl += 1,
            State::Delayed => del += 1,
            _ => {}
        }
        if !m.state.is_terminal() && w.queues[m.queue as usize].p.is_dlq {
            l.dead_lettered_poison += u64::from(m.poison);
            l.dead_lettered_after_success += u64::from(m.successes > 0);
        }
        // Released messages were counted on release; these never were.
        if m.successes >= 2 {
            l.applied_more_than_once += 1;
        }
    }
    let q_vis: u64 = w.queues.iter().map(|q| q.visible_n).sum();
    let q_fl: u64 = w.queues.iter().map(|q| q.in_flight_n).sum();
    let q_del: u64 = w.queues.iter().map(|q| q.delayed_n).sum();
    if (vis, fl, del) != (q_vis, q_fl, q_del) {
        problems.push(Imbalance::QueueStates {
            arena: StateCounts {
                visible: vis,
                in_flight: fl,
                delayed: del,
            },
            queues: StateCounts {
                visible: q_vis,
                in_flight: q_fl,
                delayed: q_del,
            },
        });
    }
    if problems.is_empty() {
        l.balanced = true;
        Ok(l)
    } else {
        Err(Unbalanced(problems))
    }
}

fn producer_ledger(w: &World) -> Option<ProducerLedger> {
    let mut out: Option<ProducerLedger> = None;
    for p in &w.producers {
        let Some(b) = &p.buffer else { continue };
        let l = out.get_or_insert_with(ProducerLedger::default);
        l.messages += p.c.made;
        l.accepted += p.c.produced;
        l.buffered += b.held_messages();
        l.dropped_full += b.c.dropped_full;
        l.gave_up += b.c.gave_up;
        l.lost_at_crash += b.c.lost_at_crash;
    }
    out
}

/// Every logical request succeeded, was given up, or is still in progress;
/// every request a service accepted finished, was failed by an outage, or is
/// still in service.
fn client_problems(w: &World) -> Vec<Imbalance> {
    let mut out = vec![];
    for cl in &w.clients {
        let c = &cl.c;
        if c.requests != c.successes + c.gave_up + cl.in_progress() {
            out.push(Imbalance::ClientRequests {
                client: cl.p.name.clone(),
                requests: c.requests,
                succeeded: c.successes,
                gave_up: c.gave_up,
                in_progress: cl.in_progress(),
            });
        }
    }
    let sent: u64 = w
        .clients
        .iter()
        .filter(|cl| matches!(cl.p.target, crate::model::client::Target::Service(_)))
        // A hedged copy is one more request at the service.
        .map(|cl| cl.c.attempts + cl.hedge.as_ref().map_or(0, |h| h.c.sent))
        .sum();
    let mut reached = 0;
    for s in &w.services {
        let failed_in_service = s.c.accepted - s.c.completed - s.in_service as u64;
        reached += s.c.accepted + s.c.rejected + s.c.down_rejections - failed_in_service;
        if s.c.accepted < s.c.completed + s.in_service as u64 {
            out.push(Imbalance::ServiceRequests {
                service: s.p.name.clone(),
                accepted: s.c.accepted,
                completed: s.c.completed,
                in_service: s.in_service as u64,
            });
        }
    }
    // Attempts still on the wire make up the difference.
    if reached > sent {
        out.push(Imbalance::ServiceAttempts { reached, sent });
    }
    out
}

/// Each group, each partition: every offset below `done` was processed once,
/// lost (retention or a crash) or dead-lettered, and nothing is done beyond
/// the log's end.
fn log_problems(w: &World) -> Vec<Imbalance> {
    let mut out = vec![];
    for c in &w.consumers {
        let Some(g) = c.kind.group() else { continue };
        let topic = &w.topics[g.topic as usize];
        for (i, (s, part)) in g.partitions.iter().zip(&topic.partitions).enumerate() {
            let accounted = s.processed + s.lost_to_retention + s.lost_to_crashes + s.dead_lettered;
            if accounted != s.accounted_to() || s.done > part.end() || s.committed > part.end() {
                out.push(Imbalance::Partition {
                    group: c.p.name.clone(),
                    partition: i,
                    done: s.done,
                    end: part.end(),
                    processed: s.processed,
                    lost_to_retention: s.lost_to_retention,
                    lost_to_crashes: s.lost_to_crashes,
                    dead_lettered: s.dead_lettered,
                });
            }
        }
    }
    out
}

/// Each copy ends once, and the topics made one copy per publish and
/// subscription.
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
    for t in &w.pushes {
        let copies: u64 = t
            .endpoints
            .iter()
            .filter_map(|&c| w.consumers[c as usize].kind.endpoint())
            .map(|e| e.c.copies)
            .sum();
        let subs = (t.queues.len() + t.endpoints.len()) as u64;
        if copies + t.queue_copies != t.published * subs {
            out.push(Imbalance::PushTopic {
                topic: t.name.clone(),
                publishes: t.published,
                subscriptions: subs,
                copies: copies + t.queue_copies,
            });
        }
    }
    if w.endpoint_copies != p.endpoint_copies {
        out.push(Imbalance::EndpointCopiesMade {
            made: w.endpoint_copies,
            counted: p.endpoint_copies,
        });
    }
    out
}
