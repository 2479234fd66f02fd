//! The `flowsim` binary: parse the command line, call the library, map failures
//! to exit codes (2: bad input, 1: a run or its outputs failed).

use clap::Parser;
use flowsim::cli::{Cli, Command};
use flowsim::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    flowsim::interrupt::install();
    let code = match cli.command {
        Command::Run(args) => commands::run(&args),
        Command::Check(args) => commands::check(&args),
        Command::Sweep(args) => commands::sweep(&args),
        Command::Merge(args) => commands::merge(&args),
        Command::Report(args) => commands::report(&args),
        Command::Compare(args) => commands::compare(&args),
        Command::Plan(args) => commands::plan(&args),
        Command::Plot(args) => commands::plot(&args),
    };
    ExitCode::from(code)
}
