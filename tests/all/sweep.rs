//! `flowsim sweep` and `flowsim merge` as a user runs them: the collapse point
//! against queueing capacity, common random numbers, determinism whatever the
//! thread count, shards that merge into the single-machine result, and resume.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn flowsim(args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("binary runs")
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

const LOAD: &str = "scenarios/sweep-offered-load.toml";
const REPORTS: [&str; 4] = ["sweep.csv", "points.csv", "summary.json", "plan.json"];

fn read(dir: &Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()))
}

fn json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(dir, "summary.json")).unwrap()
}

/// A value the sweep reports as text (`"50"`), as a number; None for null.
fn number(v: &serde_json::Value) -> Option<f64> {
    v.as_str()
        .map(|x| x.parse().unwrap_or_else(|e| panic!("{x}: {e}")))
}

/// Chart files of a sweep folder, sorted.
fn charts(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png") || n.ends_with(".svg"))
        .collect();
    v.sort();
    v
}

fn same_reports(a: &Path, b: &Path) {
    for f in REPORTS.iter().map(|s| s.to_string()).chain(charts(a)) {
        assert!(
            read(a, &f) == read(b, &f),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    assert_eq!(charts(a), charts(b));
}

#[test]
fn offered_load_collapses_just_above_capacity() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    ok(flowsim(&["sweep", LOAD, "--out", out, "-q"], "2"));
    let dir = t.path().join("sweep-offered-load-sweep");
    let s = json(&dir);
    // c·μ = 10 workers × 10/s = 100/s: the first load above it collapses.
    let at = number(&s["collapse_points"][0]["collapses_at"]).expect("a collapse point");
    assert!(at > 100.0 && at <= 110.0, "collapse point {at}");
    let points = String::from_utf8(read(&dir, "points.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(points.as_bytes());
    let head = rows.headers().unwrap().clone();
    let (ri, ci) = (
        head.iter().position(|h| h == "producer[0].rate").unwrap(),
        head.iter().position(|h| h == "collapsed_fraction").unwrap(),
    );
    for r in rows.records() {
        let r = r.unwrap();
        let (rate, frac): (f64, f64) = (r[ri].parse().unwrap(), r[ci].parse().unwrap());
        if rate < 100.0 {
            assert_eq!(frac, 0.0, "collapsed below capacity at {rate}");
        }
        if rate >= 110.0 {
            assert_eq!(frac, 1.0, "held above capacity at {rate}");
        }
    }
    // Every run's state and worst reason are in sweep.csv, in words: a
    // collapsed run names its reason, a stable one has none.
    let runs = String::from_utf8(read(&dir, "sweep.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(runs.as_bytes());
    let head = rows.headers().unwrap().clone();
    let at = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let (state, reason, collapsed) = (
        at("verdict.state"),
        at("verdict.reason"),
        at("verdict.collapsed"),
    );
    for r in rows.records() {
        let r = r.unwrap();
        match &r[collapsed] {
            "1" => assert_eq!((&r[state], &r[reason]), ("collapsed", "backlog_growth")),
            _ => assert_ne!(&r[state], "collapsed"),
        }
        assert_eq!(r[reason].is_empty(), &r[state] == "stable", "{r:?}");
    }
    // Best goodput without collapse: the highest load that still holds.
    let best: f64 = s["best"]["point"]["producer[0].rate"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((90.0..=100.0).contains(&best), "best {best}");
    assert!(!charts(&dir).is_empty());
}

#[test]
fn points_share_random_numbers_replication_by_replication() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    // The workers do not touch the producer's streams: same arrivals at every point.
    ok(flowsim(
        &[
            "sweep",
            LOAD,
            "--set",
            "consumer[0].workers=10,12,15",
            "--set",
            "producer[0].rate=80",
            "--reps",
            "3",
            "--out",
            out,
            "-q",
        ],
        "2",
    ));
    let text =
        std::fs::read_to_string(t.path().join("sweep-offered-load-sweep/sweep.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |n: &str| {
        head.iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let (rep, produced) = (col("replication"), col("ledger.produced"));
    let mut by_rep: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in rows.records() {
        let r = r.unwrap();
        by_rep
            .entry(r[rep].to_string())
            .or_default()
            .push(r[produced].to_string());
    }
    assert_eq!(by_rep.len(), 3);
    for (r, v) in &by_rep {
        assert_eq!(v.len(), 3);
        assert!(v.iter().all(|x| x == &v[0]), "replication {r}: {v:?}");
    }
    let firsts: Vec<&String> = by_rep.values().map(|v| &v[0]).collect();
    assert!(
        firsts[0] != firsts[1],
        "replications must differ: {firsts:?}"
    );
}

#[test]
fn thread_count_shards_and_resume_give_the_same_files() {
    let t = tempfile::tempdir().unwrap();
    let p = |s: &str| t.path().join(s).to_str().unwrap().to_string();
    let args = |out: &str| {
        vec![
            "sweep".to_string(),
            LOAD.into(),
            "--reps".into(),
            "3".into(),
            "--out".into(),
            out.into(),
            "-q".into(),
        ]
    };
    let run = |extra: &[&str], out: &str, threads: &str| {
        let mut a = args(out);
        a.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        ok(flowsim(&a, threads))
    };
    run(&[], &p("one"), "1");
    run(&[], &p("two"), "2");
    let one = t.path().join("one/sweep-offered-load-sweep");
    same_reports(&one, &t.path().join("two/sweep-offered-load-sweep"));

    // Three shards, merged.
    for i in 0..3 {
        run(
            &["--shard", &format!("{i}/3")],
            &p(&format!("shard{i}")),
            "2",
        );
    }
    let shard_dirs: Vec<String> = (0..3)
        .map(|i| p(&format!("shard{i}/sweep-offered-load-sweep")))
        .collect();
    let mut merge = vec!["merge"];
    merge.extend(shard_dirs.iter().map(String::as_str));
    let merged = p("merged");
    merge.extend(["--out", &merged]);
    ok(flowsim(&merge, "2"));
    same_reports(&one, &t.path().join("merged/sweep-offered-load-sweep"));

    // Merging an incomplete set is refused.
    let o = flowsim(&["merge", &shard_dirs[0], "--out", &p("partial")], "2");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));

    // An interrupted sweep: one shard's journal as the runs finished so far, its
    // last line torn by the kill. --resume runs the rest and ends identical.
    let dir = t.path().join("resumed/sweep-offered-load-sweep");
    std::fs::create_dir_all(&dir).unwrap();
    // Written as a plain file under the older name: the older format is read too.
    let mut journal =
        crate::common::journal_lines(&Path::new(&shard_dirs[1]).join("runs-shard-1-of-3.jsonl.gz"))
            .join("\n");
    journal.push_str("\n{\"run\":2,\"po");
    std::fs::write(dir.join("runs.jsonl"), journal).unwrap();
    run(&["--resume"], &p("resumed"), "2");
    same_reports(&one, &dir);
    for name in ["runs.jsonl", "runs.jsonl.gz"] {
        assert!(
            !dir.join(name).exists(),
            "{name}: the journal is removed once the reports are written"
        );
    }
}

#[test]
fn bad_keys_and_values_fail_before_anything_runs() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    for (set, says) in [
        ("consumer[0].wrkers=5", "wrkers"),
        ("consumer[0].workers=2.5", "whole number"),
        ("consumer[3].workers=5", "out of range"),
        ("producer[0].rate=10..5:step=1", "from ≤ to"),
        ("producer[0].rate", "PATH=VALUES"),
    ] {
        let o = flowsim(&["sweep", LOAD, "--set", set, "--out", out], "2");
        assert_eq!(o.status.code(), Some(2), "{set}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(says) && !e.contains("panicked"), "{set}: {e}");
    }
    let o = flowsim(&["sweep", LOAD, "--shard", "3/3", "--out", out], "2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        std::fs::read_dir(t.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn a_flash_sale_needs_enough_workers_and_more_buy_latency() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    ok(flowsim(
        &["sweep", "scenarios/sweep-workers.toml", "--out", out, "-q"],
        "2",
    ));
    let s = json(&t.path().join("sweep-workers-sweep"));
    // 5/s per worker against a base load of 100/s: below 20 workers even the
    // base load grows the backlog.
    let at = number(&s["collapse_points"][0]["collapses_at"]).expect("a collapse point");
    assert_eq!(at, 15.0, "{s}");
    let text = std::fs::read_to_string(t.path().join("sweep-workers-sweep/points.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (w, c, p99) = (
        col("consumer[0].workers"),
        col("collapsed_fraction"),
        col("latency.end_to_end.p99_s.mean"),
    );
    let mut held: Vec<(f64, f64)> = vec![];
    for r in rows.records() {
        let r = r.unwrap();
        let workers: f64 = r[w].parse().unwrap();
        let collapsed: f64 = r[c].parse().unwrap();
        if workers < 20.0 {
            assert_eq!(collapsed, 1.0, "{workers} workers held");
        } else if workers > 20.0 {
            assert_eq!(collapsed, 0.0, "{workers} workers collapsed");
            held.push((workers, r[p99].parse().unwrap()));
        }
    }
    // Past the base load, each step up in workers buys a lower p99: the backlog
    // of the sale drains faster. 120 workers drain it ~6x faster than 25.
    assert!(held.windows(2).all(|w| w[1].1 < w[0].1), "{held:?}");
    assert!(held[0].1 > 5.0 * held.last().unwrap().1, "{held:?}");
    let best: f64 = s["best"]["point"]["consumer[0].workers"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(best, 120.0);
}

#[test]
fn maximum_concurrency_holds_up_to_the_connection_count_and_crashes_past_it() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    ok(flowsim(
        &[
            "sweep",
            "scenarios/sweep-max-concurrency.toml",
            "--out",
            out,
            "-q",
        ],
        "2",
    ));
    let dir = t.path().join("sweep-max-concurrency-sweep");
    let s = json(&dir);
    let at = number(&s["collapse_points"][0]["collapses_at"]).expect("a collapse point");
    assert!((50.0..=80.0).contains(&at), "collapse at {at}: {s}");
    let text = std::fs::read_to_string(dir.join("points.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (m, crashes, p99) = (
        col("consumer[0].lambda.max_concurrency"),
        col("databases.orders-db.crashes.mean"),
        col("latency.end_to_end.p99_s.mean"),
    );
    let mut held = vec![];
    for r in rows.records() {
        let r = r.unwrap();
        let max: f64 = r[m].parse().unwrap();
        let crashed: f64 = r[crashes].parse().unwrap();
        if max <= 50.0 {
            assert_eq!(crashed, 0.0, "crashed at max_concurrency {max}");
            held.push((max, r[p99].parse::<f64>().unwrap()));
        } else if max >= 100.0 {
            assert!(crashed >= 1.0, "no crash at max_concurrency {max}");
        }
    }
    // Up to the connection count, more concurrency drains the sale sooner.
    assert!(held.windows(2).all(|w| w[1].1 < w[0].1), "{held:?}");
    let best: f64 = s["best"]["point"]["consumer[0].lambda.max_concurrency"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(best, 50.0);
}

/// The retry storm of retry-storm.toml swept over load and attempts: after
/// the trigger, every client times out and sends `attempts` attempts per
/// request, so the service can never drain once attempts × rate reaches its
/// capacity 1/slope = 100/s. Below that it recovers, however slowly.
#[test]
fn retries_lower_the_load_at_which_a_trigger_becomes_a_collapse() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    ok(flowsim(
        &[
            "sweep",
            "scenarios/sweep-retry-storm.toml",
            "--out",
            out,
            "-q",
        ],
        "2",
    ));
    let s = json(&t.path().join("sweep-retry-storm-sweep"));
    let rates = [20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0];
    for p in s["collapse_points"].as_array().unwrap() {
        let attempts = number(&p["at"]["client[0].retry.attempts"]).unwrap();
        let theory = rates.iter().copied().find(|r| attempts * r >= 100.0);
        let at = number(&p["collapses_at"]);
        assert_eq!(at, theory, "attempts {attempts}: {p}");
    }
    // Every point that recovers ends with a final goodput fraction near 1:
    // the best point is one of them by a hair, and the summary names the
    // others whose intervals overlap its own, as worked out here again
    // from points.csv.
    let dir = t.path().join("sweep-retry-storm-sweep");
    let points = std::fs::read_to_string(dir.join("points.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(points.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let objective = "recovery.final_goodput_fraction";
    let (rate, attempts, collapsed) = (
        col("client[0].rate"),
        col("client[0].retry.attempts"),
        col("collapsed_fraction"),
    );
    let (mean, low, high) = (
        col(&format!("{objective}.mean")),
        col(&format!("{objective}.ci_low")),
        col(&format!("{objective}.ci_high")),
    );
    let f = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().unwrap();
    let standing: Vec<((String, String), [f64; 3])> = rows
        .records()
        .map(Result::unwrap)
        .filter(|r| f(r, collapsed) < 0.5)
        .map(|r| {
            let key = (r[rate].to_string(), r[attempts].to_string());
            (key, [f(&r, mean), f(&r, low), f(&r, high)])
        })
        .collect();
    let (best_key, b) = standing
        .iter()
        .fold(None::<&((String, String), [f64; 3])>, |acc, x| match acc {
            Some(a) if a.1[0] >= x.1[0] => Some(a),
            _ => Some(x),
        })
        .unwrap();
    let named = |v: &serde_json::Value| {
        (
            v["client[0].rate"].as_str().unwrap().to_string(),
            v["client[0].retry.attempts"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(&named(&s["best"]["point"]), best_key);
    let mut expected: Vec<&(String, String)> = standing
        .iter()
        .filter(|(k, x)| k != best_key && x[1] <= b[2] && b[1] <= x[2])
        .map(|(k, _)| k)
        .collect();
    let mut tied: Vec<(String, String)> = s["best"]["tied_with"]
        .as_array()
        .unwrap()
        .iter()
        .map(named)
        .collect();
    assert!(tied.len() >= 3, "{}", s["best"]);
    expected.sort();
    tied.sort();
    assert_eq!(tied.iter().collect::<Vec<_>>(), expected);
    // The report says so beside the best point.
    ok(flowsim(&["report", dir.to_str().unwrap()], "1"));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains(&format!(
            "{} other points are not significantly different",
            tied.len()
        )),
        "{md}"
    );
}

/// `sweep --max-wall` bounds each run as `run --max-wall` does: a run past
/// it is kept as collapsed with the reason `wall_clock`, and the sweep goes on
/// to the next. The limit is checked every 65,536 events, so a millisecond
/// stops each of these 30,000-message runs at its first check.
#[test]
fn max_wall_stops_each_run_of_a_sweep_with_its_reason() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    ok(flowsim(
        &[
            "sweep",
            LOAD,
            "--set",
            "producer[0].rate=60,90",
            "--reps",
            "2",
            "--max-wall",
            "0.001",
            "--out",
            out,
            "-q",
        ],
        "2",
    ));
    let dir = t.path().join("sweep-offered-load-sweep");
    let rows = String::from_utf8(read(&dir, "sweep.csv")).unwrap();
    let mut lines = rows.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (reason, events) = (col("verdict.reason"), col("events"));
    let mut n = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[reason], "wall_clock", "{line}");
        assert_eq!(cells[events], "65536", "{line}");
        n += 1;
    }
    assert_eq!(n, 4);
    let o = flowsim(&["sweep", LOAD, "--max-wall", "0", "--out", out], "2");
    assert_eq!(o.status.code(), Some(2));
}

/// Every scenario shipped with a `[sweep]` table names metrics that exist: a
/// metric renamed in the summary fails here, not in a user's sweep.
#[test]
fn every_shipped_sweep_names_real_metrics() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut swept = 0;
    for e in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.lines().any(|l| l.trim() == "[sweep]") {
            continue;
        }
        // One shard of a million: the names are checked before any run.
        let o = crate::common::flowsim(
            &[
                "sweep",
                path.to_str().unwrap(),
                "--shard",
                "0/1000000",
                "--out",
                out.path().to_str().unwrap(),
                "-q",
                "--charts",
                "none",
            ],
            root,
        );
        assert!(
            o.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        swept += 1;
    }
    assert!(swept >= 8, "{swept} sweeps");
}
