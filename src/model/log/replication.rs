//! A topic's partitions replicated over brokers (Kafka's design: the leader
//! appends, followers fetch, the in-sync set decides the high watermark).
//!
//! A record the leader appended waits above the high watermark until every
//! in-sync replica has it; only then do consumers see it (they read up to the
//! high watermark) and does an `acks = all` producer hear of it. Followers
//! fetch continuously, `replica_fetch_lag_s` behind the leader; a follower
//! whose lag is longer than `replica_lag_time_max_s`, or whose broker is
//! down, is out of the in-sync set. A failed broker is noticed at once:
//! its partitions elect the first in-sync replica still up, whose log wins
//! (what the old leader had beyond it is truncated); with none, the partition
//! is offline until an in-sync replica comes back, unless unclean election
//! lets an out-of-sync replica lead. A recovered broker's replicas truncate
//! to the high watermark and rejoin after one fetch lag.
//!
//! Records acknowledged and then truncated are counted per cause. An unclean
//! leader can lack records below the high watermark, which consumers may
//! already have read: they are counted as lost, and stay in the consumers'
//! view of the log so that offsets keep moving forward.

use crate::engine::{SimTime, from_secs, to_secs};
use crate::metrics::imbalance::Imbalance;
use crate::model::account::{Accounted, Books, Terms};
use crate::model::log::Record;
use crate::model::log::Topic;
use crate::scenario::{Acks, ReplicationConfig};
use std::collections::VecDeque;

pub struct ReplicationParams {
    pub brokers: u32,
    pub factor: u32,
    pub min_insync: u32,
    pub fetch_lag: SimTime,
    pub lag_time_max: SimTime,
    pub unclean: bool,
    /// (broker, down at, back at), in the order given.
    pub failures: Vec<(u32, SimTime, SimTime)>,
}

impl ReplicationParams {
    pub fn of(c: &ReplicationConfig) -> ReplicationParams {
        ReplicationParams {
            brokers: c.brokers,
            factor: c.replication_factor,
            min_insync: c.min_insync_replicas,
            fetch_lag: from_secs(c.replica_fetch_lag_s),
            lag_time_max: from_secs(c.replica_lag_time_max_s),
            unclean: c.unclean_leader_election,
            failures: c
                .failures
                .iter()
                .map(|f| (f.broker, from_secs(f.at_s), from_secs(f.at_s + f.down_s)))
                .collect(),
        }
    }

    /// A fetching follower keeps up closely enough to be in sync.
    fn followers_in_sync(&self) -> bool {
        self.fetch_lag < self.lag_time_max
    }
}

/// A record the leader has and the in-sync set does not have yet.
struct Unreplicated {
    r: Record,
    at: SimTime,
    /// The producer already counts it as sent (acks 0 or 1).
    acked: bool,
}

struct Replica {
    broker: u32,
    in_isr: bool,
    /// Fetching from the leader (up, caught up since its last recovery).
    fetching: bool,
    /// Its log end, while it does not fetch.
    frozen_end: u64,
}

struct Partition {
    replicas: Vec<Replica>,
    /// Index into `replicas`; None: offline.
    leader: Option<usize>,
    /// The high watermark: records below it are on every in-sync replica.
    hw: u64,
    above: VecDeque<Unreplicated>,
    /// When the leader appended its last records, those a follower fetching
    /// now may lack (one fetch lag).
    recent: VecDeque<SimTime>,
    /// When the next replication step is scheduled.
    armed: Option<SimTime>,
}

