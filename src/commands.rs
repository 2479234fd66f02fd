//! What each subcommand does, with errors rendered for people.

use crate::cli::{CheckArgs, RunArgs};
use crate::export::{table, write_run};
use crate::scenario::{Scenario, ScenarioError, load_file};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_FAILED: u8 = 1;

/// Loads every file; prints every problem found, not just the first.
fn load_all(files: &[PathBuf]) -> Option<Vec<(PathBuf, Scenario)>> {
    let mut ok = vec![];
    let mut bad = false;
    for f in files {
        match load_file(f) {
            Ok(s) => ok.push((f.clone(), s)),
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

pub fn check(args: &CheckArgs) -> u8 {
    match load_all(&args.files) {
        Some(ok) => {
            for (f, _) in ok {
                println!("{}: ok", f.display());
            }
            0
        }
        None => EXIT_BAD_INPUT,
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into())
}

pub fn run(args: &RunArgs) -> u8 {
    let Some(mut loaded) = load_all(&args.files) else {
        return EXIT_BAD_INPUT;
    };
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
    let results: Vec<Result<String, String>> = loaded
        .par_iter()
        .map(|(f, s)| {
            let label = f.display().to_string();
            let out = crate::run(s, &label).map_err(|e| format!("{label}: {e}"))?;
            let dir = write_run(&args.out, &stem(f), &out).map_err(|e| format!("{label}: {e}"))?;
            Ok(table::render(
                &out.summary,
                Some(&dir.display().to_string()),
            ))
        })
        .collect();
    let mut code = 0;
    for r in results {
        match r {
            Ok(t) if !args.quiet => println!("{t}"),
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_FAILED;
            }
        }
    }
    code
}
