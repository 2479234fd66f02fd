//! What the degraded judgements look at, gathered from the world's counters
//! at the end of the run (and the saturation read from the rows): one entry
//! per component, so that each reason names where the harm is.

use crate::engine::{SimTime, to_secs};
use crate::metrics::ledger::Ledger;
use crate::metrics::verdict::degraded::{
    DeadLetters, Disagreement, Evidence, FailedRequests, Loss, MissedDeletes, Orphans, OutOfOrder,
    Rebalancing, Refusals,
};
use crate::model::World;
use crate::model::event::QueueId;
use crate::model::message::State;
use crate::model::producer::Sink;

/// "expired 3, dropped 2": the non-zero parts.
fn how(parts: &[(&str, u64)]) -> String {
    parts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{what} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn gather<'a>(
    w: &World,
    end: SimTime,
    ledger: &Ledger,
    saturation: Vec<(&'a str, f64)>,
) -> Evidence<'a> {
    Evidence {
        dead_letters: dead_letters(w),
        losses: losses(w),
        disagreements: w
            .consumers
            .iter()
            .filter_map(|c| {
                let o = c.onward.as_ref()?;
                Some(Disagreement {
                    component: c.p.name.clone(),
                    events_lost: o.c.events_lost,
                    events_without_write: o.c.events_without_write,
                    writes: c.c.goodput,
                })
            })
            .collect(),
        refusals: w
            .producers
            .iter()
            .filter_map(|p| {
                let b = p.buffer.as_ref()?;
                // A broker's blocked refusals are counted per queue: one
                // producer per queue in the usual case, all of them here.
                let blocked = match p.p.sink {
                    Sink::Queue(q) => w.queues[q.index()].c.refused_blocked,
                    _ => 0,
                };
                Some(Refusals {
                    producer: p.p.name.clone(),
                    refused: b.c.refusals,
                    attempts: p.c.produced + b.c.refusals,
                    blocked: blocked.min(b.c.refusals),
                })
            })
            .collect(),
        failed_requests: w
            .clients
            .iter()
            .map(|k| FailedRequests {
                client: k.p.name.clone(),
                failed: k.c.gave_up,
                requests: k.c.requests,
            })
            .collect(),
        applied_more_than_once: ledger.applied_more_than_once,
        orphans: w
            .blob_stores
            .iter()
            .map(|b| Orphans {
                store: b.p.name.clone(),
                orphans: b.forever_orphans,
                bytes: b.forever_orphan_bytes,
                budget_bytes: b.p.budget_bytes,
                over_budget: b.over_budget(),
            })
            .collect(),
        missed_deletes: w
            .consumers
            .iter()
            .filter_map(|c| {
                let g = c.kind.group()?;
                let t = &w.topics[g.topic.index()];
                let removed = t.compaction.as_ref()?.c.tombstones_removed;
                Some(MissedDeletes {
                    group: c.p.name.clone(),
                    topic: t.p.name.clone(),
                    missed: g.partitions.iter().map(|s| s.missed_deletes).sum(),
                    tombstones_removed: removed,
                })
            })
            .collect(),
        out_of_order: w
            .consumers
            .iter()
            .filter_map(|c| {
                let o = c.key_order.as_ref().filter(|o| o.matters)?;
                Some(OutOfOrder {
                    consumer: c.p.name.clone(),
                    what: "keyed messages applied",
                    out_of_order: o.c.out_of_order,
                    applied: o.c.applied,
                    keys_reordered: o.c.keys_reordered,
                    keys: o.c.keys,
                    max_behind_s: o.max_behind_s(),
                })
            })
            .chain(producer_reorders(w))
            .collect(),
        rebalancing: w
            .consumers
            .iter()
            .filter_map(|c| {
                let g = c.kind.group()?;
                let ms = g.membership.as_ref()?;
                Some(Rebalancing {
                    consumer: c.p.name.clone(),
                    members: g.assigned.len() as u32,
                    rebalances: ms.c.rebalances,
                    fraction: to_secs(ms.rebalancing_to(end)) / to_secs(end).max(1e-9),
                    expelled_slow: ms.c.expelled_slow,
                    session_expiries: ms.c.session_expiries,
                    reprocessed: g.partitions.iter().map(|s| s.duplicates).sum(),
                })
            })
            .collect(),
        // Messages to queues, and records appended to topics.
        produced: ledger.produced + w.topics.iter().map(|t| t.appended).sum::<u64>(),
        saturation,
    }
}

