//! Turns a validated scenario into a world of components with their own streams.

use super::World;
use super::arrivals::ArrivalProcess;
use super::blob_store::{BlobParams, BlobStore};
use super::broker::{Broker, NodeMemory};
use super::bus::Bus;
use super::client::hedge::{HedgeAfter, Hedging};
use super::client::{self, ClientParams, Clients, ClosedLoop};
use super::consumer::WorkerState;
use super::consumer::crash::RandomCrashes;
use super::consumer::key_order::KeyOrder;
use super::consumer::onward::Onward;
use super::consumer::payload::PayloadReader;
use super::consumer::poller::{Poller, PollerParams};
use super::consumer::tiers::RetryTiers;
use super::consumer::{Consumer, ConsumerParams, Kind};
use super::dist::Dist;
use super::dist::DistError;
use super::downstream::Target;
use super::downstream::api::{Api, ApiParams};
use super::downstream::database::{Database, DatabaseParams};
use super::downstream::faults::Window;
use super::downstream::record::{Record, RecordParams};
use super::downstream::service::{Service, ServiceParams};
use super::event::{
    ApiId, BlobId, BusId, ConsumerId, DatabaseId, PushId, QueueId, RecordId, ServiceId, TopicId,
    WorkerId,
};
use super::idempotency::Store;
use super::keyed;
use super::log::compaction::{Compaction, CompactionParams};
use super::log::group::{GroupParams, GroupState};
use super::log::membership::{Membership, MembershipParams};
use super::log::replication::{Replication, ReplicationParams};
use super::log::{Topic, TopicParams};
use super::message::Arena;
use super::producer::batch::SendBatch;
use super::producer::kafka::{KafkaParams, KafkaProducer};
use super::producer::{ClaimCheck, Producer, ProducerParams, Sink};
use super::profile::Profile;
use super::protection::breaker::Breaker;
use super::protection::budget::Budget;
use super::push::{Endpoint, PushTopic};
use super::queue::redrive::Redrive;
use super::queue::{Queue, QueueParams, Waiter};
use super::retry::Backoff;
use super::size_gate::SizeGate;
use crate::engine::{from_secs, stream};
use crate::metrics::interval_latency::IntervalLatency;
use crate::model::consumer::autoscale::{AutoscaleParams, Autoscaler};
use crate::scenario::HEDGE_WARMUP_DEFAULT;
use crate::scenario::{
    CallRetry, ClientConfig, ConsumerConfig, EVENT_SOURCE_LIMIT, FaultKind, Pacing, Scenario,
    Scope, consumer_name, producer_name,
};
use crate::scenario::{SQS_FIFO_IN_FLIGHT, SQS_FIFO_OPS_PER_S, SQS_IN_FLIGHT};
use rand_distr::Zipf;
use std::rc::Rc;

