//! `--charts none|png|svg|both` and `--scale N` on run and sweep: the data
//! files do not change, the charts asked for are the default ones (or the
//! same drawing, larger), and the ones not asked for are not written.

use crate::common::flowsim;
use std::collections::BTreeMap;
use std::path::Path;

const SCENARIO: &str = "[run]\nhorizon_s = 60\n[[queue]]\nname = \"orders\"\n[[producer]]\nrate = 20.0\n[[consumer]]\nworkers = 3\nprocessing_s = { dist = \"exponential\", mean = 0.1 }\n";

/// Every file of a folder by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn each_format_is_the_default_charts_files_and_none_writes_no_chart() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("q.toml"), SCENARIO).unwrap();
    let mut got = BTreeMap::new();
    for charts in ["both", "png", "svg", "none"] {
        let out = format!("out-{charts}");
        let o = flowsim(
            &["run", "q.toml", "-q", "--charts", charts, "--out", &out],
            d.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        got.insert(charts, files(&d.path().join(out).join("q")));
    }
    let both = &got["both"];
    assert!(both.contains_key("backlog.png") && both.contains_key("backlog.svg"));
    for (charts, keep) in [("png", ".png"), ("svg", ".svg"), ("none", "none")] {
        let want: BTreeMap<_, _> = both
            .iter()
            .filter(|(n, _)| !n.ends_with(".png") && !n.ends_with(".svg") || n.ends_with(keep))
            .map(|(n, b)| (n.clone(), b.clone()))
            .collect();
        assert_eq!(
            got[charts].keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "--charts {charts}"
        );
        assert!(got[charts] == want, "--charts {charts}: a file differs");
    }
    // Without a --charts flag: both, as before.
    let o = flowsim(&["run", "q.toml", "-q", "--out", "plain"], d.path());
    assert!(o.status.success());
    assert!(files(&d.path().join("plain/q")) == *both);
}

#[test]
fn scale_two_doubles_the_pixels_of_the_same_drawing() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("q.toml"), SCENARIO).unwrap();
    for (out, scale) in [("one", "1"), ("two", "2")] {
        let o = flowsim(
            &["run", "q.toml", "-q", "--scale", scale, "--out", out],
            d.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (one, two) = (
        files(&d.path().join("one/q")),
        files(&d.path().join("two/q")),
    );
    assert_eq!(one["summary.json"], two["summary.json"]);
    assert_eq!(png_size(&one["backlog.png"]), (1280, 720));
    assert_eq!(png_size(&two["backlog.png"]), (2560, 1440));
    // The SVG is the same drawing, shown at twice the size.
    let svg = |m: &BTreeMap<String, Vec<u8>>| String::from_utf8(m["backlog.svg"].clone()).unwrap();
    assert_eq!(
        svg(&two),
        svg(&one).replacen(
            "width=\"1280\" height=\"720\"",
            "width=\"2560\" height=\"1440\"",
            1
        )
    );
    assert_ne!(svg(&two), svg(&one));
    let o = flowsim(&["run", "q.toml", "--scale", "5"], d.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_report_needs_both_formats_and_says_so() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("q.toml"), SCENARIO).unwrap();
    let o = flowsim(&["run", "q.toml", "--charts", "png", "--report"], d.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--report needs the charts in both formats"),
        "{err}"
    );
    assert!(!d.path().join("output").exists(), "nothing ran");
    // A report on a folder written without charts says why it has none.
    assert!(
        flowsim(&["run", "q.toml", "-q", "--charts", "none"], d.path())
            .status
            .success()
    );
    assert!(
        flowsim(&["report", "output/q", "-q"], d.path())
            .status
            .success()
    );
    let md = std::fs::read_to_string(d.path().join("output/q/report.md")).unwrap();
    assert!(md.contains("This folder has no charts"), "{md}");
}

#[test]
fn a_sweep_without_charts_writes_the_same_tables() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("q.toml"), SCENARIO).unwrap();
    for (out, charts) in [("a", "both"), ("b", "none")] {
        let o = flowsim(
            &[
                "sweep",
                "q.toml",
                "--set",
                "consumer.workers=2,4",
                "--reps",
                "2",
                "-q",
                "--charts",
                charts,
                "--out",
                out,
            ],
            d.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (a, b) = (
        files(&d.path().join("a/q-sweep")),
        files(&d.path().join("b/q-sweep")),
    );
    assert!(a.keys().any(|n| n.ends_with(".png")));
    let data = |m: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        m.iter()
            .filter(|(n, _)| !n.ends_with(".png") && !n.ends_with(".svg"))
            .map(|(n, b)| (n.clone(), b.clone()))
            .collect()
    };
    assert!(!b.keys().any(|n| n.ends_with(".png") || n.ends_with(".svg")));
    assert!(data(&a) == data(&b), "the tables differ");
}

#[test]
fn charts_do_not_depend_on_how_the_path_was_typed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("scenarios")).unwrap();
    std::fs::write(d.path().join("scenarios/q.toml"), SCENARIO).unwrap();
    let absolute = d.path().join("scenarios/q.toml");
    let typed = [
        "scenarios/q.toml",
        "./scenarios/q.toml",
        absolute.to_str().unwrap(),
    ];
    let mut charts = vec![];
    for (i, path) in typed.iter().enumerate() {
        let out = format!("out-{i}");
        let o = flowsim(&["run", path, "-q", "--out", &out], d.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let all = files(&d.path().join(out).join("q"));
        let pictures: BTreeMap<String, Vec<u8>> = all
            .into_iter()
            .filter(|(n, _)| n.ends_with(".png") || n.ends_with(".svg"))
            .collect();
        assert!(pictures.contains_key("backlog.svg"));
        let svg = String::from_utf8(pictures["backlog.svg"].clone()).unwrap();
        assert!(svg.contains("q.toml · seed"), "the file's name");
        charts.push(pictures);
    }
    assert_eq!(charts[0], charts[1]);
    assert_eq!(charts[0], charts[2]);
}
