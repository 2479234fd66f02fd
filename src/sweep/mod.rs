//! Parameter sweeps for capacity planning: any scenario key, over a list or a
//! range, several keys as a grid, replications per point on distinct seeds.
//! Every point is built and validated before anything runs; runs go in parallel
//! and are appended to a journal as they finish, so an interrupted sweep keeps
//! them and `--resume` runs only the rest; `--shard I/N` runs a deterministic
//! part and `merge` assembles the parts. Reports come only from the complete,
//! ordered set of runs, so they are byte-identical however the runs were made.

pub mod best_line;
mod error;
mod guard;
pub(crate) mod journal;
mod metrics;
mod path;
pub mod report;
mod runner;
pub mod values;
mod what_if;

pub use error::{PlanError, SweepError};
pub use path::KeyPathError;
pub use report::{Stat, Table};
pub use runner::{Options, Outcome, RunFailure, execute, merge};
pub use values::{SetError, ValuesError, parse_set};
pub use what_if::{WhatIf, what_if};

use crate::scenario::diagnostics::echo;
use crate::scenario::limits::{self, MemoryBudget};
use crate::scenario::{Goal, Objective, Scenario, SweepParam, load_str};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Param {
    pub path: String,
    pub values: Vec<toml::Value>,
}

/// What defines a sweep's results: enough to write its reports (also after a
/// merge of shards run elsewhere). Saved as plan.json.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanInfo {
    pub scenario: String,
    pub stem: String,
    pub seed: u64,
    pub base_replication: u64,
    pub reps: u32,
    pub params: Vec<Param>,
    pub metrics: Vec<String>,
    pub objective: Objective,
    /// Hash of the scenario and the sweep: shards of different sweeps never mix.
    pub hash: String,
}

impl PlanInfo {
    pub fn points(&self) -> usize {
        self.params.iter().map(|p| p.values.len()).product()
    }
    pub fn runs(&self) -> usize {
        self.points() * self.reps as usize
    }
    /// Whether a plan read from a file (a shard's plan.json) is one a sweep
    /// could have made: its stem names a folder, every key has values, and its
    /// size is within the budget. Says what is wrong.
    pub fn check(&self) -> Result<(), PlanProblem> {
        check_stem(&self.stem).map_err(|why| PlanProblem::Stem {
            stem: self.stem.clone(),
            why,
        })?;
        if self.params.is_empty() {
            return Err(PlanProblem::NoKeys);
        }
        if let Some(p) = self.params.iter().find(|p| p.values.is_empty()) {
            return Err(PlanProblem::NoValues {
                key: p.path.clone(),
            });
        }
        if self.reps == 0 {
            return Err(PlanProblem::NoReplications);
        }
        let points = self
            .params
            .iter()
            .try_fold(1u64, |a, p| a.checked_mul(p.values.len() as u64));
        let runs = points.and_then(|n| n.checked_mul(u64::from(self.reps)));
        match (points, runs) {
            (Some(p), Some(r)) if p <= MAX_POINTS && r <= MAX_RUNS => Ok(()),
            _ => Err(PlanProblem::TooLarge),
        }
    }

    /// The value index of each key at a point; the last key varies fastest.
    pub fn coords(&self, point: usize) -> Vec<usize> {
        let mut rest = point;
        let mut c = vec![0; self.params.len()];
        for (i, p) in self.params.iter().enumerate().rev() {
            c[i] = rest % p.values.len();
            rest /= p.values.len();
        }
        c
    }
}

