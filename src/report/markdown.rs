//! report.md: the same facts as report.html, for a wiki or a pull request; it
//! links the folder's PNG charts beside it.

use super::escape::{markdown as md, markdown_code as md_code};
use super::facts::{Report, Row};
use super::scenario::Block;
use std::fmt::Write as _;

fn rows_table(o: &mut String, rows: &[Row]) {
    o.push_str("| | | |\n|---|---|---|\n");
    for r in rows {
        let _ = writeln!(
            o,
            "| {} | **{}** | {} |",
            md(&r.label),
            md(&r.value),
            md(&r.note)
        );
    }
    o.push('\n');
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", md(&r.title));
    let _ = writeln!(
        o,
        "flowsim {} report · folder `{}` · scenario `{}`\n",
        match r.kind {
            super::facts::Kind::Run => "run",
            super::facts::Kind::Sweep => "sweep",
        },
        r.folder.replace('`', "'"),
        r.scenario.replace('`', "'")
    );
    if let Some(v) = &r.verdict {
        let _ = writeln!(
            o,
            "## Verdict: {}\n\n{}\n",
            v.state.to_uppercase(),
            md_code(&v.headline)
        );
        for reason in &v.reasons {
            let _ = writeln!(
                o,
                "- **{}** — {}  \n  _{}_",
                md(&reason.name),
                md_code(&reason.detail),
                md_code(&reason.meaning)
            );
        }
        if !v.reasons.is_empty() {
            o.push('\n');
        }
    }
    if let Some(s) = &r.sweep {
        o.push_str("## Collapse point and best point\n\n");
        for c in &s.collapse {
            let _ = writeln!(o, "{}\n", md_code(c));
        }
        match &s.best {
            Some(b) => {
                let _ = writeln!(o, "**{}**\n", md_code(b));
                if let Some(t) = &s.tied {
                    let _ = writeln!(o, "{}\n", md_code(t));
                }
            }
            None => o.push_str(
                "**No best point: at every point at least half the replications collapsed.**\n\n",
            ),
        }
    }
    if !r.description.is_empty() || r.scenario_note.is_some() {
        o.push_str("## Scenario\n\n");
        for b in &r.description {
            let _ = match b {
                Block::Paragraph(p) => writeln!(o, "{}\n", md_code(p)),
                // An indented code block: nothing in it can end it early.
                Block::Lines(lines) => {
                    let kept: Vec<String> = lines.iter().map(|l| format!("    {l}")).collect();
                    writeln!(o, "{}\n", kept.join("\n"))
                }
            };
        }
        if let Some(n) = &r.scenario_note {
            let _ = writeln!(o, "_{}_\n", md_code(n));
        }
    }
    if !r.headline.is_empty() {
        o.push_str("## Headline numbers\n\n");
        rows_table(&mut o, &r.headline);
    }
    o.push_str("## Design-rule warnings\n\n");
    if r.warnings.is_empty() {
        o.push_str(if r.settings.is_empty() {
            "Not checked: the scenario is not stored in this folder.\n\n"
        } else {
            "None: the scenario breaks no design rule.\n\n"
        });
    } else {
        for w in &r.warnings {
            let _ = writeln!(o, "- {}", md_code(w));
        }
        o.push('\n');
    }
    o.push_str("## Key parameters\n\n");
    rows_table(&mut o, &r.facts);
    if !r.settings.is_empty() {
        o.push_str("| Table | Name | Settings |\n|---|---|---|\n");
        for s in &r.settings {
            let values: Vec<String> = s.values.iter().map(|v| md(v)).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                md(&s.section),
                md(&s.name),
                values.join("; ")
            );
        }
        o.push('\n');
    }
    if let Some(s) = &r.sweep
        && !s.points.is_empty()
    {
        o.push_str("## Points\n\n|");
        for h in &s.points_header {
            let _ = write!(o, " {} |", md(h));
        }
        o.push_str("\n|");
        o.push_str(&"---|".repeat(s.points_header.len()));
        o.push('\n');
        for row in &s.points {
            o.push('|');
            for c in row {
                let _ = write!(o, " {} |", md(c));
            }
            o.push('\n');
        }
        o.push('\n');
    }
    o.push_str("## Charts\n\n");
    if r.charts.is_empty() {
        let _ = writeln!(o, "{}\n", super::facts::NO_CHARTS);
    }
    for c in &r.charts {
        let why = c
            .why
            .as_ref()
            .map_or(String::new(), |w| format!(" — {}", md(w)));
        let _ = writeln!(
            o,
            "### {}{why}\n\n![{}]({}.png)\n",
            md(&c.title),
            md(&c.title),
            c.stem
        );
    }
    o
}
