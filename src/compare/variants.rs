//! The variants of a comparison: a scenario file is run (once, or once per
//! replication on common random numbers), an output folder is read.

use super::error::CompareError;
use super::headline::Headline;
use crate::scenario::limits::MemoryBudget;
use rayon::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the user gave.
#[derive(Clone, Debug)]
pub enum Input {
    Scenario(PathBuf),
    Folder(PathBuf),
}

impl Input {
    pub fn parse(p: &Path) -> Result<Input, CompareError> {
        if p.is_dir() {
            Ok(Input::Folder(p.to_path_buf()))
        } else if p.is_file() {
            Ok(Input::Scenario(p.to_path_buf()))
        } else {
            Err(CompareError::Missing {
                path: p.to_path_buf(),
            })
        }
    }
    pub fn path(&self) -> &Path {
        match self {
            Input::Scenario(p) | Input::Folder(p) => p,
        }
    }
    /// The variant's name: the file's stem or the folder's name.
    pub fn stem(&self) -> String {
        let p = self.path();
        match self {
            Input::Scenario(_) => p.file_stem(),
            Input::Folder(_) => p.file_name(),
        }
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
    }
}

/// One column of the comparison.
#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    /// The file or folder as given.
    pub source: String,
    /// The run's output folder (replication 0): its charts and time series.
    pub folder: PathBuf,
    pub title: String,
    pub seed: u64,
    /// The headline of each replication, in order; one without `--reps`.
    pub reps: Vec<Headline>,
    /// Queues and consumers by name: what makes two variants one family.
    pub components: Vec<String>,
}

impl Variant {
    /// The number shown in the table: replication 0's, or the mean over
    /// replications with a value.
    pub fn value(&self, i: usize) -> f64 {
        let xs: Vec<f64> = self
            .reps
            .iter()
            .map(|h| h.values[i])
            .filter(|x| x.is_finite())
            .collect();
        if xs.is_empty() {
            f64::NAN
        } else {
            xs.iter().sum::<f64>() / xs.len() as f64
        }
    }

    /// The verdict: the state, or with replications how many had each state.
    pub fn verdict(&self) -> String {
        if self.reps.len() == 1 {
            return self.reps[0].verdict.clone();
        }
        let mut out = vec![];
        for state in ["stable", "degraded", "collapsed"] {
            let n = self.reps.iter().filter(|h| h.verdict == state).count();
            if n > 0 {
                out.push(format!("{state} {n}/{}", self.reps.len()));
            }
        }
        out.join(", ")
    }

