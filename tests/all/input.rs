//! Hostile scenario input: every file that `check` accepts, `run` can build;
//! everything else is exit 2 with a located error whose echoes are cut; and
//! validation is linear in the file's size.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

fn repro(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reproducers")
        .join(name)
}

fn flowsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowsim"))
        .args(args)
        .output()
        .expect("flowsim runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `check` and `run` of a file both refuse it with exit 2 and `needles` in the
/// error; nothing is echoed at length.
fn refused(file: &Path, needles: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["check", f],
        vec!["run", "-q", f, "--out", out.path().to_str().unwrap()],
    ] {
        let o = flowsim(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        for n in needles {
            assert!(e.contains(n), "{args:?}: no `{n}` in:\n{e}");
        }
        assert!(e.len() < 4_000, "{args:?}: {} bytes of stderr", e.len());
    }
}

#[test]
fn distributions_that_cannot_be_built_are_refused_by_check() {
    refused(
        &repro("lognormal-cv-1e200-check-ok-run-fails.toml"),
        &[
            "1e200 is out of range for a lognormal distribution's `cv`",
            ":12:55",
            "consumer[0].processing_s.cv",
            "from 1e-6 to 100",
        ],
    );
    refused(
        &repro("gamma-cv-1e300-check-ok-run-fails.toml"),
        &["1e300 is out of range", "consumer[0].processing_s.cv"],
    );
    refused(
        &repro("gamma-cv-1e-300-check-ok-run-fails.toml"),
        &["1e-300 is out of range", "consumer[0].processing_s.cv"],
    );
}

#[test]
fn sweep_values_go_through_the_same_validation() {
    let out = tempfile::tempdir().unwrap();
    let f = repro("lognormal-cv-1e200-check-ok-run-fails.toml");
    let src = std::fs::read_to_string(&f)
        .unwrap()
        .replace("cv = 1e200", "cv = 0.5");
    let file = out.path().join("base.toml");
    std::fs::write(&file, src).unwrap();
    let o = flowsim(&[
        "sweep",
        "-q",
        file.to_str().unwrap(),
        "--set",
        "consumer[0].processing_s.cv=0.5,1e300",
        "--reps",
        "1",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("consumer[0].processing_s.cv") && e.contains("out of range"),
        "{e}"
    );
}

#[test]
fn an_empty_file_is_refused_with_an_example() {
    refused(
        &repro("empty.toml"),
        &[
            "nothing in this scenario produces load",
            "[[producer]]",
            "for example",
        ],
    );
}

#[test]
fn long_titles_and_names_are_refused_and_not_echoed_whole() {
    refused(
        &repro("title-50k-hang.toml"),
        &[
            "a title of 50000 characters",
            "at most 1000 characters",
            ":3:9",
        ],
    );
    refused(
        &repro("group-name-50k-hang.toml"),
        &[
            "a consumer name of 50000 characters",
            "at most 200 characters",
        ],
    );
}

#[test]
fn a_huge_value_is_never_echoed_whole() {
    let dir = tempfile::tempdir().unwrap();
    // A megabyte each (files past 4 MiB are refused before they are parsed).
    let huge = "x".repeat(1_000_000);
    for (name, src) in [
        (
            "reference.toml",
            format!(
                "[[queue]]\nname = \"q\"\n[[producer]]\nqueue = \"{huge}\"\nrate = 1\n[[consumer]]\nqueue = \"q\"\n"
            ),
        ),
        ("key.toml", format!("[run]\n{huge} = 1\n")),
        ("type.toml", format!("[run]\nhorizon_s = \"{huge}\"\n")),
        (
            "duplicate.toml",
            format!(
                "[[queue]]\nname = \"{huge}\"\n[[queue]]\nname = \"{huge}\"\n[[producer]]\nqueue = \"{huge}\"\nrate = 1\n"
            ),
        ),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, src).unwrap();
        let o = flowsim(&["check", f.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{name}: {}",
            &e[..e.len().min(2000)]
        );
        assert!(e.contains('…'), "{name}: {}", &e[..e.len().min(2000)]);
        assert!(e.len() < 8_000, "{name}: {} bytes of stderr", e.len());
    }
}

#[test]
fn invalid_utf8_is_located_by_byte_offset_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("latin1.toml");
    std::fs::write(&f, b"[run]\nhorizon_s = 10\ntitle = \"caf\xe9\"\n").unwrap();
    for args in [
        vec!["check", f.to_str().unwrap()],
        vec!["sweep", "-q", f.to_str().unwrap(), "--set", "run.seed=1,2"],
    ] {
        let o = flowsim(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains("not UTF-8") && e.contains("byte offset 33") && e.contains(":3:13"),
            "{args:?}: {e}"
        );
    }
}

/// Runs `f` on another thread; a failure if it takes longer than `limit`.
/// A watchdog, not a measurement: the sizes below take a few seconds when
/// validation is linear, and minutes when a part of it is quadratic.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("validation took over {limit:?}: quadratic in the file's size?"))
}

