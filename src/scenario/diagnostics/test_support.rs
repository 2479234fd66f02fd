//! Shared by the unit tests: a toy config with the shapes of a flowsim scenario, a
//! sample file, and a way to break it.

use super::{Diagnostic, from_toml_str};

/// A toy config with the shapes of a flowsim scenario.
#[allow(dead_code)]
pub mod toy {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scenario {
        pub run: Run,
        #[serde(default)]
        pub producer: Vec<Producer>,
        #[serde(default)]
        pub queue: Vec<Queue>,
        #[serde(default)]
        pub consumer: Vec<Consumer>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Run {
        pub duration_s: f64,
        pub seed: u64,
        #[serde(default)]
        pub trace: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Producer {
        pub name: String,
        pub queue: String,
        pub rate_per_s: f64,
        #[serde(default)]
        pub profile: Vec<Step>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Step {
        pub at_s: f64,
        pub factor: f64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Queue {
        pub name: String,
        pub visibility_timeout_s: f64,
        #[serde(default)]
        pub max_receives: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Consumer {
        pub name: String,
        pub queue: String,
        pub count: u32,
        pub processing: Dist,
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Dist {
        Exponential { mean_s: f64 },
        Constant { value_s: f64 },
        Uniform { min_s: f64, max_s: f64 },
        Mix { parts: Vec<Dist> },
    }
}

pub const SAMPLE: &str = r#"# toy scenario
[run]
duration_s = 60.0
seed = 42

[[producer]]
name = "web"
queue = "orders"
rate_per_s = 10.0
profile = [{ at_s = 0, factor = 1.0 }, { at_s = 30, factor = 2.0 }]

[[queue]]
name = "orders"
visibility_timeout_s = 30

[[queue]]
name = "dlq"
visibility_timeout_s = 30

[[consumer]]
name = "worker"
queue = "orders"
count = 4
processing = { dist = "exponential", mean_s = 0.5 }
"#;

/// SAMPLE with the first `from` replaced by `to`, parsed; must fail.
pub fn err(from: &str, to: &str) -> Diagnostic {
    assert!(SAMPLE.contains(from), "sample lacks {from:?}");
    let src = SAMPLE.replacen(from, to, 1);
    match from_toml_str::<toy::Scenario>("x.toml", &src) {
        Ok(_) => panic!("expected an error for {to:?}"),
        Err(d) => {
            // Rendering must work for every diagnostic.
            let _ = d.to_string();
            d
        }
    }
}

pub fn path(d: &Diagnostic) -> String {
    d.path.as_ref().map(ToString::to_string).unwrap_or_default()
}