/// Why the world could not be built from a scenario that passed validation:
/// every variant is a gap between validation and the model, named for the
/// report.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("no {kind} named `{name}`")]
    Unknown { kind: &'static str, name: String },
    #[error("component without a queue")]
    NoQueue,
    #[error(transparent)]
    Dist(#[from] DistError),
    #[error("zipf: {0}")]
    Zipf(#[source] rand_distr::ZipfError),
}

fn unknown(kind: &'static str, name: &str) -> BuildError {
    BuildError::Unknown {
        kind,
        name: name.to_string(),
    }
}

/// Builds the world; the scenario must have passed validation.
pub fn build(s: &Scenario) -> Result<World, BuildError> {
    let seed = s.run.seed;
    let rep = s.run.replication;
    let qid = |name: Option<&str>| -> Result<u16, BuildError> {
        match name {
            None if s.queues.len() == 1 => Ok(0),
            None => Err(BuildError::NoQueue),
            Some(n) => s
                .queues
                .iter()
                .position(|q| q.name == n)
                .map(|i| i as u16)
                .ok_or_else(|| unknown("queue", n)),
        }
    };
    let tid = |name: &Option<String>| -> Result<Option<TopicId>, BuildError> {
        name.as_ref()
            .map(|n| {
                s.topics
                    .iter()
                    .position(|t| &t.name == n)
                    .map(TopicId::of)
                    .ok_or_else(|| unknown("topic", n))
            })
            .transpose()
    };
    let pid = |name: &Option<String>| -> Result<Option<u16>, BuildError> {
        name.as_ref()
            .map(|n| {
                s.pushes
                    .iter()
                    .position(|t| &t.name == n)
                    .map(|i| i as u16)
                    .ok_or_else(|| unknown("push topic", n))
            })
            .transpose()
    };
    let mut pushes = s
        .pushes
        .iter()
        .map(|t| {
            let subscribed = t.queues.len();
            Ok(PushTopic {
                name: t.name.clone(),
                queues: t
                    .queues
                    .iter()
                    .map(|q| qid(Some(q)).map(QueueId))
                    .collect::<Result<_, BuildError>>()?,
                endpoints: vec![],
                published: 0,
                published_mark: 0,
                queue_copies_mark: 0,
                queue_copies: 0,
                queue_rejected: vec![0; subscribed],
                size_gate: SizeGate::new(t.max_message_bytes.as_ref().and_then(|l| l.bytes())),
            })
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let mut topics: Vec<Topic> = s
        .topics
        .iter()
        .map(|t| {
            let params = TopicParams {
                name: t.name.clone(),
                retention: from_secs(t.retention_s),
                retention_bytes: t.retention_bytes,
                retention_check: from_secs(t.retention_check_s),
            };
            let mut topic = if t.cleanup_policy.compacts() {
                let c = Compaction::new(CompactionParams::of(t), t.partitions as usize);
                Topic::compacted(params, t.partitions, c)
            } else {
                Topic::new(params, t.partitions)
            };
            topic.size_gate = SizeGate::new(t.max_message_bytes.as_ref().and_then(|l| l.bytes()));
            topic.replication = t
                .replication
                .as_ref()
                .map(|r| Replication::new(ReplicationParams::of(r), t.partitions as usize));
            topic
        })
        .collect();
    let mut queues = vec![];
    for (i, q) in s.queues.iter().enumerate() {
        let is_dlq = s
            .queues
            .iter()
            .any(|o| o.dead_letter_queue.as_deref() == Some(&q.name))
            || s.consumers.iter().any(|c| {
                c.delivery
                    .as_ref()
                    .and_then(|d| d.dead_letter_queue.as_deref())
                    == Some(&q.name)
            });
        let dlq = match &q.dead_letter_queue {
            Some(d) => Some(QueueId(qid(Some(d))?)),
            None => None,
        };
        // Parking queues hold what failed for good, as a dead-letter queue.
        let is_dlq = is_dlq
            || s.consumers
                .iter()
                .any(|c| c.retry_tiers.as_ref().is_some_and(|t| t.parking == q.name))
            || s.buses
                .iter()
                .flat_map(|b| &b.rules)
                .any(|r| r.dead_letter_queue.as_deref() == Some(&q.name));
        let per_message_ttl = s.consumers.iter().any(|c| {
            c.retry_tiers
                .as_ref()
                .is_some_and(|t| t.delays_s.is_some() && t.queues.contains(&q.name))
        });
        let expire_to = match q.expire_to.as_ref().or(q.dead_letter_queue.as_ref()) {
            Some(d) if q.message_ttl_s.is_some() || per_message_ttl => Some(QueueId(qid(Some(d))?)),
            _ => None,
        };
        queues.push(Queue::new(
            QueueId::of(i),
            QueueParams {
                name: q.name.clone(),
                fifo: q.fifo,
                visibility: from_secs(q.visibility_timeout_s),
                delay: from_secs(q.delay_s),
                retention: from_secs(q.retention_s),
                max_receive_count: q.max_receive_count,
                dlq,
                max_depth: q.max_depth,
                overflow: q.overflow,
                is_dlq,
                max_in_flight: q.max_in_flight.unwrap_or(if q.fifo {
                    SQS_FIFO_IN_FLIGHT
                } else {
                    SQS_IN_FLIGHT
                }),
                // SQS's FIFO quota applies unless raised; standard queues
                // have none (validation refuses the key on them).
                max_ops_per_s: q
                    .fifo
                    .then(|| q.max_ops_per_s.unwrap_or(SQS_FIFO_OPS_PER_S)),
                ttl: q.message_ttl_s.map(from_secs),
                per_message_ttl,
                expire_to,
                max_message_bytes: q.max_message_bytes.as_ref().and_then(|l| l.bytes()),
                count_chunks: q.max_message_bytes.is_some()
                    || s.producers.iter().any(|p| {
                        (p.message.size.is_some() || p.claim_check.is_some() || p.batch.is_some())
                            && p.queue.as_deref().is_none_or(|n| n == q.name)
                            && p.topic.is_none()
                            && p.push.is_none()
                            && p.bus.is_none()
                    }),
            },
        ));
    }
    let buses = s
        .buses
        .iter()
        .map(|b| {
            let queue = |n: &str| s.queues.iter().position(|q| q.name == n).map(QueueId::of);
            let push = |n: &str| s.pushes.iter().position(|t| t.name == n).map(PushId::of);
            Bus::new(b, queue, push, seed, rep)
                .map_err(|n| unknown("queue, push topic or event type", &n))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let bid = |name: &Option<String>| -> Result<Option<BusId>, BuildError> {
        name.as_ref()
            .map(|n| {
                s.buses
                    .iter()
                    .position(|b| &b.name == n)
                    .map(BusId::of)
                    .ok_or_else(|| unknown("bus", n))
            })
            .transpose()
    };
    // Queues whose overflow dead-letters, for the router's after-event step.
    let overflow_dlq: Vec<usize> = queues
        .iter()
        .enumerate()
        .filter(|(_, q)| {
            q.p.dlq.is_some()
                && matches!(
                    q.p.overflow,
                    crate::scenario::Overflow::RejectPublishDlx
                        | crate::scenario::Overflow::DropHead
                )
        })
        .map(|(i, _)| i)
        .collect();
    let blob_id = |name: &str| -> Result<BlobId, BuildError> {
        s.blob_stores
            .iter()
            .position(|b| b.name == name)
            .map(BlobId::of)
            .ok_or_else(|| unknown("blob store", name))
    };
    let blob_stores = s
        .blob_stores
        .iter()
        .enumerate()
        .map(|(i, b)| {
            Ok(BlobStore::new(
                BlobId::of(i),
                BlobParams {
                    name: b.name.clone(),
                    put: Dist::new(&b.put_s)?,
                    get: Dist::new(&b.get_s)?,
                    delete: Dist::new(&b.delete_s)?,
                    bytes_per_s: b.bandwidth_mb_per_s * 1e6,
                    error_rate: b.error_rate,
                    visible_after: match &b.visible_after_s {
                        Some(d) => Some(Dist::new(d)?),
                        None => None,
                    },
                    expire_after: b.expire_after_days.map(|d| from_secs(d * 86_400.0)),
                    put_per_request: b.put_per_1000 / 1000.0,
                    get_per_request: b.get_per_1000 / 1000.0,
                    delete_per_request: b.delete_per_1000 / 1000.0,
                    storage_per_gb_month: b.storage_per_gb_month,
                    budget_bytes: b.storage_budget_gb.map(|g| g * super::blob_store::GIB),
                },
                seed,
                rep,
            ))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let mut producers = vec![];
    for (i, p) in s.producers.iter().enumerate() {
        let m = &p.message;
        let zipf = if m.keys > 0 {
            Some(Zipf::new(m.keys as f64, m.key_skew).map_err(BuildError::Zipf)?)
        } else {
            None
        };
        let cost = match &m.cost {
            Some(d) => Some(Dist::new(d)?),
            None => None,
        };
        producers.push(Producer::new(
            ProducerParams {
                name: producer_name(i, p),
                sink: match (pid(&p.push)?, tid(&p.topic)?, bid(&p.bus)?) {
                    (_, _, Some(b)) => Sink::Bus(b),
                    (Some(t), _, _) => Sink::Push(PushId(t)),
                    (None, Some(t), _) => Sink::Topic(t),
                    (None, None, None) => Sink::Queue(QueueId(qid(p.queue.as_deref())?)),
                },
                arrivals: p.arrivals,
                first_at_start: p.first_at_start,
                profile: Profile::new(p.rate, &p.profile),
                start_s: p.start_s,
                stop_s: p.stop_s.unwrap_or(f64::INFINITY),
                initial_backlog: p.initial_backlog,
                size_bytes: m.size_bytes,
                keys: m.keys,
                key_parts: m.key_parts,
                zipf,
                poison_probability: m.poison_probability,
                tombstone_probability: m.tombstone_probability,
                cost,
                publish: p.publish.clone(),
                acks: p.acks.unwrap_or_default(),
                size: match &m.size {
                    Some(d) => Some(Dist::new(d)?),
                    None => None,
                },
                claim: match &p.claim_check {
                    Some(cc) => Some(ClaimCheck {
                        store: blob_id(&cc.blob_store)?,
                        threshold: cc.threshold_bytes,
                        always: cc.always,
                        pointer_bytes: cc.pointer_bytes,
                        upload: cc.upload,
                        cleanup: cc.cleanup,
                    }),
                    None => None,
                },
            },
            seed,
            rep,
        ));
        if let Some(b) = &p.batch {
            producers.last_mut().expect("just built").batch = Some(SendBatch::new(
                b.max_messages as usize,
                b.max_bytes,
                from_secs(b.linger_s),
            ));
        }
        if let Some(kc) = &p.kafka {
            let pr = producers.last_mut().expect("just built");
            let Sink::Topic(t) = pr.p.sink else {
                unreachable!("validation refuses [producer.kafka] off a topic")
            };
            let partitions = s.topics[t.index()].partitions as usize;
            pr.kafka = Some(KafkaProducer::new(
                KafkaParams::of(kc)?,
                partitions,
                pr.p.keys > 0,
                stream(seed, &format!("producer.{}.kafka", pr.p.name), rep),
            ));
        }
    }
    let databases: Vec<Database> = s
        .databases
        .iter()
        .map(|d| {
            Ok(Database::new(
                DatabaseParams {
                    name: d.name.clone(),
                    max_connections: d.max_connections,
                    cores: d.cores,
                    query: Dist::new(&d.query_s)?,
                    pool: d
                        .pool
                        .as_ref()
                        .map(|p| (p.size, from_secs(p.acquire_timeout_s))),
                    crash: d
                        .crash
                        .as_ref()
                        .map(|c| (from_secs(c.after_s), from_secs(c.recovery_s))),
                },
                seed,
                rep,
            ))
        })
        .collect::<Result<_, BuildError>>()?;
    let apis: Vec<Api> = s
        .apis
        .iter()
        .map(|a| {
            Ok(Api::new(
                ApiParams {
                    name: a.name.clone(),
                    rate: a.rate,
                    burst: a.burst,
                    call: Dist::new(&a.call_s)?,
                },
                seed,
                rep,
            ))
        })
        .collect::<Result<_, BuildError>>()?;
    let mut world_downstreams = (databases, apis);
    let target = |name: &str| -> Result<Target, BuildError> {
        if let Some(i) = s.databases.iter().position(|d| d.name == name) {
            Ok(Target::Database(DatabaseId::of(i)))
        } else if let Some(i) = s.apis.iter().position(|a| a.name == name) {
            Ok(Target::Api(ApiId::of(i)))
        } else {
            Err(unknown("database or API", name))
        }
    };
    let mut services: Vec<Service> = s
        .services
        .iter()
        .map(|v| {
            Ok(Service::new(
                ServiceParams {
                    name: v.name.clone(),
                    base_s: v.base_s.unwrap_or(0.0),
                    service: match &v.service_s {
                        Some(d) => Some(Dist::new(d)?),
                        None => None,
                    },
                    service_mean_s: (v.service_s.as_ref())
                        .and_then(super::dist::moments::moments)
                        .map_or(0.0, |m| m.mean),
                    slope_s: v.slope_s,
                    max_concurrency: v.max_concurrency,
                },
                seed,
                rep,
            ))
        })
        .collect::<Result<_, BuildError>>()?;
    let mut outages = vec![];
    let mut service_outages = vec![];
    for f in &s.faults {
        let w = Window {
            from: from_secs(f.from_s),
            to: from_secs(f.to_s),
            kind: f.kind,
            value: match f.kind {
                FaultKind::Errors => f.error_rate.unwrap_or(1.0),
                FaultKind::Latency => f.factor.unwrap_or(1.0),
                FaultKind::Outage => 0.0,
            },
        };
        if let Some(i) = s.services.iter().position(|v| v.name == f.target) {
            if f.kind == FaultKind::Outage {
                service_outages.push((ServiceId::of(i), w.from));
            }
            services[i].faults.add(w);
            continue;
        }
        match target(&f.target)? {
            Target::Database(d) => {
                if f.kind == FaultKind::Outage {
                    outages.push((d, w.from, w.to));
                }
                world_downstreams.0[d.index()].faults.add(w);
            }
            Target::Api(a) => world_downstreams.1[a.index()].faults.add(w),
        }
    }
    let (databases, apis) = world_downstreams;
    let mut consumers = vec![];
    let keyed = keyed::KeyedNodes::of(s);
    for (i, c) in s.consumers.iter().enumerate() {
        let chain = c
            .calls
            .iter()
            .map(|n| target(n))
            .collect::<Result<Vec<_>, _>>()?;
        let mut cons = Consumer::new(
            ConsumerId::of(i),
            ConsumerParams {
                name: consumer_name(i, c),
                queue: if c.topic.is_some() || c.push.is_some() {
                    QueueId(0)
                } else {
                    QueueId(qid(c.queue.as_deref())?)
                },
                workers: if c.lambda.is_some() {
                    initial_pollers(c)
                } else {
                    c.workers()
                },
                batch_size: c.batch_size(),
                wait: from_secs(c.wait_time_s),
                empty_poll_pause: from_secs(c.empty_poll_pause_s),
                processing: Dist::new(&c.processing_s)?,
                error_rate: c.error_rate,
                on_failure: c.on_failure,
                backoff: Backoff::new(&c.backoff),
                retry: c
                    .retry
                    .as_ref()
                    .map(|r| (r.attempts, Backoff::new(&r.policy()))),
                chain,
            },
            seed,
            rep,
        );
        cons.budget = c.retry.as_ref().and_then(Budget::from_config);
        if let Some(b) = &c.breaker {
            cons.breakers = (0..c.calls.len())
                .map(|_| Breaker::from_config(b))
                .collect();
        }
        cons.autoscale = c.autoscale.as_ref().map(|a| {
            Autoscaler::new(
                AutoscaleParams {
                    min: a.min_workers,
                    max: a.max_workers,
                    target_per_worker: a.target_backlog_per_worker,
                    count_in_flight: a.count_in_flight,
                    interval: from_secs(a.polling_interval_s).max(1),
                    tolerance: a.tolerance,
                    up_window: from_secs(a.scale_up_stabilization_s),
                    down_window: from_secs(a.scale_down_stabilization_s),
                    up_max_percent: a.scale_up_max_percent,
                    up_max_workers: a.scale_up_max_workers,
                    startup: from_secs(a.startup_s),
                },
                c.workers(),
            )
        });
        cons.crash_at = c.crash_at_s.iter().map(|&s| from_secs(s)).collect();
        // A group member's records arrive at the slower of its own download
        // and its topic's partition bandwidth.
        let partition_mb_per_s = c
            .topic
            .as_ref()
            .and_then(|t| s.topics.iter().find(|x| &x.name == t))
            .and_then(|t| t.partition_mb_per_s);
        if !s.blob_stores.is_empty()
            || c.download_mb_per_s.is_some()
            || partition_mb_per_s.is_some()
        {
            let download = match (c.download_mb_per_s, partition_mb_per_s) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            cons.payload = Some(PayloadReader {
                no_such_key: c.no_such_key.unwrap_or_default(),
                download: download.map(|d| d * 1e6),
                c: Default::default(),
            });
        }
        if let Some(t) = &c.retry_tiers {
            cons.tiers = Some(RetryTiers {
                queues: t
                    .queues
                    .iter()
                    .map(|q| qid(Some(q)).map(QueueId))
                    .collect::<Result<_, _>>()?,
                delays: t
                    .delays_s
                    .as_ref()
                    .map(|d| d.iter().map(|&s| from_secs(s)).collect()),
                parking: QueueId(qid(Some(&t.parking))?),
                blocking: t.blocking,
                c: Default::default(),
                parked_after: Default::default(),
            });
        }
        if c.crashes_per_hour > 0.0 {
            cons.random_crashes = Some(RandomCrashes {
                per_s: c.crashes_per_hour / 3600.0,
                rng: crate::engine::stream(
                    seed,
                    &format!("consumer.{}.crashes", consumer_name(i, c)),
                    rep,
                ),
            });
        }
        if let Some(o) = &c.publish {
            let sink = match (pid(&o.push)?, bid(&o.bus)?, tid(&o.topic)?) {
                (Some(t), _, _) => Sink::Push(PushId(t)),
                (None, Some(b), _) => Sink::Bus(b),
                (None, None, Some(t)) => Sink::Topic(t),
                (None, None, None) => Sink::Queue(QueueId(qid(o.queue.as_deref())?)),
            };
            let mut onward = Onward::new(&consumer_name(i, c), sink, o, seed, rep)?;
            onward.keyed = keyed.input_parts(c).is_some();
            cons.onward = Some(onward);
        }
        cons.key_order = keyed
            .input_parts(c)
            .map(|parts| KeyOrder::new(c.order_matters, parts));
        cons.store = c.idempotency.as_ref().map(|d| Store {
            ttl: from_secs(d.ttl_s),
            lock: from_secs(d.lock_s),
        });
        if let Some(t) = pid(&c.push)? {
            pushes[t as usize].endpoints.push(ConsumerId::of(i));
            let dlq = c
                .delivery
                .as_ref()
                .and_then(|d| d.dead_letter_queue.as_deref());
            let policy = c.delivery.clone().unwrap_or_default().resolve();
            cons.kind = Kind::Endpoint(Endpoint::new(
                &consumer_name(i, c),
                PushId(t),
                policy,
                dlq.map(|q| qid(Some(q)).map(QueueId)).transpose()?,
                c.workers(),
                seed,
                rep,
            ));
            for wi in 0..cons.workers.len() {
                cons.set_worker_state(wi, WorkerState::Idle);
            }
        }
        if let Some(n) = c.prefetch {
            cons.kind = Kind::Prefetch { limit: n, held: 0 };
            let q = &mut queues[cons.p.queue.index()];
            for w in 0..c.workers() {
                q.pushers.push(Waiter {
                    consumer: ConsumerId::of(i),
                    worker: WorkerId(w),
                });
            }
            q.pushers_with_room += c.workers() as usize;
        }
        if let Some(t) = tid(&c.topic)? {
            let topic = &mut topics[t.index()];
            topic.groups.push(ConsumerId::of(i));
            let delayed = c.group.as_ref().is_some_and(|g| g.delay_s > 0.0);
            topic.retry_topic |= delayed;
            let gc = c.group.clone().unwrap_or_default();
            let mut group = GroupState::new(
                t,
                topic.partitions.len(),
                c.workers() as usize,
                GroupParams {
                    commit: gc.commit,
                    commit_interval: from_secs(gc.commit_interval_s).max(1),
                    crashes: gc.crash_at_s.iter().map(|&s| from_secs(s)).collect(),
                    crash_rate: gc.crashes_per_hour / 3600.0,
                    rebalance: from_secs(gc.rebalance_s),
                    max_attempts: gc.max_attempts,
                    dead_letter_topic: tid(&gc.dead_letter_topic)?,
                    delay: from_secs(gc.delay_s),
                    start: from_secs(gc.start_s),
                },
            );
            if let Some(mc) = &gc.membership {
                let params = MembershipParams::of(mc, gc.rebalance_s);
                group.membership = Some(Box::new(Membership::new(
                    params,
                    topic.partitions.len(),
                    c.workers() as usize,
                )));
                group.install_assignment();
            }
            let name = format!("consumer.{}.crashes", consumer_name(i, c));
            group.crash_rng = Some(crate::engine::stream(seed, &name, rep));
            if topic.compaction.is_some() {
                group.keys_held = Some(Default::default());
            }
            // A group that joins later waits as for a rebalance's end.
            group.paused_until = Some(group.p.start).filter(|&t| t > 0);
            cons.kind = Kind::Member(group);
        }
        if let Some(l) = &c.lambda {
            let per_minute = l.scale_up_per_minute.unwrap_or(l.scaling.per_minute());
            cons.kind = Kind::Poller(Poller::new(PollerParams {
                scale_up_per_s: per_minute / 60.0,
                scale_down_per_s: l.scale_down_per_minute / 60.0,
                error_backoff_per_s: l.error_backoff_per_minute / 60.0,
                min: initial_pollers(c),
                max: pollers_cap(c),
                reserved: l.reserved_concurrency,
                batch_window: from_secs(l.batch_window_s),
                timeout: from_secs(l.function_timeout_s),
                partial: l.report_batch_item_failures,
                throttle_pause: from_secs(l.throttle_pause_s),
            }));
        }
        cons.recent = IntervalLatency::new(from_secs(s.run.sample_interval_s).max(1));
        consumers.push(cons);
    }
    let redrives = s
        .queues
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            q.redrive.as_ref().map(|r| Redrive {
                queue: QueueId::of(i),
                at: from_secs(r.at_s),
                rate: r.rate,
                budget: 0.0,
            })
        })
        .collect();
    let mut brokers = vec![];
    for b in &s.brokers {
        let ids: Vec<QueueId> = b
            .queues
            .iter()
            .map(|q| qid(Some(q)).map(QueueId))
            .collect::<Result<_, _>>()?;
        let memory = Rc::new(NodeMemory::new(
            (b.memory_mb * 1024.0 * 1024.0 * b.high_watermark) as u64,
        ));
        for q in &ids {
            queues[q.index()].node = Some(memory.clone());
        }
        brokers.push(Broker {
            name: b.name.clone(),
            queues: ids,
            memory,
        });
    }
    let records = s
        .records
        .iter()
        .map(|r| {
            Ok(Record::new(
                RecordParams {
                    name: r.name.clone(),
                    read: Dist::new(&r.read_s)?,
                    write: Dist::new(&r.write_s)?,
                },
                seed,
                rep,
            ))
        })
        .collect::<Result<_, BuildError>>()?;
    let clients: Vec<Clients> = s
        .clients
        .iter()
        .map(|c| clients(c, s))
        .collect::<Result<_, BuildError>>()?;
    let holds_beyond_arena = producers.iter().any(|p| p.buffer.is_some())
        || !buses.is_empty()
        || clients.iter().any(|c| c.arrivals.is_some());
    Ok(World {
        arena: Arena::default(),
        producers,
        queues,
        consumers,
        redrives,
        brokers,
        topics,
        pushes,
        buses,
        blob_stores,
        endpoint_copies: 0,
        record_copies: 0,
        databases,
        apis,
        outages,
        account_running: 0,
        account_limit: s.run.account_concurrency,
        max_backlog: s.run.max_backlog,
        holds_beyond_arena,
        applied_more_than_once: 0,
        scratch_dlq: Vec::new(),
        overflow_dlq,
        effects: Default::default(),
        jobs: Default::default(),
        scratch_clients: Vec::new(),
        scratch_callers: Vec::new(),
        scratch_pending: Vec::new(),
        scratch_records: Vec::new(),
        clients,
        services,
        records,
        service_outages,
    })
}

/// A population of clients, its arrival process (open loop), retry budget and
/// breaker.
fn clients(c: &ClientConfig, s: &Scenario) -> Result<Clients, BuildError> {
    let (seed, rep) = (s.run.seed, s.run.replication);
    let target = if let Some(i) = s.services.iter().position(|v| v.name == c.target) {
        client::Target::Service(ServiceId::of(i))
    } else if let Some(i) = s.records.iter().position(|r| r.name == c.target) {
        client::Target::Record(RecordId::of(i))
    } else if let Some(i) = s.queues.iter().position(|q| q.name == c.target) {
        client::Target::Queue(QueueId::of(i))
    } else {
        return Err(unknown("service, record or queue", &c.target));
    };
    let retry = c.retry.clone().unwrap_or(CallRetry {
        attempts: 1,
        ..CallRetry::default()
    });
    let closed = match c.count {
        Some(count) => Some(ClosedLoop {
            count,
            think: match &c.think_s {
                Some(t) => Dist::new(t)?,
                None => Dist::constant(0.0),
            },
            requests_each: c.requests_each,
            spread: from_secs(c.start_spread_s),
            pace: (c.pacing == Pacing::FromStart)
                .then(|| from_secs(1.0 / c.rate.unwrap_or(f64::INFINITY))),
            stop: c.stop_s.map(from_secs),
        }),
        None => None,
    };
    let arrivals = closed.is_none().then(|| {
        ArrivalProcess::new(
            c.arrivals,
            Profile::new(c.rate.unwrap_or(0.0), &c.profile),
            c.start_s,
            c.stop_s.unwrap_or(f64::INFINITY),
            crate::engine::stream(seed, &format!("client.{}.arrivals", c.name), rep),
        )
        .first_at_start(c.first_at_start)
    });
    let mut cl = Clients::new(
        ClientParams {
            name: c.name.clone(),
            target,
            closed,
            start: from_secs(c.start_s),
            timeout: c.timeout_s.map(from_secs),
            network: Dist::new(&c.network_s)?,
            attempts: retry.attempts,
            backoff: Backoff::new(&retry.policy()),
        },
        arrivals,
        seed,
        rep,
    );
    // Per client: as many as the population has clients.
    let clients = c.count.or(c.population).unwrap_or(1) as usize;
    let each = |scope: Scope| match scope {
        Scope::Population => 1,
        Scope::Client => clients,
    };
    cl.population = c.population.unwrap_or(1);
    cl.budgets = (0..each(retry.scope))
        .filter_map(|_| Budget::from_config(&retry))
        .collect();
    if let Some(b) = &c.breaker {
        cl.breakers = (0..each(b.scope))
            .map(|_| Breaker::from_config(b))
            .collect();
    }
    cl.hedge = c.hedge.as_ref().map(|h| {
        let after = match (h.after_s, h.after_percentile) {
            (Some(d), _) => HedgeAfter::Fixed(from_secs(d)),
            (None, q) => HedgeAfter::Percentile {
                q: q.unwrap_or(95.0) / 100.0,
                warmup: h.warmup.unwrap_or(HEDGE_WARMUP_DEFAULT),
            },
        };
        Hedging::new(after, h.max_extra)
    });
    cl.recent = IntervalLatency::new(from_secs(s.run.sample_interval_s).max(1));
    Ok(cl)
}

/// The most pollers a Lambda-like consumer runs: its event source's maximum
/// concurrency, within the event source limit.
pub fn pollers_cap(c: &ConsumerConfig) -> u32 {
    let l = c.lambda.as_ref().expect("a Lambda-like consumer");
    l.max_concurrency
        .unwrap_or(EVENT_SOURCE_LIMIT)
        .min(EVENT_SOURCE_LIMIT)
}

fn initial_pollers(c: &ConsumerConfig) -> u32 {
    let l = c.lambda.as_ref().expect("a Lambda-like consumer");
    l.initial_concurrency.min(pollers_cap(c)).max(1)
}
