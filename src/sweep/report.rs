//! A sweep's reports, from its complete set of runs in run order: sweep.csv (a
//! row per run), points.csv (mean and 95% confidence interval of each metric per
//! point), summary.json (collapse points, best point) and charts.

use super::journal::Record;
use super::values::{as_f64, show};
use super::{PlanInfo, SweepError};
use crate::scenario::Goal;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Writes one of the sweep's files whole or not at all.
pub fn write_file(path: &Path, text: &str) -> Result<(), SweepError> {
    crate::atomic_file::write(path, text).map_err(SweepError::io(path))
}

pub fn plan_json(info: &PlanInfo) -> String {
    serde_json::to_string_pretty(info).expect("plain data") + "\n"
}

/// Mean and 95% Student-t confidence interval over replications.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: usize,
    /// The lowest replication: a metric that is never negative keeps its
    /// confidence band at or above zero in the charts.
    #[serde(skip)]
    pub min: f64,
}

pub fn stat(xs: &[f64]) -> Stat {
    let n = xs.len();
    if n == 0 {
        return Stat {
            mean: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n,
            min: f64::NAN,
        };
    }
    // Sequential sums in replication order: the same bits whatever ran where.
    let mean = xs.iter().sum::<f64>() / n as f64;
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    if n < 2 {
        return Stat {
            mean,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n,
            min,
        };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).map_or(f64::NAN, |d| d.inverse_cdf(0.975));
    let half = t * (var / n as f64).sqrt();
    Stat {
        mean,
        ci_low: mean - half,
        ci_high: mean + half,
        n,
        min,
    }
}

pub struct Table {
    pub metrics: Vec<String>,
    /// stats[point][metric]
    pub stats: Vec<Vec<Stat>>,
    /// samples[point][metric]: each replication's value, in replication order.
    pub samples: Vec<Vec<Vec<f64>>>,
    pub collapsed: Vec<f64>,
}

const COLLAPSED: &str = "verdict.collapsed";

pub(crate) fn complete(
    info: &PlanInfo,
    mut records: Vec<Record>,
) -> Result<Vec<Record>, SweepError> {
    // Indexes from a file are used only once they fit the plan.
    records.retain(|r| super::journal::fits(info, r));
    records.sort_by_key(|r| r.run);
    records.dedup_by_key(|r| r.run);
    let missing: Vec<usize> = {
        let mut have = vec![false; info.runs()];
        for r in &records {
            if let Some(h) = have.get_mut(r.run) {
                *h = true;
            }
        }
        (0..info.runs()).filter(|&i| !have[i]).collect()
    };
    if let Some(first) = missing.first() {
        return Err(SweepError::Missing {
            missing: missing.len(),
            runs: info.runs(),
            first: *first,
        });
    }
    Ok(records)
}

fn num(x: f64) -> String {
    if x.is_finite() {
        // An interval around 0 of zero width is 0, not "-0".
        format!("{}", x + 0.0)
    } else {
        String::new()
    }
}

pub(crate) fn table(info: &PlanInfo, records: &[Record]) -> Table {
    let mut metrics: Vec<String> = vec![];
    for r in records {
        for (m, _) in &r.metrics {
            if !metrics.contains(m) {
                metrics.push(m.clone());
            }
        }
    }
    let index: BTreeMap<&str, usize> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut samples = vec![vec![vec![]; metrics.len()]; info.points()];
    for r in records {
        for (m, v) in &r.metrics {
            if let Some(v) = v {
                samples[r.point][index[m.as_str()]].push(*v);
            }
        }
    }
    let stats: Vec<Vec<Stat>> = samples
        .iter()
        .map(|p| p.iter().map(|xs| stat(xs)).collect())
        .collect();
    let ci = index.get(COLLAPSED).copied();
    let collapsed = stats
        .iter()
        .map(|p| ci.map_or(0.0, |i| p[i].mean))
        .collect();
    Table {
        metrics,
        stats,
        samples,
        collapsed,
    }
}

fn params_header(info: &PlanInfo) -> Vec<String> {
    info.params.iter().map(|p| p.path.clone()).collect()
}

