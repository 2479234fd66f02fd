//! A consumer's entry in summary.json: its kind, its work and latency, and
//! what its kind and its calls add (a poller's caps, a group's partitions,
//! the protections of its calls).

use crate::metrics::LatencySummary;
use crate::model::consumer::{Consumer, Kind};
use crate::model::log::summary::GroupSummary;
use crate::model::producer::Sink;
use crate::model::summarise::{Links, Summarised};
use crate::scenario::WriteOrder;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ConsumerSummary {
    pub name: String,
    pub queue: String,
    /// "pool" (fixed workers), "lambda" (a managed poller), "group" (a
    /// consumer group) or "endpoint" (a push topic's endpoint).
    pub kind: String,
    /// A pool the queue pushes to: unacked messages per worker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefetch: Option<u32>,
    /// Pool size, or the pollers running at the end.
    pub workers: u32,
    /// Most messages (pool) or invocations (lambda) in progress at once.
    pub peak_concurrency: u32,
    pub completions: u64,
    pub goodput: u64,
    pub failures: u64,
    pub duplicates: u64,
    pub empty_receives: u64,
    /// Deliveries the dedupe store found already done (skipped) or locked.
    pub dedupe_skips: u64,
    pub dedupe_conflicts: u64,
    /// Publish → first successful processing, after warm-up.
    pub end_to_end: LatencySummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<LambdaSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calls: Option<CallsSummary>,
    /// A consumer group on a topic: its partitions' progress and lag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupSummary>,
    /// A pipeline stage: what it published onward and how often the next
    /// queue refused (backpressure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<OnwardSummary>,
    /// The chain's first publish → this stage's first successful
    /// processing, for messages an earlier stage published (after warm-up):
    /// at the last stage, the pipeline's end-to-end latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_end_to_end: Option<LatencySummary>,
    /// A prefetch consumer with `crash_at_s`: the unacked messages its
    /// crashes sent back to the queue (redelivered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeued_at_crash: Option<u64>,
    /// An autoscaled pool: its bounds and what the scaler did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<AutoscaleSummary>,
    /// A worker pool that crashes: how often, and the messages its workers
    /// held, left to their visibility timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crashes: Option<CrashSummary>,
    /// Delayed-retry tiers: how many failures each tier took, and what was
    /// parked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_tiers: Option<TiersSummary>,
    /// Keyed messages: how often a key's message was applied after a later
    /// one of its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderSummary>,
    /// Claim-check payloads fetched (a scenario with blob stores), and
    /// inline transfers at `download_mb_per_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<ConsumerPayloadSummary>,
    /// Lambda-like batches cut short by the 6 MB invocation payload limit;
    /// left out at 0.
    #[serde(default, skip_serializing_if = "crate::model::summarise::is_zero")]
    pub batches_cut: u64,
}

/// The order of each key's applications (`key_order.rs`).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct OrderSummary {
    /// The scenario said order matters here (`order_matters`).
    pub order_matters: bool,
    /// Applications of keyed messages, repeats included.
    pub applied: u64,
    /// Of those, applied after a later message of the same key.
    pub out_of_order: u64,
    /// Distinct keys applied, and those with an application out of order.
    pub keys: u64,
    pub keys_reordered: u64,
    /// The most a late application trailed its key's latest, in publish time.
    pub max_behind_s: f64,
    /// Composite keys (`key_parts` > 1): the same per entity (the key before
    /// its split), whose order the split gives up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<EntityOrderSummary>,
}

/// The order per entity of composite keys.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct EntityOrderSummary {
    pub key_parts: u32,
    pub out_of_order: u64,
    pub entities: u64,
    pub entities_reordered: u64,
    pub max_behind_s: f64,
}

