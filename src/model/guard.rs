//! The `run.max_backlog` guard: what the run holds that grows with the load —
//! messages (in queues, in flight, pushed copies), producers' buffers of
//! refused publishes, open-loop clients' requests and, where it is checked at
//! an append, the records topics keep — against one cap, so that no
//! collection that grows with the input escapes it.

use super::World;
use crate::engine::Scheduler;
use crate::model::Event;

impl World {
    /// Messages in producers' buffers (and blocked producers' hands), and
    /// buses' copies waiting for a retry.
    fn buffered(&self) -> u64 {
        self.producers
            .iter()
            .filter_map(|p| p.buffer.as_ref())
            .map(|b| b.held_messages())
            .sum::<u64>()
            + self.buses.iter().map(|b| b.pending()).sum::<u64>()
    }

    /// Open-loop clients' requests under way (a closed loop's are fixed).
    fn requests_out(&self) -> u64 {
        self.clients
            .iter()
            .filter(|c| c.arrivals.is_some())
            .map(|c| (c.requests.len() - c.free.len()) as u64)
            .sum()
    }

    /// Stops the run when what it holds passes the cap; `records` are the
    /// topics' (counted where records are appended).
    ///
    /// Inlined: it runs at every publish, and the cheap count alone decides
    /// most calls; the sums and the message are `over_backlog`'s.
    #[inline]
    pub(crate) fn guard_backlog(&self, records: u64, sim: &mut Scheduler<Event>) {
        let messages = self.arena.live() as u64;
        // The cheap count first: most calls are far below the cap, and most
        // runs hold nothing beyond the arena and the topics.
        if messages + records <= self.max_backlog && !self.holds_beyond_arena {
            return;
        }
        self.over_backlog(messages, records, sim);
    }

    /// The full count, with producers' buffers and clients' requests, and
    /// the stop when it passes the cap: kept out of line, so that the check
    /// inlined at every publish stays small.
    #[inline(never)]
    fn over_backlog(&self, messages: u64, records: u64, sim: &mut Scheduler<Event>) {
        let cap = self.max_backlog;
        let (buffered, requests) = (self.buffered(), self.requests_out());
        if messages + records + buffered + requests <= cap {
            return;
        }
        let total = messages + records + buffered + requests;
        let mut held = if records > 0 {
            format!("{total} records and messages held ({records} in topics")
        } else {
            format!("{total} messages held")
        };
        let mut more = vec![];
        if buffered > 0 {
            more.push(format!(
                "{buffered} in producers' buffers or buses' retries"
            ));
        }
        if requests > 0 {
            more.push(format!("{requests} clients' requests"));
        }
        match (records > 0, more.is_empty()) {
            (true, true) => held.push(')'),
            (true, false) => held.push_str(&format!(", {})", more.join(", "))),
            (false, true) => {}
            (false, false) => held.push_str(&format!(" ({})", more.join(", "))),
        }
        sim.stop(format!("{held}, beyond the cap of {cap} (run.max_backlog)"));
    }
}
