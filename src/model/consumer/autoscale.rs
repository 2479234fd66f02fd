//! An autoscaled pool (KEDA's SQS scaler driving a Kubernetes HPA): every
//! polling interval the queue's backlog is read, the size it asks for is
//! `ceil(backlog / target per worker)` within [min, max] (unchanged while the
//! backlog per worker is within the tolerance of the target), smoothed by the
//! stabilisation windows (up: the lowest size asked for over its window;
//! down: the highest), and growth is capped per decision. New workers poll
//! after their start-up delay; workers taken away finish what they hold
//! first (a pod's graceful termination), idle ones go at once.
//!
//! The size a reviewer reads is `provisioned` (started or starting: what is
//! paid for); `running` are the ones polling or working.

use crate::engine::{Scheduler, SimTime};
use crate::model::Event;
use crate::model::consumer::{Consumer, Worker, WorkerState};
use crate::model::event::{ConsumerEvent, WorkerId};
use crate::model::reach::Reach;
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct AutoscaleParams {
    pub min: u32,
    pub max: u32,
    pub target_per_worker: f64,
    pub count_in_flight: bool,
    pub interval: SimTime,
    pub tolerance: f64,
    pub up_window: SimTime,
    pub down_window: SimTime,
    pub up_max_percent: f64,
    pub up_max_workers: u32,
    pub startup: SimTime,
}

#[derive(Clone, Debug, Default)]
pub struct AutoscaleCounters {
    /// Decisions that added workers, and the workers they added.
    pub scale_ups: u64,
    pub workers_added: u64,
    /// Decisions that took workers away, and the workers they took.
    pub scale_downs: u64,
    pub workers_removed: u64,
    pub peak_workers: u32,
    /// ∫ provisioned workers dt, ns (worker-seconds × 10⁹), up to `since`.
    pub worker_ns: u128,
}

pub struct Autoscaler {
    pub p: AutoscaleParams,
    /// Polling or working.
    pub running: u32,
    /// Decided, not yet polling (their start-up delay).
    pub starting: u32,
    /// Still to be taken away: each running worker that comes to poll while
    /// this is above zero stops instead (a starting one, once started).
    pub surplus: u32,
    /// The size the last decision asked for, after stabilisation and limits.
    pub desired: u32,
    /// What the backlog alone asked for at the last reading (no limits).
    pub asked: u32,
    /// Recent recommendations (time, size), for the stabilisation windows.
    history: VecDeque<(SimTime, u32)>,
    /// The size it started with: counted as asked for at time 0 by the down
    /// window, so that a pool does not shrink before its window has seen the
    /// load.
    initial: u32,
    since: SimTime,
    pub c: AutoscaleCounters,
}

impl Autoscaler {
    pub fn new(p: AutoscaleParams, workers: u32) -> Autoscaler {
        Autoscaler {
            running: workers,
            starting: 0,
            surplus: 0,
            desired: workers,
            asked: workers,
            history: VecDeque::new(),
            initial: workers,
            since: 0,
            c: AutoscaleCounters {
                peak_workers: workers,
                ..Default::default()
            },
            p,
        }
    }

    /// Started or starting: the workers paid for.
    pub fn provisioned(&self) -> u32 {
        self.running + self.starting
    }

    /// Worker-seconds up to `now`.
    pub fn worker_s(&self, now: SimTime) -> f64 {
        let open = u128::from(self.provisioned()) * u128::from(now.saturating_sub(self.since));
        (self.c.worker_ns + open) as f64 / 1e9
    }

    /// Closes the integral of provisioned workers at `now`, before a change.
    fn account(&mut self, now: SimTime) {
        self.c.worker_ns +=
            u128::from(self.provisioned()) * u128::from(now.saturating_sub(self.since));
        self.since = now;
    }

    /// The size the backlog asks for, given `current` (the size decided last,
    /// workers being taken away excluded): the HPA's rule for an average-value
    /// target, with its tolerance.
    fn recommend(&self, backlog: u64, current: u32) -> u32 {
        let per = self.p.target_per_worker;
        let raw = (backlog as f64 / per).ceil();
        if current > 0 && (backlog as f64 / (per * current as f64) - 1.0).abs() <= self.p.tolerance
        {
            return current;
        }
        (raw.min(u32::MAX as f64) as u32).clamp(self.p.min, self.p.max)
    }