/// A consumer's GETs of claim-check payloads and what NoSuchKey did.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ConsumerPayloadSummary {
    /// "transient" or "fatal".
    pub no_such_key_policy: crate::scenario::NoSuchKey,
    pub gets: u64,
    pub no_such_key: u64,
    /// NoSuchKey as transient: back to the queue (counts toward
    /// `max_receive_count`).
    pub returned: u64,
    /// NoSuchKey as fatal: moved to the DLQ, or lost without one.
    pub dead_lettered: u64,
    pub lost: u64,
    /// Seconds spent fetching (GETs, inline transfers), over all workers.
    pub fetch_s: f64,
    /// Objects it deleted after processing.
    pub deleted_objects: u64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct TiersSummary {
    /// Each tier: its queue and how many failed messages moved into it.
    pub tiers: Vec<TierSummary>,
    pub parking: String,
    pub parked: u64,
    pub parked_poison: u64,
    /// Publish → parked, for the parked messages (after warm-up).
    pub parked_after: LatencySummary,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct TierSummary {
    pub queue: String,
    /// The tier's delay: a per-message expiration, or the queue's TTL.
    pub delay_s: Option<f64>,
    pub moved: u64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct CrashSummary {
    pub crashes: u64,
    pub abandoned_messages: u64,
}

/// A dual write's disagreements between the database and the stream.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct DualWriteSummary {
    /// "write_then_publish" or "publish_then_write".
    pub order: String,
    /// Crashes that caught a worker after its write and before its publish.
    pub writes_without_event: u64,
    /// Of those, events a redelivery published after all (late).
    pub events_late: u64,
    /// Of those, events never published: the redelivery was skipped as done.
    pub events_lost: u64,
    /// Events published whose write did not follow (a crash or a failure
    /// after the publish).
    pub events_without_write: u64,
    /// Events published a second time for the same input.
    pub duplicate_events: u64,
}

/// A transactional outbox and its relay.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct OutboxSummary {
    /// "cdc" or "polling".
    pub relay: String,
    pub rows_written: u64,
    pub rows_published: u64,
    /// Rows still in the table at the end (written, not yet published).
    pub rows_pending: u64,
    pub peak_rows: u64,
    /// Publish attempts the next queue refused (the relay retried).
    pub refusals: u64,
    /// Commit → accepted by the next queue, after warm-up.
    pub relay_lag: LatencySummary,
}

/// A pipeline stage's publishes onward.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct OnwardSummary {
    /// The next stage's queue; or the push topic or bus it publishes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Messages it accepted.
    pub published: u64,
    /// Attempts it refused, each retried by a worker holding its slot.
    pub refusals: u64,
    /// Seconds workers spent waiting to retry a refused publish.
    pub held_s: f64,
    /// A dual write that can be caught between its two steps (the consumer
    /// crashes, or its publish takes time, or it publishes first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dual_write: Option<DualWriteSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<OutboxSummary>,
}

/// What an autoscaled pool's scaler did over the run.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct AutoscaleSummary {
    pub min_workers: u32,
    pub max_workers: u32,
    pub target_backlog_per_worker: f64,
    /// The most workers started or starting at once.
    pub peak_workers: u32,
    /// Decisions that added workers, and the workers they added.
    pub scale_ups: u64,
    pub workers_added: u64,
    /// Decisions that took workers away, and the workers they took.
    pub scale_downs: u64,
    pub workers_removed: u64,
    /// Workers started or starting, integrated over the run: what is paid for.
    pub worker_seconds: f64,
    /// worker_seconds over the run's length.
    pub mean_workers: f64,
}

/// A Lambda-like consumer's poller: its caps and what it reached.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct LambdaSummary {
    /// The most pollers (event source maximum concurrency, within 1,000).
    pub pollers_cap: u32,
    pub reserved_concurrency: Option<u32>,
    pub account_concurrency: u32,
    pub peak_pollers: u32,
    pub invocations: u64,
    pub throttles: u64,
    pub timeouts: u64,
    pub failed_invocations: u64,
    /// Billed duration of the invocations, seconds (the cost model's
    /// GB-seconds divided by the memory).
    #[serde(default)]
    pub billed_s: f64,
}