#[derive(Clone, Debug, Default)]
pub struct ReplicationCounters {
    /// Records the leaders appended.
    pub sent: u64,
    /// acks=all writes refused: fewer in-sync replicas than min.insync.
    pub not_enough_replicas: u64,
    /// Writes refused: the partition had no leader.
    pub offline: u64,
    /// Records that reached the high watermark (consumers see them).
    pub committed: u64,
    /// Acknowledged, then truncated by a clean leader change (acks 0 or 1).
    pub acked_lost_failover: u64,
    /// Acknowledged, then truncated by an unclean election.
    pub acked_lost_unclean: u64,
    /// ... of which were below the high watermark (consumers may have read
    /// them; they stay in the consumers' view of the log).
    pub unclean_below_hw: u64,
    /// Truncated before the producer heard of them (acks=all: it sees an error).
    pub unacked_lost: u64,
    pub leader_elections: u64,
    pub unclean_elections: u64,
    /// Offline periods started (no replica could lead).
    pub offline_periods: u64,
    /// acks=all acknowledgements: count, total and longest wait, seconds.
    pub acks_all: u64,
    pub ack_wait_total_s: f64,
    pub ack_wait_max_s: f64,
}

/// Why a write was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotEnoughReplicas,
    Offline,
}

pub struct Replication {
    pub p: ReplicationParams,
    parts: Vec<Partition>,
    up: Vec<bool>,
    pub c: ReplicationCounters,
}

impl Replication {
    /// Partition `p`'s replica `i` is on broker `(p + i) mod brokers`, the
    /// first one leading.
    pub fn new(p: ReplicationParams, partitions: usize) -> Replication {
        let in_sync = p.followers_in_sync();
        let parts = (0..partitions)
            .map(|part| Partition {
                replicas: (0..p.factor)
                    .map(|i| Replica {
                        broker: (part as u32 + i) % p.brokers,
                        in_isr: i == 0 || in_sync,
                        fetching: true,
                        frozen_end: 0,
                    })
                    .collect(),
                leader: Some(0),
                hw: 0,
                above: VecDeque::new(),
                recent: VecDeque::new(),
                armed: None,
            })
            .collect();
        Replication {
            up: vec![true; p.brokers as usize],
            parts,
            p,
            c: ReplicationCounters::default(),
        }
    }

    /// Records still above the high watermarks.
    pub fn unreplicated(&self) -> u64 {
        self.parts.iter().map(|p| p.above.len() as u64).sum()
    }

    /// Partitions without a leader.
    pub fn offline_partitions(&self) -> u64 {
        self.parts.iter().filter(|p| p.leader.is_none()).count() as u64
    }

    /// In-sync replicas, summed over partitions.
    pub fn in_sync_replicas(&self) -> u64 {
        let n = |p: &Partition| p.replicas.iter().filter(|r| r.in_isr).count() as u64;
        self.parts.iter().map(n).sum()
    }

    /// Records lost after the producer counted them as sent.
    pub fn acked_lost(&self) -> u64 {
        self.c.acked_lost_failover + self.c.acked_lost_unclean
    }

    /// Records truncated from above the high watermarks (every cause).
    fn truncated_above(&self) -> u64 {
        self.c.acked_lost_failover + self.c.acked_lost_unclean - self.c.unclean_below_hw
            + self.c.unacked_lost
    }

    /// Its books: every record a leader appended is committed, still above
    /// a high watermark, or truncated from there.
    pub fn balances(&self) -> bool {
        self.c.sent == self.c.committed + self.unreplicated() + self.truncated_above()
    }

    /// A replica's log end at `now`.
    fn end_of(&self, part: &Partition, i: usize, now: SimTime) -> u64 {
        let r = &part.replicas[i];
        if part.leader == Some(i) {
            part.hw + part.above.len() as u64
        } else if r.fetching {
            // One fetch lag behind the leader, in sync or not.
            let lag = self.p.fetch_lag;
            let behind = part.recent.iter().rev().take_while(|&&t| t + lag > now);
            part.hw + part.above.len() as u64 - behind.count() as u64
        } else {
            r.frozen_end
        }
    }

