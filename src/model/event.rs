//! What can happen in the simulated system, grouped by the component that owns
//! the event: the router in `model/mod.rs` hands each one to its owner. Ids are
//! newtypes, so that a queue's index can never be passed where a consumer's is
//! meant.

use crate::model::client::Hop;

/// Declares an id newtype over a table index.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident($repr:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $repr);

        impl $name {
            /// The index in the component's table.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
            /// The id of the component at `index` of its table (tables are
            /// bounded by validation, so the index always fits).
            #[inline]
            pub fn of(index: usize) -> Self {
                $name(index as $repr)
            }
        }
    };
}

id!(
    /// A producer (`[[producer]]`).
    ProducerId(u16)
);
id!(
    /// A queue (`[[queue]]`), dead-letter queues included.
    QueueId(u16)
);
id!(
    /// A topic (`[[topic]]`) of the partitioned log.
    TopicId(u16)
);
id!(
    /// A consumer of any kind (`[[consumer]]`): pool, poller, member, endpoint.
    ConsumerId(u16)
);
id!(
    /// A worker (or poller, or member) of a consumer.
    WorkerId(u32)
);
id!(
    /// A database (`[[database]]`).
    DatabaseId(u16)
);
id!(
    /// A client population (`[[client]]`).
    ClientsId(u16)
);
id!(
    /// A logical request's slot in its client population.
    RequestId(u32)
);
id!(
    /// A service (`[[service]]`).
    ServiceId(u16)
);
id!(
    /// A record (`[[record]]`) clients read and write.
    RecordId(u16)
);
id!(
    /// An API (`[[api]]`) consumers call.
    ApiId(u16)
);
id!(
    /// A push topic (SNS-like fan-out).
    PushId(u16)
);
id!(
    /// An event bus (`[[bus]]`, EventBridge-like routing).
    BusId(u16)
);
id!(
    /// A message (or record copy, or push copy) in the arena.
    MessageId(u32)
);
id!(
    /// A DLQ redrive.
    RedriveId(u16)
);
id!(
    /// A `[[blob_store]]`.
    BlobId(u16)
);

#[derive(Clone, Copy, Debug)]
pub enum Event {
    Producer(ProducerId, ProducerEvent),
    Queue(QueueId, QueueEvent),
    Topic(TopicId, TopicEvent),
    Consumer(ConsumerId, ConsumerEvent),
    Database(DatabaseId, DatabaseEvent),
    Clients(ClientsId, ClientEvent),
    Service(ServiceId, ServiceEvent),
    /// A push topic's copy to an endpoint.
    PushCopy(MessageId, PushCopyEvent),
    Bus(BusId, BusEvent),
    Blob(BlobId, BlobEvent),
    Redrive(RedriveId),
    /// An outage window (`[[fault]]`) on a database starts or ends; `window`
    /// indexes the world's database outages.
    DatabaseOutage {
        window: u16,
        starts: bool,
    },
    /// An outage window on a service starts; `window` indexes the world's
    /// service outages.
    ServiceOutage {
        window: u16,
    },
    /// The run's statistics start over (end of the warm-up).
    Warmup,
    /// The time series takes a row.
    Sample,
    /// An alarm's moment (run-loop observation: it changes nothing).
    Alarm(AlarmTick),
}

/// An alarm's moments: a sample of its metric, or the start of a trigger (the
/// arrivals are counted from there until an alarm fires).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmTick {
    Sample { alarm: u16 },
    TriggerStarts { trigger: u16 },
}

// The heap holds every pending event: keep it small.
const _: () = assert!(std::mem::size_of::<Event>() <= 16);

#[derive(Clone, Copy, Debug)]
pub enum ProducerEvent {
    /// The next message is due.
    Produce,
    /// Buffered publishes are due for a retry.
    Retry,
    /// The open SendMessageBatch `generation` has lingered long enough.
    Flush { generation: u32 },
    /// The Kafka client's next timed step (`producer/kafka`).
    Kafka,
}

