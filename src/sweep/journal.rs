//! The journal of finished runs: one JSON line per run, appended and flushed as
//! each run ends, so that an interrupted sweep keeps what it finished. A first
//! line names the plan; a torn last line (killed mid-write) is ignored.

use super::{PlanInfo, SweepError};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::Path;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub run: usize,
    pub point: usize,
    pub rep: u32,
    pub seed: u64,
    pub replication: u64,
    pub metrics: Vec<(String, Option<f64>)>,
    /// Words rather than numbers (`verdict.state`, `verdict.reason`); absent
    /// from journals written before they were recorded.
    #[serde(default)]
    pub labels: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    plan: String,
}

/// A journal as read back: the records that fit the plan, and whether its
/// first line names the plan (without that, nothing in it can be trusted and
/// it is started anew).
pub struct Journal {
    pub records: Vec<Record>,
    pub has_header: bool,
    /// Lines that are not a record of this plan (torn, damaged, or naming a
    /// run, point or seed the plan does not have): ignored, their runs run again.
    pub ignored: usize,
}

/// Whether a record is one of the plan's runs as the plan would make it: no
/// index read from a file is used before this says yes.
pub fn fits(info: &PlanInfo, r: &Record) -> bool {
    let reps = info.reps as usize;
    reps > 0
        && r.run < info.runs()
        && r.point == r.run / reps
        && r.rep as usize == r.run % reps
        && r.seed == info.seed
        && Some(r.replication) == info.base_replication.checked_add(u64::from(r.rep))
}

/// Reads a journal; None if there is no journal. A journal of another plan is
/// an error; one without a readable header holds no records.
pub fn read(path: &Path, info: &PlanInfo) -> Result<Option<Journal>, SweepError> {
    let Ok(f) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let mut lines = std::io::BufReader::new(f).lines();
    let header: Option<Header> = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str(&l).ok());
    match header {
        Some(h) if h.plan == info.hash => {}
        Some(_) => {
            return Err(SweepError::OtherPlan {
                journal: path.to_path_buf(),
            });
        }
        None => {
            return Ok(Some(Journal {
                records: vec![],
                has_header: false,
                ignored: 0,
            }));
        }
    }
    let mut records = vec![];
    let mut ignored = 0;
    for line in lines {
        let Ok(line) = line else {
            // Not UTF-8: damaged past here.
            ignored += 1;
            break;
        };
        match serde_json::from_str::<Record>(&line) {
            Ok(r) if fits(info, &r) => records.push(r),
            _ if line.trim().is_empty() => {}
            _ => ignored += 1,
        }
    }
    Ok(Some(Journal {
        records,
        has_header: true,
        ignored,
    }))
}

fn ends_with_newline(path: &Path) -> bool {
    std::fs::read(path).map_or(true, |b| b.last().is_none_or(|&c| c == b'\n'))
}

pub struct Writer {
    file: std::fs::File,
}

impl Writer {
    /// Opens the journal for appending; a fresh one (or `fresh`: a new sweep,
    /// or a journal without a readable header) starts anew with the header.
    pub fn open(path: &Path, plan_hash: &str, fresh: bool) -> Result<Writer, SweepError> {
        let exists = path.exists() && !fresh;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(exists)
            .write(true)
            .truncate(!exists)
            .open(path)
            .map_err(SweepError::io(path))?;
        // A torn last line (killed mid-write) must not swallow the next record.
        if exists && !ends_with_newline(path) {
            writeln!(file).map_err(SweepError::io(path))?;
        }
        if !exists {
            let h = serde_json::to_string(&Header {
                plan: plan_hash.into(),
            })
            .expect("plain data");
            writeln!(file, "{h}").map_err(SweepError::io(path))?;
        }
        Ok(Writer { file })
    }

    pub fn append(&mut self, r: &Record) -> std::io::Result<()> {
        let line = serde_json::to_string(r).expect("plain data");
        // One write per line: a kill leaves at most one torn line at the end.
        self.file.write_all(format!("{line}\n").as_bytes())?;
        self.file.flush()
    }
}
