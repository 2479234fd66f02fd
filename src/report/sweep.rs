//! A sweep's report facts, from its plan.json, summary.json and points.csv
//! (docs/outputs.md, "flowsim sweep").

use super::error::ReportError;
use super::facts::{Kind, Report, Row, Sweep};
use super::format::{count, number, percent};
use super::run::folder_name;
use super::{charts, scenario};
use crate::sweep::best_line::at_precision;
use serde_json::Value;
use std::path::Path;

fn json(dir: &Path, file: &str, what: &'static str) -> Result<Value, ReportError> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Malformed {
        path,
        what,
        problem: e.to_string(),
    })
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `a = 1, b = 2` from a JSON object of key paths to values.
fn point(v: &Value) -> String {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| format!("{k} = {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// Points whose interval overlaps the best one's named, so that a reader
/// does not take the best point for the only good one: "8 other points are
/// not significantly different …". None when there are none.
fn tied_sentence(best: &Value, objective: &str) -> Option<String> {
    let tied: Vec<&serde_json::Map<String, Value>> = best
        .get("tied_with")
        .and_then(Value::as_array)?
        .iter()
        .filter_map(Value::as_object)
        .collect();
    let (subject, verb, its) = match tied.len() {
        0 => return None,
        1 => (
            "Another point".to_string(),
            "is",
            "its 95 % interval overlaps",
        ),
        n => (
            format!("{n} other points"),
            "are",
            "their 95 % intervals overlap",
        ),
    };
    // Keys once, then each point's values: `(rate, attempts) = (20, 1), (20, 2)`.
    let keys: Vec<&String> = tied[0].keys().collect();
    let values = |o: &serde_json::Map<String, Value>| {
        let v: Vec<String> = keys
            .iter()
            .map(|k| o.get(*k).map(show).unwrap_or_default())
            .collect();
        if v.len() == 1 {
            v[0].clone()
        } else {
            format!("({})", v.join(", "))
        }
    };
    let names = if keys.len() == 1 {
        keys[0].clone()
    } else {
        let k: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        format!("({})", k.join(", "))
    };
    Some(format!(
        "{subject} {verb} not significantly different by {objective} ({its} the best one's): {names} = {}. The objective alone does not choose among them: compare them by another metric, or run more replications.",
        tied.iter()
            .map(|o| values(o))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

pub fn read(dir: &Path) -> Result<Report, ReportError> {
    let plan = json(dir, "plan.json", "sweep plan")?;
    let summary = json(dir, "summary.json", "sweep summary")?;
    let folder = folder_name(dir);
    let scenario_path = plan
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let params: Vec<String> = plan
        .get("params")
        .and_then(Value::as_array)
        .ok_or_else(|| ReportError::Malformed {
            path: dir.join("plan.json"),
            what: "sweep plan",
            problem: "no params".into(),
        })?
        .iter()
        .filter_map(|p| p.get("path").and_then(Value::as_str).map(str::to_string))
        .collect();
    let metrics: Vec<String> = plan
        .get("metrics")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let objective = plan
        .pointer("/objective/metric")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let goal = plan
        .pointer("/objective/goal")
        .and_then(Value::as_str)
        .unwrap_or("min");

    let mut facts = vec![Row::new("scenario", scenario_path.clone(), "")];
    for p in plan
        .get("params")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let values: Vec<String> = p
            .get("values")
            .and_then(Value::as_array)
            .map(|vs| vs.iter().map(show).collect())
            .unwrap_or_default();
        facts.push(Row::new(
            "swept key",
            p.get("path")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into(),
            values.join(", "),
        ));
    }
    let n = |k: &str| summary.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    facts.push(Row::new(
        "runs",
        count(n("runs")),
        format!(
            "{} points × {} replications",
            count(n("points")),
            count(n("reps"))
        ),
    ));
    facts.push(Row::new(
        "seed",
        plan.get("seed").map(show).unwrap_or_default(),
        "replication r of every point uses the same random streams",
    ));
    facts.push(Row::new(
        "objective",
        format!("{goal} {objective}"),
        "the best point is chosen among points where fewer than half the replications collapsed",
    ));

    let first = params.first().cloned().unwrap_or_default();
    let collapse: Vec<String> = summary
        .get("collapse_points")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let at = point(c.get("at").unwrap_or(&Value::Null));
            let at = if at.is_empty() { String::new() } else { format!(" (with {at})") };
            match c.get("collapses_at").filter(|x| !x.is_null()) {
                Some(x) => format!(
                    "Collapse point{at}: {first} = {} is the smallest value at which at least half the replications collapsed.",
                    show(x)
                ),
                None => format!("No collapse{at} over the swept range of {first}."),
            }
        })
        .collect();
    let best_entry = summary.get("best").filter(|b| !b.is_null());
    let best = best_entry.map(|b| {
        let g = |k: &str| b.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
        // The interval sets the precision, as on the terminal: three
        // significant digits would print 1.0006 to 1.0035 as "1.00 to 1.00".
        let [mean, low, high] = at_precision(g("mean"), g("ci_low"), g("ci_high"))
            .unwrap_or_else(|| [g("mean"), g("ci_low"), g("ci_high")].map(number));
        format!(
            "Best point: {} — {} {} = {mean} (95 % CI {low} to {high}), {} of its replications collapsed.",
            point(b.get("point").unwrap_or(&Value::Null)),
            if goal == "max" { "highest" } else { "lowest" },
            objective,
            percent(g("collapsed_fraction"))
        )
    });
    let tied = best_entry.and_then(|b| tied_sentence(b, &objective));
    let (points_header, points) = points_table(dir, &params, &objective)?;
    let mut collapse = collapse;
    if params.len() == 1 {
        collapse.push(which_collapsed(&first, &points));
    }

    let stored = scenario::read(dir);
    let title = stored
        .as_ref()
        .and_then(|s| s.title.clone())
        .unwrap_or_else(|| folder.clone());
    let (description, settings, warnings, scenario_note) = match stored {
        Some(st) => (st.description, st.settings, st.warnings, st.problem),
        None => (
            vec![],
            vec![],
            vec![],
            Some(format!(
                "This folder has no copy of its scenario ({}): the description, the base settings and the design-rule warnings are left out. `flowsim sweep --report` keeps one.",
                scenario::FILE
            )),
        ),
    };
    Ok(Report {
        kind: Kind::Sweep,
        title,
        folder,
        scenario: scenario_path,
        description,
        scenario_note,
        facts,
        settings,
        verdict: None,
        headline: vec![],
        warnings,
        sweep: Some(Sweep {
            collapse,
            best,
            tied,
            points_header,
            points,
        }),
        charts: charts::sweep_charts(dir, &metrics, &objective),
    })
}

/// With one swept key, the values at which the system collapsed and held, in a
/// sentence: the collapse point alone hides a collapse at both ends.
fn which_collapsed(key: &str, points: &[Vec<String>]) -> String {
    let (mut fell, mut held) = (vec![], vec![]);
    for row in points {
        let collapsed = row
            .get(1)
            .and_then(|p| p.trim_end_matches(" %").parse::<f64>().ok());
        match collapsed {
            Some(p) if p >= 50.0 => fell.push(row[0].clone()),
            Some(_) => held.push(row[0].clone()),
            None => {}
        }
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "Values of {key} at which at least half the replications collapsed: {}; at which most held: {}.",
        list(&fell),
        list(&held)
    )
}

/// points.csv cut down to what a reader compares: the swept keys, the share
/// collapsed, and the objective's mean with its confidence interval.
fn points_table(
    dir: &Path,
    params: &[String],
    objective: &str,
) -> Result<(Vec<String>, Vec<Vec<String>>), ReportError> {
    let path = dir.join("points.csv");
    let csv_err = |source| ReportError::Csv {
        path: path.clone(),
        source,
    };
    let mut r = csv::Reader::from_path(&path).map_err(csv_err)?;
    let head: Vec<String> = r
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| head.iter().position(|h| h == name);
    let mut cols: Vec<(String, Option<usize>)> =
        params.iter().map(|p| (p.clone(), col(p))).collect();
    cols.push(("collapsed".into(), col("collapsed_fraction")));
    let mean = col(&format!("{objective}.mean"));
    let lo = col(&format!("{objective}.ci_low"));
    let hi = col(&format!("{objective}.ci_high"));
    let mut rows = vec![];
    for rec in r.records() {
        let rec = rec.map_err(csv_err)?;
        let cell = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or_default().to_string();
        let num = |i: Option<usize>| cell(i).parse::<f64>().ok();
        let mut row: Vec<String> = cols[..cols.len() - 1]
            .iter()
            .map(|(_, i)| cell(*i))
            .collect();
        row.push(num(cols[cols.len() - 1].1).map_or("–".into(), percent));
        row.push(num(mean).map_or("–".into(), number));
        row.push(match (num(lo), num(hi)) {
            (Some(l), Some(h)) => format!("{} – {}", number(l), number(h)),
            _ => "–".into(),
        });
        rows.push(row);
    }
    let mut header: Vec<String> = cols.into_iter().map(|(h, _)| h).collect();
    header.push(format!("{objective} (mean)"));
    header.push("95 % CI".into());
    Ok((header, rows))
}
