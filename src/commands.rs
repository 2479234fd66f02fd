//! What each subcommand does, with errors rendered for people.

use crate::cli::{CheckArgs, MergeArgs, ReportArgs, RunArgs, SweepArgs};
use crate::export::{ExportError, run_into, table};
use crate::scenario::{Checked, Diagnostic, Scenario, ScenarioError, check_file};
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

/// Keeps the scenario file's text in `dir` and writes the report there.
fn report_into(
    dir: &Path,
    file: &Path,
) -> Result<(crate::report::Report, PathBuf), crate::report::ReportError> {
    let text =
        std::fs::read_to_string(file).map_err(|source| crate::report::ReportError::Read {
            path: file.to_path_buf(),
            source,
        })?;
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
fn load_all(files: &[PathBuf]) -> Option<Vec<Loaded>> {
    let mut ok = vec![];
    let mut bad = false;
    for f in files {
        match check_file(f) {
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
    let Some(ok) = load_all(&args.files) else {
        return EXIT_BAD_INPUT;
    };
    let mut warned = false;
    for l in &ok {
        print_warnings(&l.warnings);
        match l.warnings.len() {
            0 => say!("{}: ok", l.file.display()),
            n => {
                warned = true;
                say!(
                    "{}: valid, {n} design warning{}",
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

pub fn run(args: &RunArgs) -> u8 {
    let Some(loaded) = load_all(&args.files) else {
        return EXIT_BAD_INPUT;
    };
    // Warnings go to stderr, before any table: stdout and the output files are
    // the same as without them.
    let warnings = loaded.iter().map(|l| l.warnings.len()).sum::<usize>();
    if !args.quiet || args.deny_warnings {
        for l in &loaded {
            print_warnings(&l.warnings);
        }
    }
    if warnings > 0 && args.deny_warnings {
        eprintln!(
            "error: {warnings} design warning{} and --deny-warnings: not running",
            if warnings == 1 { "" } else { "s" }
        );
        return EXIT_BAD_INPUT;
    }
    let mut loaded: Vec<(PathBuf, Scenario)> =
        loaded.into_iter().map(|l| (l.file, l.scenario)).collect();
    let mut seen: HashMap<String, &Path> = HashMap::new();
    for (f, _) in &loaded {
        if let Some(other) = seen.insert(stem(f), f) {
            eprintln!(
                "error: {} and {} would both write {}/{}/; rename one, or run them separately with different --out",
                other.display(),
                f.display(),
                args.out.display(),
                stem(f)
            );
            return EXIT_BAD_INPUT;
        }
    }
    if let Some(seed) = args.seed {
        for (_, s) in &mut loaded {
            s.run.seed = seed;
        }
    }
    // Each run is single-threaded and seeded by its scenario: results do not
    // depend on how rayon spreads them.
    type Page = (crate::report::Report, PathBuf);
    let results: Vec<Result<(String, Option<Page>), RunFailed>> = loaded
        .par_iter()
        .map(|(f, s)| {
            let label = f.display().to_string();
            let (out, dir) =
                run_into(&args.out, &stem(f), s, &label).map_err(|source| RunFailed::Export {
                    label: label.clone(),
                    source,
                })?;
            let mut text = table::render(&out.summary, Some(&dir.display().to_string()));
            let mut page = None;
            if args.report {
                let written = report_into(&dir, f).map_err(|source| RunFailed::Report {
                    label: label.clone(),
                    source,
                })?;
                text.push_str(&format!("  report      {}\n", written.1.display()));
                page = Some(written);
            }
            Ok((text, page))
        })
        .collect();
    let mut code = 0;
    let mut pages = vec![];
    for r in results {
        match r {
            Ok((t, page)) => {
                if !args.quiet {
                    say!("{t}");
                }
                pages.extend(page);
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_FAILED;
            }
        }
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

fn report_sweep(
    result: Result<crate::sweep::Outcome, crate::sweep::SweepError>,
    quiet: bool,
    report_of: Option<&Path>,
) -> u8 {
    use crate::sweep::{Outcome, SweepError};
    match result {
        Ok(Outcome::Complete { summary, dir }) => {
            if !quiet {
                say!("{summary}");
            }
            if let Some(file) = report_of {
                match report_into(&dir, file) {
                    Ok((_, page)) if !quiet => say!("  report      {}", page.display()),
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("error: {}: report: {e}", file.display());
                        return EXIT_FAILED;
                    }
                }
            }
            0
        }
        Ok(Outcome::Shard { dir, runs }) => {
            if !quiet {
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
        Err(e @ (SweepError::Scenario(_) | SweepError::Plan(_))) => {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

pub fn sweep(args: &SweepArgs) -> u8 {
    let sets: Result<Vec<_>, _> = args
        .sets
        .iter()
        .map(|s| crate::sweep::parse_set(s))
        .collect();
    let sets = match sets {
        Ok(sets) => sets,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
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
    let result = crate::sweep::plan(&args.file, &sets, args.reps, args.seed).and_then(|plan| {
        let opts = crate::sweep::Options {
            resume: args.resume,
            shard,
            quiet: args.quiet,
        };
        crate::sweep::execute(&plan, &args.out, &opts)
    });
    report_sweep(
        result,
        args.quiet,
        args.report.then_some(args.file.as_path()),
    )
}

pub fn merge(args: &MergeArgs) -> u8 {
    report_sweep(crate::sweep::merge(&args.dirs, &args.out), false, None)
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
                let c = if e.is_bad_input() {
                    EXIT_BAD_INPUT
                } else {
                    EXIT_FAILED
                };
                code = code.max(c);
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
