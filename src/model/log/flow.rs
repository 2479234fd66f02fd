//! The log's conversations, a group member's side: it fetches a batch from one
//! of its partitions and works through it in order, committing as its mode
//! says; a record that fails is tried again after a backoff, blocking its
//! partition, and one that fails for good goes to the dead-letter topic. A
//! crash stops the whole group for a rebalance. Retention deletes from the
//! head, and groups that had not got there lose it. (A producer's append wakes
//! members of every group reading the partition: the router does it,
//! `route/log.rs`.)
//!
//! A fetched record is copied into the message arena for the time it is being
//! processed, so that a member's work (processing, calls, retries) is the same
//! code as a queue consumer's.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::Event;
use crate::model::consumer::Consumer;
use crate::model::consumer::{Phase, WorkerState};
use crate::model::effect::{Effect, Then};
use crate::model::event::{ConsumerEvent, TopicEvent, TopicId, WorkerId};
use crate::model::log::Topic;
use crate::model::message::{Arena, Message, Receipt, State};
use crate::model::reach::Reach;

impl Consumer {
    /// A member is done with a record: success moves past it; failure tries the
    /// same record again after a backoff (blocking the partition), until
    /// `max_attempts` sends it to the dead-letter topic.
    pub(crate) fn finish_record(
        &mut self,
        wi: usize,
        ok: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let r = self.current(wi);
        let offset = cx.arena.offset(r.slot);
        let backoff_prev_s = cx.arena.backoff_prev_s(r.slot);
        let m = cx.arena.get_mut(r.slot);
        let part = m.queue as usize;
        let g = self.kind.group_mut().expect("a group");
        let max_attempts = g.p.max_attempts;
        if !ok {
            m.receive_count += 1;
            if max_attempts == 0 || m.receive_count < max_attempts {
                let attempt = m.receive_count - 1;
                let d = self.draw_backoff_s(attempt, backoff_prev_s as f64);
                cx.arena.set_backoff_prev_s(r.slot, d as f32);
                return self.schedule_step(wi, Phase::Redo, from_secs(d), sim);
            }
        }
        let first = g.completed(part, offset, !ok);
        if !ok && first && g.p.dead_letter_topic.is_some() {
            // The dead-letter topic wakes its own readers: the router appends.
            let (consumer, worker) = (self.id, WorkerId::of(wi));
            cx.next.push(Effect::DeadLetterRecord { consumer, worker });
            let then = Then::RecordDone;
            return cx.next.push(Effect::Resume {
                consumer,
                worker,
                then,
            });
        }
        self.record_done(wi, cx, sim);
    }

    /// The member moves past its record: the next one of its batch, or the
    /// next fetch.
    pub(crate) fn record_done(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let r = self.current(wi);
        let offset = cx.arena.offset(r.slot);
        let m = cx.arena.get_mut(r.slot);
        let part = m.queue as usize;
        m.state = State::Deleted;
        let repeated = m.successes() >= 2;
        cx.release(r);
        if repeated {
            // The copy counted its record as applied more than once; a record
            // processed a third time (rewound twice) is still one record.
            let g = self.kind.group_mut().expect("a group");
            if !g.first_repeat(part, offset) {
                *cx.applied_more_than_once -= 1;
            }
        }
        let w = &mut self.workers[wi];
        w.pos += 1;
        if w.pos < w.batch.len() {
            self.begin_message(wi, cx.arena, sim);
        } else {
            let g = self.kind.group_mut().expect("a group");
            g.batch_done(part, offset + 1);
            self.busy -= 1;
            self.fetch(wi, cx.fetch(), sim);
        }
    }

    /// Member `wi` drops what it holds: the call in hand, and the records of
    /// its batch not done yet. True if it kept a connection, which its caller
    /// must close.
    pub(crate) fn drop_batch(&mut self, wi: usize, cx: &mut Reach<'_>) -> bool {
        if self.workers[wi].state() != WorkerState::Busy {
            return false;
        }
        let kept_connection = self.drop_current_call(wi, cx);
        self.busy -= 1;
        let w = &mut self.workers[wi];
        for &r in &w.batch[w.pos..] {
            cx.arena.get_mut(r.slot).state = State::Deleted;
            cx.release(r);
        }
        kept_connection
    }

