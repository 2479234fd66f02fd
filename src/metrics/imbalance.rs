//! What the conservation ledger can find unbalanced at the end of a run. Any of
//! these is a bug in the simulator, never in the scenario.

use std::fmt;

/// The end-of-run checks that failed, in the order they were made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", join(.0))]
pub struct Unbalanced(pub Vec<Imbalance>);

fn join(found: &[Imbalance]) -> String {
    found
        .iter()
        .map(Imbalance::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Messages visible, in flight and delayed, shown as `visible/in_flight/delayed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
}

impl fmt::Display for StateCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.visible, self.in_flight, self.delayed)
    }
}

/// One check of the ledger that failed, with the counts that disagree.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Imbalance {
    /// Messages produced that are in no end state.
    #[error(
        "produced {produced} but accounted for {accounted} (processed {processed} + dead-lettered {dead_lettered} + expired {expired} + dropped {dropped} + rejected {rejected} + held {held} + in producers' buffers {buffered} + lost at producers {producer_lost})"
    )]
    Produced {
        produced: u64,
        accounted: u64,
        processed: u64,
        dead_lettered: u64,
        expired: u64,
        dropped: u64,
        rejected: u64,
        held: u64,
        buffered: u64,
        producer_lost: u64,
    },
    /// Messages of producers with a publish policy, or queues rejecting them.
    #[error(
        "producers with a publish policy made {messages} messages but {accepted} accepted + {buffered} buffered + {lost} lost ({rejected} rejected)"
    )]
    PublishPolicy {
        messages: u64,
        accepted: u64,
        buffered: u64,
        lost: u64,
        rejected: u64,
    },
    #[error("producers and push topics saw {seen} rejections, queues made {made}")]
    Rejections { seen: u64, made: u64 },
    #[error("{created} messages created for {accepted} accepted publishes")]
    Created { created: u64, accepted: u64 },
    #[error("{in_arena} push copies in the arena, endpoints count {pending:?} pending")]
    PushCopies { in_arena: u64, pending: Option<u64> },
    #[error("arena holds visible/in flight/delayed {arena}, queues count {queues}")]
    QueueStates {
        arena: StateCounts,
        queues: StateCounts,
    },
    #[error(
        "client `{client}`: {requests} requests but {succeeded} succeeded + {gave_up} gave up + {in_progress} in progress"
    )]
    ClientRequests {
        client: String,
        requests: u64,
        succeeded: u64,
        gave_up: u64,
        in_progress: u64,
    },
    #[error(
        "service `{service}`: accepted {accepted} but completed {completed} + {in_service} in service"
    )]
    ServiceRequests {
        service: String,
        accepted: u64,
        completed: u64,
        in_service: u64,
    },
    #[error("services saw {reached} attempts, clients sent {sent}")]
    ServiceAttempts { reached: u64, sent: u64 },
    #[error(
        "group {group} partition {partition}: done up to {done} of {end} but {processed} processed + {lost_to_retention} lost to retention + {lost_to_crashes} lost to crashes + {dead_lettered} dead-lettered + {superseded} superseded by compaction or deleted before the group joined"
    )]
    Partition {
        group: String,
        partition: usize,
        done: u64,
        end: u64,
        processed: u64,
        lost_to_retention: u64,
        lost_to_crashes: u64,
        dead_lettered: u64,
        superseded: u64,
    },
    #[error(
        "{copies} endpoint copies but {acked} acked + {dead_lettered} dead-lettered + {dropped} dropped + {pending} pending"
    )]
    EndpointCopies {
        copies: u64,
        acked: u64,
        dead_lettered: u64,
        dropped: u64,
        pending: u64,
    },
    /// A bus rule's copies that are in no end state.
    #[error(
        "bus {bus}, rule {rule}: {copies} copies but {delivered} delivered + {dead_lettered} dead-lettered + {dropped} dropped + {pending} waiting for a retry"
    )]
    BusRule {
        bus: String,
        rule: String,
        copies: u64,
        delivered: u64,
        dead_lettered: u64,
        dropped: u64,
        pending: u64,
    },
    /// A blob store's objects: each one PUT is deleted, expired or still
    /// stored, and what it counts stored is what its slab holds.
    #[error(
        "blob store {store}: {created} objects PUT but {deleted} deleted + {expired} expired + {stored} stored (its slab holds {held} objects, {bytes} bytes against {counted_bytes} counted, {orphans} orphans against {counted_orphans} counted)"
    )]
    BlobObjects {
        store: String,
        created: u64,
        deleted: u64,
        expired: u64,
        stored: u64,
        held: u64,
        bytes: u64,
        counted_bytes: u64,
        orphans: u64,
        counted_orphans: u64,
    },
    /// Payloads producers claim-checked and objects the stores took in.
    #[error(
        "producers claim-checked {sent} payloads but the blob stores took in {created} objects"
    )]
    ClaimChecks { sent: u64, created: u64 },
    /// A bus's copies waiting for a retry, by its rules and by its slab.
    #[error("bus {bus}: its rules count {counted} copies waiting, it holds {held}")]
    BusWaiting {
        bus: String,
        counted: u64,
        held: u64,
    },
    #[error(
        "push topic {topic}: {publishes} publishes to {subscriptions} subscriptions but {copies} copies"
    )]
    PushTopic {
        topic: String,
        publishes: u64,
        subscriptions: u64,
        copies: u64,
    },
    #[error(
        "topic {topic}: leaders appended {sent} but {committed} committed + {unreplicated} unreplicated + {truncated} truncated"
    )]
    Replication {
        topic: String,
        sent: u64,
        committed: u64,
        unreplicated: u64,
        truncated: u64,
    },
    #[error(
        "producer {producer}: {sends} sends but {waiting} waiting + {in_batches} in batches + {acked} acknowledged + {failed} failed; {appended} appended but {acked} acknowledged + {appended_held} held + {failed_appended} failed after their append"
    )]
    KafkaProducer {
        producer: String,
        sends: u64,
        waiting: u64,
        in_batches: u64,
        acked: u64,
        failed: u64,
        appended: u64,
        appended_held: u64,
        failed_appended: u64,
    },
    #[error(
        "compacted topic {topic}: {appended} appended but {held} held + {compacted} compacted away + {deleted} deleted by retention"
    )]
    Compaction {
        topic: String,
        appended: u64,
        held: u64,
        compacted: u64,
        deleted: u64,
    },
    #[error("{made} endpoint copies made, endpoints count {counted}")]
    EndpointCopiesMade { made: u64, counted: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_as_one_line() {
        let found = Unbalanced(vec![
            Imbalance::Created {
                created: 3,
                accepted: 4,
            },
            Imbalance::QueueStates {
                arena: StateCounts {
                    visible: 1,
                    in_flight: 2,
                    delayed: 0,
                },
                queues: StateCounts {
                    visible: 1,
                    in_flight: 1,
                    delayed: 0,
                },
            },
            Imbalance::PushCopies {
                in_arena: 2,
                pending: Some(1),
            },
        ]);
        assert_eq!(
            found.to_string(),
            "3 messages created for 4 accepted publishes; \
             arena holds visible/in flight/delayed 1/2/0, queues count 1/1/0; \
             2 push copies in the arena, endpoints count Some(1) pending"
        );
    }
}
