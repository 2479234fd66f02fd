//! A client's books: every logical request succeeded, was given up, or is
//! still in progress; the attempts it sent to a service, which the ledger
//! checks against what the services saw; and the jobs it submitted to a
//! queue, which enter the books as that queue's messages.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::client::{Clients, Target};

impl Accounted for Clients {
    fn ledger_terms(&self, t: &mut Terms) {
        match self.p.target {
            // A hedged copy is one more request at the service.
            Target::Service(_) => {
                t.service_attempts_sent +=
                    self.c.attempts + self.hedge.as_ref().map_or(0, |h| h.c.sent);
            }
            // Jobs submitted to a queue enter the books as its messages; the
            // queue's refusals are the client's to see.
            Target::Queue(_) => {
                t.produced += self.c.submitted;
                t.rejections_seen += self.c.submit_refused;
            }
            Target::Record(_) => {}
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
