//! A queue's terms in the conservation ledger: what it deleted, expired,
//! dropped or refused, and what it holds (a dead-letter queue's holding is
//! dead-lettered, another's is still in the system).

use crate::model::account::{Accounted, Terms};
use crate::model::queue::Queue;

impl Accounted for Queue {
    fn ledger_terms(&self, t: &mut Terms) {
        t.processed += self.c.deletes;
        // reject-publish-dlx's dead-lettered copies: new messages, beside
        // the refused publishes their publishers counted.
        t.produced += self.c.rejected_to_dlq;
        if self.p.is_dlq {
            t.dead_lettered += self.depth();
        } else {
            t.in_system.visible += self.visible_n;
            t.in_system.in_flight += self.in_flight_n;
            t.in_system.delayed += self.delayed_n;
        }
        t.expired += self.c.expired;
        t.dropped += self.c.dropped;
        t.rejected += self.c.rejected;
        t.queue_states.visible += self.visible_n;
        t.queue_states.in_flight += self.in_flight_n;
        t.queue_states.delayed += self.delayed_n;
    }
}
