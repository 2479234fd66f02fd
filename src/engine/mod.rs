//! The generic discrete-event core: integer time, an event heap ordered by
//! (time, insertion sequence), seeded RNG streams, and the loop. It knows nothing
//! of queues or consumers: a [`Model`] receives each event and schedules more.

mod heap;
mod rng;
mod time;

pub use heap::EventHeap;
pub use rng::{Rng, stream};
pub use time::{SimTime, from_secs, to_secs};

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Simulated time reached the horizon.
    Horizon,
    /// Nothing left to happen before the horizon.
    Drained,
    /// The model asked to stop (e.g. a guard tripped); the text says why.
    Model(String),
    /// The step budget ran out (events, plus the work done inside them): a
    /// guard against runaway scenarios.
    EventLimit,
    /// A stop was requested from outside ([`crate::interrupt`], Ctrl-C).
    Interrupted,
    /// This many events in a row happened at one instant: simulated time
    /// stopped advancing. The engine keeps the last of them
    /// ([`Engine::stalled_on`]).
    Stalled(u64),
    /// The wall-clock budget ran out (off unless asked for: it makes the
    /// outputs depend on the machine).
    WallClock,
}

/// When the loop gives up before the horizon.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Steps: events handled plus the work counted inside them
    /// ([`Scheduler::work`]).
    pub max_steps: u64,
    /// Events in a row at one instant.
    pub stall_events: u64,
    /// Wall-clock time for the whole loop.
    pub wall: Option<std::time::Duration>,
}

impl Limits {
    /// Only a step budget.
    pub fn steps(max_steps: u64) -> Self {
        Limits {
            max_steps,
            stall_events: u64::MAX,
            wall: None,
        }
    }
}

/// Events kept from a stalled instant, to name what was spinning.
const STALL_KEPT: usize = 64;
/// The wall clock is read once per this many events.
const WALL_EVERY: u64 = 1 << 16;

/// A simulated system: reacts to its own events.
pub trait Model {
    type Event;
    fn handle(&mut self, event: Self::Event, sim: &mut Scheduler<Self::Event>);
}

/// Watches a model without acting on it (a sampler): the engine hands the
/// observer its own events (its ticks) with a shared view of the model, so that
/// observing can change nothing in the model. Its ticks still take their place
/// in the heap like any event, which fixes when, within an instant, it looks.
pub trait Observer<M: Model> {
    /// Whether `event` is one of the observer's ticks.
    fn owns(&self, event: &M::Event) -> bool;
    /// Looks at the model at one of its ticks (`event`); may schedule the next.
    fn observe(&mut self, event: M::Event, model: &M, sim: &mut Scheduler<M::Event>);
}

/// No observer.
impl<M: Model> Observer<M> for () {
    fn owns(&self, _: &M::Event) -> bool {
        false
    }
    fn observe(&mut self, _: M::Event, _: &M, _: &mut Scheduler<M::Event>) {}
}

/// What a model sees while handling an event: the clock and the future.
pub struct Scheduler<E> {
    now: SimTime,
    heap: EventHeap<E>,
    stop: Option<String>,
    /// Work done inside events (messages copied, published, moved), counted
    /// against the step budget like events.
    work: u64,
}

impl<E: Copy> Scheduler<E> {
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// Schedules `event` at `now + delay`.
    #[inline]
    pub fn after(&mut self, delay: SimTime, event: E) {
        self.heap.push(self.now.saturating_add(delay), event);
    }
    /// Schedules `event` at absolute time `at` (never in the past).
    #[inline]
    pub fn at(&mut self, at: SimTime, event: E) {
        self.heap.push(at.max(self.now), event);
    }
    /// Ends the run after the current event.
    pub fn stop(&mut self, reason: impl Into<String>) {
        self.stop.get_or_insert_with(|| reason.into());
    }
    pub fn pending(&self) -> usize {
        self.heap.len()
    }
    /// Counts `n` steps of work done inside the current event (a loop over
    /// messages), so that one event cannot spin past the step budget.
    #[inline]
    pub fn work(&mut self, n: u64) {
        self.work = self.work.saturating_add(n);
    }
}

/// The event loop.
pub struct Engine<E> {
    sched: Scheduler<E>,
    events: u64,
    stalled_on: Vec<E>,
}

