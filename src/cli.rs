//! Command-line interface: `flowsim run`, `check`, `sweep`, `merge`, `report`,
//! `compare`, `plan`, `plot`.

use crate::charts::options::MAX_SCALE;
use crate::charts::{ChartOptions, Formats};
use crate::scenario::limits::MemoryBudget;
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
    /// Sweep parameters of a scenario: replications per point, in parallel,
    /// with confidence intervals and the point where the system collapses.
    Sweep(SweepArgs),
    /// Combine the outputs of `sweep --shard` runs into one sweep's reports.
    Merge(MergeArgs),
    /// Write report.html and report.md into output folders written earlier by
    /// `run` or `sweep` (reads their files only).
    Report(ReportArgs),
    /// Compare variants of one scenario family side by side: scenario files
    /// (run here) or output folders of `flowsim run` (read).
    Compare(CompareArgs),
    /// The cheapest values of decision keys that meet the scenario's [slo]
    /// with the stated confidence, the runner-up, and the headroom.
    Plan(PlanArgs),
    /// Draw every chart of run or sweep output folders again from their files
    /// alone (a run's summary.json and timeseries.csv, a sweep's plan.json and
    /// sweep.csv), e.g. in other formats or larger.
    Plot(PlotArgs),
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Scenario file (TOML) with an [slo] table, and [[plan.key]] tables or --vary.
    pub file: PathBuf,
    /// A decision key and its values, the sweep's syntax: PATH=LO..HI:step=S
    /// or PATH=A,B,C. Replaces a [[plan.key]] of the same path. Repeatable.
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub varies: Vec<String>,
    /// Output folder; the plan writes DIR/<file stem>-plan/.
    #[arg(long, short, default_value = "output")]
    pub out: PathBuf,
    /// Override the scenario's `run.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// The most replications a configuration gets while undecided (default:
    /// [plan] max_reps, or 10).
    #[arg(long)]
    pub max_reps: Option<u32>,
    /// Also move each key ± [plan] sensitivity_percent around the chosen
    /// configuration and draw a tornado chart (tornado.png, tornado.svg).
    #[arg(long)]
    pub sensitivity: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Memory one run may need at worst, e.g. 8GiB (default: half of this
    /// machine's memory).
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<MemoryBudget>,
}

#[derive(Args, Debug)]
pub struct PlotArgs {
    /// Output folders of `flowsim run`: DIR/<stem>/.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub charts: ChartArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario files (.toml) or run output folders (DIR/<stem>/); the first
    /// is the baseline every change is measured against.
    #[arg(required = true, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Output folder (default: output/compare-<stem>-vs-<stem>…/). Scenario
    /// files run into DIR/<stem>/ inside it.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replications per variant on common random numbers (same seed and
    /// replication indices for every variant): paired differences with 95 %
    /// confidence intervals. Scenario files only.
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
    pub reps: Option<u32>,
    /// Override every scenario's `run.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also write each scenario file's run report (report.html, report.md,
    /// scenario.toml) in its run folder.
    #[arg(long)]
    pub report: bool,
    /// Print nothing but errors and where the comparison went.
    #[arg(long, short)]
    pub quiet: bool,
    /// Memory one run may need at worst, e.g. 8GiB (default: half of this
    /// machine's memory).
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<MemoryBudget>,
}

/// Which charts a command draws, and how large.
#[derive(Args, Debug, Clone, Copy)]
pub struct ChartArgs {
    /// Chart files to write: both PNG and SVG (the default), one of them, or
    /// none (nothing drawn: faster for long runs and big sweeps). `--report`
    /// needs both.
    #[arg(long, value_enum, default_value_t = Formats::Both, value_name = "FORMATS")]
    pub charts: Formats,
    /// Chart size: N times 1280×720 pixels with the same look (2 for print),
    /// 1 to 4.
    #[arg(long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SCALE)))]
    pub scale: u32,
}

impl ChartArgs {
    pub fn options(&self) -> ChartOptions {
        ChartOptions {
            formats: self.charts,
            scale: self.scale,
        }
    }
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Output folders: DIR/<stem>/ of a run, DIR/<stem>-sweep/ of a sweep.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario file (TOML), with or without a [sweep] table.
    pub file: PathBuf,
    /// Sweep a key: PATH=VALUES with VALUES a list (10,20,50) or a range
    /// (10..500:step=10, 10..500:count=8, 1..1000:log=7). Repeat for a grid.
    #[arg(long = "set", value_name = "PATH=VALUES")]
    pub sets: Vec<String>,
    /// Replications per point (default: [sweep] reps, or 5).
    #[arg(long)]
    pub reps: Option<u32>,
    /// Override the scenario's `run.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder; the sweep writes DIR/<file stem>-sweep/.
    #[arg(long, short, default_value = "output")]
    pub out: PathBuf,
    /// Keep the runs an interrupted sweep finished; run only the rest.
    #[arg(long)]
    pub resume: bool,
    /// Replace the results of a sweep of other keys or values (other --set)
    /// already in DIR/<file stem>-sweep/; without it such a sweep is refused.
    #[arg(long)]
    pub force: bool,
    /// Run only shard I of N (runs whose index is I modulo N), e.g. 0/4.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress bar and no table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Refuse to sweep a scenario that breaks a design rule (exit 2).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also write report.html and report.md (and keep the scenario as
    /// scenario.toml) in the sweep's folder.
    #[arg(long)]
    pub report: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
    /// Memory one run may need at worst, e.g. 8GiB (default: half of this
    /// machine's memory). A point whose estimate is beyond it is refused.
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<MemoryBudget>,
    /// Stop each run after this many seconds of wall-clock time: it is kept
    /// as collapsed with the reason `wall_clock`, so one point that runs away
    /// cannot hold up the sweep. Off by default: which runs stop then depends
    /// on the machine, and so do the results.
    #[arg(long, value_name = "SECS", value_parser = parse_wall)]
    pub max_wall: Option<std::time::Duration>,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard output folders (each DIR/<stem>-sweep/ of a `sweep --shard` run).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder; the merged sweep goes to DIR/<stem>-sweep/.
    #[arg(long, short, default_value = "output")]
    pub out: PathBuf,
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
    /// A what-if: set a key for this run, PATH=VALUE with the sweep's key
    /// paths (consumer[0].workers=8). Repeatable. The outputs go to
    /// DIR/<file stem>-set-<8 hex digits of the changes>/ and name the changes.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Print nothing but errors (and the warnings that refuse a run with
    /// --deny-warnings).
    #[arg(long, short)]
    pub quiet: bool,
    /// Refuse to run scenarios that break a design rule (exit 2), for CI.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also write report.html and report.md (and keep the scenario as
    /// scenario.toml) in each run's folder.
    #[arg(long)]
    pub report: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
    /// Memory a run may need at worst, e.g. 8GiB (default: half of this
    /// machine's memory). A scenario whose estimate is beyond it is refused.
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<MemoryBudget>,
    /// Stop each run after this many seconds of wall-clock time, collapsed
    /// with the reason `wall_clock`. Off by default: where a run stops then
    /// depends on the machine, and so do its outputs.
    #[arg(long, value_name = "SECS", value_parser = parse_wall)]
    pub max_wall: Option<std::time::Duration>,
}

fn parse_wall(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    std::time::Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{s}`: expected a number of seconds > 0"))
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Exit 2 when a scenario breaks a design rule, not only on errors (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
    /// The memory budget to check the estimates against, e.g. 8GiB (default:
    /// half of this machine's memory).
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<MemoryBudget>,
}