    /// One decision at `now` on `backlog`: the size to have, after the
    /// stabilisation windows and the growth limit.
    pub fn decide(&mut self, backlog: u64, now: SimTime) -> u32 {
        let current = self.provisioned() - self.surplus;
        let rec = self.recommend(backlog, current);
        self.asked =
            ((backlog as f64 / self.p.target_per_worker).ceil()).min(u32::MAX as f64) as u32;
        self.history.push_back((now, rec));
        let longest = self.p.up_window.max(self.p.down_window);
        while self
            .history
            .front()
            .is_some_and(|&(t, _)| now - t > longest)
        {
            self.history.pop_front();
        }
        let within = |w: SimTime| {
            self.history
                .iter()
                .filter(move |&&(t, _)| now - t <= w)
                .map(|&(_, r)| r)
        };
        let up = within(self.p.up_window).min().unwrap_or(rec);
        let mut down = within(self.p.down_window).max().unwrap_or(rec);
        if now <= self.p.down_window {
            down = down.max(self.initial);
        }
        let wanted = if up > current {
            let pct = (current as f64 * self.p.up_max_percent / 100.0).floor() as u32;
            let step = pct.max(self.p.up_max_workers).max(1);
            up.min(current.saturating_add(step))
        } else if down < current {
            down
        } else {
            current
        };
        self.desired = wanted;
        wanted
    }
}

impl Consumer {
    /// The scaler's tick: read the backlog, decide, start or stop workers.
    pub(crate) fn autoscale(&mut self, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let q = &cx.queues[self.p.queue.index()];
        let Some(a) = self.autoscale.as_mut() else {
            return;
        };
        let backlog = q.visible_n
            + if a.p.count_in_flight {
                q.in_flight_n
            } else {
                0
            };
        let current = a.provisioned() - a.surplus;
        let wanted = a.decide(backlog, now);
        a.account(now);
        if wanted > current {
            let mut add = wanted - current;
            a.c.scale_ups += 1;
            a.c.workers_added += u64::from(add);
            // Workers being taken away stay instead.
            let kept = a.surplus.min(add);
            a.surplus -= kept;
            add -= kept;
            a.starting += add;
            a.c.peak_workers = a.c.peak_workers.max(a.provisioned());
            let startup = a.p.startup;
            let mut slots = Vec::with_capacity(add as usize);
            for (wi, w) in self.workers.iter().enumerate() {
                if slots.len() == add as usize {
                    break;
                }
                if w.state() == WorkerState::Retired {
                    slots.push(wi);
                }
            }
            while slots.len() < add as usize {
                let mut w = Worker::new();
                w.set_state(WorkerState::Retired, &mut self.parked);
                self.workers.push(w);
                slots.push(self.workers.len() - 1);
            }
            for wi in slots {
                // Claimed: a later tick must not start this slot twice.
                self.workers[wi].set_state(WorkerState::Pausing, &mut self.parked);
                let ev = ConsumerEvent::WorkerStarted {
                    worker: WorkerId::of(wi),
                };
                sim.after(startup, Event::Consumer(self.id, ev));
            }
        } else if wanted < current {
            a.c.scale_downs += 1;
            a.c.workers_removed += u64::from(current - wanted);
            a.surplus += current - wanted;
            // Parked on a long poll: idle, they go now.
            for wi in 0..self.workers.len() {
                let a = self.autoscale.as_mut().expect("checked");
                if a.surplus == 0 {
                    break;
                }
                if let WorkerState::Waiting { since } = self.workers[wi].state() {
                    self.c.empty_receives += self.empty_polls_since(since, now);
                    self.retire(wi);
                }
            }
        }
        let every = self.autoscale.as_ref().map_or(0, |a| a.p.interval);
        sim.after(every, Event::Consumer(self.id, ConsumerEvent::Autoscale));
    }

    /// A new worker's start-up is over: it polls, unless it is already not
    /// wanted.
    pub(crate) fn worker_started(
        &mut self,
        wi: usize,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let a = self
            .autoscale
            .as_mut()
            .expect("only autoscaled pools start workers");
        a.account(now);
        a.starting -= 1;
        if a.surplus > 0 {
            a.surplus -= 1;
            self.workers[wi].set_state(WorkerState::Retired, &mut self.parked);
            return;
        }
        a.running += 1;
        self.poll(wi, None, cx, sim);
    }

