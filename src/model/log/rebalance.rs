//! A group member's side of membership changes (`membership.rs` keeps the
//! coordinator's books): going down and coming back in a rolling deployment,
//! being expelled for a batch longer than `max.poll.interval.ms`, and the
//! phases of the rebalances these start.
//!
//! A member that leaves the group stops where it is: the rest of its batch is
//! dropped, and its partitions resume from their committed offsets (a clean
//! shutdown commits first). Kafka's expelled member would go on with its batch
//! as a "zombie" whose commits fail; here it stops at once, so the records
//! counted as processed twice are those since the last commit (a lower bound
//! on the zombie's duplicates).

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::{Consumer, WorkerState};
use crate::model::effect::Effect;
use crate::model::event::{ConsumerEvent, MemberEvent, WorkerId};
use crate::model::log::membership::Status;
use crate::model::reach::Reach;
use crate::scenario::RebalanceProtocol;

impl Consumer {
    pub(crate) fn on_member(
        &mut self,
        ev: MemberEvent,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        match ev {
            MemberEvent::PollDeadline { worker } => {
                let wi = worker.index();
                let busy = self.workers[wi].state() == WorkerState::Busy;
                let ms = self.membership_mut();
                let m = &mut ms.members[wi];
                m.watchdog = false;
                let deadline = m.polled_at.saturating_add(ms.p.max_poll_interval);
                if m.status != Status::In || !busy {
                    return;
                }
                if deadline > now {
                    // A later batch: watch that one.
                    self.arm_poll_deadline(wi, sim);
                    return;
                }
                // Expelled; it rejoins at its next poll, which is now.
                self.membership_mut().c.expelled_slow += 1;
                self.drop_member(wi, false, cx);
                self.start_rebalance(sim);
            }
            MemberEvent::Down { worker, graceful } => {
                let wi = worker.index();
                if self.membership_mut().members[wi].status != Status::In {
                    return;
                }
                self.drop_member(wi, graceful, cx);
                let ms = self.membership_mut();
                if graceful && !ms.p.static_members {
                    // It tells the group it leaves: a rebalance at once.
                    ms.went_down(wi, now, None);
                    ms.c.leaves += 1;
                    self.start_rebalance(sim);
                } else {
                    // A static member sends no leave, a killed one cannot:
                    // the group finds out when its session times out.
                    let expires = ms.session_expiry(wi, now);
                    ms.went_down(wi, now, Some(expires));
                    sim.at(
                        expires,
                        Event::Consumer(
                            self.id,
                            ConsumerEvent::Member(MemberEvent::SessionExpired { worker }),
                        ),
                    );
                    // Nobody takes its partitions meanwhile; a rebalance under
                    // way no longer waits for it.
                    self.maybe_sync(sim);
                }
            }
            MemberEvent::Up { worker } => {
                let wi = worker.index();
                let ms = self.membership_mut();
                let Status::Down { expires } = ms.members[wi].status else {
                    return;
                };
                if expires.is_some() {
                    ms.owner_back(wi, now);
                }
                ms.members[wi].status = Status::In;
                if expires.is_some() && ms.p.static_members {
                    // Back within its session: its partitions wait for it.
                    ms.c.static_returns += 1;
                    if ms.rebalance.is_some() {
                        self.rejoin_idle(sim);
                    }
                    self.fetch(wi, cx.fetch(), sim);
                } else {
                    ms.c.joins += 1;
                    self.start_rebalance(sim);
                }
            }
            MemberEvent::SessionExpired { worker } => {
                let wi = worker.index();
                let ms = self.membership_mut();
                if ms.members[wi].status != (Status::Down { expires: Some(now) }) {
                    return; // back since, or found out another way
                }
                ms.owner_back(wi, now);
                ms.members[wi].status = Status::Down { expires: None };
                ms.c.session_expiries += 1;
                self.start_rebalance(sim);
            }
            MemberEvent::JoinTimeout { round } => {
                let ms = self.membership_mut();
                if !ms
                    .rebalance
                    .as_ref()
                    .is_some_and(|r| r.round == round && r.sync_until.is_none())
                {
                    return;
                }
                for wi in ms.stragglers() {
                    // The rebalance timeout is max.poll.interval.ms: the same
                    // expulsion as a member's own poll deadline.
                    self.membership_mut().c.expelled_slow += 1;
                    self.drop_member(wi, false, cx);
                }
                self.rejoin_idle(sim);
            }
            MemberEvent::Synced { round } => {
                let ms = self.membership_mut();
                if !ms
                    .rebalance
                    .as_ref()
                    .is_some_and(|r| r.round == round && r.sync_until == Some(now))
                {
                    return;
                }
                self.finish_rebalance(cx, sim);
            }
        }
    }

    fn membership_mut(&mut self) -> &mut crate::model::log::membership::Membership {
        self.kind
            .group_mut()
            .and_then(|g| g.membership.as_mut())
            .expect("a group with a membership")
    }

