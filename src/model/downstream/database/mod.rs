//! A database (docs/model.md "Downstream dependencies"): at most `max_connections`
//! open connections, refusing beyond (or making callers wait in a pool with an
//! acquire timeout); queries share `cores` by processor sharing, so each one
//! slows down as more run at once; optionally it crashes after refusing
//! connections for a sustained time and stays down for a recovery time.
//!
//! Processor sharing is exact: a virtual clock advances at the rate each query
//! progresses (1, or cores/n with n > cores queries), and a query finishes when
//! the clock has advanced by its work. One pending event, for the earliest
//! finish, is rescheduled whenever n changes.

mod calls;
mod observe;
pub mod summary;

use super::Client;
use super::faults::Faults;
use crate::engine::{Rng, SimTime, from_secs, stream, to_secs};
use crate::model::dist::Dist;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

pub struct DatabaseParams {
    pub name: String,
    pub max_connections: u32,
    pub cores: u32,
    pub query: Dist,
    /// Pool size and acquire timeout.
    pub pool: Option<(u32, SimTime)>,
    /// Refusing for this long crashes it; down for the second figure.
    pub crash: Option<(SimTime, SimTime)>,
}

#[derive(Clone, Debug, Default)]
pub struct DatabaseCounters {
    pub queries: u64,
    pub refusals: u64,
    pub pool_timeouts: u64,
    pub down_rejections: u64,
    pub errors: u64,
    pub crashes: u64,
    /// Queries whose caller had given up before they finished.
    pub orphaned: u64,
    pub peak_connections: u32,
}

/// Refusals further apart than this end a streak of overload: a busy database
/// refuses in bursts, not at every instant, and a crash needs sustained
/// overload, not a single burst.
const OVERLOAD_GAP: SimTime = 5_000_000_000;

pub struct Database {
    pub p: DatabaseParams,
    pub faults: Faults,
    pub rng_query: Rng,
    pub rng_errors: Rng,
    /// Open connections (running a query, or held by a caller between retries).
    pub in_use: u32,
    /// Bumped when the database goes down: connections from before are dead.
    pub epoch: u32,
    /// Crashed until this time.
    pub crashed_until: Option<SimTime>,
    pub first_crash: Option<SimTime>,
    /// Outage windows in force.
    pub outages: u32,
    /// Callers waiting for a pool connection (some may have given up since:
    /// the world skips those), and how many are still waiting.
    pub pool_waiters: VecDeque<Client>,
    pub pool_waiting: u32,
    // Processor sharing.
    vclock: f64,
    last: SimTime,
    finishes: BinaryHeap<Reverse<(u64, u32)>>,
    running: Vec<Option<Client>>,
    free: Vec<u32>,
    active: u32,
    /// Generation of the pending completion event; older ones are stale.
    pub timer_generation: u32,
    // Overload tracking for the crash rule.
    streak_start: SimTime,
    last_refusal: Option<SimTime>,
    /// Down intervals (start, end; end open while down), for charts and summary.
    pub down_windows: Vec<(SimTime, Option<SimTime>)>,
    pub c: DatabaseCounters,
}

impl Database {
    pub fn new(p: DatabaseParams, seed: u64, rep: u64) -> Database {
        Database {
            rng_query: stream(seed, &format!("database.{}.query", p.name), rep),
            rng_errors: stream(seed, &format!("database.{}.errors", p.name), rep),
            p,
            faults: Faults::default(),
            in_use: 0,
            epoch: 0,
            crashed_until: None,
            first_crash: None,
            outages: 0,
            pool_waiters: VecDeque::new(),
            pool_waiting: 0,
            vclock: 0.0,
            last: 0,
            finishes: BinaryHeap::new(),
            running: Vec::new(),
            free: Vec::new(),
            active: 0,
            timer_generation: 0,
            streak_start: 0,
            last_refusal: None,
            down_windows: Vec::new(),
            c: DatabaseCounters::default(),
        }
    }

    /// The work of a new query, in seconds on one core: drawn from the query
    /// distribution, slowed by a latency fault active at `now`.
    pub fn draw_query_work_s(&mut self, now: SimTime) -> f64 {
        self.p.query.sample(&mut self.rng_query) * self.faults.at(now).factor
    }

    pub fn is_down(&self) -> bool {
        self.crashed_until.is_some() || self.outages > 0
    }

    /// Queries running now.
    pub fn active(&self) -> u32 {
        self.active
    }

