//! The terminal's words for a sweep's numbers: a metric's mean with its 95 %
//! interval at the precision the interval allows, and the best point with
//! whether it is distinguishable from the runner-up:
//! `max_concurrency = 50 → p99 209 s [208.8, 209.2]`.

use super::PlanInfo;
use super::report::{Stat, Table};
use super::values::show;
use crate::report::format::number;
use crate::scenario::Goal;

/// Decimals that give the interval's half-width one significant digit (at
/// most 6); None when there is no interval.
fn decimals(s: &Stat) -> Option<usize> {
    let half = (s.ci_high - s.ci_low) / 2.0;
    if !half.is_finite() {
        return None;
    }
    if half <= 0.0 {
        return Some(0);
    }
    Some((-half.log10().floor()).clamp(0.0, 6.0) as usize)
}

/// How a metric reads: its short name and unit. `latency.end_to_end.p99_s`
/// → ("p99", " s"); `goodput_per_s` → ("goodput", "/s").
fn label(metric: &str) -> (String, &'static str) {
    let name = metric
        .strip_prefix("latency.end_to_end.")
        .map(str::to_string)
        .or_else(|| {
            metric
                .strip_prefix("latency.queue_wait.")
                .map(|m| format!("queue wait {m}"))
        })
        .unwrap_or_else(|| metric.to_string());
    if let Some(n) = name.strip_suffix("_per_s") {
        (n.to_string(), "/s")
    } else if let Some(n) = name.strip_suffix("_s") {
        (n.to_string(), " s")
    } else {
        (name, "")
    }
}

/// A table cell: `208.97 ± 0.19`, or the mean alone with one replication.
pub fn cell(s: &Stat) -> String {
    match decimals(s) {
        Some(d) => format!("{:.d$} ± {:.d$}", s.mean, (s.ci_high - s.ci_low) / 2.0),
        None => number(s.mean),
    }
}

/// `p99 209 s [208.8, 209.2]`.
fn value(metric: &str, s: &Stat) -> String {
    let (name, unit) = label(metric);
    let interval = match decimals(s) {
        Some(d) => format!(" [{:.d$}, {:.d$}]", s.ci_low, s.ci_high),
        None => " (one replication: no interval)".into(),
    };
    format!("{name} {}{unit}{interval}", number(s.mean))
}

/// `max_concurrency = 50`: each key by its last part, unless two keys share it.
fn point(info: &PlanInfo, p: usize) -> String {
    let last = |path: &str| path.rsplit('.').next().unwrap_or(path).to_string();
    let shorts: Vec<String> = info.params.iter().map(|k| last(&k.path)).collect();
    let unique = shorts
        .iter()
        .all(|s| shorts.iter().filter(|o| *o == s).count() == 1);
    info.coords(p)
        .iter()
        .zip(&info.params)
        .zip(&shorts)
        .map(|((&c, k), short)| {
            let name = if unique {
                short.as_str()
            } else {
                k.path.as_str()
            };
            format!("{name} = {}", show(&k.values[c]))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The points where fewer than half the replications collapsed, best first
/// by the objective (ties in point order, as the summary's best point).
fn ranked(info: &PlanInfo, t: &Table, mi: usize) -> Vec<usize> {
    let mut ps: Vec<usize> = (0..info.points())
        .filter(|&p| t.collapsed[p] < 0.5 && t.stats[p][mi].mean.is_finite())
        .collect();
    ps.sort_by(|&a, &b| {
        let (x, y) = (t.stats[a][mi].mean, t.stats[b][mi].mean);
        match info.objective.goal {
            Goal::Min => x.total_cmp(&y),
            Goal::Max => y.total_cmp(&x),
        }
    });
    ps
}

/// The best point's line, and whether the runner-up's interval overlaps its
/// own ("no significant difference"); None when no point qualifies.
pub fn best(info: &PlanInfo, t: &Table) -> Option<String> {
    let metric = &info.objective.metric;
    let mi = t.metrics.iter().position(|m| m == metric)?;
    let ranked = ranked(info, t, mi);
    let (&b, rest) = ranked.split_first()?;
    let bs = &t.stats[b][mi];
    let goal = match info.objective.goal {
        Goal::Min => "lowest",
        Goal::Max => "highest",
    };
    let mut line = format!(
        "{} → {}  ({goal} {})",
        point(info, b),
        value(metric, bs),
        label(metric).0
    );
    if let Some(&r) = rest.first() {
        let rs = &t.stats[r][mi];
        let overlap = bs.ci_low <= rs.ci_high && rs.ci_low <= bs.ci_high;
        let runner = format!("{} → {}", point(info, r), value(metric, rs));
        if overlap {
            line.push_str(&format!(
                "\n              no significant difference from {runner}: the intervals overlap"
            ));
        } else if decimals(bs).is_some() && decimals(rs).is_some() {
            line.push_str(&format!("\n              next best {runner}"));
        }
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(mean: f64, half: f64) -> Stat {
        Stat {
            mean,
            ci_low: mean - half,
            ci_high: mean + half,
            n: 3,
            min: mean - half,
        }
    }

    #[test]
    fn the_interval_sets_the_precision() {
        let s = stat(208.9725, 0.188);
        assert_eq!(cell(&s), "209.0 ± 0.2");
        assert_eq!(
            value("latency.end_to_end.p99_s", &s),
            "p99 209 s [208.8, 209.2]"
        );
        assert_eq!(
            value("goodput_per_s", &stat(1234.4, 20.0)),
            "goodput 1,234/s [1214, 1254]"
        );
        let one = Stat {
            n: 1,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            ..s
        };
        assert_eq!(cell(&one), "209");
    }
}
