//! report.html: one self-contained page. The charts are the folder's SVG files,
//! inlined; the font is embedded; no script and no network. Built from plain
//! strings: every text that comes from a scenario or a summary goes through
//! [`html`] escaping. A print stylesheet lays it out on A4.

use super::escape::{html, html_code};
use super::facts::{Report, Row};
use super::font;
use super::scenario::Block;
use std::fmt::Write as _;
use std::path::Path;

const CSS: &str = r#"
:root{--ink:#222;--muted:#666;--line:#ddd;--stable:#0b7a3e;--degraded:#a86200;--collapsed:#b3261e}
*{box-sizing:border-box}
body{font-family:FONT,sans-serif;color:var(--ink);max-width:1100px;margin:0 auto;padding:24px;line-height:1.45;font-size:15px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.sub{color:var(--muted);margin:0 0 16px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{background:#f4f4f4;white-space:nowrap}
td.num{white-space:nowrap;font-weight:bold}
td.note{color:var(--muted)}
code{font-family:FONT,monospace;font-size:13px;background:#f4f4f4;padding:0 3px}
td code{display:inline-block;margin:1px 0}
pre.kept{font-family:monospace;font-size:13px;background:#f7f7f7;padding:6px 10px;margin:8px 0;overflow-x:auto;white-space:pre}
.state{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:bold;text-transform:uppercase;letter-spacing:.04em}
.state.stable{background:var(--stable)}.state.degraded{background:var(--degraded)}.state.collapsed{background:var(--collapsed)}
.verdict{border-left:6px solid var(--line);padding:8px 14px;background:#fafafa}
.verdict.stable{border-color:var(--stable)}.verdict.degraded{border-color:var(--degraded)}.verdict.collapsed{border-color:var(--collapsed)}
.reasons li{margin:6px 0}.meaning{color:var(--muted)}
.warnings li{margin:4px 0}
.note{color:var(--muted);font-style:italic}
figure{margin:16px 0 24px;break-inside:avoid;page-break-inside:avoid}
figure svg{display:block;width:100%;height:auto;border:1px solid var(--line)}
figure svg text{font-family:FONT,sans-serif}
figcaption{color:var(--muted);font-size:13px;margin-top:4px}
.best{font-weight:bold}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{max-width:none;padding:0;font-size:10.5pt}
 h1{font-size:18pt}h2{font-size:13pt;break-after:avoid;page-break-after:avoid}
 table{font-size:9pt}
 tr{break-inside:avoid;page-break-inside:avoid}
 figure svg{border:none}
 .charts figure{break-before:auto}
 a{color:inherit;text-decoration:none}
}
"#;

fn rows_table(out: &mut String, rows: &[Row]) {
    out.push_str("<table>\n");
    for r in rows {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"note\">{}</td></tr>",
            html(&r.label),
            html(&r.value),
            html(&r.note)
        );
    }
    out.push_str("</table>\n");
}

/// The SVG as written by the chart, without an XML prolog (not allowed inline).
/// The charts escape their text; a file that holds active content anyway (a
/// folder edited by hand) is not inlined, so the page never runs a script.
pub(crate) fn inline_svg(dir: &Path, stem: &str) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).ok()?;
    let lower = text.to_ascii_lowercase();
    if [
        "<script",
        "<foreignobject",
        "javascript:",
        "<iframe",
        "href=\"http",
    ]
    .iter()
    .any(|bad| lower.contains(bad))
    {
        return None;
    }
    let start = text.find("<svg")?;
    Some(text[start..].trim_end().to_string())
}

fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// The page up to `<body>`: title, embedded font and stylesheet (shared with
/// compare.html).
pub(crate) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}{}</style>\n</head>\n<body>\n",
        html(title),
        font::face_css(),
        CSS.replace("FONT", &format!("\"{}\"", font::FAMILY))
    )
}

