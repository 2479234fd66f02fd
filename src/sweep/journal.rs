//! The journal of finished runs, appended as each run ends, so that an
//! interrupted sweep keeps what it finished.
//!
//! It is a gzip stream of JSON lines (`runs.jsonl.gz`; `zcat` reads it): a
//! first line names the plan; a columns line gives the metric and label names
//! once; each run is then one line of values in that order, a few hundred
//! bytes compressed where a line with the names spelled out took about 5 KB
//! (a million-run sweep: a few hundred megabytes instead of five gigabytes).
//! After each line the stream is flushed with a sync flush, which ends the
//! compressed block on a byte boundary: everything written so far can be
//! decoded without the rest, so a killed sweep leaves a readable journal
//! whose torn last line is ignored. A new columns line comes whenever a run's
//! names differ from the last ones given.
//!
//! A journal in the older format (plain JSON lines, each run with its names)
//! is still read, for `--resume` and `merge` of sweeps written before.

use super::{PlanInfo, SweepError};
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// A finished run, as the reports use it.
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
#[serde(deny_unknown_fields)]
struct Header {
    plan: String,
}

/// The names of the values on the lines that follow.
#[derive(Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Columns {
    metrics: Vec<String>,
    labels: Vec<String>,
}

/// A run's line: its values in the order of the last columns line.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    run: usize,
    point: usize,
    rep: u32,
    seed: u64,
    replication: u64,
    values: Vec<Option<f64>>,
    words: Vec<String>,
}

/// The journal's file name in a sweep's folder.
pub fn file_name(shard: Option<(u32, u32)>) -> String {
    match shard {
        None => "runs.jsonl.gz".into(),
        Some((i, n)) => format!("runs-shard-{i}-of-{n}.jsonl.gz"),
    }
}

/// The name the same journal had in the older, uncompressed format.
pub fn legacy_name(shard: Option<(u32, u32)>) -> String {
    file_name(shard).trim_end_matches(".gz").to_string()
}

/// Whether a file in a sweep's folder is a journal (of either format).
pub fn is_journal(name: &str) -> bool {
    name.starts_with("runs") && (name.ends_with(".jsonl.gz") || name.ends_with(".jsonl"))
}

/// A journal as read back: the records that fit the plan. Without a first
/// line naming the plan nothing in it can be trusted, and it holds none.
pub struct Journal {
    pub records: Vec<Record>,
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

/// The lines of a journal of either format: a gzip stream is decoded as far
/// as it goes (a torn end stops the lines there).
fn lines(path: &Path) -> Option<Box<dyn Iterator<Item = std::io::Result<String>>>> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut magic = [0u8; 2];
    let gzip = f.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    let f = std::fs::File::open(path).ok()?;
    Some(if gzip {
        Box::new(BufReader::new(MultiGzDecoder::new(f)).lines())
    } else {
        Box::new(BufReader::new(f).lines())
    })
}

