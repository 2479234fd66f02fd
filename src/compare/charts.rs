//! Overlaid charts: one line per variant on shared axes, one colour per
//! variant (the variant's position in the palette, the same in every chart).

use super::Comparison;
use super::error::CompareError;
use crate::charts::timechart::{Series, TimeChart};
use std::path::Path;

/// (file stem, timeseries.csv column, title, y label)
const CHARTS: [(&str, &str, &str, &str); 3] = [
    (
        "compare-backlog",
        "backlog",
        "Backlog over time",
        "messages waiting",
    ),
    (
        "compare-age",
        "oldest_age_s",
        "Age of the oldest waiting message",
        "age (s)",
    ),
    (
        "compare-throughput",
        "throughput",
        "Throughput over time",
        "processings per second",
    ),
];

/// A column of a run's time series as (time, value); None when absent.
fn column(dir: &Path, name: &str) -> Result<Option<Vec<(f64, f64)>>, CompareError> {
    let path = dir.join("timeseries.csv");
    let bad = |e: csv::Error| CompareError::Malformed {
        path: path.clone(),
        problem: e.to_string(),
    };
    let mut r = csv::Reader::from_path(&path).map_err(bad)?;
    let headers = r.headers().map_err(bad)?.clone();
    let (Some(t), Some(c)) = (
        headers.iter().position(|h| h == "time_s"),
        headers.iter().position(|h| h == name),
    ) else {
        return Ok(None);
    };
    let mut out = vec![];
    for rec in r.records() {
        let rec = rec.map_err(bad)?;
        let num = |i: usize| {
            rec.get(i)
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        out.push((num(t), num(c)));
    }
    Ok(Some(out))
}

/// Draws the charts; returns each one's stem and title.
pub fn draw(c: &Comparison, dir: &Path) -> Result<Vec<(String, String)>, CompareError> {
    let mut drawn = vec![];
    for (stem, col, title, y) in CHARTS {
        let mut series = vec![];
        for (i, v) in c.variants.iter().enumerate() {
            if let Some(points) = column(&v.folder, col)? {
                series.push(Series {
                    color: Some(i),
                    ..Series::new(v.name.clone(), points)
                });
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
            ..TimeChart::default()
        };
        chart.write(&dir.join(stem))?;
        drawn.push((stem.to_string(), title.to_string()));
    }
    Ok(drawn)
}
