//! The log's conversations: a producer appends to a topic (and wakes the
//! members that own the partition), a group member fetches a batch from one of
//! its partitions and works through it in order, committing as its mode says;
//! a record that fails is tried again after a backoff, blocking its partition.
//! Retention deletes from the head, and groups that had not got there lose it.
//!
//! A fetched record is copied into the message arena for the time it is being
//! processed, so that a member's work (processing, calls, retries) is the same
//! code as a queue consumer's.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::consumer::Consumer;
use crate::model::consumer::{Phase, WorkerState};
use crate::model::event::{ConsumerEvent, ConsumerId, TopicEvent, TopicId};
use crate::model::log::{Record, Topic};
use crate::model::message::{Arena, Message, Receipt, State};
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
        p.c.produced += 1;
        let record = Record::of(&m);
        let held: u64 = self.topics.iter().map(|t| t.held()).sum();
        if let Some(sim) = sim {
            // Memory guard: a topic keeps every record for its retention.
            self.guard_backlog(held, sim);
            self.append_to_topic(ti, record, keyed, now, Some(sim));
        } else {
            self.append_to_topic(ti, record, keyed, now, None);
        }
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
        let topic = &mut self.topics[ti];
        let part = topic.append(record, keyed);
        let start = topic.trim(part, now);
        topic.log_start_moved(part, start, &mut self.consumers);
        let Some(sim) = sim else { return };
        for gi in 0..self.topics[ti].groups.len() {
            let ci = self.topics[ti].groups[gi].index();
            let c = &self.consumers[ci];
            let g = c.kind.group().expect("a group");
            let wi = g.owner(part);
            if let WorkerState::Waiting { .. } = c.workers[wi].state() {
                self.fetch(ci, wi, sim);
            }
        }
    }

    /// A member fetches the next batch from one of its partitions, or parks.
    pub(crate) fn fetch(&mut self, ci: usize, wi: usize, sim: &mut Scheduler<Event>) {
        let cx = Fetch {
            topics: &self.topics,
            arena: &mut self.arena,
            record_copies: &mut self.record_copies,
        };
        self.consumers[ci].fetch(wi, cx, sim);
    }

    /// A member is done with a record: success moves past it; failure tries the
    /// same record again after a backoff (blocking the partition), until
    /// `max_attempts` sends it to the dead-letter topic.
    pub(crate) fn finish_record(
        &mut self,
        ci: usize,
        wi: usize,
        ok: bool,
        sim: &mut Scheduler<Event>,
    ) {
        let r = self.consumers[ci].current(wi);
        let m = self.arena.get_mut(r.slot);
        let (part, offset) = (m.queue as usize, m.offset);
        let c = &mut self.consumers[ci];
        let g = c.kind.group_mut().expect("a group");
        let max_attempts = g.p.max_attempts;
        if !ok {
            m.receive_count += 1;
            if max_attempts == 0 || m.receive_count < max_attempts {
                let d = c.draw_backoff_s(m.receive_count - 1, m.backoff_prev_s as f64);
                m.backoff_prev_s = d as f32;
                return self.consumers[ci].schedule_step(wi, Phase::Redo, from_secs(d), sim);
            }
        }
        let first = g.completed(part, offset, !ok);
        if let (false, true, Some(dlt)) = (ok, first, g.p.dead_letter_topic) {
            // The original record, keyed as it was, in the dead-letter topic.
            let record = Record::of(m);
            let keyed = self.topics[g.topic as usize].keyed;
            self.topics[dlt as usize].dead_letter_appends += 1;
            self.append_to_topic(dlt as usize, record, keyed, sim.now(), Some(sim));
        }
        let m = self.arena.get_mut(r.slot);
        m.state = State::Deleted;
        self.release(r);
        let c = &mut self.consumers[ci];
        let w = &mut c.workers[wi];
        w.pos += 1;
        if w.pos < w.batch.len() {
            self.consumers[ci].begin_message(wi, &mut self.arena, sim);
        } else {
            let g = c.kind.group_mut().expect("a group");
            g.batch_done(part, offset + 1);
            c.busy -= 1;
            self.fetch(ci, wi, sim);
        }
    }

    /// A member crashes: the group stops (an eager rebalance: every member drops
    /// its batch), rewinds to its committed offsets, and resumes after the
    /// rebalance time.
    pub(crate) fn member_crash(&mut self, ci: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        for wi in 0..self.consumers[ci].workers.len() {
            let c = &mut self.consumers[ci];
            let w = &mut c.workers[wi];
            if w.state() == WorkerState::Busy {
                self.drop_current_call(ci, wi, sim);
                let c = &mut self.consumers[ci];
                c.busy -= 1;
                let w = &mut c.workers[wi];
                for i in w.pos..w.batch.len() {
                    let r = self.consumers[ci].workers[wi].batch[i];
                    self.arena.get_mut(r.slot).state = State::Deleted;
                    self.release(r);
                }
            }
            let c = &mut self.consumers[ci];
            c.workers[wi].batch.clear();
            c.set_worker_state(wi, WorkerState::Pausing);
        }
        let g = self.consumers[ci].kind.group_mut().expect("a group");
        let starts: Vec<u64> = self.topics[g.topic as usize]
            .partitions
            .iter()
            .map(|p| p.start)
            .collect();
        g.rewind(&starts);
        g.paused_until = Some(now + g.p.rebalance);
        sim.after(
            g.p.rebalance,
            Event::Consumer(ConsumerId::of(ci), ConsumerEvent::Rebalanced),
        );
    }
}