/// What is wrong with a plan read from a file (a shard's plan.json).
#[derive(Debug, thiserror::Error)]
pub enum PlanProblem {
    #[error("stem `{stem}`: {why}")]
    Stem { stem: String, why: &'static str },
    #[error("no swept keys")]
    NoKeys,
    #[error("`{key}` has no values")]
    NoValues { key: String },
    #[error("0 replications")]
    NoReplications,
    #[error("more than {MAX_POINTS} points or {MAX_RUNS} runs")]
    TooLarge,
}

/// A sweep ready to run: its plan and one validated scenario per point.
pub struct Plan {
    pub info: PlanInfo,
    pub scenarios: Vec<Scenario>,
}

/// The most runs (points × replications) one sweep may plan: its journal,
/// its tables and the bookkeeping of its runs grow with it. Checked before
/// anything of the plan is built.
pub const MAX_RUNS: u64 = 1_000_000;
/// The most points: each holds its own validated scenario while the sweep runs.
pub const MAX_POINTS: u64 = 100_000;

pub const DEFAULT_METRICS: [&str; 4] = [
    "latency.end_to_end.p99_s",
    "latency.queue_wait.mean_s",
    "goodput_per_s",
    "verdict.collapsed",
];

/// Builds the plan of `file`'s `[sweep]` table with `sets` (`--set`) overriding
/// keys of the same path and adding others.
pub fn plan(
    file: &Path,
    sets: &[SweepParam],
    reps: Option<u32>,
    seed: Option<u64>,
    budget: &MemoryBudget,
) -> Result<Plan, SweepError> {
    let label = file.display().to_string();
    let (_, src) = crate::scenario::read(file).map_err(|e| match e {
        crate::scenario::ScenarioError::Io { source, .. } => SweepError::Read {
            path: file.to_path_buf(),
            source,
        },
        e => e.into(),
    })?;
    let base = load_str(&label, &src)?;
    let mut doc: toml::Table = src.parse().map_err(|e| PlanError::Toml {
        scenario: label.clone(),
        source: Box::new(e),
    })?;
    doc.remove("sweep");
    let cfg = base.sweep.clone().unwrap_or(crate::scenario::SweepConfig {
        reps: 5,
        params: vec![],
        metrics: vec![],
        objective: None,
    });
    let mut specs = cfg.params.clone();
    for s in sets {
        match specs.iter_mut().find(|p| p.path == s.path) {
            Some(p) => *p = s.clone(),
            None => specs.push(s.clone()),
        }
    }
    if specs.is_empty() {
        return Err(PlanError::NothingToSweep { scenario: label }.into());
    }
    let reps = reps.unwrap_or(cfg.reps);
    if reps == 0 {
        return Err(PlanError::NoReplications { scenario: label }.into());
    }
    check_size(&label, &specs, reps)?;
    let params = specs
        .iter()
        .map(|p| {
            Ok(Param {
                path: p.path.clone(),
                values: values::values_of(p).map_err(|source| PlanError::Values {
                    scenario: label.clone(),
                    source,
                })?,
            })
        })
        .collect::<Result<Vec<_>, PlanError>>()?;
    let seed = seed.unwrap_or(base.run.seed);
    let metrics = if cfg.metrics.is_empty() {
        DEFAULT_METRICS.iter().map(|m| m.to_string()).collect()
    } else {
        cfg.metrics.clone()
    };
    let objective = cfg.objective.clone().unwrap_or(Objective {
        metric: DEFAULT_METRICS[0].into(),
        goal: Goal::Min,
    });
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    if let Err(why) = check_stem(&stem) {
        return Err(PlanError::BadStem {
            scenario: label,
            stem,
            why,
        }
        .into());
    }
    let hash = format!(
        "{:016x}",
        fnv(&format!(
            "{}\n{}\n{seed}\n{reps}\n{}",
            toml::to_string(&doc).unwrap_or_default(),
            serde_json::to_string(&params).unwrap_or_default(),
            base.run.replication
        ))
    );
    let mut info = PlanInfo {
        scenario: label.clone(),
        stem,
        seed,
        base_replication: base.run.replication,
        reps,
        params,
        metrics,
        objective,
        hash,
    };
    let scenarios = (0..info.points())
        .map(|p| point_scenario(&info, &doc, p, budget))
        .collect::<Result<Vec<_>, _>>()?;
    metrics::check_names(&mut info, &scenarios[0])?;
    Ok(Plan { info, scenarios })
}

/// Refuses a plan over the budget before any of it is listed: the product of
/// the keys' value counts and the replications, in u64 without overflow.
fn check_size(label: &str, specs: &[SweepParam], reps: u32) -> Result<(), PlanError> {
    let mut counts = vec![];
    for p in specs {
        let n = values::count_of(p).map_err(|source| PlanError::Values {
            scenario: label.to_string(),
            source,
        })?;
        counts.push((p.path.clone(), n));
    }
    let points = counts.iter().fold(1u64, |a, (_, n)| a.saturating_mul(*n));
    let runs = points.saturating_mul(u64::from(reps));
    if points > MAX_POINTS || runs > MAX_RUNS {
        return Err(PlanError::TooBig {
            scenario: label.to_string(),
            counts,
            points,
            reps,
            runs,
        });
    }
    Ok(())
}

/// Why a file stem cannot name an output folder, if it cannot: the folder
/// must be a plain, visible name inside `--out` (`..toml` has the stem `.`,
/// which would write into `--out` itself; a hidden name could be taken for
/// a leftover working folder and collected).
pub fn check_stem(stem: &str) -> Result<(), &'static str> {
    if stem.is_empty() || stem == "." || stem == ".." {
        Err("it names no folder of its own")
    } else if stem.contains(['/', '\\', '\0']) {
        Err("it contains a path separator")
    } else if stem.starts_with('.') {
        Err("it starts with `.`: the output folder would be hidden")
    } else {
        Ok(())
    }
}

