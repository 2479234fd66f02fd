//! `flowsim plan FILE`: the cheapest configuration of the decision keys that
//! meets every `[slo]` at the planned load, with the stated confidence; the
//! runner-up, the next-cheaper configurations (which do not hold), and the
//! headroom: the largest load multiplier the choice still holds at. Writes
//! DIR/<stem>-plan/plan.json and plan.md, whole and deterministic.

mod decide;
mod error;
mod headroom;
pub mod keys;
mod load;
mod search;
mod sensitivity;
mod write;

pub use decide::{Decision, Evaluation, SloStat};
pub use error::PlannerError;
pub use headroom::Headroom;
pub use sensitivity::Swing;
pub use write::configuration as describe;

use crate::scenario::limits::MemoryBudget;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `flowsim plan` was asked.
pub struct Request<'a> {
    pub file: &'a Path,
    /// `--vary PATH=VALUES`, the sweep's syntax.
    pub varies: &'a [String],
    pub seed: Option<u64>,
    pub max_reps: Option<u32>,
    pub sensitivity: bool,
    pub budget: MemoryBudget,
    pub out: &'a Path,
    pub charts: crate::charts::ChartOptions,
}

/// A configuration one value lower on one key than the chosen one.
#[derive(Clone, Debug, Serialize)]
pub struct NextCheaper {
    pub key: String,
    pub evaluation: Evaluation,
}

/// Everything plan.json holds.
#[derive(Clone, Debug, Serialize)]
pub struct PlanReport {
    pub scenario: String,
    pub seed: u64,
    pub confidence: f64,
    pub min_reps: u32,
    pub max_reps: u32,
    pub keys: Vec<keys::Key>,
    /// The chosen configuration: the cheapest that holds (None: none did).
    pub chosen: Option<Evaluation>,
    pub runner_up: Option<Evaluation>,
    pub next_cheaper: Vec<NextCheaper>,
    pub headroom: Option<Headroom>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sensitivity: Vec<Swing>,
    /// Runs the search made (headroom and sensitivity apart)…
    pub search_runs: usize,
    pub headroom_runs: usize,
    pub sensitivity_runs: usize,
    /// …and what a grid of every configuration at `min_reps` would make.
    pub grid_points: u64,
    pub grid_runs: u64,
    /// Every configuration evaluated, in the order of their values.
    pub evaluations: Vec<Evaluation>,
}

pub struct Outcome {
    pub dir: PathBuf,
    pub report: PlanReport,
    pub markdown: String,
}

pub fn plan(req: &Request) -> Result<Outcome, PlannerError> {
    let label = req.file.display().to_string();
    let (_, src) = crate::scenario::read(req.file)?;
    let base = crate::scenario::load_str(&label, &src)?;
    if base.slo.is_empty() {
        return Err(PlannerError::NoSlo { file: label });
    }
    let cfg = base.plan.clone().unwrap_or_default();
    let keys = keys::keys(&label, base.plan.as_ref(), req.varies)?;
    let mut doc: toml::Table = src.parse().map_err(|e| crate::sweep::PlanError::Toml {
        scenario: label.clone(),
        source: Box::new(e),
    })?;
    doc.remove("sweep");
    doc.remove("plan");
    let max_reps = req.max_reps.unwrap_or(cfg.max_reps).max(cfg.min_reps);
    let settings = decide::Settings {
        confidence: cfg.confidence,
        min_reps: cfg.min_reps,
        max_reps,
        seed: req.seed.unwrap_or(base.run.seed),
        base_replication: base.run.replication,
    };
    let seed = settings.seed;
    let paths = keys.iter().map(|k| k.path.clone()).collect();
    let mut ev = decide::Evaluator::new(&label, &doc, paths, settings, &req.budget);
    let found = search::search(&mut ev, &keys)?;
    let search_runs = ev.runs;
    let chosen = found.holding.first().cloned();
    let runner_up = found.holding.get(1).cloned();
    let headroom = match &chosen {
        Some(c) => Some(headroom::headroom(&mut ev, &c.values, cfg.max_load_factor)?),
        None => None,
    };
    let headroom_runs = ev.runs - search_runs;
    let sensitivity = match (&chosen, req.sensitivity) {
        (Some(c), true) => sensitivity::swings(&mut ev, &keys, c, cfg.sensitivity_percent)?,
        _ => vec![],
    };
    let sensitivity_runs = ev.runs - search_runs - headroom_runs;
    let grid_points: u64 = keys.iter().map(|k| k.values.len() as u64).product();
    let mut evaluations: Vec<Evaluation> = ev.all().cloned().collect();
    evaluations.sort_by(|a, b| {
        a.load_factor.total_cmp(&b.load_factor).then_with(|| {
            a.values
                .iter()
                .zip(&b.values)
                .map(|(x, y)| {
                    keys::as_f64(x)
                        .unwrap_or(0.0)
                        .total_cmp(&keys::as_f64(y).unwrap_or(0.0))
                })
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    });
    let report = PlanReport {
        scenario: label,
        seed,
        confidence: cfg.confidence,
        min_reps: cfg.min_reps,
        max_reps,
        keys,
        chosen,
        runner_up,
        next_cheaper: found
            .next_cheaper
            .into_iter()
            .map(|(key, evaluation)| NextCheaper { key, evaluation })
            .collect(),
        headroom,
        sensitivity,
        search_runs,
        headroom_runs,
        sensitivity_runs,
        grid_points,
        grid_runs: grid_points * u64::from(cfg.min_reps),
        evaluations,
    };
    let stem = req
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let dir = req.out.join(format!("{stem}-plan"));
    let markdown = write::all(&dir, &report, req.charts)?;
    Ok(Outcome {
        dir,
        report,
        markdown,
    })
}
