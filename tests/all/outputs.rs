//! Outputs and sweeps against a hostile user, through the binary: plans too
//! big to build, values given twice, charts that cannot be drawn, folders
//! swapped in one step, leftovers of killed processes, a second sweep on one
//! folder, Ctrl-C, damaged journals and shard plans, and names that would
//! write outside `--out`. The reproducer files are in tests/reproducers/.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reproducer(name: &str) -> String {
    root()
        .join("tests/reproducers")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn spawn(args: &[&str], dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs")
}

/// Waits for a child; a generous watchdog turns a hang into a failure.
fn finish(mut child: Child, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("{what}: no answer in 300 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn flowsim(args: &[&str], dir: &Path) -> Output {
    finish(spawn(args, dir), &args.join(" "))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Nothing half-written: no working folder, no temporary file, anywhere under `dir`.
fn no_partial_left(dir: &Path) {
    for n in names(dir) {
        assert!(
            !n.contains(".partial-") && !n.contains(".old-") && !n.contains(".tmp"),
            "{n} left in {}",
            dir.display()
        );
        let p = dir.join(&n);
        if p.is_dir() {
            no_partial_left(&p);
        }
    }
}

const BASE: &str = "sweep-base.toml";

#[test]
fn a_plan_over_the_budget_is_refused_before_it_is_built() {
    let t = tempfile::tempdir().unwrap();
    let base = reproducer(BASE);
    for (extra, names_it) in [
        (
            [
                "--set",
                "producer[0].rate=1..2:count=100000000",
                "--reps",
                "1",
            ],
            "producer[0].rate=1..2:count=100000000",
        ),
        (
            ["--set", "producer[0].rate=5", "--reps", "1000000000"],
            "--reps 1000000000",
        ),
    ] {
        let mut args = vec!["sweep", "-q", &base, "--out", "out"];
        args.extend(extra);
        let o = flowsim(&args, t.path());
        let e = stderr(&o);
        assert_eq!(code(&o), Some(2), "{e}");
        assert!(e.contains("over the limit"), "{e}");
        assert!(e.contains(names_it), "{e}");
        assert!(e.contains("fix:"), "{e}");
        assert!(names(&t.path().join("out")).is_empty(), "nothing written");
    }
}

#[test]
fn a_value_given_twice_is_refused_before_anything_runs() {
    let t = tempfile::tempdir().unwrap();
    let base = reproducer(BASE);
    let o = flowsim(
        &[
            "sweep",
            "-q",
            &base,
            "--set",
            "producer[0].rate=1,1",
            "--set",
            "consumer[0].workers=1,2",
            "--reps",
            "1",
            "--out",
            "out",
        ],
        t.path(),
    );
    let e = stderr(&o);
    assert_eq!(code(&o), Some(2), "{e}");
    assert!(
        e.contains("comes twice") && e.contains("--set number 1"),
        "{e}"
    );
    assert!(names(&t.path().join("out")).is_empty(), "nothing written");
}

#[test]
fn a_heat_map_that_cannot_be_drawn_as_asked_does_not_fail_the_sweep() {
    let t = tempfile::tempdir().unwrap();
    // The reproducer sweeps a title of 50,000 characters: a title that long is
    // refused before anything runs (titles are bounded in validation).
    let file = reproducer("sweep-title-param-hang.toml");
    let o = flowsim(&["sweep", "-q", &file, "--out", "out"], t.path());
    let e = stderr(&o);
    assert_eq!(code(&o), Some(2), "{e}");
    assert!(e.contains("at most 1000 characters"), "{e}");
    // At the longest title allowed, the heat map's labels still cannot be
    // laid out as asked.
    let text = std::fs::read_to_string(&file).unwrap();
    let long = "x".repeat(50_000);
    assert!(text.contains(&long));
    let file = t.path().join("sweep-title-param-hang.toml");
    std::fs::write(&file, text.replace(&long, &"x".repeat(1000))).unwrap();
    let file = file.to_string_lossy().into_owned();
    let o = flowsim(&["sweep", "-q", &file, "--out", "out"], t.path());
    let e = stderr(&o);
    assert_eq!(code(&o), Some(0), "{e}");
    assert!(e.contains("note: heatmap"), "{e}");
    let dir = t.path().join("out/sweep-title-param-hang-sweep");
    for f in ["sweep.csv", "points.csv", "summary.json", "heatmap.png"] {
        assert!(dir.join(f).exists(), "{f}: {:?}", names(&dir));
    }
    no_partial_left(&t.path().join("out"));
}

#[test]
fn leftovers_of_killed_runs_are_collected_and_last_results_put_back() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    // A killed run's working folder, and results moved aside by a process
    // killed between its two renames.
    std::fs::create_dir_all(out.join(".steady.partial-4000000")).unwrap();
    std::fs::write(out.join(".steady.partial-4000000/timeseries.csv"), "half").unwrap();
    std::fs::create_dir_all(out.join(".older.old-4000001")).unwrap();
    std::fs::write(out.join(".older.old-4000001/summary.json"), "last good").unwrap();
    let base = reproducer(BASE);
    let o = flowsim(&["run", "-q", &base, "--out", "out"], t.path());
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert_eq!(names(&out), ["older", "sweep-base"]);
    assert_eq!(
        std::fs::read_to_string(out.join("older/summary.json")).unwrap(),
        "last good"
    );
    // Run again: the folder is replaced, never absent, nothing left aside.
    let o = flowsim(&["run", "-q", &base, "--out", "out"], t.path());
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert_eq!(names(&out), ["older", "sweep-base"]);
    assert!(out.join("sweep-base/summary.json").exists());
}

#[test]
fn a_second_sweep_on_a_locked_folder_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    // Another process's sweep: the lock is on the folder itself.
    std::fs::create_dir_all(out.join("sweep-base-sweep")).unwrap();
    let lock = std::fs::File::open(out.join("sweep-base-sweep")).unwrap();
    lock.try_lock().unwrap();
    let base = reproducer(BASE);
    let o = flowsim(
        &[
            "sweep",
            "-q",
            &base,
            "--set",
            "producer[0].rate=5",
            "--reps",
            "1",
            "--out",
            "out",
        ],
        t.path(),
    );
    let e = stderr(&o);
    assert_eq!(code(&o), Some(2), "{e}");
    assert!(e.contains("another flowsim sweep"), "{e}");
    drop(lock);
    // Other tests spawn processes meanwhile: a child forked before it execs
    // shares this test's open file, and with it the lock, for a moment. Once
    // it has exec'd (the file is close-on-exec) the lock is free.
    let mut tries = 0;
    let o = loop {
        let o = flowsim(
            &[
                "sweep",
                "-q",
                &base,
                "--set",
                "producer[0].rate=5",
                "--reps",
                "1",
                "--out",
                "out",
            ],
            t.path(),
        );
        tries += 1;
        if code(&o) == Some(0) || tries == 50 || !stderr(&o).contains("another flowsim sweep") {
            break o;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
}

const SWEEP: [&str; 6] = [
    "--set",
    "producer[0].rate=5,10",
    "--set",
    "consumer[0].workers=1,2",
    "--reps",
    "2",
];

fn sweep_into(t: &Path, out: &str, extra: &[&str]) -> Output {
    let base = reproducer(BASE);
    let mut args = vec!["sweep", "-q", base.as_str(), "--out", out];
    args.extend(SWEEP);
    args.extend(extra);
    flowsim(&args, t)
}

const REPORTS: [&str; 5] = [
    "sweep.csv",
    "points.csv",
    "summary.json",
    "plan.json",
    "heatmap.svg",
];

fn same_reports(a: &Path, b: &Path) {
    for f in REPORTS {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

/// A journal record moved to a point the plan does not have.
fn outside_the_plan(record: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(record).unwrap();
    v["point"] = 999.into();
    v.to_string()
}

#[test]
fn a_resume_with_an_empty_headerless_or_damaged_journal_runs_what_is_missing() {
    let t = tempfile::tempdir().unwrap();
    let o = sweep_into(t.path(), "whole", &[]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let whole = t.path().join("whole/sweep-base-sweep");
    // A shard's journal gives the header and whole records to damage.
    let o = sweep_into(t.path(), "shard", &["--shard", "0/2"]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let shard = crate::common::journal_lines(
        &t.path()
            .join("shard/sweep-base-sweep/runs-shard-0-of-2.jsonl.gz"),
    );
    let header = shard[0].clone();
    // A run is its columns line (the names) and its row (the values).
    let (columns, row) = (&shard[1], &shard[2]);
    assert!(
        columns.contains("\"metrics\"") && row.contains("\"values\""),
        "{shard:?}"
    );
    let record = format!("{columns}\n{row}");
    let outside = outside_the_plan(row);
    let journals = [
        String::new(),
        format!("{record}\n"),
        format!("{header}\nnot json\n{outside}\n{record}\n{{\"run\":1"),
        format!("garbage\n{record}\n"),
    ];
    for (i, journal) in journals.iter().enumerate() {
        let out = format!("resumed{i}");
        let dir = t.path().join(&out).join("sweep-base-sweep");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("runs.jsonl"), journal).unwrap();
        let o = sweep_into(t.path(), &out, &["--resume"]);
        let e = stderr(&o);
        assert_eq!(code(&o), Some(0), "journal {i}: {e}");
        assert!(!e.contains("panicked"), "{e}");
        same_reports(&whole, &dir);
        assert!(!dir.join("runs.jsonl").exists());
        assert!(!dir.join("runs.jsonl.gz").exists());
        no_partial_left(&t.path().join(&out));
    }
    // A kept (shard) journal shows it: a headerless one is started anew with
    // its header, not appended to.
    let dir = t.path().join("kept/sweep-base-sweep");
    std::fs::create_dir_all(&dir).unwrap();
    let jpath = dir.join("runs-shard-0-of-2.jsonl");
    std::fs::write(&jpath, format!("{record}\n")).unwrap();
    let o = sweep_into(t.path(), "kept", &["--shard", "0/2", "--resume"]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(
        !jpath.exists(),
        "the older journal is replaced by the new one"
    );
    let journal = crate::common::journal_lines(&dir.join("runs-shard-0-of-2.jsonl.gz"));
    assert_eq!(journal.first(), Some(&header));
    // As many runs as the shard's own journal (a columns line comes again
    // whenever a run's names differ from the last run's: runs finish in any
    // order, so those lines are not counted).
    let runs = |j: &[String]| j.iter().filter(|l| l.contains("\"values\"")).count();
    assert_eq!(runs(&journal), runs(&shard), "{journal:?}");
}

#[test]
fn merge_checks_plans_and_records_and_writes_only_inside_out() {
    let t = tempfile::tempdir().unwrap();
    let o = sweep_into(t.path(), "shard", &["--shard", "0/1"]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let shard = t.path().join("shard/sweep-base-sweep");
    // A record whose point lies outside the plan: ignored, never an index.
    let jpath = shard.join("runs-shard-0-of-1.jsonl.gz");
    let journal = crate::common::journal_lines(&jpath);
    let outside = outside_the_plan(&journal[2]);
    // Rewritten as a plain file (the older format, which merge reads too).
    std::fs::remove_file(&jpath).unwrap();
    std::fs::write(
        shard.join("runs-shard-0-of-1.jsonl"),
        format!("{}\n{outside}\n", journal.join("\n")),
    )
    .unwrap();
    let shard_arg = shard.to_string_lossy().into_owned();
    let o = flowsim(&["merge", &shard_arg, "--out", "merged"], t.path());
    let e = stderr(&o);
    assert_eq!(code(&o), Some(0), "{e}");
    assert!(e.contains("ignored"), "{e}");
    // A plan.json whose stem leaves --out.
    let plan = std::fs::read_to_string(shard.join("plan.json")).unwrap();
    let escape = plan.replacen("\"stem\": \"sweep-base\"", "\"stem\": \"../../escape\"", 1);
    assert_ne!(escape, plan);
    std::fs::write(shard.join("plan.json"), escape).unwrap();
    let inner = t.path().join("a/b");
    std::fs::create_dir_all(&inner).unwrap();
    let o = flowsim(&["merge", &shard_arg, "--out", "out"], &inner);
    let e = stderr(&o);
    assert_eq!(code(&o), Some(2), "{e}");
    assert!(e.contains("stem"), "{e}");
    assert!(!t.path().join("escape-sweep").exists());
    assert!(names(&inner.join("out")).is_empty());
}

#[test]
fn user_mistakes_are_exit_2_with_where_and_the_fix() {
    let t = tempfile::tempdir().unwrap();
    let o = flowsim(&["sweep", "missing.toml"], t.path());
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.toml"));
    let base = reproducer(BASE);
    let o = flowsim(
        &[
            "sweep",
            &base,
            "--set",
            "consumer[0].wrkers=1,2",
            "--out",
            "out",
        ],
        t.path(),
    );
    let e = stderr(&o);
    assert_eq!(code(&o), Some(2), "{e}");
    assert!(e.contains("did you mean `workers`"), "{e}");
    assert!(e.contains("column 13") && e.contains("^^^^^^"), "{e}");
    let o = flowsim(
        &[
            "sweep",
            &base,
            "--set",
            "consumer[0].workers=1..2:count=x",
            "--out",
            "out",
        ],
        t.path(),
    );
    let e = stderr(&o);
    assert_eq!(code(&o), Some(2), "{e}");
    assert!(e.contains("column 32"), "{e}");
    // `..toml` has the stem `.`: its folder would be --out itself.
    std::fs::copy(&base, t.path().join("..toml")).unwrap();
    for cmd in [
        vec!["run", "..toml", "--out", "out"],
        vec![
            "sweep",
            "..toml",
            "--set",
            "producer[0].rate=5",
            "--out",
            "out",
        ],
    ] {
        let o = flowsim(&cmd, t.path());
        let e = stderr(&o);
        assert_eq!(code(&o), Some(2), "{e}");
        assert!(e.contains("cannot name an output folder"), "{e}");
    }
    assert!(names(&t.path().join("out")).is_empty());
}

/// Sends SIGINT once `ready` holds, and waits for the end.
fn interrupt_when(child: Child, ready: impl Fn() -> bool, what: &str) -> Output {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what} never got going"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling our own child, whose id is live until it is waited for.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(r, 0);
    finish(child, what)
}

/// A scenario long enough to be interrupted: a million simulated seconds.
const LONG: &str = "[run]\nhorizon_s = 1000000\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 50.0\n[[consumer]]\nworkers = 2\nprocessing_s = { dist = \"exponential\", mean = 0.01 }\n";

#[test]
fn ctrl_c_ends_a_run_cleanly_with_exit_130() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("long.toml"), LONG).unwrap();
    let out = t.path().join("out");
    let child = spawn(&["run", "-q", "long.toml", "--out", "out"], t.path());
    let o = interrupt_when(
        child,
        || names(&out).iter().any(|n| n.contains(".partial-")),
        "run",
    );
    assert_eq!(code(&o), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"));
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn ctrl_c_ends_a_sweep_keeping_its_finished_runs_and_says_how_to_resume() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("long.toml"), LONG).unwrap();
    let dir = t.path().join("out/long-sweep");
    let args = [
        "sweep",
        "-q",
        "long.toml",
        "--set",
        "run.horizon_s=10,1000000",
        "--reps",
        "2",
        "--out",
        "out",
    ];
    let child = spawn(&args, t.path());
    // The two short runs are journaled; the long ones are running.
    let o = interrupt_when(
        child,
        || {
            let j = dir.join("runs.jsonl.gz");
            // Header, columns and the two short runs.
            j.exists() && crate::common::journal_lines(&j).len() >= 4
        },
        "sweep",
    );
    let e = stderr(&o);
    assert_eq!(code(&o), Some(130), "{e}");
    // Rayon gives the two short runs to one thread: they are done, the long
    // ones stopped.
    assert!(e.contains(" of 4 runs finished"), "{e}");
    assert!(e.contains("--resume"), "{e}");
    let journal = crate::common::journal_lines(&dir.join("runs.jsonl.gz"));
    assert!(journal.len() >= 4, "{journal:?}");
    for line in &journal {
        serde_json::from_str::<serde_json::Value>(line).expect("whole lines");
    }
    no_partial_left(&t.path().join("out"));
    assert!(!dir.join("sweep.csv").exists());
}