#[derive(Clone, Copy, Debug)]
pub enum BlobEvent {
    /// The lifecycle rule's next expiry is due.
    Expire,
}

#[derive(Clone, Copy, Debug)]
pub enum QueueEvent {
    /// The earliest deadline (delay, visibility timeout, retention) is due.
    Timer,
}

#[derive(Clone, Copy, Debug)]
pub enum TopicEvent {
    /// Retention's periodic look at every partition.
    RetentionCheck,
    /// A compacted topic's cleaner pass (`log/compaction.rs`).
    Compact,
    /// A replicated partition's followers have fetched its oldest record.
    Replicate { partition: u32 },
    /// A broker of a replicated topic fails.
    BrokerDown { broker: u32 },
    /// It is back, its replicas behind.
    BrokerUp { broker: u32 },
    /// Its replicas have caught up.
    CaughtUp { broker: u32 },
}

#[derive(Clone, Copy, Debug)]
pub enum ConsumerEvent {
    /// A worker's current phase ends, unless its generation has moved on since.
    Step { worker: WorkerId, generation: u32 },
    /// A worker polls its queue (or fetches from its partitions).
    Poll { worker: WorkerId },
    /// A managed poller's scaling tick.
    Scale,
    /// A group member crashes; `random` crashes schedule the next one.
    MemberCrash { random: bool },
    /// The group's rebalance is over.
    Rebalanced,
    /// The group's auto-commit tick.
    AutoCommit,
    /// An autoscaled pool's scaler reads the backlog and decides its size.
    Autoscale,
    /// A worker the scaler added is started: it polls.
    WorkerStarted { worker: WorkerId },
    /// The consumer crashes (`crash.rs`); `random` crashes schedule the next.
    Crash { random: bool },
    /// An outbox's relay looks for rows to publish.
    Relay,
    /// A retry topic's member: its partitions' next record is due.
    RecordDue { worker: WorkerId },
    /// A group member's membership changes (`log/rebalance.rs`).
    Member(MemberEvent),
}

/// What changes a group's membership, and the phases of its rebalances.
#[derive(Clone, Copy, Debug)]
pub enum MemberEvent {
    /// Is the member still in its batch past `max.poll.interval.ms`?
    PollDeadline { worker: WorkerId },
    /// The member goes down (a deployment restarts it).
    Down { worker: WorkerId, graceful: bool },
    /// The member is back up.
    Up { worker: WorkerId },
    /// A down member's session times out, unless it is back.
    SessionExpired { worker: WorkerId },
    /// The rebalance's join phase times out (stragglers are expelled).
    JoinTimeout { round: u32 },
    /// The rebalance's sync is over: the new assignment holds.
    Synced { round: u32 },
}

#[derive(Clone, Copy, Debug)]
pub enum DatabaseEvent {
    /// The earliest running query finishes, unless the timer was re-armed since.
    Finish { generation: u32 },
    /// A crashed database's recovery time is over.
    Up,
}

#[derive(Clone, Copy, Debug)]
pub enum ClientEvent {
    /// An open-loop population's next request.
    Arrival,
    /// A request's think time, backoff or attempt timeout is over.
    Timer { request: RequestId, generation: u32 },
    /// A message between a client and its target arrives.
    Wire {
        request: RequestId,
        generation: u32,
        hop: Hop,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum ServiceEvent {
    /// A request's service time is up.
    Done { entry: u32, generation: u32 },
}

#[derive(Clone, Copy, Debug)]
pub enum PushCopyEvent {
    /// Due for a retry (through the topic's throttle).
    Retry { generation: u32 },
    /// Past the throttle, the attempt reaches its endpoint.
    Deliver { generation: u32 },
    /// The attempt's delivery timeout.
    Timeout { generation: u32 },
}

#[derive(Clone, Copy, Debug)]
pub enum BusEvent {
    /// A refused copy (`entry` in the bus's waiting copies) is due for its retry.
    Retry { entry: u32 },
}
