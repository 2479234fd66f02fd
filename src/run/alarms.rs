//! The run's alarms: each samples its metric on its own ticks (the run loop
//! hands them over, as it does the time series' samples, so they change
//! nothing), and the summary says when each fired, how long after the trigger
//! that preceded it, and how much arrived in between — what a team would have
//! lived through before the page.

use crate::engine::{Scheduler, SimTime, from_secs, to_secs};
use crate::metrics::alarm::{AlarmWatch, Firing, Transition};
use crate::model::event::AlarmTick;
use crate::model::observe::Watched;
use crate::model::{Event, World};
use crate::scenario::{Metric, MetricOwner, Scenario};
use serde::Serialize;

use super::Trigger;

/// An alarm's account of the run.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct AlarmSummary {
    pub name: String,
    /// The metric, by its CloudWatch name.
    pub metric: String,
    /// The queue or consumer it watches.
    pub component: String,
    /// Times it went into ALARM.
    pub times_fired: u64,
    pub first_fired_at_s: Option<f64>,
    /// The latest trigger to start before the first firing.
    pub trigger: Option<String>,
    /// First firing − that trigger's start: the time to detect.
    pub detected_after_s: Option<f64>,
    /// Messages and requests that arrived from that trigger's start (from the
    /// start of the run without one) until the first firing.
    pub arrived_before_firing: Option<u64>,
    /// Time spent in ALARM.
    pub in_alarm_s: f64,
    pub in_alarm_at_end: bool,
    /// Each time in ALARM (the first 100).
    pub firings: Vec<Firing>,
}

struct Watch {
    alarm: AlarmWatch,
    what: Watched,
    component: String,
    columns: &'static [&'static str],
    step: SimTime,
    /// (trigger, arrivals by then) at the first firing.
    first: Option<(Option<usize>, u64)>,
}

pub(super) struct Alarms {
    watches: Vec<Watch>,
    /// Trigger starts, and the arrivals counted when each began.
    starts: Vec<SimTime>,
    arrivals_at_start: Vec<Option<u64>>,
}

/// The time-series columns a metric reads, in order of preference (a
/// poller's `concurrency`, a pool's `busy`).
fn columns(metric: Metric) -> &'static [&'static str] {
    use Metric::*;
    match metric {
        ApproximateNumberOfMessagesVisible => &["visible"],
        ApproximateNumberOfMessagesNotVisible => &["in_flight"],
        ApproximateNumberOfMessagesDelayed => &["delayed"],
        ApproximateAgeOfOldestMessage => &["oldest_age_s"],
        NumberOfMessagesSent => &["published"],
        NumberOfMessagesReceived => &["deliveries"],
        NumberOfMessagesDeleted => &["deletes"],
        ConcurrentExecutions => &["concurrency", "busy"],
        Invocations => &["invocations", "completions"],
        Errors => &["failures"],
        Throttles => &["throttles"],
        SumOffsetLag => &["lag"],
        EstimatedMaxTimeLag => &["lag_s"],
    }
}

impl Alarms {
    /// The scenario's alarms on the built world (validated: every name resolves).
    pub fn new(s: &Scenario, world: &World, triggers: &[Trigger]) -> Alarms {
        let watches = s
            .alarms
            .iter()
            .map(|a| {
                let (what, component) = match a.metric.owner() {
                    MetricOwner::Queue => {
                        let i = a.queue.as_ref().map_or(0, |n| {
                            world
                                .queues
                                .iter()
                                .position(|q| &q.p.name == n)
                                .unwrap_or(0)
                        });
                        (Watched::Queue(i), world.queues[i].p.name.clone())
                    }
                    MetricOwner::Consumer | MetricOwner::Group => {
                        let name = a.consumer.as_deref().unwrap_or_default();
                        let i = world
                            .consumers
                            .iter()
                            .position(|c| c.p.name == name)
                            .unwrap_or(0);
                        (Watched::Consumer(i), world.consumers[i].p.name.clone())
                    }
                };
                Watch {
                    columns: columns(a.metric),
                    step: from_secs(a.resolution_s()).max(1),
                    alarm: AlarmWatch::new(a.clone()),
                    what,
                    component,
                    first: None,
                }
            })
            .collect();
        let starts: Vec<SimTime> = triggers.iter().map(|t| from_secs(t.from_s)).collect();
        Alarms {
            watches,
            arrivals_at_start: vec![None; starts.len()],
            starts,
        }
    }

    /// The first sample of each alarm, and each trigger's start (only with
    /// alarms: without, the run's events are the same as ever).
    pub fn initial_events(&self) -> Vec<(SimTime, Event)> {
        if self.watches.is_empty() {
            return vec![];
        }
        let samples = self.watches.iter().enumerate().map(|(i, w)| {
            let tick = AlarmTick::Sample { alarm: i as u16 };
            (w.step, Event::Alarm(tick))
        });
        let starts = self.starts.iter().enumerate().map(|(i, &at)| {
            let tick = AlarmTick::TriggerStarts { trigger: i as u16 };
            (at, Event::Alarm(tick))
        });
        samples.chain(starts).collect()
    }

    pub fn observe(&mut self, tick: AlarmTick, world: &World, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        match tick {
            AlarmTick::TriggerStarts { trigger } => {
                self.arrivals_at_start[trigger as usize] = Some(world.arrivals());
            }
            AlarmTick::Sample { alarm } => {
                let w = &mut self.watches[alarm as usize];
                let reading = world.read_column(w.what, w.columns, now).unwrap_or(0.0);
                if w.alarm.sample(to_secs(now), reading) == Some(Transition::Fired)
                    && w.first.is_none()
                {
                    // The latest trigger that has started (ties: the last listed).
                    let trigger = (0..self.starts.len())
                        .filter(|&i| self.arrivals_at_start[i].is_some())
                        .max_by_key(|&i| (self.starts[i], i));
                    w.first = Some((trigger, world.arrivals()));
                }
                sim.after(w.step, Event::Alarm(tick));
            }
        }
    }

    pub fn summaries(self, triggers: &[Trigger], end: SimTime) -> Vec<AlarmSummary> {
        let arrivals_at_start = self.arrivals_at_start;
        self.watches
            .into_iter()
            .map(|mut w| {
                let in_alarm_at_end = w.alarm.finish(to_secs(end));
                let first_fired_at_s = w.alarm.first_fired_at_s();
                let (trigger, detected_after_s, arrived_before_firing) = match w.first {
                    Some((Some(t), at_fire)) => (
                        Some(triggers[t].label.clone()),
                        first_fired_at_s.map(|f| f - triggers[t].from_s),
                        arrivals_at_start[t].map(|a| at_fire - a),
                    ),
                    Some((None, at_fire)) => (None, None, Some(at_fire)),
                    None => (None, None, None),
                };
                AlarmSummary {
                    name: w.alarm.cfg.name.clone(),
                    metric: format!("{:?}", w.alarm.cfg.metric),
                    component: w.component,
                    times_fired: w.alarm.times_fired,
                    first_fired_at_s,
                    trigger,
                    detected_after_s,
                    arrived_before_firing,
                    in_alarm_s: w.alarm.in_alarm_s,
                    in_alarm_at_end,
                    firings: std::mem::take(&mut w.alarm.firings),
                }
            })
            .collect()
    }
}