    /// The harms the verdict names: its reasons, or with replications each
    /// reason with how many replications had it; "none" for none.
    pub fn reasons(&self) -> String {
        let mut seen: Vec<(&str, usize)> = vec![];
        for h in &self.reps {
            for r in &h.reasons {
                match seen.iter_mut().find(|(name, _)| name == r) {
                    Some((_, n)) => *n += 1,
                    None => seen.push((r, 1)),
                }
            }
        }
        if seen.is_empty() {
            return "none".into();
        }
        let n = self.reps.len();
        seen.iter()
            .map(|&(r, k)| {
                if n == 1 {
                    r.to_string()
                } else {
                    format!("{r} {k}/{n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(super) fn read_summary(dir: &Path) -> Result<Value, CompareError> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|source| CompareError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| CompareError::Malformed {
        path,
        problem: e.to_string(),
    })
}

fn headline(v: &Value, path: &Path) -> Result<Headline, CompareError> {
    Headline::of(v).ok_or_else(|| CompareError::Malformed {
        path: path.join("summary.json"),
        problem: "no verdict.state".into(),
    })
}

fn components(v: &Value) -> Vec<String> {
    let mut out = vec![];
    for (key, what) in [
        ("queues", "queue"),
        ("topics", "topic"),
        ("consumers", "consumer"),
    ] {
        for c in v
            .get(key)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
        {
            if let Some(n) = c.get("name").and_then(Value::as_str) {
                out.push(format!("{what} {n}"));
            }
        }
    }
    out.sort();
    out
}

/// A finished run: variant, replication, summary, and its folder if written.
type Job = (usize, u32, Value, Option<PathBuf>);

/// How the scenario files run.
pub struct Plan<'a> {
    /// Where each scenario's run folder goes (DIR/<stem>/).
    pub out: &'a Path,
    pub seed: Option<u64>,
    pub reps: Option<u32>,
    pub budget: &'a MemoryBudget,
}

/// Loads every input into a variant, in order: runs the scenario files (in
/// parallel), reads the folders; then checks they are one family.
pub fn load(inputs: &[Input], plan: &Plan) -> Result<Vec<Variant>, CompareError> {
    if inputs.len() < 2 {
        return Err(CompareError::TooFew(inputs.len()));
    }
    let mut names: Vec<String> = vec![];
    for i in inputs {
        let n = i.stem();
        if names.contains(&n) {
            return Err(CompareError::SameName(n));
        }
        names.push(n);
    }
    if plan.reps.is_some()
        && let Some(Input::Folder(p)) = inputs.iter().find(|i| matches!(i, Input::Folder(_)))
    {
        return Err(CompareError::RepsOnFolder { path: p.clone() });
    }
    // Scenarios first, all checked before any runs.
    let mut scenarios = vec![];
    for i in inputs {
        if let Input::Scenario(p) = i {
            let checked = crate::scenario::check_file_within(p, plan.budget).map_err(|e| {
                CompareError::Scenario {
                    path: p.clone(),
                    problem: match e {
                        crate::scenario::ScenarioError::Invalid(ds) => ds
                            .iter()
                            .map(|d| d.to_string())
                            .collect::<Vec<_>>()
                            .join("\n"),
                        other => other.to_string(),
                    },
                }
            })?;
            scenarios.push(Some(checked.scenario));
        } else {
            scenarios.push(None);
        }
    }
    // Common random numbers: with replications every variant takes the
    // first scenario's seed (or --seed) and replication r of every variant
    // the same replication index.
    let first = scenarios
        .iter()
        .flatten()
        .next()
        .map(|s| (s.run.seed, s.run.replication));
    for s in scenarios.iter_mut().flatten() {
        if let Some(seed) = plan.seed {
            s.run.seed = seed;
        }
        if plan.reps.is_some()
            && let Some((seed, rep)) = first
        {
            s.run.seed = plan.seed.unwrap_or(seed);
            s.run.replication = rep;
        }
    }
    let reps = plan.reps.unwrap_or(1).max(1);
    // Replication 0 of each scenario writes a run folder (for the charts);
    // the others run in memory.
    let jobs: Vec<(usize, u32)> = (0..inputs.len())
        .filter(|&i| scenarios[i].is_some())
        .flat_map(|i| (0..reps).map(move |r| (i, r)))
        .collect();
    let results: Vec<Result<Job, CompareError>> =
        jobs.par_iter()
            .map(|&(i, r)| {
                let mut s = scenarios[i].clone().expect("a scenario job");
                let label = inputs[i].path().display().to_string();
                s.run.replication += r as u64;
                if r == 0 {
                    let (_, folder) = crate::export::run_into(plan.out, &names[i], &s, &label)
                        .map_err(|e| CompareError::Run {
                            label: label.clone(),
                            source: Box::new(e),
                        })?;
                    let v = read_summary(&folder)?;
                    Ok((i, r, v, Some(folder)))
                } else {
                    let summary = crate::run::run_summary(&s, &label, &Default::default())
                        .map_err(|e| CompareError::Run {
                            label: label.clone(),
                            source: Box::new(e),
                        })?;
                    let v = serde_json::to_value(&summary).map_err(|e| CompareError::Run {
                        label,
                        source: Box::new(e),
                    })?;
                    Ok((i, r, v, None))
                }
            })
            .collect();
    let mut runs: Vec<Vec<(u32, Value)>> = vec![vec![]; inputs.len()];
    let mut folders: Vec<Option<PathBuf>> = vec![None; inputs.len()];
    for res in results {
        let (i, r, v, folder) = res?;
        runs[i].push((r, v));
        if folder.is_some() {
            folders[i] = folder;
        }
    }
    let mut variants = vec![];
    for (i, input) in inputs.iter().enumerate() {
        if let Input::Folder(p) = input {
            match crate::report::kind_of(p)? {
                crate::report::Kind::Sweep => {
                    return Err(CompareError::Sweep { path: p.clone() });
                }
                crate::report::Kind::Run => {}
            }
            runs[i].push((0, read_summary(p)?));
            folders[i] = Some(p.clone());
        }
        runs[i].sort_by_key(|(r, _)| *r);
        let folder = folders[i].clone().unwrap_or_default();
        let v0 = &runs[i][0].1;
        let mut hs = vec![];
        for (_, v) in &runs[i] {
            hs.push(headline(v, &folder)?);
        }
        variants.push(Variant {
            name: names[i].clone(),
            source: input.path().display().to_string(),
            title: v0
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or(&names[i])
                .to_string(),
            seed: v0.get("seed").and_then(Value::as_u64).unwrap_or(0),
            components: components(v0),
            reps: hs,
            folder,
        });
    }
    for v in &variants[1..] {
        if v.components != variants[0].components {
            let show = |c: &[String]| {
                if c.is_empty() {
                    "no queues or consumers".to_string()
                } else {
                    c.join(", ")
                }
            };
            return Err(CompareError::Family {
                a: variants[0].source.clone(),
                b: v.source.clone(),
                has_a: show(&variants[0].components),
                has_b: show(&v.components),
            });
        }
    }
    Ok(variants)
}
