//! Overlaid charts: one line per variant on shared axes, one colour per
//! variant (the variant's position in the palette, the same in every chart).

use super::Comparison;
use super::error::CompareError;
use crate::charts::timechart::{Series, Shade, TimeChart, Window};
use crate::metrics::held::HeldColumns;
use crate::run::Trigger;
use serde_json::Value;
use std::path::Path;

/// One line per variant of a `timeseries.csv` column: the column, what the
/// line is called beside the variant's name (empty: the name alone), and
/// whether it is dashed.
type Line = (&'static str, &'static str, bool);

/// (file stem, lines, title, y label)
const CHARTS: [(&str, &[Line], &str, &str); 3] = [
    // Held, not the visible backlog: a consumer whose calls fail receives its
    // queue empty and hides the backlog in flight, where the visible count
    // would draw the failing variant as the healthier one.
    (
        "compare-backlog",
        &[(HELD, "", false)],
        "Messages held (waiting + in flight) over time",
        "messages held",
    ),
    (
        "compare-age",
        &[("oldest_age_s", "", false)],
        "Age of the oldest waiting message",
        "age (s)",
    ),
    // Goodput, with the processings dashed: processings alone count failed
    // attempts too, and drew a variant that fails fast against a crashed
    // database as the one doing the most work.
    (
        "compare-throughput",
        &[
            ("goodput", "goodput", false),
            ("throughput", "processings, failures included", true),
        ],
        "Goodput and processings over time",
        "messages per second",
    ),
];

/// The messages held (`metrics::held`), computed from their columns.
const HELD: &str = "held";

/// A column of a run's time series as (time, value), or the messages held
/// for [`HELD`]; None when absent.
fn column(dir: &Path, name: &str) -> Result<Option<Vec<(f64, f64)>>, CompareError> {
    let path = dir.join("timeseries.csv");
    let bad = |e: csv::Error| CompareError::Malformed {
        path: path.clone(),
        problem: e.to_string(),
    };
    let mut r = csv::Reader::from_path(&path).map_err(bad)?;
    let headers: Vec<String> = r.headers().map_err(bad)?.iter().map(String::from).collect();
    let Some(t) = headers.iter().position(|h| h == "time_s") else {
        return Ok(None);
    };
    let held = HeldColumns::locate(&headers);
    let c = headers.iter().position(|h| h == name);
    if !(c.is_some() || name == HELD && held.is_some()) {
        return Ok(None);
    }
    let mut out = vec![];
    let mut row = vec![];
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        row.clear();
        row.extend(rec.iter().map(|s| s.parse::<f64>().unwrap_or(f64::NAN)));
        row.resize(headers.len(), f64::NAN);
        let v = match (c, held) {
            (Some(c), _) => row[c],
            (None, Some(h)) => h.read(&row),
            (None, None) => f64::NAN,
        };
        out.push((row[t], v));
    }
    Ok(Some(out))
}

/// What happened to the variants, shaded on every chart: each trigger once
/// when every variant has it (the load they are compared under), else named
/// by its variant; and each variant's database down intervals (crashes), named
/// by variant and database, unless an outage trigger of that database
/// already shades them. A chart that left out one variant's crashes would
/// show its dips without their cause.
fn windows(c: &Comparison) -> Result<Vec<Window>, CompareError> {
    let summaries = c
        .variants
        .iter()
        .map(|v| super::variants::read_summary(&v.folder))
        .collect::<Result<Vec<Value>, _>>()?;
    let triggers = |s: &Value| -> Vec<(String, f64, f64, bool)> {
        s["triggers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some((
                    t["label"].as_str()?.to_string(),
                    t["from_s"].as_f64()?,
                    t["to_s"].as_f64()?,
                    t["down"].as_bool().unwrap_or(false),
                ))
            })
            .collect()
    };
    let shade = |down: bool| if down { Shade::Down } else { Shade::Trigger };
    let mut out: Vec<Window> = vec![];
    for (i, s) in summaries.iter().enumerate() {
        let mine = triggers(s);
        for (label, from_x, to_x, down) in &mine {
            let everywhere = summaries.iter().all(|o| {
                triggers(o)
                    .iter()
                    .any(|t| (&t.0, t.1, t.2) == (label, *from_x, *to_x))
            });
            if everywhere && i > 0 {
                continue; // shaded once, with the first variant
            }
            let label = if everywhere {
                label.clone()
            } else {
                format!("{}: {label}", c.variants[i].name)
            };
            out.push(Window {
                label,
                from_x: *from_x,
                to_x: *to_x,
                shade: shade(*down),
            });
        }
        for d in s["databases"].as_array().into_iter().flatten() {
            let name = d["name"].as_str().unwrap_or("database");
            let outage = Trigger::outage_label(name);
            let mut first = true;
            for w in d["down"].as_array().into_iter().flatten() {
                let (Some(from_x), Some(to_x)) = (w[0].as_f64(), w[1].as_f64()) else {
                    continue;
                };
                let covered = mine
                    .iter()
                    .any(|t| t.0 == outage && t.1 <= from_x + 1e-6 && to_x <= t.2 + 1e-6);
                if covered {
                    continue;
                }
                out.push(Window {
                    label: if first {
                        format!("{}: {name} down", c.variants[i].name)
                    } else {
                        String::new()
                    },
                    from_x,
                    to_x,
                    shade: Shade::Down,
                });
                first = false;
            }
        }
    }
    Ok(out)
}

/// Draws the charts; returns each one's stem and title.
pub fn draw(c: &Comparison, dir: &Path) -> Result<Vec<(String, String)>, CompareError> {
    let mut drawn = vec![];
    let windows = windows(c)?;
    for (stem, lines, title, y) in CHARTS {
        let mut series = vec![];
        for &(col, what, dashed) in lines {
            let mut found = 0;
            for (i, v) in c.variants.iter().enumerate() {
                if let Some(points) = column(&v.folder, col)? {
                    let label = if what.is_empty() {
                        v.name.clone()
                    } else {
                        format!("{}: {what}", v.name)
                    };
                    series.push(Series {
                        color: Some(i),
                        dashed,
                        ..Series::new(label, points)
                    });
                    found += 1;
                }
            }
            // A column only one variant has compares nothing.
            if found < 2 {
                series.truncate(series.len() - found);
            }
        }
        if series.len() < 2 {
            continue;
        }
        let chart = TimeChart {
            title: title.into(),
            subtitle: Some(format!(
                "{} · replication 0 of each",
                c.variants
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" vs ")
            )),
            x_label: "time (s)".into(),
            y_label: y.into(),
            series,
            windows: windows.clone(),
            ..TimeChart::default()
        };
        crate::charts::time_span::fitted(chart).write(&dir.join(stem))?;
        drawn.push((stem.to_string(), title.to_string()));
    }
    Ok(drawn)
}