/// A Kafka producer whose retries appended keyed records after later ones of
/// their key, to a topic read by a group that says order matters.
fn producer_reorders(w: &World) -> impl Iterator<Item = OutOfOrder> + '_ {
    w.producers.iter().filter_map(|p| {
        let k = p.kafka.as_ref()?;
        let o = k.order.as_ref()?;
        let Sink::Topic(t) = p.p.sink else {
            return None;
        };
        let matters = w.topics[t.index()]
            .groups
            .iter()
            .any(|c| (w.consumers[c.index()].key_order.as_ref()).is_some_and(|o| o.matters));
        matters.then(|| OutOfOrder {
            consumer: p.p.name.clone(),
            what: "keyed records appended by the producer's retries",
            out_of_order: o.c.out_of_order,
            applied: o.c.applied,
            keys_reordered: o.c.keys_reordered,
            keys: o.c.keys,
            max_behind_s: o.max_behind_s(),
        })
    })
}

/// One entry per dead-letter queue, named after the queues that feed it.
fn dead_letters(w: &World) -> Vec<DeadLetters> {
    // (held, poison, after success) per queue, from the messages the
    // dead-letter queues hold: the ledger counts them the same way.
    let mut held = vec![(0u64, 0u64, 0u64); w.queues.len()];
    for m in w.arena.iter_live() {
        // Held by a queue: a topic's records and push copies are elsewhere.
        if !matches!(m.state, State::Visible | State::InFlight | State::Delayed) {
            continue;
        }
        let Some(h) = held.get_mut(m.queue as usize) else {
            continue;
        };
        h.0 += 1;
        h.1 += u64::from(m.poison());
        h.2 += u64::from(m.successes() > 0);
    }
    w.queues
        .iter()
        .enumerate()
        .filter(|(_, q)| q.p.is_dlq)
        .map(|(i, dlq)| {
            // Queues that dead-letter here, and work queues whose consumer
            // parks its failed messages here after its retry tiers.
            let parks_here = |s: usize| {
                w.consumers.iter().any(|c| {
                    c.p.queue.index() == s
                        && c.tiers
                            .as_ref()
                            .is_some_and(|t| t.parking == QueueId::of(i))
                })
            };
            let sources: Vec<usize> = (0..w.queues.len())
                .filter(|&s| w.queues[s].p.dlq == Some(QueueId::of(i)) || parks_here(s))
                .collect();
            // Bus rules that dead-letter here: their copies were received.
            let rules: Vec<(String, u64)> = w
                .buses
                .iter()
                .flat_map(|b| b.rules.iter().map(move |r| (b, r)))
                .filter(|(_, r)| r.dlq == Some(QueueId::of(i)))
                .map(|(b, r)| (format!("{}/{}", b.name, r.name), r.c.copies))
                .collect();
            let component = if sources.is_empty() && rules.is_empty() {
                dlq.p.name.clone()
            } else {
                sources
                    .iter()
                    .map(|&s| w.queues[s].p.name.clone())
                    .chain(rules.iter().map(|(n, _)| n.clone()))
                    .collect::<Vec<_>>()
                    .join("+")
            };
            let poison_sent = w
                .producers
                .iter()
                .filter(|p| matches!(p.p.sink, Sink::Queue(q) if sources.contains(&q.index())))
                .map(|p| p.c.poison)
                .sum();
            let (h, poison, after_success) = held[i];
            // Without a source queue, push endpoints dead-letter into it:
            // what they received is their copies.
            let from_rules: u64 = rules.iter().map(|(_, n)| n).sum();
            let received = from_rules
                + if sources.is_empty() && rules.is_empty() {
                    w.consumers
                        .iter()
                        .filter_map(|c| c.kind.endpoint())
                        .map(|e| e.c.copies)
                        .sum::<u64>()
                } else {
                    // A refusal dead-lettered was offered to its queue too.
                    sources
                        .iter()
                        .map(|&s| w.queues[s].c.published + w.queues[s].c.rejected_to_dlq)
                        .sum::<u64>()
                };
            DeadLetters {
                component,
                received,
                poison_sent,
                held: h,
                poison,
                after_success,
            }
        })
        .collect()
}