pub fn render(r: &Report, dir: &Path) -> String {
    let mut o = head(&format!("{} — flowsim report", r.title));
    let kind = match r.kind {
        super::facts::Kind::Run => "run",
        super::facts::Kind::Sweep => "sweep",
    };
    let _ = writeln!(o, "<header>\n<h1>{}</h1>", html(&r.title));
    let _ = writeln!(
        o,
        "<p class=\"sub\">flowsim {kind} report · folder <code>{}</code> · scenario <code>{}</code></p>\n</header>",
        html(&r.folder),
        html(&r.scenario)
    );

    if let Some(v) = &r.verdict {
        let state = html(&v.state);
        let _ = writeln!(
            o,
            "<section id=\"verdict\" class=\"verdict {state}\">\n<h2>Verdict: <span class=\"state {state}\">{state}</span></h2>\n<p>{}</p>",
            html_code(&v.headline)
        );
        if !v.reasons.is_empty() {
            o.push_str("<ul class=\"reasons\">\n");
            for reason in &v.reasons {
                let _ = writeln!(
                    o,
                    "<li><strong>{}</strong> — {}<br><span class=\"meaning\">{}</span></li>",
                    html(&reason.name),
                    html_code(&reason.detail),
                    html_code(&reason.meaning)
                );
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</section>\n");
    }

    if let Some(s) = &r.sweep {
        o.push_str("<section id=\"sweep\">\n<h2>Collapse point and best point</h2>\n");
        for c in &s.collapse {
            let _ = writeln!(o, "<p>{}</p>", html_code(c));
        }
        match &s.best {
            Some(b) => {
                let _ = writeln!(o, "<p class=\"best\">{}</p>", html_code(b));
                if let Some(t) = &s.tied {
                    let _ = writeln!(o, "<p>{}</p>", html_code(t));
                }
            }
            None => o.push_str(
                "<p class=\"best\">No best point: at every point at least half the replications collapsed.</p>\n",
            ),
        }
        o.push_str("</section>\n");
    }

    if !r.description.is_empty() || r.scenario_note.is_some() {
        o.push_str("<section id=\"scenario\">\n<h2>Scenario</h2>\n");
        for b in &r.description {
            let _ = match b {
                Block::Paragraph(p) => writeln!(o, "<p>{}</p>", html_code(p)),
                Block::Lines(lines) => {
                    writeln!(o, "<pre class=\"kept\">{}</pre>", html(&lines.join("\n")))
                }
            };
        }
        if let Some(n) = &r.scenario_note {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", html_code(n));
        }
        o.push_str("</section>\n");
    }

    if !r.headline.is_empty() {
        o.push_str("<section id=\"headline\">\n<h2>Headline numbers</h2>\n");
        rows_table(&mut o, &r.headline);
        o.push_str("</section>\n");
    }

    o.push_str("<section id=\"warnings\">\n<h2>Design-rule warnings</h2>\n");
    if r.warnings.is_empty() {
        let none = if r.settings.is_empty() {
            "Not checked: the scenario is not stored in this folder."
        } else {
            "None: the scenario breaks no design rule."
        };
        let _ = writeln!(o, "<p>{none}</p>");
    } else {
        o.push_str("<ul class=\"warnings\">\n");
        for w in &r.warnings {
            let _ = writeln!(o, "<li>{}</li>", html_code(w));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");

    o.push_str("<section id=\"parameters\">\n<h2>Key parameters</h2>\n");
    rows_table(&mut o, &r.facts);
    if !r.settings.is_empty() {
        o.push_str("<table>\n<tr><th>Table</th><th>Name</th><th>Settings</th></tr>\n");
        for s in &r.settings {
            let values: Vec<String> = s
                .values
                .iter()
                .map(|v| format!("<code>{}</code>", html(v)))
                .collect();
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                html(&s.section),
                html(&s.name),
                values.join(" ")
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("</section>\n");

    if let Some(s) = &r.sweep
        && !s.points.is_empty()
    {
        o.push_str("<section id=\"points\">\n<h2>Points</h2>\n<table>\n<tr>");
        for h in &s.points_header {
            let _ = write!(o, "<th>{}</th>", html(h));
        }
        o.push_str("</tr>\n");
        for row in &s.points {
            o.push_str("<tr>");
            for c in row {
                let _ = write!(o, "<td>{}</td>", html(c));
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n</section>\n");
    }

    o.push_str("<section id=\"charts\" class=\"charts\">\n<h2>Charts</h2>\n");
    if r.charts.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", html_code(super::facts::NO_CHARTS));
    }
    for c in &r.charts {
        let Some(svg) = inline_svg(dir, &c.stem) else {
            continue;
        };
        // The chart draws its own title; the caption says only why it comes
        // first, and names the files for a reader who wants the PNG.
        let why = c
            .why
            .as_ref()
            .map_or(String::new(), |w| format!("{}: ", sentence_case(w)));
        let _ = writeln!(
            o,
            "<figure id=\"chart-{stem}\" aria-label=\"{}\">\n{svg}\n<figcaption>{}<code>{stem}.svg</code>, <code>{stem}.png</code></figcaption>\n</figure>",
            html(&c.title),
            html(&why),
            stem = html(&c.stem),
        );
    }
    o.push_str("</section>\n</body>\n</html>\n");
    o
}
