//! A consumer's terms in the conservation ledger: its duplicates, and its
//! kind's — an endpoint's copies, a group member's partitions (its own books).

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::consumer::Consumer;

impl Accounted for Consumer {
    fn ledger_terms(&self, t: &mut Terms) {
        t.duplicates += self.c.duplicates;
        // A stage's onward messages are new arrivals of the next queue (a
        // push topic's or a bus's copies are theirs to account for).
        if let Some(o) = self
            .onward
            .as_ref()
            .filter(|o| matches!(o.sink, crate::model::producer::Sink::Queue(_)))
        {
            t.produced += o.c.published;
        }
        if let Some(e) = self.kind.endpoint() {
            e.ledger_terms(t);
        }
    }

    /// The topics are for a group member's partitions.
    fn own_books(&self, b: &Books, out: &mut Vec<Imbalance>) {
        if let Some(g) = self.kind.group() {
            g.own_books(&self.p.name, &b.topics[g.topic.index()], out);
        }
    }
}
