//! plan.json and plan.md (and, with `--sensitivity`, the tornado chart),
//! each written whole: a reader never sees half a plan.

use super::{Evaluation, PlanReport, PlannerError};
use crate::export::objectives::dollars;
use crate::report::format::number;
use std::fmt::Write as _;
use std::path::Path;

fn put(path: &Path, text: &str) -> Result<(), PlannerError> {
    crate::atomic_file::write(path, text).map_err(|source| PlannerError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes the plan's files into `dir`; returns plan.md's text.
pub fn all(
    dir: &Path,
    r: &PlanReport,
    charts: crate::charts::ChartOptions,
) -> Result<String, PlannerError> {
    std::fs::create_dir_all(dir).map_err(|source| PlannerError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let json = serde_json::to_string_pretty(r).unwrap_or_default() + "\n";
    put(&dir.join("plan.json"), &json)?;
    let md = markdown(r);
    put(&dir.join("plan.md"), &md)?;
    if !r.sensitivity.is_empty() {
        crate::charts::tornado::draw(dir, &r.sensitivity, charts).map_err(|e| {
            PlannerError::Chart {
                path: dir.join("tornado"),
                message: e.to_string(),
            }
        })?;
    }
    Ok(md)
}

/// `key = value, key = value`.
pub fn configuration(r: &PlanReport, e: &Evaluation) -> String {
    r.keys
        .iter()
        .zip(&e.values)
        .map(|(k, v)| format!("{} = {v}", k.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SLOs of an evaluation: `p99_s 41.2 (upper bound 47.0 ≤ 60)`.
fn slos(e: &Evaluation) -> String {
    e.slo
        .iter()
        .map(|s| {
            let show = |x: Option<f64>| x.map_or("no value".into(), number);
            format!(
                "{} mean {} (bounds {} … {}; target ≤ {})",
                s.name,
                show(s.mean),
                show(s.low),
                show(s.high),
                number(s.target)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn decision(e: &Evaluation) -> String {
    let d = match e.decision {
        super::Decision::Holds => "holds",
        super::Decision::Fails => "fails",
        super::Decision::Undecided => "undecided at the replication cap (counted as failing)",
    };
    if e.early_stop {
        format!("{d} (stopped after 1 replication: beyond doubt)")
    } else {
        format!("{d} after {} replications", e.reps)
    }
}

pub fn markdown(r: &PlanReport) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "# Plan: {}\n", r.scenario);
    let _ = writeln!(
        t,
        "Seed {}; a configuration holds when every SLO's one-sided {} % interval is on its good side ({} to {} replications).\n",
        r.seed,
        number(r.confidence * 100.0),
        r.min_reps,
        r.max_reps
    );
    let _ = writeln!(t, "## Decision keys\n");
    let bisected = super::search::bisected(&r.keys);
    for (i, k) in r.keys.iter().enumerate() {
        let values: Vec<String> = k.values.iter().map(ToString::to_string).collect();
        // Only one key is bisected; the others take every value.
        let how = match (k.monotone, bisected == Some(i)) {
            (true, true) => "more never hurts: bisected",
            (true, false) => "more never hurts: every value tried",
            (false, _) => "more can hurt: every value tried",
        };
        let _ = writeln!(t, "- `{}`: {} ({how})", k.path, values.join(", "));
    }
    let _ = writeln!(t, "\n## Answer\n");
    match &r.chosen {
        None => {
            let _ = writeln!(
                t,
                "No configuration meets every SLO with the stated confidence. Widen the ranges, or relax the SLOs."
            );
        }
        Some(c) => {
            let _ = writeln!(
                t,
                "- **Chosen**: {} — {}/h ({} per million messages); {}; {}",
                configuration(r, c),
                dollars(c.cost_per_hour),
                c.cost_per_million_messages.map_or("–".into(), dollars),
                decision(c),
                slos(c)
            );
            match &r.runner_up {
                Some(u) => {
                    let _ = writeln!(
                        t,
                        "- **Runner-up**: {} — {}/h; {}",
                        configuration(r, u),
                        dollars(u.cost_per_hour),
                        decision(u)
                    );
                }
                None => {
                    let _ = writeln!(t, "- **Runner-up**: none held");
                }
            }
            for n in &r.next_cheaper {
                let _ = writeln!(
                    t,
                    "- Next cheaper on `{}`: {} — {}; {}",
                    n.key,
                    configuration(r, &n.evaluation),
                    decision(&n.evaluation),
                    slos(&n.evaluation)
                );
            }
            if let Some(h) = &r.headroom {
                let _ = writeln!(
                    t,
                    "- **Headroom**: holds at {} × every producer and client rate{}",
                    number(h.holds_at),
                    h.fails_at.map_or(" (the most tried)".into(), |f| format!(
                        "; not at {} ×{}",
                        number(f),
                        if h.none() {
                            ": **no margin**, a rise in load that small breaks an SLO"
                        } else {
                            ""
                        }
                    ))
                );
            }
        }
    }
    let _ = writeln!(t, "\n## Runs\n");
    let _ = writeln!(
        t,
        "- search: {} runs; a grid of all {} configurations × {} replications: {} runs",
        r.search_runs, r.grid_points, r.min_reps, r.grid_runs
    );
    let _ = writeln!(t, "- headroom: {} runs", r.headroom_runs);
    if !r.sensitivity.is_empty() {
        let _ = writeln!(t, "- sensitivity: {} runs", r.sensitivity_runs);
        let _ = writeln!(t, "\n## Sensitivity\n");
        let _ = writeln!(t, "![tornado](tornado.png)\n");
        let _ = writeln!(
            t,
            "| key | low → high | {} low / base / high | cost/h low / base / high |",
            r.sensitivity[0].metric
        );
        let _ = writeln!(t, "|---|---|---|---|");
        for s in &r.sensitivity {
            let show = |x: Option<f64>| x.map_or("–".into(), number);
            let _ = writeln!(
                t,
                "| `{}` | {} → {} | {} / {} / {} | {} / {} / {} |",
                s.key,
                s.low,
                s.high,
                show(s.metric_low),
                show(s.metric_base),
                show(s.metric_high),
                dollars(s.cost_low),
                dollars(s.cost_base),
                dollars(s.cost_high)
            );
        }
    }
    let _ = writeln!(t, "\n## Every configuration evaluated\n");
    let _ = writeln!(t, "| configuration | load × | decision | cost/h | SLOs |");
    let _ = writeln!(t, "|---|---|---|---|---|");
    for e in &r.evaluations {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} |",
            configuration(r, e),
            number(e.load_factor),
            decision(e),
            dollars(e.cost_per_hour),
            slos(e)
        );
    }
    t
}