/// A long common prefix makes every comparison of two names cost what a
/// careless algorithm would pay.
fn name(kind: &str, i: usize) -> String {
    format!("{}-{kind}-{i}", "n".repeat(100))
}

/// 60,000 queues, producers and consumers, each referring to its queue by
/// name, and dead-letter chains. The pairwise name checks of old took about
/// 1.5·10¹⁰ comparisons of 100-byte names here (minutes); a linear
/// validation takes seconds.
#[test]
fn validating_many_components_is_linear() {
    const N: usize = 60_000;
    let mut src = String::with_capacity(N * 400);
    for i in 0..N {
        let q = name("q", i);
        src.push_str(&format!("[[queue]]\nname = \"{q}\"\n"));
        if i % 2 == 0 {
            src.push_str(&format!(
                "dead_letter_queue = \"{}\"\nmax_receive_count = 5\n",
                name("q", i + 1)
            ));
        }
        src.push_str(&format!(
            "[[producer]]\nname = \"{}\"\nqueue = \"{q}\"\nrate = 1\n",
            name("p", i)
        ));
        src.push_str(&format!(
            "[[consumer]]\nname = \"{}\"\nqueue = \"{q}\"\n",
            name("c", i)
        ));
    }
    within(Duration::from_secs(120), move || {
        let checked = flowsim::scenario::check_str("big.toml", &src)
            .unwrap_or_else(|e| panic!("{}", &e.to_string()[..2000]));
        assert_eq!(checked.scenario.queues.len(), N);
    });
}

/// 20,000 tables with an error each and a reference to an unknown name: each
/// error used to parse the whole file again to find its line (20,000 parses
/// of a 2 MB file); now the file is parsed once and the first errors shown.
#[test]
fn a_file_with_many_errors_is_reported_in_linear_time() {
    const N: usize = 20_000;
    let mut src = String::new();
    for i in 0..N {
        src.push_str(&format!(
            "[[queue]]\nname = \"{}\"\nvisibility_timeout_s = -1\n[[producer]]\nqueue = \"nowhere-{i}\"\nrate = 1\n",
            name("q", i)
        ));
    }
    let shown = within(
        Duration::from_secs(120),
        move || match flowsim::scenario::load_str("bad.toml", &src) {
            Err(flowsim::scenario::ScenarioError::Invalid(ds)) => ds,
            other => panic!("{other:?}"),
        },
    );
    assert_eq!(shown.len(), flowsim::scenario::SHOWN_MAX + 1);
    let last = shown.last().unwrap().to_string();
    assert!(
        last.contains(&format!(
            "{} more errors not shown",
            2 * N - flowsim::scenario::SHOWN_MAX
        )),
        "{last}"
    );
    let first = shown[0].to_string();
    assert!(first.contains("bad.toml:3:24"), "{first}");
}

/// A profile of 200,000 rate steps: overlaps with ramps were checked pair by
/// pair (2·10¹⁰ pairs).
#[test]
fn a_long_profile_is_checked_in_n_log_n() {
    let mut src = String::from("[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1\n");
    for i in 0..200_000 {
        src.push_str(&format!(
            "[[producer.profile]]\nkind = \"step\"\nat_s = {i}\nrate = 2\n"
        ));
    }
    src.push_str("[[consumer]]\n");
    within(Duration::from_secs(120), move || {
        flowsim::scenario::load_str("steps.toml", &src).unwrap_or_else(|e| panic!("{e}"));
    });
}

/// A file past the size limit (or a device that never ends) is refused after
/// reading one byte more than the limit, not parsed: its parse would cost
/// about seventy times its size in memory.
#[test]
fn a_file_past_the_size_limit_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut s = String::from("[run]\nhorizon_s = 10\n");
    let mut i = 0;
    while s.len() <= 4 << 20 {
        s.push_str(&format!("[[queue]]\nname = \"q{i}\"\n"));
        i += 1;
    }
    std::fs::write(&big, &s).unwrap();
    refused(&big, &["larger than 4 MiB", "`workers`"]);
    for args in [["check", "/dev/zero"], ["sweep", "/dev/zero"]] {
        let o = flowsim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("larger than 4 MiB"), "{}", stderr(&o));
    }
}