/// A consumer's downstream calls and their protections.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct CallsSummary {
    pub chain: Vec<String>,
    pub call_failures: u64,
    pub retries: u64,
    pub retry_budget_denied: u64,
    pub breaker_opened: u64,
    pub breaker_rejections: u64,
}

impl Summarised for Consumer {
    type Entry = ConsumerSummary;

    fn summary(&self, r: &Links) -> ConsumerSummary {
        let end = r.end;
        let crashes = !self.crash_at.is_empty() || self.random_crashes.is_some();
        let prefetch = self.kind.prefetch().is_some();
        ConsumerSummary {
            name: self.p.name.clone(),
            queue: match &self.kind {
                Kind::Member(g) => r.topic(g.topic.index()).p.name.clone(),
                Kind::Endpoint(e) => r.push_name(e.topic.index()).to_string(),
                Kind::Pool | Kind::Prefetch { .. } | Kind::Poller(_) => {
                    r.queue_name(self.p.queue.index()).to_string()
                }
            },
            kind: self.kind.name().to_string(),
            prefetch: self.kind.prefetch(),
            workers: self.slots(),
            peak_concurrency: self.peak_busy,
            completions: self.c.completions,
            goodput: self.c.goodput,
            failures: self.c.failures,
            duplicates: self.c.duplicates,
            empty_receives: self.empty_receives_at(end),
            dedupe_skips: self.c.dedupe_skips,
            dedupe_conflicts: self.c.dedupe_conflicts,
            end_to_end: self.e2e.summary(),
            lambda: self.lambda_summary(r),
            calls: self.calls_summary(r),
            group: self
                .kind
                .group()
                .map(|g| g.summary(r.topic(g.topic.index()), end)),
            autoscale: self.autoscale.as_ref().map(|a| {
                let worker_seconds = a.worker_s(end);
                AutoscaleSummary {
                    min_workers: a.p.min,
                    max_workers: a.p.max,
                    target_backlog_per_worker: a.p.target_per_worker,
                    peak_workers: a.c.peak_workers,
                    scale_ups: a.c.scale_ups,
                    workers_added: a.c.workers_added,
                    scale_downs: a.c.scale_downs,
                    workers_removed: a.c.workers_removed,
                    worker_seconds,
                    mean_workers: if end > 0 {
                        worker_seconds / (end as f64 / 1e9)
                    } else {
                        0.0
                    },
                }
            }),
            publish: self.onward.as_ref().map(|o| OnwardSummary {
                queue: match o.sink {
                    Sink::Queue(q) => Some(r.queue_name(q.index()).to_string()),
                    _ => None,
                },
                push: match o.sink {
                    Sink::Push(t) => Some(r.push_name(t.index()).to_string()),
                    _ => None,
                },
                bus: match o.sink {
                    Sink::Bus(b) => Some(r.bus_name(b.index()).to_string()),
                    _ => None,
                },
                topic: match o.sink {
                    Sink::Topic(t) => Some(r.topic(t.index()).p.name.clone()),
                    _ => None,
                },
                published: o.c.published,
                refusals: o.c.refusals,
                held_s: o.c.held_ns as f64 / 1e9,
                dual_write: (o.outbox.is_none()
                    && (crashes || o.publishes_first() || o.has_publish_time()))
                .then(|| DualWriteSummary {
                    order: match o.order {
                        WriteOrder::WriteThenPublish => "write_then_publish",
                        WriteOrder::PublishThenWrite => "publish_then_write",
                    }
                    .to_string(),
                    writes_without_event: o.c.writes_without_event,
                    events_late: o.c.events_late,
                    events_lost: o.c.events_lost,
                    events_without_write: o.c.events_without_write,
                    duplicate_events: o.c.duplicate_events,
                }),
                outbox: o.outbox.as_ref().map(|ob| OutboxSummary {
                    relay: ob.relay_name().to_string(),
                    rows_written: ob.c.written,
                    rows_published: ob.c.published,
                    rows_pending: ob.pending(),
                    peak_rows: ob.c.peak_rows,
                    refusals: ob.c.refusals,
                    relay_lag: ob.lag.summary(),
                }),
            }),
            pipeline_end_to_end: self.lineage.as_ref().map(|l| l.summary()),
            requeued_at_crash: (prefetch && crashes).then_some(self.c.requeued_at_crash),
            retry_tiers: self.tiers.as_ref().map(|t| TiersSummary {
                tiers: (0..t.tiers())
                    .map(|k| {
                        let q = t.queues.get(k.min(t.queues.len().saturating_sub(1)));
                        TierSummary {
                            queue: match q {
                                Some(q) if !t.blocking => r.queue_name(q.index()).to_string(),
                                _ => "(in place)".to_string(),
                            },
                            delay_s: match (&t.delays, q) {
                                (Some(d), _) => Some(d[k] as f64 / 1e9),
                                (None, Some(q)) => r.queue_ttl_s(q.index()),
                                (None, None) => None,
                            },
                            moved: t.c.moved.get(k).copied().unwrap_or(0),
                        }
                    })
                    .collect(),
                parking: r.queue_name(t.parking.index()).to_string(),
                parked: t.c.parked,
                parked_poison: t.c.parked_poison,
                parked_after: t.parked_after.summary(),
            }),
            order: self.key_order.as_ref().map(|o| OrderSummary {
                order_matters: o.matters,
                applied: o.c.applied,
                out_of_order: o.c.out_of_order,
                keys: o.c.keys,
                keys_reordered: o.c.keys_reordered,
                max_behind_s: o.max_behind_s(),
                entities: o.entities.as_ref().map(|(parts, e)| EntityOrderSummary {
                    key_parts: *parts,
                    out_of_order: e.c.out_of_order,
                    entities: e.c.keys,
                    entities_reordered: e.c.keys_reordered,
                    max_behind_s: e.max_behind_s(),
                }),
            }),
            crashes: (!prefetch && crashes).then_some(CrashSummary {
                crashes: self.c.crashes,
                abandoned_messages: self.c.abandoned_at_crash,
            }),
            payload: self.payload.as_ref().map(|p| ConsumerPayloadSummary {
                no_such_key_policy: p.no_such_key,
                gets: p.c.gets,
                no_such_key: p.c.no_such_key,
                returned: p.c.returned,
                dead_lettered: p.c.dead_lettered,
                lost: p.c.lost,
                fetch_s: p.c.fetch_ns as f64 / 1e9,
                deleted_objects: p.c.deleted_objects,
            }),
            batches_cut: self.c.batches_cut,
        }
    }
}

