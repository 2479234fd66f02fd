//! How `flowsim run` ends on the terminal: each run names the charts that
//! tell its story and its report (or how to get one); several runs end with
//! one line per scenario, so the verdicts can be read at a glance.

use crate::export::table::secs;
use crate::metrics::verdict::State;
use crate::report::format::rate;
use crate::run::Summary;
use std::path::Path;

/// `  charts      dir/concurrency.png · dir/downstream_calls.png`: the charts
/// that show the verdict's first reason first; nothing when none were drawn.
pub fn charts_line(dir: &Path, reasons: &[String]) -> String {
    let charts = crate::report::story_charts(dir, reasons);
    if charts.is_empty() {
        return String::new();
    }
    let names: Vec<String> = charts.iter().map(|c| c.display().to_string()).collect();
    format!("  charts      {}\n", names.join(" · "))
}

/// A run without `--report`: how to write its report from the folder.
pub fn no_report_line(dir: &Path) -> String {
    format!(
        "  report      none written (--report, or later: flowsim report {})\n",
        dir.display()
    )
}

/// One scenario in the closing overview: its verdict, p99, goodput, folder.
pub fn overview_line(s: &Summary, dir: &Path) -> String {
    let state = match s.verdict.state {
        State::Stable => "stable".to_string(),
        State::Degraded => "DEGRADED".to_string(),
        State::Collapsed => format!(
            "COLLAPSED ({})",
            s.verdict.reason.map(|r| r.name()).unwrap_or_default()
        ),
    };
    // A run of clients alone has no messages: no end-to-end numbers.
    let numbers = if s.producers.is_empty() {
        "\t".to_string()
    } else {
        format!(
            "p99 {}\tgoodput {}",
            secs(s.latency.end_to_end.p99_s),
            rate(s.goodput_per_s)
        )
    };
    format!(
        "{}\t{state}\t{numbers}\t{}",
        stem(&s.scenario),
        dir.display()
    )
}

/// A scenario whose run failed (its error is printed above the overview).
pub fn failed_line(file: &Path) -> String {
    format!(
        "{}\tFAILED (see the error above)\t\t\t",
        stem(&file.display().to_string())
    )
}

fn stem(label: &str) -> String {
    Path::new(label)
        .file_stem()
        .map_or(label.to_string(), |s| s.to_string_lossy().into_owned())
}

/// The overview: the lines' tab-separated columns aligned.
pub fn overview(lines: &[String]) -> String {
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = format!("overview of {} scenarios\n", lines.len());
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = widths[c].saturating_sub(s.chars().count());
                format!("{s}{}", " ".repeat(pad))
            })
            .collect();
        out.push_str(&format!("  {}\n", cells.join("  ").trim_end()));
    }
    out
}
