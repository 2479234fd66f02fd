//! The comparison as a terminal table, compare.md, compare.html and
//! compare.json. The HTML page is self-contained like report.html: the
//! report's stylesheet, embedded font, escaping and SVG inlining.

use super::Comparison;
use super::headline::METRICS;
use crate::report::escape;
use std::fmt::Write as _;
use std::path::Path;

/// The change of metric `i` of variant `k` against the first: "−212 s (−45 %)".
fn change(c: &Comparison, i: usize, k: usize) -> String {
    let (a, b) = (c.variants[0].value(i), c.variants[k].value(i));
    let unit = METRICS[i].unit;
    if !a.is_finite() || !b.is_finite() {
        return "–".into();
    }
    let d = b - a;
    if d == 0.0 {
        return "same".into();
    }
    let rel = if a != 0.0 && unit != super::headline::Unit::Share {
        format!(
            ", {}{:.0} %",
            if d > 0.0 { "+" } else { "−" },
            (d / a).abs() * 100.0
        )
    } else {
        String::new()
    };
    format!("{}{rel}", unit.show_change(d))
}

/// The table: header, then rows of cells (label, first value, then each other
/// variant's value with its change).
fn table(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["".to_string()];
    for (k, v) in c.variants.iter().enumerate() {
        header.push(if k == 0 {
            v.name.clone()
        } else {
            format!("{} (change)", v.name)
        });
    }
    let mut rows = vec![];
    for (i, m) in METRICS.iter().enumerate() {
        let mut row = vec![m.label.to_string()];
        for (k, v) in c.variants.iter().enumerate() {
            let x = m.unit.show(v.value(i));
            row.push(if k == 0 {
                x
            } else {
                format!("{x} ({})", change(c, i, k))
            });
        }
        rows.push(row);
    }
    let mut row = vec!["verdict".to_string()];
    for (k, v) in c.variants.iter().enumerate() {
        let (a, b) = (c.variants[0].verdict(), v.verdict());
        row.push(if k == 0 || a == b {
            b
        } else {
            format!("{b} (was {a})")
        });
    }
    rows.push(row);
    // The verdict names every harm: so does the comparison.
    let mut row = vec!["reasons".to_string()];
    row.extend(c.variants.iter().map(|v| v.reasons()));
    rows.push(row);
    (header, rows)
}

/// The paired sentences of variant `k` (≥ 1) against the first.
fn sentences(c: &Comparison, k: usize) -> Vec<String> {
    c.paired
        .get(k - 1)
        .map(|ps| {
            ps.iter()
                .zip(METRICS.iter())
                .map(|(p, m)| p.sentence(m.label))
                .collect()
        })
        .unwrap_or_default()
}

fn note(c: &Comparison) -> String {
    if c.reps >= 2 {
        format!(
            "Each variant ran {} replications on common random numbers (the same seed and replication indices for every variant); the table shows means over the replications with a value; the differences are paired, with 95 % confidence intervals.",
            c.reps
        )
    } else {
        "One run per variant; the change is against the first column. Run with `--reps N` for confidence intervals.".into()
    }
}

