//! What each subcommand does, with errors rendered for people.

use crate::cli::{
    ChartArgs, CheckArgs, CompareArgs, MergeArgs, PlanArgs, PlotArgs, ReportArgs, RunArgs,
    SweepArgs,
};
use crate::export::{ExportError, run_into_with, table};
use crate::scenario::limits::{self, MemoryBudget};
use crate::scenario::{
    Checked, Diagnostic, Scenario, ScenarioError, check_file, check_file_within,
};
use rayon::prelude::*;

/// Prints to stdout, ignoring a closed pipe (`flowsim … | head` must not panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_FAILED: u8 = 1;
pub use crate::interrupt::EXIT_INTERRUPTED;

/// A scenario of `flowsim run` that failed; `label` is its file as given.
#[derive(Debug, thiserror::Error)]
enum RunFailed {
    /// The run, or the writing of its outputs as it goes, failed.
    #[error("{label}: {source}")]
    Export {
        label: String,
        #[source]
        source: ExportError,
    },
    /// The run's outputs are written, but its report is not.
    #[error("{label}: report: {source}")]
    Report {
        label: String,
        #[source]
        source: crate::report::ReportError,
    },
}

/// Keeps the scenario file's text in `dir` (or `text`, the scenario as run
/// when `run --set` changed it) and writes the report there.
fn report_into(
    dir: &Path,
    file: &Path,
    text: Option<&str>,
) -> Result<(crate::report::Report, PathBuf), crate::report::ReportError> {
    let text = match text {
        Some(t) => t.to_string(),
        None => {
            std::fs::read_to_string(file).map_err(|source| crate::report::ReportError::Read {
                path: file.to_path_buf(),
                source,
            })?
        }
    };
    crate::report::store_scenario(dir, &text)?;
    crate::report::write(dir)
}

/// A `--shard` argument that is not I/N with 0 ≤ I < N.
#[derive(Debug, thiserror::Error)]
#[error("--shard {arg}: expected I/N with 0 ≤ I < N, e.g. 0/4")]
struct BadShard {
    arg: String,
    #[source]
    source: Option<std::num::ParseIntError>,
}

/// A scenario file that loaded, with the design rules it breaks.
struct Loaded {
    file: PathBuf,
    scenario: Scenario,
    warnings: Vec<Diagnostic>,
}

fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        eprintln!("{w}\n");
    }
}

/// Loads every file; prints every problem found, not just the first. Warnings
/// are left to the caller (`run --quiet` hides them).
fn load_all(files: &[PathBuf], budget: &MemoryBudget) -> Option<Vec<Loaded>> {
    let mut ok = vec![];
    let mut bad = false;
    for f in files {
        match check_file_within(f, budget) {
            Ok(Checked { scenario, warnings }) => ok.push(Loaded {
                file: f.clone(),
                scenario,
                warnings,
            }),
            Err(e) => {
                bad = true;
                match e {
                    ScenarioError::Invalid(ds) => {
                        for d in ds {
                            eprintln!("{d}\n");
                        }
                    }
                    other => eprintln!("error: {other}"),
                }
            }
        }
    }
    (!bad).then_some(ok)
}

/// Exit 0 when every file is valid, even with warnings (a design rule is a
/// rule of thumb, and a scenario may break it on purpose); 2 on an error, or on
/// a warning with `--deny-warnings`.
pub fn check(args: &CheckArgs) -> u8 {
    let budget = MemoryBudget::or_machine(args.memory_budget);
    let Some(ok) = load_all(&args.files, &budget) else {
        return EXIT_BAD_INPUT;
    };
    let mut warned = false;
    for l in &ok {
        print_warnings(&l.warnings);
        let fits = format!(
            "needs at most {} of memory, budget {}",
            limits::bytes(limits::estimate(&l.scenario).total()),
            limits::bytes(budget.bytes)
        );
        match l.warnings.len() {
            0 => say!("{}: ok ({fits})", l.file.display()),
            n => {
                warned = true;
                say!(
                    "{}: valid, {n} design warning{} ({fits})",
                    l.file.display(),
                    if n == 1 { "" } else { "s" }
                );
            }
        }
    }
    if warned && args.deny_warnings {
        EXIT_BAD_INPUT
    } else {
        0
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into())
}

