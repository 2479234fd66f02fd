//! The world's terms in the conservation ledger, reported by the components
//! themselves through `Accounted`; metrics/ledger.rs sums them, checks them
//! against each other and against the message arena.

use crate::metrics::imbalance::{Imbalance, StateCounts};
use crate::metrics::ledger::{InSystem, ProducerLedger, PushLedger};
use crate::model::World;
use crate::model::consumer::Consumer;
use crate::model::log::Topic;

/// The ledger's terms summed over the components, and the counts the ledger
/// checks against each other.
#[derive(Debug, Default)]
pub struct Terms {
    /// Messages that entered the books: publish attempts to queues (the
    /// initial backlog included), copies a push topic offered its queues,
    /// endpoint copies dead-lettered into a queue.
    pub produced: u64,
    /// Deleted after a successful processing.
    pub processed: u64,
    /// Held by dead-letter queues.
    pub dead_lettered: u64,
    pub expired: u64,
    pub dropped: u64,
    /// Refused by full queues.
    pub rejected: u64,
    /// Held by the other queues.
    pub in_system: InSystem,
    pub duplicates: u64,
    /// Push topics and their endpoints, when there are push topics.
    pub push: Option<PushLedger>,
    /// Producers with a publish policy, when there are any.
    pub producers: Option<ProducerLedger>,
    /// Refusals as the publishers saw them: must be the queues' `rejected`.
    pub rejections_seen: u64,
    /// Refusals seen by producers with a publish policy, which retry or lose
    /// a refused message instead: must be none.
    pub policy_rejected: u64,
    /// Messages that entered a queue without a new message in the arena (an
    /// endpoint's copy, dead-lettered).
    pub adopted: u64,
    /// What all queues (dead-letter queues too) hold, state by state: must
    /// be what the arena holds.
    pub queue_states: StateCounts,
    /// Payloads producers put in blob stores, and the stores' objects.
    pub claim_checks: u64,
    pub payloads: Option<crate::metrics::ledger::PayloadLedger>,
    /// Messages in producers' open SendMessageBatch batches (made, not yet
    /// offered to their queue).
    pub in_producer_batches: u64,
    /// Attempts clients sent to services, and those the services saw.
    pub service_attempts_sent: u64,
    pub service_attempts_reached: u64,
}

/// What a component may read, besides itself, when it checks its own books:
/// the topic a group reads, the consumers a push topic delivers to.
pub struct Books<'a> {
    pub topics: &'a [Topic],
    pub consumers: &'a [Consumer],
}

/// A component in the conservation ledger. A new kind of component that
/// holds, lets in or ends messages implements this in its own folder and
/// adds its table to `World::ledger_terms`; the ledger names no component.
pub trait Accounted {
    /// Adds what it let in, holds and ended to the run's terms.
    fn ledger_terms(&self, t: &mut Terms);
    /// What does not balance inside the component itself (nothing, unless it
    /// keeps books of its own).
    fn own_books(&self, _: &Books, _: &mut Vec<Imbalance>) {}
}

fn add<T: Accounted>(table: &[T], t: &mut Terms) {
    for c in table {
        c.ledger_terms(t);
    }
}

fn check<T: Accounted>(table: &[T], b: &Books, out: &mut Vec<Imbalance>) {
    for c in table {
        c.own_books(b, out);
    }
}

impl World {
    /// Every component's terms, summed.
    pub fn ledger_terms(&self) -> Terms {
        let mut t = Terms::default();
        add(&self.producers, &mut t);
        add(&self.queues, &mut t);
        add(&self.pushes, &mut t);
        add(&self.buses, &mut t);
        add(&self.consumers, &mut t);
        add(&self.clients, &mut t);
        add(&self.services, &mut t);
        add(&self.blob_stores, &mut t);
        t
    }

    /// What does not balance inside the components, table after table.
    pub fn own_books(&self) -> Vec<Imbalance> {
        let b = Books {
            topics: &self.topics,
            consumers: &self.consumers,
        };
        let mut out = vec![];
        check(&self.producers, &b, &mut out);
        check(&self.topics, &b, &mut out);
        check(&self.pushes, &b, &mut out);
        check(&self.buses, &b, &mut out);
        check(&self.consumers, &b, &mut out);
        check(&self.clients, &b, &mut out);
        check(&self.services, &b, &mut out);
        check(&self.blob_stores, &b, &mut out);
        out
    }
}