    /// A producer's write to partition `part`: refused, or appended by the
    /// leader. The records it committed go to `out` (in order).
    pub fn append(
        &mut self,
        part: usize,
        r: Record,
        acks: Acks,
        now: SimTime,
        out: &mut Vec<Record>,
    ) -> Result<(), Refusal> {
        let pt = &self.parts[part];
        if pt.leader.is_none() {
            self.c.offline += 1;
            return Err(Refusal::Offline);
        }
        let isr = pt.replicas.iter().filter(|r| r.in_isr).count() as u32;
        if acks == Acks::All && isr < self.p.min_insync {
            self.c.not_enough_replicas += 1;
            return Err(Refusal::NotEnoughReplicas);
        }
        self.c.sent += 1;
        let lag = self.p.fetch_lag;
        let recent = &mut self.parts[part].recent;
        while recent.front().is_some_and(|&t| t + lag <= now) {
            recent.pop_front();
        }
        recent.push_back(now);
        self.parts[part].above.push_back(Unreplicated {
            r,
            at: now,
            acked: acks != Acks::All,
        });
        self.advance(part, now, out);
        Ok(())
    }

    /// Moves partition `part`'s high watermark to where its in-sync set is
    /// at `now`, committing records to `out`.
    pub fn advance(&mut self, part: usize, now: SimTime, out: &mut Vec<Record>) {
        let pt = &self.parts[part];
        let Some(_) = pt.leader else { return };
        let hw = (0..pt.replicas.len())
            .filter(|&i| pt.replicas[i].in_isr)
            .map(|i| self.end_of(pt, i, now))
            .min()
            .unwrap_or(pt.hw);
        let pt = &mut self.parts[part];
        while pt.hw < hw {
            let u = pt.above.pop_front().expect("below the leader's end");
            pt.hw += 1;
            self.c.committed += 1;
            if !u.acked {
                let w = to_secs(now - u.at);
                self.c.acks_all += 1;
                self.c.ack_wait_total_s += w;
                self.c.ack_wait_max_s = self.c.ack_wait_max_s.max(w);
            }
            out.push(u.r);
        }
    }

    /// When partition `part` next needs a replication step, if it is not
    /// already armed for then: the caller schedules it.
    pub fn next_step(&mut self, part: usize) -> Option<SimTime> {
        let pt = &mut self.parts[part];
        let t = pt.above.front()?.at + self.p.fetch_lag;
        if pt.leader.is_none() || pt.armed.is_some_and(|a| a <= t) {
            return None;
        }
        pt.armed = Some(t);
        Some(t)
    }

    /// A scheduled step is due: false if it was superseded.
    pub fn step_due(&mut self, part: usize, now: SimTime) -> bool {
        let pt = &mut self.parts[part];
        if pt.armed != Some(now) {
            return false;
        }
        pt.armed = None;
        true
    }

    pub fn partitions(&self) -> usize {
        self.parts.len()
    }

    /// Broker `b` fails at `now`: its replicas stop, its leaderships move.
    /// Call `advance` on every partition first.
    pub fn broker_down(&mut self, b: u32, now: SimTime) {
        if !self.up[b as usize] {
            return;
        }
        self.up[b as usize] = false;
        for part in 0..self.parts.len() {
            let Some(i) = self.parts[part].replicas.iter().position(|r| r.broker == b) else {
                continue;
            };
            let end = self.end_of(&self.parts[part], i, now);
            let leader = self.parts[part].leader;
            let r = &mut self.parts[part].replicas[i];
            r.fetching = false;
            r.frozen_end = end;
            if leader != Some(i) {
                r.in_isr = false;
                continue;
            }
            self.elect(part, Some(i), now);
        }
    }

