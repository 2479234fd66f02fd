//! A producer's terms in the conservation ledger: the messages it sent to a
//! queue (a topic's records are the groups' books), the refusals it saw, and,
//! with a publish policy, what its buffer holds and lost.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Terms};
use crate::model::producer::{Producer, Sink};

impl Accounted for Producer {
    fn own_books(&self, _: &crate::model::account::Books, out: &mut Vec<Imbalance>) {
        if let Some(k) = &self.kafka {
            k.own_books(&self.p.name, out);
        }
    }

    fn ledger_terms(&self, t: &mut Terms) {
        if matches!(self.p.sink, Sink::Queue(_)) {
            t.produced += self.messages();
        }
        t.rejections_seen += self.c.rejected;
        t.claim_checks += self.c.claim_checks;
        t.in_producer_batches += self.batch.as_ref().map_or(0, |b| b.held());
        let Some(b) = &self.buffer else { return };
        t.policy_rejected += self.c.rejected;
        let l = t.producers.get_or_insert_with(Default::default);
        l.messages += self.c.made;
        l.accepted += self.c.produced;
        l.buffered += b.held_messages();
        l.dropped_full += b.c.dropped_full;
        l.gave_up += b.c.gave_up;
        l.lost_at_crash += b.c.lost_at_crash;
    }
}
