//! Running a sweep's runs on rayon, journaled as they finish, and turning a
//! complete set of runs — from one machine or merged shards — into reports.

use super::journal::{self, Record};
use super::{Plan, PlanInfo, SweepError, metrics, report};
use crate::RunError;
use crate::out_dir::Lock;
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
    /// Wall-clock limit of each run (`sweep --max-wall`).
    pub max_wall: Option<std::time::Duration>,
    /// Which chart files to write, at what scale (`--charts`, `--scale`).
    pub charts: crate::charts::ChartOptions,
    /// Replace the results of a sweep of other keys or values in the folder.
    pub force: bool,
}

pub enum Outcome {
    /// Every run done: the reports are in this folder. `notes` say what of
    /// them could not be drawn as asked (a chart left out or simplified).
    Complete {
        dir: PathBuf,
        summary: String,
        notes: Vec<String>,
    },
    /// A shard's runs are done; `merge` assembles the reports.
    Shard { dir: PathBuf, runs: usize },
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

/// Takes the sweep's folder in `out` for this process: collects what killed
/// processes left in `out`, takes the lock (flock on the folder) that keeps
/// two sweeps (or merges) off one folder, and removes the temporary files a killed writer left in it.
fn take_folder(out: &Path, name: &str) -> Result<(PathBuf, Lock), SweepError> {
    std::fs::create_dir_all(out).map_err(SweepError::io(out))?;
    crate::out_dir::collect(out);
    let dir = out.join(name);
    std::fs::create_dir_all(&dir).map_err(SweepError::io(&dir))?;
    // The folder itself is the lock: no file of its own, and the lock goes
    // with the process however it ends.
    let lock = crate::out_dir::lock_dir(&dir)
        .map_err(SweepError::io(&dir))?
        .ok_or_else(|| SweepError::Busy { dir: dir.clone() })?;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with('.') && n.contains(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok((dir, lock))
}

pub fn execute(plan: &Plan, out: &Path, opts: &Options) -> Result<Outcome, SweepError> {
    let info = &plan.info;
    let name = format!("{}-sweep", info.stem);
    let (dir, _lock) = take_folder(out, &name)?;
    if !opts.force && !opts.resume {
        super::guard::other_sweep_in(&dir, info)?;
    }
    report::write_file(&dir.join("plan.json"), &report::plan_json(info))?;
    let jpath = dir.join(journal::file_name(opts.shard));
    // A journal of the older format, from a sweep interrupted before: read for
    // --resume, then replaced by the new one.
    let legacy = dir.join(journal::legacy_name(opts.shard));
    let journal = if opts.resume {
        match journal::read(&jpath, info)? {
            Some(j) => Some(j),
            None => journal::read(&legacy, info)?,
        }
    } else {
        None
    };
    let done: Vec<Record> = journal.map(|j| j.records).unwrap_or_default();
    let mut is_done = vec![false; info.runs()];
    for r in &done {
        // Records are checked against the plan when read: r.run < runs.
        if let Some(d) = is_done.get_mut(r.run) {
            *d = true;
        }
    }
    let todo: Vec<usize> = (0..info.runs())
        .filter(|&i| opts.shard.is_none_or(|(k, n)| i % n as usize == k as usize))
        .filter(|&i| !is_done[i])
        .collect();
    let writer = Mutex::new(journal::Writer::open(&jpath, &info.hash, &done)?);
    let _ = std::fs::remove_file(&legacy);
    let bar = progress(todo.len() as u64, opts.quiet);
    let failures: Vec<RunFailure> = todo
        .par_iter()
        .filter_map(|&i| {
            // Ctrl-C: the runs not started are left to --resume.
            if crate::interrupt::requested() {
                return None;
            }
            let result = run_one(plan, i, opts).and_then(|rec| {
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
            match result {
                Err(RunFailure::Run {
                    source: RunError::Interrupted,
                    ..
                }) => None,
                r => r.err(),
            }
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
    let records = journal::read(&jpath, info)?.map_or(vec![], |j| j.records);
    if crate::interrupt::requested() {
        let mine = |i: usize| opts.shard.is_none_or(|(k, n)| i % n as usize == k as usize);
        let mut have = vec![false; info.runs()];
        for r in &records {
            have[r.run] = true;
        }
        let runs = (0..info.runs()).filter(|&i| mine(i)).count();
        let done = (0..info.runs()).filter(|&i| mine(i) && have[i]).count();
        if done < runs {
            return Err(SweepError::Interrupted {
                journal: jpath,
                done,
                runs,
            });
        }
    }
    if opts.shard.is_some() {
        return Ok(Outcome::Shard {
            dir,
            runs: records.len(),
        });
    }
    let (summary, notes) = publish(info, records, out, &name, &dir, &opts.charts)?;
    Ok(Outcome::Complete {
        dir,
        summary,
        notes,
    })
}

/// Writes plan.json and the reports into a hidden working folder and swaps
/// it with `dir` in one step: the previous results (or the journal of the runs)
/// stay whole until the new reports are all written. Shard journals found in
/// `dir` are carried over (`merge` may still need them); the sweep's own
/// journal goes with the old folder.
fn publish(
    info: &PlanInfo,
    records: Vec<Record>,
    out: &Path,
    name: &str,
    dir: &Path,
    charts: &crate::charts::ChartOptions,
) -> Result<(String, Vec<String>), SweepError> {
    let staging = Staging::new(out, name)?;
    report::write_file(&staging.path.join("plan.json"), &report::plan_json(info))?;
    let (summary, notes) = report::write_all(info, records, &staging.path, dir, charts)?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("runs-shard-") && journal::is_journal(&n) {
                let to = staging.path.join(&n);
                std::fs::rename(e.path(), &to).map_err(SweepError::io(&to))?;
            }
        }
    }
    staging.commit(dir)?;
    Ok((summary, notes))
}

/// The hidden working folder of a sweep's reports, removed unless committed.
struct Staging {
    path: PathBuf,
    committed: bool,
    _lock: Option<Lock>,
}

impl Staging {
    fn new(out: &Path, name: &str) -> Result<Staging, SweepError> {
        let path = crate::out_dir::partial(out, name);
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(SweepError::io(&path))?;
        }
        std::fs::create_dir(&path).map_err(SweepError::io(&path))?;
        let lock = crate::out_dir::lock_dir(&path).map_err(SweepError::io(&path))?;
        Ok(Staging {
            path,
            committed: false,
            _lock: lock,
        })
    }

    fn commit(mut self, dir: &Path) -> Result<(), SweepError> {
        crate::out_dir::replace_dir(&self.path, dir).map_err(SweepError::io(dir))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn run_one(plan: &Plan, i: usize, opts: &Options) -> Result<Record, RunFailure> {
    let info = &plan.info;
    let (point, rep) = (i / info.reps as usize, (i % info.reps as usize) as u32);
    let mut s = plan.scenarios[point].clone();
    // The same replication index gives every point the same streams (common
    // random numbers): differences between points are the parameters' doing.
    s.run.replication = info.base_replication + rep as u64;
    let limits = crate::run::RunLimits {
        max_wall: opts.max_wall,
    };
    let summary =
        crate::run::run_summary(&s, &info.scenario, &limits).map_err(|source| RunFailure::Run {
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
/// one machine would have written, in `out/<stem>-sweep/`. Nothing read from
/// the folders is trusted: plan.json is checked (its stem names a folder
/// inside `out`, its sizes are within the budget) and every record against it.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Outcome, SweepError> {
    let mut info: Option<PlanInfo> = None;
    let mut records: Vec<Record> = vec![];
    let mut ignored = 0;
    for d in dirs {
        let p = d.join("plan.json");
        let text = std::fs::read_to_string(&p).map_err(SweepError::io(&p))?;
        let this: PlanInfo =
            serde_json::from_str(&text).map_err(|source| SweepError::PlanFile {
                path: p.clone(),
                source,
            })?;
        this.check().map_err(|why| SweepError::BadPlanFile {
            path: p.clone(),
            why,
        })?;
        if let Some(first) = &info
            && first != &this
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
            if journal::is_journal(&name)
                && let Some(j) = journal::read(&e.path(), &this)?
            {
                records.extend(j.records);
                ignored += j.ignored;
            }
        }
        info = Some(this);
    }
    let info = info.ok_or(SweepError::NothingToMerge)?;
    let name = format!("{}-sweep", info.stem);
    let target = out.join(&name);
    // The merged folder replaces its target whole: it must not be a shard's.
    if let Ok(t) = target.canonicalize()
        && dirs.iter().any(|d| d.canonicalize().is_ok_and(|d| d == t))
    {
        return Err(SweepError::MergeIntoShard { dir: target });
    }
    let (dir, _lock) = take_folder(out, &name)?;
    let (summary, mut notes) = publish(&info, records, out, &name, &dir, &Default::default())?;
    if ignored > 0 {
        notes.insert(
            0,
            format!("{ignored} journal lines that are not runs of this sweep were ignored"),
        );
    }
    Ok(Outcome::Complete {
        dir,
        summary,
        notes,
    })
}
