//! A replicated topic's conversations: a producer's write to a partition's
//! leader, the followers' fetches that move the high watermark (committed
//! records reach the consumers), and brokers failing and coming back
//! (`log/replication.rs` holds the rules).

use crate::engine::Scheduler;
use crate::model::event::{TopicEvent, TopicId};
use crate::model::log::Record;
use crate::model::{Event, World};

impl World {
    /// Producer `pi`'s record to replicated topic `ti`.
    pub(super) fn append_replicated(
        &mut self,
        pi: usize,
        ti: usize,
        record: Record,
        keyed: bool,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let acks = self.producers[pi].p.acks;
        let topic = &mut self.topics[ti];
        let part = topic.pick(record.key, keyed);
        let rep = topic.replication.as_mut().expect("replicated");
        let mut out = std::mem::take(&mut self.scratch_records);
        if rep.append(part, record, acks, now, &mut out).is_ok() {
            self.producers[pi].c.produced += 1;
            let held: u64 = self.topics.iter().map(|t| t.held()).sum();
            self.guard_backlog(held, sim);
        }
        self.commit(ti, part, &mut out, sim);
        self.scratch_records = out;
    }

    /// Records that reached partition `part`'s high watermark go to its
    /// consumers; the next replication step is scheduled.
    pub(super) fn commit(
        &mut self,
        ti: usize,
        part: usize,
        out: &mut Vec<Record>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        for r in out.drain(..) {
            self.append_to_partition(ti, part, r, now, Some(&mut *sim));
        }
        let rep = self.topics[ti].replication.as_mut().expect("replicated");
        if let Some(t) = rep.next_step(part) {
            let partition = part as u32;
            sim.at(
                t,
                Event::Topic(TopicId::of(ti), TopicEvent::Replicate { partition }),
            );
        }
    }

    /// Every partition's high watermark moved to where its in-sync set is now.
    fn advance_all(&mut self, ti: usize, sim: &mut Scheduler<Event>) {
        let n = self.topics[ti]
            .replication
            .as_ref()
            .map_or(0, |r| r.partitions());
        let mut out = std::mem::take(&mut self.scratch_records);
        for part in 0..n {
            let rep = self.topics[ti].replication.as_mut().expect("replicated");
            rep.advance(part, sim.now(), &mut out);
            self.commit(ti, part, &mut out, sim);
        }
        self.scratch_records = out;
    }

    pub(super) fn on_replication(
        &mut self,
        t: TopicId,
        ev: TopicEvent,
        sim: &mut Scheduler<Event>,
    ) {
        let ti = t.index();
        let now = sim.now();
        let rep = self.topics[ti].replication.as_mut().expect("replicated");
        match ev {
            TopicEvent::Replicate { partition } => {
                let part = partition as usize;
                if !rep.step_due(part, now) {
                    return;
                }
                let mut out = std::mem::take(&mut self.scratch_records);
                rep.advance(part, now, &mut out);
                self.commit(ti, part, &mut out, sim);
                self.scratch_records = out;
            }
            TopicEvent::BrokerDown { broker } => {
                // What the in-sync set had is committed before leadership moves.
                self.advance_all(ti, sim);
                let rep = self.topics[ti].replication.as_mut().expect("replicated");
                rep.broker_down(broker, now);
                self.advance_all(ti, sim);
            }
            TopicEvent::BrokerUp { broker } => {
                rep.broker_up(broker, now);
                let lag = rep.p.fetch_lag;
                sim.after(lag, Event::Topic(t, TopicEvent::CaughtUp { broker }));
                self.advance_all(ti, sim);
            }
            TopicEvent::CaughtUp { broker } => {
                rep.caught_up(broker);
                self.advance_all(ti, sim);
            }
            TopicEvent::RetentionCheck | TopicEvent::Compact => {
                unreachable!("not a replication event")
            }
        }
    }
}
