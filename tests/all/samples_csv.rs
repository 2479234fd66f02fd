//! `samples_csv`: an empirical distribution read from a CSV column, relative
//! to the scenario file, sampled as the same values inline; and each way the
//! file can be wrong refused at its key, with the file and the CSV line.

use flowsim::{ScenarioError, load_str, run};

/// A scenario "in" tests/data/samples/, so that its CSV paths start there.
const FILE: &str = "tests/data/samples/s.toml";

fn scenario(dist: &str) -> String {
    format!(
        "[run]\nhorizon_s = 200\nseed = 4\n[[service]]\nname = \"s\"\nservice_s = {dist}\n[[client]]\nname = \"c\"\ntarget = \"s\"\nrate = 20\nnetwork_s = {{ dist = \"constant\", mean = 0 }}\n"
    )
}

fn csv(path: &str, column: &str) -> String {
    scenario(&format!(
        "{{ dist = \"empirical\", samples_csv = {{ path = \"{path}\", column = \"{column}\" }} }}"
    ))
}

/// latencies.csv's column holds 0.01, 0.02, a blank cell and 0.5: the run is
/// the one with those three values inline, draw for draw.
#[test]
fn a_csv_column_samples_as_its_values_inline() {
    let from_csv = load_str(FILE, &csv("latencies.csv", "latency_s")).unwrap();
    let inline = load_str(
        FILE,
        &scenario("{ dist = \"empirical\", samples = [0.01, 0.02, 0.5] }"),
    )
    .unwrap();
    let a = run(&from_csv, FILE).unwrap().summary;
    let b = run(&inline, FILE).unwrap().summary;
    assert_eq!(
        serde_json::to_string(&a.clients).unwrap(),
        serde_json::to_string(&b.clients).unwrap()
    );
    // Each value a third of the time: mean 0.1767 s (4,000 draws, sd 0.23).
    let mean = a.clients[0].latency.mean_s;
    assert!((mean - 0.53 / 3.0).abs() < 0.015, "{mean}");
}

#[test]
fn each_problem_with_the_file_names_the_file_the_line_and_the_key() {
    let refused = |src: &str| match load_str(FILE, src) {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(ScenarioError::Invalid(ds)) => ds
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => panic!("{e}"),
    };
    let key = "service[0].service_s.samples_csv";
    let cases = [
        (
            csv("none.csv", "latency_s"),
            "path",
            "cannot read tests/data/samples/none.csv",
        ),
        (
            csv("latencies.csv", "latency"),
            "column",
            "has no column `latency`",
        ),
        (
            csv("not-a-number.csv", "latency_s"),
            "path",
            "line 4 of tests/data/samples/not-a-number.csv: `12ms` in column `latency_s` is not a number",
        ),
        (
            csv("header-only.csv", "latency_s"),
            "column",
            "has no values",
        ),
        (csv("negative.csv", "latency_s"), "path", "line 3 of"),
    ];
    for (src, at, what) in cases {
        let e = refused(&src);
        assert!(e.contains(&format!("{key}.{at}")), "{e}");
        assert!(e.contains(what), "{e}");
        // The scenario's own line: the `service_s` key is on line 6.
        assert!(e.contains("s.toml:6:"), "{e}");
    }
    // The column's names are offered.
    assert!(refused(&csv("latencies.csv", "latency")).contains("id, latency_s"));
    let both = scenario(
        "{ dist = \"empirical\", samples = [1], samples_csv = { path = \"latencies.csv\", column = \"latency_s\" } }",
    );
    assert!(refused(&both).contains("two sources of values"));
    let neither = scenario("{ dist = \"empirical\" }");
    assert!(refused(&neither).contains("needs `samples` or `samples_csv`"));
    let wrong_kind = scenario(
        "{ dist = \"exponential\", mean = 1, samples_csv = { path = \"latencies.csv\", column = \"latency_s\" } }",
    );
    assert!(refused(&wrong_kind).contains("does not apply to a exponential"));
}
