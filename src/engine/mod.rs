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
    /// The event budget ran out: a guard against runaway scenarios.
    EventLimit,
    /// A stop was requested from outside ([`crate::interrupt`], Ctrl-C).
    Interrupted,
}

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
}

impl<E> Scheduler<E> {
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
}

/// The event loop.
pub struct Engine<E> {
    sched: Scheduler<E>,
    events: u64,
}

impl<E> Default for Engine<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Engine<E> {
    pub fn new() -> Self {
        Engine {
            sched: Scheduler {
                now: 0,
                heap: EventHeap::new(),
                stop: None,
            },
            events: 0,
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

    /// Runs until the horizon (events at exactly `horizon` still happen), the model
    /// stops it, the heap drains, or `max_events` events have been handled. The
    /// observer's ticks go to the observer, every other event to the model.
    pub fn run<M: Model<Event = E>, O: Observer<M>>(
        &mut self,
        model: &mut M,
        observer: &mut O,
        horizon: SimTime,
        max_events: u64,
    ) -> Stop {
        loop {
            let Some(t) = self.sched.heap.peek_time() else {
                return Stop::Drained;
            };
            if t > horizon {
                self.sched.now = horizon;
                return Stop::Horizon;
            }
            if self.events >= max_events {
                return Stop::EventLimit;
            }
            // Every 4096 events: cheap, and a fraction of a millisecond apart.
            if self.events & 0xFFF == 0 && crate::interrupt::requested() {
                return Stop::Interrupted;
            }
            let (t, ev) = self.sched.heap.pop().expect("peeked");
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
}