/// What a member's fetch reaches: the topics it reads (not writes), the arena
/// its batch is copied into, and the count of those copies.
pub(crate) struct Fetch<'a> {
    pub topics: &'a [Topic],
    pub arena: &'a mut Arena,
    pub record_copies: &'a mut u64,
}

impl Fetch<'_> {
    /// The same loan, for one more fetch.
    fn again(&mut self) -> Fetch<'_> {
        Fetch {
            topics: self.topics,
            arena: self.arena,
            record_copies: self.record_copies,
        }
    }
}

impl Consumer {
    /// A member fetches the next batch from one of its partitions, or parks.
    pub(crate) fn fetch(&mut self, wi: usize, cx: Fetch<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let g = self.kind.group_mut().expect("only group members fetch");
        let topic = &cx.topics[g.topic as usize];
        let w = &mut self.workers[wi];
        w.batch.clear();
        w.pos = 0;
        if g.paused_until.is_some() {
            w.set_state(WorkerState::Pausing, &mut self.parked); // the rebalance's end restarts it
            return;
        }
        let Some(part) = g.next_partition(wi, topic) else {
            w.set_state(WorkerState::Waiting { since: now }, &mut self.parked);
            return;
        };
        let from = g.partitions[part].position;
        let n = (topic.partitions[part].end() - from).min(self.p.batch_size as u64);
        for offset in from..from + n {
            let r = topic.partitions[part]
                .get(offset)
                .expect("fetched below the end");
            let mut m = Message::new(r.published, part as u16);
            (m.key, m.size, m.cost, m.poison) = (r.key, r.size, r.cost, r.poison);
            m.offset = offset;
            m.state = State::Fetched;
            m.holders = 1;
            // Processed before a rebalance rewound the group: a duplicate.
            let again = offset < g.partitions[part].done;
            m.successes = u32::from(again);
            if !again {
                g.wait.record(now - r.published);
            }
            let slot = cx.arena.insert(m);
            let generation = cx.arena.get(slot).generation;
            w.batch.push(Receipt { slot, generation });
        }
        *cx.record_copies += n;
        // Copying a batch is work inside this event: a storm of rebalances
        // that fetch the same batch again counts every copy.
        sim.work(n);
        g.fetched(part, from + n);
        w.set_state(WorkerState::Busy, &mut self.parked);
        self.occupy();
        self.begin_message(wi, cx.arena, sim);
    }

    /// The group's rebalance is over: the members it paused fetch again.
    pub(crate) fn on_rebalanced(&mut self, mut cx: Fetch<'_>, sim: &mut Scheduler<Event>) {
        let g = self.kind.group_mut().expect("a group");
        if g.paused_until.is_some_and(|t| t > sim.now()) {
            return; // another crash during the rebalance restarted it
        }
        g.paused_until = None;
        for wi in 0..self.workers.len() {
            if self.workers[wi].state() == WorkerState::Pausing {
                self.fetch(wi, cx.again(), sim);
            }
        }
    }

    pub(crate) fn schedule_random_crash(&mut self, sim: &mut Scheduler<Event>) {
        let g = self.kind.group_mut().expect("a group");
        if let Some(d) = g.next_crash_in() {
            sim.after(
                d,
                Event::Consumer(self.id, ConsumerEvent::MemberCrash { random: true }),
            );
        }
    }

    /// Auto-commit's tick.
    pub(crate) fn on_auto_commit(&mut self, sim: &mut Scheduler<Event>) {
        let g = self.kind.group_mut().expect("a group");
        if g.paused_until.is_none() {
            g.commit_positions();
        }
        sim.after(
            g.p.commit_interval,
            Event::Consumer(self.id, ConsumerEvent::AutoCommit),
        );
    }
}

impl Topic {
    /// The log's start moved on `part`: every group reading it learns of it
    /// (a group that had not got there loses those records).
    fn log_start_moved(&self, part: usize, start: u64, members: &mut [Consumer]) {
        for &ci in &self.groups {
            if let Some(g) = members[ci.index()].kind.group_mut() {
                g.log_start_moved(part, start);
            }
        }
    }

    /// Retention runs on its own timer too, not only when records arrive, so
    /// that a partition nobody writes to is trimmed as well.
    pub(crate) fn on_retention(
        &mut self,
        id: TopicId,
        members: &mut [Consumer],
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        for part in 0..self.partitions.len() {
            let before = self.partitions[part].start;
            let start = self.trim(part, now);
            sim.work(start - before);
            self.log_start_moved(part, start, members);
        }
        sim.after(
            self.p.retention_check,
            Event::Topic(id, TopicEvent::RetentionCheck),
        );
    }
}
