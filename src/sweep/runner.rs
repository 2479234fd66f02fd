//! Running a sweep's runs on rayon, journaled as they finish, and turning a
//! complete set of runs — from one machine or merged shards — into reports.

use super::journal::{self, Record};
use super::{Plan, PlanInfo, SweepError, metrics, report};
use crate::RunError;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct Options {
    /// Keep the runs a previous, interrupted invocation finished.
    pub resume: bool,
    /// Run only the runs whose index is I modulo N.
    pub shard: Option<(u32, u32)>,
    pub quiet: bool,
}

pub enum Outcome {
    /// Every run done: the reports are in this folder.
    Complete { dir: PathBuf, summary: String },
    /// A shard's runs are done; `merge` assembles the reports.
    Shard { dir: PathBuf, runs: usize },
}

fn journal_name(shard: Option<(u32, u32)>) -> String {
    match shard {
        None => "runs.jsonl".into(),
        Some((i, n)) => format!("runs-shard-{i}-of-{n}.jsonl"),
    }
}

/// A run of a sweep that failed, or whose record could not be journaled.
#[derive(Debug, thiserror::Error)]
pub enum RunFailure {
    #[error("run {run} (point {point}, rep {rep}): {source}")]
    Run {
        run: usize,
        point: usize,
        rep: u32,
        #[source]
        source: RunError,
    },
    #[error("{journal}: {source}")]
    Journal {
        journal: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub fn execute(plan: &Plan, out: &Path, opts: &Options) -> Result<Outcome, SweepError> {
    let info = &plan.info;
    let dir = out.join(format!("{}-sweep", info.stem));
    std::fs::create_dir_all(&dir).map_err(SweepError::io(&dir))?;
    report::write_file(&dir.join("plan.json"), &report::plan_json(info))?;
    let jpath = dir.join(journal_name(opts.shard));
    let done: Vec<Record> = if opts.resume {
        journal::read(&jpath, &info.hash)?.unwrap_or_default()
    } else {
        vec![]
    };
    let mut is_done = vec![false; info.runs()];
    for r in &done {
        if let Some(d) = is_done.get_mut(r.run) {
            *d = true;
        }
    }
    let todo: Vec<usize> = (0..info.runs())
        .filter(|&i| opts.shard.is_none_or(|(k, n)| i % n as usize == k as usize))
        .filter(|&i| !is_done[i])
        .collect();
    let writer = Mutex::new(journal::Writer::open(&jpath, &info.hash, !opts.resume)?);
    let bar = progress(todo.len() as u64, opts.quiet);
    let failures: Vec<RunFailure> = todo
        .par_iter()
        .filter_map(|&i| {
            let result = run_one(plan, i).and_then(|rec| {
                writer
                    .lock()
                    .expect("no panics while holding the journal")
                    .append(&rec)
                    .map_err(|source| RunFailure::Journal {
                        journal: jpath.clone(),
                        source,
                    })
            });
            bar.inc(1);
            result.err()
        })
        .collect();
    bar.finish_and_clear();
    drop(writer);
    if !failures.is_empty() {
        return Err(SweepError::RunsFailed {
            failures,
            todo: todo.len(),
        });
    }
    if opts.shard.is_some() {
        let runs = journal::read(&jpath, &info.hash)?.map_or(0, |r| r.len());
        return Ok(Outcome::Shard { dir, runs });
    }
    let records = journal::read(&jpath, &info.hash)?.unwrap_or_default();
    let summary = report::write_all(info, records, &dir)?;
    std::fs::remove_file(&jpath).map_err(SweepError::io(&jpath))?;
    Ok(Outcome::Complete { dir, summary })
}

fn run_one(plan: &Plan, i: usize) -> Result<Record, RunFailure> {
    let info = &plan.info;
    let (point, rep) = (i / info.reps as usize, (i % info.reps as usize) as u32);
    let mut s = plan.scenarios[point].clone();
    // The same replication index gives every point the same streams (common
    // random numbers): differences between points are the parameters' doing.
    s.run.replication = info.base_replication + rep as u64;
    let summary =
        crate::run::run_summary(&s, &info.scenario).map_err(|source| RunFailure::Run {
            run: i,
            point,
            rep,
            source,
        })?;
    Ok(Record {
        run: i,
        point,
        rep,
        seed: s.run.seed,
        replication: s.run.replication,
        metrics: metrics::flatten(&summary),
        labels: metrics::labels(&summary),
    })
}

fn progress(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {pos}/{len} runs · {per_sec} · {eta} left",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Assembles shard folders (each with plan.json and its runs) into the reports
/// one machine would have written, in `out/<stem>-sweep/`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Outcome, SweepError> {
    let mut info: Option<PlanInfo> = None;
    let mut records: Vec<Record> = vec![];
    for d in dirs {
        let p = d.join("plan.json");
        let text = std::fs::read_to_string(&p).map_err(SweepError::io(&p))?;
        let this: PlanInfo =
            serde_json::from_str(&text).map_err(|source| SweepError::PlanFile {
                path: p.clone(),
                source,
            })?;
        if let Some(first) = &info
            && first.hash != this.hash
        {
            return Err(SweepError::OtherSweep {
                dir: d.clone(),
                first: dirs[0].clone(),
                plan: this.hash,
                first_plan: first.hash.clone(),
            });
        }
        for e in std::fs::read_dir(d).map_err(SweepError::io(d))?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("runs") && name.ends_with(".jsonl") {
                records.extend(journal::read(&e.path(), &this.hash)?.unwrap_or_default());
            }
        }
        info = Some(this);
    }
    let info = info.ok_or(SweepError::NothingToMerge)?;
    let dir = out.join(format!("{}-sweep", info.stem));
    std::fs::create_dir_all(&dir).map_err(SweepError::io(&dir))?;
    report::write_file(&dir.join("plan.json"), &report::plan_json(&info))?;
    let summary = report::write_all(&info, records, &dir)?;
    Ok(Outcome::Complete { dir, summary })
}
