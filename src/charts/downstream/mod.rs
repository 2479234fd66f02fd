//! Charts of managed pollers and downstream dependencies, drawn only for runs that
//! have them: `concurrency` and `downstream_calls`.

mod calls;
mod concurrency;

use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw_all(
    dir: &ChartDir,
    s: &Summary,
    series: &BoundedSeries,
) -> Result<(), ChartError> {
    concurrency::draw(dir, s, series)?;
    calls::draw(dir, s, series)
}

#[cfg(test)]
mod tests {
    use crate::charts::run::draw_all;

    const LAMBDA: &str = r#"
[run]
horizon_s = 60
seed = 3

[[queue]]
name = "orders"

[[producer]]
rate = 200.0

[[consumer]]
name = "fn"
batch_size = 10
processing_s = { dist = "constant", mean = 0.02 }
calls = ["db"]
retry = { attempts = 2 }
breaker = {}

[consumer.lambda]
max_concurrency = 20

[[database]]
name = "db"
max_connections = 5
pool = { size = 4 }
"#;

    const POOL: &str = r#"
[run]
horizon_s = 60

[[queue]]
name = "orders"

[[producer]]
rate = 50.0

[[consumer]]
workers = 4
processing_s = { dist = "constant", mean = 0.02 }
"#;

    /// The stems of the charts drawn for a scenario.
    fn charts(text: &str) -> Vec<String> {
        let scenario = crate::scenario::load_str("x.toml", text).expect("scenario");
        let out = crate::run::run(&scenario, "x").expect("run");
        let dir = tempfile::tempdir().expect("temp dir");
        draw_all(dir.path(), &out.summary, &out.series).expect("charts");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn both(stems: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = stems
            .iter()
            .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
            .collect();
        names.sort();
        names
    }

    #[test]
    fn lambda_and_database_get_their_charts_instead_of_workers() {
        let expected = both(&[
            "backlog",
            "throughput",
            "latency",
            "concurrency",
            "downstream_calls",
        ]);
        assert_eq!(charts(LAMBDA), expected);
    }

    #[test]
    fn a_plain_pool_gets_no_new_charts() {
        assert_eq!(
            charts(POOL),
            both(&["backlog", "throughput", "latency", "workers"])
        );
    }
}
