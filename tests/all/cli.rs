//! The binary as a user meets it: errors that name the file, line, column and
//! key with a suggestion and exit code 2, never a panic; outputs where promised.

use crate::common::flowsim;
use std::path::Path;
use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const GOOD: &str = "[run]\nhorizon_s = 30\n[[queue]]\nname = \"orders\"\n[[producer]]\nrate = 5.0\n[[consumer]]\nworkers = 2\n";

#[test]
fn misspelt_key_gets_position_path_and_did_you_mean() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "bad.toml",
        &GOOD.replace(
            "name = \"orders\"",
            "name = \"orders\"\nvisiblity_timeout_s = 5",
        ),
    );
    let o = flowsim(&["check", "bad.toml"], d.path());
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.toml:5:1"), "{e}");
    assert!(e.contains("queue[0].visiblity_timeout_s"), "{e}");
    assert!(e.contains("did you mean `visibility_timeout_s`?"), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn wrong_type_and_bad_reference_say_what_was_expected() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "types.toml",
        &GOOD.replace("workers = 2", "workers = \"2\""),
    );
    let e = stderr(&flowsim(&["run", "types.toml"], d.path()));
    assert!(
        e.contains("types.toml:8:11") && e.contains("consumer[0].workers"),
        "{e}"
    );
    assert!(e.contains("whole number"), "{e}");
    write(
        d.path(),
        "refs.toml",
        &GOOD.replace("workers = 2", "workers = 2\nqueue = \"ordrs\""),
    );
    let o = flowsim(&["run", "refs.toml"], d.path());
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no queue named `ordrs`") && e.contains("did you mean `orders`?"),
        "{e}"
    );
    // Nothing ran, nothing was written.
    assert!(!d.path().join("output").exists());
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let d = tempfile::tempdir().unwrap();
    let text = GOOD
        .replace("horizon_s = 30", "horizon_s = -1")
        .replace("rate = 5.0", "rate = 5.0\nqueue = \"nope\"");
    write(d.path(), "many.toml", &text);
    let e = stderr(&flowsim(&["check", "many.toml"], d.path()));
    assert!(
        e.contains("run.horizon_s") && e.contains("producer[0].queue"),
        "{e}"
    );
}