fn point_scenario(
    info: &PlanInfo,
    doc: &toml::Table,
    point: usize,
    budget: &MemoryBudget,
) -> Result<Scenario, PlanError> {
    let mut d = doc.clone();
    let coords = info.coords(point);
    let mut at = vec![];
    for (p, &c) in info.params.iter().zip(&coords) {
        let v = p.values[c].clone();
        at.push(format!("{} = {}", echo(&p.path), echo(&values::show(&v))));
        path::set(&mut d, &p.path, v).map_err(|source| PlanError::KeyPath {
            scenario: info.scenario.clone(),
            source,
        })?;
    }
    let mut s = validated(info, &d, &at.join(", "), budget)?;
    s.run.seed = info.seed;
    s.sweep = None;
    Ok(s)
}

/// The scenario of a document with `at`'s values set in it, validated and
/// within the memory budget.
fn validated(
    info: &PlanInfo,
    d: &toml::Table,
    at: &str,
    budget: &MemoryBudget,
) -> Result<Scenario, PlanError> {
    let s: Scenario = match toml::Value::Table(d.clone()).try_into() {
        Ok(s) => s,
        Err(e) => return Err(point_type(info, d, at.to_string(), e)),
    };
    // `samples_csv` paths start at the scenario file's directory.
    let base = std::path::Path::new(&info.scenario)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let problems = crate::scenario::check_in(&s, base);
    // A point must fit the memory budget as a run must (a swept
    // `workers = 4294967295` would otherwise abort the sweep on allocation).
    let too_big = limits::memory::check(&limits::estimate(&s), budget);
    if let Some(p) = problems.first().or(too_big.as_ref()) {
        return Err(PlanError::PointInvalid {
            scenario: info.scenario.clone(),
            at: at.to_string(),
            problem: p.describe(),
        });
    }
    Ok(s)
}

/// A point whose document does not deserialise: the scenario loader's own
/// diagnostic of it says which key, what was expected and, for a misspelt
/// key, the did-you-mean; `key` is the swept path at fault when one is.
fn point_type(info: &PlanInfo, doc: &toml::Table, at: String, e: toml::de::Error) -> PlanError {
    let text = toml::to_string(doc).unwrap_or_default();
    let diagnostic = match load_str(&info.scenario, &text) {
        Err(crate::ScenarioError::Invalid(ds)) => ds.into_iter().next(),
        _ => None,
    };
    let (message, key, word) = match &diagnostic {
        Some(d) => {
            let mut m = d.message.clone();
            if let Some(x) = d.expected.as_ref().filter(|x| !m.contains(x.as_str())) {
                m.push_str(&format!(" (expected {x})"));
            }
            if let Some(h) = &d.hint {
                m.push_str(&format!("; {h}"));
            }
            let path = d.path.as_ref().map(ToString::to_string);
            let key = path.as_ref().and_then(|p| {
                info.params
                    .iter()
                    .find(|sp| sp.path == *p || p.starts_with(&format!("{}.", sp.path)))
                    .map(|sp| sp.path.clone())
            });
            // A key that is not one: point at it; else at the values.
            let word = if d.message.contains("unknown") {
                d.path
                    .as_ref()
                    .and_then(|p| p.last_key().map(str::to_string))
            } else {
                Some(String::new())
            };
            (m, key, word)
        }
        None => (e.message().to_string(), None, None),
    };
    let key = key.or_else(|| (info.params.len() == 1).then(|| info.params[0].path.clone()));
    PlanError::PointType {
        scenario: info.scenario.clone(),
        at,
        message,
        key,
        word,
    }
}

/// FNV-1a: a stable 64-bit hash for plan identity.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The scenario of the document `doc` (of the file `label`) with each key
/// path of `sets` set to its value: the sweep's key paths, checks and
/// errors, for `flowsim plan`'s points.
pub fn scenario_with(
    label: &str,
    doc: &toml::Table,
    sets: &[(String, toml::Value)],
    budget: &MemoryBudget,
) -> Result<Scenario, PlanError> {
    let mut d = doc.clone();
    let mut at = vec![];
    for (p, v) in sets {
        at.push(format!("{} = {}", echo(p), echo(&values::show(v))));
        path::set(&mut d, p, v.clone()).map_err(|source| PlanError::KeyPath {
            scenario: label.to_string(),
            source,
        })?;
    }
    let info = PlanInfo {
        scenario: label.to_string(),
        stem: String::new(),
        seed: 0,
        base_replication: 0,
        reps: 1,
        params: sets
            .iter()
            .map(|(p, v)| Param {
                path: p.clone(),
                values: vec![v.clone()],
            })
            .collect(),
        metrics: vec![],
        objective: Objective {
            metric: DEFAULT_METRICS[0].into(),
            goal: Goal::Min,
        },
        hash: String::new(),
    };
    validated(&info, &d, &at.join(", "), budget)
}