impl Consumer {
    fn lambda_summary(&self, r: &Links) -> Option<LambdaSummary> {
        let p = self.kind.poller()?;
        // Invocations still running at the end are billed up to it.
        let billed_ns = p.c.billed_ns + i128::from(self.busy) * i128::from(r.end);
        Some(LambdaSummary {
            pollers_cap: p.p.max,
            reserved_concurrency: p.p.reserved,
            account_concurrency: r.account_limit(),
            peak_pollers: p.c.peak_pollers,
            invocations: p.c.invocations,
            throttles: p.c.throttles,
            timeouts: p.c.timeouts,
            failed_invocations: p.c.failed_invocations,
            billed_s: billed_ns as f64 / 1e9,
        })
    }

    fn calls_summary(&self, r: &Links) -> Option<CallsSummary> {
        if self.p.chain.is_empty() {
            return None;
        }
        Some(CallsSummary {
            chain: self
                .p
                .chain
                .iter()
                .map(|t| r.target_name(*t).to_string())
                .collect(),
            call_failures: self.c.call_failures,
            retries: self.c.retries,
            retry_budget_denied: self.budget.as_ref().map_or(0, |b| b.denied),
            breaker_opened: self.breakers.iter().map(|b| b.opened).sum(),
            breaker_rejections: self.breakers.iter().map(|b| b.rejected).sum(),
        })
    }
}