#[test]
fn garbage_and_missing_files_are_errors_not_panics() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "junk.toml", "[[queue]\nname = \u{0}\u{7f}€ = = [");
    for args in [
        &["check", "junk.toml"][..],
        &["run", "missing.toml"][..],
        &["run", "junk.toml"][..],
    ] {
        let o = flowsim(args, d.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[test]
fn run_writes_whole_outputs_per_file_stem() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.toml", GOOD);
    write(
        d.path(),
        "b.toml",
        &GOOD.replace("rate = 5.0", "rate = 1.0"),
    );
    let o = flowsim(&["run", "a.toml", "b.toml", "--out", "res"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    for stem in ["a", "b"] {
        for f in [
            "timeseries.csv",
            "summary.json",
            "backlog.png",
            "backlog.svg",
            "throughput.png",
            "workers.svg",
        ] {
            let p = d.path().join("res").join(stem).join(f);
            assert!(
                p.metadata().map(|m| m.len() > 0).unwrap_or(false),
                "{} missing",
                p.display()
            );
        }
    }
    // The terminal table names each scenario in the order given.
    let out = String::from_utf8_lossy(&o.stdout);
    let (ia, ib) = (out.find("a.toml").unwrap(), out.find("b.toml").unwrap());
    assert!(ia < ib, "{out}");
    // No partial folders left behind.
    let hidden: Vec<_> = std::fs::read_dir(d.path().join("res"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty());
}

#[test]
fn an_unwritable_output_fails_cleanly() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.toml", GOOD);
    write(
        d.path(),
        "blocker",
        "a file where the output folder should go",
    );
    let o = flowsim(&["run", "a.toml", "--out", "blocker"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("blocker") && !e.contains("panicked"), "{e}");
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One worker at 80 % of its capacity: degraded, its first reason
/// `saturated`, whose chart (busy workers) is not first in the usual order.
const SATURATED: &str = "[run]\nhorizon_s = 300\n[[queue]]\nname = \"orders\"\n[[producer]]\nrate = 8.0\n[[consumer]]\nworkers = 1\n";

#[test]
fn a_run_ends_naming_the_charts_of_its_first_reason_and_its_report() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "busy.toml", SATURATED);
    let o = flowsim(&["run", "busy.toml", "--out", "out"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.trim_end().lines().collect();
    assert!(out.contains("· saturated"), "{out}");
    let charts = lines[lines.len() - 2];
    let report = lines[lines.len() - 1];
    let named: Vec<&str> = charts
        .strip_prefix("  charts      ")
        .unwrap_or_else(|| panic!("{out}"))
        .split(" · ")
        .collect();
    assert_eq!(named.len(), 2, "{charts}");
    assert!(named[0].ends_with("workers.png"), "{charts}");
    for c in named {
        assert!(d.path().join(c).is_file(), "{c} named but not written");
    }
    assert!(
        report.starts_with("  report      none written")
            && report.contains("flowsim report out/busy"),
        "{report}"
    );
    // With --report, the last line names the page, which exists.
    let o = flowsim(&["run", "busy.toml", "--out", "out", "--report"], d.path());
    let out = stdout(&o);
    let last = out.trim_end().lines().last().unwrap();
    let page = last
        .strip_prefix("  report      ")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(page.ends_with("report.html"), "{last}");
    assert!(d.path().join(page).is_file(), "{page}");
}

#[test]
fn several_runs_end_with_one_overview_line_per_scenario() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "calm.toml", GOOD);
    write(d.path(), "busy.toml", SATURATED);
    let o = flowsim(&["run", "calm.toml", "busy.toml", "--out", "out"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let at = out
        .find("overview of 2 scenarios\n")
        .unwrap_or_else(|| panic!("{out}"));
    let rows: Vec<&str> = out[at..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        rows[0].trim_start().starts_with("calm ") && rows[0].contains("stable"),
        "{out}"
    );
    assert!(
        rows[1].trim_start().starts_with("busy ") && rows[1].contains("DEGRADED"),
        "{out}"
    );
    for r in &rows {
        assert!(
            r.contains("p99 ") && r.contains("goodput ") && r.contains("/s"),
            "{r}"
        );
    }
    // Columns line up: the folders start at the same place.
    let col = |r: &str| r.find("out/").unwrap();
    assert_eq!(col(rows[0]), col(rows[1]), "{out}");
    // One file: no overview.
    let o = flowsim(&["run", "calm.toml", "--out", "out"], d.path());
    assert!(!stdout(&o).contains("overview"), "{}", stdout(&o));
}

/// The digit runs of a line that are 4 digits or longer without separators.
fn bare_long_numbers(line: &str) -> Vec<String> {
    let mut found = vec![];
    let cs: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        if cs[i].is_ascii_digit() {
            let start = i;
            while i < cs.len()
                && (cs[i].is_ascii_digit()
                    || cs[i] == ',' && cs.get(i + 1).is_some_and(char::is_ascii_digit))
            {
                i += 1;
            }
            let run: String = cs[start..i].iter().collect();
            let int = run.split('.').next().unwrap_or("");
            let glued = start > 0 && (cs[start - 1].is_alphabetic() || cs[start - 1] == '.');
            if !glued && !int.contains(',') && int.len() >= 4 {
                found.push(run);
            }
        } else {
            i += 1;
        }
    }
    found
}

#[test]
fn terminal_numbers_carry_thousands_separators() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "busy.toml", SATURATED);
    let o = flowsim(&["run", "busy.toml", "--out", "out"], d.path());
    let out = stdout(&o);
    assert!(out.contains(" events)"), "{out}");
    // The verdict's evidence is the summary's own text (summary.json keeps it
    // as it is); every number the table formats is checked.
    let mut in_verdict = false;
    for line in out.lines() {
        if line.starts_with("  verdict") {
            in_verdict = true;
        } else if !line.starts_with("              ") {
            in_verdict = false;
        }
        if !in_verdict {
            assert!(bare_long_numbers(line).is_empty(), "{line}");
        }
    }
    // Rates and seconds with three significant digits: 8.03/s, 12.3 s.
    let digits = |w: &str| w.chars().filter(char::is_ascii_digit).count();
    let rates = out.lines().find(|l| l.starts_with("  rates")).unwrap();
    let arrivals = rates
        .split("arrivals ")
        .nth(1)
        .unwrap()
        .split("/s")
        .next()
        .unwrap();
    assert_eq!(digits(arrivals), 3, "{rates}");
    let e2e = out.lines().find(|l| l.starts_with("  end-to-end")).unwrap();
    for w in e2e.split("  ").filter(|w| w.ends_with(" s")) {
        let n = w.rsplit(' ').nth(1).unwrap();
        assert!(digits(n) >= 3 || !n.contains('.'), "{e2e}");
    }
}

fn sweep_args<'a>(file: &'a str, set: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["sweep", file, "--set", set, "--reps", "3", "--out", "out"];
    a.extend(extra);
    a
}

#[test]
fn a_sweep_prints_its_best_point_with_its_interval() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "busy.toml", &SATURATED.replace("300", "120"));
    // One worker against two: far apart.
    let o = flowsim(
        &sweep_args("busy.toml", "consumer[0].workers=1,2", &[]),
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let best = out
        .lines()
        .find(|l| l.starts_with("  best        "))
        .unwrap_or_else(|| panic!("{out}"));
    let (point, rest) = best["  best        ".len()..].split_once(" → ").unwrap();
    assert_eq!(point, "workers = 2", "{best}");
    assert!(
        rest.starts_with("p99 ") && rest.contains(" s [") && rest.contains("(lowest p99)"),
        "{best}"
    );
    assert!(out.contains("next best workers = 1 → p99 "), "{out}");
    assert!(!out.contains("no significant difference"), "{out}");
    // Eight workers against nine at a light load: the same runs.
    let o = flowsim(
        &sweep_args("busy.toml", "consumer[0].workers=8,9", &["--force"]),
        d.path(),
    );
    let out = stdout(&o);
    assert!(
        out.contains(
            "no significant difference from another point (the intervals overlap): workers = "
        ),
        "{out}"
    );
}

