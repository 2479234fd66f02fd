//! The journal of finished runs: one JSON line per run, appended and flushed as
//! each run ends, so that an interrupted sweep keeps what it finished. A first
//! line names the plan; a torn last line (killed mid-write) is ignored.

use super::SweepError;
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

/// Reads a journal's records; None if there is no journal. A journal of another
/// plan is an error.
pub fn read(path: &Path, plan_hash: &str) -> Result<Option<Vec<Record>>, SweepError> {
    let Ok(f) = std::fs::File::open(path) else {
        return Ok(None);
    };
    let mut lines = std::io::BufReader::new(f).lines();
    let header: Option<Header> = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str(&l).ok());
    match header {
        Some(h) if h.plan == plan_hash => {}
        Some(_) => {
            return Err(SweepError::OtherPlan {
                journal: path.to_path_buf(),
            });
        }
        None => return Ok(Some(vec![])),
    }
    Ok(Some(
        lines
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str(&l).ok())
            .collect(),
    ))
}

fn ends_with_newline(path: &Path) -> bool {
    std::fs::read(path).map_or(true, |b| b.last().is_none_or(|&c| c == b'\n'))
}

pub struct Writer {
    file: std::fs::File,
}

impl Writer {
    /// Opens the journal for appending; a fresh one (or `fresh`) starts with the header.
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
