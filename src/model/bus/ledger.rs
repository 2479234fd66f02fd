//! A bus's terms in the conservation ledger — a copy a rule put into a queue
//! (delivered or dead-lettered) is a message to that queue; a copy published
//! to a push topic is that topic's publish — and its own books: each rule's
//! copies end exactly once (delivered, dead-lettered, dropped, or waiting for
//! a retry), and the copies it holds are those its rules count as waiting.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::bus::{Bus, Target};

impl Accounted for Bus {
    fn ledger_terms(&self, t: &mut Terms) {
        for r in &self.rules {
            let into_queues: u64 = r
                .targets
                .iter()
                .zip(&r.delivered_to)
                .filter(|(t, _)| matches!(t, Target::Queue(_)))
                .map(|(_, &n)| n)
                .sum();
            t.produced += into_queues + r.c.dead_lettered;
        }
    }

    fn own_books(&self, _: &Books, out: &mut Vec<Imbalance>) {
        for r in &self.rules {
            let ended = r.c.delivered + r.c.dead_lettered + r.c.dropped + r.pending;
            if ended != r.c.copies || r.delivered_to.iter().sum::<u64>() != r.c.delivered {
                out.push(Imbalance::BusRule {
                    bus: self.name.clone(),
                    rule: r.name.clone(),
                    copies: r.c.copies,
                    delivered: r.c.delivered,
                    dead_lettered: r.c.dead_lettered,
                    dropped: r.c.dropped,
                    pending: r.pending,
                });
            }
        }
        if self.pending() != self.waiting_count() {
            out.push(Imbalance::BusWaiting {
                bus: self.name.clone(),
                counted: self.pending(),
                held: self.waiting_count(),
            });
        }
    }
}
