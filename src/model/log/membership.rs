//! A consumer group's membership, as its coordinator keeps it (Kafka's group
//! protocol): who is in the group, who owns which partition, and the
//! rebalance under way. A change of membership (a member leaves, comes back,
//! is expelled for a slow batch or a silent session) starts a rebalance:
//!
//! - the join phase: every member rejoins at its next poll, that is when it
//!   has finished the batch in hand (a member waiting for records rejoins at
//!   once). It ends when all have, or after the rebalance timeout
//!   (`max.poll.interval.ms`), which expels the stragglers.
//! - the sync phase (`rebalance_s`; two rounds for the cooperative protocol,
//!   which revokes first and assigns in a second rebalance), after which the
//!   new assignment holds and a moved partition resumes, at its new owner,
//!   from its committed offset.
//!
//! Eager: no member fetches anything from the rebalance's start to its end
//! (stop the world). Cooperative: only the partitions that move pause; the
//! others are fetched throughout. A change during a rebalance restarts it.
//!
//! A static member (`group.instance.id`) that goes down stays in the group
//! with its partitions (paused: nobody else fetches them) until its session
//! times out; back before that, it takes them up again and nothing moves.
//!
//! The consumer's side (dropping a member's work, waking members) is in
//! `rebalance.rs`; this file holds the coordinator's books only.

use crate::engine::{SimTime, from_secs};
use crate::model::event::{MemberEvent, WorkerId};
use crate::scenario::{MembershipConfig, RebalanceProtocol};

pub struct MembershipParams {
    pub protocol: RebalanceProtocol,
    pub static_members: bool,
    pub session_timeout: SimTime,
    pub heartbeat_interval: SimTime,
    pub max_poll_interval: SimTime,
    /// One sync round (the group's `rebalance_s`).
    pub sync: SimTime,
    /// A deployment rolling through the members: when the first goes down,
    /// how long each stays down, the time between two, and whether they shut
    /// down cleanly.
    pub rolling: Option<(SimTime, SimTime, SimTime, bool)>,
}

impl MembershipParams {
    pub fn of(c: &MembershipConfig, rebalance_s: f64) -> MembershipParams {
        MembershipParams {
            protocol: c.protocol,
            static_members: c.static_membership,
            session_timeout: from_secs(c.session_timeout_s),
            heartbeat_interval: from_secs(c.heartbeat_interval_s),
            max_poll_interval: from_secs(c.max_poll_interval_s),
            sync: from_secs(rebalance_s),
            rolling: c.rolling_restart.as_ref().map(|r| {
                (
                    from_secs(r.at_s),
                    from_secs(r.down_s),
                    from_secs(r.interval_s),
                    r.graceful,
                )
            }),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Up and in the group.
    In,
    /// Down. `expires`: the coordinator still counts it in the group until
    /// then (its session has not timed out); `None`: it has left the group.
    Down { expires: Option<SimTime> },
}

#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub status: Status,
    /// When it last polled: its batch in hand was fetched then.
    pub polled_at: SimTime,
    /// A poll-deadline check is pending for it (one at a time).
    pub watchdog: bool,
    /// It has rejoined the rebalance under way.
    pub joined: bool,
    /// When it last went down.
    pub down_at: SimTime,
}

impl Member {
    /// Counted in the group: assignments go to it.
    fn counted(&self) -> bool {
        match self.status {
            Status::In => true,
            Status::Down { expires } => expires.is_some(),
        }
    }
}

pub struct Rebalance {
    pub started: SimTime,
    /// Numbers the rebalance, so that a stale phase timer is ignored.
    pub round: u32,
    /// The join phase is over: the sync ends then.
    pub sync_until: Option<SimTime>,
}

#[derive(Clone, Debug, Default)]
pub struct MembershipCounters {
    /// Rebalances started by membership changes (crashes count apart).
    pub rebalances: u64,
    /// Members removed for a batch longer than `max.poll.interval.ms`.
    pub expelled_slow: u64,
    /// Members removed because their session timed out.
    pub session_expiries: u64,
    /// Members that left (announced) and that joined.
    pub leaves: u64,
    pub joins: u64,
    /// Static members back within their session: nothing moved.
    pub static_returns: u64,
    /// Partitions whose owner changed at a rebalance's end.
    pub partitions_moved: u64,
    /// Time from each rebalance's start to its end (overlaps merged: a change
    /// during a rebalance extends it).
    pub rebalancing: SimTime,
    /// Partition-time paused by rebalances (eager: every partition for the
    /// whole rebalance; cooperative: the moving ones only).
    pub paused_partition_time: SimTime,
    /// Partition-time owned by a member that was down (within its session:
    /// nobody else may fetch them).
    pub owner_down_time: SimTime,
}

pub struct Membership {
    pub p: MembershipParams,
    pub members: Vec<Member>,
    /// Each partition's owner (none: nobody is counted in the group).
    pub owner: Vec<Option<usize>>,
    /// Partitions nobody may fetch now (a rebalance moves them).
    pub paused: Vec<bool>,
    pub rebalance: Option<Rebalance>,
    next_round: u32,
    /// Paused partition-time is counted up to here.
    pauses_mark: SimTime,
    pub c: MembershipCounters,
}

impl Membership {
    pub fn new(p: MembershipParams, partitions: usize, members: usize) -> Membership {
        let mut m = Membership {
            p,
            members: vec![
                Member {
                    status: Status::In,
                    polled_at: 0,
                    watchdog: false,
                    joined: false,
                    down_at: 0,
                };
                members
            ],
            owner: vec![None; partitions],
            paused: vec![false; partitions],
            rebalance: None,
            next_round: 0,
            pauses_mark: 0,
            c: MembershipCounters::default(),
        };
        m.owner = m.target();
        m
    }