    /// The most connections callers may hold: the pool's size if there is one.
    fn limit(&self) -> u32 {
        match self.p.pool {
            Some((size, _)) => size.min(self.p.max_connections),
            None => self.p.max_connections,
        }
    }

    pub fn has_free_connection(&self) -> bool {
        self.in_use < self.limit()
    }

    pub fn open_connection(&mut self) {
        self.in_use += 1;
        self.c.peak_connections = self.c.peak_connections.max(self.in_use);
    }

    /// Closes a connection opened in `epoch` (one from before a crash is gone).
    pub fn close_connection(&mut self, epoch: u32) {
        if epoch == self.epoch {
            self.in_use -= 1;
        }
    }

    pub fn wait_for_pool(&mut self, client: Client) {
        self.pool_waiters.push_back(client);
        self.pool_waiting += 1;
    }

    pub fn next_pool_waiter(&mut self) -> Option<Client> {
        self.pool_waiters.pop_front()
    }

    /// A waiter got its connection or gave up.
    pub fn left_pool(&mut self) {
        self.pool_waiting -= 1;
    }

    /// Entries of callers who gave up outnumber the live ones: time to compact.
    pub fn pool_needs_compacting(&self) -> bool {
        self.pool_waiters.len() > 2 * self.pool_waiting as usize + 64
    }

    /// Counts a refused connection; true if the refusal streak now crashes it.
    pub fn refuse(&mut self, now: SimTime) -> bool {
        self.c.refusals += 1;
        if self.last_refusal.is_none_or(|t| now - t > OVERLOAD_GAP) {
            self.streak_start = now;
        }
        self.last_refusal = Some(now);
        matches!(self.p.crash, Some((after, _)) if now - self.streak_start >= after)
    }

    fn rate(&self) -> f64 {
        if self.active <= self.p.cores {
            1.0
        } else {
            self.p.cores as f64 / self.active as f64
        }
    }

    fn advance(&mut self, now: SimTime) {
        self.vclock += to_secs(now - self.last) * self.rate();
        self.last = now;
    }

    /// Starts a query of `work_s` seconds alone on a core, on an open connection.
    pub fn start_query(&mut self, now: SimTime, work_s: f64, client: Client) {
        self.advance(now);
        let slot = match self.free.pop() {
            Some(s) => {
                self.running[s as usize] = Some(client);
                s
            }
            None => {
                self.running.push(Some(client));
                (self.running.len() - 1) as u32
            }
        };
        self.finishes
            .push(Reverse(((self.vclock + work_s).to_bits(), slot)));
        self.active += 1;
        self.c.queries += 1;
    }

    /// When the earliest running query finishes, if any (for the one pending
    /// event; the caller bumps `timer_generation` when it schedules it).
    pub fn next_finish(&self) -> Option<SimTime> {
        let Reverse((bits, _)) = self.finishes.peek()?;
        let left = (f64::from_bits(*bits) - self.vclock).max(0.0) / self.rate();
        // Round up, so that at the event the clock has reached the finish.
        Some(self.last + from_secs(left) + 1)
    }

    /// Queries finished by `now`, in finishing order.
    pub fn finish_due(&mut self, now: SimTime, out: &mut Vec<Client>) {
        self.advance(now);
        while let Some(&Reverse((bits, slot))) = self.finishes.peek() {
            if f64::from_bits(bits) > self.vclock + 1e-12 {
                break;
            }
            self.finishes.pop();
            if let Some(c) = self.running[slot as usize].take() {
                out.push(c);
            }
            self.free.push(slot);
            self.active -= 1;
        }
    }

    /// Goes down: every running query and pool waiter fails, every connection is
    /// gone. Returns the callers to tell.
    pub fn go_down(&mut self, now: SimTime, out: &mut Vec<Client>) {
        self.advance(now);
        for slot in self.running.iter_mut() {
            if let Some(c) = slot.take() {
                out.push(c);
            }
        }
        out.extend(self.pool_waiters.drain(..));
        self.pool_waiting = 0;
        self.finishes.clear();
        self.free = (0..self.running.len() as u32).rev().collect();
        self.active = 0;
        self.in_use = 0;
        self.epoch = self.epoch.wrapping_add(1);
        self.last_refusal = None;
        if self.down_windows.last().is_none_or(|w| w.1.is_some()) {
            self.down_windows.push((now, None));
        }
    }

