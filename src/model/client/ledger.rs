//! A client's books: every logical request succeeded, was given up, or is
//! still in progress; and the attempts it sent to a service, which the
//! ledger checks against what the services saw.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::client::{Clients, Target};

impl Accounted for Clients {
    fn ledger_terms(&self, t: &mut Terms) {
        if matches!(self.p.target, Target::Service(_)) {
            t.service_attempts_sent += self.c.attempts;
        }
    }

    fn own_books(&self, _: &Books, out: &mut Vec<Imbalance>) {
        let c = &self.c;
        if c.requests != c.successes + c.gave_up + self.in_progress() {
            out.push(Imbalance::ClientRequests {
                client: self.p.name.clone(),
                requests: c.requests,
                succeeded: c.successes,
                gave_up: c.gave_up,
                in_progress: self.in_progress(),
            });
        }
    }
}
