//! `flowsim compare`: the table's numbers and changes are the two runs'
//! summaries, the paired interval is the textbook one over the per-replication
//! values, and inputs that cannot be compared are exit 2 with a reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn flowsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("flowsim-compare-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("json")
}

fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

const A: &str = "scenarios/lambda-sqs-db.toml";
const B: &str = "scenarios/lambda-sqs-db-capped.toml";

#[test]
fn two_scenario_files_give_the_summaries_numbers_and_their_changes() {
    let out = tmp("files");
    let o = flowsim(&["compare", A, B, "--out", out.to_str().unwrap()]);
    ok(&o);
    let c = json(&out.join("compare.json"));
    let sa = json(&out.join("lambda-sqs-db/summary.json"));
    let sb = json(&out.join("lambda-sqs-db-capped/summary.json"));
    let v = |i: usize, k: &str| c["variants"][i]["values"][k].as_f64().unwrap();
    let p99 = |s: &serde_json::Value| s["latency"]["end_to_end"]["p99_s"].as_f64().unwrap();
    assert_eq!(v(0, "p99_s"), p99(&sa));
    assert_eq!(v(1, "p99_s"), p99(&sb));
    assert_eq!(
        v(1, "peak_backlog"),
        sb["review"]["peak_backlog"].as_f64().unwrap()
    );
    assert_eq!(v(0, "goodput_per_s"), sa["goodput_per_s"].as_f64().unwrap());
    assert_eq!(c["variants"][0]["verdict"], sa["verdict"]["state"]);
    // The charts shade the common spike once and the uncapped variant's
    // database crashes under its name (the capped one never crashes).
    let svg = std::fs::read_to_string(out.join("compare-age.svg")).unwrap();
    assert_eq!(
        svg.matches("spike ×10 (shop)").count(),
        2,
        "label and legend"
    );
    assert!(svg.contains("lambda-sqs-db: orders-db down"));
    assert!(!svg.contains("lambda-sqs-db-capped: orders-db down"));
    assert!(!sa["databases"][0]["down"].as_array().unwrap().is_empty());
    assert!(sb["databases"][0]["down"].as_array().unwrap().is_empty());
    assert_eq!(c["variants"][1]["verdict"], sb["verdict"]["state"]);
    // Every chart of the uncapped run shades its database's down time, so that
    // no picture leaves the crashes out; the capped run has none to shade.
    for (run, crashed) in [("lambda-sqs-db", true), ("lambda-sqs-db-capped", false)] {
        let mut charts = 0;
        for e in std::fs::read_dir(out.join(run)).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "svg") {
                let svg = std::fs::read_to_string(&path).unwrap();
                assert_eq!(
                    svg.contains("orders-db down"),
                    crashed,
                    "{}",
                    path.display()
                );
                charts += 1;
            }
        }
        assert!(charts >= 4, "{run}: {charts} charts");
    }
    // The backlog chart draws what is held, in flight included: the uncapped
    // variant's stuck messages are on it.
    let held = std::fs::read_to_string(out.join("compare-backlog.svg")).unwrap();
    assert!(held.contains("Messages held (waiting + in flight)"));
    // The throughput chart draws each variant's goodput beside its
    // processings: the uncapped variant processes more, and succeeds less.
    let rates = std::fs::read_to_string(out.join("compare-throughput.svg")).unwrap();
    for line in [
        "lambda-sqs-db: goodput",
        "lambda-sqs-db-capped: goodput",
        "lambda-sqs-db: processings, failures included",
        "lambda-sqs-db-capped: processings, failures included",
    ] {
        assert!(rates.lines().any(|l| l.trim() == line), "{line}");
    }
    assert!(sa["goodput_per_s"].as_f64().unwrap() < sb["goodput_per_s"].as_f64().unwrap());
    // Every harm is named, in the table as in each run's verdict.
    let named = |s: &serde_json::Value| -> Vec<String> {
        let rs = s["verdict"]["reasons"].as_array().unwrap();
        rs.iter()
            .map(|r| r["reason"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(c["variants"][0]["reasons"], named(&sa).join(", "));
    assert_eq!(c["variants"][1]["reasons"], "recovered_late");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let row = stdout.lines().find(|l| l.starts_with("reasons")).unwrap();
    assert!(
        row.contains("downstream_crashed") && row.contains("recovered_late"),
        "{row}"
    );
    // The printed change of p99 is B − A, with its sign and per cent.
    let d = p99(&sb) - p99(&sa);
    let text = String::from_utf8_lossy(&o.stdout);
    let row = text
        .lines()
        .find(|l| l.starts_with("end-to-end p99"))
        .expect("p99 row");
    let want = format!(
        "{}{}",
        if d < 0.0 { "−" } else { "+" },
        flowsim::report::format::secs(d.abs())
            .split(" (")
            .next()
            .unwrap()
    );
    assert!(row.contains(&want), "{row} lacks {want}");
    let pct = format!("{:.0} %", (d / p99(&sa)).abs() * 100.0);
    assert!(row.contains(&pct), "{row} lacks {pct}");
    for f in [
        "compare.md",
        "compare.html",
        "compare-backlog.png",
        "compare-backlog.svg",
        "compare-age.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("http://fonts"));
    // One run a variant: the note's option is code, in both formats.
    assert!(html.contains("Run with <code>--reps N</code>"), "{html}");
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(md.contains("Run with `--reps N`"), "{md}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn folders_compare_like_the_files_that_wrote_them() {
    let out = tmp("folders");
    ok(&flowsim(&[
        "run",
        A,
        B,
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]));
    let cmp = out.join("cmp");
    ok(&flowsim(&[
        "compare",
        out.join("lambda-sqs-db").to_str().unwrap(),
        out.join("lambda-sqs-db-capped").to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
    ]));
    let c = json(&cmp.join("compare.json"));
    let sb = json(&out.join("lambda-sqs-db-capped/summary.json"));
    assert_eq!(
        c["variants"][1]["values"]["peak_age_s"].as_f64().unwrap(),
        sb["review"]["peak_oldest_age_s"].as_f64().unwrap()
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// Student t quantile t(0.975) for 2 degrees of freedom, from a table.
const T2: f64 = 4.302_652_729_911;

#[test]
fn paired_interval_is_the_hand_computed_one() {
    let out = tmp("reps");
    ok(&flowsim(&[
        "compare",
        A,
        B,
        "--reps",
        "3",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]));
    let c = json(&out.join("compare.json"));
    for key in ["p99_s", "peak_age_s", "goodput_per_s"] {
        let per_rep = |i: usize| -> Vec<f64> {
            c["variants"][i]["replications"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r[key].as_f64().unwrap())
                .collect()
        };
        let (a, b) = (per_rep(0), per_rep(1));
        assert_eq!(a.len(), 3);
        let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
        let mean = d.iter().sum::<f64>() / 3.0;
        let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
        let half = T2 * sd / 3f64.sqrt();
        let p = c["paired"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["metric"] == key)
            .expect("paired metric");
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-6 * (1.0 + y.abs());
        assert!(close(p["mean_difference"].as_f64().unwrap(), mean), "{key}");
        assert!(close(p["ci_low"].as_f64().unwrap(), mean - half), "{key}");
        assert!(close(p["ci_high"].as_f64().unwrap(), mean + half), "{key}");
        let sentence = p["sentence"].as_str().unwrap();
        if mean - half > 0.0 || mean + half < 0.0 {
            assert!(
                sentence.contains(if mean < 0.0 { "fell by" } else { "rose by" }),
                "{sentence}"
            );
        } else {
            assert!(sentence.contains("no"), "{sentence}");
        }
    }
    // Replication 0 is the plain run: common random numbers start from it.
    let sa = json(&out.join("lambda-sqs-db/summary.json"));
    assert_eq!(
        c["variants"][0]["replications"][0]["p99_s"]
            .as_f64()
            .unwrap(),
        sa["latency"]["end_to_end"]["p99_s"].as_f64().unwrap()
    );
    let _ = std::fs::remove_dir_all(&out);
}

fn refused(args: &[&str], words: &[&str]) {
    let o = flowsim(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for w in words {
        assert!(err.contains(w), "stderr lacks `{w}`: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn mixed_families_and_missing_folders_are_exit_2() {
    let out = tmp("errors");
    let o = out.to_str().unwrap();
    refused(
        &["compare", A, "scenarios/steady.toml", "--out", o],
        &["not the same scenario family", "scenarios/steady.toml"],
    );
    refused(
        &["compare", A, "output/no-such-run-folder", "--out", o],
        &["output/no-such-run-folder", "no such file or folder"],
    );
    refused(&["compare", A, "--out", o], &["at least two variants"]);
    std::fs::create_dir_all(out.join("empty")).unwrap();
    refused(
        &[
            "compare",
            A,
            out.join("empty").to_str().unwrap(),
            "--out",
            o,
        ],
        &["not a flowsim output folder"],
    );
    ok(&flowsim(&["run", A, "-q", "--out", o]));
    refused(
        &[
            "compare",
            B,
            out.join("lambda-sqs-db").to_str().unwrap(),
            "--reps",
            "3",
            "--out",
            o,
        ],
        &["--reps needs scenario files"],
    );
    let _ = std::fs::remove_dir_all(&out);
}
