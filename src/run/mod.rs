//! Running one scenario: build the world, drive the engine, settle the ledger,
//! judge the run, and summarise it.

mod alarms;
mod evidence;
pub mod slo;
mod summary;

pub use alarms::AlarmSummary;
// Each component's entry lives beside the component (`Summarised`); they are
// named here too, where readers of summary.json look for them.
pub use crate::model::client::summary::{ClientSummary, HedgeSummary, JobsSummary};
pub use crate::model::consumer::summary::{CallsSummary, ConsumerSummary, LambdaSummary};
pub use crate::model::downstream::api::summary::ApiSummary;
pub use crate::model::downstream::database::summary::DatabaseSummary;
pub use crate::model::downstream::record::summary::RecordSummary;
pub use crate::model::downstream::service::summary::ServiceSummary;
pub use crate::model::log::summary::{
    CompactionSummary, GroupSummary, MembershipSummary, PartitionLag, ReplicationSummary,
    TopicSummary,
};
pub use crate::model::producer::kafka::summary::KafkaSummary;
pub use crate::model::producer::summary::{ProducerSummary, PublishSummary};
pub use crate::model::push::summary::{
    EndpointSubscription, PolicySummary, PushSummary, QueueSubscription,
};
pub use crate::model::queue::summary::QueueSummary;
pub use slo::SloCheck;
pub use summary::*;

