//! What a report says, gathered from an output folder's files before any of it
//! is rendered: HTML and Markdown render the same facts.

/// A run's folder or a sweep's folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Run,
    Sweep,
}

/// One row of a table of labelled values.
#[derive(Clone, Debug)]
pub struct Row {
    pub label: String,
    pub value: String,
    /// What the value is, or when: "at 116 s", "whole run".
    pub note: String,
}

impl Row {
    pub fn new(label: &str, value: String, note: impl Into<String>) -> Row {
        Row {
            label: label.into(),
            value,
            note: note.into(),
        }
    }
}

/// One component's settings from the scenario, for the parameters table.
#[derive(Clone, Debug)]
pub struct Setting {
    /// The scenario's table: `run`, `queue`, `consumer`, …
    pub section: String,
    /// The component's `name`, if it has one.
    pub name: String,
    /// `key = value` pairs, in file order.
    pub values: Vec<String>,
}

/// The verdict of a run: its state and every reason, in words.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// `stable`, `degraded` or `collapsed`.
    pub state: String,
    /// One sentence: what the state means.
    pub headline: String,
    pub reasons: Vec<Reason>,
}

#[derive(Clone, Debug)]
pub struct Reason {
    /// The reason's name in summary.json (`backlog_growth`).
    pub name: String,
    /// What it means, in a sentence.
    pub meaning: String,
    /// The evidence, with the numbers.
    pub detail: String,
}

/// A chart of the folder: its files and its title.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem: `backlog` for backlog.svg and backlog.png.
    pub stem: String,
    pub title: String,
    /// Why it is shown where it is ("the verdict's reason is …"), if it was
    /// moved up.
    pub why: Option<String>,
}

/// A sweep's own facts.
#[derive(Clone, Debug, Default)]
pub struct Sweep {
    /// One sentence per line of the grid: where it collapses, or that it does not.
    pub collapse: Vec<String>,
    /// The best point, in a sentence; None when every point collapsed.
    pub best: Option<String>,
    /// The points the objective does not tell from the best one (their
    /// intervals overlap), in a sentence; None when there are none.
    pub tied: Option<String>,
    /// The points table: header, then one row per point.
    pub points_header: Vec<String>,
    pub points: Vec<Vec<String>>,
}

/// What a report says in place of its charts when the folder has none.
pub const NO_CHARTS: &str = "This folder has no charts (or not in both formats): it was written with `--charts none`, `png` or `svg`, and a report shows the SVGs and links the PNGs. Run it again without `--charts` to have them.";

/// Everything a report shows, in the order it shows it.
#[derive(Clone, Debug)]
pub struct Report {
    pub kind: Kind,
    pub title: String,
    /// The folder's name, for the page title and the index.
    pub folder: String,
    /// The scenario's path as it was run.
    pub scenario: String,
    /// The scenario file's opening comment: paragraphs, and lines kept as
    /// written.
    pub description: Vec<super::scenario::Block>,
    /// Why the description, settings and warnings are missing, when they are.
    pub scenario_note: Option<String>,
    /// Run facts (seed, horizon, stop) or sweep facts (points, replications).
    pub facts: Vec<Row>,
    pub settings: Vec<Setting>,
    pub verdict: Option<Verdict>,
    pub headline: Vec<Row>,
    /// Design-rule warnings, one line each.
    pub warnings: Vec<String>,
    pub sweep: Option<Sweep>,
    pub charts: Vec<Chart>,
}
