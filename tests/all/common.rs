//! Shared helpers for the integration tests: run a scenario text or file, run
//! independent replications, and build Student-t confidence intervals.
#![allow(dead_code)]

use flowsim::{RunOutput, ScenarioError, Summary, load_file, load_str, run};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::path::Path;
use std::process::{Command, Output};

/// Runs the flowsim binary with `args` in `dir`.
pub fn flowsim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

pub fn run_text(src: &str) -> RunOutput {
    let s = load_str("test.toml", src).unwrap_or_else(|e| panic!("{e}"));
    run(&s, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The validation problems of a scenario text that must be refused, one per
/// line, as the CLI would show them.
pub fn problems(src: &str) -> String {
    match load_str("v.toml", src) {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(ScenarioError::Invalid(ds)) => ds
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => panic!("{e}"),
    }
}

/// Runs a file of `scenarios/`, with edits applied to its text first.
pub fn run_scenario(name: &str, edits: &[(&str, &str)]) -> RunOutput {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let mut src =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (from, to) in edits {
        assert!(src.contains(from), "{name} has no `{from}` to edit");
        src = src.replacen(from, to, 1);
    }
    let s = load_str(name, &src).unwrap_or_else(|e| panic!("{e}"));
    run(&s, name).unwrap_or_else(|e| panic!("{e}"))
}

pub fn load_scenario_file(name: &str) -> flowsim::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// A mean with the half-width of its 95% confidence interval.
#[derive(Debug, Clone, Copy)]
pub struct Ci {
    pub mean: f64,
    pub half: f64,
}

impl Ci {
    pub fn from(xs: &[f64]) -> Ci {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let t = StudentsT::new(0.0, 1.0, n - 1.0)
            .unwrap()
            .inverse_cdf(0.975);
        Ci {
            mean,
            half: t * (var / n).sqrt(),
        }
    }
    pub fn contains(&self, x: f64) -> bool {
        (self.mean - x).abs() <= self.half
    }
}

/// Runs `reps` independent replications of `template` (which must contain
/// `replication = REP`) and returns `metric` of each, in replication order.
pub fn replicate(template: &str, reps: u64, metric: impl Fn(&Summary) -> f64 + Sync) -> Vec<f64> {
    (0..reps)
        .into_par_iter()
        .map(|r| {
            let src = template.replace("REP", &r.to_string());
            metric(&run_text(&src).summary)
        })
        .collect()
}

/// Erlang C: probability of waiting in M/M/c with offered load a = λ/μ.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// Erlang B by its stable recursion.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (k as f64 + a * b))
}

/// Theory inside the 95 % interval, and the interval narrow enough to mean it.
pub fn check(name: &str, ci: Ci, theory: f64) {
    eprintln!(
        "{name}: simulated {:.4} ± {:.4}, theory {theory:.4}",
        ci.mean, ci.half
    );
    assert!(
        ci.contains(theory),
        "{name}: theory {theory} outside {ci:?}"
    );
    // A CI so wide that it would contain anything proves nothing.
    assert!(ci.half < 0.05 * theory, "{name}: CI too wide: {ci:?}");
}

/// A sweep journal's lines, as far as they decode: the gzip stream flowsim
/// writes (`runs.jsonl.gz`, read up to a torn end) or a plain file of JSON
/// lines (the older format, still read by `--resume` and `merge`).
pub fn journal_lines(path: &Path) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Box<dyn Iterator<Item = std::io::Result<String>>> =
        if bytes.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(&bytes[..])).lines())
        } else {
            Box::new(BufReader::new(&bytes[..]).lines())
        };
    lines.map_while(Result::ok).collect()
}
