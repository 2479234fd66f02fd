//! One colour per meaning across every run chart: arrivals are the same blue
//! on the throughput chart as on the load chart, failures the same vermillion
//! wherever they appear. A line whose label names no known meaning keeps the
//! next unused colour.

use super::timechart::TimeChart;

/// What a line on a run chart stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Work coming in: arrivals, offered load.
    Demand,
    /// Work done, useful or not: processings, attempts.
    Work,
    /// Useful work: goodput, first successes, acknowledged deliveries.
    Useful,
    /// Work done twice or given up: duplicates, dead letters, losses.
    Wasted,
    /// Work being done now: in flight, busy, running, connections in use.
    InProgress,
    /// Errors: failures, refusals, conflicts, timeouts.
    Failure,
    /// How long things wait: age, latency.
    Delay,
    /// What waits: backlog, lag, buffered.
    Waiting,
}

impl Meaning {
    /// Index into [`super::style::PALETTE`]. Waiting and Demand share blue:
    /// no chart draws both, and a backlog is demand not yet served.
    pub fn colour(self) -> usize {
        match self {
            Meaning::Demand | Meaning::Waiting => 0,
            Meaning::Work => 1,
            Meaning::Useful => 2,
            Meaning::Wasted => 3,
            Meaning::InProgress => 4,
            Meaning::Failure => 5,
            Meaning::Delay => 6,
        }
    }

    /// The meaning a line's label names, the most specific word first.
    pub fn of_label(label: &str) -> Option<Meaning> {
        let l = label.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| l.contains(w));
        Some(if has(&["age of", "latency", "p99", "p50"]) {
            Meaning::Delay
        } else if has(&["duplicate", "dead-letter", "dlq", "lost", "dropped"]) {
            Meaning::Wasted
        } else if has(&["fail", "error", "refus", "conflict", "timed out"]) {
            Meaning::Failure
        } else if has(&["goodput", "success", "acked"]) {
            Meaning::Useful
        } else if has(&["in flight", "busy", "running", "in use", "utilisation"]) {
            Meaning::InProgress
        } else if has(&["throughput", "attempts", "processed", "processings"]) {
            Meaning::Work
        } else if has(&["arrivals", "offered"]) {
            Meaning::Demand
        } else if has(&["backlog", "lag", "buffer"]) {
            Meaning::Waiting
        } else {
            return None;
        })
    }
}

/// Gives each line of `c` without a colour of its own the colour of its
/// meaning, unless another line of the chart already took that colour (two
/// lines of one meaning on one chart must still differ).
pub fn by_meaning(mut c: TimeChart) -> TimeChart {
    let mut taken: Vec<usize> = c
        .series
        .iter()
        .chain(&c.series2)
        .filter_map(|s| s.color)
        .collect();
    for s in c.series.iter_mut().chain(c.series2.iter_mut()) {
        if s.color.is_some() {
            continue;
        }
        if let Some(i) = Meaning::of_label(&s.label).map(Meaning::colour)
            && !taken.contains(&i)
        {
            s.color = Some(i);
            taken.push(i);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::timechart::Series;

    #[test]
    fn a_meaning_has_one_colour_on_every_chart() {
        let chart = |labels: &[&str]| TimeChart {
            series: labels.iter().map(|l| Series::new(*l, vec![])).collect(),
            ..TimeChart::default()
        };
        let colour_of = |c: &TimeChart, label: &str| {
            c.series
                .iter()
                .find(|s| s.label == label)
                .and_then(|s| s.color)
        };
        let throughput = by_meaning(chart(&["arrivals", "throughput (processings)", "failures"]));
        let load = by_meaning(chart(&["failures", "offered load (requests)"]));
        assert_eq!(
            colour_of(&throughput, "failures"),
            colour_of(&load, "failures")
        );
        assert_eq!(
            colour_of(&throughput, "arrivals"),
            colour_of(&load, "offered load (requests)")
        );
        // Two lines of one meaning on one chart still differ.
        let two = by_meaning(chart(&["failures", "errors and write conflicts"]));
        assert_ne!(two.series[0].color, two.series[1].color);
    }
}
