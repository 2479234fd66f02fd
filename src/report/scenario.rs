//! The scenario behind an output folder, from the copy kept beside the outputs
//! (`scenario.toml`, written by `--report`): its description (the file's opening
//! comment), its settings, and the design rules it breaks, recomputed.

use super::facts::Setting;
use std::path::Path;

/// The copy of the scenario file kept in an output folder.
pub const FILE: &str = "scenario.toml";

/// What the stored scenario says, or None when the folder has no copy.
pub struct Stored {
    pub title: Option<String>,
    pub description: Vec<Block>,
    pub settings: Vec<Setting>,
    pub warnings: Vec<String>,
    /// The copy did not load (a scenario from another flowsim version): why.
    pub problem: Option<String>,
}

/// Reads `dir/scenario.toml`; None when it is not there.
pub fn read(dir: &Path) -> Option<Stored> {
    let text = std::fs::read_to_string(dir.join(FILE)).ok()?;
    Some(from_text(&text))
}

pub fn from_text(text: &str) -> Stored {
    let description = description(text);
    let doc: Option<toml::Table> = text.parse().ok();
    let settings = doc.as_ref().map(settings).unwrap_or_default();
    let title = doc
        .as_ref()
        .and_then(|d| d.get("run")?.get("title")?.as_str().map(str::to_string));
    let (warnings, problem) = match crate::scenario::load_str(FILE, text) {
        Ok(s) => (
            crate::scenario::rules::check(&s)
                .iter()
                .map(|w| format!("{} — {}: {} (fix: {})", w.rule, w.path, w.message, w.fix))
                .collect(),
            None,
        ),
        Err(e) => (
            vec![],
            Some(format!(
                "{FILE} does not load with this flowsim, so its design rules were not checked: {}",
                e.to_string().lines().next().unwrap_or_default()
            )),
        ),
    };
    Stored {
        title,
        description,
        settings,
        warnings,
        problem,
    }
}

/// A block of a scenario's description.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Lines of text run together.
    Paragraph(String),
    /// Indented comment lines, kept line by line with their indentation: a
    /// small table of results, a list, a command.
    Lines(Vec<String>),
}

/// The comment that opens the file, up to its first line of TOML: scenario
/// files describe themselves there. Lines run together into paragraphs,
/// which blank comment lines separate; a line indented past the usual
/// `# ` is kept as it is written, with the indented lines around it.
fn description(text: &str) -> Vec<Block> {
    let mut blocks = vec![];
    let mut paragraph = String::new();
    let mut lines: Vec<String> = vec![];
    let flush = |blocks: &mut Vec<Block>, paragraph: &mut String, lines: &mut Vec<String>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(std::mem::take(paragraph)));
        }
        if !lines.is_empty() {
            let indent = lines
                .iter()
                .map(|l| l.bytes().take_while(|b| *b == b' ').count())
                .min()
                .unwrap_or(0);
            blocks.push(Block::Lines(
                lines.drain(..).map(|l| l[indent..].to_string()).collect(),
            ));
        }
    };
    for line in text.lines() {
        let t = line.trim();
        let Some(c) = t.strip_prefix('#') else {
            if t.is_empty() {
                continue;
            }
            break;
        };
        let kept = c.strip_prefix(' ').unwrap_or(c).trim_end();
        if kept.trim().is_empty() {
            flush(&mut blocks, &mut paragraph, &mut lines);
        } else if kept.starts_with(' ') {
            if !paragraph.is_empty() {
                blocks.push(Block::Paragraph(std::mem::take(&mut paragraph)));
            }
            lines.push(kept.to_string());
        } else {
            if !lines.is_empty() {
                flush(&mut blocks, &mut paragraph, &mut lines);
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(kept.trim());
        }
    }
    flush(&mut blocks, &mut paragraph, &mut lines);
    blocks
}

/// One row per table and per element of an array of tables, with its plain
/// values; nested tables are written inline. The `[sweep]` table is the sweep's
/// report's business.
fn settings(doc: &toml::Table) -> Vec<Setting> {
    let mut rows = vec![];
    // The toml crate keeps keys sorted; list components as a reader meets
    // them: the run, where messages wait, who sends, who works, what it calls.
    let mut sections: Vec<(&String, &toml::Value)> = doc.iter().collect();
    sections.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    for (section, value) in sections {
        if section == "sweep" {
            continue;
        }
        match value {
            toml::Value::Table(t) => rows.push(setting(section, t)),
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::Table(t) = item {
                        rows.push(setting(section, t));
                    }
                }
            }
            other => rows.push(Setting {
                section: String::new(),
                name: String::new(),
                values: vec![format!("{section} = {}", inline(other))],
            }),
        }
    }
    rows
}

const ORDER: &[&str] = &[
    "run", "queue", "topic", "push", "producer", "client", "consumer", "database", "api",
    "service", "record", "fault", "verdict",
];

fn setting(section: &str, t: &toml::Table) -> Setting {
    Setting {
        section: section.into(),
        name: t
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .into(),
        values: t
            .iter()
            .filter(|(k, _)| *k != "name" && *k != "title")
            .map(|(k, v)| format!("{k} = {}", inline(v)))
            .collect(),
    }
}

/// A value as TOML writes it inline: `{ dist = "lognormal", mean = 0.2 }`.
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(t) => {
            let inner: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        toml::Value::Array(a) => {
            format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# First line
# goes on.
#
# Second paragraph.

[run]
title = "T"
horizon_s = 60

[[queue]]
name = "orders"

[[producer]]
rate = 20.0
profile = [{ kind = "spike", at_s = 10, duration_s = 5, factor = 3 }]

[[consumer]]
workers = 4
processing_s = { dist = "exponential", mean = 0.1 }
"#;

    #[test]
    fn the_opening_comment_is_the_description() {
        let s = from_text(TEXT);
        assert_eq!(
            s.description,
            [
                Block::Paragraph("First line goes on.".into()),
                Block::Paragraph("Second paragraph.".into())
            ]
        );
        assert_eq!(s.title.as_deref(), Some("T"));
        assert!(s.problem.is_none(), "{:?}", s.problem);
    }

    /// An indented table in the comment stays a table: its lines apart,
    /// their columns lined up, the common indentation taken off.
    #[test]
    fn indented_comment_lines_are_kept_as_written() {
        let text = "# Measured, collapse points:\n#   attempts 1   none\n#   attempts 2   50/s\n# Retries look harmless.\n#\n#     cmd --flag\n\n[run]\n";
        assert_eq!(
            description(text),
            [
                Block::Paragraph("Measured, collapse points:".into()),
                Block::Lines(vec!["attempts 1   none".into(), "attempts 2   50/s".into()]),
                Block::Paragraph("Retries look harmless.".into()),
                Block::Lines(vec!["cmd --flag".into()]),
            ]
        );
    }

    #[test]
    fn each_component_is_a_row_with_its_values_inline() {
        let s = from_text(TEXT);
        let consumer = s
            .settings
            .iter()
            .find(|r| r.section == "consumer")
            .expect("consumer");
        assert!(consumer.values.contains(&"workers = 4".to_string()));
        assert!(
            consumer
                .values
                .iter()
                .any(|v| v.starts_with("processing_s = { dist = \"exponential\""))
        );
        let queue = s
            .settings
            .iter()
            .find(|r| r.section == "queue")
            .expect("queue");
        assert_eq!(queue.name, "orders");
    }

    #[test]
    fn a_scenario_that_does_not_load_says_why() {
        let s = from_text("[run]\nhorizon_s = -1\n");
        assert!(s.problem.is_some());
    }
}