/// The `--set` arguments of `run`, parsed as the sweep parses its own; None
/// (after saying which and where) when one does not parse.
fn parse_sets(args: &[String]) -> Option<Vec<crate::scenario::SweepParam>> {
    let mut sets = vec![];
    for (n, arg) in args.iter().enumerate() {
        match crate::sweep::parse_set(arg) {
            Ok(s) => sets.push(s),
            Err(e) => {
                eprintln!("error: {e}\n{}", crate::set_arg::locate_parse(&e, n, arg));
                return None;
            }
        }
    }
    Some(sets)
}

/// Applies `run --set` to each loaded file: its scenario, its warnings and its
/// folder's name become the what-if's. None (after saying why) when a key
/// does not apply to a file.
fn apply_sets(
    loaded: Vec<Loaded>,
    args: &RunArgs,
    budget: &MemoryBudget,
) -> Option<Vec<(Loaded, String, Option<String>)>> {
    let sets = parse_sets(&args.sets)?;
    let mut out = vec![];
    let mut bad = false;
    for l in loaded {
        if sets.is_empty() {
            let name = stem(&l.file);
            out.push((l, name, None));
            continue;
        }
        match crate::sweep::what_if(&l.file, &sets, budget) {
            Ok(w) => {
                let name = format!("{}{}", stem(&l.file), w.suffix);
                out.push((
                    Loaded {
                        file: l.file,
                        scenario: w.scenario,
                        warnings: w.warnings,
                    },
                    name,
                    Some(w.text),
                ));
            }
            Err(crate::sweep::SweepError::Scenario(ScenarioError::Invalid(ds))) => {
                bad = true;
                for d in ds {
                    eprintln!("{d}\n");
                }
            }
            Err(e) => {
                bad = true;
                eprintln!("error: {e}");
                let at = crate::set_arg::locate(&e, &args.sets);
                if !at.is_empty() {
                    eprintln!("{at}");
                }
            }
        }
    }
    (!bad).then_some(out)
}

/// A report inlines the SVG charts (report.html) and links the PNGs
/// (report.md): `--report` with fewer charts is refused before anything runs.
fn report_has_charts(report: bool, charts: &ChartArgs) -> bool {
    if report && charts.charts != crate::charts::Formats::Both {
        eprintln!(
            "error: --report needs the charts in both formats (report.html inlines the SVGs, report.md links the PNGs), and --charts {} leaves some out\n  fix: drop --charts (both is the default), or drop --report",
            match charts.charts {
                crate::charts::Formats::None => "none",
                crate::charts::Formats::Png => "png",
                crate::charts::Formats::Svg => "svg",
                crate::charts::Formats::Both => "both",
            }
        );
        return false;
    }
    true
}

