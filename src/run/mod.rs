//! Running one scenario: build the world, drive the engine, settle the ledger,
//! judge the run, and summarise it.

mod client;
mod downstream;
mod log;
mod push;
mod summary;

pub use client::{ClientSummary, RecordSummary, ServiceSummary};
pub use downstream::{ApiSummary, DatabaseSummary, LambdaSummary};
pub use log::{GroupSummary, PartitionLag, TopicSummary};
pub use push::{EndpointSubscription, PolicySummary, PushSummary, QueueSubscription};
pub use summary::*;

use crate::engine::{Engine, Stop, from_secs, to_secs};
use crate::metrics::final_window::FinalWindow;
use crate::metrics::ledger;
use crate::metrics::recovery::{RecoveryWatch, TriggerWindow};
use crate::metrics::series::Sampler;
use crate::metrics::verdict::{self, Reason, Verdict};
use crate::model::{Event, build::build};
use crate::scenario::Scenario;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Build(String),
    #[error("conservation violated (a simulator bug, please report it with the scenario): {0}")]
    Conservation(String),
}

pub struct RunOutput {
    pub summary: Summary,
    pub series: Sampler,
}

/// Runs a validated scenario. `label` names it in the summary (usually its path).
pub fn run(s: &Scenario, label: &str) -> Result<RunOutput, RunError> {
    let mut world = build(s).map_err(RunError::Build)?;
    world.seed_backlogs();
    world.reset_stats(0);
    let mut engine: Engine<Event> = Engine::new();
    for (t, e) in world.initial_events() {
        engine.schedule(t, e);
    }
    let warmup = from_secs(s.run.warmup_s);
    if warmup > 0 {
        engine.schedule(warmup, Event::Warmup);
    }
    let horizon = from_secs(s.run.horizon_s);
    let stop = engine.run(&mut world, horizon, s.run.max_events);
    let end = engine.now();
    // A guard stopped the run between samples: keep its last state.
    if !matches!(stop, Stop::Horizon) {
        let mut sampler = std::mem::take(&mut world.sampler);
        for c in &mut world.consumers {
            c.settle_waits(end);
        }
        if sampler.column("time_s").and_then(|t| t.last().copied()) != Some(to_secs(end)) {
            sampler.record(&world, end);
        }
        world.sampler = sampler;
    }
    let ledger = ledger::settle(&world).map_err(RunError::Conservation)?;
    let verdict = match &stop {
        Stop::Model(why) => Verdict::collapsed(Reason::BacklogCap, to_secs(end), why.clone()),
        Stop::EventLimit => Verdict::collapsed(
            Reason::EventLimit,
            to_secs(end),
            format!("stopped after {} events (run.max_events)", engine.events()),
        ),
        Stop::Horizon | Stop::Drained => {
            let mut window = FinalWindow::new(&s.verdict);
            world.sampler.replay(&mut window);
            verdict::judge(&mut window, &s.verdict)
        }
    };
    let triggers = triggers(s);
    let windows: Vec<TriggerWindow> = triggers
        .iter()
        .map(|t| TriggerWindow {
            label: &t.label,
            from_s: t.from_s,
            to_s: t.to_s,
        })
        .collect();
    let recovery = RecoveryWatch::new(&windows, &s.verdict).and_then(|mut watch| {
        world.sampler.replay(&mut watch);
        watch.judge()
    });
    let summary = summarise(
        s,
        label,
        &world,
        end,
        &stop,
        engine.events(),
        ledger,
        verdict,
        triggers,
        recovery,
    );
    Ok(RunOutput {
        summary,
        series: std::mem::take(&mut world.sampler),
    })
}
