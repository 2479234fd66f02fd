//! flowsim: a deterministic discrete-event simulator of the flow-control physics
//! of messaging systems. Load a scenario, run it, write its outputs.
//!
//! ```
//! let scenario = flowsim::load_str(
//!     "example.toml",
//!     r#"
//!     [run]
//!     horizon_s = 60
//!     [[queue]]
//!     name = "orders"
//!     [[producer]]
//!     rate = 20.0
//!     [[consumer]]
//!     workers = 4
//!     processing_s = { dist = "exponential", mean = 0.1 }
//!     "#,
//! )
//! .expect("a valid scenario");
//! let out = flowsim::run(&scenario, "example.toml").expect("a run that balances");
//! let s = &out.summary;
//! assert!(s.ledger.balanced);
//! assert!(!s.verdict.collapsed);
//! // Every message produced was processed or is still in the queue.
//! let held = s.ledger.in_system.visible + s.ledger.in_system.in_flight;
//! assert_eq!(s.ledger.produced, s.ledger.processed + held);
//! ```

pub mod atomic_file;
pub mod charts;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod cost;
pub mod engine;
pub mod export;
pub mod interrupt;
pub mod metrics;
pub mod model;
pub mod out_dir;
pub mod plan;
pub mod plot;
pub mod report;
pub mod run;
pub mod run_end;
pub mod scenario;
mod set_arg;
pub mod sweep;

pub use run::{RunError, RunOutput, Summary, run};
pub use scenario::{Scenario, ScenarioError, load_file, load_str};
