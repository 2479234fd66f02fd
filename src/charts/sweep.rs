//! The charts of a sweep: each chosen metric against the first swept key, mean
//! with its 95% confidence band, one line per combination of the other keys, the
//! collapse point marked; with two keys or more, a heat map of the objective over
//! the first two (further keys at their first value).

use super::heatmap::HeatMap;
use super::timechart::{Series, Shade, TimeChart, Window, XScale, YScale};
use super::{ChartDir, ChartError};
use crate::sweep::report::{Stat, lines};
use crate::sweep::{PlanInfo, Table};
use rayon::prelude::*;
use std::path::Path;

/// The share of a point's replications that collapsed.
const COLLAPSED: &str = "verdict.collapsed";

/// Lines drawn at most on one chart: beyond that a chart stops being readable.
const MAX_LINES: usize = 7;

fn x_of(info: &PlanInfo, point: usize) -> f64 {
    let c = info.coords(point)[0];
    crate::sweep::values::as_f64(&info.params[0].values[c], c)
}

/// "the other keys' values" of a line, for its legend.
fn line_label(info: &PlanInfo, point: usize) -> String {
    if info.params.len() == 1 {
        return "mean".into();
    }
    let c = info.coords(point);
    info.params[1..]
        .iter()
        .zip(&c[1..])
        .map(|(p, &i)| format!("{} = {}", p.path, crate::sweep::values::show(&p.values[i])))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A readable axis label from a metric's name and unit suffix.
pub fn metric_label(m: &str) -> String {
    if m == COLLAPSED {
        "fraction of replications collapsed".into()
    } else if let Some(base) = m.strip_suffix("_per_s") {
        format!("{base} (per second)")
    } else if let Some(base) = m.strip_suffix("_s") {
        format!("{base} (s)")
    } else {
        m.to_string()
    }
}

/// The file stem of a metric's chart (the report finds the charts by it).
pub(crate) fn file_name(m: &str) -> String {
    m.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Where a metric's confidence bands stop: a metric no replication ever took
/// below zero (a count, a latency, a share) cannot have a negative mean, so
/// its band stops at zero where the t-interval of a few disagreeing
/// replications would pass it. (NaN, a point without runs, says nothing.)
fn band_floor(stats: &[Vec<Stat>], metric: usize) -> f64 {
    let never_negative = stats
        .iter()
        .all(|p| p[metric].min >= 0.0 || p[metric].min.is_nan());
    if never_negative {
        0.0
    } else {
        f64::NEG_INFINITY
    }
}

/// Replications disagree at a point when some collapsed and some did not, or
/// when their 95 % interval is wider than half their mean: the mean and its
/// band then describe no run, and each replication is shown as a dot.
fn disagree(t: &Table, point: usize, metric: usize) -> bool {
    let st = &t.stats[point][metric];
    let split = t.collapsed[point] > 0.0 && t.collapsed[point] < 1.0;
    let wide = (st.ci_high - st.ci_low) > st.mean.abs() && st.n >= 2;
    split || wide
}

/// The replications of a line's points where they disagree, as lone dots
/// (NaN between them: no line joins them); None where they all agree.
fn disagreeing(info: &PlanInfo, t: &Table, line: &[usize], metric: usize) -> Option<Series> {
    let mut points = vec![];
    for &p in line.iter().filter(|&&p| disagree(t, p, metric)) {
        let x = x_of(info, p);
        for &v in &t.samples[p][metric] {
            points.push((x, v));
            points.push((f64::NAN, f64::NAN));
        }
    }
    (!points.is_empty()).then(|| Series::new("", points))
}

/// Draws every chart of a sweep; returns notes on those that could not be
/// drawn as asked. The runs are done by now: a chart that cannot be laid out
/// (labels too long, too many cells, values no axis spans) is drawn simpler
/// or left out with a note, never a failed sweep. Only a file that cannot be
/// written is an error.
pub fn draw_all(dir: &Path, info: &PlanInfo, t: &Table) -> Result<Vec<String>, ChartError> {
    draw(&ChartDir::new(dir, Default::default()), info, t)
}

/// [`draw_all`] as `dir`'s options ask.
///
/// The charts are drawn side by side on rayon's threads: they come after
/// every run, so drawn one by one they would leave all cores but one idle
/// for a third of a short sweep. Each chart is its own files, and the notes
/// keep the charts' order.
pub fn draw(dir: &ChartDir, info: &PlanInfo, t: &Table) -> Result<Vec<String>, ChartError> {
    let mut jobs: Vec<Option<&String>> = info.metrics.iter().map(Some).collect();
    if info.params.len() >= 2 {
        // None: the heat map.
        jobs.push(None);
    }
    let drawn: Vec<Result<Vec<String>, ChartError>> = jobs
        .par_iter()
        .map(|job| {
            let mut notes = vec![];
            match job {
                Some(metric) => metric_chart(dir, info, t, metric, &mut notes)?,
                None => heat_map(dir, info, t, &mut notes)?,
            }
            Ok(notes)
        })
        .collect();
    let mut notes = vec![];
    for d in drawn {
        notes.extend(d?);
    }
    Ok(notes)
}

/// The chart of one metric against the first swept key.
fn metric_chart(
    dir: &ChartDir,
    info: &PlanInfo,
    t: &Table,
    metric: &str,
    notes: &mut Vec<String>,
) -> Result<(), ChartError> {
    let groups = lines(info);
    let subtitle = format!(
        "{} · {} replications per point · mean and 95% confidence interval",
        super::scenario_name(&info.scenario),
        info.reps
    );
    let Some(mi) = t.metrics.iter().position(|m| m == metric) else {
        return Ok(());
    };
    let floor = band_floor(&t.stats, mi);
    // A share of replications: its band stops at 1 as it stops at 0, and its
    // axis spans 0 to 1.
    let share = metric == COLLAPSED;
    let ceiling = if share { 1.0 } else { f64::INFINITY };
    let mut series = vec![];
    let mut dots = vec![];
    let mut windows = vec![];
    for (k, g) in groups.iter().take(MAX_LINES).enumerate() {
        let mut s = Series::new(
            line_label(info, g[0]),
            g.iter()
                .map(|&p| (x_of(info, p), t.stats[p][mi].mean))
                .collect(),
        );
        s.band = Some(
            g.iter()
                .map(|&p| {
                    let st = &t.stats[p][mi];
                    (st.ci_low.max(floor), st.ci_high.min(ceiling))
                })
                .collect(),
        );
        s.markers = true;
        s.color = Some(k);
        series.push(s);
        if let Some(mut d) = disagreeing(info, t, g, mi) {
            d.color = Some(k);
            // One legend row says what the dots are.
            if dots.is_empty() {
                d.label = "each replication, where they disagree".into();
            }
            dots.push(d);
        }
        if let Some(&p) = g.iter().find(|&&p| t.collapsed[p] >= 0.5) {
            let x = x_of(info, p);
            let which = if groups.len() > 1 {
                format!(" ({})", line_label(info, p))
            } else {
                String::new()
            };
            windows.push(Window {
                label: format!("collapses at {x}{which}"),
                from_x: x,
                to_x: x,
                // Where it falls over: the hue of harm, not of a trigger.
                shade: Shade::Down,
            });
        }
    }
    series.extend(dots);
    let chart = TimeChart {
        title: format!("{} against {}", metric_label(metric), info.params[0].path),
        subtitle: Some(subtitle),
        x_label: info.params[0].path.clone(),
        y_label: metric_label(metric),
        series,
        y2_label: None,
        series2: vec![],
        limits: vec![],
        windows,
        y_scale: if share { YScale::Share } else { YScale::Linear },
    };
    match chart.write_with(dir.join(&file_name(metric)), x_scale(info)) {
        Ok(_) => Ok(()),
        Err(ChartError::Draw { path, source }) => {
            notes.push(format!("{}: not drawn: {source}", shown(&path)));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// A chart's file name, for a note (its folder is a working one).
fn shown(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Longest tick label of a heat map drawn simpler.
const SHORT_LABEL: usize = 24;

fn shorten(s: &str) -> String {
    if s.chars().count() <= SHORT_LABEL {
        s.to_string()
    } else {
        s.chars().take(SHORT_LABEL - 1).chain(['…']).collect()
    }
}

/// Log x when the values are positive and span decades (a log range).
fn x_scale(info: &PlanInfo) -> XScale {
    let (xs, _) = axis(&info.params[0].values);
    match (xs.first(), xs.last()) {
        (Some(&lo), Some(&hi)) if lo > 0.0 && hi >= 50.0 * lo => XScale::Log,
        _ => XScale::Linear,
    }
}

/// Words for a key's values in the order of `axis`, when they are words
/// (`jitter = "full"`); empty for numbers.
fn axis_names(vals: &[toml::Value], order: &[usize]) -> Vec<String> {
    if vals.iter().all(|v| v.is_integer() || v.is_float()) {
        return vec![];
    }
    order
        .iter()
        .map(|&i| crate::sweep::values::show(&vals[i]))
        .collect()
}

/// A key's values as positions, ascending, and the value index of each.
fn axis(vals: &[toml::Value]) -> (Vec<f64>, Vec<usize>) {
    let xs: Vec<f64> = vals
        .iter()
        .enumerate()
        .map(|(i, v)| crate::sweep::values::as_f64(v, i))
        .collect();
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    (order.iter().map(|&i| xs[i]).collect(), order)
}

/// The heat map as asked; failing that, with its values evenly spaced by rank
/// and labels of at most SHORT_LABEL characters; failing that, a note.
fn heat_map(
    dir: &ChartDir,
    info: &PlanInfo,
    t: &Table,
    notes: &mut Vec<String>,
) -> Result<(), ChartError> {
    let Some(map) = heat_map_input(info, t) else {
        return Ok(());
    };
    let stem = dir.join("heatmap");
    let first = match map.write(&stem) {
        Ok(_) => return Ok(()),
        Err(ChartError::Draw { source, .. }) => source,
        Err(e) => return Err(e),
    };
    let (px, py) = (&info.params[0], &info.params[1]);
    let simpler = HeatMap {
        xs: (0..map.xs.len()).map(|i| i as f64).collect(),
        ys: (0..map.ys.len()).map(|i| i as f64).collect(),
        x_names: ranked_names(&px.values),
        y_names: ranked_names(&py.values),
        title: shorten_title(&map.title),
        ..map
    };
    match simpler.write(&stem) {
        Ok(_) => {
            notes.push(format!(
                "heatmap: {first}; drawn with evenly spaced, shortened labels"
            ));
            Ok(())
        }
        Err(ChartError::Draw { source, .. }) => {
            notes.push(format!("heatmap: not drawn: {source}"));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The title, its keys' paths shortened like the labels.
fn shorten_title(title: &str) -> String {
    title.split(' ').map(shorten).collect::<Vec<_>>().join(" ")
}

/// A key's values in the order of `axis`, as shortened labels.
fn ranked_names(vals: &[toml::Value]) -> Vec<String> {
    let (_, order) = axis(vals);
    order
        .iter()
        .map(|&i| shorten(&crate::sweep::values::show(&vals[i])))
        .collect()
}

fn heat_map_input(info: &PlanInfo, t: &Table) -> Option<HeatMap> {
    let metric = &info.objective.metric;
    let mi = t.metrics.iter().position(|m| m == metric)?;
    let (px, py) = (&info.params[0], &info.params[1]);
    let ((xs, ox), (ys, oy)) = (axis(&px.values), axis(&py.values));
    // A value's cell is its rank in ascending order.
    let rank = |order: &[usize], i: usize| order.iter().position(|&j| j == i).unwrap_or(0);
    let mut values = vec![vec![None; xs.len()]; ys.len()];
    let mut collapsed = vec![vec![false; xs.len()]; ys.len()];
    for p in 0..info.points() {
        let c = info.coords(p);
        if c[2..].iter().any(|&i| i != 0) {
            continue;
        }
        let (row, col) = (rank(&oy, c[1]), rank(&ox, c[0]));
        values[row][col] = Some(t.stats[p][mi].mean).filter(|v| v.is_finite());
        collapsed[row][col] = t.collapsed[p] >= 0.5;
    }
    let fixed = if info.params.len() > 2 {
        " (further keys at their first value)"
    } else {
        ""
    };
    let all_positive = values.iter().flatten().flatten().all(|v| *v > 0.0);
    let (lo, hi) = values
        .iter()
        .flatten()
        .flatten()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
    Some(HeatMap {
        title: format!("{} over {} and {}", metric_label(metric), px.path, py.path),
        subtitle: Some(format!(
            "{} · mean of {} replications · collapsed cells marked{fixed}",
            super::scenario_name(&info.scenario),
            info.reps
        )),
        x_label: px.path.clone(),
        y_label: py.path.clone(),
        value_label: metric_label(metric),
        x_names: axis_names(&px.values, &ox),
        y_names: axis_names(&py.values, &oy),
        xs,
        ys,
        values,
        collapsed,
        // Latencies span decades between a healthy and a collapsed corner.
        log_colour: all_positive && hi > 100.0 * lo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::report::stat;

    #[test]
    fn replications_disagree_when_some_collapse_or_the_interval_is_wide() {
        let points = [
            vec![210.0, 518.0, 566.0], // one of three collapsed
            vec![720.0, 724.0, 726.0], // all collapsed, close
            vec![0.0, 0.0, 2.0],       // none collapsed, wide
            vec![100.0, 101.0, 99.0],  // none collapsed, close
        ];
        let t = Table {
            metrics: vec!["p99".into()],
            stats: points.iter().map(|xs| vec![stat(xs)]).collect(),
            samples: points.iter().map(|xs| vec![xs.clone()]).collect(),
            collapsed: vec![1.0 / 3.0, 1.0, 0.0, 0.0],
        };
        let shown: Vec<bool> = (0..4).map(|p| disagree(&t, p, 0)).collect();
        assert_eq!(shown, [true, false, true, false]);
    }

    #[test]
    fn bands_of_a_never_negative_metric_stop_at_zero() {
        // Two of three replications crashed nothing: the t-interval of the
        // crashes reaches far below zero.
        let crashes = stat(&[0.0, 0.0, 2.0]);
        assert!(crashes.ci_low < -1.0, "{crashes:?}");
        assert_eq!(band_floor(&[vec![crashes]], 0), 0.0);
        let signed = stat(&[-1.0, 0.5, 2.0]);
        assert_eq!(
            band_floor(&[vec![crashes], vec![signed]], 0),
            f64::NEG_INFINITY
        );
    }
}
