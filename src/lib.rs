//! flowsim: a deterministic discrete-event simulator of the flow-control physics
//! of messaging systems. Load a scenario, run it, write its outputs.

pub mod charts;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod export;
pub mod metrics;
pub mod model;
pub mod run;
pub mod scenario;

pub use run::{RunError, RunOutput, Summary, run};
pub use scenario::{Scenario, ScenarioError, load_file, load_str};
