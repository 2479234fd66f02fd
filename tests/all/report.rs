//! `flowsim report` and `--report`: a report.html a reviewer can read without
//! having run anything — the title, the verdict and its reasons, the headline
//! numbers from summary.json, one inlined SVG per chart, nothing fetched from
//! the network, every user string escaped — and a report.md beside it.

use crate::common::flowsim;
use flowsim::report::format;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ok(o: Output) -> Output {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("summary.json"))).expect("summary.json")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn svg_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    v.sort();
    v
}

/// Every value of a `src="…"` or `href="…"` attribute of the page.
fn links(html: &str) -> Vec<String> {
    let mut out = vec![];
    for attr in ["src=\"", "href=\"", "src='", "href='"] {
        let quote = &attr[attr.len() - 1..];
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find(quote).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// Copies a scenario of scenarios/ into `dir`, with edits to its text.
fn scenario(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = read(&root().join("scenarios").join(name));
    for (from, to) in edits {
        assert!(text.contains(from), "{name} has no `{from}`");
        text = text.replacen(from, to, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

#[test]
fn a_run_report_holds_the_verdict_its_reasons_the_numbers_and_every_chart() {
    let d = tempfile::tempdir().unwrap();
    scenario(d.path(), "zombie-loop.toml", &[]);
    ok(flowsim(
        &["run", "zombie-loop.toml", "--out", "out", "--report", "-q"],
        d.path(),
    ));
    let dir = d.path().join("out/zombie-loop");
    let html = read(&dir.join("report.html"));
    let s = summary(&dir);

    let title = s["title"].as_str().expect("title");
    assert!(html.contains(&format!("<h1>{}</h1>", html_escape(title))));
    assert_eq!(s["verdict"]["state"], "degraded");
    assert!(html.contains("<span class=\"state degraded\">degraded</span>"));
    let reasons = s["verdict"]["reasons"].as_array().expect("reasons");
    assert!(!reasons.is_empty());
    for r in reasons {
        let name = r["reason"].as_str().expect("reason");
        let detail = r["detail"].as_str().expect("detail");
        assert!(html.contains(&format!("<strong>{name}</strong>")), "{name}");
        assert!(html.contains(&html_escape(detail)), "{detail}");
    }
    // Headline numbers, read from summary.json and formatted as the report does.
    let f = |p: &str| s.pointer(p).and_then(|v| v.as_f64()).expect(p);
    for expected in [
        format::rate(f("/goodput_per_s")),
        format::secs(f("/latency/end_to_end/p50_s")),
        format::secs(f("/latency/end_to_end/p99_s")),
        format::count(f("/ledger/duplicates")),
        format::percent(f("/review/dead_lettered_fraction")),
        format::secs(f("/review/peak_oldest_age_s")),
    ] {
        assert!(
            html.contains(&format!("<td class=\"num\">{expected}</td>")),
            "{expected} missing"
        );
    }
    // The design rule this scenario breaks on purpose, recomputed from the copy.
    assert!(html.contains("visibility-timeout"));
    assert_eq!(
        read(&dir.join("scenario.toml")),
        read(&d.path().join("zombie-loop.toml"))
    );

    // One inlined SVG per chart file, and nothing fetched from elsewhere.
    let svgs = svg_files(&dir);
    assert!(svgs.len() >= 2, "{svgs:?}");
    assert_eq!(html.matches("<svg").count(), svgs.len());
    for l in links(&html) {
        assert!(
            !l.starts_with("http://") && !l.starts_with("https://") && !l.starts_with("//"),
            "external link {l}"
        );
    }
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    // The charts' font travels with the page.
    assert!(html.contains("@font-face") && html.contains("data:font/ttf;base64,"));

    let md = read(&dir.join("report.md"));
    assert!(md.contains("## Verdict: DEGRADED"));
    for svg in &svgs {
        let png = svg.replace(".svg", ".png");
        assert!(md.contains(&format!("]({png})")), "{png} not linked");
        assert!(dir.join(&png).is_file());
    }
}

#[test]
fn the_charts_that_show_the_verdict_come_first() {
    let d = tempfile::tempdir().unwrap();
    scenario(d.path(), "retry-storm.toml", &[]);
    ok(flowsim(
        &["run", "retry-storm.toml", "--out", "out", "--report", "-q"],
        d.path(),
    ));
    let html = read(&d.path().join("out/retry-storm/report.html"));
    assert!(html.contains("COLLAPSED") || html.contains("state collapsed"));
    // A metastable retry storm is told by the clients' load chart.
    let first = html.find("<figure id=\"chart-").expect("a chart");
    assert!(html[first..].starts_with("<figure id=\"chart-load\""));
}

#[test]
fn every_user_string_is_escaped() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("evil.toml"),
        "# Says <script>alert(2)</script> too.\n\n[run]\ntitle = \"<script>alert(1)</script> & co\"\nhorizon_s = 30\n\
         [[queue]]\nname = \"or<b>ders\"\n[[producer]]\nrate = 5.0\n[[consumer]]\nname = \"<img src=x onerror=alert(3)>\"\nworkers = 2\n",
    )
    .unwrap();
    ok(flowsim(
        &["run", "evil.toml", "--out", "out", "--report", "-q"],
        d.path(),
    ));
    let dir = d.path().join("out/evil");
    let html = read(&dir.join("report.html"));
    assert!(!html.contains("<script"), "a script got through");
    assert!(!html.contains("<b>ders"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(html.contains("or&lt;b&gt;ders"));
    // Markdown keeps the text, each `<` backslash-escaped so no HTML gets through.
    let md = read(&dir.join("report.md"));
    assert!(md.contains(r"\<script\>alert(1)\</script\>"));
    for (i, _) in md.match_indices('<') {
        assert!(
            i > 0 && md.as_bytes()[i - 1] == b'\\',
            "an unescaped < in report.md"
        );
    }
}

/// A small sweep: three pool sizes around the load's need.
const SWEEP: &str = "# Pools around the need.\n\n[run]\ntitle = \"Pool sizes\"\nhorizon_s = 120\nseed = 3\n\
[[queue]]\nname = \"orders\"\n[[producer]]\nrate = 20.0\n\
[[consumer]]\nworkers = 4\nprocessing_s = { dist = \"exponential\", mean = 0.2 }\n\
[sweep]\nreps = 2\nobjective = { metric = \"latency.end_to_end.p99_s\", goal = \"min\" }\n\
[[sweep.param]]\npath = \"consumer[0].workers\"\nvalues = [2, 6, 12]\n";

#[test]
fn a_sweep_report_names_the_collapse_point_and_the_best_point() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pools.toml"), SWEEP).unwrap();
    ok(flowsim(
        &["sweep", "pools.toml", "--out", "out", "--report", "-q"],
        d.path(),
    ));
    let dir = d.path().join("out/pools-sweep");
    let s = summary(&dir);
    let best = s["best"]["point"]["consumer[0].workers"]
        .as_str()
        .expect("a best point");
    let html = read(&dir.join("report.html"));
    assert!(html.contains("<h1>Pool sizes</h1>"));
    assert!(
        html.contains(&format!("Best point: consumer[0].workers = {best} ")),
        "best point {best} not named"
    );
    match s["collapse_points"][0]["collapses_at"].as_str() {
        Some(v) => {
            assert!(html.contains(&format!("consumer[0].workers = {v} is the smallest value")))
        }
        None => assert!(html.contains("No collapse")),
    }
    assert_eq!(html.matches("<svg").count(), svg_files(&dir).len());
    assert!(read(&dir.join("report.md")).contains(&format!("consumer\\[0\\].workers = {best}")));
    // `report` on the same folder later gives the same page.
    let first = html.clone();
    ok(flowsim(&["report", "out/pools-sweep", "-q"], d.path()));
    assert_eq!(read(&dir.join("report.html")), first);
}

#[test]
fn an_earlier_run_gets_a_report_and_its_outputs_are_untouched_without_the_flag() {
    let d = tempfile::tempdir().unwrap();
    scenario(d.path(), "steady.toml", &[]);
    ok(flowsim(
        &["run", "steady.toml", "--out", "out", "-q"],
        d.path(),
    ));
    let dir = d.path().join("out/steady");
    for f in ["report.html", "report.md", "scenario.toml"] {
        assert!(!dir.join(f).exists(), "{f} written without --report");
    }
    let o = ok(flowsim(&["report", "out/steady"], d.path()));
    assert!(String::from_utf8_lossy(&o.stdout).contains("stable"));
    let html = read(&dir.join("report.html"));
    assert!(html.contains("no copy of its scenario"));
    assert!(html.contains("state stable"));
}

#[test]
fn a_folder_that_is_not_an_output_is_exit_2_and_the_others_still_get_theirs() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("notes")).unwrap();
    std::fs::write(d.path().join("notes/summary.json"), "{}").unwrap();
    scenario(d.path(), "steady.toml", &[]);
    ok(flowsim(
        &["run", "steady.toml", "--out", "out", "-q"],
        d.path(),
    ));

    let o = flowsim(&["report", "notes"], d.path());
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("notes: not a flowsim output folder"), "{e}");
    assert!(!d.path().join("notes/report.html").exists());

    let o = flowsim(&["report", "no-such-dir", "out/steady"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such folder"));
    assert!(d.path().join("out/steady/report.html").is_file());

    // A summary.json that is not JSON is the user's folder, not a bug.
    std::fs::write(d.path().join("out/steady/summary.json"), "not json").unwrap();
    let o = flowsim(&["report", "out/steady"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a flowsim run summary"));
}

#[test]
fn several_folders_get_a_report_each_and_an_index() {
    let d = tempfile::tempdir().unwrap();
    scenario(d.path(), "steady.toml", &[]);
    scenario(d.path(), "zombie-loop.toml", &[]);
    ok(flowsim(
        &[
            "run",
            "steady.toml",
            "zombie-loop.toml",
            "--out",
            "out",
            "--report",
            "-q",
        ],
        d.path(),
    ));
    let index = read(&d.path().join("out/index.html"));
    assert!(index.contains("href=\"steady/report.html\""));
    assert!(index.contains("href=\"zombie-loop/report.html\""));
    assert!(index.contains(">degraded<"));
    // Each harm of the zombie loop is named beside its state.
    for reason in [
        "dead_lettered_after_success",
        "dead_lettered",
        "applied_more_than_once",
    ] {
        assert!(index.contains(reason), "{reason} not in the index");
    }
}

/// Runs chromium with a generous watchdog (a hang fails the test; no timing is
/// asserted).
pub(crate) fn chromium(args: &[String]) -> Output {
    let mut child = Command::new("/usr/bin/chromium")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = vec![];
        std::io::Read::read_to_end(&mut std::io::BufReader::new(stdout), &mut out).ok();
        out
    });
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let stdout = reader.join().expect("reader");
            let mut stderr = vec![];
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_end(&mut e, &mut stderr).ok();
            }
            return Output {
                status,
                stdout,
                stderr,
            };
        }
        if start.elapsed() > std::time::Duration::from_secs(300) {
            let _ = child.kill();
            panic!("chromium did not finish in 300 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_report_renders_in_a_headless_browser_with_every_chart() {
    let browser = Path::new("/usr/bin/chromium");
    if !browser.exists() {
        println!(
            "skipped: /usr/bin/chromium is missing (scripts/install-test-deps.sh installs it)"
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    scenario(d.path(), "flash-sale.toml", &[]);
    ok(flowsim(
        &["run", "flash-sale.toml", "--out", "out", "--report", "-q"],
        d.path(),
    ));
    let dir = d.path().join("out/flash-sale");
    let page = format!("file://{}", dir.join("report.html").display());
    // Kept for a person to look at, like the other outputs.
    let shots = root().join("output/report-screenshots");
    std::fs::create_dir_all(&shots).expect("output/");
    let shot = shots.join("flash-sale.png");
    let _ = std::fs::remove_file(&shot);
    let common = |profile: &str| headless_flags(&d.path().join(profile));
    let mut args = common("profile-shot");
    args.extend([
        format!("--screenshot={}", shot.display()),
        "--window-size=1280,4000".into(),
        page.clone(),
    ]);
    let o = chromium(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");

    let mut args = common("profile-dom");
    args.extend(["--dump-dom".into(), page]);
    let o = chromium(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8_lossy(&o.stdout);
    let svgs = svg_files(&dir);
    assert!(!svgs.is_empty());
    for svg in &svgs {
        let stem = svg.trim_end_matches(".svg");
        assert!(
            dom.contains(&format!("id=\"chart-{stem}\"")),
            "{stem} not in the DOM"
        );
    }
    assert_eq!(dom.matches("<svg").count(), svgs.len());
    assert!(dom.contains("Flash sale"));
}

/// Chromium's flags for a headless run here: no sandbox (root), none of the
/// background connections this machine's closed network refuses, console
/// messages on stderr, and a profile of its own.
pub(crate) fn headless_flags(profile: &std::path::Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}