    /// The assignment the group's assignor makes now. Eager: round robin over
    /// the members counted in the group. Cooperative (sticky): each partition
    /// stays with its owner while the owner is counted and holds no more than
    /// its fair share; the rest go to the members with the fewest.
    pub fn target(&self) -> Vec<Option<usize>> {
        let counted: Vec<usize> = (0..self.members.len())
            .filter(|&i| self.members[i].counted())
            .collect();
        let n = self.owner.len();
        if counted.is_empty() {
            return vec![None; n];
        }
        if self.p.protocol == RebalanceProtocol::Eager {
            return (0..n).map(|p| Some(counted[p % counted.len()])).collect();
        }
        // Fair shares: the first `n % k` members (in order) may hold one more.
        let k = counted.len();
        let quota = |rank: usize| n / k + usize::from(rank < n % k);
        let rank_of = |m: usize| counted.iter().position(|&c| c == m);
        let mut held = vec![0usize; k];
        let mut out = vec![None; n];
        for (p, o) in self.owner.iter().enumerate() {
            if let Some(r) = o.and_then(rank_of)
                && held[r] < quota(r)
            {
                held[r] += 1;
                out[p] = Some(counted[r]);
            }
        }
        for slot in out.iter_mut().filter(|o| o.is_none()) {
            let r = (0..k)
                .filter(|&r| held[r] < quota(r))
                .min_by_key(|&r| held[r])
                .unwrap_or(0);
            held[r] += 1;
            *slot = Some(counted[r]);
        }
        out
    }

    /// Starts a rebalance (or restarts the one under way) at `now`; returns its
    /// round, for its join-phase timer. Eager pauses every partition,
    /// cooperative the ones the new assignment moves.
    pub fn start(&mut self, now: SimTime) -> u32 {
        self.settle_pauses(now);
        let started = match &self.rebalance {
            Some(r) => r.started,
            None => {
                self.c.rebalances += 1;
                now
            }
        };
        self.next_round = self.next_round.wrapping_add(1);
        let round = self.next_round;
        self.rebalance = Some(Rebalance {
            started,
            round,
            sync_until: None,
        });
        for m in &mut self.members {
            m.joined = false;
        }
        let eager = self.p.protocol == RebalanceProtocol::Eager;
        let target = self.target();
        for ((paused, to), from) in self.paused.iter_mut().zip(&target).zip(&self.owner) {
            *paused = eager || to != from;
        }
        round
    }

    /// Member `m` polls during the join phase: it rejoins. True when that
    /// ends the join phase (every member in the group has rejoined).
    pub fn rejoin(&mut self, m: usize) -> bool {
        let Some(r) = &self.rebalance else {
            return false;
        };
        if r.sync_until.is_some() || self.members[m].joined {
            return false;
        }
        self.members[m].joined = true;
        self.members
            .iter()
            .all(|x| x.joined || x.status != Status::In)
    }

