//! Scenario validation: what serde cannot see (ranges, references, combinations)
//! is refused before anything runs, with the key at fault.

use flowsim::{ScenarioError, load_str};

fn problems(src: &str) -> String {
    match load_str("v.toml", src) {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(ScenarioError::Invalid(ds)) => ds
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => panic!("{e}"),
    }
}

const BASE: &str = r#"
[[queue]]
name = "a"
[[queue]]
name = "b"
[[producer]]
queue = "a"
rate = 1.0
"#;

#[test]
fn the_base_is_valid() {
    load_str("v.toml", BASE).unwrap();
}

#[test]
fn dead_letter_cycles_and_mixed_types_are_refused() {
    let cyc = BASE
        .replace(
            "name = \"a\"",
            "name = \"a\"\nmax_receive_count = 2\ndead_letter_queue = \"b\"",
        )
        .replace(
            "name = \"b\"",
            "name = \"b\"\nmax_receive_count = 2\ndead_letter_queue = \"a\"",
        );
    let e = problems(&cyc);
    assert!(
        e.contains("lead back") && e.contains("queue[0].dead_letter_queue"),
        "{e}"
    );
    let mixed = BASE.replace(
        "name = \"a\"",
        "name = \"a\"\nfifo = true\nmax_receive_count = 2\ndead_letter_queue = \"b\"",
    );
    let e = problems(&mixed);
    assert!(e.contains("same type"), "{e}");
    let half = BASE.replace("name = \"a\"", "name = \"a\"\nmax_receive_count = 2");
    assert!(problems(&half).contains("needs a dead-letter queue"));
}

#[test]
fn overlapping_ramps_and_silent_producers_are_refused() {
    let ramps = BASE.replace(
        "rate = 1.0",
        "rate = 1.0\nprofile = [{ kind = \"ramp\", from_s = 0, to_s = 100, to_rate = 50 }, { kind = \"ramp\", from_s = 50, to_s = 150, to_rate = 0 }]",
    );
    let e = problems(&ramps);
    assert!(
        e.contains("overlaps a ramp") && e.contains("producer[0].profile[1]"),
        "{e}"
    );
    let silent = BASE.replace(
        "rate = 1.0",
        "rate = 0.0\nprofile = [{ kind = \"spike\", at_s = 10, duration_s = 5, factor = 10 }]",
    );
    assert!(problems(&silent).contains("sends nothing"));
}

#[test]
fn profile_steps_need_their_own_keys_only() {
    let missing = BASE.replace(
        "rate = 1.0",
        "rate = 1.0\nprofile = [{ kind = \"spike\", at_s = 10, factor = 3 }]",
    );
    assert!(problems(&missing).contains("needs `duration_s`"));
    let extra = BASE.replace(
        "rate = 1.0",
        "rate = 1.0\nprofile = [{ kind = \"step\", at_s = 10, rate = 3, factor = 2 }]",
    );
    let e = problems(&extra);
    assert!(
        e.contains("`factor` does not apply") && e.contains("producer[0].profile[0].factor"),
        "{e}"
    );
}

#[test]
fn distributions_need_their_parameters() {
    let src = format!(
        "{BASE}\n[[consumer]]\nqueue = \"a\"\nprocessing_s = {{ dist = \"lognormal\", mean = 1.0 }}\n"
    );
    assert!(problems(&src).contains("needs `cv`"));
    let src = format!(
        "{BASE}\n[[consumer]]\nqueue = \"a\"\nprocessing_s = {{ dist = \"uniform\", min = 2.0, max = 1.0 }}\n"
    );
    assert!(problems(&src).contains("max is below min"));
}