#[test]
fn a_quiet_sweep_still_names_its_folder() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "calm.toml", GOOD);
    let o = flowsim(
        &sweep_args("calm.toml", "consumer[0].workers=1,2", &["-q"]),
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "  outputs     out/calm-sweep\n");
}

#[test]
fn a_sweep_of_other_values_does_not_replace_the_first_silently() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "calm.toml", GOOD);
    let first = flowsim(
        &sweep_args("calm.toml", "consumer[0].workers=1,2", &["-q"]),
        d.path(),
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let points = d.path().join("out/calm-sweep/points.csv");
    let before = std::fs::read(&points).unwrap();
    let o = flowsim(
        &sweep_args("calm.toml", "consumer[0].workers=3,4", &["-q"]),
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("out/calm-sweep") && e.contains("consumer[0].workers = 1, 2"),
        "{e}"
    );
    assert!(
        e.contains("consumer[0].workers = 3, 4") && e.contains("--force") && e.contains("--out"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&points).unwrap(),
        before,
        "the first sweep's results are kept"
    );
    // The same values again: the same study, redone in place.
    let o = flowsim(
        &sweep_args("calm.toml", "consumer[0].workers=1,2", &["-q"]),
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // --force replaces.
    let o = flowsim(
        &sweep_args("calm.toml", "consumer[0].workers=3,4", &["-q", "--force"]),
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&points).unwrap().contains("\n1,4,"),
        "replaced"
    );
}

/// A spike whose backlog stays under its normal level (plan-kafka-group at
/// 16 members: a peak of 59 against 2 × 8 + 100) has nothing to drain: the
/// review line names no drain, neither "drained at" nor "not drained".
#[test]
fn a_backlog_that_never_rose_above_normal_is_not_called_undrained() {
    let d = tempfile::tempdir().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/plan-kafka-group.toml");
    let o = flowsim(
        &[
            "run",
            file.to_str().unwrap(),
            "--charts",
            "none",
            "--out",
            "out",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let review = out
        .lines()
        .find(|l| l.trim_start().starts_with("review"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(!review.contains("drained"), "{review}");
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(d.path().join("out/plan-kafka-group/summary.json")).unwrap(),
    )
    .unwrap();
    let r = &summary["review"];
    assert_eq!(r["rose_above_normal"], false, "{r}");
    assert!(r["peak_backlog"].as_u64().unwrap() > r["held_before_trigger"].as_u64().unwrap());
}