    /// The join phase ends at `now`: the sync rounds follow. Returns the round
    /// and the sync's end.
    pub fn begin_sync(&mut self, now: SimTime) -> (u32, SimTime) {
        let rounds = match self.p.protocol {
            RebalanceProtocol::Eager => 1,
            RebalanceProtocol::Cooperative => 2,
        };
        let until = now.saturating_add(self.p.sync.saturating_mul(rounds));
        let r = self.rebalance.as_mut().expect("a rebalance");
        r.sync_until = Some(until);
        (r.round, until)
    }

    /// Members in the group that have not rejoined when the join phase times
    /// out: they are expelled.
    pub fn stragglers(&self) -> Vec<usize> {
        (0..self.members.len())
            .filter(|&i| self.members[i].status == Status::In && !self.members[i].joined)
            .collect()
    }

    /// The rebalance ends at `now`: the new assignment holds. Returns the
    /// partitions whose owner changed (they resume from their commits).
    pub fn finish(&mut self, now: SimTime) -> Vec<usize> {
        self.settle_pauses(now);
        let target = self.target();
        let moved: Vec<usize> = (0..self.owner.len())
            .filter(|&p| target[p] != self.owner[p])
            .collect();
        self.c.partitions_moved += moved.len() as u64;
        self.owner = target;
        if let Some(r) = self.rebalance.take() {
            self.c.rebalancing += now.saturating_sub(r.started);
        }
        self.paused.iter_mut().for_each(|p| *p = false);
        moved
    }

    /// Counts the paused partition-time up to `now` (the pauses change next).
    fn settle_pauses(&mut self, now: SimTime) {
        if let Some(r) = &self.rebalance {
            let since = r.started.max(self.pauses_mark);
            let paused = self.paused.iter().filter(|&&p| p).count() as u64;
            self.c.paused_partition_time += paused * now.saturating_sub(since);
        }
        self.pauses_mark = now;
    }

    /// Time spent rebalancing up to `end`, the one under way included.
    pub fn rebalancing_to(&self, end: SimTime) -> SimTime {
        let open = self
            .rebalance
            .as_ref()
            .map_or(0, |r| end.saturating_sub(r.started));
        self.c.rebalancing + open
    }

    /// Partitions member `m` owns.
    pub fn owned(&self, m: usize) -> u64 {
        self.owner.iter().filter(|&&o| o == Some(m)).count() as u64
    }

    /// Member `m` goes down at `now`; `expires`: as `Status::Down`.
    pub fn went_down(&mut self, m: usize, now: SimTime, expires: Option<SimTime>) {
        self.members[m].status = Status::Down { expires };
        self.members[m].down_at = now;
    }

    /// A down member that kept its partitions is back, or found out, at
    /// `now`: the time its partitions waited for it is counted.
    pub fn owner_back(&mut self, m: usize, now: SimTime) {
        let waited = now.saturating_sub(self.members[m].down_at);
        self.c.owner_down_time += self.owned(m) * waited;
    }

    /// Partition-time owned by a down member up to `end`, the downs under way
    /// included.
    pub fn owner_down_to(&self, end: SimTime) -> SimTime {
        let open: u64 = (0..self.members.len())
            .filter(|&m| matches!(self.members[m].status, Status::Down { expires: Some(_) }))
            .map(|m| self.owned(m) * end.saturating_sub(self.members[m].down_at))
            .sum();
        self.c.owner_down_time + open
    }

    /// Paused partition-time up to `end`, the rebalance under way included.
    pub fn paused_to(&self, end: SimTime) -> SimTime {
        let open = self.rebalance.as_ref().map_or(0, |r| {
            let paused = self.paused.iter().filter(|&&p| p).count() as u64;
            paused * end.saturating_sub(r.started.max(self.pauses_mark))
        });
        self.c.paused_partition_time + open
    }

    /// The membership changes planned from the start: each member's down and
    /// up in a rolling deployment.
    pub fn planned(&self) -> Vec<(SimTime, MemberEvent)> {
        let Some((at, down, every, graceful)) = self.p.rolling else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in 0..self.members.len() {
            let worker = WorkerId::of(i);
            let t = at.saturating_add(every.saturating_mul(i as u64));
            out.push((t, MemberEvent::Down { worker, graceful }));
            out.push((t.saturating_add(down), MemberEvent::Up { worker }));
        }
        out
    }