pub fn run(args: &RunArgs) -> u8 {
    if !report_has_charts(args.report, &args.charts) {
        return EXIT_BAD_INPUT;
    }
    let budget = MemoryBudget::or_machine(args.memory_budget);
    let Some(loaded) = load_all(&args.files, &budget) else {
        return EXIT_BAD_INPUT;
    };
    let Some(loaded) = apply_sets(loaded, args, &budget) else {
        return EXIT_BAD_INPUT;
    };
    // Warnings go to stderr, before any table: stdout and the output files are
    // the same as without them.
    let warnings = loaded.iter().map(|l| l.0.warnings.len()).sum::<usize>();
    if !args.quiet || args.deny_warnings {
        for l in &loaded {
            print_warnings(&l.0.warnings);
        }
    }
    if warnings > 0 && args.deny_warnings {
        eprintln!(
            "error: {warnings} design warning{} and --deny-warnings: not running",
            if warnings == 1 { "" } else { "s" }
        );
        return EXIT_BAD_INPUT;
    }
    // Each file, its scenario, the name of its output folder, and the text
    // of the scenario as run when `--set` changed it.
    let mut loaded: Vec<(PathBuf, Scenario, String, Option<String>)> = loaded
        .into_iter()
        .map(|(l, name, text)| (l.file, l.scenario, name, text))
        .collect();
    let mut seen: HashMap<String, &Path> = HashMap::new();
    for (f, _, name, _) in &loaded {
        if let Err(why) = crate::sweep::check_stem(&stem(f)) {
            eprintln!(
                "error: {}: the file name `{}` cannot name an output folder ({why}); rename the file",
                f.display(),
                stem(f)
            );
            return EXIT_BAD_INPUT;
        }
        if let Some(other) = seen.insert(name.clone(), f) {
            eprintln!(
                "error: {} and {} would both write {}/{name}/; rename one, or run them separately with different --out",
                other.display(),
                f.display(),
                args.out.display(),
            );
            return EXIT_BAD_INPUT;
        }
    }
    if let Some(seed) = args.seed {
        for (_, s, _, _) in &mut loaded {
            s.run.seed = seed;
        }
    }
    // What killed runs left in the output folder goes first.
    crate::out_dir::collect(&args.out);
    let limits = crate::run::RunLimits {
        max_wall: args.max_wall,
    };
    // Each run is single-threaded and seeded by its scenario: results do not
    // depend on how rayon spreads them.
    type Page = (crate::report::Report, PathBuf);
    // Its table, its report when written, its line of the overview.
    type Done = (String, Option<Page>, String);
    let results: Vec<Result<Done, RunFailed>> = loaded
        .par_iter()
        .map(|(f, s, name, stored)| {
            let label = f.display().to_string();
            let (out, dir) =
                run_into_with(&args.out, name, s, &label, &limits, &args.charts.options())
                    .map_err(|source| RunFailed::Export {
                        label: label.clone(),
                        source,
                    })?;
            let mut text = table::render(&out.summary, Some(&dir.display().to_string()));
            let mut page = None;
            let reasons: Vec<String> = out
                .summary
                .verdict
                .reasons
                .iter()
                .map(|f| f.reason.name().to_string())
                .collect();
            text.push_str(&crate::run_end::charts_line(&dir, &reasons));
            if args.report {
                let written = report_into(&dir, f, stored.as_deref()).map_err(|source| {
                    RunFailed::Report {
                        label: label.clone(),
                        source,
                    }
                })?;
                text.push_str(&format!("  report      {}\n", written.1.display()));
                page = Some(written);
            } else {
                text.push_str(&crate::run_end::no_report_line(&dir));
            }
            let overview = crate::run_end::overview_line(&out.summary, &dir);
            Ok((text, page, overview))
        })
        .collect();
    let mut code = 0;
    let (mut finished, mut stopped) = (0, 0);
    let mut pages = vec![];
    let mut overview = vec![];
    for (r, (f, _, _, _)) in results.into_iter().zip(&loaded) {
        match r {
            Ok((t, page, line)) => {
                finished += 1;
                if !args.quiet {
                    say!("{t}");
                }
                pages.extend(page);
                overview.push(line);
            }
            Err(RunFailed::Export {
                source: ExportError::Run(crate::RunError::Interrupted),
                ..
            }) => stopped += 1,
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_FAILED;
                overview.push(crate::run_end::failed_line(f));
            }
        }
    }
    if stopped > 0 {
        eprintln!(
            "interrupted: {finished} of {} scenarios finished and written; the {stopped} stopped wrote nothing",
            loaded.len()
        );
        return EXIT_INTERRUPTED;
    }
    if loaded.len() > 1 && !args.quiet {
        say!("{}", crate::run_end::overview(&overview).trim_end());
    }
    match crate::report::write_index(&pages) {
        Ok(Some(index)) if !args.quiet => say!("index of the reports: {}", index.display()),
        Ok(_) => {}
        Err(e) => {
            eprintln!("error: {e}");
            code = EXIT_FAILED;
        }
    }
    code
}