    /// A worker about to poll stops instead when the pool is to shrink: it
    /// holds nothing now. Returns whether it stopped.
    pub(crate) fn retire_if_surplus(&mut self, wi: usize, now: SimTime) -> bool {
        match self.autoscale.as_mut() {
            Some(a) if a.surplus > 0 => {
                a.account(now);
                self.retire(wi);
                true
            }
            _ => false,
        }
    }

    fn retire(&mut self, wi: usize) {
        let a = self
            .autoscale
            .as_mut()
            .expect("only autoscaled pools retire");
        a.surplus -= 1;
        a.running -= 1;
        self.workers[wi].set_state(WorkerState::Retired, &mut self.parked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: SimTime = 1_000_000_000;

    fn scaler(min: u32, max: u32, up_window_s: u64, down_window_s: u64) -> Autoscaler {
        Autoscaler::new(
            AutoscaleParams {
                min,
                max,
                target_per_worker: 5.0,
                count_in_flight: true,
                interval: 15 * S,
                tolerance: 0.1,
                up_window: up_window_s * S,
                down_window: down_window_s * S,
                up_max_percent: 100.0,
                up_max_workers: 4,
                startup: 0,
            },
            min,
        )
    }

    /// Applies a decision as the tick does, with instant start-up.
    fn step(a: &mut Autoscaler, backlog: u64, t_s: u64) -> u32 {
        let n = a.decide(backlog, t_s * S);
        a.running = n;
        n
    }

    #[test]
    fn grows_by_double_or_four_per_decision_up_to_what_the_backlog_asks() {
        let mut a = scaler(1, 100, 0, 300);
        // 200 messages ask for 40 workers: 1 → 5 (+4) → 10 (×2) → 20 → 40.
        let sizes: Vec<u32> = (0..5).map(|i| step(&mut a, 200, 15 * i)).collect();
        assert_eq!(sizes, [5, 10, 20, 40, 40]);
        assert_eq!(a.asked, 40);
    }

    #[test]
    fn shrinks_only_after_the_down_window_and_never_below_min() {
        let mut a = scaler(2, 100, 0, 300);
        // 2 → 6 (+4) → 12 (×2) → 20 (what 100 messages ask for).
        let up: Vec<u32> = (0..4).map(|i| step(&mut a, 100, 15 * i)).collect();
        assert_eq!(up, [6, 12, 20, 20]);
        // The backlog is gone: the highest recommendation of the last 300 s
        // asks for 20 until the reading at 45 s leaves the window (after 345 s).
        let mut first_drop = None;
        for i in 4..40 {
            let n = step(&mut a, 0, 15 * i);
            if n < 20 && first_drop.is_none() {
                first_drop = Some(15 * i);
            }
        }
        assert_eq!(first_drop, Some(360));
        assert_eq!(a.running, 2, "down to min_workers");
    }

    #[test]
    fn a_pool_holds_its_starting_size_for_one_down_window() {
        let mut a = Autoscaler::new(scaler(2, 100, 0, 300).p, 25);
        assert_eq!(step(&mut a, 0, 0), 25);
        assert_eq!(step(&mut a, 0, 300), 25);
        assert_eq!(step(&mut a, 0, 315), 2);
    }

    #[test]
    fn within_the_tolerance_nothing_changes() {
        let mut a = scaler(1, 100, 0, 0);
        a.running = 10;
        // 10 workers × 5 = 50; 54 is within 10 %.
        assert_eq!(a.decide(54, 0), 10);
        assert_eq!(a.decide(60, 15 * S), 12);
        assert_eq!(a.decide(0, 30 * S), 1);
    }

    #[test]
    fn worker_seconds_follow_the_provisioned_workers() {
        let mut a = scaler(2, 10, 0, 0);
        a.account(10 * S);
        a.starting = 3;
        a.account(20 * S);
        assert!((a.worker_s(30 * S) - (2.0 * 10.0 + 5.0 * 10.0 + 5.0 * 10.0)).abs() < 1e-9);
    }
}