/// Reads a journal; None if there is no journal. A journal of another plan is
/// an error; one without a readable header holds no records.
pub fn read(path: &Path, info: &PlanInfo) -> Result<Option<Journal>, SweepError> {
    let Some(mut lines) = lines(path) else {
        return Ok(None);
    };
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
                ignored: 0,
            }));
        }
    }
    let mut records = vec![];
    let mut ignored = 0;
    let mut columns: Option<Columns> = None;
    for line in lines {
        let line = match line {
            Ok(line) => line,
            // The compressed stream ends without its trailer: the writer
            // was killed; what it flushed was read, a torn line is not.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            // Not UTF-8 or not gzip: damaged past here.
            Err(_) => {
                ignored += 1;
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        if let Ok(c) = serde_json::from_str::<Columns>(&line) {
            columns = Some(c);
            continue;
        }
        let record = match serde_json::from_str::<Row>(&line) {
            Ok(row) => columns.as_ref().and_then(|c| row.with(c)),
            // The older format: each run with its names.
            Err(_) => serde_json::from_str::<Record>(&line).ok(),
        };
        match record {
            Some(r) if fits(info, &r) => records.push(r),
            _ => ignored += 1,
        }
    }
    Ok(Some(Journal { records, ignored }))
}

impl Row {
    fn of(r: &Record) -> Row {
        Row {
            run: r.run,
            point: r.point,
            rep: r.rep,
            seed: r.seed,
            replication: r.replication,
            values: r.metrics.iter().map(|(_, v)| *v).collect(),
            words: r.labels.iter().map(|(_, w)| w.clone()).collect(),
        }
    }

    /// The record, if the row has a value for each name.
    fn with(self, c: &Columns) -> Option<Record> {
        if self.values.len() != c.metrics.len() || self.words.len() != c.labels.len() {
            return None;
        }
        Some(Record {
            run: self.run,
            point: self.point,
            rep: self.rep,
            seed: self.seed,
            replication: self.replication,
            metrics: c.metrics.iter().cloned().zip(self.values).collect(),
            labels: c.labels.iter().cloned().zip(self.words).collect(),
        })
    }
}

impl Columns {
    fn of(r: &Record) -> Columns {
        Columns {
            metrics: r.metrics.iter().map(|(m, _)| m.clone()).collect(),
            labels: r.labels.iter().map(|(l, _)| l.clone()).collect(),
        }
    }

    fn name(&self, r: &Record) -> bool {
        self.metrics.len() == r.metrics.len()
            && self.labels.len() == r.labels.len()
            && self
                .metrics
                .iter()
                .zip(&r.metrics)
                .all(|(a, (b, _))| a == b)
            && self.labels.iter().zip(&r.labels).all(|(a, (b, _))| a == b)
    }
}

pub struct Writer {
    out: GzEncoder<std::fs::File>,
    columns: Option<Columns>,
}

impl Writer {
    /// Starts the journal anew at `path` with the plan's header and the runs
    /// already `kept` (those read back for `--resume`), written into a hidden
    /// file first and put in place in one step, so that the journal on disk
    /// is whole at every moment. Rewriting also drops what a killed writer
    /// left torn at the end, which an appended stream could not get past.
    pub fn open(path: &Path, plan_hash: &str, kept: &[Record]) -> Result<Writer, SweepError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map_or_else(|| "journal".into(), |n| n.to_string_lossy().into_owned());
        // A dot and ".tmp": what `take_folder` clears after a crash.
        let tmp: PathBuf = dir.join(format!(".{name}.tmp"));
        let file = std::fs::File::create(&tmp).map_err(SweepError::io(&tmp))?;
        let mut w = Writer {
            out: GzEncoder::new(file, Compression::default()),
            columns: None,
        };
        let header = serde_json::to_string(&Header {
            plan: plan_hash.into(),
        })
        .expect("plain data");
        w.line(&header).map_err(SweepError::io(&tmp))?;
        for r in kept {
            w.append(r).map_err(SweepError::io(&tmp))?;
        }
        std::fs::rename(&tmp, path).map_err(SweepError::io(path))?;
        Ok(w)
    }

    fn line(&mut self, line: &str) -> std::io::Result<()> {
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")?;
        // A sync flush: the bytes so far decode without what comes after.
        self.out.flush()
    }

    pub fn append(&mut self, r: &Record) -> std::io::Result<()> {
        if !self.columns.as_ref().is_some_and(|c| c.name(r)) {
            let c = Columns::of(r);
            self.line(&serde_json::to_string(&c).expect("plain data"))?;
            self.columns = Some(c);
        }
        self.line(&serde_json::to_string(&Row::of(r)).expect("plain data"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(run: usize, names: &[&str]) -> Record {
        Record {
            run,
            point: run,
            rep: 0,
            seed: 7,
            replication: 0,
            metrics: names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    (
                        n.to_string(),
                        (i != 1).then_some(run as f64 + 0.1 * i as f64),
                    )
                })
                .collect(),
            labels: vec![("verdict.state".into(), "stable".into())],
        }
    }

    fn lines_of(path: &Path) -> Vec<String> {
        lines(path).unwrap().map_while(Result::ok).collect()
    }

    #[test]
    fn names_are_written_once_and_again_when_they_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file_name(None));
        let mut w = Writer::open(&path, "h", &[]).unwrap();
        w.append(&record(0, &["a", "b"])).unwrap();
        w.append(&record(1, &["a", "b"])).unwrap();
        w.append(&record(2, &["a", "c"])).unwrap();
        let lines = lines_of(&path);
        let columns = lines.iter().filter(|l| l.contains("\"metrics\"")).count();
        assert_eq!(lines.len(), 6, "{lines:?}");
        assert_eq!(columns, 2, "{lines:?}");
        assert!(lines[2].contains("\"values\":[0.0,null]"), "{}", lines[2]);
    }

    #[test]
    fn a_killed_writer_leaves_every_flushed_line_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file_name(None));
        let mut w = Writer::open(&path, "h", &[]).unwrap();
        for i in 0..4 {
            w.append(&record(i, &["a", "b"])).unwrap();
        }
        let before_last = std::fs::metadata(&path).unwrap().len() as usize;
        w.append(&record(4, &["a", "b"])).unwrap();
        // No trailer: the process died here.
        std::mem::forget(w);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(lines_of(&path).len(), 7);
        // Torn inside the last line's block: the lines before it still decode.
        let cut = (before_last + bytes.len()) / 2;
        assert!(cut > before_last && cut < bytes.len());
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let torn = lines_of(&path);
        assert_eq!(torn.len(), 6, "{torn:?}");
        assert!(torn.iter().all(|l| l.starts_with('{') && l.ends_with('}')));
    }

    #[test]
    fn a_legacy_line_reads_as_the_same_record() {
        let r = record(3, &["x", "y"]);
        let legacy = serde_json::to_string(&r).unwrap();
        assert!(serde_json::from_str::<Row>(&legacy).is_err());
        assert_eq!(serde_json::from_str::<Record>(&legacy).unwrap(), r);
        let c = Columns::of(&r);
        assert_eq!(Row::of(&r).with(&c).unwrap(), r);
    }
}
