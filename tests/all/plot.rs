//! `flowsim plot DIR…`: a run's charts drawn again from its folder's files
//! alone are byte for byte those `run` drew; the column kinds read from the
//! names agree with the sampler's; a sweep's charts come back from its plan.json
//! and sweep.csv; a folder that is not an output is
//! refused (exit 2) and others are still drawn.

use crate::common::flowsim;
use flowsim::metrics::series::kinds::is_counter;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn is_chart(name: &str) -> bool {
    name.ends_with(".png") || name.ends_with(".svg")
}

/// The chart files of a folder by name, with their bytes.
fn charts(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| is_chart(&e.file_name().to_string_lossy()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A copy of `from` without its charts.
fn without_charts(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_chart(&name) {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// Scenarios with each kind of chart: pools and a DLQ, Lambda pollers and a
/// database that crashes, consumer groups with lag, clients and services, a
/// producer buffer, push topics.
const SCENARIOS: &[&str] = &[
    "lambda-sqs-db",
    "retry-storm",
    "fanout",
    "hot-partition",
    "producer-buffer",
    "thundering-herd",
    "push-vs-pull-push",
    "poison-partition",
];

#[test]
fn charts_redrawn_from_the_files_are_byte_identical_to_the_run_s() {
    let d = tempfile::tempdir().unwrap();
    let mut args = vec!["run".to_string(), "-q".into(), "--out".into(), "a".into()];
    let present: Vec<&str> = SCENARIOS
        .iter()
        .copied()
        .filter(|s| Path::new(&repo(&format!("scenarios/{s}.toml"))).exists())
        .collect();
    assert!(
        present.len() >= 4,
        "the scenarios are in scenarios/: {present:?}"
    );
    args.extend(present.iter().map(|s| repo(&format!("scenarios/{s}.toml"))));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = flowsim(&args, d.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut plot = vec!["plot".to_string(), "-q".into()];
    for s in &present {
        let copy: PathBuf = d.path().join("b").join(s);
        without_charts(&d.path().join("a").join(s), &copy);
        assert!(charts(&copy).is_empty());
        plot.push(copy.to_string_lossy().into_owned());
    }
    let plot: Vec<&str> = plot.iter().map(String::as_str).collect();
    let out = flowsim(&plot, d.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for s in &present {
        // summary.json read back and written again is the same text: nothing
        // the charts could read is lost.
        let path = d.path().join("a").join(s).join("summary.json");
        let summary = flowsim::plot::read_summary(&path).unwrap_or_else(|e| panic!("{e}"));
        let again = serde_json::to_string_pretty(&summary).unwrap() + "\n";
        let text = std::fs::read_to_string(&path).unwrap();
        let diff: Vec<_> = again
            .lines()
            .zip(text.lines())
            .filter(|(a, b)| a != b)
            .take(3)
            .collect();
        assert!(again == text, "{s}: summary round trip: {diff:?}");
        let drawn = charts(&d.path().join("a").join(s));
        let redrawn = charts(&d.path().join("b").join(s));
        assert!(!drawn.is_empty(), "{s}: the run drew charts");
        assert_eq!(
            drawn.keys().collect::<Vec<_>>(),
            redrawn.keys().collect::<Vec<_>>(),
            "{s}: the same charts"
        );
        for (name, bytes) in &drawn {
            assert!(bytes == &redrawn[name], "{s}/{name}: the same bytes");
        }
    }
}

/// A run longer than the charts' bound: the rows are merged when read back
/// as when sampled, counters summed and gauges kept with their extremes.
const LONG: &str = "[run]\nhorizon_s = 9000\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 5.0\nprofile = [{ kind = \"spike\", at_s = 4321, duration_s = 3, factor = 100 }]\n[[consumer]]\nworkers = 2\nprocessing_s = { dist = \"constant\", mean = 0.1 }\n";

#[test]
fn a_long_run_merged_for_its_charts_is_redrawn_the_same_at_another_scale() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("long.toml"), LONG).unwrap();
    let out = flowsim(
        &[
            "run",
            "-q",
            "long.toml",
            "--out",
            "a",
            "--charts",
            "png",
            "--scale",
            "2",
        ],
        d.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    without_charts(&d.path().join("a/long"), &d.path().join("b/long"));
    let out = flowsim(
        &["plot", "b/long", "--charts", "png", "--scale", "2"],
        d.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("b/long"));
    let (drawn, redrawn) = (
        charts(&d.path().join("a/long")),
        charts(&d.path().join("b/long")),
    );
    assert!(drawn.keys().all(|k| k.ends_with(".png")) && !drawn.is_empty());
    assert_eq!(drawn, redrawn);
    // --charts none draws nothing.
    without_charts(&d.path().join("a/long"), &d.path().join("c/long"));
    let out = flowsim(&["plot", "c/long", "--charts", "none"], d.path());
    assert!(out.status.success());
    assert!(charts(&d.path().join("c/long")).is_empty());
}

#[test]
fn column_kinds_read_from_names_are_the_sampler_s_in_every_scenario() {
    for e in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = e.unwrap().path();
        let s = path.to_string_lossy().into_owned();
        let scenario = flowsim::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let out = flowsim::run(&scenario, &s).unwrap_or_else(|e| panic!("{e}"));
        let by_name: Vec<bool> = out.series.columns().iter().map(|c| is_counter(c)).collect();
        assert_eq!(
            by_name,
            out.series.counters(),
            "{s}: {:?}",
            out.series.columns()
        );
    }
}

#[test]
fn a_folder_that_is_not_a_run_is_refused_and_the_others_are_drawn() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("s.toml"), "[run]\nhorizon_s = 30\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 5.0\n[[consumer]]\nworkers = 2\n").unwrap();
    let out = flowsim(&["run", "-q", "s.toml", "--out", "a"], d.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    without_charts(&d.path().join("a/s"), &d.path().join("b/s"));
    // A folder with a summary but no time series.
    std::fs::create_dir_all(d.path().join("half")).unwrap();
    std::fs::copy(
        d.path().join("a/s/summary.json"),
        d.path().join("half/summary.json"),
    )
    .unwrap();
    let out = flowsim(&["plot", "empty-nothing", "half", "b/s"], d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("empty-nothing: not a flowsim output folder (no such folder)"),
        "{err}"
    );
    assert!(
        err.contains("half: not a flowsim output folder (only summary.json"),
        "{err}"
    );
    assert!(
        !charts(&d.path().join("b/s")).is_empty(),
        "the good folder is drawn"
    );
    assert!(charts(&d.path().join("half")).is_empty());
}

/// A sweep's charts drawn again from its plan.json and sweep.csv alone are
/// byte for byte those the sweep drew (bands, markers, heat map and all); a
/// sweep.csv that is not one is exit 2 with the file named.
#[test]
fn a_sweep_s_charts_redrawn_from_its_files_are_the_sweep_s() {
    let d = tempfile::tempdir().unwrap();
    for sweep in ["sweep-workers", "sweep-retry-storm"] {
        let file = repo(&format!("scenarios/{sweep}.toml"));
        let out = flowsim(&["sweep", &file, "--out", "a", "-q"], d.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let drawn = d.path().join(format!("a/{sweep}-sweep"));
        let copy = d.path().join(format!("b/{sweep}-sweep"));
        without_charts(&drawn, &copy);
        assert!(charts(&copy).is_empty());
        let out = flowsim(&["plot", copy.to_str().unwrap()], d.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (a, b) = (charts(&drawn), charts(&copy));
        assert!(a.len() >= 4, "{:?}", a.keys());
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (name, bytes) in &a {
            assert!(&b[name] == bytes, "{sweep}/{name} differs when redrawn");
        }
    }
    let bad = d.path().join("b/sweep-workers-sweep");
    std::fs::write(bad.join("sweep.csv"), "run,point\nx,y\n").unwrap();
    let out = flowsim(&["plot", bad.to_str().unwrap()], d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sweep.csv"), "{err}");
}