    /// Crashes now, for its recovery time (the caller then takes it down);
    /// returns when it comes back.
    pub fn crash_at(&mut self, now: SimTime) -> SimTime {
        let (_, recovery) = self.p.crash.expect("only a database with `crash` crashes");
        self.c.crashes += 1;
        self.first_crash.get_or_insert(now);
        let up = now + recovery;
        self.crashed_until = Some(up);
        up
    }

    /// Marks it up again if nothing keeps it down.
    pub fn maybe_up(&mut self, now: SimTime) {
        if self.crashed_until.is_some_and(|t| t <= now) {
            self.crashed_until = None;
        }
        if !self.is_down()
            && let Some(w) = self.down_windows.last_mut()
            && w.1.is_none()
        {
            w.1 = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(cores: u32) -> Database {
        Database::new(
            DatabaseParams {
                name: "db".into(),
                max_connections: 10,
                cores,
                query: Dist::Constant(1.0),
                pool: None,
                crash: Some((from_secs(5.0), from_secs(60.0))),
            },
            1,
            0,
        )
    }

    use crate::model::event::{ConsumerId, WorkerId};

    fn client(worker: u32) -> Client {
        Client {
            consumer: ConsumerId(0),
            worker: WorkerId(worker),
            generation: 0,
        }
    }

    /// Runs the database's completions to the end; returns each client's finish.
    fn drain(d: &mut Database) -> Vec<(u32, f64)> {
        let mut done = vec![];
        let mut out = vec![];
        while let Some(t) = d.next_finish() {
            d.finish_due(t, &mut out);
            done.extend(out.drain(..).map(|c| (c.worker.0, to_secs(t))));
        }
        done
    }

    #[test]
    fn queries_within_the_cores_run_at_full_speed() {
        let mut d = db(2);
        d.start_query(0, 1.0, client(0));
        d.start_query(0, 2.0, client(1));
        let done = drain(&mut d);
        assert_eq!(done.len(), 2);
        assert!((done[0].1 - 1.0).abs() < 1e-8 && (done[1].1 - 2.0).abs() < 1e-8);
    }

    #[test]
    fn queries_beyond_the_cores_share_them() {
        // 4 queries of 1 s on 2 cores: each runs at half speed, all end at 2 s.
        let mut d = db(2);
        for w in 0..4 {
            d.start_query(0, 1.0, client(w));
        }
        let done = drain(&mut d);
        assert!(
            done.iter().all(|&(_, t)| (t - 2.0).abs() < 1e-8),
            "{done:?}"
        );
        // A late arrival: 1 core, query A (2 s) alone for 1 s, then B (0.5 s)
        // joins: both at half speed; B ends at 2.0, A at 2.5.
        let mut d = db(1);
        d.start_query(0, 2.0, client(0));
        d.advance(from_secs(1.0));
        d.start_query(from_secs(1.0), 0.5, client(1));
        let done = drain(&mut d);
        assert_eq!(done[0].0, 1);
        assert!((done[0].1 - 2.0).abs() < 1e-8 && (done[1].1 - 2.5).abs() < 1e-8);
    }

    #[test]
    fn a_sustained_refusal_streak_crashes_it_and_a_gap_resets_the_streak() {
        let mut d = db(1);
        let s = from_secs;
        assert!(!d.refuse(s(0.0)));
        assert!(!d.refuse(s(4.9)));
        // A gap over 5 s starts a new streak at 10.5 s.
        assert!(!d.refuse(s(10.5)));
        // 5.5 s without a refusal: a new streak again, not a crash.
        assert!(!d.refuse(s(16.0)));
        let mut d = db(1);
        for i in 0..=10 {
            let crashed = d.refuse(s(i as f64 * 0.5));
            assert_eq!(crashed, i == 10, "at {} s", i as f64 * 0.5);
            if crashed {
                break;
            }
        }
    }

    #[test]
    fn going_down_fails_everyone_and_old_connections_close_nothing() {
        let mut d = db(1);
        d.open_connection();
        d.open_connection();
        d.start_query(0, 1.0, client(0));
        let old = d.epoch;
        let mut out = vec![];
        let up = d.crash_at(from_secs(0.5));
        d.go_down(from_secs(0.5), &mut out);
        assert_eq!(out, vec![client(0)]);
        assert!(d.is_down() && d.in_use == 0 && d.next_finish().is_none());
        d.close_connection(old);
        assert_eq!(d.in_use, 0);
        d.maybe_up(up);
        assert!(!d.is_down());
        assert_eq!(d.down_windows, vec![(from_secs(0.5), Some(up))]);
    }
}