fn point_values(info: &PlanInfo, point: usize) -> Vec<String> {
    info.coords(point)
        .iter()
        .zip(&info.params)
        .map(|(&c, p)| show(&p.values[c]))
        .collect()
}

fn sweep_csv(info: &PlanInfo, records: &[Record], t: &Table) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut head = vec!["run".to_string(), "point".into()];
    head.extend(params_header(info));
    head.extend(["replication".into(), "seed".into()]);
    head.extend(t.metrics.iter().cloned());
    // Words after the numbers, in the order the first run that has them gives.
    let mut labels: Vec<&str> = vec![];
    for r in records {
        for (l, _) in &r.labels {
            if !labels.contains(&l.as_str()) {
                labels.push(l);
            }
        }
    }
    head.extend(labels.iter().map(|l| l.to_string()));
    let _ = w.write_record(&head);
    for r in records {
        let mut row = vec![r.run.to_string(), r.point.to_string()];
        row.extend(point_values(info, r.point));
        row.extend([r.replication.to_string(), r.seed.to_string()]);
        let vals: BTreeMap<&str, Option<f64>> =
            r.metrics.iter().map(|(m, v)| (m.as_str(), *v)).collect();
        row.extend(t.metrics.iter().map(|m| {
            vals.get(m.as_str())
                .copied()
                .flatten()
                .map_or(String::new(), num)
        }));
        row.extend(labels.iter().map(|l| {
            r.labels
                .iter()
                .find(|(k, _)| k == l)
                .map_or(String::new(), |(_, v)| v.clone())
        }));
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn points_csv(info: &PlanInfo, t: &Table) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut head = vec!["point".to_string()];
    head.extend(params_header(info));
    head.extend(["reps".into(), "collapsed_fraction".into()]);
    for m in &t.metrics {
        head.extend([
            format!("{m}.mean"),
            format!("{m}.ci_low"),
            format!("{m}.ci_high"),
        ]);
    }
    let _ = w.write_record(&head);
    for (p, stats) in t.stats.iter().enumerate() {
        let mut row = vec![p.to_string()];
        row.extend(point_values(info, p));
        row.extend([info.reps.to_string(), num(t.collapsed[p])]);
        for s in stats {
            row.extend([num(s.mean), num(s.ci_low), num(s.ci_high)]);
        }
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[derive(Serialize)]
pub struct CollapsePoint {
    /// The other keys' values for this line of the grid.
    pub at: BTreeMap<String, String>,
    /// Smallest value of the first key at which at least half the replications
    /// collapsed; None if none did.
    pub collapses_at: Option<String>,
}

#[derive(Serialize)]
pub struct Best {
    pub point: BTreeMap<String, String>,
    pub metric: String,
    pub goal: Goal,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub collapsed_fraction: f64,
    /// The points whose 95 % interval overlaps the best one's, in rank
    /// order: not significantly worse, so the objective alone does not
    /// choose among them.
    pub tied_with: Vec<BTreeMap<String, String>>,
}

#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    plan: &'a str,
    points: usize,
    reps: u32,
    runs: usize,
    params: &'a [super::Param],
    collapse_points: Vec<CollapsePoint>,
    /// Best point for the objective among points where fewer than half the
    /// replications collapsed.
    best: Option<Best>,
}

fn named(info: &PlanInfo, point: usize, skip_first: bool) -> BTreeMap<String, String> {
    info.params
        .iter()
        .zip(point_values(info, point))
        .skip(usize::from(skip_first))
        .map(|(p, v)| (p.path.clone(), v))
        .collect()
}

/// Points grouped by the values of every key but the first, each group in
/// increasing order of the first key.
pub fn lines(info: &PlanInfo) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for p in 0..info.points() {
        groups
            .entry(info.coords(p)[1..].to_vec())
            .or_default()
            .push(p);
    }
    let first = &info.params[0].values;
    groups
        .into_values()
        .map(|mut g| {
            g.sort_by(|&a, &b| {
                let (ca, cb) = (info.coords(a)[0], info.coords(b)[0]);
                as_f64(&first[ca], ca).total_cmp(&as_f64(&first[cb], cb))
            });
            g
        })
        .collect()
}