    /// Partition `part`'s leader `old` is gone: the first in-sync replica up
    /// leads; else an out-of-sync one if unclean election is on; else the
    /// partition is offline (the old leader stays the last in-sync replica).
    fn elect(&mut self, part: usize, old: Option<usize>, now: SimTime) {
        let up = &self.up;
        let pt = &self.parts[part];
        let live = |r: &Replica| up[r.broker as usize];
        let clean = (0..pt.replicas.len())
            .find(|&i| Some(i) != old && pt.replicas[i].in_isr && live(&pt.replicas[i]));
        let unclean = || (0..pt.replicas.len()).find(|&i| live(&pt.replicas[i]));
        let (new, is_clean) = match (clean, self.p.unclean) {
            (Some(i), _) => (i, true),
            (None, true) => match unclean() {
                Some(i) => (i, false),
                None => return self.go_offline(part),
            },
            (None, false) => return self.go_offline(part),
        };
        let end = self.end_of(pt, new, now);
        self.c.leader_elections += 1;
        let pt = &mut self.parts[part];
        if let Some(o) = old {
            pt.replicas[o].in_isr = false;
        }
        for r in &mut pt.replicas {
            r.in_isr &= self.up[r.broker as usize];
        }
        if !is_clean {
            self.c.unclean_elections += 1;
            if end < pt.hw {
                let below = pt.hw - end;
                self.c.acked_lost_unclean += below;
                self.c.unclean_below_hw += below;
            }
        }
        let keep = end.saturating_sub(pt.hw) as usize;
        while pt.above.len() > keep {
            let u = pt.above.pop_back().expect("longer than kept");
            match (u.acked, is_clean) {
                (false, _) => self.c.unacked_lost += 1,
                (true, true) => self.c.acked_lost_failover += 1,
                (true, false) => self.c.acked_lost_unclean += 1,
            }
        }
        // The followers now fetch the new leader's log, all of it older than
        // one fetch lag (a simplification: its own recent appends are lost).
        pt.recent.clear();
        pt.leader = Some(new);
        let r = &mut pt.replicas[new];
        r.in_isr = true;
        r.fetching = true;
        // The other replicas follow the new leader's log: those that had more
        // truncate; those out of sync catch up with their broker.
        for r in &mut pt.replicas {
            r.frozen_end = r.frozen_end.min(pt.hw + pt.above.len() as u64);
        }
        pt.armed = None;
    }

    fn go_offline(&mut self, part: usize) {
        let pt = &mut self.parts[part];
        if pt.leader.is_some() {
            self.c.offline_periods += 1;
        }
        pt.leader = None;
        pt.armed = None;
    }

    /// Broker `b` is back: an offline partition whose last in-sync replica is
    /// on it gets a leader again; its other replicas catch up (the caller
    /// calls `caught_up` one fetch lag later).
    pub fn broker_up(&mut self, b: u32, now: SimTime) {
        if self.up[b as usize] {
            return;
        }
        self.up[b as usize] = true;
        for part in 0..self.parts.len() {
            let pt = &self.parts[part];
            let Some(i) = pt.replicas.iter().position(|r| r.broker == b) else {
                continue;
            };
            if pt.leader.is_none() && (pt.replicas[i].in_isr || self.p.unclean) {
                // Its log is the partition's: what it lacks of the dead
                // leader's log is gone (counted by `elect`).
                self.elect(part, None, now);
            }
        }
    }

    /// Broker `b`'s replicas have fetched what they missed: the followers
    /// rejoin the in-sync set (if their lag lets them).
    pub fn caught_up(&mut self, b: u32) {
        if !self.up[b as usize] {
            return;
        }
        let in_sync = self.p.followers_in_sync();
        for pt in &mut self.parts {
            if pt.leader.is_none() {
                continue;
            }
            for (i, r) in pt.replicas.iter_mut().enumerate() {
                if r.broker == b && pt.leader != Some(i) {
                    r.fetching = true;
                    r.in_isr = in_sync;
                }
            }
        }
    }

    /// The brokers that are up.
    pub fn brokers_up(&self) -> u64 {
        self.up.iter().filter(|&&u| u).count() as u64
    }
}

/// A topic's records are the groups' books; a replicated topic's leaders
/// keep their own: every record appended is committed, unreplicated, or
/// truncated (a run whose books do not add up fails).
impl Accounted for Topic {
    fn ledger_terms(&self, _: &mut Terms) {}

    fn own_books(&self, _: &Books, out: &mut Vec<Imbalance>) {
        self.compaction_books(out);
        let Some(r) = &self.replication else { return };
        if !r.balances() {
            out.push(Imbalance::Replication {
                topic: self.p.name.clone(),
                sent: r.c.sent,
                committed: r.c.committed,
                unreplicated: r.unreplicated(),
                truncated: r.truncated_above(),
            });
        }
    }
}
