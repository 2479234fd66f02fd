//! A service's books: every request it accepted finished, was failed by an
//! outage, or is still in service; and the attempts that reached it, which
//! the ledger checks against what clients sent.

use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::downstream::service::Service;

impl Accounted for Service {
    fn ledger_terms(&self, t: &mut Terms) {
        // Saturating: books that do not add up are `own_books`' finding, and
        // must not wrap into a second, nonsensical one here.
        let failed_in_service = self
            .c
            .accepted
            .saturating_sub(self.c.completed + self.in_service as u64);
        t.service_attempts_reached += (self.c.accepted + self.c.rejected + self.c.down_rejections)
            .saturating_sub(failed_in_service);
    }

    fn own_books(&self, _: &Books, out: &mut Vec<Imbalance>) {
        if self.c.accepted < self.c.completed + self.in_service as u64 {
            out.push(Imbalance::ServiceRequests {
                service: self.p.name.clone(),
                accepted: self.c.accepted,
                completed: self.c.completed,
                in_service: self.in_service as u64,
            });
        }
    }
}