    /// A member polls (`fetch`): it rejoins a rebalance under way. False when
    /// it may not fetch now (it is down, or an eager rebalance stops it).
    pub(crate) fn member_polls(&mut self, wi: usize, sim: &mut Scheduler<Event>) -> bool {
        let now = sim.now();
        let Some(g) = self.kind.group_mut() else {
            return true;
        };
        let Some(ms) = g.membership.as_mut() else {
            return true;
        };
        if ms.members[wi].status != Status::In {
            return false;
        }
        ms.members[wi].polled_at = now;
        if ms.rebalance.is_none() {
            return true;
        }
        let eager = ms.p.protocol == RebalanceProtocol::Eager;
        if !ms.members[wi].joined {
            g.commit_member(wi);
            let ms = g.membership.as_mut().expect("a membership");
            if ms.rejoin(wi) {
                self.begin_sync(sim);
            }
        }
        !eager
    }

    /// After a fetch that gave the member a batch: its poll deadline is
    /// watched (one check pending at a time, re-armed for a later batch).
    pub(crate) fn arm_poll_deadline(&mut self, wi: usize, sim: &mut Scheduler<Event>) {
        let Some(ms) = self.kind.group_mut().and_then(|g| g.membership.as_mut()) else {
            return;
        };
        let m = &mut ms.members[wi];
        if m.watchdog {
            return;
        }
        m.watchdog = true;
        let at = m.polled_at.saturating_add(ms.p.max_poll_interval);
        let worker = WorkerId::of(wi);
        sim.at(
            at.max(sim.now()),
            Event::Consumer(
                self.id,
                ConsumerEvent::Member(MemberEvent::PollDeadline { worker }),
            ),
        );
    }

    /// Member `wi` stops where it is: the call in hand is dropped, its batch
    /// released, and its partitions go back to their committed offsets (after
    /// a clean shutdown's commit).
    fn drop_member(&mut self, wi: usize, graceful: bool, cx: &mut Reach<'_>) {
        let kept_connection = self.drop_batch(wi, cx);
        let w = &mut self.workers[wi];
        w.batch.clear();
        w.pos = 0;
        w.onward_left = 0;
        w.ahead = false;
        w.retries_in_place = 0;
        self.set_worker_state(wi, WorkerState::Pausing);
        let g = self.kind.group_mut().expect("a group");
        if graceful {
            g.commit_member(wi);
        }
        let topic = &cx.topics[g.topic.index()];
        for i in 0..g.assigned[wi].len() {
            let p = g.assigned[wi][i];
            g.rewind_partition(p, topic.partitions[p].start);
        }
        if kept_connection {
            let (consumer, worker) = (self.id, WorkerId::of(wi));
            cx.next.push(Effect::ReleaseConnection { consumer, worker });
        }
    }

    /// A membership change starts a rebalance (or restarts the one under way).
    fn start_rebalance(&mut self, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let ms = self.membership_mut();
        let round = ms.start(now);
        let timeout = ms.p.max_poll_interval;
        sim.after(
            timeout,
            Event::Consumer(
                self.id,
                ConsumerEvent::Member(MemberEvent::JoinTimeout { round }),
            ),
        );
        self.rejoin_idle(sim);
    }

    /// Members not in a batch rejoin at once (they are polling); the join
    /// phase ends if that was everyone.
    fn rejoin_idle(&mut self, sim: &mut Scheduler<Event>) {
        for wi in 0..self.workers.len() {
            if self.workers[wi].state() != WorkerState::Busy {
                let g = self.kind.group_mut().expect("a group");
                let ms = g.membership.as_mut().expect("a membership");
                if ms.members[wi].status != Status::In || ms.members[wi].joined {
                    continue;
                }
                // A member waiting for records commits on rejoining; one just
                // expelled cannot (its generation is over): its work since its
                // last commit is done again.
                if let WorkerState::Waiting { .. } = self.workers[wi].state() {
                    g.commit_member(wi);
                }
                let ms = g.membership.as_mut().expect("a membership");
                ms.rejoin(wi);
            }
        }
        self.maybe_sync(sim);
    }

    /// The join phase ends when every member in the group has rejoined.
    fn maybe_sync(&mut self, sim: &mut Scheduler<Event>) {
        let ms = self.membership_mut();
        let waiting = ms
            .rebalance
            .as_ref()
            .is_some_and(|r| r.sync_until.is_none());
        if waiting && ms.stragglers().is_empty() {
            self.begin_sync(sim);
        }
    }

    fn begin_sync(&mut self, sim: &mut Scheduler<Event>) {
        let ms = self.membership_mut();
        let (round, until) = ms.begin_sync(sim.now());
        sim.at(
            until,
            Event::Consumer(
                self.id,
                ConsumerEvent::Member(MemberEvent::Synced { round }),
            ),
        );
    }

    /// The rebalance is over: the new assignment holds, moved partitions (all
    /// of them, eager) resume from their commits, and every member fetches.
    fn finish_rebalance(&mut self, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let g = self.kind.group_mut().expect("a group");
        let ms = g.membership.as_mut().expect("a membership");
        let eager = ms.p.protocol == RebalanceProtocol::Eager;
        let moved = ms.finish(now);
        let topic = &cx.topics[g.topic.index()];
        if eager {
            for p in 0..g.partitions.len() {
                g.rewind_partition(p, topic.partitions[p].start);
            }
        } else {
            for &p in &moved {
                g.rewind_partition(p, topic.partitions[p].start);
            }
        }
        g.install_assignment();
        for wi in 0..self.workers.len() {
            if matches!(
                self.workers[wi].state(),
                WorkerState::Pausing | WorkerState::Waiting { .. }
            ) {
                self.fetch(wi, cx.fetch(), sim);
            }
        }
    }
}
