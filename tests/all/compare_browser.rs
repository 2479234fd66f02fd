//! compare.html in a real browser: headless Chromium loads it with no script
//! errors, every comparison chart is in the page with a size, and a
//! screenshot is kept under output/ for a person to look at. Skipped when
//! /usr/bin/chromium is missing.

use super::report::{chromium, headless_flags};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `width="…"` of an `<svg …>` start tag, as a number.
fn width(tag: &str) -> Option<f64> {
    let rest = &tag[tag.find(" width=\"")? + 8..];
    rest[..rest.find('"')?].trim_end_matches("px").parse().ok()
}

#[test]
fn compare_html_renders_in_a_headless_browser_with_every_chart() {
    if !Path::new("/usr/bin/chromium").exists() {
        println!(
            "skipped: /usr/bin/chromium is missing (scripts/install-test-deps.sh installs it)"
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("cmp");
    let o = Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args([
            "compare",
            "scenarios/lambda-sqs-db.toml",
            "scenarios/lambda-sqs-db-capped.toml",
            "--out",
        ])
        .arg(&out)
        .current_dir(root())
        .output()
        .expect("binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = format!("file://{}", out.join("compare.html").display());
    let shots = root().join("output/report-screenshots");
    std::fs::create_dir_all(&shots).expect("output/");
    let shot = shots.join("compare-lambda-sqs-db.png");
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
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(
        !log.contains("Uncaught") && !log.contains(":ERROR:CONSOLE"),
        "console errors: {log}"
    );
    let dom = String::from_utf8_lossy(&o.stdout);
    let mut charts: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".svg").map(str::to_string)
        })
        .filter(|n| n.starts_with("compare-"))
        .collect();
    charts.sort();
    assert!(charts.len() >= 2, "{charts:?}");
    for stem in &charts {
        let id = format!("id=\"chart-{stem}\"");
        let at = dom
            .find(&id)
            .unwrap_or_else(|| panic!("{stem} not in the DOM"));
        let svg = &dom[at..];
        let tag = &svg[svg.find("<svg").expect("an inline svg")..];
        let tag = &tag[..tag.find('>').unwrap()];
        let w = width(tag).unwrap_or(0.0);
        assert!(w > 0.0, "{stem}: no size in {tag}");
    }
    assert_eq!(dom.matches("<svg").count(), charts.len());
}
