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
    decimals_of(s.ci_low, s.ci_high)
}

fn decimals_of(ci_low: f64, ci_high: f64) -> Option<usize> {
    let half = (ci_high - ci_low) / 2.0;
    if !half.is_finite() {
        return None;
    }
    if half <= 0.0 {
        return Some(0);
    }
    Some((-half.log10().floor()).clamp(0.0, 6.0) as usize)
}

/// A mean and its interval's ends at the precision the interval allows, as
/// the terminal shows them (`1.002`, `1.001`, `1.004`); None without an
/// interval.
pub fn at_precision(mean: f64, ci_low: f64, ci_high: f64) -> Option<[String; 3]> {
    let d = decimals_of(ci_low, ci_high)?;
    Some([mean, ci_low, ci_high].map(|x| format!("{x:.d$}")))
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
/// by the objective (ties in point order).
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

/// Where the best point stands among the others.
pub struct Standing {
    /// The objective's column.
    pub metric: usize,
    /// The best point: the best mean among points where fewer than half the
    /// replications collapsed.
    pub best: usize,
    /// The points whose 95 % interval overlaps the best one's, in rank order:
    /// the objective does not tell them from it. Empty with one replication
    /// (no interval).
    pub tied: Vec<usize>,
    /// The best of the others.
    pub runner_up: Option<usize>,
}

/// The best point and the points it is not significantly better than; None
/// when no point qualifies. The summary's `best` and the terminal's line
/// both come from here.
pub fn standing(info: &PlanInfo, t: &Table) -> Option<Standing> {
    let metric = &info.objective.metric;
    let mi = t.metrics.iter().position(|m| m == metric)?;
    let ranked = ranked(info, t, mi);
    let (&best, rest) = ranked.split_first()?;
    let bs = &t.stats[best][mi];
    let tied = rest
        .iter()
        .copied()
        .filter(|&p| {
            let s = &t.stats[p][mi];
            decimals(bs).is_some()
                && decimals(s).is_some()
                && bs.ci_low <= s.ci_high
                && s.ci_low <= bs.ci_high
        })
        .collect();
    Some(Standing {
        metric: mi,
        best,
        tied,
        runner_up: rest.first().copied(),
    })
}

/// Tied points named in full on the terminal; the rest are counted.
const TIED_NAMED: usize = 4;

/// The best point's line, and either the points its interval overlaps ("no
/// significant difference") or the next best; None when no point qualifies.
pub fn best(info: &PlanInfo, t: &Table) -> Option<String> {
    let metric = &info.objective.metric;
    let Standing {
        metric: mi,
        best: b,
        tied,
        runner_up,
    } = standing(info, t)?;
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
    let at = |p: usize| format!("{} → {}", point(info, p), value(metric, &t.stats[p][mi]));
    if let Some((&first, more)) = tied.split_first() {
        let others = match tied.len() {
            1 => "another point".to_string(),
            n => format!("{n} other points"),
        };
        line.push_str(&format!(
            "\n              no significant difference from {others} (the intervals overlap): {}",
            at(first)
        ));
        for &p in more.iter().take(TIED_NAMED - 1) {
            line.push_str(&format!("\n                {}", at(p)));
        }
        if more.len() >= TIED_NAMED {
            let left = more.len() + 1 - TIED_NAMED;
            line.push_str(&format!(
                "\n                and {left} more (summary.json, best.tied_with)"
            ));
        }
    } else if let Some(r) = runner_up
        && decimals(bs).is_some()
        && decimals(&t.stats[r][mi]).is_some()
    {
        line.push_str(&format!("\n              next best {}", at(r)));
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