fn parse_shard(s: &str) -> Result<(u32, u32), BadShard> {
    let bad = |source| BadShard {
        arg: s.into(),
        source,
    };
    let (i, n) = s.split_once('/').ok_or_else(|| bad(None))?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|e| bad(Some(e)))?,
        n.trim().parse().map_err(|e| bad(Some(e)))?,
    );
    if n == 0 || i >= n {
        return Err(bad(None));
    }
    Ok((i, n))
}

/// How to finish an interrupted sweep: the same command with `--resume`.
fn resume_command(args: &SweepArgs) -> String {
    let quote = |s: &str| {
        if !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=,[]+".contains(c))
        {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let mut words = vec!["flowsim".to_string(), "sweep".into()];
    words.push(quote(&args.file.to_string_lossy()));
    for s in &args.sets {
        words.extend(["--set".into(), quote(s)]);
    }
    if let Some(r) = args.reps {
        words.extend(["--reps".into(), r.to_string()]);
    }
    if let Some(s) = args.seed {
        words.extend(["--seed".into(), s.to_string()]);
    }
    if let Some(s) = &args.shard {
        words.extend(["--shard".into(), quote(s)]);
    }
    words.extend(["--out".into(), quote(&args.out.to_string_lossy())]);
    words.push("--resume".into());
    words.join(" ")
}

fn report_sweep(
    result: Result<crate::sweep::Outcome, crate::sweep::SweepError>,
    quiet: bool,
    sweep: Option<&SweepArgs>,
    report_of: Option<&Path>,
) -> u8 {
    use crate::sweep::{Outcome, SweepError};
    match result {
        Ok(Outcome::Complete {
            summary,
            notes,
            dir,
        }) => {
            for n in notes {
                eprintln!("note: {n}");
            }
            if quiet {
                // Scripts still learn where the results are.
                say!("  outputs     {}", dir.display());
            } else {
                say!("{summary}");
            }
            if let Some(file) = report_of {
                match report_into(&dir, file, None) {
                    Ok((_, page)) => say!("  report      {}", page.display()),
                    Err(e) => {
                        eprintln!("error: {}: report: {e}", file.display());
                        return EXIT_FAILED;
                    }
                }
            }
            0
        }
        Ok(Outcome::Shard { dir, runs }) => {
            if quiet {
                say!("  outputs     {}", dir.display());
            } else {
                say!(
                    "shard done: {runs} runs in {}; combine the shards with `flowsim merge`",
                    dir.display()
                );
            }
            0
        }
        Err(SweepError::Scenario(ScenarioError::Invalid(ds))) => {
            for d in ds {
                eprintln!("{d}\n");
            }
            EXIT_BAD_INPUT
        }
        Err(e @ SweepError::Interrupted { .. }) => {
            eprintln!("{e}");
            if let Some(args) = sweep {
                eprintln!("to finish the sweep: {}", resume_command(args));
            }
            EXIT_INTERRUPTED
        }
        Err(
            e @ (SweepError::Scenario(_)
            | SweepError::Plan(_)
            | SweepError::Read { .. }
            | SweepError::Busy { .. }
            | SweepError::BadPlanFile { .. }
            | SweepError::PlanFile { .. }
            | SweepError::OtherSweep { .. }
            | SweepError::WouldReplace { .. }
            | SweepError::MergeIntoShard { .. }),
        ) => {
            eprintln!("error: {e}");
            let at = sweep.map_or(String::new(), |a| crate::set_arg::locate(&e, &a.sets));
            if !at.is_empty() {
                eprintln!("{at}");
            }
            if let (SweepError::Plan(crate::sweep::PlanError::TooBig { .. }), Some(a)) = (&e, sweep)
            {
                let reps = a
                    .reps
                    .map_or(String::new(), |r| format!(" (now --reps {r})"));
                eprintln!(
                    "  fix: fewer values (a larger step, a smaller count) or fewer replications{reps}; a larger study can be split over several sweeps"
                );
            }
            EXIT_BAD_INPUT
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

pub fn sweep(args: &SweepArgs) -> u8 {
    if !report_has_charts(args.report, &args.charts) {
        return EXIT_BAD_INPUT;
    }
    let mut sets = vec![];
    for (n, arg) in args.sets.iter().enumerate() {
        match crate::sweep::parse_set(arg) {
            Ok(s) => sets.push(s),
            Err(e) => {
                eprintln!("error: {e}\n{}", crate::set_arg::locate_parse(&e, n, arg));
                return EXIT_BAD_INPUT;
            }
        }
    }
    let shard = match args.shard.as_deref().map(parse_shard).transpose() {
        Ok(shard) => shard,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    // The design rules of the sweep's file as written, once; its points are
    // variations of it. A file that does not load is reported by the plan.
    if let Ok(Checked { warnings, .. }) = check_file(&args.file) {
        if !args.quiet || args.deny_warnings {
            print_warnings(&warnings);
        }
        if !warnings.is_empty() && args.deny_warnings {
            eprintln!("error: design warnings and --deny-warnings: not sweeping");
            return EXIT_BAD_INPUT;
        }
    }
    let budget = MemoryBudget::or_machine(args.memory_budget);
    let result =
        crate::sweep::plan(&args.file, &sets, args.reps, args.seed, &budget).and_then(|plan| {
            let opts = crate::sweep::Options {
                resume: args.resume,
                shard,
                quiet: args.quiet,
                max_wall: args.max_wall,
                charts: args.charts.options(),
                force: args.force,
            };
            crate::sweep::execute(&plan, &args.out, &opts)
        });
    report_sweep(
        result,
        args.quiet,
        Some(args),
        args.report.then_some(args.file.as_path()),
    )
}

pub fn merge(args: &MergeArgs) -> u8 {
    report_sweep(
        crate::sweep::merge(&args.dirs, &args.out),
        false,
        None,
        None,
    )
}

/// Exit 0 when every folder got its report; 2 when a folder is not a flowsim
/// output (the others still get theirs); 1 when a report could not be written.
pub fn report(args: &ReportArgs) -> u8 {
    let mut code = 0;
    let mut pages = vec![];
    for dir in &args.dirs {
        match crate::report::write(dir) {
            Ok((r, page)) => {
                if !args.quiet {
                    let state = r.verdict.as_ref().map_or("sweep", |v| v.state.as_str());
                    say!("{}: {state}: {}", dir.display(), page.display());
                }
                pages.push((r, page));
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = code.max(exit_for(e.is_bad_input()));
            }
        }
    }
    match crate::report::write_index(&pages) {
        Ok(Some(index)) if !args.quiet => say!("index: {}", index.display()),
        Ok(_) => {}
        Err(e) => {
            eprintln!("error: {e}");
            code = code.max(EXIT_FAILED);
        }
    }
    code
}

/// The exit code of a failure: 2 for the user's input, 1 for anything else.
fn exit_for(bad_input: bool) -> u8 {
    if bad_input {
        EXIT_BAD_INPUT
    } else {
        EXIT_FAILED
    }
}

/// `flowsim compare`: runs or reads every variant, prints the table and writes
/// compare.html, compare.md, compare.json and the overlaid charts.
pub fn compare(args: &CompareArgs) -> u8 {
    use crate::compare::{self, CompareError, Comparison, Input};
    let fail = |e: CompareError| {
        eprintln!("error: {e}");
        exit_for(e.is_bad_input())
    };
    let inputs: Vec<Input> = match args.inputs.iter().map(|p| Input::parse(p)).collect() {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    if inputs.len() < 2 {
        return fail(CompareError::TooFew(inputs.len()));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| compare::default_folder(Path::new("output"), &inputs));
    let budget = MemoryBudget::or_machine(args.memory_budget);
    let plan = compare::variants::Plan {
        out: &out,
        seed: args.seed,
        reps: args.reps,
        budget: &budget,
    };
    let variants = match compare::load(&inputs, &plan) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    if args.report {
        for (input, v) in inputs.iter().zip(&variants) {
            if let Input::Scenario(file) = input
                && let Err(e) = report_into(&v.folder, file, None)
            {
                eprintln!("error: {}: report: {e}", file.display());
                return exit_for(e.is_bad_input());
            }
        }
    }
    let c = Comparison::new(variants, args.reps.unwrap_or(1));
    match compare::write(&c, &out) {
        Ok((page, charts)) => {
            if !args.quiet {
                say!("{}", compare::terminal(&c));
                for chart in charts.iter().take(1) {
                    say!("chart: {}", chart.display());
                }
            }
            say!("comparison: {}", page.display());
            0
        }
        Err(e) => fail(e),
    }
}

/// Exit 0 when every folder's charts were drawn again; 2 when a folder is not
/// a run's output (the others are still drawn); 1 when a chart could not be
/// written.
pub fn plot(args: &PlotArgs) -> u8 {
    let mut code = 0;
    for dir in &args.dirs {
        match crate::plot::plot(dir, args.charts.options()) {
            Ok(()) => {
                if !args.quiet {
                    say!("{}: charts drawn", dir.display());
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = code.max(exit_for(e.is_bad_input()));
            }
        }
    }
    code
}

/// `flowsim plan`: exit 2 on bad input (the file, an [slo] or a key), 1 when
/// a run or a write fails.
pub fn plan(args: &PlanArgs) -> u8 {
    let started = std::time::Instant::now();
    let req = crate::plan::Request {
        file: &args.file,
        varies: &args.varies,
        seed: args.seed,
        max_reps: args.max_reps,
        sensitivity: args.sensitivity,
        budget: MemoryBudget::or_machine(args.memory_budget),
        out: &args.out,
        charts: args.charts.options(),
    };
    match crate::plan::plan(&req) {
        Ok(o) => {
            if !args.quiet {
                let r = &o.report;
                match &r.chosen {
                    Some(c) => say!(
                        "chosen: {} at {}/h ({})",
                        crate::plan::describe(r, c),
                        crate::export::objectives::dollars(c.cost_per_hour),
                        match &r.headroom {
                            // As plan.md writes them.
                            Some(h) if h.none() => format!(
                                "holds at 1 × the load, not at {} ×: no margin",
                                crate::report::format::number(h.fails_at.unwrap_or(1.0))
                            ),
                            Some(h) => format!(
                                "holds up to {} × the load",
                                crate::report::format::number(h.holds_at)
                            ),
                            None => String::new(),
                        }
                    ),
                    None => say!("no configuration meets every SLO with the stated confidence"),
                }
                say!(
                    "runs: {} to search (a grid: {}), {} for the headroom, {} for sensitivity, in {:.1} s",
                    r.search_runs,
                    r.grid_runs,
                    r.headroom_runs,
                    r.sensitivity_runs,
                    started.elapsed().as_secs_f64()
                );
                say!("plan: {}", o.dir.join("plan.md").display());
            }
            0
        }
        Err(crate::plan::PlannerError::Scenario(ScenarioError::Invalid(ds))) => {
            for d in ds {
                eprintln!("{d}\n");
            }
            EXIT_BAD_INPUT
        }
        Err(crate::plan::PlannerError::Run {
            source: crate::RunError::Interrupted,
            ..
        }) => EXIT_INTERRUPTED,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_bad_input() {
                EXIT_BAD_INPUT
            } else {
                EXIT_FAILED
            }
        }
    }
}