    /// A member crashes: the group stops (an eager rebalance: every member drops
    /// its batch), rewinds to its committed offsets, and resumes after the
    /// rebalance time. Goes through the workers from `from`; a worker's kept
    /// connection is closed before the next worker (the pool may hand it to
    /// one of them).
    pub(crate) fn crash_from(
        &mut self,
        from: usize,
        random: bool,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        for wi in from..self.workers.len() {
            let kept_connection = self.drop_batch(wi, cx);
            self.workers[wi].batch.clear();
            self.set_worker_state(wi, WorkerState::Pausing);
            if kept_connection {
                let (consumer, worker) = (self.id, WorkerId::of(wi));
                cx.next.push(Effect::ReleaseConnection { consumer, worker });
                let then = Then::CrashFrom { random };
                let worker = WorkerId::of(wi + 1);
                return cx.next.push(Effect::Resume {
                    consumer,
                    worker,
                    then,
                });
            }
        }
        let g = self.kind.group_mut().expect("a group");
        let starts: Vec<u64> = cx.topics[g.topic.index()]
            .partitions
            .iter()
            .map(|p| p.start)
            .collect();
        g.rewind(&starts);
        // A group that has not joined yet resumes when it joins.
        let until = (now + g.p.rebalance).max(g.p.start);
        g.paused_until = Some(until);
        sim.at(until, Event::Consumer(self.id, ConsumerEvent::Rebalanced));
        if random {
            self.schedule_random_crash(sim);
        }
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
        if !self.member_polls(wi, sim) {
            // Down, or stopped by an eager rebalance: its end restarts it.
            let w = &mut self.workers[wi];
            w.batch.clear();
            w.pos = 0;
            return self.set_worker_state(wi, WorkerState::Pausing);
        }
        let g = self.kind.group_mut().expect("only group members fetch");
        let topic = &cx.topics[g.topic.index()];
        let w = &mut self.workers[wi];
        w.batch.clear();
        w.pos = 0;
        if g.paused_until.is_some() {
            w.set_state(WorkerState::Pausing, &mut self.parked); // the rebalance's end restarts it
            return;
        }
        let delay = g.p.delay;
        let found = if delay > 0 {
            g.next_due(wi, topic, now)
        } else {
            g.next_partition(wi, topic)
        };
        let Some(part) = found else {
            w.set_state(WorkerState::Waiting { since: now }, &mut self.parked);
            // A retry topic's member wakes when its next record is due.
            if let Some(at) = g.next_due_at(wi, topic).filter(|&at| at > now)
                && g.wake_at[wi].is_none_or(|t| at < t || t <= now)
            {
                g.wake_at[wi] = Some(at);
                let worker = WorkerId::of(wi);
                sim.at(
                    at,
                    Event::Consumer(self.id, ConsumerEvent::RecordDue { worker }),
                );
            }
            return;
        };
        let from = g.partitions[part].position;
        // The records from the position on: consecutive offsets, or on a
        // compacted topic the ones the cleaner left (holes skipped).
        let records = topic.partitions[part]
            .records_from(from, self.p.batch_size as usize)
            .take_while(|(_, r)| delay == 0 || r.published.saturating_add(delay) <= now);
        let mut n = 0;
        let mut to = from;
        for (offset, r) in records {
            n += 1;
            to = offset + 1;
            let mut m = Message::new(r.published, part as u16);
            (m.key, m.size, m.cost, m.poison) = (r.key, r.size, r.cost, r.poison);
            m.offset = offset;
            // A stage's record keeps its chain's start (`lineage_start`).
            m.deadline = r.lineage;
            m.state = State::Fetched;
            m.holders = 1;
            if let Some(keys) = g.keys_held.as_mut() {
                if r.tombstone {
                    keys.remove(&r.key);
                } else {
                    keys.insert(r.key);
                }
            }
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
        g.fetched(part, to);
        w.set_state(WorkerState::Busy, &mut self.parked);
        self.occupy();
        self.arm_poll_deadline(wi, sim);
        self.begin_message(wi, cx.arena, sim);
    }

    /// A retry topic's member: a record it waited for is due. It fetches if
    /// it is still waiting (an append may have woken it since).
    pub(crate) fn record_due(&mut self, wi: usize, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let g = self.kind.group_mut().expect("a group");
        if g.wake_at[wi] == Some(sim.now()) {
            g.wake_at[wi] = None;
        }
        if let WorkerState::Waiting { .. } = self.workers[wi].state() {
            self.fetch(wi, cx.fetch(), sim);
        }
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
    pub(crate) fn log_start_moved(
        &self,
        part: usize,
        start: u64,
        members: &mut [Consumer],
        now: SimTime,
    ) {
        let trimmed = self.partitions[part].trimmed();
        for &ci in &self.groups {
            if let Some(g) = members[ci.index()].kind.group_mut() {
                g.log_start_moved(part, start, trimmed, now);
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
            self.log_start_moved(part, start, members, now);
        }
        sim.after(
            self.p.retention_check,
            Event::Topic(id, TopicEvent::RetentionCheck),
        );
    }
}