/// Messages lost for good, per queue, group, producer buffer and push endpoint.
fn losses(w: &World) -> Vec<Loss> {
    let mut out = vec![];
    for q in w.queues.iter().filter(|q| !q.p.is_dlq) {
        // A refusal whose copy the queue dead-lettered (`reject_publish_dlx`)
        // is not lost: the copy is in the dead-letter queue, where the
        // verdict's dead letters count it.
        let refused_lost = q.c.rejected.saturating_sub(q.c.rejected_to_dlq);
        // A message over `max_message_bytes` is refused whatever the queue
        // holds: not a full queue's doing.
        let too_large = q.c.refused_too_large.min(refused_lost);
        // Nor is a call the FIFO throughput quota throttled.
        let throttled = q.c.throttled_lost.min(refused_lost - too_large);
        out.push(Loss {
            component: q.p.name.clone(),
            lost: q.c.expired + q.c.dropped + refused_lost,
            of: q.offered(),
            unit: "messages",
            how: how(&[
                ("expired", q.c.expired),
                ("dropped by a full queue", q.c.dropped),
                (
                    "refused by a full queue",
                    refused_lost - too_large - throttled,
                ),
                ("refused as larger than max_message_bytes", too_large),
                ("refused by the throughput quota (throttled)", throttled),
            ]),
        });
    }
    for c in &w.consumers {
        if let Some(g) = c.kind.group() {
            let retention: u64 = g.partitions.iter().map(|s| s.lost_to_retention).sum();
            let crashes: u64 = g.partitions.iter().map(|s| s.lost_to_crashes).sum();
            out.push(Loss {
                component: c.p.name.clone(),
                lost: retention + crashes,
                of: w.topics[g.topic.index()].appended,
                unit: "records",
                how: how(&[
                    ("deleted by retention before they were read", retention),
                    (
                        "skipped after a crash (committed, never processed)",
                        crashes,
                    ),
                ]),
            });
        }
        if let Some(e) = c.kind.endpoint() {
            out.push(Loss {
                component: c.p.name.clone(),
                lost: e.c.dropped,
                of: e.c.copies,
                unit: "copies",
                how: how(&[("copies dropped after their last attempt", e.c.dropped)]),
            });
        }
    }
    // A bus rule's copies whose retries ran out with nowhere to go.
    for b in &w.buses {
        for r in &b.rules {
            out.push(Loss {
                component: format!("{}/{}", b.name, r.name),
                lost: r.c.dropped,
                of: r.c.copies,
                unit: "copies",
                how: how(&[(
                    "dropped after their retries (no dead-letter queue, or it refused them)",
                    r.c.dropped,
                )]),
            });
        }
    }
    // A replicated topic's acknowledged records that a leader change
    // truncated: the producer counts them as sent, no one will read them.
    for t in &w.topics {
        if let Some(r) = &t.replication {
            let (failover, unclean) = (r.c.acked_lost_failover, r.c.acked_lost_unclean);
            out.push(Loss {
                component: t.p.name.clone(),
                lost: failover + unclean,
                of: r.c.sent,
                unit: "acknowledged records",
                how: how(&[
                    ("truncated by a leader failover (acks 0 or 1)", failover),
                    ("truncated by an unclean leader election", unclean),
                ]),
            });
        }
    }
    // A topic, push topic or bus refuses a message above its
    // `max_message_bytes`; the producer does not retry it.
    for p in &w.producers {
        let (table, limit) = match p.p.sink {
            Sink::Topic(t) => ("topic", w.topics[t.index()].size_gate.max),
            Sink::Push(t) => ("push topic", w.pushes[t.index()].size_gate.max),
            Sink::Bus(b) => ("bus", w.buses[b.index()].size_gate.max),
            Sink::Queue(_) => continue,
        };
        out.push(Loss {
            component: p.p.name.clone(),
            lost: p.c.too_large,
            of: p.messages(),
            unit: "messages",
            how: how(&[(
                &format!(
                    "refused by its {table} as larger than max_message_bytes ({} bytes)",
                    limit.unwrap_or(0)
                ),
                p.c.too_large,
            )]),
        });
    }
    // A Kafka producer's records that failed and never reached the log.
    for p in &w.producers {
        if let Some(k) = &p.kafka {
            let c = &k.c;
            // A failed record the broker had appended is in the log: not lost.
            let mut appended = c.failed_appended;
            let mut not_appended = |n: u64| {
                let a = appended.min(n);
                appended -= a;
                n - a
            };
            let (timeouts, exhausted) = (
                not_appended(c.delivery_timeouts),
                not_appended(c.retries_exhausted),
            );
            out.push(Loss {
                component: p.p.name.clone(),
                lost: k.lost(),
                of: c.sends,
                unit: "records",
                how: how(&[
                    (
                        "failed with the buffer full after max_block_ms (buffer_full_errors)",
                        c.buffer_full_errors,
                    ),
                    (
                        "not acknowledged within delivery_timeout_ms (delivery_timeouts)",
                        timeouts,
                    ),
                    ("failed after their retries (retries_exhausted)", exhausted),
                ]),
            });
        }
    }
    for p in &w.producers {
        if let Some(b) = &p.buffer {
            out.push(Loss {
                component: p.p.name.clone(),
                lost: b.lost(),
                of: p.messages(),
                unit: "messages",
                how: how(&[
                    ("dropped by a full buffer", b.c.dropped_full),
                    ("given up after their attempts", b.c.gave_up),
                    ("lost with the buffer in a crash", b.c.lost_at_crash),
                ]),
            });
        }
    }
    out.retain(|l| l.lost > 0);
    out
}