pub fn terminal(c: &Comparison) -> String {
    let (header, rows) = table(c);
    let width = |j: usize| {
        std::iter::once(&header[j])
            .chain(rows.iter().map(|r| &r[j]))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w - s.chars().count())))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(&header) + "\n";
    for r in &rows {
        out += &(line(r) + "\n");
    }
    for k in 1..c.variants.len() {
        let s = sentences(c, k);
        if !s.is_empty() {
            let _ = writeln!(
                out,
                "\n{} vs {} (paired, 95 %, {} replications):",
                c.variants[k].name, c.variants[0].name, c.reps
            );
            for line in s {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}

pub fn markdown(c: &Comparison, charts: &[(String, String)]) -> String {
    let e = escape::markdown;
    let mut o = format!(
        "# Comparison: {}\n\n{}\n\n",
        e(&c.variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>()
            .join(" vs ")),
        escape::markdown_code(&note(c))
    );
    for v in &c.variants {
        let _ = writeln!(
            o,
            "- **{}**: {} (`{}`, seed {})",
            e(&v.name),
            e(&v.title),
            v.source.replace('`', "'"),
            v.seed
        );
    }
    o.push('\n');
    let (header, rows) = table(c);
    let _ = writeln!(
        o,
        "| {} |",
        header.iter().map(|h| e(h)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(o, "|{}", "---|".repeat(header.len()));
    for r in rows {
        let _ = writeln!(
            o,
            "| {} |",
            r.iter().map(|h| e(h)).collect::<Vec<_>>().join(" | ")
        );
    }
    for k in 1..c.variants.len() {
        let s = sentences(c, k);
        if !s.is_empty() {
            let _ = writeln!(
                o,
                "\n## {} vs {}\n",
                e(&c.variants[k].name),
                e(&c.variants[0].name)
            );
            for line in s {
                let _ = writeln!(o, "- {}", e(&line));
            }
        }
    }
    if !charts.is_empty() {
        o.push_str("\n## Charts\n\n");
        for (stem, title) in charts {
            let _ = writeln!(o, "![{}]({stem}.png)\n", e(title));
        }
    }
    o
}

pub fn html(c: &Comparison, dir: &Path, charts: &[(String, String)]) -> String {
    let h = escape::html;
    let names = c
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect::<Vec<_>>()
        .join(" vs ");
    let mut o = crate::report::html::head(&format!("Comparison: {names}"));
    let _ = writeln!(
        o,
        "<header>\n<h1>Comparison: {}</h1>\n<p class=\"sub\">flowsim comparison · {}</p>\n</header>",
        h(&names),
        escape::html_code(&note(c))
    );
    o.push_str("<section id=\"variants\">\n<h2>Variants</h2>\n<ul>\n");
    for v in &c.variants {
        let _ = writeln!(
            o,
            "<li><b>{}</b>: {} (<code>{}</code>, seed {})</li>",
            h(&v.name),
            h(&v.title),
            h(&v.source),
            v.seed
        );
    }
    o.push_str(
        "</ul>\n</section>\n<section id=\"numbers\">\n<h2>Headline numbers</h2>\n<table>\n<tr>",
    );
    let (header, rows) = table(c);
    for x in &header {
        let _ = write!(o, "<th>{}</th>", h(x));
    }
    o.push_str("</tr>\n");
    for r in rows {
        let _ = write!(o, "<tr><th>{}</th>", h(&r[0]));
        for x in &r[1..] {
            let _ = write!(o, "<td class=\"num\">{}</td>", h(x));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n</section>\n");
    for k in 1..c.variants.len() {
        let s = sentences(c, k);
        if !s.is_empty() {
            let _ = writeln!(
                o,
                "<section class=\"paired\">\n<h2>{} vs {} (paired, 95 %)</h2>\n<ul>",
                h(&c.variants[k].name),
                h(&c.variants[0].name)
            );
            for line in s {
                let _ = writeln!(o, "<li>{}</li>", h(&line));
            }
            o.push_str("</ul>\n</section>\n");
        }
    }
    if !charts.is_empty() {
        o.push_str("<section id=\"charts\" class=\"charts\">\n<h2>Charts</h2>\n");
        for (stem, title) in charts {
            if let Some(svg) = crate::report::html::inline_svg(dir, stem) {
                let _ = writeln!(
                    o,
                    "<figure id=\"chart-{}\">\n{svg}\n<figcaption>{}</figcaption>\n</figure>",
                    h(stem),
                    h(title)
                );
            }
        }
        o.push_str("</section>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

pub fn json(c: &Comparison) -> String {
    use serde_json::{Value, json};
    let num = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
    let variants: Vec<Value> = c
        .variants
        .iter()
        .map(|v| {
            let mut values = serde_json::Map::new();
            for (i, m) in METRICS.iter().enumerate() {
                values.insert(m.key.into(), num(v.value(i)));
            }
            let reps: Vec<Value> = v
                .reps
                .iter()
                .map(|h| {
                    let mut m2 = serde_json::Map::new();
                    for (i, m) in METRICS.iter().enumerate() {
                        m2.insert(m.key.into(), num(h.values[i]));
                    }
                    m2.insert("verdict".into(), json!(h.verdict));
                    m2.insert("reasons".into(), json!(h.reasons));
                    Value::Object(m2)
                })
                .collect();
            json!({
                "name": v.name,
                "source": v.source,
                "folder": v.folder.display().to_string(),
                "title": v.title,
                "seed": v.seed,
                "values": values,
                "verdict": v.verdict(),
                "reasons": v.reasons(),
                "replications": reps,
            })
        })
        .collect();
    let paired: Vec<Value> = c
        .paired
        .iter()
        .enumerate()
        .flat_map(|(k, ps)| {
            let name = c.variants[k + 1].name.clone();
            ps.iter().zip(METRICS.iter()).map(move |(p, m)| {
                json!({
                    "variant": name,
                    "metric": p.key,
                    "n": p.n,
                    "mean_difference": num(p.mean),
                    "ci_low": num(p.mean - p.half),
                    "ci_high": num(p.mean + p.half),
                    "significant": p.significant(),
                    "sentence": p.sentence(m.label),
                })
            })
        })
        .collect();
    let doc = json!({
        "baseline": c.variants[0].name,
        "replications": c.reps,
        "variants": variants,
        "paired": paired,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