    /// When a member that died at `at` is found out: its session times out
    /// that long after its last heartbeat. Each member beats on its own phase
    /// (spread over the interval), so the detection delay lies between the
    /// session timeout less one interval and the session timeout.
    pub fn session_expiry(&self, m: usize, at: SimTime) -> SimTime {
        let hb = self.p.heartbeat_interval.max(1);
        let phase = hb * m as u64 / self.members.len().max(1) as u64;
        let last = if at < phase {
            at
        } else {
            phase + (at - phase) / hb * hb
        };
        last.saturating_add(self.p.session_timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn membership(protocol: RebalanceProtocol, partitions: usize, members: usize) -> Membership {
        let p = MembershipParams {
            protocol,
            static_members: false,
            session_timeout: from_secs(45.0),
            heartbeat_interval: from_secs(3.0),
            max_poll_interval: from_secs(300.0),
            sync: from_secs(3.0),
            rolling: None,
        };
        Membership::new(p, partitions, members)
    }

    fn moved(a: &[Option<usize>], b: &[Option<usize>]) -> usize {
        a.iter().zip(b).filter(|(x, y)| x != y).count()
    }

    #[test]
    fn the_sticky_assignor_moves_the_fewest_partitions_and_keeps_shares_fair() {
        for (partitions, members) in [(12, 6), (10, 3), (7, 4), (3, 5)] {
            let mut m = membership(RebalanceProtocol::Cooperative, partitions, members);
            let before = m.owner.clone();
            // Member 1 leaves: only its partitions move.
            m.members[1].status = Status::Down { expires: None };
            let after = m.target();
            let had = before.iter().filter(|&&o| o == Some(1)).count();
            assert_eq!(moved(&before, &after), had, "{partitions}/{members}");
            // Shares differ by one at most.
            let counts: Vec<usize> = (0..members)
                .filter(|&i| i != 1)
                .map(|i| after.iter().filter(|&&o| o == Some(i)).count())
                .collect();
            let (lo, hi) = (counts.iter().min(), counts.iter().max());
            assert!(hi.unwrap() - lo.unwrap() <= 1, "{counts:?}");
            // It comes back: it takes a fair share, no more moves than that.
            m.owner = after.clone();
            m.members[1].status = Status::In;
            let back = m.target();
            assert!(
                moved(&after, &back) <= partitions.div_ceil(members),
                "{back:?}"
            );
        }
        // Eager round robin: a leave reshuffles far more.
        let mut m = membership(RebalanceProtocol::Eager, 12, 6);
        let before = m.owner.clone();
        m.members[1].status = Status::Down { expires: None };
        assert!(moved(&before, &m.target()) > 2);
    }

    #[test]
    fn a_silent_member_is_found_out_one_session_after_its_last_heartbeat() {
        let m = membership(RebalanceProtocol::Eager, 6, 6);
        let (hb, session) = (from_secs(3.0), from_secs(45.0));
        for member in 0..6 {
            for at in [from_secs(100.0), from_secs(101.7), from_secs(0.2)] {
                let found = m.session_expiry(member, at);
                assert!(found > at.saturating_add(session).saturating_sub(hb));
                assert!(found <= at + session);
            }
        }
    }

    #[test]
    fn a_change_during_a_rebalance_restarts_it_and_the_time_counts_once() {
        let mut m = membership(RebalanceProtocol::Eager, 4, 2);
        let first = m.start(from_secs(10.0));
        let second = m.start(from_secs(12.0));
        assert_ne!(first, second);
        assert!(!m.rejoin(0) && m.rejoin(1));
        let (round, until) = m.begin_sync(from_secs(14.0));
        assert_eq!((round, until), (second, from_secs(17.0)));
        m.finish(until);
        assert_eq!(m.c.rebalances, 1);
        assert_eq!(m.c.rebalancing, from_secs(7.0));
        // Eager: all 4 partitions paused from 10 s to 17 s.
        assert_eq!(m.c.paused_partition_time, 4 * from_secs(7.0));
    }
}
