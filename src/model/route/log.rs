//! The log's conversations that reach every group reading a topic: a
//! producer's append (retention applied, every group told where the log now
//! starts, the owners of the partition woken), and a member's record that
//! failed for good appended to the dead-letter topic.

use crate::engine::{Scheduler, SimTime};
use crate::model::consumer::WorkerState;
use crate::model::log::Record;
use crate::model::message::Message;
use crate::model::producer::Sink;
use crate::model::{Event, World};

impl World {
    /// A producer's record to its topic; wakes the owners of its partition.
    pub(crate) fn append_record(
        &mut self,
        pi: usize,
        now: SimTime,
        sim: Option<&mut Scheduler<Event>>,
    ) {
        let p = &mut self.producers[pi];
        let Sink::Topic(ti) = p.p.sink else {
            unreachable!("a record from a producer to a queue or push topic")
        };
        let ti = ti.index();
        let keyed = p.p.keys > 0;
        let m = p.make_message(now, 0);
        if !self.sink_admits(pi, m.size) {
            return;
        }
        let mut record = Record::of(&m);
        // Drawn only for an admitted record, and only with tombstones.
        record.tombstone = self.producers[pi].draw_tombstone();
        let mut sim = sim;
        if let Some(sim) = sim.as_deref_mut()
            && self.topics[ti].replication.is_some()
        {
            // A replicated topic's leader takes it (or refuses); consumers
            // see it once the in-sync replicas have it (`replicate.rs`).
            return self.append_replicated(pi, ti, record, keyed, sim);
        }
        let p = &mut self.producers[pi];
        p.c.produced += 1;
        let held: u64 = self.topics.iter().map(|t| t.held()).sum();
        if let Some(sim) = sim {
            // Memory guard: a topic keeps every record for its retention.
            self.guard_backlog(held, sim);
            self.append_to_topic(ti, record, keyed, now, Some(sim));
        } else {
            self.append_to_topic(ti, record, keyed, now, None);
        }
    }

    /// A pipeline stage's record: keyed by its parent's key when the topic
    /// is keyed, its chain's start kept (`Record::lineage`).
    pub(super) fn append_onward(
        &mut self,
        ti: usize,
        m: &Message,
        keyed: bool,
        sim: &mut Scheduler<Event>,
    ) {
        let held: u64 = self.topics.iter().map(|t| t.held()).sum();
        self.guard_backlog(held, sim);
        self.append_to_topic(ti, Record::of(m), keyed, sim.now(), Some(sim));
    }

    /// Appends a record, applies retention, and wakes the owners of its
    /// partition in every group.
    fn append_to_topic(
        &mut self,
        ti: usize,
        record: Record,
        keyed: bool,
        now: SimTime,
        sim: Option<&mut Scheduler<Event>>,
    ) {
        let part = self.topics[ti].pick(record.key, keyed);
        self.append_to_partition(ti, part, record, now, sim);
    }

    /// Appends a record to partition `part` (where consumers see it), applies
    /// retention, and wakes the partition's owners in every group.
    pub(super) fn append_to_partition(
        &mut self,
        ti: usize,
        part: usize,
        record: Record,
        now: SimTime,
        sim: Option<&mut Scheduler<Event>>,
    ) {
        let topic = &mut self.topics[ti];
        topic.append_at(part, record);
        let start = topic.trim(part, now);
        topic.log_start_moved(part, start, &mut self.consumers, now);
        let Some(sim) = sim else { return };
        for gi in 0..self.topics[ti].groups.len() {
            let ci = self.topics[ti].groups[gi].index();
            let c = &self.consumers[ci];
            let g = c.kind.group().expect("a group");
            let Some(wi) = g.owner(part) else { continue };
            if let WorkerState::Waiting { .. } = c.workers[wi].state() {
                self.on_consumer(ci, sim, |c, cx, sim| c.fetch(wi, cx.fetch(), sim));
            }
        }
    }

    /// Worker `wi` of member `ci` gave up on its record: the original record,
    /// keyed as it was, goes to the group's dead-letter topic.
    pub(super) fn dead_letter_record(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let c = &self.consumers[ci];
        let slot = c.current(wi).slot;
        let m = self.arena.get(slot);
        let mut record = Record::of_stored(&self.arena, slot);
        let g = c.kind.group().expect("a group");
        let dlt = g.p.dead_letter_topic.expect("a dead-letter topic").index();
        if self.topics[dlt].retry_topic {
            // Its delay counts from now; the chain from its first publish.
            record.lineage = self.arena.lineage_start(slot).unwrap_or(m.published) + 1;
            record.published = sim.now();
        }
        let keyed = self.topics[g.topic.index()].keyed;
        self.topics[dlt].dead_letter_appends += 1;
        self.append_to_topic(dlt, record, keyed, sim.now(), Some(sim));
    }
}