impl<E: Copy> Default for Engine<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Engine<E> {
    pub fn new() -> Self {
        Engine {
            sched: Scheduler {
                now: 0,
                heap: EventHeap::new(),
                stop: None,
                work: 0,
            },
            events: 0,
            stalled_on: Vec::new(),
        }
    }
    /// Schedules an initial event at absolute time `at`.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        self.sched.heap.push(at, event);
    }
    pub fn now(&self) -> SimTime {
        self.sched.now
    }
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Events plus the work counted inside them.
    pub fn steps(&self) -> u64 {
        self.events.saturating_add(self.sched.work)
    }
    /// Counts work done before the loop (the initial backlog).
    pub fn work(&mut self, n: u64) {
        self.sched.work(n);
    }
    /// The last events of a stalled instant, oldest first.
    pub fn stalled_on(&self) -> &[E] {
        &self.stalled_on
    }

    /// Runs until the horizon (events at exactly `horizon` still happen), the model
    /// stops it, the heap drains, or `max_events` events have been handled. The
    /// observer's ticks go to the observer, every other event to the model.
    pub fn run<M: Model<Event = E>, O: Observer<M>>(
        &mut self,
        model: &mut M,
        observer: &mut O,
        horizon: SimTime,
        max_events: u64,
    ) -> Stop
    where
        E: Clone,
    {
        self.run_limited(model, observer, horizon, &Limits::steps(max_events))
    }

    /// [`Engine::run`] with every limit: the step budget, a stalled instant,
    /// and the wall clock.
    pub fn run_limited<M: Model<Event = E>, O: Observer<M>>(
        &mut self,
        model: &mut M,
        observer: &mut O,
        horizon: SimTime,
        limits: &Limits,
    ) -> Stop
    where
        E: Clone,
    {
        let started = std::time::Instant::now();
        let mut instant = self.sched.now;
        let mut same: u64 = 0;
        loop {
            // Taken first and put back if the run ends before it: the heap
            // keeps a taken entry in place for the handler's first push.
            let Some((t, ev)) = self.sched.heap.take() else {
                return Stop::Drained;
            };
            if let Some(stop) = self.stops_before(t, horizon, limits, started) {
                self.sched.heap.put_back();
                if stop == Stop::Horizon {
                    self.sched.now = horizon;
                }
                return stop;
            }
            if t == instant {
                same += 1;
                if same >= limits.stall_events {
                    return Stop::Stalled(same);
                }
                if limits.stall_events - same <= STALL_KEPT as u64 {
                    self.stalled_on.push(ev);
                }
            } else {
                instant = t;
                same = 1;
                self.stalled_on.clear();
            }
            self.sched.now = t;
            self.events += 1;
            if observer.owns(&ev) {
                observer.observe(ev, model, &mut self.sched);
            } else {
                model.handle(ev, &mut self.sched);
            }
            if let Some(why) = self.sched.stop.take() {
                return Stop::Model(why);
            }
        }
    }
}

impl<E: Copy> Engine<E> {
    /// Whether the run ends before an event at `t`: past the horizon, out of
    /// steps, interrupted, or out of wall-clock time.
    #[inline]
    fn stops_before(
        &self,
        t: SimTime,
        horizon: SimTime,
        limits: &Limits,
        started: std::time::Instant,
    ) -> Option<Stop> {
        if t > horizon {
            return Some(Stop::Horizon);
        }
        if self.steps() >= limits.max_steps {
            return Some(Stop::EventLimit);
        }
        // Every 4096 events: cheap, and a fraction of a millisecond apart.
        if self.events & 0xFFF == 0 && crate::interrupt::requested() {
            return Some(Stop::Interrupted);
        }
        if let Some(wall) = limits.wall
            && self.events.is_multiple_of(WALL_EVERY)
            && started.elapsed() >= wall
        {
            return Some(Stop::WallClock);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Vec<(SimTime, u32)>);
    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, ev: u32, sim: &mut Scheduler<u32>) {
            self.0.push((sim.now(), ev));
            if ev == 1 {
                // Same time as an already queued event: must come after it.
                sim.after(0, 10);
            }
        }
    }

    #[test]
    fn equal_times_run_in_insertion_order() {
        let mut e = Engine::new();
        e.schedule(5, 1);
        e.schedule(5, 2);
        e.schedule(3, 3);
        e.schedule(9, 4);
        let mut m = Recorder(vec![]);
        assert_eq!(e.run(&mut m, &mut (), 100, u64::MAX), Stop::Drained);
        assert_eq!(m.0, vec![(3, 3), (5, 1), (5, 2), (5, 10), (9, 4)]);
    }

    #[test]
    fn horizon_and_event_limit_stop_the_loop() {
        let mut e = Engine::new();
        for t in 0..10 {
            e.schedule(t * 10, t as u32 + 100);
        }
        let mut m = Recorder(vec![]);
        assert_eq!(e.run(&mut m, &mut (), 45, u64::MAX), Stop::Horizon);
        assert_eq!(m.0.len(), 5);
        assert_eq!(e.now(), 45);
        assert_eq!(e.run(&mut m, &mut (), 1000, 7), Stop::EventLimit);
        assert_eq!(m.0.len(), 7);
    }

    /// Spins at one instant: each event schedules another at the same time.
    struct Spinner;
    impl Model for Spinner {
        type Event = u32;
        fn handle(&mut self, ev: u32, sim: &mut Scheduler<u32>) {
            sim.after(0, ev);
        }
    }

    #[test]
    fn an_instant_that_never_ends_stalls_and_keeps_its_last_events() {
        let mut e = Engine::new();
        e.schedule(5, 7);
        let limits = Limits {
            stall_events: 1000,
            ..Limits::steps(u64::MAX)
        };
        assert_eq!(
            e.run_limited(&mut Spinner, &mut (), 100, &limits),
            Stop::Stalled(1000)
        );
        assert_eq!(e.now(), 5);
        assert!(!e.stalled_on().is_empty() && e.stalled_on().len() <= STALL_KEPT);
        assert!(e.stalled_on().iter().all(|&ev| ev == 7));
    }

    /// Does `n` units of work per event.
    struct Worker(u64);
    impl Model for Worker {
        type Event = u32;
        fn handle(&mut self, _: u32, sim: &mut Scheduler<u32>) {
            sim.work(self.0);
            sim.after(1, 0);
        }
    }

    #[test]
    fn work_inside_events_counts_against_the_step_budget() {
        let mut e = Engine::new();
        e.schedule(0, 0);
        assert_eq!(
            e.run(&mut Worker(99), &mut (), u64::MAX, 1000),
            Stop::EventLimit
        );
        assert_eq!(e.events(), 10);
        assert_eq!(e.steps(), 1000);
    }
}
