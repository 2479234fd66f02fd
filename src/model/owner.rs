//! Which component an event belongs to, in words: a stalled run names the
//! components whose events kept simulated time from advancing.

use super::World;
use super::event::Event;

impl World {
    /// The component `ev` is handled by, e.g. "consumer `workers`".
    pub fn owner(&self, ev: &Event) -> String {
        match ev {
            Event::Producer(p, _) => format!("producer `{}`", self.producers[p.index()].p.name),
            Event::Queue(q, _) => format!("queue `{}`", self.queues[q.index()].p.name),
            Event::Topic(t, _) => format!("topic `{}`", self.topics[t.index()].p.name),
            Event::Consumer(c, _) => format!("consumer `{}`", self.consumers[c.index()].p.name),
            Event::Database(d, _) => format!("database `{}`", self.databases[d.index()].p.name),
            Event::Clients(k, _) => format!("clients `{}`", self.clients[k.index()].p.name),
            Event::Service(v, _) => format!("service `{}`", self.services[v.index()].p.name),
            Event::PushCopy(..) => "push deliveries".into(),
            Event::Bus(b, _) => format!("bus `{}`", self.buses[b.index()].name),
            Event::Blob(b, _) => format!("blob store `{}`", self.blob_stores[b.index()].p.name),
            Event::Redrive(r) => {
                let q = self.redrives[r.index()].queue.index();
                format!("the redrive of queue `{}`", self.queues[q].p.name)
            }
            Event::DatabaseOutage { .. } | Event::ServiceOutage { .. } => "faults".into(),
            Event::Warmup | Event::Sample => "the sampler".into(),
            Event::Alarm(_) => "the alarms".into(),
        }
    }

    /// The owners of `events`, each once, the busiest first, with their
    /// counts: "consumer `w` (60 events), queue `q` (4 events)".
    pub fn owners(&self, events: &[Event]) -> String {
        let mut counts: Vec<(String, usize)> = vec![];
        for ev in events {
            let o = self.owner(ev);
            match counts.iter_mut().find(|(n, _)| *n == o) {
                Some((_, c)) => *c += 1,
                None => counts.push((o, 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts
            .into_iter()
            .map(|(o, c)| format!("{o} ({c} event{})", if c == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