fn collapse_points(info: &PlanInfo, t: &Table) -> Vec<CollapsePoint> {
    lines(info)
        .iter()
        .map(|g| CollapsePoint {
            at: named(info, g[0], true),
            collapses_at: g
                .iter()
                .find(|&&p| t.collapsed[p] >= 0.5)
                .map(|&p| show(&info.params[0].values[info.coords(p)[0]])),
        })
        .collect()
}

fn best(info: &PlanInfo, t: &Table) -> Option<Best> {
    let standing = super::best_line::standing(info, t)?;
    let (p, mi) = (standing.best, standing.metric);
    let s = t.stats[p][mi];
    Some(Best {
        point: named(info, p, false),
        metric: info.objective.metric.clone(),
        goal: info.objective.goal,
        mean: s.mean,
        ci_low: s.ci_low,
        ci_high: s.ci_high,
        collapsed_fraction: t.collapsed[p],
        tied_with: standing
            .tied
            .iter()
            .map(|&q| named(info, q, false))
            .collect(),
    })
}

/// Writes every report into `dir`; returns the text for the terminal (which
/// names `shown`, the folder the reports will be in) and notes on charts that
/// could not be drawn as asked.
pub fn write_all(
    info: &PlanInfo,
    records: Vec<Record>,
    dir: &Path,
    shown: &Path,
    charts: &crate::charts::ChartOptions,
) -> Result<(String, Vec<String>), SweepError> {
    let records = complete(info, records)?;
    let t = table(info, &records);
    write_file(&dir.join("sweep.csv"), &sweep_csv(info, &records, &t))?;
    write_file(&dir.join("points.csv"), &points_csv(info, &t))?;
    let summary = Summary {
        scenario: &info.scenario,
        plan: &info.hash,
        points: info.points(),
        reps: info.reps,
        runs: info.runs(),
        params: &info.params,
        collapse_points: collapse_points(info, &t),
        best: best(info, &t),
    };
    let json = serde_json::to_string_pretty(&summary).expect("plain data") + "\n";
    write_file(&dir.join("summary.json"), &json)?;
    // Charts nobody asked for are not laid out at all.
    let notes = if charts.formats == crate::charts::Formats::None {
        vec![]
    } else {
        crate::charts::sweep::draw(&crate::charts::ChartDir::new(dir, *charts), info, &t)?
    };
    Ok((terminal(info, &t, &summary, shown), notes))
}

fn terminal(info: &PlanInfo, t: &Table, s: &Summary, dir: &Path) -> String {
    let mut out = String::new();
    let obj = &info.objective.metric;
    let mi = t.metrics.iter().position(|m| m == obj);
    let _ = writeln!(
        out,
        "{}  ({} points × {} replications)",
        info.scenario,
        info.points(),
        info.reps
    );
    let _ = writeln!(
        out,
        "  {:<40} {:>24}  collapsed",
        params_header(info).join(", "),
        obj
    );
    for line in lines(info) {
        for p in line {
            let v = mi.map(|i| t.stats[p][i]);
            let cell = v.map_or("–".into(), |s| super::best_line::cell(&s));
            let _ = writeln!(
                out,
                "  {:<40} {:>24}  {:>5.0} %",
                point_values(info, p).join(", "),
                cell,
                100.0 * t.collapsed[p]
            );
        }
    }
    for c in &s.collapse_points {
        let at = if c.at.is_empty() {
            String::new()
        } else {
            format!(" at {:?}", c.at)
        };
        match &c.collapses_at {
            Some(v) => _ = writeln!(out, "  collapse point{at}: {} = {v}", info.params[0].path),
            None => _ = writeln!(out, "  no collapse{at} over the swept range"),
        }
    }
    if s.best.is_some()
        && let Some(line) = super::best_line::best(info, t)
    {
        let _ = writeln!(out, "  best        {line}");
    }
    let _ = writeln!(out, "  outputs     {}", dir.display());
    out
}
