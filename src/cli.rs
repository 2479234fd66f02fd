//! Command-line interface: `flowsim run`, `flowsim check`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "flowsim",
    version,
    about = "Deterministic simulator of the flow-control physics of messaging systems",
    long_about = "Describe producers, queues and consumers in a TOML scenario; flowsim runs it \
deterministically and writes a time series, a summary with a collapse verdict, and charts."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run scenario files (several run in parallel) and write their outputs.
    Run(RunArgs),
    /// Validate scenario files without running them.
    Check(CheckArgs),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output folder; each scenario writes DIR/<file stem>/.
    #[arg(long, short, default_value = "output")]
    pub out: PathBuf,
    /// Override the scenario's `run.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}
