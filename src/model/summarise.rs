//! The world's entries in summary.json, built by the components themselves
//! through `Summarised`; run/summary.rs only puts them in order.

use crate::engine::SimTime;
use crate::model::World;
use crate::model::consumer::Consumer;
use crate::model::log::Topic;

/// A summary count left out of summary.json at 0 (`skip_serializing_if`):
/// a scenario without the mechanism keeps its file as it was.
pub fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a component may read, besides itself, when it writes its entry: the
/// names of the components it links to, the topics a group reads, a push
/// topic's endpoint consumers, and the run's end and measured span.
pub struct Links<'a> {
    w: &'a World,
    /// The run's end.
    pub end: SimTime,
    /// Seconds from the warm-up's end to the run's end (rates are per it).
    pub span_s: f64,
}

impl<'a> Links<'a> {
    pub fn new(w: &'a World, end: SimTime, span_s: f64) -> Links<'a> {
        Links { w, end, span_s }
    }

    pub fn queue_name(&self, q: usize) -> &'a str {
        &self.w.queues[q].p.name
    }

    /// A queue's message TTL in seconds, if it has one.
    pub fn queue_ttl_s(&self, q: usize) -> Option<f64> {
        self.w.queues[q].p.ttl.map(|t| t as f64 / 1e9)
    }

    pub fn push_name(&self, t: usize) -> &'a str {
        &self.w.pushes[t].name
    }

    pub fn bus_name(&self, b: usize) -> &'a str {
        &self.w.buses[b].name
    }

    pub fn topic(&self, t: usize) -> &'a Topic {
        &self.w.topics[t]
    }

    pub fn service_name(&self, s: usize) -> &'a str {
        &self.w.services[s].p.name
    }

    pub fn record_name(&self, r: usize) -> &'a str {
        &self.w.records[r].p.name
    }

    /// A link of a consumer's call chain.
    pub fn target_name(&self, t: crate::model::downstream::Target) -> &'a str {
        self.w.target_name(t)
    }

    /// A push topic's endpoint subscription is a consumer.
    pub fn consumer(&self, c: usize) -> &'a Consumer {
        &self.w.consumers[c]
    }

    /// The account's concurrency limit shared by Lambda-like consumers.
    pub fn account_limit(&self) -> u32 {
        self.w.account_limit
    }
}

/// A component with an entry in summary.json. A new kind of component
/// implements this in its own folder, with its entry's type beside it, and
/// adds its list to `Summary`; no other file builds its entry.
pub trait Summarised {
    /// Its entry (serialised in summary.json).
    type Entry;
    fn summary(&self, r: &Links) -> Self::Entry;
}

/// One table's entries, in the table's order.
pub fn entries<T: Summarised>(table: &[T], r: &Links) -> Vec<T::Entry> {
    table.iter().map(|c| c.summary(r)).collect()
}
