//! The binary as a user meets it: errors that name the file, line, column and
//! key with a suggestion and exit code 2, never a panic; outputs where promised.

use std::path::Path;
use std::process::{Command, Output};

fn flowsim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

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
