//! `flowsim run --set PATH=VALUE`: a what-if run with keys changed, written
//! beside the plain run (never over it) and saying what it changed.

use crate::common::flowsim;
use std::path::Path;

const SCENARIO: &str = "# A small queue.\n[run]\nhorizon_s = 30\n[[queue]]\nname = \"orders\"\n[[producer]]\nrate = 5.0\n[[consumer]]\nworkers = 2\nprocessing_s = { dist = \"constant\", mean = 0.1 }\n";

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn a_what_if_has_its_own_folder_and_names_its_changes() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("q.toml"), SCENARIO).unwrap();
    let plain = flowsim(&["run", "q.toml", "-q"], d.path());
    assert!(plain.status.success());
    let what_if = flowsim(
        &[
            "run",
            "q.toml",
            "--set",
            "consumer.workers=5",
            "--set",
            "producer[0].rate=7",
            "--report",
        ],
        d.path(),
    );
    assert!(
        what_if.status.success(),
        "{}",
        String::from_utf8_lossy(&what_if.stderr)
    );
    let stdout = String::from_utf8_lossy(&what_if.stdout);
    assert!(
        stdout.contains("what-if     consumer.workers = 5  (file: 2)"),
        "{stdout}"
    );
    let mut folders: Vec<String> = std::fs::read_dir(d.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 2, "{folders:?}");
    assert_eq!(folders[0], "q");
    assert!(folders[1].starts_with("q-set-") && folders[1].len() == "q-set-".len() + 8);
    let out = d.path().join("output").join(&folders[1]);
    // The plain run has no overrides key at all; the what-if lists each.
    assert!(
        summary(&d.path().join("output/q"))
            .get("overrides")
            .is_none()
    );
    let s = summary(&out);
    assert_eq!(s["overrides"][0]["path"], "consumer.workers");
    assert_eq!(s["overrides"][0]["value"], "5");
    assert_eq!(s["overrides"][0]["file_value"], "2");
    assert_eq!(s["consumers"][0]["workers"], 5);
    assert!(s["arrival_rate_per_s"].as_f64().unwrap() > 6.0);
    // The report's facts and parameters table show the values as run.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("| what-if | **consumer.workers = 5** | set by run --set; the file says 2 |"),
        "{md}"
    );
    assert!(md.contains("workers = 5"));
    // The same what-if again replaces its own folder, nothing else.
    let again = flowsim(
        &[
            "run",
            "q.toml",
            "--set",
            "producer[0].rate=7",
            "--set",
            "consumer.workers=5",
            "-q",
        ],
        d.path(),
    );
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_dir(d.path().join("output")).unwrap().count(),
        3
    );
}

#[test]
fn a_bad_set_points_at_the_argument_like_the_sweeps() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("q.toml"), SCENARIO).unwrap();
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["--set", "consumer.wrokers=3"],
            &[
                "did you mean `workers`?",
                "(--set number 1, column 10)",
                "^^^^^^^",
            ],
        ),
        (
            &["--set", "run.horizon_s=60", "--set", "consumer.workers=3,4"],
            &[
                "gives 2 values",
                "use `flowsim sweep`",
                "(--set number 2, column 18)",
            ],
        ),
        (&["--set", "consumer.workers"], &["expected PATH=VALUES"]),
        (
            &["--set", "consumer[3].workers=2"],
            &["index 3 out of range (1 entries)", "^^^"],
        ),
    ];
    for (args, wants) in cases {
        let mut all = vec!["run", "q.toml"];
        all.extend_from_slice(args);
        let o = flowsim(&all, d.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        for w in wants {
            assert!(err.contains(w), "{args:?}: `{w}` not in\n{err}");
        }
        assert!(!err.contains("panicked"));
    }
    assert!(!d.path().join("output").exists());
}