use crate::engine::{Engine, Limits, Observer, Scheduler, SimTime, Stop, from_secs, to_secs};
use crate::metrics::cross_check::CrossCheckWatch;
use crate::metrics::final_window::FinalWindow;
use crate::metrics::imbalance::Unbalanced;
use crate::metrics::ledger;
use crate::metrics::recovery::{RecoveryWatch, TriggerWindow};
use crate::metrics::review::ReviewWatch;
use crate::metrics::series::{BoundedSeries, Readers, RowSink, Sampler};
use crate::metrics::verdict::saturation::SaturationWatch;
use crate::metrics::verdict::{self, Reason, Verdict};
use crate::model::build::{BuildError, build};
use crate::model::{Event, World};
use crate::scenario::Scenario;
use alarms::Alarms;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The world could not be built from the scenario.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The ledger did not balance at the end of the run.
    #[error("conservation violated (a simulator bug, please report it with the scenario): {0}")]
    Conservation(#[source] Unbalanced),
    /// A row of the time series could not be written.
    #[error("writing the time series: {0}")]
    TimeSeries(#[source] std::io::Error),
    /// Stopped by Ctrl-C before its end ([`crate::interrupt`]).
    #[error("interrupted")]
    Interrupted,
}

/// Limits set for one invocation rather than by the scenario.
#[derive(Clone, Debug, Default)]
pub struct RunLimits {
    /// Stop the run after this much wall-clock time (`run --max-wall`). Off by
    /// default: where a run stops then depends on the machine.
    pub max_wall: Option<std::time::Duration>,
}

/// Events in a row at one instant before a run counts as stalled, beyond the
/// events scheduled at the start (each worker's first poll, …).
const STALL_EVENTS: u64 = 10_000_000;

pub struct RunOutput {
    pub summary: Summary,
    /// The time series, bounded for the charts: every row up to
    /// `series::bounded::MAX_ROWS` rows, merged buckets past them.
    pub series: BoundedSeries,
}

/// Runs a validated scenario. `label` names it in the summary (usually its
/// path). Keeps a bounded copy of the time series and writes nothing.
pub fn run(s: &Scenario, label: &str) -> Result<RunOutput, RunError> {
    let (summary, series) = execute(s, label, None, true, &RunLimits::default())?;
    Ok(RunOutput {
        summary,
        series: series.unwrap_or_default(),
    })
}

/// Runs a validated scenario, handing each row of its time series to `sink`
/// as it is sampled.
pub fn run_streaming(
    s: &Scenario,
    label: &str,
    sink: Box<dyn RowSink>,
) -> Result<RunOutput, RunError> {
    run_streaming_within(s, label, sink, &RunLimits::default())
}

/// [`run_streaming`] within `limits`.
pub fn run_streaming_within(
    s: &Scenario,
    label: &str,
    sink: Box<dyn RowSink>,
    limits: &RunLimits,
) -> Result<RunOutput, RunError> {
    let (summary, series) = execute(s, label, Some(sink), true, limits)?;
    Ok(RunOutput {
        summary,
        series: series.unwrap_or_default(),
    })
}

/// Runs a validated scenario for its summary alone (a sweep's run): no row of
/// its time series is kept.
pub fn run_summary(s: &Scenario, label: &str, limits: &RunLimits) -> Result<Summary, RunError> {
    execute(s, label, None, false, limits).map(|(summary, _)| summary)
}

fn execute(
    s: &Scenario,
    label: &str,
    sink: Option<Box<dyn RowSink>>,
    keep_series: bool,
    limits: &RunLimits,
) -> Result<(Summary, Option<BoundedSeries>), RunError> {
    if crate::interrupt::requested() {
        return Err(RunError::Interrupted);
    }
    let mut world = build(s)?;
    let triggers = triggers(s);
    let windows: Vec<TriggerWindow> = triggers
        .iter()
        .map(|t| TriggerWindow {
            label: &t.label,
            from_s: t.from_s,
            to_s: t.to_s,
        })
        .collect();
    let first_trigger = windows.iter().map(|w| w.from_s).reduce(f64::min);
    let consumers = world.consumers.iter().map(|c| c.p.name.clone()).collect();
    // A Lambda-like consumer is saturated at the lowest of its caps.
    let caps = world
        .consumers
        .iter()
        .filter_map(|c| {
            let p = c.kind.poller()?;
            let cap = p.p.max.min(p.p.reserved.unwrap_or(u32::MAX));
            Some((c.p.name.clone(), cap.min(world.account_limit)))
        })
        .collect();
    let sampler = Sampler::new(
        Readers::new(
            FinalWindow::new(&s.verdict),
            RecoveryWatch::new(&windows, &s.verdict),
            keep_series.then(BoundedSeries::default),
            sink,
        )
        .reviewed(
            ReviewWatch::new(first_trigger, s.run.warmup_s, &s.verdict),
            SaturationWatch::new(consumers, caps, s.run.warmup_s),
        )
        .cross_checked(CrossCheckWatch::new(s)),
    );
    // A scenario that prices its run (`[cost]`) follows its cost as it goes.
    let sampler = if s.cost.given {
        sampler.priced(s)
    } else {
        sampler
    };
    let mut ticks = SampleTicks {
        sampler,
        interval: from_secs(s.run.sample_interval_s).max(1),
        alarms: Alarms::new(s, &world, &triggers),
    };
    let mut engine: Engine<Event> = Engine::new();
    // The initial backlog is made before the first event: its messages count
    // as steps.
    engine.work(world.seed_backlogs());
    world.reset_stats(0);
    let initial = world.initial_events();
    let engine_limits = Limits {
        max_steps: crate::scenario::limits::max_steps(s),
        stall_events: STALL_EVENTS.saturating_add(4 * initial.len() as u64),
        wall: limits.max_wall,
    };
    for (t, e) in initial {
        engine.schedule(t, e);
    }
    for (t, e) in ticks.alarms.initial_events() {
        engine.schedule(t, e);
    }
    let warmup = from_secs(s.run.warmup_s);
    if warmup > 0 {
        engine.schedule(warmup, Event::Warmup);
    }
    let horizon = from_secs(s.run.horizon_s);
    let stop = engine.run_limited(&mut world, &mut ticks, horizon, &engine_limits);
    if stop == Stop::Interrupted {
        return Err(RunError::Interrupted);
    }
    let end = engine.now();
    let SampleTicks {
        mut sampler,
        alarms,
        ..
    } = ticks;
    // A guard stopped the run between samples: keep its last state.
    if !matches!(stop, Stop::Horizon) && sampler.last_time() != Some(to_secs(end)) {
        sampler.record(&world, end);
    }
    let ledger = ledger::settle(&world).map_err(RunError::Conservation)?;
    let mut series = sampler.finish().map_err(RunError::TimeSeries)?;
    let verdict = match &stop {
        Stop::Model(why) => Verdict::collapsed(Reason::BacklogCap, to_secs(end), why.clone()),
        Stop::EventLimit => Verdict::collapsed(
            Reason::EventLimit,
            to_secs(end),
            format!(
                "stopped after {} steps ({} events and the work inside them), the budget of {}",
                engine.steps(),
                engine.events(),
                match s.run.max_events {
                    Some(n) => format!("run.max_events = {n}"),
                    None => format!(
                        "{} derived from the scenario (set run.max_events to change it)",
                        engine_limits.max_steps
                    ),
                }
            ),
        ),
        Stop::Stalled(n) => Verdict::collapsed(
            Reason::Stalled,
            to_secs(end),
            format!(
                "simulated time stopped advancing at {} s: {n} events in a row at that instant; the last of them by {}",
                to_secs(end),
                world.owners(engine.stalled_on())
            ),
        ),
        Stop::WallClock => Verdict::collapsed(
            Reason::WallClock,
            to_secs(end),
            format!(
                "stopped by --max-wall after {} s of wall-clock time, at {} s of simulated time",
                limits.max_wall.map_or(0.0, |d| d.as_secs_f64()),
                to_secs(end)
            ),
        ),
        Stop::Horizon | Stop::Drained | Stop::Interrupted => {
            verdict::judge(&mut series.final_window, &s.verdict)
        }
    };
    let recovery = series.recovery.as_ref().and_then(RecoveryWatch::judge);
    let mut theory = series
        .cross_check
        .as_ref()
        .map_or(vec![], |c| c.checks(&world, end));
    theory.extend(crate::metrics::retry_threshold::checks(
        s,
        recovery.as_ref(),
    ));
    let judged = Judged {
        verdict,
        alarms: alarms.summaries(&triggers, end),
        theory,
        triggers,
        recovery,
        review: series.review.as_ref().map(ReviewWatch::review),
        saturation: series.saturation.as_ref().map_or(vec![], |w| {
            w.fractions()
                .into_iter()
                .map(|(n, f)| (n.to_string(), f))
                .collect()
        }),
    };
    let summary = summarise(
        s,
        label,
        &world,
        end,
        &stop,
        engine.events(),
        ledger,
        judged,
    );
    Ok((summary, series.bounded))
}

/// The run's sampler and alarms, at their ticks: the engine hands them each
/// `Event::Sample` and `Event::Alarm` with a shared view of the world, so that
/// watching can change nothing.
struct SampleTicks<'s> {
    sampler: Sampler<'s>,
    interval: SimTime,
    alarms: Alarms,
}

impl Observer<World> for SampleTicks<'_> {
    fn owns(&self, event: &Event) -> bool {
        matches!(event, Event::Sample | Event::Alarm(_))
    }

    fn observe(&mut self, event: Event, world: &World, sim: &mut Scheduler<Event>) {
        match event {
            Event::Alarm(tick) => self.alarms.observe(tick, world, sim),
            _ => {
                self.sampler.record(world, sim.now());
                sim.after(self.interval, Event::Sample);
            }
        }
    }
}
