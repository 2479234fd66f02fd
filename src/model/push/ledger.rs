//! A push topic's terms in the conservation ledger (its publishes and the
//! copies it put into queues), an endpoint subscription's (each copy acked,
//! dead-lettered, dropped or pending), and the topic's own books: one copy
//! per publish and subscription.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::push::{Endpoint, PushTopic};

impl Accounted for PushTopic {
    fn ledger_terms(&self, t: &mut Terms) {
        // A copy into a queue is a message to that queue.
        t.produced += self.queue_copies;
        t.rejections_seen += self.queue_rejected.iter().sum::<u64>();
        let p = t.push.get_or_insert_with(Default::default);
        p.published += self.published;
        p.queue_copies += self.queue_copies;
    }

    fn own_books(&self, b: &Books, out: &mut Vec<Imbalance>) {
        let copies: u64 = self
            .endpoints
            .iter()
            .filter_map(|&c| b.consumers[c.index()].kind.endpoint())
            .map(|e| e.c.copies)
            .sum();
        let subs = (self.queues.len() + self.endpoints.len()) as u64;
        if copies + self.queue_copies != self.published * subs {
            out.push(Imbalance::PushTopic {
                topic: self.name.clone(),
                publishes: self.published,
                subscriptions: subs,
                copies: copies + self.queue_copies,
            });
        }
    }
}

impl Endpoint {
    /// Its terms, part of its consumer's.
    pub fn ledger_terms(&self, t: &mut Terms) {
        // A dead-lettered copy enters its dead-letter queue as a message,
        // without a new message in the arena.
        t.produced += self.c.dead_lettered;
        t.adopted += self.c.dead_lettered;
        let p = t.push.get_or_insert_with(Default::default);
        p.endpoint_copies += self.c.copies;
        p.acked += self.c.acked;
        p.dead_lettered += self.c.dead_lettered;
        p.dropped += self.c.dropped;
        p.pending += self.pending;
    }
}
