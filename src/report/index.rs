//! index.html: with several folders, a page that links each one's report with
//! its verdict, written in their common parent folder.

use super::escape::html;
use super::facts::Report;
use std::fmt::Write as _;

/// `reports` are (the report's path relative to the index, its facts).
pub fn render(reports: &[(String, Report)]) -> String {
    let mut o = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>flowsim reports</title>\n<style>\nbody{font-family:sans-serif;max-width:1000px;margin:0 auto;padding:24px}\ntable{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ddd}\n.stable{color:#0b7a3e}.degraded{color:#a86200}.collapsed{color:#b3261e}.why{color:#666;font-size:90%}\n</style>\n</head>\n<body>\n<h1>flowsim reports</h1>\n<table>\n<tr><th>Report</th><th>Folder</th><th>Verdict</th></tr>\n",
    );
    for (href, r) in reports {
        // The state and every reason's name: a list of runs read down the
        // verdict column names each harm, not only the worst state.
        let mut reasons = String::new();
        let (state, class) = match (&r.verdict, &r.sweep) {
            (Some(v), _) => {
                let names: Vec<&str> = v.reasons.iter().map(|x| x.name.as_str()).collect();
                if !names.is_empty() {
                    reasons = format!(" <span class=\"why\">{}</span>", html(&names.join(", ")));
                }
                (v.state.clone(), v.state.clone())
            }
            (None, Some(s)) => (
                s.best
                    .clone()
                    .unwrap_or_else(|| "sweep: no best point".into()),
                String::new(),
            ),
            _ => (String::new(), String::new()),
        };
        let _ = writeln!(
            o,
            "<tr><td><a href=\"{}\">{}</a></td><td><code>{}</code></td><td><span class=\"{}\">{}</span>{reasons}</td></tr>",
            html(href),
            html(&r.title),
            html(&r.folder),
            html(&class),
            html(&state)
        );
    }
    o.push_str("</table>\n</body>\n</html>\n");
    o
}
