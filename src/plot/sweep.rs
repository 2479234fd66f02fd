//! `flowsim plot` on a sweep's folder: the sweep charts drawn again from
//! plan.json (what was swept) and sweep.csv (a row per run, each metric in
//! Rust's shortest round-trip form), through the same table the sweep built.

use super::PlotError;
use crate::charts::{ChartDir, ChartOptions};
use crate::sweep::PlanInfo;
use crate::sweep::journal::Record;
use crate::sweep::report::{complete, table};
use std::path::Path;

fn bad(path: &Path, problem: impl Into<String>) -> PlotError {
    PlotError::SweepFile {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Draws the sweep's charts in `dir` as `options` asks; returns the notes on
/// charts drawn simpler or left out, as the sweep does.
pub fn plot(dir: &Path, options: ChartOptions) -> Result<Vec<String>, PlotError> {
    let plan_path = dir.join("plan.json");
    let text = std::fs::read_to_string(&plan_path).map_err(|e| bad(&plan_path, e.to_string()))?;
    let info: PlanInfo = serde_json::from_str(&text).map_err(|e| bad(&plan_path, e.to_string()))?;
    info.check().map_err(|problem| PlotError::BadPlan {
        path: plan_path.clone(),
        problem,
    })?;
    let csv_path = dir.join("sweep.csv");
    let records = read_runs(&csv_path, &info)?;
    let records = complete(&info, records).map_err(|e| bad(&csv_path, e.to_string()))?;
    let t = table(&info, &records);
    Ok(crate::charts::sweep::draw(
        &ChartDir::new(dir, options),
        &info,
        &t,
    )?)
}

/// sweep.csv's rows as the runs' records: after run, point, the swept keys,
/// replication and seed come the metrics (numbers, empty when there was none)
/// and then the words (a column with a cell that is not a number).
fn read_runs(path: &Path, info: &PlanInfo) -> Result<Vec<Record>, PlotError> {
    let err = |e: csv::Error| bad(path, e.to_string());
    let mut reader = csv::Reader::from_path(path).map_err(err)?;
    let head: Vec<String> = reader
        .headers()
        .map_err(err)?
        .iter()
        .map(String::from)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().map_err(err)?;
    let first = 2 + info.params.len() + 2;
    if head.len() < first {
        return Err(bad(
            path,
            format!("{} columns, expected at least {first}", head.len()),
        ));
    }
    let is_word = |c: usize| {
        rows.iter().any(|r| {
            r.get(c)
                .is_some_and(|v| !v.is_empty() && v.parse::<f64>().is_err())
        })
    };
    let words: Vec<bool> = (0..head.len()).map(|c| c >= first && is_word(c)).collect();
    let reps = info.reps as usize;
    let mut records = Vec::with_capacity(rows.len());
    for (line, r) in rows.iter().enumerate() {
        let field = |c: usize| r.get(c).unwrap_or("");
        let number = |c: usize| -> Result<u64, PlotError> {
            field(c).parse().map_err(|_| {
                bad(
                    path,
                    format!("row {}: `{}` is not a whole number", line + 2, head[c]),
                )
            })
        };
        let run = number(0)? as usize;
        let mut rec = Record {
            run,
            point: number(1)? as usize,
            rep: (run % reps.max(1)) as u32,
            replication: number(first - 2)?,
            seed: number(first - 1)?,
            metrics: vec![],
            labels: vec![],
        };
        for c in first..head.len() {
            let v = field(c);
            if words[c] {
                if !v.is_empty() {
                    rec.labels.push((head[c].clone(), v.to_string()));
                }
            } else {
                rec.metrics.push((head[c].clone(), v.parse().ok()));
            }
        }
        records.push(rec);
    }
    Ok(records)
}
